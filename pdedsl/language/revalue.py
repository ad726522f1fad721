"""What a constant's new value (`--set L=-1`, `solve(k=0)`) may break, found before
anything trains: the file was checked with the old values, so a range may now be empty,
or an equation hold 1/k at k = 0 or sqrt(k) at k = -1, which would stop the solve
deep in compilation or train on a loss that is not finite. A region is rebuilt for the
new values (`with_region`), its conditions' places and points checked on it again.
"""

from __future__ import annotations

import dataclasses
import math

import sympy

from . import expressions, magnitude
from .region import moved_selectors, range_end


def check_values(problem) -> None:
    """Raise ValueError saying what the problem's constant values break."""
    values = _resolved(problem)
    ranges = {}
    for variable in problem.variables:
        low, high = (_number(e, values, f"the range of {variable.name}")
                     for e in (variable.lower, variable.upper))
        if not low < high:
            raise ValueError(f"the range of {variable.name} is empty: [{low:g}, {high:g}]")
        ranges[variable.name] = (low, high)
    _points_inside(problem, values, ranges)
    for fitted in problem.fitted:
        _number(fitted.guess, values, f"the first guess of {fitted.name}")
    statements = [*problem.equations, *problem.mean_conditions, *problem.conditions,
                  *problem.point_conditions]
    for statement in statements:
        kind = type(statement).__name__.replace("Condition", " condition").lower()
        _finite(statement.eq.lhs - statement.eq.rhs, values,
                f"the {kind.strip()}{_on_line(statement)}")
    for name, expr in problem.exact.items():
        _finite(expr, values, f"the exact solution of {name}")
        _within_scale(problem, values, name, expr)


def check_scale(problem, name: str) -> None:
    """Raise ValueError if the exact solution of `name` is too large to measure an error
    against with the file's own constants (`const L = 1e300`, `exact u = x*(L - x)`):
    the same refusal as a new value's, so the run does not end with 'L2 u nan'."""
    _within_scale(problem, _resolved(problem), name, problem.exact[name])


def with_region(problem):
    """The problem with its region rebuilt for the current constants, its variables'
    ranges and the conditions' planes following (ValueError for a bad shape, a range that
    no longer holds it, or a condition's place, a point or an observation no longer on it)."""
    values = problem.constant_values()
    region = problem.region.with_values(values)
    box = dict(zip(region.variables, region.bounds()))
    variables = tuple(
        dataclasses.replace(v, lower=range_end(box[v.name][0]), upper=range_end(box[v.name][1]))
        if v.name in region.declared else v for v in problem.variables)
    conditions = []
    for c in problem.conditions:
        try:
            selectors = moved_selectors(c.selectors, region.shape, values)
        except ValueError as error:
            raise ValueError(f"the condition{_on_line(c)}: {error}") from None
        conditions.append(dataclasses.replace(c, selectors=selectors))
    _points_on_region(problem, region, values)
    moved = dataclasses.replace(problem, region=region, variables=variables,
                                conditions=tuple(conditions))
    for name, (lower, upper) in zip(moved.names, moved.bounds()):
        if name in box and not (lower <= box[name][0] + 1e-9 and box[name][1] <= upper + 1e-9):
            raise ValueError(f"the region no longer fits in the range of {name}")
    return moved


def _points_on_region(problem, region, values) -> None:
    """Each point condition's place and each observation still in the (new) region."""
    for c in problem.point_conditions:
        point = {name: float(value.subs(values)) for name, value in c.point.items()}
        if (missed := region.misses(point, c.where)) is not None:
            raise ValueError(f"the point condition{_on_line(c)}: {missed}")
    for data in problem.observations:
        columns = [data.variables.index(v) for v in region.variables]
        if set(region.variables) <= set(data.measured) and \
                not region.shape.contains(data.points[:, columns]).all():
            raise ValueError(f"the data of {data.path} hold points outside the region")


LARGEST_SOLUTION = 1e150  # beyond, an exact solution's squares summed over points overflow


def _within_scale(problem, values, name: str, expr: sympy.Expr) -> None:
    """The exact solution at the middle of the domain's box and of each face no larger than
    LARGEST_SOLUTION: `--set L=1e300` with `exact u = x*(L - x)` makes it 2.5e599, and
    the run's error against it NaN (nor does a double hold such a problem's terms)."""
    ends = {v.symbol: (magnitude.resolve(v.lower, values), magnitude.resolve(v.upper, values))
            for v in problem.variables}
    middle = {symbol: (low + high) / 2 for symbol, (low, high) in ends.items()}
    for point in [middle, *({**middle, s: end} for s, pair in ends.items() for end in pair)]:
        try:
            value = magnitude.resolve(expr, {**values, **point})
        except magnitude.TooLarge:
            continue  # exp(-x^2) at a huge x: a double holds it (as 0)
        size = magnitude.log_size(value)
        if math.isfinite(size) and size > math.log(LARGEST_SOLUTION):
            at = ", ".join(f"{symbol} = {float(v):.3g}" for symbol, v in point.items())
            exponent = math.floor(size / math.log(10))
            reaches = f"{math.exp(size - exponent * math.log(10)):.3g}e+{exponent}"
            raise ValueError(f"the exact solution of {name} reaches {reaches} at {at}: "
                             f"beyond {LARGEST_SOLUTION:g}, its squares overflow a double, so "
                             "no error can be measured against it")


def _points_inside(problem, values, ranges) -> None:
    """Each point condition's point and each observation within the (new) ranges."""
    for condition in problem.point_conditions:
        what = f"the point condition{_on_line(condition)}"
        for name, expr in condition.point.items():
            value, (low, high) = _number(expr, values, what), ranges[name]
            slack = 1e-12 * max(abs(low), abs(high))
            if not low - slack <= value <= high + slack:
                raise ValueError(f"{what}: {name} = {value:g} is outside the range of {name} "
                                 f"[{low:g}, {high:g}]")
    for observations in problem.observations:
        for name, column in zip(observations.variables, observations.points.T):
            if name not in observations.measured:  # no column for it: a filler
                continue
            low, high = ranges[name]
            if column.size and not (low <= column.min() and column.max() <= high):
                raise ValueError(f"the data of {observations.path} hold {name} outside its "
                                 f"range [{low:g}, {high:g}]")


def _on_line(statement) -> str:
    return f" on line {statement.location.line}" if statement.location else ""


def _resolved(problem) -> dict[sympy.Symbol, sympy.Expr]:
    """Each constant's value, in declaration order, each a finite real number."""
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for constant in problem.constants:
        values[constant.symbol] = magnitude.resolve(constant.value, values)
        _number(constant.value, values, f"the value of {constant.name}")
    return values


def _number(expr: sympy.Expr, values, what: str) -> float:
    """`expr` as a finite real double, with the constants' values put in."""
    value = magnitude.resolve(expr, values)
    _finite(value, values, what)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{what} is not a finite number")
    return number


def _finite(expr: sympy.Expr, values, what: str) -> None:
    resolved = magnitude.resolve(expr, values)
    if resolved.has(*expressions.INFINITE):
        raise ValueError(f"{what} is infinite or undefined (a division by zero, log(0), ...)")
    numbers = expressions.numbers(resolved)
    if any(n.is_extended_real is False for n in numbers):
        raise ValueError(f"{what} holds a number that is not real (such as sqrt(-1))")
    if any(magnitude.log_size(n) > magnitude.LOG_FLOAT_MAX for n in numbers):
        raise ValueError(f"{what} holds a number too large for a double")
