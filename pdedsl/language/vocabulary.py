"""The words of the language: keywords and built-in names, one table per kind.

The builders read these tables to give names their meaning, the parser to suggest
the word a user probably meant, and every table's names are reserved (none can be
declared as a variable, constant or unknown).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable, Iterable

import sympy


@dataclass(frozen=True)
class Function:
    """A built-in function: its SymPy constructor and how many arguments it takes."""

    build: Callable[..., sympy.Expr]
    min_args: int = 1
    max_args: int | None = 1  # None: no upper limit


FUNCTIONS: dict[str, Function] = {
    "sin": Function(sympy.sin), "cos": Function(sympy.cos), "tan": Function(sympy.tan),
    "asin": Function(sympy.asin), "acos": Function(sympy.acos), "atan": Function(sympy.atan),
    "sinh": Function(sympy.sinh), "cosh": Function(sympy.cosh), "tanh": Function(sympy.tanh),
    "exp": Function(sympy.exp), "log": Function(sympy.log), "sqrt": Function(sympy.sqrt),
    "abs": Function(sympy.Abs),
    "atan2": Function(sympy.atan2, 2, 2),  # atan2(y, x): the angle of the point (x, y)
    "heaviside": Function(lambda x: sympy.Heaviside(x, sympy.Rational(1, 2))),
    "sign": Function(sympy.sign),
    "min": Function(sympy.Min, 2, None),
    "max": Function(sympy.Max, 2, None),
}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
# Operators act on expressions and are built by the expression builder itself.
OPERATORS = ("diff", "laplacian", "dn", "mean")
LATER_OPERATORS = ("grad", "div")
SHAPES = ("disk", "annulus", "rectangle", "polygon", "ball", "box")  # only in regions
KEYWORDS = frozenset(
    "in time const unknown on at boundary exact solver model sample seed fit data region "
    "periodic minus union intersect".split()
)
# The keywords that can start a line.
STATEMENT_KEYWORDS = tuple(sorted(KEYWORDS - {"in", "on", "at", "boundary", "minus", "union",
                                              "intersect"}))


def builtin_kind(name: str) -> str | None:
    """'keyword', 'built-in function', ... for a reserved name; None for any other."""
    if name in KEYWORDS:
        return "keyword"
    if name in FUNCTIONS:
        return "built-in function"
    if name in CONSTANTS:
        return "built-in constant"
    if name in OPERATORS or name in LATER_OPERATORS:
        return "built-in operator"
    if name in SHAPES:
        return "built-in shape"
    return None


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """`: did you mean 'laplacian'?` for the candidate closest to a misspelt word, or ''."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=cutoff)
    if not close and word.lower() != word:
        close = difflib.get_close_matches(word.lower(), sorted(set(candidates)), n=1,
                                          cutoff=cutoff)
    return f": did you mean '{close[0]}'?" if close and close[0] != word else ""
