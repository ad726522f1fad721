"""Boxes and their collocation points: interior, faces, and the sampling methods.

A problem's domain is the product of its variables' ranges. Equations hold on
points inside it; conditions on points of their faces (a face fixes one variable
at an end of its range). Points are NumPy arrays of shape (n, d), columns in the
problem's variable order.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from . import quadrature
from .language.problem import Face, Problem

METHODS = ("grid", "uniform", "sobol")


def default_counts(dimension: int) -> tuple[int, int]:
    """Interior and boundary point counts that train well for a box of this dimension."""
    interior = {1: 128, 2: 900, 3: 2000}.get(dimension, 4000)
    boundary = {1: 2, 2: 120, 3: 600}.get(dimension, 500)
    return interior, boundary


def default_method(dimension: int) -> str:
    return "grid" if dimension <= 3 else "sobol"


def box_points(
    bounds: np.ndarray, n: int, method: str, rng: np.random.Generator, *, open_grid: bool,
    periodic: Sequence[bool] = (),
) -> np.ndarray:
    """About `n` points in the box `bounds` (k × 2); k = 0 gives the single empty point.

    `grid` takes round(n^(1/k)) points per axis (so the count is a k-th power): the
    open grid (without the ends) inside the domain, the closed one on faces, which
    keeps the corners where conditions meet. Along an axis marked `periodic` (its ends
    are one point) the grid is the m midpoints of m equal cells, evenly spaced across
    the seam too, and an exact quadrature for the periodic functions it resolves.
    """
    k = len(bounds)
    if k == 0:
        return np.zeros((1, 0))
    lower, upper = bounds[:, 0], bounds[:, 1]
    if method == "grid":
        m = max(1, round(n ** (1 / k)))
        marks = list(periodic) or [False] * k
        axes = [_grid_axis(lo, hi, m, open_grid, p) for (lo, hi), p in zip(bounds, marks)]
        mesh = np.meshgrid(*axes, indexing="ij")
        return np.stack([a.ravel() for a in mesh], axis=-1)
    if method == "uniform":
        unit = rng.random((n, k))
    elif method == "sobol":
        from scipy.stats import qmc  # 1.7 s to import: only when asked for

        sampler = qmc.Sobol(k, scramble=True, seed=rng)
        unit = sampler.random(2 ** math.ceil(math.log2(max(n, 1))))[:n]
    else:
        raise ValueError(f"unknown sampling method '{method}' (known: {', '.join(METHODS)})")
    return lower + unit * (upper - lower)


def _grid_axis(lo: float, hi: float, m: int, open_grid: bool, periodic: bool) -> np.ndarray:
    if periodic:
        return lo + (np.arange(m) + 0.5) * (hi - lo) / m
    if open_grid:
        return np.linspace(lo, hi, m + 2)[1:-1]
    return np.linspace(lo, hi, m) if m > 1 else np.array([(lo + hi) / 2])


def face_points(
    bounds: np.ndarray, names: list[str], face: Face, n: int, method: str,
    rng: np.random.Generator, periodic: Sequence[bool] = (),
) -> np.ndarray:
    """About `n` points on one face: its variable fixed at the end, the others sampled."""
    axis = names.index(face.variable)
    value = bounds[axis, 0] if face.side == "lower" else bounds[axis, 1]
    return slice_points(bounds, {axis: value}, n, method, rng, periodic)


def slice_points(
    bounds: np.ndarray, fixed: dict[int, float], n: int, method: str,
    rng: np.random.Generator, periodic: Sequence[bool] = (),
) -> np.ndarray:
    """About `n` points where the coordinates `fixed` (axis -> value) take their values
    and the others run over their ranges (closed grid): a face, a line, a plane, a point."""
    free = [a for a in range(len(bounds)) if a not in fixed]
    marks = [bool(periodic[a]) for a in free] if len(periodic) else []
    points = box_points(bounds[free], n, method, rng, open_grid=False, periodic=marks)
    out = np.empty((len(points), len(bounds)))
    out[:, free] = points
    for axis, value in fixed.items():
        out[:, axis] = value
    return out


def face_measure(bounds: np.ndarray, names: list[str], face: Face) -> float:
    """The (d-1)-volume of a face (1 for the point faces of a 1D box)."""
    axis = names.index(face.variable)
    return float(np.prod(np.delete(bounds[:, 1] - bounds[:, 0], axis)))


def share_boundary(
    bounds: np.ndarray, names: list[str], faces: list[Face], total: int
) -> list[int]:
    """Split `total` boundary points over `faces` in proportion to their size."""
    measures = np.array([face_measure(bounds, names, f) for f in faces])
    return [max(1, round(total * m / measures.sum())) for m in measures]


def collocation_points(
    bounds: np.ndarray,
    names: list[str],
    faces: list[Face | None],
    *,
    interior: int,
    boundary: int,
    method: str,
    seed: int,
    periodic: Sequence[bool] = (),
) -> list[np.ndarray]:
    """Points for each block: `None` faces are the interior, the rest share `boundary`
    (`periodic`: per variable, whether its grid axis wraps around)."""
    rng = np.random.default_rng(seed)
    on_faces = [f for f in faces if f is not None]
    shares = iter(share_boundary(bounds, names, on_faces, boundary)) if on_faces else iter(())
    points = []
    for face in faces:
        if face is None:
            points.append(box_points(bounds, interior, method, rng, open_grid=True,
                                     periodic=periodic))
        else:
            points.append(face_points(bounds, names, face, next(shares), method, rng, periodic))
    return points


def sample_blocks(problem: Problem, blocks, sample: dict, seed: int) -> list[np.ndarray]:
    """The points of each block of a compiled problem (`sample`: the run's `interior`,
    `boundary` and `method`).

    Equations and conditions come from `collocation_points` (on a region, from
    `pdedsl.regions`). A data block keeps its own points (measurements) and draws nothing
    from the seed's stream. A point condition's block (`block.at`) gets its point, or
    `line_count` points on its line or plane; a mean condition's block (`block.reduces`)
    the interior points of the first equation with a last column of quadrature weights
    (quadrature.py; on a region, each point's share of it).
    """
    bounds, names = np.array(problem.bounds()), list(problem.names)
    periodic = [name in problem.periodic for name in names]
    own = [b.points is not None or b.at is not None or b.reduces for b in blocks]
    ordinary = [b for b, o in zip(blocks, own) if not o]
    if problem.region is not None:
        from . import regions

        sampled = iter(regions.sample_blocks(problem, ordinary, sample, seed))
    else:
        sampled = iter(collocation_points(
            bounds, names, [b.face for b in ordinary], interior=sample["interior"],
            boundary=sample["boundary"], method=sample["method"], seed=seed, periodic=periodic,
        ))
    points = [b.points if b.points is not None else None if o else next(sampled)
              for b, o in zip(blocks, own)]
    rng = np.random.default_rng([seed, 0xA7])  # the others' points stay as they were
    interior = next((p for b, p in zip(blocks, points)
                     if p is not None and b.face is None and b.points is None
                     and not b.selectors), None)
    for k, block in enumerate(blocks):
        if block.at is not None:
            fixed = {names.index(name): value for name, value in block.at}
            n = 1 if len(fixed) == len(names) else line_count(len(names), sample["boundary"])
            points[k] = _inside(problem, slice_points(bounds, fixed, n, sample["method"], rng,
                                                       periodic), fixed)
        elif block.reduces:
            w = (_region_weights(problem, interior, bounds, seed) if problem.region is not None
                 else quadrature.weights(interior, bounds, periodic, sample["method"]))
            points[k] = np.column_stack([interior, w])
    return points


def _region_weights(problem: Problem, interior: np.ndarray, bounds: np.ndarray,
                    seed: int) -> np.ndarray:
    """A mean condition's quadrature weights on a region (times the time interval)."""
    columns = [list(problem.names).index(v) for v in problem.region.variables]
    inside = lambda x: problem.region.shape.contains(x[:, columns])  # noqa: E731
    return quadrature.region_weights(interior, bounds, inside, seed)


def _inside(problem: Problem, points: np.ndarray, fixed: dict[int, float]) -> np.ndarray:
    """The points of a point condition's line or plane that lie in the region (on a box,
    all of them); the region's boundary counts as inside."""
    if problem.region is None or len(points) == 1:
        return points
    from . import regions
    from .selection import region_bounds, slice_grid

    shape = problem.region.shape
    columns = regions.columns(problem)[: problem.region.dimension]
    inside = points[shape.contains(points[:, columns])]
    if not len(inside):  # a short chord the sample missed: take it from the check's grid
        grid = slice_grid(region_bounds(shape),
                          {columns.index(a): v for a, v in fixed.items() if a in columns})
        grid = grid[shape.contains(grid)]
        if not len(grid):
            raise ValueError("no point of a point condition's line or plane lies in the region")
        inside = points.copy()
        inside[:, columns] = grid[np.linspace(0, len(grid) - 1, len(points)).round().astype(int)]
    return inside


def line_count(dimension: int, boundary: int) -> int:
    """Points on the line or plane of a point condition: what one face of the box gets
    when `boundary` is shared by all 2d faces."""
    return max(1, round(boundary / (2 * dimension)))


def evaluation_points(bounds: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Uniform random points, independent of the training points, to measure errors on."""
    rng = np.random.default_rng([seed, 0xE7A1])
    return box_points(bounds, n, "uniform", rng, open_grid=True)


def domain_evaluation_points(problem: Problem, n: int, seed: int) -> np.ndarray:
    """`evaluation_points` in the problem's domain: its box, or inside its region."""
    if problem.region is not None:
        from . import regions

        return regions.evaluation_points(problem, n, seed)
    return evaluation_points(np.array(problem.bounds()), n, seed)


def domain_volume(problem: Problem) -> float:
    """The measure of the domain: the box's volume, or the region's (times time's interval)."""
    if problem.region is not None:
        from . import regions

        return regions.volume(problem)
    bounds = np.array(problem.bounds())
    return float(np.prod(bounds[:, 1] - bounds[:, 0]))


def user_points(points, names: Sequence[str]) -> np.ndarray:
    """Points given from Python as an (M, d) array, columns in the variable order `names`;
    a 1-D array is M points of a one-variable problem. Another shape is a ValueError:
    the network reads its columns by index, and a missing one would be read silently
    from another column (an index past the end is clamped)."""
    try:
        x = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"points must be numbers in an (M, {len(names)}) array (columns "
                         f"{', '.join(names)}), not {type(points).__name__}") from None
    if x.ndim == 1 and len(names) == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != len(names):
        raise ValueError(f"points must be an (M, {len(names)}) array, columns "
                         f"{', '.join(names)}; got shape {x.shape}")
    return x
