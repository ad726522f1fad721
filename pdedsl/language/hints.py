"""Hints for syntax errors: what a line most likely meant, read off the text around the
unexpected token (`sin x` -> `sin(x)`, `2x` -> `2*x`, `unknwon` -> `unknown`).

Each function returns its hint or nothing; `parser._syntax_error` asks them in turn.
"""

from __future__ import annotations

import difflib
import re

from lark import Token

from .vocabulary import FUNCTIONS, KEYWORDS, STATEMENT_KEYWORDS

# Characters that editors and copied formulas put in place of ASCII operators.
LOOKALIKES = {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "*", "\u00b7": "*",
              "\u22c5": "*", "\u00f7": "/", "\u00b2": "^2", "\u00b3": "^3", "\u03c0": "pi"}
# Quotes: a closed "..." is a token, so a '"' that is not is a string left open.
QUOTES = {'"': " (a string must end with '\"' on the same line: data \"obs.csv\")",
          "'": " (a data file's path goes in double quotes, data \"obs.csv\"; "
               "a derivative is written u_x or diff(u, x))"}


def keyword_declared(token: Token, text: str) -> Token | None:
    """The keyword a line declares as a variable (`exact in [0, 1]`, `data in [0, 1]`):
    the statement it starts reads `in` as its name, or fails at it."""
    if token.type == "$END" or token.line is None:
        return None
    line = text.split("\n")[token.line - 1]
    match = re.match(r"\s*(time\s+)?([A-Za-z]+)\s+in\s*\[", line)
    if match is None or match.group(2) not in KEYWORDS or token.column - 1 < match.end(2):
        return None
    start = match.start(2)
    return Token("NAME", match.group(2), token.start_pos - (token.column - 1) + start,
                 token.line, start + 1)


def cut_word(token: Token, text: str) -> tuple[str, str] | None:
    """(keyword, word) when the token is the rest of a word whose start was read as a
    keyword (`x inn [0, 1]`: `in`, then `n`)."""
    if token.type not in ("NAME", "NUMBER") or not token.start_pos:
        return None
    match = re.search(r"[A-Za-z][A-Za-z0-9_]*$", text[: token.start_pos])
    if match is None or match.group(0) not in KEYWORDS:
        return None
    return match.group(0), match.group(0) + str(token)


def character_hint(char: str) -> str:
    """` (write '-')` for a look-alike of an operator; a note for quotes and for other
    non-ASCII characters."""
    if char in LOOKALIKES:
        return f" (write '{LOOKALIKES[char]}')"
    if char in QUOTES:
        return QUOTES[char]
    if not char.isascii():
        return " (names and operators are ASCII; other characters only in comments)"
    return ""


def misspelt_keyword(token: Token, text: str) -> tuple[Token, str] | None:
    """(`unknwon`, 'unknown') when the line starts with a word close to a statement
    keyword and the unexpected token follows it: `unknwon u(x)`, `Solver adam`.
    Two names in a row never start a statement, so the word must be the mistake."""
    if token.type == "$END" or token.line is None:
        return None
    line = text.split("\n")[token.line - 1]
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9_]*)\s+$", line[: token.column - 1])
    if match is None or match.group(1) in KEYWORDS:
        return None
    word = match.group(1)
    close = difflib.get_close_matches(word.lower(), STATEMENT_KEYWORDS, n=1, cutoff=0.7)
    if not close:
        return None
    start = match.start(1)
    offset = token.start_pos - (token.column - 1) + start
    return Token("NAME", word, offset, token.line, start + 1), close[0]


def juxtaposition_hint(token: Token, text: str) -> str:
    """`: write sin(x)` after `sin x`; `: write '*' for a product` after `2x`, `2(x+1)`,
    `(a)(b)`: a value followed directly by a name or '(' is never well formed (but
    `... 0 y = 1` is a missing comma, not a product)."""
    if token.type not in ("NAME", "LPAR") or token.line is None:
        return ""
    line = text.split("\n")[token.line - 1]
    before, after = line[: token.column - 1], line[token.column - 1 + len(token) :]
    if token.type == "NAME" and re.match(r"\s*=", after):  # `x = 0 y = 1`: a missing ','
        return ""
    word = re.search(r"([A-Za-z][A-Za-z0-9_]*)\s*$", before)
    if word and word.group(1) in FUNCTIONS and token.type == "NAME":
        return f": write {word.group(1)}({token})"
    if re.search(r"([0-9.]|\))\s*$", before) and not (
        str(token)[0] in "eE" and re.search(r"[0-9.]$", before)  # `1e`: a bad exponent
    ):
        return ": write '*' for a product (2*x, not 2x)"
    return ""


def number_hint(token: Token, text: str) -> str:
    """`1e` or `2.5e+` (an exponent with no digits) and `1.2.3` (two decimal points): a
    malformed number, said so, where the parser sees only an unexpected token."""
    if token.line is None:
        return ""
    before = text.split("\n")[token.line - 1][: token.column - 1]
    if not re.search(r"(^|[^A-Za-z0-9_.])[0-9.]*[0-9][0-9.]*$", before):
        return ""  # not directly after a number (`x1e` is a name)
    if re.fullmatch(r"[eE]", str(token)):
        return ": a number's exponent needs digits (1e-3, 2.5E+2)"
    if str(token).startswith(".") and "." in re.search(r"[0-9.]*$", before).group():
        return ": a number has one decimal point"
    return ""


def one_variable_region_hint(token: Token, text: str) -> str:
    """`(x) in disk(...)`: regions take two or three variables; one takes a range."""
    if str(token) != "in" or token.line is None:
        return ""
    line = text.split("\n")[token.line - 1]
    match = re.match(r"\s*\(\s*([A-Za-z][A-Za-z0-9_]*)\s*\)\s*$", line[: token.column - 1])
    if match is None:
        return ""
    name = match.group(1)
    return (f": a region is over 2 or 3 variables, (x, y) in ...; one variable takes a "
            f"range: {name} in [a, b]")
