"""The thin SVD of Φ̂ and the cut solve δ = Φ̂⁺ r, three ways; `factor` is the default.

A factorisation J ≈ U diag(σ) Vᵀ (σ descending, min(N, P) of them) serves every cut:
ANaGRAM's cut search truncates one factorisation many ways. The three differ in speed,
and `gram_eigh` also in accuracy:

- `svd`: LAPACK's thin SVD of J (gesdd), the reference.
- `qr_svd`: QR of the tall side first (J = QR when N ≥ P, Jᵀ = QR when P > N), then
  the SVD of the small square R. Backward stable like the SVD.
- `gram_eigh`: eigendecomposition of the smaller Gram side (JᵀJ or JJᵀ), σ = √λ, the
  other factor recovered as J V/σ. Squaring J loses half the digits: σ below about
  √ε·σ_max ≈ 1.5e-8·σ_max are noise, so it matches the SVD only for cuts rcond ≳ 1e-7.

`solve(factorisation, J, r, rcond, atol) -> (δ, σ, cut)` applies the hard cut of
`filter.py`: σ ≤ cut (atol if given, else rcond·σ_max) count as zero. bench/step_cost.py measures the variants on real
Jacobians; the default is the fastest that keeps the SVD's accuracy at every cut used
(rcond 1e-6 to 1e-10): `auto`, QR first only where the matrix is far from square
(numbers in bench/README.md).
"""

from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from . import filter as filters

Factorisation = Callable[[jax.Array], tuple[jax.Array, jax.Array, jax.Array]]


def svd(J: jax.Array):
    """The reference: LAPACK's thin SVD."""
    return jnp.linalg.svd(J, full_matrices=False)


def qr_svd(J: jax.Array):
    """QR of the tall side, then the SVD of the square factor R (min(N, P) wide)."""
    N, P = J.shape
    if N >= P:  # J = QR, R = U Σ Vᵀ: J = (QU) Σ Vᵀ
        Q, R = jnp.linalg.qr(J)
        U, s, Vt = jnp.linalg.svd(R)
        return Q @ U, s, Vt
    # Jᵀ = QR, so J = Rᵀ Qᵀ; Rᵀ = U Σ Wᵀ: J = U Σ (QW)ᵀ
    Q, R = jnp.linalg.qr(J.T)
    U, s, Wt = jnp.linalg.svd(R.T)
    return U, s, Wt @ Q.T


def gram_eigh(J: jax.Array):
    """Eigendecomposition of the smaller Gram side; σ accurate only above √ε·σ_max."""
    N, P = J.shape
    if N >= P:  # JᵀJ = V Λ Vᵀ, U = J V / σ
        lam, V = jnp.linalg.eigh(J.T @ J)
        s, V = jnp.sqrt(jnp.maximum(lam[::-1], 0)), V[:, ::-1]
        return (J @ V) * _reciprocal(s), s, V.T
    # JJᵀ = U Λ Uᵀ, Vᵀ = Σ⁻¹ Uᵀ J
    lam, U = jnp.linalg.eigh(J @ J.T)
    s, U = jnp.sqrt(jnp.maximum(lam[::-1], 0)), U[:, ::-1]
    return U, s, _reciprocal(s)[:, None] * (U.T @ J)


def _reciprocal(s: jax.Array) -> jax.Array:
    """1/σ, and 0 for σ = 0 (those directions are cut anyway)."""
    return jnp.where(s > 0, 1 / jnp.where(s > 0, s, 1), 0)


def solve(factorisation: Factorisation, J: jax.Array, r: jax.Array, rcond: float,
          atol: float | None = None):
    """δ = V Σ⁺ Uᵀ r with σ ≤ cut treated as zero; returns δ, σ and the cut."""
    U, s, Vt = factorisation(J)
    cut = atol if atol is not None else rcond * s[0]
    return Vt.T @ (filters.factors(s, cut) * (U.T @ r)), s, cut


def auto(J: jax.Array):
    """The default: `qr_svd` when one side is at least twice the other, else `svd`.

    Measured here (bench/README.md): QR first saves 25-30 % on 900 × 129, 4500 × 449
    and 1000 × 4000, and costs 10-60 % more on square matrices.
    """
    N, P = J.shape
    return qr_svd(J) if max(N, P) >= 2 * min(N, P) else svd(J)


VARIANTS: dict[str, Factorisation] = {
    "svd": svd, "qr_svd": qr_svd, "gram_eigh": gram_eigh, "auto": auto,
}

factor: Factorisation = auto


def project(J: jax.Array, r: jax.Array):
    """(Uᵀr, σ, Vᵀ, v ↦ Uᵀv): all a step needs of the factorisation, for every cut and
    filter, and for a second right-hand side found after the first solve.

    When Φ̂ is tall (N ≥ 2P) the QR of [Φ̂ r] gives R and Qᵀr at once, so U (N × P) is
    never formed: J = QR, R = U_R Σ Vᵀ, Uᵀr = U_Rᵀ Qᵀr. That is 45 % less time than
    `auto` on the seed's 900 × 129 (bench/README.md) and the same δ to 1e-13.
    """
    N, P = J.shape
    if N < 2 * P:
        U, s, Vt = factor(J)
        return U.T @ r, s, Vt, lambda v: U.T @ v
    Q, R = jnp.linalg.qr(jnp.concatenate([J, r[:, None]], axis=1))
    U, s, Vt = jnp.linalg.svd(R[:P, :P])
    return U.T @ R[:P, P], s, Vt, lambda v: U.T @ (Q[:, :P].T @ v)
