"""SymPy -> JAX: a Problem's equations become per-point residual functions.

One lookup table maps SymPy node types to jnp functions; expressions are walked
once, at compile time, into nested Python closures (no code strings, no lambdify).
Derivatives of unknowns are nested forward-mode directional derivatives
(`jax.jvp` along coordinate axes), so `laplacian(u)` costs d second derivatives,
never a full Hessian.

A residual function takes the model (its `fields`: one scalar function per unknown,
each of the full coordinate vector) and one point `x`, and returns a scalar. The
training code vmaps it over points and differentiates it with respect to the
parameters. A point may carry columns after the d coordinates (data a block needs at
each point, such as an outward normal or an observed value); fields read only their
own coordinates, so the extra columns pass through.

A fitted constant (`fit k = 1`) is read from the model (`model.constants`), so it
is trained with the fields. A data block compares an unknown with its measured values:
its points are the measurement points, each with the measured value as one extra
column, and its residual is u(x) - y.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Callable, Sequence

import jax
import jax.numpy as jnp
from jax.experimental.jet import jet
import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from .language.problem import Face, Mean, Problem, normal_symbol

Field = Callable[[jax.Array], jax.Array]  # x (d,) -> scalar
Residual = Callable[[object, jax.Array], jax.Array]  # (model, x) -> scalar
Closure = Callable[[jax.Array, dict], jax.Array]  # (x, derivative values) -> value

def _heaviside(x, at_zero=0.5):
    """1 for x > 0, 0 for x < 0, `at_zero` at 0; its derivative is 0 wherever JAX asks."""
    one = jnp.ones_like(x)
    return jnp.where(x > 0, one, jnp.where(x < 0, 0 * one, at_zero * one))


FUNCTIONS: dict[type, Callable] = {
    sympy.sin: jnp.sin,
    sympy.cos: jnp.cos,
    sympy.tan: jnp.tan,
    sympy.asin: jnp.arcsin,
    sympy.acos: jnp.arccos,
    sympy.atan: jnp.arctan,
    sympy.sinh: jnp.sinh,
    sympy.cosh: jnp.cosh,
    sympy.tanh: jnp.tanh,
    sympy.exp: jnp.exp,
    sympy.log: jnp.log,
    sympy.Abs: jnp.abs,
    sympy.atan2: jnp.arctan2,
    sympy.sign: jnp.sign,
    sympy.Heaviside: _heaviside,
    sympy.Max: lambda *a: reduce(jnp.maximum, a),
    sympy.Min: lambda *a: reduce(jnp.minimum, a),
    sympy.Add: lambda *a: reduce(operator.add, a),
    sympy.Mul: lambda *a: reduce(operator.mul, a),
}


class CompileError(ValueError):
    """An expression holds something the compiler has no JAX counterpart for."""


@dataclass(frozen=True)
class Block:
    """One residual block: an equation inside the domain, a condition on one face, or
    the measurements of one unknown in one data source.

    `group` names the equation, condition or data source the block comes from: the
    blocks of one condition on several faces share their loss weight 1/N (N = all its
    points). `points` are the block's own points (a data block's: the measurement
    points, the measured value as the last column); None for a block whose points are
    sampled (in the interior, or on `face`).
    `selectors`: a condition on a region's boundary (pdedsl.selection), whose points
    carry the outward normal after their coordinates (one column per region variable).
    """

    label: str
    group: int
    face: Face | None  # None: the interior (or a region's boundary, a point, mean or data block)
    residual: Residual
    # A data block's own points (measurements, the observed value as the last column).
    points: np.ndarray | None = field(default=None, compare=False, repr=False)
    # A point condition: the variables it fixes and their values, in variable order.
    at: tuple[tuple[str, float], ...] | None = None
    # A mean condition: `residual(model, points)` is one number for all the points
    # (n × (d + 1), the last column quadrature weights), not one per point.
    reduces: bool = False
    selectors: tuple = ()  # a condition on a region's boundary


@dataclass(frozen=True)
class CompiledProblem:
    """What training needs from a Problem: residual blocks and the exact solution."""

    problem: Problem
    blocks: tuple[Block, ...]
    unknown_axes: tuple[tuple[int, ...], ...]  # per unknown: which coordinates it reads
    exact: tuple[Callable[[jax.Array], jax.Array], ...] | None  # per unknown, x -> scalar


def compile_problem(problem: Problem) -> CompiledProblem:
    """Lower every equation and every (condition, face) pair to a residual function."""
    names = [v.name for v in problem.variables]
    constants = problem.constant_values()
    unknowns = [u.name for u in problem.unknowns]
    fitted = [f.name for f in problem.fitted]
    blocks = []
    for i, equation in enumerate(problem.equations):
        residual = lower_residual(equation.residual.subs(constants), names, unknowns, fitted)
        blocks.append(Block(f"{equation.eq.lhs} = {equation.eq.rhs}", i, None, residual))
    for j, condition in enumerate(problem.conditions, start=len(problem.equations)):
        for face in condition.faces:
            expr = condition.on_face(face).subs(constants)
            value = problem.face_value(face)
            label = f"{condition.eq.lhs} = {condition.eq.rhs} on {face.variable} = {value:g}"
            blocks.append(Block(label, j, face, lower_residual(expr, names, unknowns, fitted)))
        if condition.selectors:
            blocks.append(_region_block(problem, condition, j, constants, unknowns, fitted))
    start = len(problem.equations) + len(problem.conditions)
    blocks += _point_and_mean_blocks(problem, constants, unknowns, start)
    blocks.extend(data_blocks(problem, start + len(problem.point_conditions)
                              + len(problem.mean_conditions)))
    axes = tuple(tuple(names.index(v) for v in u.variables) for u in problem.unknowns)
    exact = None
    if not problem.without_exact:
        exact = tuple(
            lower_function(problem.exact[u].subs(constants), names) for u in unknowns
        )
    return CompiledProblem(problem, tuple(blocks), axes, exact)


def statement_of(problem: Problem, group: int):
    """The statement a block's `group` numbers, as `compile_problem` numbers them
    (equations, conditions, point conditions, mean conditions); None for a data block."""
    statements = [*problem.equations, *problem.conditions, *problem.point_conditions,
                  *problem.mean_conditions]
    return statements[group] if group < len(statements) else None


OBSERVED = "observed value"  # the extra column of a data block (no name can have a space)


def data_blocks(problem: Problem, first_group: int) -> list[Block]:
    """One block per (data source, observed unknown), each its own group: residual
    u(x_i) - y_i at the measurement points, weighted 1/√N_b like a condition."""
    names = [*problem.names, OBSERVED]
    unknowns = [u.name for u in problem.unknowns]
    blocks = []
    for observations in problem.observations:
        source = observations.path.replace("\\", "/").rsplit("/", 1)[-1]
        for name in observations.unknowns:
            expr = problem.unknown(name).applied - sympy.Symbol(OBSERVED)
            points = np.column_stack([observations.points, observations.values[name]])
            blocks.append(Block(f"data {source}: {name}", first_group + len(blocks), None,
                                lower_residual(expr, names, unknowns), points))
    return blocks


def _point_and_mean_blocks(problem: Problem, constants: dict, unknowns: list[str],
                           start: int) -> list[Block]:
    """One block per point condition (its points: `at`) and per mean condition (one
    row for all the interior points), numbered as groups from `start` on."""
    names = list(problem.names)
    blocks = []
    for j, condition in enumerate(problem.point_conditions, start=start):
        residual = lower_residual(condition.residual.subs(constants), names, unknowns)
        at = tuple(problem.point_values(condition).items())
        label = f"{condition.eq.lhs} = {condition.eq.rhs} at {condition.where}"
        blocks.append(Block(label, j, None, residual, at=at))
    for j, condition in enumerate(problem.mean_conditions, start=start + len(blocks)):
        residual = lower_mean(condition.residual.subs(constants), names, unknowns)
        label = f"{condition.eq.lhs} = {condition.eq.rhs}"
        blocks.append(Block(label, j, None, residual, reduces=True))
    return blocks


def lower_mean(expr: sympy.Expr, names: list[str], unknowns: list[str]):
    """An equation between averages, as `(model, points) -> scalar`.

    The argument of each `Mean` node is lowered as a per-point residual; its average is
    Σ w_i e(x_i) with the weights in the points' last column; the expression around
    the means (numbers and constants only) is then evaluated on those averages. Its
    gradient in θ is the weighted average of the per-point gradients.
    """
    means = sorted(expr.atoms(Mean), key=sympy.default_sort_key)
    inner = [lower_residual(m.args[0], names, unknowns) for m in means]
    outer = _lower(expr, names, {m: k for k, m in enumerate(means)})

    def residual(model, points: jax.Array) -> jax.Array:
        w = points[:, -1]
        values = {
            k: jnp.dot(w, jnp.broadcast_to(jax.vmap(lambda x, f=f: f(model, x))(points), w.shape))
            for k, f in enumerate(inner)
        }
        return outer(points[0], values)

    return residual


def _region_block(problem: Problem, condition, group: int, constants, unknowns,
                  fitted) -> Block:
    """A condition on a region's boundary: `dn(e)` is Σ_k n_k ∂e/∂x_k, the outward
    normal n read from the columns after the point's coordinates."""
    variables = problem.region.variables
    expr = condition.on_region(variables).subs(constants)
    names = [*problem.names, *(normal_symbol(v).name for v in variables)]
    where = ", ".join(map(str, condition.selectors))
    label = f"{condition.eq.lhs} = {condition.eq.rhs} on {where}"
    return Block(label, group, None, lower_residual(expr, names, unknowns, fitted),
                 selectors=condition.selectors)


def lower_function(expr: sympy.Expr, names: list[str]) -> Callable[[jax.Array], jax.Array]:
    """An expression of the coordinates only (a source term, an exact solution)."""
    closure = _lower(expr, names, {})
    return lambda x: closure(x, {})


def lower_residual(expr: sympy.Expr, names: list[str], unknowns: list[str],
                   fitted: Sequence[str] = ()) -> Residual:
    """An expression of the coordinates, of the unknowns and their derivatives, and of
    the fitted constants (`fitted`, in the model's order).

    Each distinct derivative node (and each bare unknown) is evaluated once per
    point, then the expression is evaluated with those values.
    """
    nodes = sorted(
        expr.atoms(sympy.Derivative) | {a for a in expr.atoms(AppliedUndef)},
        key=sympy.default_sort_key,
    )
    slots = {node: k for k, node in enumerate(nodes)}
    used = [(j, name) for j, name in enumerate(fitted) if sympy.Symbol(name) in expr.free_symbols]
    slots.update({sympy.Symbol(name): len(nodes) + j for j, name in used})
    closure = _lower(expr, names, slots)
    plans = [_derivative_plan(node, names, unknowns) for node in nodes]

    def residual(model, x: jax.Array) -> jax.Array:
        values = {k: derivative(model.fields[u], axes)(x) for k, (u, axes) in enumerate(plans)}
        if used:
            constants = model.constants
            values.update({len(nodes) + j: constants[j] for j, _ in used})
        return closure(x, values)

    return residual


def _derivative_plan(node: sympy.Expr, names: list[str], unknowns: list[str]) -> tuple[int, tuple[int, ...]]:
    """(unknown index, coordinate axes to differentiate along, in order)."""
    if isinstance(node, sympy.Derivative):
        function = node.expr
        axes = tuple(names.index(str(s)) for s, n in node.variable_count for _ in range(n))
    else:
        function, axes = node, ()
    if not isinstance(function, AppliedUndef) or function.func.__name__ not in unknowns:
        raise CompileError(f"cannot differentiate {function}: not an unknown")
    return unknowns.index(function.func.__name__), axes


def derivative(f: Field, axes: tuple[int, ...]) -> Field:
    """∂^k f / ∂x_{a1}...∂x_{ak}: nested forward-mode directional derivatives, and Taylor
    mode (`jax.experimental.jet`) for three or more in a row along one axis, whose cost
    grows as k² where nested ones double with each order (order 8: seconds, not minutes)."""
    for axis, run in itertools.groupby(axes):
        count = len(list(run))
        if count >= 3:
            f = _taylor(f, axis, count)
        else:
            for _ in range(count):
                f = _directional(f, axis)
    return f


def _taylor(f: Field, axis: int, order: int) -> Field:
    """d^order/dt^order f(x + t eₐ) at t = 0, the last coefficient of f's Taylor series
    along the axis (jet's series are derivatives, not divided by factorials)."""
    def dkf(x):
        tangent, zero = jnp.zeros_like(x).at[axis].set(1), jnp.zeros_like(x)
        return jet(f, (x,), ((tangent,) + (zero,) * (order - 1),))[1][order - 1]

    return dkf


def _directional(f: Field, axis: int) -> Field:
    def df(x):
        tangent = jnp.zeros_like(x).at[axis].set(1)
        return jax.jvp(f, (x,), (tangent,))[1]

    return df


def _lower(expr: sympy.Basic, names: list[str], slots: dict) -> Closure:
    """The recursive walk: one closure per node, built once."""
    if expr in slots:
        k = slots[expr]
        return lambda x, values: values[k]
    if isinstance(expr, sympy.Symbol):
        if expr.name not in names:
            raise CompileError(f"'{expr.name}' has no value (not a variable or constant)")
        axis = names.index(expr.name)
        return lambda x, values: x[axis]
    if expr.is_number:
        try:
            value = float(expr)
        except TypeError:
            raise CompileError(f"{expr} is not a real number") from None
        return lambda x, values: value
    if isinstance(expr, sympy.Pow):
        base = _lower(expr.base, names, slots)
        exponent = expr.exp
        if exponent == sympy.Rational(1, 2):
            return lambda x, values: jnp.sqrt(base(x, values))
        if exponent.is_Integer:
            n = int(exponent)
            return lambda x, values: base(x, values) ** n
        power = _lower(exponent, names, slots)
        return lambda x, values: base(x, values) ** power(x, values)
    if isinstance(expr, sympy.DiracDelta):
        raise CompileError(f"{expr} is a Dirac delta (the derivative of a jump or a kink): "
                           "it has no value at a point")
    function = FUNCTIONS.get(type(expr)) or FUNCTIONS.get(expr.func)
    if function is None:
        raise CompileError(f"no JAX counterpart for {type(expr).__name__} in {expr}")
    args = [_lower(a, names, slots) for a in expr.args]
    return lambda x, values: function(*(a(x, values) for a in args))
