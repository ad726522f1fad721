"""Dirichlet and initial conditions imposed by construction: `model mlp(constraint = exact)`.

Each unknown u with conditions `u = g_i` (a value, no derivative) on parts Γ_i of the
boundary becomes

    u = g + φ·N,   φ = 1 / Σ_i 1/φ_i,   g = Σ_i g_i/φ_i / Σ_i 1/φ_i,

N the network, φ_i ≥ 0 a smooth function that vanishes exactly on Γ_i and grows like
the distance to it: on Γ_i, φ = 0 and g = g_i whatever N is (Sukumar & Srivastava,
"Exact imposition of boundary conditions with distance functions in physics-informed
deep neural networks", CMAME 2022: R-equivalence and transfinite interpolation). φ_i is
the distance to a box face or the initial time (linear), to a full circle
((R² - r²)/2R), and to a segment or an arc trimmed to its ends: with f the distance to
its line (circle) and t ≥ 0 exactly on the piece,
φ_i = sqrt(f² + ((sqrt(t² + f⁴) - t)/2)²), smooth away from the piece's ends. Products
replace the quotients (φ = Π φ_i / Σ_i Π_{j≠i} φ_j) so that nothing divides by zero
on Γ. The conditions still train as residual blocks, whose residuals are then zero.
"""

from __future__ import annotations

from typing import Callable

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from .boundary import boundary
from .compile import lower_function
from .curves import Arc, Segment
from .language.problem import Condition, Face, NormalDerivative, Problem
from .selection import select

Function = Callable[[jnp.ndarray], jnp.ndarray]


class Constrained(eqx.Module):
    """A field u(x) = g(x) + φ(x)·N(x), N the wrapped field (its network)."""

    field: eqx.Module
    value: Function = eqx.field(static=True)
    distance: Function = eqx.field(static=True)

    def __call__(self, x):
        return self.value(x) + self.distance(x) * self.field(x)


def constrain(model, problem: Problem):
    """The model with each unknown's value conditions built in (unchanged without any)."""
    fields = list(model.fields)
    for k, pieces in _pieces(problem).items():
        distance, value = _combine(pieces)
        fields[k] = Constrained(fields[k], value, distance)
    return eqx.tree_at(lambda m: m.fields, model, tuple(fields))


def _pieces(problem: Problem) -> dict[int, list[tuple[Function, Function, sympy.Expr]]]:
    """Per unknown: (φ_i, g_i, g_i's expression) for every part a value condition holds on."""
    names = list(problem.names)
    found: dict[int, list] = {}
    for condition in problem.conditions:
        split = _value_condition(condition, problem)
        if split is None:
            continue
        k, expr = split
        g = lower_function(expr, names)
        for face in condition.faces:
            found.setdefault(k, []).append((_face_distance(problem, face), g, expr))
        if condition.selectors:
            for piece in _selected(problem, condition):
                found.setdefault(k, []).append((_piece_distance(problem, piece), g, expr))
    return found


def _value_condition(condition: Condition, problem: Problem):
    """(unknown index, g) for `c·u + h = 0` with a number c ≠ 0 and h free of unknowns
    (so u = g = -h/c); None for any other condition."""
    residual = condition.residual.subs(problem.constant_values())
    unknowns = residual.atoms(AppliedUndef)
    if len(unknowns) != 1 or residual.atoms(sympy.Derivative) or residual.has(NormalDerivative):
        return None
    (u,) = unknowns
    stand_in = sympy.Dummy()
    linear = residual.xreplace({u: stand_in})
    c = sympy.diff(linear, stand_in)
    if not (c.is_number and c != 0) or sympy.diff(linear, stand_in, 2) != 0:
        return None
    names = [v.name for v in problem.unknowns]
    return names.index(u.func.__name__), -linear.subs(stand_in, 0) / c


def _selected(problem: Problem, condition: Condition):
    """The pieces of a 2D region's boundary a condition holds on (`configure` refuses
    the constraint on other regions: `check.constraint_unfit`)."""
    region = problem.region
    b = boundary(region.shape)
    return [b.pieces[k] for k in select(region.shape, list(condition.selectors))]


def _face_distance(problem: Problem, face: Face) -> Function:
    """The distance to a box face (or the initial time), over the range's length."""
    axis = problem.names.index(face.variable)
    lower, upper = problem.bounds()[axis]
    if face.side == "lower":
        return lambda x: (x[axis] - lower) / (upper - lower)
    return lambda x: (upper - x[axis]) / (upper - lower)


def _piece_distance(problem: Problem, piece) -> Function:
    """φ_i of one piece of a 2D region's boundary, in the problem's columns."""
    i, j = (problem.names.index(v) for v in problem.region.variables)
    curve = piece.curve
    if isinstance(curve, Segment):
        a, b = np.array(curve.a), np.array(curve.b)
        length = float(np.linalg.norm(b - a))
        e = (b - a) / length
        middle = (a + b) / 2

        def on_line(x):
            return (x[i] - a[0]) * e[1] - (x[j] - a[1]) * e[0]

        def trim(x):
            return ((length / 2) ** 2 - (x[i] - middle[0]) ** 2 - (x[j] - middle[1]) ** 2) / length

        return _trimmed(on_line, trim)
    assert isinstance(curve, Arc)
    c, r = np.array(curve.center), curve.r
    side = piece.sign * curve.sense  # +1: the domain is inside the circle

    def on_circle(x):
        return side * (r**2 - (x[i] - c[0]) ** 2 - (x[j] - c[1]) ** 2) / (2 * r)

    if curve.closed:
        return on_circle
    ends = curve.point(np.array([0.0, 1.0]))
    middle = curve.point(np.array([0.5]))[0]
    normal = np.array([ends[0, 1] - ends[1, 1], ends[1, 0] - ends[0, 0]])
    normal = normal / np.linalg.norm(normal) * np.sign(normal @ (middle - ends[0]))

    def chord(x):
        return (x[i] - ends[0, 0]) * normal[0] + (x[j] - ends[0, 1]) * normal[1]

    return _trimmed(on_circle, chord)


def _trimmed(f: Function, t: Function) -> Function:
    """sqrt(f² + ((sqrt(t² + f⁴) - t)/2)²): zero exactly where f = 0 and t ≥ 0."""
    def phi(x):
        fx, tx = f(x), t(x)
        return jnp.sqrt(fx**2 + ((jnp.sqrt(tx**2 + fx**4) - tx) / 2) ** 2)

    return phi


def _combine(pieces) -> tuple[Function, Function]:
    """φ = Π φ_i / Σ_i Π_{j≠i} φ_j and g = Σ_i g_i Π_{j≠i} φ_j / Σ_i Π_{j≠i} φ_j (g itself
    when every piece has the same value expression). Where two parts meet (a corner)
    the sum is 0: there φ = 0 and g is the mean of the data of the parts that meet."""
    distances = [p[0] for p in pieces]
    values = [p[1] for p in pieces]
    same = len({p[2] for p in pieces}) == 1

    def others(x):
        phis = jnp.stack([d(x) for d in distances])
        products = jnp.stack([jnp.prod(phis[:k]) * jnp.prod(phis[k + 1:])
                              for k in range(len(distances))])
        total = jnp.sum(products)
        return phis, products, total > 0, jnp.where(total > 0, total, 1.0)

    def distance(x):
        phis, _, away, total = others(x)
        return jnp.where(away, jnp.prod(phis) / total, 0.0)

    def value(x):
        if same:
            return values[0](x)
        phis, products, away, total = others(x)
        g = jnp.stack([gi(x) * jnp.ones(()) for gi in values])
        meeting = phis == 0
        corner = jnp.sum(jnp.where(meeting, g, 0.0)) / jnp.maximum(jnp.sum(meeting), 1)
        return jnp.where(away, jnp.dot(g, products) / total, corner)

    return distance, value
