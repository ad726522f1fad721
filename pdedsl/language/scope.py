"""What an expression can refer to (`Scope`) and what it may contain (`Context`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import sympy

from .problem import Constant, Fitted, Problem, Unknown, Variable
from .region import ShapeSpec
from .vocabulary import KEYWORDS

ContextKind = Literal["constant", "equation", "condition", "point", "mean", "exact", "source"]


@dataclass(frozen=True)
class Context:
    """What an expression may contain where it is written.

    kind: 'constant' (numbers and constants only: a range end, a setting),
    'equation' (unknowns, derivatives and `mean`), 'condition' (`dn` instead of
    `mean`), 'point' (a point condition) and 'mean' (inside `mean(...)`): unknowns and
    derivatives only; 'exact' and 'source' (formulas of the variables: an exact
    solution, a source term given to `Solution.resolve`). `what` names the place in
    messages ("the range of x").
    """

    kind: ContextKind
    what: str

    @property
    def constant_only(self) -> bool:
        return self.kind == "constant"

    @property
    def allows_fitted(self) -> bool:
        """Fitted constants belong in equations and conditions only: they are unknown
        until training ends, so nothing that must be known before it may use them."""
        return self.kind in ("equation", "condition", "point", "mean")


@dataclass
class Scope:
    """The names an expression can use, each by kind, in declaration order."""

    variables: dict[str, Variable] = field(default_factory=dict)
    constants: dict[str, Constant] = field(default_factory=dict)
    unknowns: dict[str, Unknown] = field(default_factory=dict)
    fitted: dict[str, Fitted] = field(default_factory=dict)
    regions: dict[str, ShapeSpec] = field(default_factory=dict)  # `region NAME = ...`
    _values: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict, repr=False,
                                                    compare=False)

    @classmethod
    def of(cls, problem: Problem) -> Scope:
        """Every name a checked Problem declares."""
        return cls(
            {v.name: v for v in problem.variables},
            {c.name: c for c in problem.constants},
            {u.name: u for u in problem.unknowns},
            {f.name: f for f in problem.fitted},
        )

    def __contains__(self, name: str) -> bool:
        return (name in self.variables or name in self.constants or name in self.unknowns
                or name in self.fitted or name in self.regions)

    def names(self) -> list[str]:
        return [*self.variables, *self.constants, *self.unknowns, *self.fitted]

    @property
    def spatial(self) -> list[Variable]:
        return [v for v in self.variables.values() if not v.is_time]

    def constant_values(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Each constant's value with earlier constants substituted, in order. Constants
        are only ever added, so the values found before are kept: every expression asks,
        and a file may declare hundreds of constants."""
        for c in list(self.constants.values())[len(self._values):]:
            self._values[c.symbol] = c.value.xreplace(self._values)
        return dict(self._values)

    def shorthand(self, text: str) -> tuple[str, str] | None:
        """`u_xy` -> ('u', 'xy') when u is an unknown and x, y declared one-letter
        variables; None when the name is not of that form (an ordinary name)."""
        for i, char in enumerate(text):
            if char != "_" or text[:i] not in self.unknowns:
                continue
            letters = text[i + 1 :]
            if letters and all(c in self.variables for c in letters):
                return text[:i], letters
        return None

    def not_a_variable(self, text: str) -> str:
        """Why `text` cannot stand where a variable is expected."""
        if text in self.constants:
            return f"'{text}' is a constant, not a variable"
        if text in self.fitted:
            return f"'{text}' is a fitted constant, not a variable"
        if text in self.unknowns:
            return f"'{text}' is an unknown, not a variable"
        if text in KEYWORDS:  # `unknown u(boundary)`
            return f"'{text}' is a keyword and cannot be used as a name"
        return f"undeclared variable '{text}'"

    def undeclared(self, text: str) -> str:
        """The message for an undeclared name, explaining near-misses of u_x."""
        head, _, letters = text.partition("_")
        if head in self.unknowns and letters in self.variables:
            return (
                f"undeclared name '{text}' (the shorthand u_x takes one-letter variables; "
                f"write diff({head}, {letters}))"
            )
        if head in self.unknowns and letters:
            missing = sorted({c for c in letters if c not in self.variables})
            noun = "variable" if len(missing) == 1 else "variables"
            return (
                f"undeclared name '{text}': as a derivative of {head} it needs the {noun} "
                f"{', '.join(missing)}, and none is declared (the shorthand {head}_... takes "
                f"one-letter variables; others take diff({head}, name))"
            )
        return f"undeclared name '{text}'"
