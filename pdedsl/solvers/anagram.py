"""ANaGRAM (Schwencke & Furtlehner, ICLR 2025): a natural gradient with no Gram matrix.

One step: r and Φ̂ at θ; thin SVD Φ̂ = U Σ Vᵀ cut at rcond·σ_max (or atol);
δ = V Σ⁺ Uᵀ r, the minimum-norm least-squares solution of Φ̂ δ = r; then
θ ← θ - η δ with the η in {1, 1/2, ..., 2⁻³⁰} of least loss, all candidates
evaluated in one batched call. For a nonlinear operator Φ̂ is the Jacobian of the
nonlinear residual: the same step is Gauss-Newton.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ..least_squares import LeastSquares


def cut_svd_solve(J: jax.Array, r: jax.Array, rcond: float, atol: float | None):
    """δ = Φ̂⁺ r with singular values at or below the cut treated as zero.

    Returns δ, the singular values σ (descending) and the cut value.
    """
    U, s, Vt = jnp.linalg.svd(J, full_matrices=False)
    cut = atol if atol is not None else rcond * s[0]
    inverse = jnp.where(s > cut, 1 / jnp.where(s > cut, s, 1), 0)
    delta = Vt.T @ (inverse * (U.T @ r))
    return delta, s, cut


def line_search(ls: LeastSquares, theta: jax.Array, delta: jax.Array, etas: jax.Array):
    """The η of least loss among `etas`, and that loss."""
    losses = jax.vmap(lambda eta: ls.loss(theta - eta * delta))(etas)
    losses = jnp.where(jnp.isfinite(losses), losses, jnp.inf)
    best = jnp.argmin(losses)
    return etas[best], losses[best]


def step_info(loss, eta, s, cut) -> dict:
    kept = s > cut
    return {
        "spectrum": (s, cut),  # recorded every few steps by the training loop
        "loss": loss,
        "eta": eta,
        "rank": jnp.sum(kept),
        "sigma_max": s[0],
        "sigma_min_kept": jnp.min(jnp.where(kept, s, jnp.inf)),
    }


class Anagram(eqx.Module):
    """The ANaGRAM step. `rcond`: relative cut; `atol`: absolute cut (wins if given)."""

    rcond: float = 1e-8
    atol: float | None = None
    line_search_depth: int = 30

    def init(self, ls: LeastSquares, theta: jax.Array):
        return None

    def step(self, ls: LeastSquares, theta: jax.Array, state):
        r, J = ls.jacobian(theta)
        delta, s, cut = cut_svd_solve(J, r, self.rcond, self.atol)
        etas = 2.0 ** -jnp.arange(self.line_search_depth + 1, dtype=theta.dtype)
        eta, loss = line_search(ls, theta, delta, etas)
        return theta - eta * delta, state, step_info(loss, eta, s, cut)
