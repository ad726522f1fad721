"""Two conditions that set one thing to two values where they both hold.

`u = 0 on boundary` beside `u = 1 on x = 0`, two values at one point, or `u = 1 on hole`
beside `u = 0 on boundary` on a region: no solution meets both, and a run would split the
difference. Two residuals contradict where their difference (or sum) is free of the
unknowns and not zero at random points of the place they share (`pdedsl check` warns).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from ..boundary import boundary
from ..selection import select
from . import numeric
from .errors import PdeWarning
from .operators import normal_symbol
from .problem import Face, NormalDerivative, Problem, unknowns_in

if TYPE_CHECKING:
    from .wellposed import Reporter


def contradictions(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """Two conditions on a face they share (or two point conditions at one place) whose
    residuals differ by a nonzero function free of the unknowns: `u = 0 on x = 0` and
    `u = 1 on x = 0`, or `on boundary` beside either. No solution meets both; the run
    would split the difference."""
    found = []
    conditions = problem.conditions
    for i, first in enumerate(conditions):
        for second in conditions[i + 1:]:
            for face in (f for f in first.faces if f in second.faces):
                fixed = {face.variable: problem.face_value(face)}
                difference = _difference(problem, first.on_face(face), second.on_face(face),
                                         fixed)
                if difference is not None:  # one message a pair, whatever faces it shares
                    found.append(_contradiction(reporter, first, second,
                                                f"on {_face(problem, face)}", difference))
                    break
    points = problem.point_conditions
    for i, first in enumerate(points):
        for second in points[i + 1:]:
            if problem.point_values(first) == problem.point_values(second):
                difference = _difference(problem, first.residual, second.residual,
                                         problem.point_values(first))
                if difference is not None:
                    found.append(_contradiction(reporter, first, second, f"at {first.where}",
                                                difference))
    return found


def _face(problem: Problem, face: Face) -> str:
    return f"{face.variable} = {problem.face_value(face):g}"


def _contradiction(reporter, first, second, place: str, difference: str) -> PdeWarning:
    line = first.location.line if first.location else "?"
    return reporter.at(second.location, (
        f"this condition contradicts the one on line {line} {place}: both set the same "
        f"expression, to values that differ by {difference}; no solution meets both"))


def _difference(problem: Problem, a: sympy.Expr, b: sympy.Expr, fixed: dict[str, float]
                ) -> str | None:
    """Where residuals `a` and `b` (= 0 both) differ by (or sum to) a function free of the
    unknowns that is not 0 at random points of the place (`fixed` variables held):
    that function's largest value there, written out; else None."""
    names = [v.name for v in problem.variables]
    free = [(n, bound) for n, bound in zip(names, problem.bounds()) if n not in fixed]
    points = numeric.random_points([bound for _, bound in free], 16) if free else np.zeros((1, 0))
    held = {sympy.Symbol(n): value for n, value in fixed.items()}
    return _gap(problem, a, b, [n for n, _ in free], points, held)


def _gap(problem: Problem, a: sympy.Expr, b: sympy.Expr, names: list[str], points,
         held: dict | None = None) -> str | None:
    """`_difference` at `points`, whose columns are the symbols `names` (`held` put in last:
    the unknowns' derivatives are gone by then)."""
    values = problem.constant_values()
    for combined in (a - b, a + b):
        if unknowns_in(combined) or not unknowns_in(a):
            continue
        try:
            sizes = [np.abs(numeric.function(e.subs(values).subs(held or {}), names)(points))
                     for e in (combined, _data(a), _data(b))]
        except numeric.NotNumeric:
            continue
        gap, scale = sizes[0].max(), max(sizes[1].max(), sizes[2].max())
        if np.isfinite(gap) and gap > 1e-9 * scale:
            return f"{gap:.3g}" if not names else f"up to {gap:.3g}"
    return None


def region_contradictions(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """`contradictions` on a region's boundary: two conditions whose places share a piece
    of it (`on boundary` beside `on hole`), compared at random points of the first piece
    they share, `dn` read with the region's outward normal there."""
    if problem.region is None:
        return []
    shape, variables = problem.region.shape, problem.region.variables
    conditions = [c for c in problem.conditions if c.selectors and not c.faces]
    try:
        chosen = [set(select(shape, c.selectors)) for c in conditions]
    except ValueError:  # a selector with nothing on it: the solve says so
        return []
    others = [(v.name, bound) for v, bound in zip(problem.variables, problem.bounds())
              if v.name not in variables]  # the time variable
    names = [*variables, *(normal_symbol(v).name for v in variables), *(n for n, _ in others)]
    u = np.random.default_rng(0).uniform(size=(16, len(variables) - 1))
    u = u[:, 0] if len(variables) == 2 else u  # a curve's parameter, or a surface's two
    times = (numeric.random_points([bound for _, bound in others], 16) if others
             else np.zeros((16, 0)))
    pieces, found = boundary(shape).pieces, []
    for i, first in enumerate(conditions):
        for j in range(i + 1, len(conditions)):
            shared = chosen[i] & chosen[j]
            if not shared:
                continue
            piece = pieces[min(shared)]
            x = piece.curve.point(u)
            points = np.hstack([x, piece.sign * piece.curve.normal(x), times])
            second = conditions[j]
            a, b = (c.on_region(variables) for c in (first, second))
            if (difference := _gap(problem, a, b, names, points)) is not None:
                smaller = second if chosen[j] <= chosen[i] else first
                found.append(_contradiction(reporter, first, second, f"on {smaller.where}",
                                            difference))
    return found


def _data(expr: sympy.Expr) -> sympy.Expr:
    """`expr` with every unknown and derivative set to 0: the data it holds."""
    return expr.replace(lambda e: isinstance(e, (sympy.Derivative, NormalDerivative,
                                                 AppliedUndef)), lambda e: sympy.S.Zero)
