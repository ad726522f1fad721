"""ANaGRAM (Schwencke & Furtlehner, ICLR 2025): a natural gradient with no Gram matrix.

One step: r and Φ̂ at θ; thin SVD Φ̂ = U Σ Vᵀ; δ = V f(Σ) Uᵀ r with the step's filter f
(`filter.py`: the cut pseudo-inverse δ = Φ̂⁺ r, the minimum-norm least-squares solution of
Φ̂ δ = r, or a damped one); the path's higher-order coefficients (`path.py`); then
θ ← θ - Σ_j ηʲ/j! c_j with the η of least loss (`line_search.py`). For a nonlinear
operator Φ̂ is the Jacobian of the nonlinear residual: the same step is Gauss-Newton.

Strategies, because from some starts a fixed cut stalls (the line search choosing
η ≈ 1e-7 for hundreds of steps) and which cut stalls depends on the problem, the width
and the seed (measurements in docs/solvers.md):

- `cut="search"` tries cuts rcond·10^k, |k| ≤ window, each step. One SVD serves them all,
  so a candidate costs a few loss evaluations. Every cut is tried with a short η ladder,
  then the finest cut with at least half the best decrease gets the full ladder. No
  search goes more than FINEST_SHIFT decades below rcond (a cut that fine is no damping
  at all, and a network can saturate there).
- `cut="schedule"` starts `schedule` decades coarser than rcond and refines by a decade
  after every step that takes η ≥ 1/4.
- `damping`: `lm` (Levenberg-Marquardt, λ = μ σ_max², μ adapted by the gain ratio of the
  full step), `tikhonov` (no hard cut: late in a run the residual left lies along σ near
  the cut, where a hard cut keeps or drops a direction whole), `auto` (Tikhonov for a
  coarse relative cut, rcond ≥ SOFT_RCOND, where the hard cut limits accuracy; the hard
  cut otherwise, which starts faster).
- `order` > 1 bends the path (path.py): each order cancels the next power of η in r along
  it, so the step follows a curved valley where the straight one leaves it.
- Tikhonov damping refined while it crawls: CRAWL_STEPS full steps (η = 1) in a row that
  lower the loss by less than CRAWL_DECREASE are held back by the damping, not by the
  curvature (the undamped full step would take most of the loss away), so the cut moves
  a decade finer, at most FINEST_SHIFT decades below rcond (heat.pde: 3.2e-7 after 500
  steps at a fixed damping, 9.1e-8 refined). The hard cut is left as it is.
- The stall detector (`stall_steps` > 0): after that many consecutive steps with
  η < STALL_ETA, that step searches the cut as `cut="search"` does and keeps the cut it
  finds (coarser from a bad start, finer when the cut holds the loss up); μ grows
  100-fold. Steps with η ≥ RELAX_ETA bring a coarsened cut back a decade at a time. The
  search and the path at the cut it finds are a second pass of a `lax.while_loop`:
  steps that do not stall do not pay for them, and the path is compiled once.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp

from ..language.settings import SOLVERS
from ..least_squares import LeastSquares
from . import filter as filters
from . import linalg, routes
from .line_search import advance, batched_losses, ladder
from .path import path_coefficients

STALL_ETA = 2.0**-4  # a step with η below this is a stalled step (a crawl counts)
PICK_FRACTION = 0.5  # the search keeps the finest cut with this share of the best decrease
FINEST_SHIFT = 2  # the search never moves the cut more than this many decades below rcond
RELAX_ETA = 0.25  # a step with η at least this brings a coarsened cut a decade back
SCAN_ETAS = (1.0, 0.5, 0.25, 2.0**-4, 2.0**-6, 2.0**-8, 2.0**-10)  # first pass of the cut search
CRAWL_STEPS = 3  # full steps in a row that crawl before Tikhonov damping is refined
CRAWL_DECREASE = 0.5  # a full step that lowers the loss by less than this share crawls
MU_START, MU_MIN, MU_MAX = 1e-4, 1e-30, 1e2  # LM: λ = μ σ_max²
# damping="auto": a cut this coarse or coarser is Tikhonov damping, a finer one hard (heat.pde
# at rcond 1e-6, five seeds: hard cut 2e-6 to 1.4e-5, Tikhonov 4.3e-7 to 9.6e-7).
SOFT_RCOND = 1e-7

_DEFAULTS = {name: option.default for name, option in SOLVERS["anagram"].items()}


class Factored(NamedTuple):
    """What a step keeps of the SVD Φ̂ = U Σ Vᵀ: a = Uᵀr, σ (descending), Vᵀ, v ↦ Uᵀv."""

    a: jax.Array
    s: jax.Array
    Vt: jax.Array
    left: Callable[[jax.Array], jax.Array]


class Candidate(NamedTuple):
    """One cut's step: its shift (decades from the base cut), filter, path coefficients,
    the η of least loss, that loss, and the loss at η = 1 (for the LM gain ratio)."""

    shift: jax.Array
    f: jax.Array
    coeffs: jax.Array
    eta: jax.Array
    loss: jax.Array
    loss_full: jax.Array


class _Cuts:
    """The step's candidates at one θ: a path at any cut, or the searched cut."""

    def __init__(self, solver: Anagram, ls: LeastSquares, theta, factored: Factored, loss0, lam):
        self.solver, self.ls, self.theta, self.fac, self.lam = solver, ls, theta, factored, lam
        self.loss0 = loss0
        s = factored.s
        self.base = solver.atol if solver.atol is not None else solver.rcond * s[0]
        self.etas = ladder(solver.line_search_depth, theta.dtype, with_zero=True)

    def filter(self, shift) -> jax.Array:
        return filters.factors(self.fac.s, self.base * 10.0**shift, self.solver.kind, self.lam)

    def path(self, shift) -> Candidate:
        """The path at the cut base·10^shift and the η of least loss along it."""
        a, _, Vt, left = self.fac
        f = self.filter(shift)
        delta = filters.apply(f[None], a, Vt)[0]
        solve = lambda v: filters.apply(f[None], left(v), Vt)[0]  # noqa: E731
        coeffs = path_coefficients(self.ls, self.theta, delta, solve, self.solver.order)
        losses = batched_losses(self.ls, self.theta, coeffs[None], self.etas)[0]
        i = jnp.argmin(losses)
        return Candidate(shift, f, coeffs, self.etas[i], losses[i], losses[0])

    def search(self, shift) -> jax.Array:
        """The searched shift: every cut base·10^(shift+k), |k| ≤ window, on a short η ladder
        of straight steps; the finest with at least PICK_FRACTION of the best decrease
        (least loss alone is greedy: it picks coarse cuts that crawl later). If none lowers
        the loss, the coarsest; never more than FINEST_SHIFT decades below rcond."""
        a, s, Vt, _ = self.fac
        window = self.solver.window
        offsets = jnp.arange(window, -window - 1, -1).astype(s.dtype)
        f = jax.vmap(lambda o: self.filter(shift + o))(offsets)
        scan = batched_losses(self.ls, self.theta, filters.apply(f, a, Vt)[:, None],
                              jnp.asarray(SCAN_ETAS, self.theta.dtype))
        decrease = self.loss0 - jnp.min(scan, axis=1)  # per cut, coarsest first
        good = decrease >= PICK_FRACTION * jnp.max(decrease)
        finest = len(offsets) - 1 - jnp.argmax(good[::-1])
        k = jnp.where(jnp.max(decrease) > 0, finest, 0)
        return jnp.maximum(shift + offsets[k], -FINEST_SHIFT)

    def searched(self, shift) -> Candidate:
        """The path at the searched cut."""
        return self.path(self.search(shift))


class AnagramState(eqx.Module):
    """What the strategies carry from step to step (arrays only: it lives in the jit)."""

    shift: jax.Array  # decades the cut is moved coarser (schedule, stall detector)
    mu: jax.Array  # LM damping: λ = μ σ_max²
    stalled: jax.Array  # consecutive steps with η < STALL_ETA
    actions: jax.Array  # times the stall detector acted
    crawled: jax.Array  # consecutive full steps (η = 1) that crawl under Tikhonov damping
    dense: jax.Array  # the `sketch` route takes the full SVD (routes.py)
    basis: jax.Array  # the `sketch` route starts from it: P × width, zeros at first (else 0)


class Anagram(eqx.Module):
    """The ANaGRAM step and its strategies (module docstring, docs/solvers.md).

    `rcond`: relative cut (with `cut="search"` the middle of the decades searched);
    `atol`: absolute cut (wins over rcond if given). The defaults are the settings'
    (`pdedsl.language.settings.SOLVERS["anagram"]`): `Anagram()` is the solver a run gets.
    """

    rcond: float = _DEFAULTS["rcond"]
    atol: float | None = _DEFAULTS["atol"]
    cut: str = _DEFAULTS["cut"]  # fixed | search | schedule
    damping: str = _DEFAULTS["damping"]  # none | lm | tikhonov | auto
    order: int = _DEFAULTS["order"]  # of the path in η: 1 the straight step, 2 geodesic, ...
    stall_steps: int = _DEFAULTS["stall_steps"]  # 0 turns the stall detector off
    window: int = 4  # cut="search": decades tried on each side of rcond
    schedule: int = 6  # cut="schedule": decades coarser than rcond at the start
    line_search_depth: int = 30
    linalg: str = _DEFAULTS["linalg"]  # the factorisation's route (routes.py, docs/scale.md)
    rank: int = _DEFAULTS["rank"]  # randomized: rank sought; krylov: bidiagonalisation steps
    power: int = _DEFAULTS["power"]  # randomized: subspace iterations
    chunk: int = _DEFAULTS["chunk"]  # > 0: Φ̂ built and reduced this many rows at a time
    devices: int = _DEFAULTS["devices"]  # the points and rows of Φ̂ spread over these

    @property
    def kind(self) -> str:
        """The filter this solver's settings give (`filter.KINDS`)."""
        if self.damping == "lm":
            return "lm"
        soft = self.damping == "tikhonov" or (
            self.damping == "auto" and self.atol is None and self.rcond >= SOFT_RCOND)
        return "tikhonov" if soft else "cut"

    def init(self, ls: LeastSquares, theta: jax.Array) -> AnagramState:
        shift = self.schedule if self.cut == "schedule" else 0
        dtype = theta.dtype
        zero = jnp.asarray(0, jnp.int32)
        P = theta.shape[0]
        sketched = routes.choose(self.linalg, self.chunk, self.devices, ls.size, P) == "sketch"
        basis = jnp.zeros((P, linalg.sketch_width(ls.size, P)) if sketched else (0,), dtype)
        return AnagramState(jnp.asarray(shift, dtype), jnp.asarray(MU_START, dtype), zero, zero, zero,
                            jnp.asarray(False), basis)

    def step(self, ls: LeastSquares, theta: jax.Array, state: AnagramState):
        ls, r, factored, route, (dense, basis) = routes.factor(self, ls, theta, state.dense,
                                                               state.basis)
        fac = Factored(*factored)
        loss0 = 0.5 * jnp.dot(r, r)
        lam = state.mu * fac.s[0] ** 2 if self.damping == "lm" else 0.0
        cuts = _Cuts(self, ls, theta, fac, loss0, lam)
        if self.stall_steps > 0 and self.cut != "search":
            chosen, stalled, act = self._detect_stall(cuts, state)
        else:
            chosen = cuts.searched(state.shift) if self.cut == "search" else cuts.path(state.shift)
            stalled = jnp.where(chosen.eta < STALL_ETA, state.stalled + 1, 0)
            act = jnp.asarray(False)

        # A good step (η ≥ RELAX_ETA) brings a coarsened cut a decade back towards rcond;
        # a finer cut found by a search stays.
        shift = state.shift if self.cut == "search" else chosen.shift
        shift = jnp.where((chosen.eta >= RELAX_ETA) & (shift > 0), jnp.maximum(shift - 1, 0), shift)
        shift, crawled = self._refine_damping(shift, chosen, loss0, state.crawled)
        mu = self._adapt_mu(fac, chosen, loss0, state.mu, act)
        new_state = AnagramState(shift, mu, jnp.where(act, 0, stalled),
                                 state.actions + act.astype(jnp.int32), crawled, dense, basis)
        cut = cuts.base * 10.0**chosen.shift
        info = step_info(chosen.loss, chosen.eta, fac.s, cut)
        info.update(rcond_used=cut / fac.s[0], cut_shift=chosen.shift, stalled=stalled,
                    stall_actions=new_state.actions, route=route)
        if self.damping == "lm":
            info["mu"] = state.mu
        return advance(theta, chosen.coeffs, chosen.eta), new_state, info

    def _detect_stall(self, cuts: _Cuts, state: AnagramState):
        """The stall detector: after stall_steps steps with η < STALL_ETA, search the cut
        this very step and keep the cut it finds, coarser (a bad start) or finer (a cut
        too coarse to go on). The path at the step's cut and, if it stalls, at the
        searched cut are two passes of one loop: the path is traced and compiled once,
        and steps that do not stall make one pass. (candidate, stalled count, acted)."""
        def stalls(candidate):
            return (candidate.eta < STALL_ETA) & (state.stalled + 1 >= self.stall_steps)

        def again(carry):
            passes, candidate = carry
            return (passes == 0) | ((passes == 1) & stalls(candidate))

        def path(carry):
            passes, candidate = carry
            shift = jax.lax.cond(passes > 0, cuts.search, lambda s: s, candidate.shift)
            return passes + 1, cuts.path(shift)

        theta, s = cuts.theta, cuts.fac.s
        zero = jnp.zeros((), theta.dtype)
        start = Candidate(state.shift, jnp.zeros_like(s), jnp.zeros((self.order, theta.shape[0]),
                          theta.dtype), zero, zero, zero)
        passes, chosen = jax.lax.while_loop(again, path, (jnp.asarray(0, jnp.int32), start))
        act = passes == 2
        stalled = jnp.where(act | (chosen.eta < STALL_ETA), state.stalled + 1, 0)
        return chosen, stalled, act

    def _refine_damping(self, shift, chosen: Candidate, loss0, crawled):
        """Tikhonov damping a decade finer after CRAWL_STEPS crawling full steps."""
        if self.kind != "tikhonov" or self.cut == "search":
            return shift, crawled
        crawls = (chosen.eta == 1) & (chosen.loss > (1 - CRAWL_DECREASE) * loss0)
        crawled = jnp.where(crawls, crawled + 1, 0)
        refine = (crawled >= CRAWL_STEPS) & (shift > -FINEST_SHIFT)
        return jnp.where(refine, shift - 1, shift), jnp.where(refine, 0, crawled)

    def _adapt_mu(self, fac: Factored, chosen: Candidate, loss0, mu, act):
        """Levenberg-Marquardt: μ from the gain ratio of the full step (η = 1)."""
        if self.damping != "lm":
            return mu
        a, s = fac.a, fac.s
        predicted = 0.5 * (jnp.sum(a * a) - jnp.sum(((1 - s * chosen.f) * a) ** 2))
        rho = (loss0 - chosen.loss_full) / jnp.maximum(predicted, jnp.finfo(s.dtype).tiny)
        mu = jnp.where(rho > 0.75, mu / 4, jnp.where(rho < 0.25, mu * 4, mu))
        return jnp.clip(jnp.where(act, mu * 100, mu), MU_MIN, MU_MAX)

    def filter_of(self, info: dict) -> filters.Filter:
        return filters.Filter(self.kind, float(info["rcond_used"]), float(info.get("mu", 0.0)))


def step_info(loss, eta, s, cut) -> dict:
    """The history columns every natural-gradient step reports."""
    kept = s > cut
    return {
        "spectrum": (s, cut),  # recorded every few steps by the training loop
        "loss": loss,
        "eta": eta,
        "rank": jnp.sum(kept),
        "sigma_max": s[0],
        "sigma_min_kept": jnp.min(jnp.where(kept, s, jnp.inf)),
    }
