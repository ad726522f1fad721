"""ENGD (Müller & Zeinhofer, ICML 2023): energy natural gradient, the Gram-matrix baseline.

One step: r and Φ̂ at θ; the P × P Gram matrix G = Φ̂ᵀΦ̂ and the gradient ∇L = Φ̂ᵀr;
δ = G⁺∇L by an eigendecomposition G = V Λ Vᵀ, filtered like ANaGRAM's SVD on σ = √λ
(δ = V diag(f(σ)/σ) Vᵀ ∇L, which is V f(Σ) Uᵀ r); then the same line search as ANaGRAM.
With Φ̂ of full column rank δ is ANaGRAM's Φ̂⁺r; the difference is the cost,
O(P³ + P²N) against ANaGRAM's O(min(PN², P²N)), and the accuracy: squaring Φ̂ makes σ
below about √ε·σ_max ≈ 1.5e-8·σ_max noise, so the default cut stays above it (1e-7;
the authors' `lstsq(G, ∇L)` cuts at P·ε·λ_max, about the same for P ≈ 100).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ..language.settings import SOLVERS
from ..least_squares import LeastSquares
from . import filter as filters
from .anagram import step_info
from .line_search import ladder, line_search

_DEFAULTS = {name: option.default for name, option in SOLVERS["engd"].items()}


def gram_solve(J: jax.Array, r: jax.Array, rcond: float, atol: float | None):
    """δ = (ΦᵀΦ)⁺ Φᵀr cut at σ = √λ; returns δ, σ (descending) and the cut on σ."""
    lam, V = jnp.linalg.eigh(J.T @ J)
    lam, V = lam[::-1], V[:, ::-1]
    s = jnp.sqrt(jnp.maximum(lam, 0))
    cut = atol if atol is not None else rcond * s[0]
    f = filters.factors(s, cut)
    per_eigenvalue = jnp.where(f > 0, f / jnp.where(f > 0, s, 1), 0)  # f(σ)/σ = 1/λ kept
    return V @ (per_eigenvalue * (V.T @ (J.T @ r))), s, cut


class Engd(eqx.Module):
    """The ENGD step. `rcond`: relative cut on σ = √λ(G); `atol`: absolute (wins if given)."""

    rcond: float = _DEFAULTS["rcond"]
    atol: float | None = _DEFAULTS["atol"]
    line_search_depth: int = 30

    def init(self, ls: LeastSquares, theta: jax.Array):
        return None

    def step(self, ls: LeastSquares, theta: jax.Array, state):
        r, J = ls.jacobian(theta)
        delta, s, cut = gram_solve(J, r, self.rcond, self.atol)
        etas = ladder(self.line_search_depth, theta.dtype, with_zero=False)
        eta, loss = line_search(ls, theta, delta, etas)
        info = step_info(loss, eta, s, cut)
        info["rcond_used"] = cut / s[0]
        return theta - eta * delta, state, info

    def filter_of(self, info: dict) -> filters.Filter:
        return filters.Filter("cut", float(info["rcond_used"]))
