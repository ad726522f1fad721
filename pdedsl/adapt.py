"""Adaptive collocation: the points moved to where the residual is large.

A network with more parameters than points can make the residual vanish at every point
while the equation fails between them (a shock in the wrong place, a corner left
unresolved). Residual-based adaptive distribution (RAD, Wu et al., "A comprehensive
study of non-adaptive and residual-based adaptive sampling for physics-informed neural
networks", CMAME 2023): every `adapt` steps each block's points are drawn anew, as many
as it had, from CANDIDATES times as many uniform candidates of the same block (inside,
on its part of the boundary, on the initial slice; boxes and regions alike), with
probability

    p(x) ∝ |r(x)|^POWER / mean(|r|^POWER) + FLOOR,

so half the points (FLOOR = 1) still cover the domain and half follow the residual.
Blocks with points of their own (data, point and mean conditions) keep them. Counts
do not change, so neither do the weights nor the compiled step, which takes the points
as an argument (`least_squares.with_points`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from . import geometry
from .least_squares import LeastSquares, with_points

CANDIDATES = 8  # candidates drawn per point kept
ADAPT_STEPS = 25  # steps between draws where a run moves its points without being told
POWER, FLOOR = 1.0, 1.0  # RAD's k and c: Wu et al.'s robust choice
ADAPT_SEED = 0xADA97


@dataclass
class Resampler:
    """Draws the next points of a run (`every` steps apart); `count` resamples so far."""

    problem: object
    blocks: tuple
    sample: dict
    seed: int
    every: int
    count: int = 0
    _compiled: dict = field(default_factory=dict, repr=False)  # per (use, id(ls))

    @classmethod
    def of(cls, problem, compiled, config) -> Resampler | None:
        """The run's resampler, or None when its `adapt` setting is 0."""
        every = int(config.sample.get("adapt", 0))
        if every <= 0:
            return None
        return cls(problem, tuple(compiled.blocks), dict(config.sample), config.seed, every)

    @property
    def moving(self) -> list[int]:
        """The blocks whose points move (those without points of their own)."""
        return [k for k, b in enumerate(self.blocks)
                if b.points is None and b.at is None and not b.reduces]

    def due(self, steps_done: int) -> bool:
        return steps_done > 0 and steps_done % self.every == 0

    def candidates_of(self, count: int) -> list[np.ndarray]:
        """The candidates of resample number `count`: CANDIDATES times the run's counts of
        uniform points, for every block."""
        sample = {**self.sample, "method": "uniform",
                  "interior": CANDIDATES * self.sample["interior"],
                  "boundary": CANDIDATES * self.sample["boundary"]}
        seed = (self.seed + ADAPT_SEED) * 7919 + count
        return geometry.sample_blocks(self.problem, self.blocks, sample, seed)

    def resample(self, ls: LeastSquares, theta: jax.Array,
                 points: list[jax.Array]) -> list[jax.Array]:
        """The next points: for each moving block, as many as now, drawn by RAD's density."""
        self.count += 1
        moving = self.moving
        candidates = self.candidates_of(self.count)
        pools = [jnp.asarray(candidates[k], theta.dtype) for k in moving]
        residuals = self._residuals(ls)(theta, pools)
        rng = np.random.default_rng([self.seed, ADAPT_SEED, self.count])
        out = list(points)
        for k, pool, r in zip(moving, pools, residuals):
            n = points[k].shape[0]
            chosen = rng.choice(len(pool), n, replace=len(pool) < n, p=density(np.asarray(r)))
            out[k] = pool[np.sort(chosen)]
        return out

    def loss(self, ls: LeastSquares, theta: jax.Array, points: list[jax.Array]) -> float:
        """½‖r‖² on `points`: the stop rules go on from it after a resample."""
        loss = self._jitted("loss", ls, lambda theta, points: with_points(ls, points).loss(theta))
        return float(loss(theta, tuple(points)))

    def _residuals(self, ls: LeastSquares):
        """θ, candidates -> |r| of each moving block there."""
        blocks = [ls.blocks[k] for k in self.moving]
        return self._jitted("residuals", ls, lambda theta, pools: [
            jnp.abs(jax.vmap(b.residual, (None, 0))(theta, x)) for b, x in zip(blocks, pools)])

    def _jitted(self, use: str, ls: LeastSquares, function):
        """`function` jitted the first time it is asked for, per use and problem."""
        return self._compiled.setdefault((use, id(ls)), jax.jit(function))


def density(r: np.ndarray) -> np.ndarray:
    """RAD's sampling probabilities from residual sizes |r| (uniform if they are not finite
    or all zero)."""
    weight = np.abs(r) ** POWER
    mean = weight.mean() if weight.size else 0.0
    if not np.isfinite(weight).all() or mean <= 0:
        return np.full(len(r), 1 / len(r))
    p = weight / mean + FLOOR
    return p / p.sum()
