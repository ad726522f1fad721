"""The matrix-free route: Golub-Kahan bidiagonalisation of Φ̂ from r, Φ̂ never formed.

LSQR (Paige & Saunders, ACM TOMS 8, 1982) builds, with one product Φ̂v (a jvp of the
residuals) and one Φ̂ᵀu (its transpose, a vjp) per step, orthonormal bases U_{k+1}
(N × (k+1), u₁ = r/‖r‖) and V_k (P × k) with Φ̂ V_k = U_{k+1} B_k, B_k lower bidiagonal.
Its k-th iterate is V_k B_k⁺ ‖r‖ e₁. Here the SVD of the small B_k = Ũ Σ W̃ᵀ gives the
step's (Uᵀr, σ, Vᵀ, v ↦ Uᵀv) on the Krylov subspace: a = ‖r‖ Ũᵀe₁, Vᵀ = W̃ᵀV_kᵀ,
v ↦ ŨᵀU_{k+1}ᵀv, so every filter and cut of the step applies to the Ritz values σ.

What it cannot do: apply the cut to Φ̂'s own spectrum. The Ritz values approximate the
largest singular values first (those that matter to r); with k below the rank kept by
the cut, the k steps themselves are the regularisation (LSQR's early stopping), and the
step is V_k B_k⁺ ‖r‖ e₁ cut further where a Ritz value falls below the cut. A second
right-hand side (the path's higher coefficients) is solved in the same subspace, so its
part outside span(U_{k+1}) is lost. Both bases are fully reorthogonalised (twice, Gram-
Schmidt), so the Ritz values are those of exact arithmetic to rounding: no spurious
copies. Memory O(k(N + P)) plus one linearisation of the residuals; time k jvp + k vjp +
O(k²(N + P)). Measured against the SVD in docs/scale.md.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ..least_squares import LeastSquares


def _orthogonalise(basis: jax.Array, x: jax.Array) -> jax.Array:
    """x minus its part in span(basis) (unfilled columns are zero), Gram-Schmidt twice."""
    x = x - basis @ (basis.T @ x)
    return x - basis @ (basis.T @ x)


def _normalise(x: jax.Array):
    """(x/‖x‖, ‖x‖), and (0, 0) for x = 0 (the Krylov space is exhausted)."""
    norm = jnp.linalg.norm(x)
    return jnp.where(norm > 0, x / jnp.where(norm > 0, norm, 1), 0), norm


def bidiagonalise(ls: LeastSquares, theta: jax.Array, steps: int):
    """r, U_{k+1}, V_k and B_k ((k+1) × k) with Φ̂ V_k = U_{k+1} B_k, k = `steps`."""
    r, forward = jax.linearize(ls.residuals, theta)
    transpose = jax.linear_transpose(forward, theta)
    backward = lambda u: transpose(u)[0]  # noqa: E731
    N, P = r.shape[0], theta.shape[0]
    u, beta = _normalise(r)
    v, alpha = _normalise(backward(u))
    U = jnp.zeros((N, steps + 1), r.dtype).at[:, 0].set(u)
    V = jnp.zeros((P, steps + 1), r.dtype).at[:, 0].set(v)  # the last column is not used
    alphas = jnp.zeros(steps + 1, r.dtype).at[0].set(alpha)
    betas = jnp.zeros(steps + 1, r.dtype).at[0].set(beta)

    def step(i, carry):
        U, V, alphas, betas = carry
        u, beta = _normalise(_orthogonalise(U, forward(V[:, i]) - alphas[i] * U[:, i]))
        v, alpha = _normalise(_orthogonalise(V, backward(u) - beta * V[:, i]))
        return (U.at[:, i + 1].set(u), V.at[:, i + 1].set(v), alphas.at[i + 1].set(alpha),
                betas.at[i + 1].set(beta))

    U, V, alphas, betas = jax.lax.fori_loop(0, steps, step, (U, V, alphas, betas))
    V, alphas = V[:, :steps], alphas[:steps]
    B = jnp.zeros((steps + 1, steps), r.dtype)
    B = B.at[jnp.arange(steps), jnp.arange(steps)].set(alphas)
    B = B.at[jnp.arange(1, steps + 1), jnp.arange(steps)].set(betas[1:])
    return r, U, V, B, betas[0]


def project(ls: LeastSquares, theta: jax.Array, steps: int):
    """(r, (Uᵀr, σ, Vᵀ, v ↦ Uᵀv)) on the Krylov subspace of `steps` steps (at most
    min(N, P): beyond that the bases cannot stay orthonormal)."""
    steps = max(1, min(steps, ls.size, theta.shape[0]))
    r, U, V, B, norm_r = bidiagonalise(ls, theta, steps)
    Ub, s, Wt = jnp.linalg.svd(B, full_matrices=False)
    left = lambda v: Ub.T @ (U.T @ v)  # noqa: E731
    return r, (norm_r * Ub[0], s, Wt @ V.T, left)
