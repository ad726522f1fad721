"""The line search shared by the natural-gradient solvers: every η of a ladder in one call.

A step's update is a path in η, θ - p(η) with p(η) = Σ_j ηʲ/j! c_j (one coefficient: the
straight step θ - ηδ). The losses at every η of the ladder {1, 1/2, ..., 2⁻ᵈ} (and 0,
which keeps θ) are evaluated in one call, and the least is taken.

The losses are evaluated LOSS_BATCH θ's at a time (`lax.map`), not all at once (`vmap`):
vmapped over 32 θ's, every intermediate of the residuals is 32 times larger (320 MB for
999 points and 1250 neurons), and on a CPU the step spent more time moving those than
computing them. The values are the same to rounding.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from ..least_squares import LeastSquares

LOSS_BATCH = 2  # θ's whose losses are evaluated together (bench/scale.py, floor part)


def ladder(depth: int, dtype, *, with_zero: bool) -> jax.Array:
    """{1, 1/2, ..., 2^-depth}, and 0 (stay) if `with_zero`."""
    etas = 2.0 ** -jnp.arange(depth + 1, dtype=dtype)
    return jnp.append(etas, 0.0) if with_zero else etas


def taylor_weights(etas: jax.Array, order: int) -> jax.Array:
    """ηʲ/j! for j = 1..order: the weights of a path's coefficients (J × order)."""
    return jnp.stack([etas**j / math.factorial(j) for j in range(1, order + 1)], axis=1)


def batched_losses(ls: LeastSquares, theta, paths, etas):
    """L(θ - p_k(η)) for every path p_k (rows of `paths`, K × order × P: p(η) = Σ_j
    ηʲ/j! c_j, so K × 1 × P are straight updates) and every η: a K × J array, inf if not finite."""
    weights = taylor_weights(etas, paths.shape[1])
    steps = sum(weights[None, :, j, None] * paths[:, None, j] for j in range(paths.shape[1]))
    losses = jax.lax.map(lambda step: ls.loss(theta - step), steps.reshape(-1, theta.shape[0]),
                         batch_size=LOSS_BATCH)
    losses = jnp.where(jnp.isfinite(losses), losses, jnp.inf)
    return losses.reshape(paths.shape[0], etas.shape[0])


def line_search(ls: LeastSquares, theta: jax.Array, delta: jax.Array, etas: jax.Array):
    """The η of least loss along the straight step θ - ηδ, and that loss."""
    losses = batched_losses(ls, theta, delta[None, None], etas)[0]
    best = jnp.argmin(losses)
    return etas[best], losses[best]


def advance(theta: jax.Array, coeffs: jax.Array, eta: jax.Array) -> jax.Array:
    """θ - Σ_j ηʲ/j! c_j: the point the line search chose on the path."""
    for weight, c in zip(taylor_weights(eta[None], len(coeffs))[0], coeffs):
        theta = theta - weight * c
    return theta
