"""Boxes and their collocation points: interior, faces, and the sampling methods.

A problem's domain is the product of its variables' ranges. Equations hold on
points inside it; conditions on points of their faces (a face fixes one variable
at an end of its range). Points are NumPy arrays of shape (n, d), columns in the
problem's variable order.
"""

from __future__ import annotations

import math

import numpy as np

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
    bounds: np.ndarray, n: int, method: str, rng: np.random.Generator, *, open_grid: bool
) -> np.ndarray:
    """About `n` points in the box `bounds` (k × 2); k = 0 gives the single empty point.

    `grid` takes round(n^(1/k)) points per axis (so the count is a k-th power): the
    open grid (without the ends) inside the domain, the closed one on faces, which
    keeps the corners where conditions meet.
    """
    k = len(bounds)
    if k == 0:
        return np.zeros((1, 0))
    lower, upper = bounds[:, 0], bounds[:, 1]
    if method == "grid":
        m = max(1, round(n ** (1 / k)))
        if open_grid:
            axes = [np.linspace(lo, hi, m + 2)[1:-1] for lo, hi in bounds]
        else:
            axes = [np.linspace(lo, hi, m) if m > 1 else np.array([(lo + hi) / 2]) for lo, hi in bounds]
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


def face_points(
    bounds: np.ndarray, names: list[str], face: Face, n: int, method: str, rng: np.random.Generator
) -> np.ndarray:
    """About `n` points on one face: its variable fixed at the end, the others sampled."""
    axis = names.index(face.variable)
    others = np.delete(bounds, axis, axis=0)
    points = box_points(others, n, method, rng, open_grid=False)
    value = bounds[axis, 0] if face.side == "lower" else bounds[axis, 1]
    return np.insert(points, axis, value, axis=1)


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
) -> list[np.ndarray]:
    """Points for each block: `None` faces are the interior, the rest share `boundary`."""
    rng = np.random.default_rng(seed)
    on_faces = [f for f in faces if f is not None]
    shares = iter(share_boundary(bounds, names, on_faces, boundary)) if on_faces else iter(())
    points = []
    for face in faces:
        if face is None:
            points.append(box_points(bounds, interior, method, rng, open_grid=True))
        else:
            points.append(face_points(bounds, names, face, next(shares), method, rng))
    return points


def sample_blocks(problem: Problem, blocks, sample: dict, seed: int) -> list[np.ndarray]:
    """The collocation points of each block of a compiled problem (`sample`: the run's
    `interior`, `boundary` and `method`); a region's are in `pdedsl.regions`."""
    if problem.region is not None:
        from . import regions

        return regions.sample_blocks(problem, blocks, sample, seed)
    return collocation_points(
        np.array(problem.bounds()), list(problem.names), [b.face for b in blocks],
        interior=sample["interior"], boundary=sample["boundary"], method=sample["method"],
        seed=seed,
    )


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
