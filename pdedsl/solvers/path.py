"""Paths of higher order: the step bent so that the residuals fall along it to order k.

c_1 = δ and c_k = Φ̂⁺ dᵏ/dtᵏ r(θ - Σ_{j<k} tʲ/j! c_j) at t = 0, each solved with the step's
own filter: along θ - Σ_j ηʲ/j! c_j the residuals fall as (1 - η) r + O(η^(order+1)) in
the range of Φ̂. Order 2 is geodesic acceleration (Transtrum, Machta & Sethna, Phys. Rev.
E 83, 036701, 2011). The derivatives are k nested forward-mode passes, never a Hessian.
"""

from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from ..least_squares import LeastSquares
from .line_search import taylor_weights


def path_derivative(ls: LeastSquares, theta: jax.Array, coeffs: jax.Array, k: int) -> jax.Array:
    """dᵏ/dtᵏ r(θ - Σ_j tʲ/j! c_j) at t = 0: k nested forward-mode passes, no Hessian.
    With one coefficient δ and k = 2 it is r''(θ)[δ, δ]."""
    def along(t):
        weights = taylor_weights(t[None], len(coeffs))[0]
        return ls.residuals(theta - sum(w * c for w, c in zip(weights, coeffs)))

    def differentiate(f):
        return lambda t: jax.jvp(f, (t,), (jnp.ones_like(t),))[1]

    for _ in range(k):
        along = differentiate(along)
    return along(jnp.zeros((), theta.dtype))


def path_coefficients(ls: LeastSquares, theta: jax.Array, delta: jax.Array,
                      solve: Callable[[jax.Array], jax.Array], order: int) -> jax.Array:
    """The path's coefficients c_1..c_order (order × P), `solve` the step's filtered Φ̂⁺."""
    coeffs = delta[None]
    for k in range(2, order + 1):
        coeffs = jnp.concatenate([coeffs, solve(path_derivative(ls, theta, coeffs, k))[None]])
    return coeffs
