"""Warnings about what a valid problem leaves undetermined or contradicts.

Each check is a function `(problem, reporter) -> list[PdeWarning]`: a time-dependent
problem without enough initial conditions, a box variable with fewer conditions on its
faces than its derivatives need, an unknown fixed only up to a constant,
Neumann data that cannot be compatible, two conditions that set one thing to two
values (`contradictions.py`), an exact solution for some unknowns only.
"""

from __future__ import annotations

import re

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from . import numeric
from .contradictions import contradictions, region_contradictions
from .errors import PdeWarning
from .problem import Face, Location, NormalDerivative, Problem, unknowns_in

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
COMPATIBLE = 1e-6  # |∫Δu - ∮∂u/∂n| relative to the size of the two sides


class Reporter:
    """Makes warnings that point into the problem's source text."""

    def __init__(self, problem: Problem):
        self.filename = problem.source.name if problem.source else "<input>"
        self.text = problem.source.text if problem.source else ""

    def at(self, location: Location | None, message: str) -> PdeWarning:
        line, column = (location.line, location.column) if location else (None, None)
        return PdeWarning(message, line, column, self.filename, self.text)

    def statement(self, keyword: str, name: str) -> Location | None:
        """Where `KEYWORD NAME` is first written (`unknown u`, `time t`, `exact u`, and
        `periodic ..., x`), pointing at the name."""
        between = r"\s+(?:\w+\s*,\s*)*" if keyword == "periodic" else r"\s+"
        pattern = re.compile(rf"\s*{keyword}{between}({re.escape(name)})\b")
        for number, line in enumerate(self.text.splitlines(), start=1):
            match = pattern.match(line)
            if match:
                return Location(number, match.start(1) + 1)
        return None


def warnings(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """Every structural warning about `problem`."""
    return [*initial_conditions(problem, reporter), *face_conditions(problem, reporter),
            *free_constants(problem, reporter),
            *neumann_compatibility(problem, reporter), *contradictions(problem, reporter),
            *region_contradictions(problem, reporter),
            *partial_exact(problem, reporter)]


# ------------------------------------------------------------------ time
def initial_conditions(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """A time-dependent problem needs k conditions at the initial time for a time
    derivative of order k (u and u_t for the wave equation)."""
    time = problem.time
    if time is None:
        return []
    start = Face(time.name, "lower")
    initial = [c for c in problem.conditions if start in c.faces]
    t0 = f"{time.name} = {problem.face_value(start):g}"
    if not initial:
        return [reporter.at(reporter.statement("time", time.name),
                            f"no initial condition: no condition holds on {t0} "
                            f"(write, e.g., 'u = ... on {t0}')")]
    found = []
    t = time.symbol
    for unknown in problem.unknowns:
        order, where = _order(problem, unknown.name, t)
        given = sum(unknown.name in unknowns_in(c.eq) for c in initial)
        if given < order:
            words = ORDINALS.get(order, f"order-{order}")
            found.append(reporter.at(where, (
                f"{unknown.name} has a {words}-order time derivative, which needs {order} "
                f"conditions on {t0}, but {given} {'is' if given == 1 else 'are'} given "
                f"(for the wave equation: {unknown.name} and {unknown.name}_{time.name})")))
    return found


def _order(problem: Problem, name: str, t: sympy.Symbol) -> tuple[int, Location | None]:
    """The highest order of a derivative in the variable t (time or space) of unknown
    `name` in the equations, and the first equation where it appears."""
    best, where = 0, None
    for equation in problem.equations:
        for d in equation.eq.atoms(sympy.Derivative):
            if isinstance(d.expr, AppliedUndef) and d.expr.func.__name__ == name:
                order = dict(d.variable_count).get(t, 0)
                if order > best:
                    best, where = order, equation.location
    return best, where


# ------------------------------------------------------------------ space
def face_conditions(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """Derivatives in a box variable x of order n (summed over the unknowns: `u_x = v`,
    `v_x = -u` needs 2 in all) need n conditions on x's two faces or at points that name
    x: `u_xx = 1` with `u = 0 on x = 0` alone leaves a slope free. Not for periodic or
    region variables, nor where data may determine the fields."""
    if problem.observations:
        return []
    region = problem.region.variables if problem.region is not None else ()
    found = []
    for variable in problem.spatial:
        if variable.name in problem.periodic or variable.name in region:
            continue
        orders = {u.name: _order(problem, u.name, variable.symbol)
                  for u in problem.unknowns if variable.name in u.variables}
        orders = {name: order for name, order in orders.items() if order[0]}
        needed = sum(order for order, _ in orders.values())
        given = sum(f.variable == variable.name for c in problem.conditions for f in c.faces)
        given += sum(variable.name in c.point for c in problem.point_conditions)
        if given < needed:
            where = min((w for _, w in orders.values() if w), key=lambda w: (w.line, w.column),
                        default=None)
            found.append(reporter.at(where, _too_few(problem, variable.name, orders, needed,
                                                     given)))
    return found


def _too_few(problem: Problem, name: str, orders: dict, needed: int, given: int) -> str:
    """The warning's words: what needs the conditions, how many, where."""
    ends = " and ".join(f"{name} = {end:g}" for end in problem.bounds()[problem.names.index(name)])
    if len(orders) == 1:
        ((unknown, (order, _)),) = orders.items()
        what = f"{unknown} has a {ORDINALS.get(order, f'order-{order}')}-order derivative " \
               f"in {name}, which needs"
    else:
        what = (f"the derivatives in {name} ("
                + ", ".join(f"{u}: order {o}" for u, (o, _) in orders.items()) + ") need")
    return (f"{what} {needed} conditions on {ends} (or at points naming {name}), but {given} "
            f"{'is' if given == 1 else 'are'} given")


# ------------------------------------------------------------------ constants
def free_constants(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """An unknown that appears only differentiated (in equations, conditions, point and
    mean conditions) is fixed only up to an added constant."""
    statements = [*problem.equations, *problem.conditions, *problem.point_conditions,
                  *problem.mean_conditions]
    plain: set[str] = set()
    for statement in statements:
        plain |= _undifferentiated(statement.eq.lhs - statement.eq.rhs)
    found = []
    for unknown in problem.unknowns:
        if unknown.name in plain:
            continue
        u = unknown.name
        lower = dict(zip([v.name for v in problem.variables], problem.bounds()))
        corner = {v: lower[v][0] for v in lower} | _boundary_point(problem)
        point = ", ".join(f"{v} = {corner[v]:g}" for v in unknown.variables
                          if not problem.variable(v).is_time)
        fix = (f"'mean({u}) = 0' or '{u} = 0 at {point}'" if point else
               f"an initial condition such as '{u} = 0 on {problem.time.name} = "
               f"{lower[problem.time.name][0]:g}'")
        found.append(reporter.at(reporter.statement("unknown", u), (
            f"{u} is determined only up to an added constant: only derivatives of {u} appear "
            f"in the equations and conditions; fix it with {fix}")))
    return found


def _boundary_point(problem: Problem) -> dict[str, float]:
    """A point of a region's boundary (the start of its first piece), to suggest fixing
    a free constant at; {} without a region."""
    if problem.region is None:
        return {}
    from ..boundary import boundary

    piece = boundary(problem.region.shape).pieces[0]
    x = piece.curve.point(np.zeros((1, problem.region.dimension - 1)))[0]
    return {v: float(np.round(value, 12)) + 0.0 for v, value in zip(problem.region.variables, x)}


def _undifferentiated(expr: sympy.Expr) -> set[str]:
    """The unknowns that appear in `expr` outside any derivative (mean(u) counts)."""
    hidden = expr.replace(lambda e: isinstance(e, (sympy.Derivative, NormalDerivative)),
                          lambda e: sympy.Dummy())
    return unknowns_in(hidden)


# ------------------------------------------------------------------ Neumann data
def neumann_compatibility(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """`a*laplacian(u) + h = 0` with `c*u_n + g = 0` on every face has a solution only if
    ∫Δu over the box equals ∮∂u/∂n over its boundary (the divergence theorem)."""
    data = _neumann_data(problem)
    if data is None:
        return []
    equation, laplacian, fluxes = data
    names = [v.name for v in problem.variables]
    integrals = [_integral(laplacian, problem.bounds(), names),
                 *(_face_integral(problem, face, flux, names) for face, flux in fluxes)]
    if any(i is None for i in integrals):
        return []
    inside = integrals[0][0]
    boundary = sum(value for value, _ in integrals[1:])
    mismatch = inside - boundary
    if abs(mismatch) <= COMPATIBLE * max(sum(size for _, size in integrals), 1e-300):
        return []
    return [reporter.at(equation.location, (
        f"the Neumann data are incompatible: a solution needs ∫laplacian(u) over the domain "
        f"({inside:.4g}) to equal the outward flux ∮dn(u) over its boundary ({boundary:.4g}), "
        f"but they differ by {mismatch:.1e}"))]


def _neumann_data(problem: Problem):
    """(equation, Δu as a function of x, [(face, ∂u/∂n on it)]) for a steady problem in one
    unknown whose only equation is a*laplacian(u) + h = 0 and whose every non-periodic
    face carries exactly one condition c*∂u/∂x_face + g = 0; else None."""
    if problem.time is not None or len(problem.unknowns) != 1 or len(problem.equations) != 1:
        return None
    (unknown,) = problem.unknowns
    (equation,) = problem.equations
    u = unknown.applied
    values = problem.constant_values()
    seconds = [sympy.Derivative(u, (v.symbol, 2)) for v in problem.spatial]
    split = _linear_in(equation.residual.subs(values), seconds, u)
    if split is None or len(set(split[0])) != 1:
        return None
    (a, *_), h = split
    faces = []
    for v in problem.spatial:
        for side in ("lower", "upper"):
            face = Face(v.name, side)
            on = [c for c in problem.conditions if face in c.faces]
            if v.name in problem.periodic:
                continue
            if len(on) != 1:
                return None
            split = _linear_in(on[0].on_face(face).subs(values), [sympy.Derivative(u, v.symbol)],
                               u)
            if split is None:
                return None
            (c,), g = split
            sign = -1 if side == "lower" else 1
            faces.append((face, sign * -g / c))
    return equation, -h / a, faces


def _linear_in(expr: sympy.Expr, nodes: list[sympy.Expr], u: sympy.Expr):
    """([coefficient of each node], rest) when expr is Σ c_i·node_i + rest with constant,
    nonzero c_i and a rest free of the unknown; else None."""
    stand_ins = [sympy.Dummy() for _ in nodes]
    replaced = expr.xreplace(dict(zip(nodes, stand_ins)))
    rest = replaced.subs({s: 0 for s in stand_ins})
    coefficients = [sympy.diff(replaced, s) for s in stand_ins]
    if rest.has(u.func) or not all(c.is_number and c != 0 for c in coefficients):
        return None
    return coefficients, rest


def _integral(expr, bounds, names) -> tuple[float, float] | None:
    """(∫expr, ∫|expr|) over the box by Gauss-Legendre quadrature; None if not numeric."""
    try:
        f = numeric.function(expr, names)
    except numeric.NotNumeric:
        return None
    points, weights = numeric.gauss_grid(bounds)
    values = f(points)
    if not np.all(np.isfinite(values)):
        return None
    return float(weights @ values), float(weights @ np.abs(values))


def _face_integral(problem, face, flux, names) -> tuple[float, float] | None:
    """(∫flux, ∫|flux|) over one face of the box."""
    others = [(n, b) for n, b in zip(names, problem.bounds()) if n != face.variable]
    on_face = flux.subs(sympy.Symbol(face.variable), problem.face_value(face))
    return _integral(on_face, [b for _, b in others], [n for n, _ in others])


# ------------------------------------------------------------------ exact
def partial_exact(problem: Problem, reporter: Reporter) -> list[PdeWarning]:
    """Errors against an exact solution need one for every unknown."""
    missing = problem.without_exact
    if not problem.exact or not missing:
        return []
    given = ", ".join(problem.exact)
    first = next(iter(problem.exact))
    return [reporter.at(reporter.statement("exact", first), (
        f"an exact solution is given for {given} but not for {', '.join(missing)}: write "
        f"'exact {missing[0]} = ...' too, or no error against the exact solution can be "
        "reported"))]
