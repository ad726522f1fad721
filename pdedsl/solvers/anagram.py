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
  short η ladder, then the finest cut that makes at least half the best decrease gets
  the full η ladder. No search goes more than FINEST_SHIFT decades below rcond: a cut
  15 decades finer is no damping at all, and heat2d's network saturated there.
- `cut="schedule"` starts `schedule` decades coarser than rcond and refines by a decade
  after every step that takes η ≥ 1/4 (coarse to fine).
- `damping="lm"` replaces 1/σ by σ/(σ² + λ), λ = μ σ_max², μ adapted by the gain ratio
  (actual over predicted loss decrease at η = 1); with any cut.
- `damping="tikhonov"` replaces the hard cut c by σ/(σ² + c²) for every σ: late in a
  run the residual left lies along σ near the cut, where a hard cut keeps or drops a
  direction whole; the soft filter ends more accurate and starts slower. `"auto"` (the
  default users get) is tikhonov for a coarse relative cut (rcond ≥ SOFT_RCOND), where
  the hard cut is what limits accuracy, and the hard cut otherwise.
- `order` > 1 (3 in REGISTRY's defaults) bends the path: θ - Σ_k ηᵏ/k! c_k with c_1 = δ
  and c_k = Φ̂⁺ (k-th derivative of r along the path so far), each by k nested
  forward passes and a solve with the same filter. Order 2 is geodesic acceleration
  (c_2 = Φ̂⁺ r''[δ, δ]; Transtrum, Machta & Sethna, Phys. Rev. E 83, 036701, 2011). Each
  order cancels the next power of η in r along the path, so the step follows a curved
  valley where the straight one leaves it: on the paper's Laplace net order 3 ends at a
  median of 1.5e-8 over 60 seeds, the straight step at 3.7e-7 (docs/solvers.md). Longer
  paths end more accurate there (order 5: 5.6e-9) but reach 1e-5 no sooner.
- The stall detector (`stall_steps` > 0): after that many consecutive steps with
  η < 1/16 (a crawl as much as a standstill), that step searches the cut as
  `cut="search"` does and keeps the cut it finds (coarser from a bad start, finer when
  the cut is what holds the loss up); μ grows 100-fold. Steps with η ≥ 1/4 bring a
  coarsened cut back towards rcond a decade at a time. The search runs under
  `lax.cond`, so steps that do not stall do not pay for it; the detector's state lives
  in the solver state and its actions are history columns.
"""

from __future__ import annotations

import math

import equinox as eqx
import jax
import jax.numpy as jnp

from ..least_squares import LeastSquares
from . import linalg

STALL_ETA = 2.0**-4  # a step with η below this is a stalled step (a crawl counts)
PICK_FRACTION = 0.5  # the search keeps the finest cut with this share of the best decrease
FINEST_SHIFT = 2  # the search never moves the cut more than this many decades below rcond
RELAX_ETA = 0.25  # a step with η at least this brings a coarsened cut a decade back
SCAN_ETAS = (1.0, 0.5, 0.25, 2.0**-4, 2.0**-6, 2.0**-8, 2.0**-10)  # first pass of the cut search
MU_START, MU_MIN, MU_MAX = 1e-4, 1e-30, 1e2  # LM: λ = μ σ_max²
# damping="auto": a cut this coarse or coarser is Tikhonov damping, a finer one hard. A
# hard coarse cut is a floor on accuracy (heat.pde at rcond 1e-6: 2e-6 to 1.4e-5 over
# five seeds; Tikhonov: 4.3e-7 to 9.6e-7); at fine cuts the hard cut starts faster.
SOFT_RCOND = 1e-7


def svd_factor(J: jax.Array, r: jax.Array):
    """(Uᵀr, σ descending, Vᵀ) of the thin SVD Φ̂ = U Σ Vᵀ: the one factorisation every
    cut shares. `linalg.project` chooses how (QR first when Φ̂ is tall; bench/step_cost.py).
    """
    return linalg.project(J, r)[:3]


def filtered_solve(a, Vt, filters):
    """δ = V diag(f) Uᵀr for each row f of `filters` (K × m), a = Uᵀr: K updates, one SVD."""
    return (filters * a) @ Vt


def cut_filter(s, cut, lam=0.0, soft=False):
    """σ/(σ² + λ) for σ above the cut, 0 below; λ = 0 gives the truncated 1/σ.

    `soft`: σ/(σ² + cut²) for every σ, Tikhonov damping at the cut's scale: ≈ 1/σ well
    above the cut, ≈ σ/cut² well below, and no edge where a direction is dropped whole.
    """
    if soft:
        return s / (s * s + cut * cut)
    kept = s > cut
    return jnp.where(kept, s / jnp.where(kept, s * s + lam, 1), 0)


def cut_svd_solve(J: jax.Array, r: jax.Array, rcond: float, atol: float | None):
    """δ = Φ̂⁺ r with singular values at or below the cut treated as zero.

    Returns δ, the singular values σ (descending) and the cut value.
    """
    a, s, Vt = svd_factor(J, r)
    cut = atol if atol is not None else rcond * s[0]
    return filtered_solve(a, Vt, cut_filter(s, cut)[None])[0], s, cut


def line_search(ls: LeastSquares, theta: jax.Array, delta: jax.Array, etas: jax.Array):
    """The η of least loss among `etas`, and that loss."""
    losses = batched_losses(ls, theta, delta[None, None], etas)[0]
    best = jnp.argmin(losses)
    return etas[best], losses[best]


def batched_losses(ls: LeastSquares, theta, paths, etas):
    """L(θ - p_k(η)) for every path p_k (rows of `paths`, K × order × P: p(η) = Σ_j
    ηʲ/j! c_j, so K × 1 × P are straight updates) and every η: a K × J array, inf if not finite."""
    weights = taylor_weights(etas, paths.shape[1])
    steps = sum(weights[None, :, j, None] * paths[:, None, j] for j in range(paths.shape[1]))
    losses = jax.vmap(lambda step: ls.loss(theta - step))(steps.reshape(-1, theta.shape[0]))
    losses = jnp.where(jnp.isfinite(losses), losses, jnp.inf)
    return losses.reshape(paths.shape[0], etas.shape[0])


def taylor_weights(etas: jax.Array, order: int) -> jax.Array:
    """ηʲ/j! for j = 1..order: the weights of a path's coefficients (J × order)."""
    return jnp.stack([etas**j / math.factorial(j) for j in range(1, order + 1)], axis=1)


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


def path_coefficients(ls: LeastSquares, theta, delta, solve, order: int) -> jax.Array:
    """c_1 = δ and c_k = Φ̂⁺ dᵏ/dtᵏ r(θ - Σ_{j<k} tʲ/j! c_j) at t = 0 (k = 2..order, the
    same cut solve): along θ - Σ_j ηʲ/j! c_j the residuals fall as (1 - η) r + O(η^(order+1))
    in the range of Φ̂. Order 2 is geodesic acceleration (Transtrum, Machta & Sethna,
    Phys. Rev. E 83, 036701, 2011)."""
    coeffs = delta[None]
    for k in range(2, order + 1):
        coeffs = jnp.concatenate([coeffs, solve(path_derivative(ls, theta, coeffs, k))[None]])
    return coeffs


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
    damping: str = "none"  # none | lm | tikhonov | auto (tikhonov when rcond ≥ SOFT_RCOND)
    window: int = 4  # cut="search": decades tried on each side of rcond
    schedule: int = 6  # cut="schedule": decades coarser than rcond at the start
    stall_steps: int = 0  # 0 turns the stall detector off
    order: int = 1  # of the path in η: 1 the straight step, 2 geodesic acceleration, 3 ...
    line_search_depth: int = 30

    def init(self, ls: LeastSquares, theta: jax.Array) -> AnagramState:
        shift = self.schedule if self.cut == "schedule" else 0
        dtype = theta.dtype
        return AnagramState(
            jnp.asarray(shift, dtype), jnp.asarray(MU_START, dtype),
            jnp.asarray(0, jnp.int32), jnp.asarray(0, jnp.int32),
        )

    def step(self, ls: LeastSquares, theta: jax.Array, state: AnagramState):
        r, J = ls.jacobian(theta)
        a, s, Vt, left = linalg.project(J, r)
        loss0 = 0.5 * jnp.dot(r, r)
        lam = state.mu * s[0] ** 2 if self.damping == "lm" else 0.0
        soft = self.damping == "tikhonov" or (
            self.damping == "auto" and self.atol is None and self.rcond >= SOFT_RCOND)
        base = self.atol if self.atol is not None else self.rcond * s[0]
        etas = jnp.append(2.0 ** -jnp.arange(self.line_search_depth + 1, dtype=theta.dtype), 0.0)

        def cut_step(shift):
            """The path at the cut base·10^shift (its coefficients: δ, then the higher
            orders, each solved with the same filter), the η of least loss along it, that
            loss and the loss at η = 1."""
            filt = cut_filter(s, base * 10.0**shift, lam, soft)
            delta = filtered_solve(a, Vt, filt[None])[0]
            solve = lambda v: filtered_solve(left(v), Vt, filt[None])[0]
            coeffs = path_coefficients(ls, theta, delta, solve, self.order)
            losses = batched_losses(ls, theta, coeffs[None], etas)[0]
            i = jnp.argmin(losses)
            return shift, filt, coeffs, etas[i], losses[i], losses[0]

        def searched_step(shift):
            """Every cut base·10^(shift+k), |k| ≤ window, with a short η ladder (one SVD
            serves them all); the finest cut with at least PICK_FRACTION of the best
            decrease gets the full ladder (least loss alone is greedy: it picks coarse cuts
            that crawl later; docs/solvers.md). If none lowers the loss, the coarsest."""
            offsets = jnp.arange(self.window, -self.window - 1, -1).astype(s.dtype)
            filters = jax.vmap(lambda o: cut_filter(s, base * 10.0 ** (shift + o), lam, soft))(offsets)
            scan = batched_losses(ls, theta, filtered_solve(a, Vt, filters)[:, None],
                                  jnp.asarray(SCAN_ETAS, theta.dtype))
            decrease = loss0 - jnp.min(scan, axis=1)  # per cut, coarsest first
            good = decrease >= PICK_FRACTION * jnp.max(decrease)
            finest = len(offsets) - 1 - jnp.argmax(good[::-1])
            k = jnp.where(jnp.max(decrease) > 0, finest, 0)
            return cut_step(jnp.maximum(shift + offsets[k], -FINEST_SHIFT))

        if self.cut == "search":
            shift, filt, coeffs, eta, loss, loss1 = searched_step(state.shift)
        else:
            shift, filt, coeffs, eta, loss, loss1 = cut_step(state.shift)

        # Stall detector: after stall_steps steps with η < STALL_ETA, search the cut this
        # very step (lax.cond: the search costs nothing on the other steps) and keep the
        # cut it finds, coarser (a bad start) or finer (a cut too coarse to go on).
        stalled = jnp.where(eta < STALL_ETA, state.stalled + 1, 0)
        detector = self.stall_steps > 0 and self.cut != "search"
        act = (stalled >= self.stall_steps) & detector
        if detector:
            shift, filt, coeffs, eta, loss, loss1 = jax.lax.cond(
                act, searched_step, lambda _: (shift, filt, coeffs, eta, loss, loss1), shift)

        # Levenberg-Marquardt: gain ratio of the full step (η = 1) of the cut taken.
        mu = state.mu
        if self.damping == "lm":
            predicted = 0.5 * (jnp.sum(a * a) - jnp.sum(((1 - s * filt) * a) ** 2))
            rho = (loss0 - loss1) / jnp.maximum(predicted, jnp.finfo(s.dtype).tiny)
            mu = jnp.where(rho > 0.75, mu / 4, jnp.where(rho < 0.25, mu * 4, mu))
            mu = jnp.clip(jnp.where(act, mu * 100, mu), MU_MIN, MU_MAX)

        # A good step (η ≥ 1/4) brings a coarsened cut a decade back towards rcond
        # (the schedule's coarse-to-fine refinement); a finer cut found by a search stays.
        used = shift
        if self.cut == "search":
            shift = state.shift
        shift = jnp.where((eta >= RELAX_ETA) & (shift > 0), jnp.maximum(shift - 1, 0), shift)
        new_state = AnagramState(
            shift, mu, jnp.where(act, 0, stalled), state.actions + act.astype(jnp.int32)
        )

        cut = base * 10.0**used
        info = step_info(loss, eta, s, cut)
        info.update(
            rcond_used=cut / s[0], cut_shift=used, stalled=stalled,
            stall_actions=new_state.actions,
        )
        if self.damping == "lm":
            info["mu"] = state.mu
        for weight, c in zip(taylor_weights(eta[None], self.order)[0], coeffs):
            theta = theta - weight * c
        return theta, new_state, info
