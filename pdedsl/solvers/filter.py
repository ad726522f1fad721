"""The filter: how singular values become a pseudo-inverse, for every solver and the analysis.

Every natural-gradient solve in pdedsl is δ = V diag(f(σ)) Uᵀ r, with Φ̂ = U Σ Vᵀ the thin
SVD of the residual Jacobian and f one of three filters at a cut c (and, for
Levenberg-Marquardt, a damping λ):

- `cut`: f(σ) = 1/σ above c, 0 at or below (the truncated pseudo-inverse, ANaGRAM's step);
- `lm`: f(σ) = σ/(σ² + λ) above c, 0 below (Levenberg-Marquardt on the kept directions);
- `tikhonov`: f(σ) = σ/(σ² + c²) for every σ: ≈ 1/σ well above c, ≈ σ/c² well below,
  and no edge where a direction is dropped whole.

A solver computes its filter inside the compiled step (`factors`); what its last step
used is kept as plain data (`Filter`), so that the Green's function, the NNTK and
`resolve` are computed with the run's own step, not a re-derived one.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp

KINDS = ("cut", "lm", "tikhonov")


def factors(s: jax.Array, cut, kind: str = "cut", lam=0.0) -> jax.Array:
    """f(σ) for singular values `s` at the cut `cut` (module docstring); λ for `lm`."""
    if kind == "tikhonov":
        return s / (s * s + cut * cut)
    kept = s > cut
    return jnp.where(kept, s / jnp.where(kept, s * s + lam, 1), 0)


def apply(f: jax.Array, a: jax.Array, Vt: jax.Array) -> jax.Array:
    """δ = V diag(f) a for a = Uᵀr; rows of `f` (K × m) give K updates from one SVD."""
    return (f * a) @ Vt


@dataclass(frozen=True)
class Filter:
    """A filter as plain data: its kind, its cut relative to σ_max and, for `lm`, μ with
    λ = μ σ_max². Scale-free, so it applies to the Jacobian at any θ near the run's end."""

    kind: str = "cut"
    rcond: float = 1e-8
    mu: float = 0.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown filter '{self.kind}' (known: {', '.join(KINDS)})")

    def factors(self, s) -> jax.Array:
        """f(σ) for singular values `s` (descending)."""
        s = jnp.asarray(s)
        return factors(s, self.rcond * s[0], self.kind, self.mu * s[0] ** 2)

    def describe(self) -> str:
        if self.kind == "tikhonov":
            return f"Tikhonov damping at {self.rcond:.3g}·σ_max"
        if self.kind == "lm":
            return f"cut at {self.rcond:.3g}·σ_max, Levenberg-Marquardt μ = {self.mu:.3g}"
        return f"cut at {self.rcond:.3g}·σ_max"

    def to_json(self) -> dict:
        return {"kind": self.kind, "rcond": self.rcond, "mu": self.mu}
