"""The cut pseudo-inverse solve δ = Φ̂⁺ r, four ways; `cut_solve` is the default.

Every function takes (J, r, rcond, atol) and returns (δ, σ, cut): δ the minimum-norm
least-squares solution of J δ = r with singular values σ ≤ cut treated as zero, σ the
min(N, P) singular values of J in descending order, cut = atol if given, else
rcond·σ_max. They differ in speed, and `gram_eigh` also in accuracy:

- `svd`: thin SVD of J (LAPACK gesdd), the reference.
- `qr_svd`: QR of the tall side first (J = QR when N ≥ P, Jᵀ = QR when P > N), then the
  SVD of the small square R. Backward stable like the SVD.
- `gram_eigh`: eigendecomposition of the smaller Gram side (JᵀJ or JJᵀ), σ = √λ.
  Squaring J loses half the digits: σ below about √ε·σ_max ≈ 1.5e-8·σ_max are noise,
  so it matches the SVD only for cuts rcond ≳ 1e-7.

bench/step_cost.py measures them; the default is the fastest that keeps the SVD's
accuracy at every cut (rcond 1e-6 to 1e-10): `qr_svd`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def _cut(s: jax.Array, rcond: float, atol: float | None):
    return atol if atol is not None else rcond * s[0]


def _inverse(s: jax.Array, cut) -> jax.Array:
    """1/σ where σ > cut, else 0 (no division by the discarded values)."""
    kept = s > cut
    return jnp.where(kept, 1 / jnp.where(kept, s, 1), 0)


def svd(J: jax.Array, r: jax.Array, rcond: float, atol: float | None = None):
    """The reference: thin SVD J = U Σ Vᵀ, δ = V Σ⁺ Uᵀ r."""
    U, s, Vt = jnp.linalg.svd(J, full_matrices=False)
    cut = _cut(s, rcond, atol)
    return Vt.T @ (_inverse(s, cut) * (U.T @ r)), s, cut


def qr_svd(J: jax.Array, r: jax.Array, rcond: float, atol: float | None = None):
    """QR of the tall side, then the SVD of the square factor R (min(N, P) wide)."""
    N, P = J.shape
    if N >= P:  # J = Q R, R = U Σ Vᵀ: J = (QU) Σ Vᵀ
        Q, R = jnp.linalg.qr(J)
        U, s, Vt = jnp.linalg.svd(R)
        cut = _cut(s, rcond, atol)
        return Vt.T @ (_inverse(s, cut) * (U.T @ (Q.T @ r))), s, cut
    # Jᵀ = Q R, so J = Rᵀ Qᵀ; Rᵀ = U Σ Wᵀ: J = U Σ (QW)ᵀ
    Q, R = jnp.linalg.qr(J.T)
    U, s, Wt = jnp.linalg.svd(R.T)
    cut = _cut(s, rcond, atol)
    return Q @ (Wt.T @ (_inverse(s, cut) * (U.T @ r))), s, cut


def gram_eigh(J: jax.Array, r: jax.Array, rcond: float, atol: float | None = None):
    """Eigendecomposition of the smaller Gram side; σ accurate only above √ε·σ_max."""
    N, P = J.shape
    if N >= P:  # JᵀJ = V Λ Vᵀ: δ = V Λ⁺ Vᵀ Jᵀ r
        lam, V = jnp.linalg.eigh(J.T @ J)
        lam, V = lam[::-1], V[:, ::-1]
        s = jnp.sqrt(jnp.maximum(lam, 0))
        cut = _cut(s, rcond, atol)
        return V @ (_inverse(s, cut) ** 2 * (V.T @ (J.T @ r))), s, cut
    # JJᵀ = U Λ Uᵀ: δ = Jᵀ U Λ⁺ Uᵀ r
    lam, U = jnp.linalg.eigh(J @ J.T)
    lam, U = lam[::-1], U[:, ::-1]
    s = jnp.sqrt(jnp.maximum(lam, 0))
    cut = _cut(s, rcond, atol)
    return J.T @ (U @ (_inverse(s, cut) ** 2 * (U.T @ r))), s, cut


VARIANTS = {"svd": svd, "qr_svd": qr_svd, "gram_eigh": gram_eigh}

cut_solve = qr_svd
