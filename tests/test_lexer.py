"""The Pygments lexer for `.pde`: every file lexes cleanly, each word gets its colour.

Independent references: the example files (real `.pde` text), the grammar's own
literals (grammar/pde.lark, read by lark), and the vocabulary table the parser uses.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import lark
import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String, Whitespace

from pdedsl.language.vocabulary import CONSTANTS, FUNCTIONS, KEYWORDS, OPERATORS, SHAPES
from pdedsl.lexer import PdeLexer, register

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "examples").glob("*.pde")) + sorted((ROOT / "bench" / "problems").glob("*.pde"))
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
PDE_FENCE = re.compile(r"^ *```pde[^\n]*\n(.*?)^ *```", re.S | re.M)


def tokens(text: str) -> list[tuple]:
    return [(kind, value) for kind, value in PdeLexer().get_tokens(text)
            if kind not in Whitespace and value.strip()]


def kind_of(text: str, word: str):
    """The token type of the first token spelled `word` in `text`."""
    return next(kind for kind, value in tokens(text) if value == word)


def test_examples_lex_without_errors_and_round_trip():
    assert len(FILES) > 15
    for path in FILES:
        text = path.read_text()
        found = list(PdeLexer().get_tokens(text))
        assert [v for k, v in found if k in Error] == [], path.name
        assert "".join(v for _, v in found) == (text if text.endswith("\n") else text + "\n")


def test_pde_blocks_of_the_docs_lex_without_errors():
    blocks = [(page.name, body) for page in PAGES for body in PDE_FENCE.findall(page.read_text())]
    assert len(blocks) > 20
    for name, body in blocks:
        errors = [v for k, v in PdeLexer().get_tokens(body) if k in Error]
        assert errors == [], (name, errors, body[:200])


def test_every_keyword_of_the_grammar_is_a_keyword():
    grammar = lark.Lark((ROOT / "grammar" / "pde.lark").read_text(), parser="lalr")
    words = {t.pattern.value for t in grammar.terminals
             if isinstance(t.pattern, lark.lexer.PatternStr) and t.pattern.value.isalpha()}
    assert {"in", "on", "at", "time", "exact", "periodic", "boundary"} <= words
    assert words <= KEYWORDS  # the lexer's words are the vocabulary's, which covers the grammar
    for word in sorted(words):
        assert kind_of(f"{word} x", word) in Keyword, word


def test_builtins_constants_and_names():
    for name in [*FUNCTIONS, *OPERATORS, *SHAPES]:
        assert kind_of(f"u = {name}(x)", name) is Name.Builtin, name
    for name in CONSTANTS:
        assert kind_of(f"u = 2*{name}", name) is Name.Constant, name
    # A name that begins like a keyword or a built-in is a plain name.
    for name in ("index", "onset", "pin", "eps", "sinx", "u_xx", "at2", "exact_u"):
        assert kind_of(f"u = {name}", name) is Name, name
    # A function's name used as a setting's value (`activation = tanh`) is not a call.
    assert kind_of("model mlp(activation = tanh)", "tanh") is Name


def test_numbers_comments_strings_operators():
    text = 'u = 1e-6 + 784 + .5 + 2. + 3.25E+2 ** 2 ^ 3  # a comment\ndata "points.csv"\n'
    found = dict((value, kind) for kind, value in tokens(text))
    for number in ("1e-6", ".5", "2.", "3.25E+2"):
        assert found[number] is Number.Float, number
    assert found["784"] is Number.Integer
    assert found["# a comment"] is Comment.Single
    assert found['"points.csv"'] is String.Double
    for op in ("=", "+", "**", "^"):
        assert found[op] is Operator, op


def test_places_and_settings():
    text = ("u = 0 on boundary\nu = 1 at x = 0, y = 1/2\n"
            "solver anagram(steps = 500,\n  rcond = 1e-6)\nsample interior = 784\nseed 3\n"
            "u_x = 0 on x = 1\n")
    found = tokens(text)
    kinds = {value: kind for kind, value in found}
    assert kinds["on"] in Keyword and kinds["at"] in Keyword
    assert kinds["boundary"] is Keyword.Pseudo
    assert kinds["anagram"] is Name.Class
    for setting in ("steps", "rcond", "interior"):
        assert kinds[setting] is Name.Attribute, setting
    # After the settings lines (one of them over two lines), names are names again.
    assert (Name, "u_x") in found and (Name.Attribute, "u_x") not in found


@pytest.mark.parametrize("alias", ["pde", "pdedsl"])
def test_pygments_finds_the_lexer_by_name_and_file(alias):
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    register()  # what the entry point does for an installed package (the docs hook's fallback)
    assert isinstance(get_lexer_by_name(alias), PdeLexer)
    assert isinstance(get_lexer_for_filename("laplace.pde"), PdeLexer)


def test_the_entry_point_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pygments.lexers"] == {"pde": "pdedsl.lexer:PdeLexer"}
