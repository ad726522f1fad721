"""The `Problem`: what a `.pde` file says, as plain data and SymPy expressions.

Everything downstream (compile, sample, train, plot) reads a Problem and nothing
else from the front end. It holds no JAX and no parse tree: equations are SymPy
`Eq` objects whose derivatives are `Derivative` nodes of applied unknowns such as
`u(x, y)`; constants stay symbols (so `--set kappa=0.1` can change them) and are
resolved to numbers by `constant_values`.
"""

from __future__ import annotations

import dataclasses
import fractions
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Mapping

import sympy
from sympy.core.function import AppliedUndef

from .operators import Mean, NormalDerivative, normal_derivative_along, normal_symbol
from .region import Region

if TYPE_CHECKING:
    from .data import Observations

Side = Literal["lower", "upper"]


@dataclass(frozen=True)
class Variable:
    """A coordinate and its range `[lower, upper]`; `is_time` for `time t in [...]`.

    The ends are constant SymPy expressions (they may mention declared constants).
    """

    name: str
    lower: sympy.Expr
    upper: sympy.Expr
    is_time: bool = False

    @property
    def symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self.name)


@dataclass(frozen=True)
class Constant:
    """`const name = value`; value is an expression of numbers and earlier constants."""

    name: str
    value: sympy.Expr

    @property
    def symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self.name)


@dataclass(frozen=True)
class Unknown:
    """A field to solve for, over some of the problem's variables, in that order."""

    name: str
    variables: tuple[str, ...]

    @property
    def function(self) -> sympy.FunctionClass:
        return sympy.Function(self.name)

    @property
    def applied(self) -> sympy.Expr:
        """`u(x, y)`: the node equations use for this unknown."""
        return self.function(*(sympy.Symbol(v) for v in self.variables))


def unknowns_in(expr: sympy.Basic) -> set[str]:
    """The names of the unknowns `expr` holds."""
    return {f.func.__name__ for f in expr.atoms(AppliedUndef)}


@dataclass(frozen=True)
class Face:
    """The part of the box where `variable` sits at its lower or upper end."""

    variable: str
    side: Side

    def __str__(self) -> str:
        return f"{self.variable}={self.side}"


def normal_derivative_on(expr: sympy.Expr, face: Face) -> sympy.Expr:
    """`expr` on one face: each `dn(e)` replaced by ±∂e/∂(face variable), outward."""
    sign = -1 if face.side == "lower" else 1
    x = sympy.Symbol(face.variable)
    return expr.replace(
        lambda e: isinstance(e, NormalDerivative),
        lambda e: sign * sympy.diff(e.args[0], x),
    )


@dataclass(frozen=True)
class Location:
    """Where a statement was written, so later stages can point at it."""

    line: int
    column: int


@dataclass(frozen=True)
class Fitted:
    """`fit name = guess`: a constant of the equations found with the fields.

    `guess` is the first guess, a constant expression of numbers and `const`s; `exact`
    the value an `exact name = ...` statement gives (for error reports only), if any.
    """

    name: str
    guess: sympy.Expr
    location: Location | None = None
    exact: sympy.Expr | None = None

    @property
    def symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self.name)


def fitted_error(value, exact: float):
    """A fitted constant's error against its exact value c*: `|c - c*| / |c*|`, or
    `|c - c*|` when c* = 0 (`value` a number or an array of them)."""
    return abs(value - exact) / (abs(exact) or 1.0)


@dataclass(frozen=True)
class Equation:
    """An equation holding in the interior of the domain."""

    eq: sympy.Eq
    location: Location | None = None

    @property
    def residual(self) -> sympy.Expr:
        return self.eq.lhs - self.eq.rhs


@dataclass(frozen=True)
class Condition:
    """An equation holding on `faces` (a union of box faces).

    In a problem with a region, `selectors` are the parts of the region's boundary it
    holds on (`pdedsl.selection`: the whole boundary, a named shape, a line x = a),
    and `faces` only the time variable's (`on t = 0`).
    `where` is the text after `on`, as written, for messages and display.
    """

    eq: sympy.Eq
    faces: tuple[Face, ...]
    where: str
    location: Location | None = None
    selectors: tuple = ()

    @property
    def residual(self) -> sympy.Expr:
        return self.eq.lhs - self.eq.rhs

    def on_face(self, face: Face) -> sympy.Expr:
        """The residual on one face, with `dn(e)` replaced by ±∂e/∂(face variable)."""
        return normal_derivative_on(self.residual, face)

    def on_region(self, variables: tuple[str, ...]) -> sympy.Expr:
        """The residual on the region's boundary, `dn(e)` read with the normal's symbols."""
        return normal_derivative_along(self.residual, variables)


@dataclass(frozen=True)
class PointCondition:
    """An equation holding where some spatial variables take given values.

    `u = 0 at x = 1/2, y = 0`: `point` maps each named variable to its value, a
    constant expression like a range end (`{'x': 1/2, 'y': 0}`, in the problem's
    variable order). When every spatial variable is named it holds at one point;
    otherwise on the line, plane, ... where the named ones take those values and the
    others run over their ranges; in a time-dependent problem, at every time.
    `where` is the text after `at`, as written.
    """

    eq: sympy.Eq
    point: Mapping[str, sympy.Expr]
    where: str
    location: Location | None = None

    @property
    def residual(self) -> sympy.Expr:
        return self.eq.lhs - self.eq.rhs


@dataclass(frozen=True)
class MeanCondition:
    """An equation between averages over the whole domain: `mean(u) = 0`.

    Every unknown in `eq` is inside a `Mean(...)`; outside them there are only numbers
    and constants, so the condition is one scalar equation (it fixes, for instance,
    the free constant of a pure Neumann or periodic problem).
    """

    eq: sympy.Eq
    location: Location | None = None

    @property
    def residual(self) -> sympy.Expr:
        return self.eq.lhs - self.eq.rhs

    @property
    def means(self) -> tuple[Mean, ...]:
        """The `Mean(...)` nodes of the equation, in a fixed order."""
        return tuple(sorted(self.eq.atoms(Mean), key=sympy.default_sort_key))


@dataclass(frozen=True)
class Settings:
    """The settings statements, validated against `pdedsl.language.settings.SCHEMA`.

    Only what the file wrote; defaults are filled in by the solver, so that a value
    given on the command line or to `solve(...)` overrides the file's.
    """

    solver: str | None = None
    solver_options: Mapping[str, object] = field(default_factory=dict)
    model: Mapping[str, object] = field(default_factory=dict)
    sample: Mapping[str, object] = field(default_factory=dict)
    seed: int | None = None


@dataclass(frozen=True)
class Source:
    """The file a problem came from: its name (for messages) and its text."""

    name: str
    text: str


@dataclass(frozen=True)
class Problem:
    """One checked PDE problem on a box.

    `variables` are in declaration order; that order is the column order of every
    array of points downstream. `periodic` names the variables whose two ends are
    identified (the solution and all its derivatives match there; no condition holds
    on their faces). `point_conditions` hold at points, lines or planes (`at ...`),
    `mean_conditions` between averages over the whole domain (`mean(u) = 0`).
    `fitted` are the constants found with the fields (`fit k = 1`), in declaration
    order; they stay symbols in the equations. `observations` are the measurements of
    the `data` statements (or those given in their place), as read.
    `region`: the shape the spatial variables range over (None: the box of their
    ranges); a variable the region statement declares has its bounding box as range.
    """

    variables: tuple[Variable, ...]
    unknowns: tuple[Unknown, ...]
    equations: tuple[Equation, ...]
    conditions: tuple[Condition, ...] = ()
    constants: tuple[Constant, ...] = ()
    exact: Mapping[str, sympy.Expr] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    source: Source | None = None
    periodic: tuple[str, ...] = ()
    point_conditions: tuple[PointCondition, ...] = ()
    mean_conditions: tuple[MeanCondition, ...] = ()
    fitted: tuple[Fitted, ...] = ()
    observations: tuple[Observations, ...] = ()
    region: Region | None = None

    @property
    def time(self) -> Variable | None:
        return next((v for v in self.variables if v.is_time), None)

    @property
    def spatial(self) -> tuple[Variable, ...]:
        return tuple(v for v in self.variables if not v.is_time)

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(v.symbol for v in self.variables)

    @property
    def names(self) -> tuple[str, ...]:
        """The variables' names: the column order of every array of points."""
        return tuple(v.name for v in self.variables)

    @property
    def without_exact(self) -> tuple[str, ...]:
        """The unknowns with no `exact` solution: errors are measured only when none is."""
        return tuple(u.name for u in self.unknowns if u.name not in self.exact)

    @property
    def unknown_axes(self) -> tuple[tuple[int, ...], ...]:
        """Per unknown, the columns (variables) it depends on."""
        return tuple(tuple(self.names.index(v) for v in u.variables) for u in self.unknowns)

    def variable(self, name: str) -> Variable:
        return next(v for v in self.variables if v.name == name)

    def unknown(self, name: str) -> Unknown:
        return next(u for u in self.unknowns if u.name == name)

    def constant_values(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Each constant's value as an exact number, resolved in declaration order."""
        values: dict[sympy.Symbol, sympy.Expr] = {}
        for c in self.constants:
            values[c.symbol] = c.value.xreplace(values)
        return values

    def guesses(self) -> dict[str, float]:
        """Each fitted constant's first guess, as a number."""
        values = self.constant_values()
        return {f.name: float(f.guess.subs(values)) for f in self.fitted}

    def fitted_exact(self) -> dict[str, float]:
        """The exact value of each fitted constant that has one, as a number."""
        values = self.constant_values()
        return {f.name: float(f.exact.subs(values)) for f in self.fitted if f.exact is not None}

    def bounds(self) -> list[tuple[float, float]]:
        """Numeric `(lower, upper)` per variable, constants substituted."""
        values = self.constant_values()
        return [
            (float(v.lower.subs(values)), float(v.upper.subs(values)))
            for v in self.variables
        ]

    def face_value(self, face: Face) -> float:
        lower, upper = self.bounds()[self.names.index(face.variable)]
        return lower if face.side == "lower" else upper

    def point_values(self, condition: PointCondition) -> dict[str, float]:
        """The numeric value of each variable a point condition names."""
        values = self.constant_values()
        return {name: float(value.subs(values)) for name, value in condition.point.items()}

    def with_constants(self, **values: float) -> Problem:
        """A copy with some constants given new values (later constants follow)."""
        names = {c.name for c in self.constants}
        unknown = set(values) - names
        if unknown:
            raise KeyError(f"no constant named {', '.join(sorted(unknown))}")
        constants = tuple(
            Constant(c.name, _exact(values[c.name])) if c.name in values else c
            for c in self.constants
        )
        changed = dataclasses.replace(self, constants=constants)
        from .revalue import check_values, with_region  # (they import this module)

        check_values(changed)  # an empty range, 1/k at k = 0: ValueError
        return with_region(changed) if self.region is not None else changed

    def with_guesses(self, **values: float) -> Problem:
        """A copy with some fitted constants given new first guesses."""
        names = {f.name for f in self.fitted}
        unknown = set(values) - names
        if unknown:
            raise KeyError(f"no fitted constant named {', '.join(sorted(unknown))}")
        fitted = tuple(
            dataclasses.replace(f, guess=_exact(values[f.name])) if f.name in values else f
            for f in self.fitted
        )
        return dataclasses.replace(self, fitted=fitted)

    def with_observations(self, observations) -> Problem:
        """A copy whose observations are `observations` (the file's are replaced)."""
        return dataclasses.replace(self, observations=tuple(observations))

    def with_settings(self, settings: Settings) -> Problem:
        return dataclasses.replace(self, settings=settings)


def _exact(value: float | str | sympy.Expr) -> sympy.Expr:
    """A number given from Python or the command line as an exact SymPy number."""
    if isinstance(value, sympy.Basic):
        return value
    text = str(value).strip()
    exponent = re.search(r"[eE]\s*([+-]?\d+)\s*$", text)
    if exponent and abs(int(exponent.group(1))) > 1000:  # 1e999999999 would take ages
        raise ValueError(f"{text} is too large")
    try:
        fraction = fractions.Fraction(text)  # parses a numeral; never evaluates text
    except ZeroDivisionError:  # '1/0'
        raise ValueError(f"{text} divides by zero") from None
    if abs(fraction) > sys.float_info.max:
        raise ValueError(f"{text} is too large")
    return sympy.Rational(fraction.numerator, fraction.denominator)
