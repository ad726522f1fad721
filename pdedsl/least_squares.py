"""The PINN loss as a least-squares problem in a flat parameter vector θ.

Training sees only this: r(θ) ∈ R^N, the stacked scaled residuals of all blocks
(block b scaled by 1/√N_b, N_b the points of its equation or condition, so that
L(θ) = ½‖r‖² = Σ_b 1/(2N_b) Σ_i r_b,i², the seed's loss), and its Jacobian Φ̂
(N × P), row i = ∂θ r_i, by one reverse-mode gradient per point, vmapped. A reducing
block (a mean condition) gives one row for all its points: its value and its gradient,
the mean of the per-point gradients.

`blocks` keeps each block's rows as data (per-point residual, weight, points), so that
Φ̂ can also be built a few rows at a time (`solvers/tsqr.py`) or on the devices that
hold the points (`sharding.py`) instead of whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from .compile import CompiledProblem
from .model import Model


@dataclass(frozen=True)
class RowBlock:
    """One block's rows of r and Φ̂: `residual(θ, x)` at one point, scaled by `weight`."""

    residual: Callable[[jax.Array, jax.Array], jax.Array]
    weight: float
    points: jax.Array  # N_b × (coordinates and data columns)
    reduces: bool = False  # one row for all the points (a mean condition)

    def rows(self, theta: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        """(r, Φ̂) at the points `x`: one reverse-mode gradient per point, vmapped."""
        if self.reduces:
            value, grad = jax.value_and_grad(self.residual)(theta, x)
            return self.weight * value[None], self.weight * grad[None]
        values, grads = jax.vmap(jax.value_and_grad(self.residual), (None, 0))(theta, x)
        return self.weight * values, self.weight * grads

    def values(self, theta: jax.Array, x: jax.Array) -> jax.Array:
        """r at the points `x`."""
        if self.reduces:
            return self.weight * self.residual(theta, x)[None]
        return self.weight * jax.vmap(self.residual, (None, 0))(theta, x)


@dataclass(frozen=True)
class LeastSquares:
    """r(θ), (r, Φ̂)(θ) and the loss ½‖r‖²; `to_model` turns θ back into a Model."""

    residuals: Callable[[jax.Array], jax.Array]
    jacobian: Callable[[jax.Array], tuple[jax.Array, jax.Array]]
    to_model: Callable[[jax.Array], Model]
    size: int  # N
    rows: tuple[int, ...] = ()  # per block, its rows of r (a reducing block: 1)
    blocks: tuple[RowBlock, ...] = ()  # the rows by block, in the order of r

    def loss(self, theta: jax.Array) -> jax.Array:
        r = self.residuals(theta)
        return 0.5 * jnp.dot(r, r)


def flatten(model: Model, *, hold_fitted: bool = False
            ) -> tuple[jax.Array, Callable[[jax.Array], Model]]:
    """θ (all trainable arrays as one vector) and the map back to a Model. The fitted
    constants' p are θ's last entries; `hold_fitted` leaves them out of θ (held)."""
    trainable = eqx.is_inexact_array
    if hold_fitted and model.fitted is not None:
        spec = jax.tree.map(eqx.is_inexact_array, model)
        trainable = eqx.tree_at(lambda m: m.fitted, spec, replace=False)
    params, static = eqx.partition(model, trainable)
    theta, unravel = ravel_pytree(params)
    return theta, lambda theta: eqx.combine(unravel(theta), static)


def fitted_values(model: Model) -> Callable[[jax.Array], np.ndarray]:
    """θ -> the fitted constants' values c = s·p, read on the host (no compiled call):
    p is the last leaf of the model, so the last entries of θ."""
    if model.fitted is None:
        return lambda theta: np.zeros(0)
    scale = np.asarray(model.fitted_scale)
    count = len(scale)
    return lambda theta: scale * np.asarray(theta)[-count:]


def least_squares(
    compiled: CompiledProblem, points: Sequence[np.ndarray], model: Model, *,
    hold_fitted: bool = False,
) -> tuple[LeastSquares, jax.Array]:
    """The least-squares view of `compiled` on `points` (one array per block), and θ₀;
    with `hold_fitted`, θ holds the fields only and the fitted constants stay as in
    `model`."""
    theta0, to_model = flatten(model, hold_fitted=hold_fitted)
    dtype = theta0.dtype
    rows = tuple(1 if b.reduces else len(x) for b, x in zip(compiled.blocks, points))
    sizes: dict[int, int] = {}
    for block, n in zip(compiled.blocks, rows):
        sizes[block.group] = sizes.get(block.group, 0) + n
    weights = [float(1 / np.sqrt(sizes[b.group])) for b in compiled.blocks]  # weak type: keeps float32
    xs = [jnp.asarray(x, dtype) for x in points]

    def point_residuals(block):
        return lambda theta, x: block.residual(to_model(theta), x)

    blocks = tuple(RowBlock(point_residuals(b), w, x, b.reduces)
                   for b, w, x in zip(compiled.blocks, weights, xs))
    return _assemble(blocks, to_model, rows), theta0


def with_points(ls: LeastSquares, points: Sequence[jax.Array]) -> LeastSquares:
    """`ls` on other points, one array per block of the same shape as its own (so the
    weights stay): how a compiled step takes the points as an argument (adaptive
    collocation moves them between steps)."""
    blocks = tuple(RowBlock(b.residual, b.weight, x, b.reduces) for b, x in zip(ls.blocks, points))
    return _assemble(blocks, ls.to_model, ls.rows)


def _assemble(blocks: tuple[RowBlock, ...], to_model, rows: tuple[int, ...]) -> LeastSquares:
    def residuals(theta):
        return jnp.concatenate([b.values(theta, b.points) for b in blocks])

    def jacobian(theta):
        parts = [b.rows(theta, b.points) for b in blocks]
        return jnp.concatenate([p[0] for p in parts]), jnp.concatenate([p[1] for p in parts])

    # jitted, they are traced once per step: the path's derivatives, the line search and the
    # stall detector's loop reuse the trace (laplace.pde: the step's trace 0.51 s, not 0.67 s)
    return LeastSquares(jax.jit(residuals), jax.jit(jacobian), to_model, sum(rows), rows, blocks)
