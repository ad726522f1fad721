"""Collocation points of a region: exactly n inside it, or exactly n on parts of its boundary.

Methods, as for boxes:
- `uniform`: independent uniform points (rejection from the bounding box inside;
  by length/area on the boundary);
- `sobol`: a scrambled Sobol sequence (seeded from `rng`), the first n of its points
  that fall in the region (on the boundary: in each piece);
- `grid`: inside, a grid of square cells' centres on the bounding box, kept where
  inside; the cell size shrinks (or grows) by 1% steps to the largest grid with at
  least n points inside, of which n evenly spread ones are kept (the k-th kept is
  number floor((k + 1/2) N / n) of the N inside, in row-major order). On the
  boundary: equally spaced cell centres along each curve; on surfaces (and a curve
  times a time interval) a Fibonacci lattice (Roberts' R-sequence), which gives any
  count exactly. Grid points never fall on corners.

Boundary points are shared out over the selected pieces by length (area), largest
remainder first, so counts are exact and proportional within rounding.

Time: `time=(t0, t1)` multiplies the region by the interval (the product's points
are sampled as one set; the time axis of a grid is scaled to the region's mean
width); `time=t0` gives the slice at t0 (initial conditions). The time column goes
at `time_axis` (default: last); normals get 0 there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .boundary import Piece, boundary
from .geometry import METHODS
from .selection import Selector, select
from .shapes import Shape

Time = float | tuple[float, float] | None


@dataclass(frozen=True)
class BoundarySample:
    """Points on the boundary, the region's outward unit normals there, and their pieces.

    `piece[i]` indexes `pieces` (the region's whole boundary, `boundary(region).pieces`).
    """

    points: np.ndarray
    normals: np.ndarray
    piece: np.ndarray
    pieces: tuple[Piece, ...]


def interior_points(region: Shape, n: int, method: str, rng: np.random.Generator, *,
                    time: Time = None, time_axis: int | None = None) -> np.ndarray:
    """Exactly `n` points strictly inside the region (times the time interval)."""
    _check_method(method)
    d = region.dimension
    box = region.bounds()
    span, fixed = _time(time)
    volume = region.volume()
    weights = np.ones(d)
    if span is not None:
        width = float(np.mean(box[:, 1] - box[:, 0]))
        box = np.vstack([box, span])
        weights = np.append(weights, (span[1] - span[0]) / width)
        volume *= width  # the product's volume in the grid's scaled units
    lower, extent = box[:, 0], box[:, 1] - box[:, 0]
    fraction = region.volume() / float(np.prod(extent[:d]))

    def inside(x):
        return region.sdf(x[:, :d]) < 0

    if method == "grid":
        x = _masked_grid(box, inside, n, weights, volume)
    else:
        x = lower + extent * _unit_points(n, len(box), method, rng,
                                          lambda u: inside(lower + u * extent), fraction)
    return _place_time(x, d, fixed, time_axis)


def boundary_points(region: Shape, n: int, method: str, rng: np.random.Generator, *,
                    where: Sequence[Selector] | None = None, time: Time = None,
                    time_axis: int | None = None) -> BoundarySample:
    """Exactly `n` points on the selected part of the boundary (ValueError if it is empty)."""
    _check_method(method)
    b = boundary(region)
    chosen = select(region, where)
    counts = share(n, [b.pieces[k].measure for k in chosen])
    span, fixed = _time(time)
    d = region.dimension
    p = d - 1 + (span is not None)  # parameters per point: along the piece, then time
    points, normals, labels = [np.zeros((0, p + 1))], [np.zeros((0, d))], [np.zeros(0, int)]
    for k, m in zip(chosen, counts):
        if m == 0:
            continue
        piece = b.pieces[k]
        fraction = piece.measure / piece.curve.measure

        def member(u, k=k, piece=piece):
            return b.members(k, piece.curve.point(u[:, : d - 1]))

        u = _unit_points(m, p, method, rng, None if piece.exact or d == 2 else member, fraction)
        x = piece.curve.point(u[:, : d - 1])
        if span is not None:
            x = np.column_stack([x, span[0] + u[:, -1] * (span[1] - span[0])])
        points.append(x)
        normals.append(piece.normal(x[:, :d]))
        labels.append(np.full(m, k))
    x, normal = np.concatenate(points), np.concatenate(normals)
    if span is not None or fixed is not None:
        normal = np.column_stack([normal, np.zeros(len(normal))])
    return BoundarySample(_place_time(x, d, fixed, time_axis),
                          _place_time(normal, d, None, time_axis), np.concatenate(labels), b.pieces)


def share(n: int, measures: Sequence[float]) -> list[int]:
    """Split `n` in proportion to `measures`: floors, then the largest remainders (ties: first)."""
    w = np.asarray(measures, float)
    raw = n * w / w.sum()
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts.tolist()


# ------------------------------------------------------------------- helpers
def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown sampling method '{method}' (known: {', '.join(METHODS)})")


def _time(time: Time) -> tuple[tuple[float, float] | None, float | None]:
    """(interval, fixed value): one of them, or neither."""
    if time is None:
        return None, None
    if np.ndim(time) == 0:
        return None, float(time)
    t0, t1 = map(float, time)
    if not t0 < t1:
        raise ValueError(f"a time interval needs t0 < t1, got [{t0:g}, {t1:g}]")
    return (t0, t1), None


def _place_time(x: np.ndarray, d: int, fixed: float | None, axis: int | None) -> np.ndarray:
    """Spatial columns first, time last (appending a fixed time) -> time at `axis`."""
    if fixed is not None:
        x = np.column_stack([x, np.full(len(x), fixed)])
    if x.shape[1] == d or axis is None or axis == d:
        return x
    return np.insert(x[:, :d], axis, x[:, d], axis=1)


def _uniform_unit(n, k, rng, accept, fraction) -> np.ndarray:
    """`n` accepted uniform points of [0, 1)^k (rejection; `accept` None takes all)."""
    kept, have = [], 0
    while have < n:
        if accept is None:
            return rng.random((n, k))
        u = rng.random((math.ceil(1.2 * (n - have) / fraction) + 16, k))
        u = u[accept(u)]
        kept.append(u)
        have += len(u)
    return np.concatenate(kept)[:n]


def _sobol_unit(n, k, rng, accept, fraction) -> np.ndarray:
    """The first `n` accepted points of a scrambled Sobol sequence in [0, 1)^k."""
    from scipy.stats import qmc  # slow to import: only when asked for

    sampler = qmc.Sobol(k, scramble=True, seed=rng)
    u = sampler.random_base2(max(0, math.ceil(math.log2(max(n / fraction, 1)))))
    while True:
        kept = u if accept is None else u[accept(u)]
        if len(kept) >= n:
            return kept[:n]
        u = np.vstack([u, sampler.random(len(u))])  # the next 2^m: balance kept


def _lattice(n: int, k: int) -> np.ndarray:
    """`n` evenly spread points of [0, 1)^k: cell centres in the first coordinate, the
    rest from Roberts' R-sequence (k = 2: the Fibonacci lattice)."""
    j = np.arange(n)
    first = (j + 0.5) / n
    if k == 1:
        return first[:, None]
    g = _generalised_golden(k - 1)
    alphas = g ** -np.arange(1, k)
    rest = np.mod(0.5 + j[:, None] * alphas[None, :], 1.0)
    return np.column_stack([first, rest])


def _generalised_golden(k: int) -> float:
    """The positive root of x^(k+1) = x + 1 (golden ratio for k = 1)."""
    x = 2.0
    for _ in range(60):
        x = (1 + x) ** (1 / (k + 1))
    return x


def _grid_unit(n, k, accept, fraction) -> np.ndarray:
    """`n` accepted lattice points: the lattice grows by 25% until enough are accepted."""
    size = max(n, math.ceil(n / fraction))
    while True:
        u = _lattice(size, k)
        kept = u if accept is None else u[accept(u)]
        if len(kept) >= n:
            return _thin(kept, n)
        size = math.ceil(1.25 * size) + 1


def _unit_points(n, k, method, rng, accept, fraction) -> np.ndarray:
    if method == "grid":
        return _grid_unit(n, k, accept, fraction)
    sample = _sobol_unit if method == "sobol" else _uniform_unit
    return sample(n, k, rng, accept, fraction)


def _thin(x: np.ndarray, n: int) -> np.ndarray:
    """`n` of the rows of `x`, evenly spread through its order."""
    return x[np.floor((np.arange(n) + 0.5) * len(x) / n).astype(int)]


def _masked_grid(box: np.ndarray, inside: Callable, n: int, weights: np.ndarray,
                 volume: float) -> np.ndarray:
    """The largest cell-centred grid on `box` with at least `n` points inside, thinned to n.

    Cells are squares of side h (times `weights` per axis); h starts where the
    region's volume predicts n points and moves by 1% steps.
    """
    k = len(box)
    extent = box[:, 1] - box[:, 0]
    cache: dict[tuple, np.ndarray] = {}

    def grid(h: float) -> np.ndarray:
        m = tuple(np.maximum(1, np.round(extent / (h * weights))).astype(int))
        if m not in cache:
            axes = [lo + (np.arange(c) + 0.5) * e / c for lo, e, c in zip(box[:, 0], extent, m)]
            x = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=-1)
            cache[m] = x[inside(x)]
        return cache[m]

    h = (volume / n) ** (1 / k)
    if len(grid(h)) >= n:
        while len(grid(h * 1.01)) >= n and h < 2 * extent.max():
            h *= 1.01
    else:
        while len(grid(h)) < n:
            h *= 0.99
            if h < 1e-6 * extent.max():
                raise ValueError("the region is too thin to hold a grid of this size")
    return _thin(grid(h), n)
