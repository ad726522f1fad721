"""The PINN loss as a least-squares problem in a flat parameter vector θ.

Training sees only this: r(θ) ∈ R^N, the stacked scaled residuals of all blocks
(block b scaled by 1/√N_b, N_b the points of its equation or condition, so that
L(θ) = ½‖r‖² = Σ_b 1/(2N_b) Σ_i r_b,i², the seed's loss), and its Jacobian Φ̂
(N × P), row i = ∂θ r_i, by one reverse-mode gradient per point, vmapped.
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
class LeastSquares:
    """r(θ), (r, Φ̂)(θ) and the loss ½‖r‖²; `to_model` turns θ back into a Model."""

    residuals: Callable[[jax.Array], jax.Array]
    jacobian: Callable[[jax.Array], tuple[jax.Array, jax.Array]]
    to_model: Callable[[jax.Array], Model]
    size: int  # N

    def loss(self, theta: jax.Array) -> jax.Array:
        r = self.residuals(theta)
        return 0.5 * jnp.dot(r, r)


def flatten(model: Model) -> tuple[jax.Array, Callable[[jax.Array], Model]]:
    """θ (all trainable arrays as one vector) and the map back to a Model."""
    params, static = eqx.partition(model, eqx.is_inexact_array)
    theta, unravel = ravel_pytree(params)
    return theta, lambda theta: eqx.combine(unravel(theta), static)


def least_squares(
    compiled: CompiledProblem, points: Sequence[np.ndarray], model: Model
) -> tuple[LeastSquares, jax.Array]:
    """The least-squares view of `compiled` on `points` (one array per block), and θ₀."""
    theta0, to_model = flatten(model)
    dtype = theta0.dtype
    sizes: dict[int, int] = {}
    for block, x in zip(compiled.blocks, points):
        sizes[block.group] = sizes.get(block.group, 0) + len(x)
    weights = [float(1 / np.sqrt(sizes[b.group])) for b in compiled.blocks]  # weak type: keeps float32
    xs = [jnp.asarray(x, dtype) for x in points]

    def point_residuals(block):
        return lambda theta, x: block.residual(to_model(theta), x)

    pointwise = [point_residuals(b) for b in compiled.blocks]

    def residuals(theta):
        return jnp.concatenate(
            [w * jax.vmap(f, (None, 0))(theta, x) for f, w, x in zip(pointwise, weights, xs)]
        )

    def jacobian(theta):
        parts = [
            jax.vmap(jax.value_and_grad(f), (None, 0))(theta, x) for f, x in zip(pointwise, xs)
        ]
        r = jnp.concatenate([w * p[0] for p, w in zip(parts, weights)])
        J = jnp.concatenate([w * p[1] for p, w in zip(parts, weights)])
        return r, J

    n = sum(len(x) for x in points)
    return LeastSquares(residuals, jacobian, to_model, n), theta0
