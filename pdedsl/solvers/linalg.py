"""The dense factorisations of Φ̂: the thin SVD three ways, and the step's projections.

A factorisation J ≈ U diag(σ) Vᵀ (σ descending, min(N, P) of them) serves every cut:
ANaGRAM's cut search truncates one factorisation many ways. The three variants of the
thin SVD differ in speed, and `gram_eigh` also in accuracy:

- `svd`: LAPACK's thin SVD of J (gesdd), the reference.
- `qr_svd`: QR of the tall side first (J = QR when N ≥ P, Jᵀ = QR when P > N), then
  the SVD of the small square R. Backward stable like the SVD.
- `gram_eigh`: eigendecomposition of the smaller Gram side (JᵀJ or JJᵀ), σ = √λ, the
  other factor recovered as J V/σ. Squaring J loses half the digits: σ below about
  √ε·σ_max ≈ 1.5e-8·σ_max are noise, so it matches the SVD only for cuts rcond ≳ 1e-7.

`solve(factorisation, J, r, rcond, atol) -> (δ, σ, cut)` applies the hard cut of
`filter.py`. bench/step_cost.py measures the variants on real Jacobians (numbers in
bench/README.md).

A step needs less than U Σ Vᵀ: (Uᵀr, σ, Vᵀ, v ↦ Uᵀv) (`project_*` below, chosen by
`routes.py`). The tall route takes the QR of [Φ̂ r] and never forms U; the wide route
keeps Q as Householder reflectors and never forms Vᵀ; the randomized route computes a
few singular triplets only; the sketch route is the randomized one while the σ above the
cut fit in it, and the SVD where they do not.
"""

from __future__ import annotations

from typing import Callable

import equinox as eqx
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


# ---------------------------------------------------------------- the step's projection
# `project` and the routes below return what a step needs of Φ̂ = U Σ Vᵀ, for every cut and
# filter and for a second right-hand side found after the first solve: (Uᵀr, σ, Vᵀ, v ↦ Uᵀv).
# None forms U; Vᵀ is an array, or `Reflected` (Householder reflectors) where forming it
# would cost as much as the factorisation.

TALL = 2  # one side at least this many times the other: factor the tall side by QR first
OVERSAMPLE = 10  # randomized route: extra columns of the range sketch (Halko et al. 2011)


def by_shape(N: int, P: int) -> str:
    """The dense route for an N × P Φ̂: `tall` (N ≥ 2P), `wide` (P ≥ 2N) or `svd`."""
    if N >= TALL * P:
        return "tall"
    return "wide" if P >= TALL * N else "svd"


def project_svd(J: jax.Array, r: jax.Array):
    """LAPACK's thin SVD of Φ̂ (gesdd): the reference."""
    U, s, Vt = svd(J)
    return U.T @ r, s, Vt, lambda v: U.T @ v


def project_tall(J: jax.Array, r: jax.Array):
    """N ≥ P: the QR of [Φ̂ r] gives R and Qᵀr at once, so U (N × P) is never formed:
    Φ̂ = QR, R = U_R Σ Vᵀ, Uᵀr = U_Rᵀ Qᵀr. 45 % less time than the SVD on 900 × 129
    (bench/README.md) and the same δ to 1e-13."""
    P = J.shape[1]
    Q, R = jnp.linalg.qr(jnp.concatenate([J, r[:, None]], axis=1))
    U, s, Vt = jnp.linalg.svd(R[:P, :P])
    return U.T @ R[:P, P], s, Vt, lambda v: U.T @ (Q[:, :P].T @ v)


def from_triangle(R: jax.Array):
    """(Uᵀr, σ, Vᵀ, U_R) from a triangular factor R of [Φ̂ r] (RᵀR = [Φ̂ r]ᵀ[Φ̂ r], any
    number of rows): the SVD of its first P columns. For the chunked and sharded QR."""
    P = R.shape[1] - 1
    U, s, Vt = jnp.linalg.svd(R[:, :P], full_matrices=False)
    return U.T @ R[:, P], s, Vt, U


class Reflected(eqx.Module):
    """Vᵀ = Wᵀ Qᵀ with Q = H_1 ⋯ H_m (P × m) kept as its Householder reflectors,
    H_j = I - τ_j y_j y_jᵀ: `x @ Vᵀ` costs 4·P·m flops per row of x, where forming Vᵀ
    costs O(P·m²), as much as the QR itself. The reflectors are applied one by one: the
    few vectors a step applies them to are too few for LAPACK's blocked `ormqr`, which
    spends about 32·P·m flops building its blocks (3 times slower on one vector at
    999 × 5001: docs/scale.md)."""

    reflectors: jax.Array  # m × P: row j is y_j (zeros before j, 1 at j)
    taus: jax.Array
    Wt: jax.Array  # m × m

    @property
    def shape(self) -> tuple[int, int]:
        return self.Wt.shape[0], self.reflectors.shape[1]

    def __rmatmul__(self, x: jax.Array) -> jax.Array:
        rows = jnp.atleast_2d(x) @ self.Wt  # K × m
        m, P = self.reflectors.shape
        out = jnp.zeros((rows.shape[0], P), rows.dtype).at[:, :m].set(rows)

        def reflect(i, out):  # out ← out H_j, j = m-1 … 0: (Q outᵀ)ᵀ
            y = self.reflectors[m - 1 - i]
            return out - (self.taus[m - 1 - i] * (out @ y))[:, None] * y[None]

        out = jax.lax.fori_loop(0, m, reflect, out)
        return out if x.ndim > 1 else out[0]

    def dense(self) -> jax.Array:
        """Vᵀ as an array (for tests and small problems)."""
        return jnp.eye(self.Wt.shape[0], dtype=self.Wt.dtype) @ self


def project_wide(J: jax.Array, r: jax.Array):
    """P > N: Φ̂ᵀ = QR (Householder, Q never formed), Rᵀ = U Σ Wᵀ, so Φ̂ = U Σ (QW)ᵀ.
    One QR of Φ̂ᵀ and one SVD of an N × N matrix, LAPACK's floor for this shape."""
    N, P = J.shape
    h, taus = jnp.linalg.qr(J.T, mode="raw")  # h: N × P; row j: R's column j, then y_j
    U, s, Wt = jnp.linalg.svd(jnp.tril(h[:, :N]))  # Rᵀ
    column = jnp.arange(P)[None, :]
    diagonal = jnp.arange(N)[:, None]
    reflectors = jnp.where(column > diagonal, h, (column == diagonal).astype(h.dtype))
    return U.T @ r, s, Reflected(reflectors, taus, Wt), lambda v: U.T @ v


def project_randomized(J: jax.Array, r: jax.Array, rank: int, power: int, seed: int = 0):
    """A rank-(rank + OVERSAMPLE) SVD by a randomized range finder with `power` subspace
    iterations (Halko, Martinsson & Tropp, SIAM Review 53, 2011, Alg. 4.4 and 5.1):
    Y = (Φ̂Φ̂ᵀ)^q Φ̂Ω, re-orthonormalised after each product; Φ̂ ≈ Q (QᵀΦ̂), and the SVD
    of the small QᵀΦ̂. σ beyond the sketch count as zero: exact when Φ̂'s numerical rank
    is below the sketch, a coarser truncation than the cut when it is not."""
    Q = _range(J, min(rank + OVERSAMPLE, *J.shape), power, seed)
    Ub, s, Vt = qr_svd(Q.T @ J)
    left = lambda v: Ub.T @ (Q.T @ v)  # noqa: E731
    return left(r), s, Vt, left


def _range(J: jax.Array, width: int, power: int, seed: int = 0) -> jax.Array:
    """An orthonormal basis (N × width) of Φ̂'s dominant range: Halko et al.'s range finder."""
    omega = jax.random.normal(jax.random.PRNGKey(seed), (J.shape[1], width), J.dtype)
    Q, _ = jnp.linalg.qr(J @ omega)
    for _ in range(power):
        Z, _ = jnp.linalg.qr(J.T @ Q)
        Q, _ = jnp.linalg.qr(J @ Z)
    return Q


# `auto` on a square-ish Φ̂ (neither side twice the other) of at least SKETCH_FROM on its
# short side m: a randomized SVD of ⌈m / SKETCH_SHARE⌉ columns (one power iteration, or
# from the second step none, warm-started: bench/recorded/robustness-warm-sketch.md) while
# the spectrum's σ above the cut fit in it, the full SVD from a step where they do not until
# one where they fit again. The default networks of 2D problems keep 120 to 600 of the
# 1020 σ of their Φ̂ above the cut (bench/recorded/robustness-sketch.md compares the routes).
SKETCH_FROM = 600
SKETCH_SHARE = 3


def sketch_width(N: int, P: int) -> int:
    return -(-min(N, P) // SKETCH_SHARE)


def project_sketch(J: jax.Array, r: jax.Array, dense: jax.Array, rcond: float,
                   atol: float | None, basis: jax.Array | None = None):
    """The sketch, or the full SVD where `dense`: ((Uᵀr, σ, Vᵀ, v ↦ Uᵀv), dense next,
    basis next). The sketch's factors are padded with zeros to the SVD's m (a zero σ is
    cut). The next step is dense when this step's σ at the sketch's last column is above
    the cut: the sketch was full (it truncated coarser than the cut), or, after a dense
    step, would be. `basis` (P × width, zeros at the start) is the last step's leading
    right singular vectors: the sketch starts from them (`_warm_range`)."""
    N, P = J.shape
    m, width = min(N, P), sketch_width(N, P)
    basis = jnp.zeros((P, width), J.dtype) if basis is None else basis

    def full(_):
        U, s, Vt = svd(J)
        return U.T, s, Vt

    def sketched(_):
        Q = jax.lax.cond(jnp.any(basis != 0), lambda: _warm_range(J, basis),
                         lambda: _range(J, width, power=1))
        Ub, s, Vt = qr_svd(Q.T @ J)  # wide: its QR first (0.046 s against 0.067 s at 340 × 1185)
        pad = m - width
        return (jnp.pad((Q @ Ub).T, ((0, pad), (0, 0))), jnp.pad(s, (0, pad)),
                jnp.pad(Vt, ((0, pad), (0, 0))))

    Ut, s, Vt = jax.lax.cond(dense, full, sketched, None)
    cut = atol if atol is not None else rcond * s[0]
    return (Ut @ r, s, Vt, lambda v: Ut @ v), s[width - 1] > cut, Vt[:width].T


# A warm sketch draws this share of its columns afresh: directions new to this step's Φ̂.
FRESH_SHARE = 8


def _warm_range(J: jax.Array, basis: jax.Array) -> jax.Array:
    """The range of Φ̂ V for the last step's leading right singular vectors V (and a few
    random columns), without subspace iterations: between two steps the leading subspace
    moves little, and Φ̂ V already spans the new one about as well as a random start after
    one iteration, at a third of the products and QRs."""
    P, width = basis.shape
    fresh = -(-width // FRESH_SHARE)
    omega = jax.random.normal(jax.random.PRNGKey(1), (P, fresh), J.dtype)
    Q, _ = jnp.linalg.qr(J @ jnp.concatenate([basis[:, :width - fresh], omega], axis=1))
    return Q


DENSE = {"svd": project_svd, "tall": project_tall, "wide": project_wide}


def project(J: jax.Array, r: jax.Array, route: str | None = None):
    """(Uᵀr, σ, Vᵀ, v ↦ Uᵀv) by a dense route (`DENSE`; None: `by_shape`)."""
    return DENSE[route or by_shape(*J.shape)](J, r)
