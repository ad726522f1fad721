"""A problem with a region: its collocation points per block, evaluation points, volume.

The region sampler (`pdedsl.sampling`) works in the region's own variables, time
last; here its columns are put in the problem's variable order. A condition on the
region's boundary gets its points with the outward unit normal appended (one column
per region variable, in the region's order), which the compiled `dn` reads. The
boundary budget is shared over conditions by size: a condition's selected length
(area), times the time interval's length; an initial slice counts the region's area
(volume), as a box's faces share theirs.
"""

from __future__ import annotations

import numpy as np

from .language.problem import Problem
from .sampling import boundary_points, interior_points, share
from .selection import selection_measure


def columns(problem: Problem) -> list[int]:
    """The problem's column of each of the sampler's: region variables, then time."""
    order = [problem.names.index(v) for v in problem.region.variables]
    if problem.time is not None:
        order.append(problem.names.index(problem.time.name))
    return order


def reorder(problem: Problem, x: np.ndarray) -> np.ndarray:
    """Sampler columns (region variables, time) -> the problem's variable order."""
    out = np.empty((len(x), len(problem.names)))
    out[:, columns(problem)] = x
    return out


def time_span(problem: Problem) -> tuple[float, float] | None:
    if problem.time is None:
        return None
    return problem.bounds()[problem.names.index(problem.time.name)]


def sample_blocks(problem: Problem, blocks, sample: dict, seed: int) -> list[np.ndarray]:
    """The collocation points of each block (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    shape, method = problem.region.shape, sample["method"]
    span = time_span(problem)
    on_boundary = [b for b in blocks if b.face is not None or b.selectors]
    counts = iter(_shares(problem, on_boundary, sample["boundary"]))
    points = []
    for block in blocks:
        if block.selectors:
            s = boundary_points(shape, next(counts), method, rng, where=list(block.selectors),
                                time=span)
            points.append(np.column_stack([reorder(problem, s.points), s.normals[:, :len(
                problem.region.variables)]]))
        elif block.face is not None:
            at = problem.face_value(block.face)
            points.append(reorder(problem, interior_points(shape, next(counts), method, rng,
                                                            time=at)))
        else:
            points.append(reorder(problem, interior_points(shape, sample["interior"], method,
                                                            rng, time=span)))
    return points


def _shares(problem: Problem, blocks, total: int) -> list[int]:
    """`total` boundary points over the blocks by size, at least one each."""
    if not blocks:
        return []
    span = time_span(problem)
    length = span[1] - span[0] if span else 1.0
    shape = problem.region.shape
    measures = [selection_measure(shape, list(b.selectors)) * length if b.selectors
                else shape.volume() for b in blocks]
    counts = share(max(total - len(blocks), 0), measures)
    return [c + 1 for c in counts]


def evaluation_points(problem: Problem, n: int, seed: int) -> np.ndarray:
    """Uniform random points inside the region (times the time interval), independent
    of the training points, to measure errors on."""
    rng = np.random.default_rng([seed, 0xE7A1])
    x = interior_points(problem.region.shape, n, "uniform", rng, time=time_span(problem))
    return reorder(problem, x)


def volume(problem: Problem) -> float:
    """The domain's measure: the region's area (volume), times the time interval's length."""
    span = time_span(problem)
    return problem.region.shape.volume() * (span[1] - span[0] if span else 1.0)

