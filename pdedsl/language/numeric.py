"""SymPy expressions of the coordinates -> NumPy functions of arrays of points, and the
points and quadrature rules to evaluate them on, for the checks of `verify`.

Like the compiler, one table maps SymPy node types to NumPy functions and an
expression is walked once into nested closures (no code strings): a NumPy twin of
`pdedsl.compile` that needs no JAX, so `pdedsl check` stays fast.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Callable, Sequence

import numpy as np
import sympy

Points = np.ndarray  # (n, d): one column per variable, in the problem's order
Function = Callable[[Points], np.ndarray]  # -> (n,)


class NotNumeric(ValueError):
    """An expression holds something with no NumPy counterpart (an unknown, ...)."""


FUNCTIONS: dict[type, Callable] = {
    sympy.sin: np.sin, sympy.cos: np.cos, sympy.tan: np.tan,
    sympy.asin: np.arcsin, sympy.acos: np.arccos, sympy.atan: np.arctan,
    sympy.sinh: np.sinh, sympy.cosh: np.cosh, sympy.tanh: np.tanh,
    sympy.exp: np.exp, sympy.log: np.log, sympy.Abs: np.abs,
    sympy.atan2: np.arctan2, sympy.sign: np.sign,
    sympy.Heaviside: lambda x, at_zero=0.5: np.heaviside(x, at_zero),
    sympy.Max: lambda *a: reduce(np.maximum, a),
    sympy.Min: lambda *a: reduce(np.minimum, a),
    sympy.Add: lambda *a: reduce(operator.add, a),
    sympy.Mul: lambda *a: reduce(operator.mul, a),
    sympy.Pow: np.power,
}


def function(expr: sympy.Expr, names: Sequence[str]) -> Function:
    """`expr` as a function of points whose columns are the variables `names`."""
    closure = _lower(expr, list(names))

    def evaluate(points: Points) -> np.ndarray:
        with np.errstate(all="ignore"):
            value = closure(np.asarray(points, dtype=float))
        return np.broadcast_to(np.asarray(value, dtype=float), (len(points),))

    return evaluate


def _lower(expr: sympy.Basic, names: list[str]) -> Callable[[Points], np.ndarray]:
    if isinstance(expr, sympy.Symbol):
        if expr.name not in names:
            raise NotNumeric(f"'{expr.name}' has no value")
        column = names.index(expr.name)
        return lambda p: p[:, column]
    if expr.is_number:
        value = complex(expr.evalf())
        if value.imag:
            raise NotNumeric(f"{expr} is not real")
        return lambda p: value.real
    kind = FUNCTIONS.get(type(expr)) or FUNCTIONS.get(expr.func)
    if kind is None:
        raise NotNumeric(f"no NumPy counterpart for {type(expr).__name__}")
    args = [_lower(a, names) for a in expr.args]
    return lambda p: kind(*(a(p) for a in args))


# ------------------------------------------------------------------ points
def random_points(bounds: Sequence[tuple[float, float]], n: int, seed: int = 0) -> Points:
    """`n` uniform points in the box, the same for the same arguments."""
    rng = np.random.default_rng(seed)
    lower, upper = np.array(bounds, dtype=float).T
    return lower + (upper - lower) * rng.uniform(size=(n, len(bounds)))


def gauss_grid(bounds: Sequence[tuple[float, float]], total: int = 40_000
               ) -> tuple[Points, np.ndarray]:
    """(points, weights) of a tensor Gauss-Legendre rule on the box, weights summing to
    its volume; about `total` points, at least 3 and at most 64 per direction."""
    if not bounds:
        return np.zeros((1, 0)), np.ones(1)
    per_axis = int(min(64, max(3, round(total ** (1 / len(bounds))))))
    nodes, weights = np.polynomial.legendre.leggauss(per_axis)
    axes, axis_weights = [], []
    for lower, upper in bounds:
        half = (upper - lower) / 2
        axes.append(lower + half * (nodes + 1))
        axis_weights.append(half * weights)
    grid = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    w = reduce(np.multiply.outer, axis_weights).ravel()
    return grid, w
