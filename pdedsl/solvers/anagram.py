"""ANaGRAM (Schwencke & Furtlehner, ICLR 2025): a natural gradient with no Gram matrix.

One step: r and Φ̂ at θ; thin SVD Φ̂ = U Σ Vᵀ; δ = V F(Σ) Uᵀ r where the filter F
is the cut pseudo-inverse (1/σ for σ above the cut, 0 below: δ = Φ̂⁺ r, the
minimum-norm least-squares solution of Φ̂ δ = r) or, with Levenberg-Marquardt
damping, σ/(σ² + λ) above the cut; then θ ← θ - η δ with the η in
{1, 1/2, ..., 2⁻³⁰, 0} of least loss, all candidates evaluated in one batched call.
For a nonlinear operator Φ̂ is the Jacobian of the nonlinear residual: the same step
is Gauss-Newton.

Why the strategies (issue 8, docs/solvers.md): from some starts a fixed cut stalls,
the line search choosing η ≈ 1e-7 for hundreds of steps, and which cut stalls depends
on the problem, the width and the seed. So

- `cut="search"` tries several cuts each step, rcond·10^k for k in -window..window.
  One SVD serves them all (each is a truncation of the same factorisation), so a
  candidate costs a few loss evaluations, not an SVD. First every cut is tried with a
  short η ladder, then the best cut gets the full η ladder.
- `cut="schedule"` starts `schedule` decades coarser than rcond and refines by a decade
  after every step that takes η ≥ 1/2 (coarse to fine).
- `damping="lm"` replaces 1/σ by σ/(σ² + λ), λ = μ σ_max², μ adapted by the gain ratio
  (actual over predicted loss decrease at η = 1); with any cut.
- The stall detector (`stall_steps` > 0): after that many consecutive steps with
  η < 1e-6, the cut moves `STALL_JUMP` decades
  coarser and μ grows 100-fold; good steps move the cut back a decade at a time. Its
  state lives in the solver state, so it runs inside the compiled step, and its
  actions are history columns.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ..least_squares import LeastSquares
from . import linalg

STALL_ETA = 1e-6  # a step with η below this is a stalled step
STALL_JUMP = 2.0  # decades the cut moves coarser when the detector acts
SCAN_ETAS = (1.0, 0.5, 0.25, 2.0**-4, 2.0**-6, 2.0**-8, 2.0**-10)  # first pass of the cut search
MU_START, MU_MIN, MU_MAX = 1e-4, 1e-30, 1e2  # LM: λ = μ σ_max²


def svd_factor(J: jax.Array):
    """Thin SVD (U, σ descending, Vᵀ): the one factorisation every cut shares.

    `linalg.factor` chooses how (QR first when Φ̂ is far from square; bench/step_cost.py).
    """
    return linalg.factor(J)


def filtered_solve(U, s, Vt, r, filters):
    """δ = V diag(f) Uᵀ r for each row f of `filters` (K × m): K updates for one SVD."""
    return (filters * (U.T @ r)) @ Vt


def cut_filter(s, cut, lam=0.0):
    """σ/(σ² + λ) for σ above the cut, 0 below; λ = 0 gives the truncated 1/σ."""
    kept = s > cut
    return jnp.where(kept, s / jnp.where(kept, s * s + lam, 1), 0)


def cut_svd_solve(J: jax.Array, r: jax.Array, rcond: float, atol: float | None):
    """δ = Φ̂⁺ r with singular values at or below the cut treated as zero.

    Returns δ, the singular values σ (descending) and the cut value.
    """
    U, s, Vt = svd_factor(J)
    cut = atol if atol is not None else rcond * s[0]
    return filtered_solve(U, s, Vt, r, cut_filter(s, cut)[None])[0], s, cut


def line_search(ls: LeastSquares, theta: jax.Array, delta: jax.Array, etas: jax.Array):
    """The η of least loss among `etas`, and that loss."""
    losses = batched_losses(ls, theta, delta[None], etas)[0]
    best = jnp.argmin(losses)
    return etas[best], losses[best]


def batched_losses(ls: LeastSquares, theta, deltas, etas):
    """L(θ - η δ_k) for every update δ_k (rows) and every η: a K × J array, inf if not finite."""
    steps = (etas[None, :, None] * deltas[:, None, :]).reshape(-1, theta.shape[0])
    losses = jax.vmap(lambda step: ls.loss(theta - step))(steps)
    losses = jnp.where(jnp.isfinite(losses), losses, jnp.inf)
    return losses.reshape(deltas.shape[0], etas.shape[0])


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


class AnagramState(eqx.Module):
    """What the strategies carry from step to step (arrays only: it lives in the jit)."""

    shift: jax.Array  # decades the cut is moved coarser (schedule, stall detector)
    mu: jax.Array  # LM damping: λ = μ σ_max²
    stalled: jax.Array  # consecutive steps with η < STALL_ETA
    actions: jax.Array  # times the stall detector acted


class Anagram(eqx.Module):
    """The ANaGRAM step and its robustness strategies (module docstring, docs/solvers.md).

    `rcond`: relative cut (with `cut="search"` the middle of the decades searched);
    `atol`: absolute cut (wins over rcond if given). The field defaults are the paper's
    plain step (one fixed cut); the robust defaults users get are in REGISTRY.
    """

    rcond: float = 1e-8
    atol: float | None = None
    cut: str = "fixed"  # fixed | search | schedule
    damping: str = "none"  # none | lm
    window: int = 4  # cut="search": decades tried on each side of rcond
    schedule: int = 6  # cut="schedule": decades coarser than rcond at the start
    stall_steps: int = 0  # 0 turns the stall detector off
    line_search_depth: int = 30

    def init(self, ls: LeastSquares, theta: jax.Array) -> AnagramState:
        shift = self.schedule if self.cut == "schedule" else 0
        dtype = theta.dtype
        return AnagramState(
            jnp.asarray(shift, dtype), jnp.asarray(MU_START, dtype),
            jnp.asarray(0, jnp.int32), jnp.asarray(0, jnp.int32),
        )

    def cuts(self, s: jax.Array, shift: jax.Array) -> jax.Array:
        """The cut values tried this step, coarsest first."""
        base = self.atol if self.atol is not None else self.rcond * s[0]
        offsets = jnp.arange(self.window, -self.window - 1, -1) if self.cut == "search" else jnp.zeros(1)
        return base * 10.0 ** (shift + offsets.astype(s.dtype))

    def step(self, ls: LeastSquares, theta: jax.Array, state: AnagramState):
        r, J = ls.jacobian(theta)
        U, s, Vt = svd_factor(J)
        loss0 = 0.5 * jnp.dot(r, r)
        lam = state.mu * s[0] ** 2 if self.damping == "lm" else 0.0
        cuts = self.cuts(s, state.shift)
        filters = jax.vmap(lambda c: cut_filter(s, c, lam))(cuts)
        deltas = filtered_solve(U, s, Vt, r, filters)

        # Which cut: each with a short η ladder; if none lowers the loss, the coarsest.
        # (Measured alternatives, docs/solvers.md: the finest cut whose best η ≥ 1/4, or
        # with half the best decrease, did worse on heat.pde.)
        k = 0
        if len(cuts) > 1:
            scan = batched_losses(ls, theta, deltas, jnp.asarray(SCAN_ETAS, theta.dtype))
            best = jnp.argmin(jnp.min(scan, axis=1))
            k = jnp.where(jnp.min(scan) < loss0, best, 0)
        etas = jnp.append(2.0 ** -jnp.arange(self.line_search_depth + 1, dtype=theta.dtype), 0.0)
        losses = batched_losses(ls, theta, deltas[k][None], etas)[0]
        i = jnp.argmin(losses)
        eta, loss = etas[i], losses[i]

        # Levenberg-Marquardt: gain ratio of the full step (η = 1) of the chosen cut.
        mu = state.mu
        if self.damping == "lm":
            a = U.T @ r
            predicted = 0.5 * (jnp.sum(a * a) - jnp.sum(((1 - s * filters[k]) * a) ** 2))
            rho = (loss0 - losses[0]) / jnp.maximum(predicted, jnp.finfo(s.dtype).tiny)
            mu = jnp.where(rho > 0.75, mu / 4, jnp.where(rho < 0.25, mu * 4, mu))

        # Stall detector, then the schedule / relaxation back towards rcond.
        stalled = jnp.where(eta < STALL_ETA, state.stalled + 1, 0)
        act = (self.stall_steps > 0) & (stalled >= self.stall_steps)
        good = eta >= 0.5
        shift = jnp.where(good, jnp.maximum(state.shift - 1, 0), state.shift)
        shift = jnp.where(act, state.shift + STALL_JUMP, shift)
        mu = jnp.clip(jnp.where(act, mu * 100, mu), MU_MIN, MU_MAX)
        new_state = AnagramState(
            shift, mu, jnp.where(act, 0, stalled), state.actions + act.astype(jnp.int32)
        )

        info = step_info(loss, eta, s, cuts[k])
        info.update(
            rcond_used=cuts[k] / s[0], cut_shift=state.shift, stalled=stalled,
            stall_actions=new_state.actions,
        )
        if self.damping == "lm":
            info["mu"] = state.mu
        return theta - eta * deltas[k], new_state, info
