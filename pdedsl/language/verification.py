"""What `pdedsl check` warns about in a valid file; first of all, an exact solution that
does not satisfy the problem it is written for.

The exact solutions are substituted into every equation and condition whose unknowns
all have one (and whose fitted constants all have an exact value), and the residual
is evaluated at random points of the domain (of the face, line or point) with NumPy;
a residual above a millionth of a millionth of the size of the terms is checked
again at 40 digits at the worst points, so rounding never raises a warning. A mean
condition is checked by quadrature.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from . import calls, numeric, wellposed
from .errors import PdeWarning
from .problem import (Mean, MeanCondition, Problem, normal_derivative_along,
                      normal_derivative_on, normal_symbol, unknowns_in)

SAMPLES = 50  # random points per equation, face or point condition
SATISFIED = 1e-10  # worst |residual| relative to the size of the terms, in float64
PRECISE_DIGITS = 40
PRECISE_SATISFIED = 1e-25  # the same, at PRECISE_DIGITS digits
ON_CURVE_SATISFIED = 1e-13  # a point sampled on a curve is on it only to float64 rounding
MEAN_SATISFIED = 1e-7  # quadrature is not exact


def verify(problem: Problem) -> list[PdeWarning]:
    """Every warning about `problem`, in the order of the file's lines."""
    reporter = wellposed.Reporter(problem)
    found = [*exact_solution(problem, reporter), *wellposed.warnings(problem, reporter)]
    return sorted(found, key=lambda w: (w.line or 0, w.column or 0))


def exact_solution(problem: Problem, reporter: wellposed.Reporter) -> list[PdeWarning]:
    """A warning for each statement the exact solutions do not satisfy, at its worst
    face or point."""
    if not problem.exact:
        return []
    checker = _Checker(problem)
    unknown_values = {f.name for f in problem.fitted if f.exact is None}
    worst: dict[int, tuple] = {}  # id(statement) -> (relative, statement, where, result)
    for statement, where, sides, fixed in _checks(problem):
        if not unknowns_in(sides[0] - sides[1]) <= set(problem.exact):
            continue  # an unknown without exact solution: nothing to compare
        if {str(s) for s in (sides[0] - sides[1]).free_symbols} & unknown_values:
            continue  # a fitted constant without exact value: likewise
        if isinstance(statement, MeanCondition):
            result = checker.mean(sides)
        else:
            result = checker.worst(sides, fixed)
        if result is not None:
            relative = result[0] / max(result[2], 1e-300)
            if relative > worst.get(id(statement), (-1,))[0]:
                worst[id(statement)] = (relative, statement, where, result)
    found = [reporter.at(statement.location, _unsatisfied(where, result, problem))
             for _, statement, where, result in worst.values()]
    return _not_finite(problem, checker, reporter) + found + _not_periodic(problem, checker, reporter)


def _not_finite(problem: Problem, checker: _Checker, reporter) -> list[PdeWarning]:
    """An exact solution that is no real number somewhere in the domain (sqrt(x - 2) on
    [0, 1], a pole): the run's errors against it would be NaN."""
    found, points = [], checker.points({})
    for name, value in checker.exact.items():
        try:
            values = numeric.function(value, checker.names)(points)
        except numeric.NotNumeric:
            continue
        bad = ~np.isfinite(np.broadcast_to(values, points.shape[:1]))
        if bad.any():
            at = _point(points[np.argmax(bad)], problem)
            found.append(reporter.at(reporter.statement("exact", name),
                                     f"exact {name} is not a finite real number at {at} ({bad.sum()} "
                                     f"of {bad.size} sample points of the domain): no error can "
                                     f"be measured against it there"))
    return found


def _not_periodic(problem: Problem, checker: _Checker, reporter) -> list[PdeWarning]:
    """An exact solution must take the same value, and slope, at both ends of a periodic
    variable."""
    found = []
    for name in problem.periodic:
        x = sympy.Symbol(name)
        lower, upper = problem.bounds()[[v.name for v in problem.variables].index(name)]
        for unknown, exact in checker.exact.items():
            if x not in exact.free_symbols:
                continue
            for value in (exact, calls.derivative(exact, x, 1)):
                sides = (value.subs(x, lower), value.subs(x, upper))
                result = checker.worst(sides, {name: lower})
                if result is not None:
                    found.append(reporter.at(reporter.statement("periodic", name), (
                        f"the exact solution of {unknown} is not periodic in {name}: "
                        f"{'its slope differs' if value is not exact else 'it differs'} at "
                        f"{name} = {lower:g} and {name} = {upper:g} by {result[0]:.1e}")))
                    break
    return found


def _unsatisfied(where: str, result: tuple, problem: Problem) -> str:
    residual, point, size = result
    if point is None:
        return f"the exact solution does not satisfy {where} (residual {residual:.1e})"
    return (f"the exact solution does not satisfy {where} (worst residual {residual:.1e} "
            f"at {_point(point, problem)}; the terms are of size {size:.1e})")


def _checks(problem: Problem):
    """(statement, how to name it, (lhs, rhs) to compare, {variable: fixed value})."""
    values = problem.constant_values()
    for equation in problem.equations:
        yield equation, "this equation", (equation.eq.lhs, equation.eq.rhs), {}
    for condition in problem.conditions:
        for selector in condition.selectors:  # on a region: each part of the boundary named
            sides = tuple(normal_derivative_along(side, problem.region.variables) for side in
                          (condition.eq.lhs, condition.eq.rhs))
            where = "this condition"
            if len(condition.selectors) + len(condition.faces) > 1:
                where += f" on {selector}"
            yield condition, where, sides, selector
        for face in condition.faces:
            sides = tuple(normal_derivative_on(side, face) for side in
                          (condition.eq.lhs, condition.eq.rhs))
            where = "this condition"
            if len(condition.faces) + len(condition.selectors) > 1:
                where += f" on {face.variable} = {problem.face_value(face):g}"
            yield condition, where, sides, {face.variable: problem.face_value(face)}
    for point in problem.point_conditions:
        fixed = {name: float(value.subs(values)) for name, value in point.point.items()}
        yield point, "this point condition", (point.eq.lhs, point.eq.rhs), fixed
    for mean in problem.mean_conditions:
        yield mean, "this mean condition", (mean.eq.lhs, mean.eq.rhs), {}


class _Checker:
    """Evaluates statements with the exact solutions put in for the unknowns."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.names = [v.name for v in problem.variables]
        if problem.region is not None:  # points carry the outward normal after the coordinates
            self.names += [normal_symbol(v).name for v in problem.region.variables]
        self.values = {**problem.constant_values(),
                       **{f.symbol: f.exact.subs(problem.constant_values())
                          for f in problem.fitted if f.exact is not None}}
        self.exact = {name: e.subs(self.values) for name, e in problem.exact.items()}
        self.size = self.solution_size()

    def solution_size(self) -> float:
        """The largest |exact solution| inside the domain: the smallest size a statement's
        terms are measured against (on a face where u = 0, u itself is only rounding)."""
        points = self.points({})
        sizes = [0.0]
        for value in self.exact.values():
            try:
                v = np.abs(numeric.function(value, self.names)(points))
            except numeric.NotNumeric:
                continue
            sizes.extend(v[np.isfinite(v)])
        return float(max(sizes))

    def substituted(self, expr: sympy.Expr) -> sympy.Expr:
        """`expr` with each unknown, and each derivative of one, replaced by the exact
        solution (and its derivative), constants by their values."""
        expr = expr.subs(self.values)

        def derivative(node: sympy.Derivative) -> sympy.Expr:
            value = self.exact[node.expr.func.__name__]
            for x, n in node.variable_count:
                value = calls.derivative(value, x, n)
            return value

        expr = expr.replace(
            lambda e: isinstance(e, sympy.Derivative) and isinstance(e.expr, AppliedUndef),
            derivative)
        return expr.replace(lambda e: isinstance(e, AppliedUndef),
                            lambda e: self.exact[e.func.__name__])

    def worst(self, sides, fixed: dict[str, float]):
        """None when the exact solution satisfies lhs = rhs at every sample point; else
        (worst |residual|, its point, the size of the terms)."""
        lhs, rhs = ([self.substituted(t) for t in sympy.Add.make_args(side)] for side in sides)
        residual, terms = sympy.Add(*lhs) - sympy.Add(*rhs), lhs + rhs
        points = self.points(fixed)
        try:
            r = numeric.function(residual, self.names)(points)
            size = sum(np.abs(numeric.function(t, self.names)(points)) for t in terms)
        except numeric.NotNumeric:
            return None
        finite = np.isfinite(r) & np.isfinite(size)
        if not finite.any():
            return None
        r, size, points = np.abs(r[finite]), size[finite], points[finite]
        scale = max(float(size.max()), self.size)
        if r.max() <= SATISFIED * scale:
            return None
        worst = np.argsort(r)[::-1][:3]
        tolerance = PRECISE_SATISFIED if isinstance(fixed, dict) else ON_CURVE_SATISFIED
        if all(self.precisely_zero(residual, points[i], scale * tolerance) for i in worst):
            return None
        return float(r[worst[0]]), points[worst[0]], scale

    def precisely_zero(self, residual, point, tolerance: float) -> bool:
        """Whether the residual at `point` (a double, taken as exact) computed to 40 digits
        is below `tolerance`: then float64 rounding made it look large."""
        at = {sympy.Symbol(n): sympy.Float(float(v), PRECISE_DIGITS)
              for n, v in zip(self.names, point)}
        try:
            value = abs(complex(residual.evalf(PRECISE_DIGITS, subs=at)))
        except (TypeError, ValueError):
            return False
        return value <= max(tolerance, 1e-300)

    def mean(self, sides):
        """None when a mean condition holds for the exact solution (by quadrature);
        else (|residual|, None, the size of the terms and the solution, as in `worst`).
        Not checked on a region (no quadrature there is accurate enough)."""
        if self.problem.region is not None:
            return None
        points, weights = numeric.gauss_grid(self.problem.bounds())
        volume = weights.sum()

        def value(expr: sympy.Expr) -> float:
            means = {m: sympy.Float(weights @ numeric.function(
                self.substituted(m.args[0]), self.names)(points) / volume)
                for m in expr.atoms(Mean)}
            return float(self.substituted(expr.xreplace(means)))

        try:
            terms = [value(t) for side in sides for t in sympy.Add.make_args(side)]
            residual = value(sides[0]) - value(sides[1])
        except (numeric.NotNumeric, TypeError):
            return None
        size = max(sum(abs(t) for t in terms), self.size)
        if not np.isfinite(residual) or abs(residual) <= MEAN_SATISFIED * max(size, 1e-300):
            return None
        return abs(residual), None, size

    def points(self, fixed) -> np.ndarray:
        """Random points of the domain with the `fixed` variables set ({name: value}), or,
        given a selector of a region's boundary, on that part with its normals."""
        if self.problem.region is not None:
            return _region_points(self.problem, fixed)
        points = numeric.random_points(self.problem.bounds(), SAMPLES)
        for name, value in fixed.items():
            points[:, self.names.index(name)] = value
        return points


def _region_points(problem: Problem, fixed) -> np.ndarray:
    """`SAMPLES` points inside the region (on a selected part of its boundary, normals
    appended; zero normals elsewhere), time uniform, fixed variables set; kept inside."""
    from .. import regions, sampling

    rng = np.random.default_rng(0)
    shape = problem.region.shape
    span = regions.time_span(problem)
    if isinstance(fixed, dict):
        x = regions.reorder(problem, sampling.interior_points(shape, SAMPLES, "uniform", rng,
                                                              time=span))
        normals = np.zeros((len(x), problem.region.dimension))
        for name, value in fixed.items():
            x[:, problem.names.index(name)] = value
        x = x[shape.contains(x[:, regions.columns(problem)[: problem.region.dimension]])]
        return np.column_stack([x, normals[: len(x)]])
    s = sampling.boundary_points(shape, SAMPLES, "uniform", rng, where=[fixed], time=span)
    return np.column_stack([regions.reorder(problem, s.points),
                            s.normals[:, : problem.region.dimension]])


def _point(point, problem: Problem) -> str:
    return ", ".join(f"{v.name}={x:.3g}" for v, x in zip(problem.variables, point))

