"""A Pygments lexer for `.pde` files: syntax colours in the docs, editors and terminals.

Registered as the Pygments plugin `pde` (pyproject.toml, `pygments.lexers`), so a
Markdown fence written ```pde, `pygmentize file.pde` or rich's `Syntax` finds it once
the package is installed. Its words come from `pdedsl.language.vocabulary`, the table
the parser itself reads, so the colours cannot drift from the language; the number,
name, string and comment patterns are those of grammar/pde.lark.

Token types: statement keywords and `in`, `on`, `at`, `minus`, ... are `Keyword`;
`boundary` is `Keyword.Pseudo`; built-in functions, operators (`laplacian`, `dn`,
`mean`, ...) and shapes are `Name.Builtin`; `pi` and `e` are `Name.Constant`; a solver
or model name is `Name.Class` and a setting's name `Name.Attribute`; numbers are
`Number.Integer` or `Number.Float`; `# ...` is `Comment.Single`; `"..."` is `String`.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String,
                            Whitespace)

from .language.vocabulary import (CONSTANTS, FUNCTIONS, KEYWORDS, LATER_OPERATORS, OPERATORS,
                                  SHAPES)

NAME = r"[A-Za-z][A-Za-z0-9_]*"  # grammar/pde.lark: NAME
SETTINGS_KEYWORDS = ("solver", "model", "sample", "seed")  # lines whose `name = value` are settings
PLACE_KEYWORDS = ("boundary",)
BUILTINS = (*FUNCTIONS, *OPERATORS, *LATER_OPERATORS, *SHAPES)
_KEYWORDS = tuple(sorted(KEYWORDS - set(SETTINGS_KEYWORDS) - set(PLACE_KEYWORDS)))


class PdeLexer(RegexLexer):
    """Lexer for the `.pde` problem language of pdedsl."""

    name = "PDE"
    aliases = ["pde", "pdedsl"]
    filenames = ["*.pde"]
    mimetypes = ["text/x-pde"]

    tokens = {
        "root": [
            (r"\n", Whitespace),
            (rf"(solver|model)(\s+)({NAME})", bygroups(Keyword, Whitespace, Name.Class), "settings"),
            (words(SETTINGS_KEYWORDS, suffix=r"\b"), Keyword, "settings"),
            include("common"),
        ],
        # The rest of a `solver NAME(...)`, `model NAME(...)`, `sample ...` or `seed N` line.
        "settings": [
            (r"\n", Whitespace, "#pop"),
            (r"\(", Punctuation, "options"),
            (rf"({NAME})(\s*)(=)", bygroups(Name.Attribute, Whitespace, Operator)),
            include("common"),
        ],
        # Inside the parentheses of a settings line: newlines do not end the statement.
        "options": [
            (r"\)", Punctuation, "#pop"),
            (r"\n", Whitespace),
            (rf"({NAME})(\s*)(=)", bygroups(Name.Attribute, Whitespace, Operator)),
            include("common"),
        ],
        "common": [
            (r"[ \t\f\r]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"[^"\n]*"', String.Double),
            (words(_KEYWORDS, suffix=r"\b"), Keyword),
            (words(PLACE_KEYWORDS, suffix=r"\b"), Keyword.Pseudo),
            (words(BUILTINS, suffix=r"\b(?=\s*\()"), Name.Builtin),
            (words(tuple(CONSTANTS), suffix=r"\b"), Name.Constant),
            (r"(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|\d+[eE][+-]?\d+", Number.Float),
            (r"\d+", Number.Integer),
            (NAME, Name),
            (r"\*\*|[-+*/^=]", Operator),
            (r"[()\[\],]", Punctuation),
        ],
    }


def register() -> None:
    """Let Pygments find the lexer by name without the package's entry point (a checkout
    that is not installed, or installed before the entry point existed): the docs
    site's build hook calls this."""
    from pygments.lexers import _mapping

    _mapping.LEXERS.setdefault("PdeLexer", (__name__, PdeLexer.name, tuple(PdeLexer.aliases),
                                            tuple(PdeLexer.filenames), tuple(PdeLexer.mimetypes)))


__all__ = ["PdeLexer"]
