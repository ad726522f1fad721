"""How accurate is a run without an exact solution? An estimate from fresh points.

The residuals a run was trained on are small by construction; on points it never saw
they tell how well the equation holds between its points. From those fresh residuals
r̃ and their Jacobian Φ̃ (the same blocks and weights, a new point set), the
linearised view of the problem gives the correction they call for: the Gauss-Newton
step δ = Φ̃⁺ r̃, which moves the solution by δu(x) = ∇θu(x)·δ. Where the network can
represent its own error, δu is that error (to first order), so

    error_estimate[u] = ‖δu‖ / ‖u‖   on the evaluation points,

the relative L2 error's counterpart. It misses what the network cannot represent (its
tangent space at θ) and it is only as good as the linearisation, so it is an estimate
of the order of magnitude (docs/troubleshooting.md, "The error estimate").

The correction is the plain least-squares one, cut only where float64 rounding would
swamp it (CUT·ε·σ_max), not at the run's own filter: the run's cut, raised by its stall
detector, dropped the directions of the very error it left (on poisson2d_periodic the
estimate was 3e-4 of the truth), where the fine cut gives 0.64 to 1.05 times the truth on
every example whose error is the equation's (bench/recorded/accuracy.md).

The fresh points are a quadrature, not random: a grid finer than the run's by FINER
per axis (up to 3 dimensions; beyond, Sobol points, twice as many). Between its points
a converged run's residual oscillates at the spacing of its grid; that part integrates
to almost nothing in the solution, and a finer grid sees it so, where random points
alias it into the smooth directions of the tangent space: on poisson1d,
burgers_steady and biharmonic1d (true errors 3e-13 to 9e-12) uniform points
overestimated by 10 to 300 times, the finer grid is within 6 times.

A run that moved its points (`adapt`) put them where its residual is large: a front, a
shock, a corner. A grid misses a layer thinner than its spacing, and the correction its
few points on the layer call for is aliasing, not error (viscous Burgers after 216 steps
on 4400 moving points: the grid's estimate 0.17, the truth 9.0e-4). Its fresh points are
drawn as its own were, by the residual's density (`adapt.Resampler`), as many as the
finer grid has: 1.0e-3 (bench/recorded/accuracy.md has the runs).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from . import geometry
from .adapt import ADAPT_STEPS, Resampler
from .language.settings import SAMPLE
from .least_squares import flatten, least_squares
from .solvers import linalg
from .solvers.filter import Filter

# A run's points are too few for its solution when the residual on fresh points dwarfs the
# residual on its own (their ratio above TOO_FEW) while the estimated error is large (above
# WRONG): the network fits its points and not the equation between them.
# bench/recorded/residual-ratio.md: smooth examples at their floor keep the ratio small;
# it is large where the solution has a corner, a layer or a shock, and there only viscous
# Burgers's run is also wrong (a loss of 1e-11, a relative error of 0.26).
TOO_FEW = 100
WRONG = 1e-2
FRESH_SEED = 0x5EED  # the fresh points' seed, mixed with the run's
FINER = {1: 1.5, 2: 1.5, 3: 1.3}  # points per axis of the fresh grid, relative to the run's
CUT = 1e4  # the correction keeps σ > CUT·ε·σ_max: 2.2e-12 in float64, 1.2e-3 in float32


def fresh_points(solution) -> list[np.ndarray]:
    """A second point set for the same blocks: a finer grid (Sobol points beyond 3D), or
    as many points drawn by the residual's density if the run moved its points."""
    grid = finer_grid(solution.problem, solution.config, solution.compiled.blocks)
    resampler = Resampler.of(solution.problem, solution.compiled, solution.config)
    if resampler is None:
        return grid
    ls, theta = least_squares(solution.compiled, grid, solution.model)
    resampler.count = FRESH_SEED  # a draw of its own: a run resamples far fewer times
    drawn = resampler.resample(ls, theta, [jnp.asarray(p, theta.dtype) for p in grid])
    return [np.asarray(p) for p in drawn]


def finer_grid(problem, config, blocks) -> list[np.ndarray]:
    """A grid finer than the run's by FINER per axis (Sobol points beyond 3D)."""
    sample = dict(config.sample)
    d = len(problem.names)
    if d in FINER:
        m = max(2, round(sample["interior"] ** (1 / d)))
        sample.update(method="grid", interior=round(FINER[d] * m + 1) ** d,
                      boundary=round(sample["boundary"] * FINER[d] ** (d - 1)))
    else:
        sample.update(method="sobol", interior=2 * sample["interior"],
                      boundary=2 * sample["boundary"])
    return geometry.sample_blocks(problem, blocks, sample, config.seed + FRESH_SEED)


class Linearised(NamedTuple):
    """θ ↦ (r̃, finite, u(x), δu(x)) compiled for the fresh points, and their blocks' rows."""

    call: Callable
    rows: tuple[int, ...]


def linearisation(compiled, model, points, x, filt: Filter | None = None) -> Linearised:
    """The Jacobian on the fresh `points`, its factors, the correction δ and its effect
    δu on the evaluation points `x`, compiled as one call for θ of `model`'s shape."""
    ls, theta = least_squares(compiled, points, model)
    filt = filt or Filter("cut", CUT * float(jnp.finfo(theta.dtype).eps))
    x = jnp.asarray(x, theta.dtype)

    def linearised(theta):
        r, J = ls.jacobian(theta)
        finite = jnp.isfinite(r).all() & jnp.isfinite(J).all()
        a, s, Vt = _factor(jnp.where(finite, J, 0), r)
        delta = (filt.factors(s) * a) @ Vt
        values, change = jax.jvp(lambda t: jax.vmap(ls.to_model(t))(x), (theta,), (delta,))
        return r, finite, values, change

    return Linearised(jax.jit(linearised).lower(theta).compile(), ls.rows)


def ahead(problem, config, compiled, model, x) -> Future | None:
    """`linearisation` on the fresh grid, compiled in a second thread while the run trains:
    on an empty cache it compiles for seconds, and the step's own compile leaves the second
    core idle. None for a run that moves its points: its fresh points follow its residual."""
    if Resampler.of(problem, compiled, config) is not None:
        return None
    points = finer_grid(problem, config, compiled.blocks)
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(linearisation, compiled, model, points, x)
    pool.shutdown(wait=False)
    return future


def error_estimate(solution, filt: Filter | None = None, points=None) -> dict:
    """{'l2_relative': {unknown: estimate}, 'residual_rms': {block label: RMS residual},
    'residual_ratio': the fresh points' RMS residual over the run's own (`too_few_points`)}."""
    if points is None and filt is None and solution.linearised is not None:
        linearised = solution.linearised.result()
    else:
        points = fresh_points(solution) if points is None else points
        linearised = linearisation(solution.compiled, solution.model, points,
                                   solution.evaluation_points, filt)
    theta = jnp.asarray(np.asarray(flatten(solution.model)[0]))  # on the default device
    r, finite, values, change = (np.asarray(a) for a in linearised.call(theta))
    with np.errstate(over="ignore", invalid="ignore"):  # residuals too large to square: nan
        return _measured(solution, linearised.rows, r, finite, values, change)


def _measured(solution, rows, r, finite, values, change) -> dict:
    """`error_estimate`'s dictionary from the linearisation's outputs at θ."""
    if not finite:  # a diverged run's θ
        return {"l2_relative": {u: float("nan") for u in solution.unknowns},
                "residual_rms": {b.label: float("nan") for b in solution.compiled.blocks},
                "residual_ratio": float("nan")}
    norms = np.linalg.norm(values, axis=0)
    norms = np.where(norms > 0, norms, np.sqrt(len(values)))
    estimate = np.linalg.norm(change, axis=0) / norms
    offsets = np.cumsum([0, *rows])  # a mean condition's block is one row
    rms = {}
    for k, block in enumerate(solution.compiled.blocks):
        part = r[offsets[k]:offsets[k + 1]]  # scaled by 1/√N_b: ‖part‖ is the RMS
        rms[block.label] = float(np.linalg.norm(part))
    fresh, own = np.sqrt(sum(v * v for v in rms.values())), np.sqrt(2 * solution.loss)
    return {"l2_relative": {u: float(e) for u, e in zip(solution.unknowns, estimate)},
            "residual_rms": rms, "residual_ratio": float(fresh / own) if own > 0 else np.nan}


def _factor(J: jax.Array, r: jax.Array):
    """Uᵀr, σ, Vᵀ of Φ̃. The fresh points outnumber the parameters on most problems, and
    there the QR of [Φ̃ r] first (`linalg.project_tall`) is faster than the SVD of Φ̃."""
    N, P = J.shape
    return (linalg.project_tall(J, r) if N >= P else linalg.project(J, r))[:3]


def points_too_few(ratio: float, estimated: float) -> bool:
    """Fresh residuals over the run's own (`residual_ratio`) and the largest estimated
    error: are the points too few for the solution? (False for nan: a diverged run.)"""
    return bool(ratio > TOO_FEW and estimated > WRONG)


def may_be_too_few(solution) -> bool:
    """The cheap half of `points_too_few`, asked first: the ratio on the finer grid from
    the residuals alone (no Jacobian, no SVD). A run that moved its points is measured on
    points drawn as it drew its own, so it goes straight to the estimate."""
    if solution.config.sample.get("adapt") or not solution.loss > 0:
        return True
    grid = finer_grid(solution.problem, solution.config, solution.compiled.blocks)
    ls, theta = least_squares(solution.compiled, grid, solution.model)
    fresh = float(jnp.sqrt(2 * jax.jit(ls.loss)(theta)))
    return not fresh <= TOO_FEW * np.sqrt(2 * solution.loss)


def more_points(solution, factor: int) -> dict[str, int]:
    """The sample settings of a run given `factor` times the points, moved by the residual:
    interior (and, beyond 1D where the boundary is its two ends, boundary) times factor."""
    sample = solution.config.sample
    more = {"interior": factor * sample["interior"], "boundary": sample["boundary"]}
    if len(solution.problem.names) > 1:
        more["boundary"] *= factor
    return {**more, "adapt": sample.get("adapt") or ADAPT_STEPS}


def too_few_points(solution) -> str | None:
    """What to do when a run's points are too few for its solution (`points_too_few`):
    more of them, moved to where the residual is large; None otherwise."""
    ratio = solution.estimate.get("residual_ratio", np.nan)
    estimated = max(solution.error_estimate.values(), default=np.nan)
    if not points_too_few(ratio, estimated):
        return None
    more = more_points(solution, SAMPLE["refine"].default)
    boundary = f", boundary = {more['boundary']}" if len(solution.problem.names) > 1 else ""
    return (f"the estimated error is {estimated:.2g} where the loss is {solution.loss:.2g}: the "
            f"residual between the points is {ratio:.2g} times the residual on them, so the "
            f"points are too few for this solution (a shock, a layer or a corner?); more points, "
            f"moved to where the residual is large, help: sample interior = "
            f"{more['interior']}{boundary}, adapt = {more['adapt']}")
