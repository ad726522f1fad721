"""Which parts of a region's boundary a condition holds on, and checks of a region.

A condition's `on ...` list is a list of selectors: the whole boundary, a named
shape (the part of the boundary lying on that shape's boundary) or a line/plane
x_k = a (the part of the boundary lying on it). A selector that holds no part of the
boundary (a shape inside a removed one, a line that misses or only touches the
region) raises ValueError, so the language can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence, Union

import numpy as np

from .boundary import Boundary, boundary
from .curves import TAU, Face, Segment
from .shapes import RELATIVE_TOLERANCE, Shape


@dataclass(frozen=True)
class WholeBoundary:
    """`on boundary`."""

    def __str__(self) -> str:
        return "boundary"


@dataclass(frozen=True)
class OnShape:
    """`on NAME`: the part of the boundary on the named shape's boundary."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class OnPlane:
    """`on x = a`: the part of the boundary on the line (plane) where coordinate `axis` is `value`.

    `variable` is the coordinate's name, for messages; `written` the value as the file
    wrote it (constants kept as symbols), so a constant's new value can move the plane.
    """

    axis: int
    value: float
    variable: str | None = None
    written: object = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.variable or f'x{self.axis + 1}'} = {self.value:g}"


Selector = Union[WholeBoundary, OnShape, OnPlane]


def pieces_on(b: Boundary, selector: Selector) -> list[int]:
    """Indices of the pieces a selector holds (possibly none)."""
    if isinstance(selector, WholeBoundary):
        return list(range(len(b.pieces)))
    if isinstance(selector, OnShape):
        if selector.name not in b.region.named():
            raise ValueError(f"the region has no shape named '{selector.name}'")
        return [k for k, p in enumerate(b.pieces) if selector.name in p.names]
    if isinstance(selector, OnPlane):
        if not 0 <= selector.axis < b.region.dimension:
            raise ValueError(f"{selector}: a {b.region.dimension}D region has no axis "
                             f"{selector.axis + 1}")
        return [k for k, p in enumerate(b.pieces) if _on_plane(p.curve, selector, b.tolerance)]
    raise TypeError(f"not a boundary selector: {selector!r}")


def _on_plane(curve, plane: OnPlane, tol: float) -> bool:
    if isinstance(curve, Segment):
        return all(abs(end[plane.axis] - plane.value) <= tol for end in (curve.a, curve.b))
    if isinstance(curve, Face):
        return curve.axis == plane.axis and abs(curve.value - plane.value) <= tol
    return False  # arcs and spheres never lie in a line or a plane


def select(region: Shape, where: Sequence[Selector] | None) -> list[int]:
    """The pieces of the union of the selectors, in piece order (None: the whole boundary).

    Raises ValueError for a selector holding no part of the boundary.
    """
    b = boundary(region)
    if not b.pieces:
        raise ValueError(f"the region {region} is empty")
    chosen: set[int] = set()
    for selector in where or [WholeBoundary()]:
        found = [k for k in pieces_on(b, selector) if b.pieces[k].measure > 0]
        if not found:
            raise ValueError(_nothing_on(selector))
        chosen.update(found)
    return sorted(chosen)


def _nothing_on(selector: Selector) -> str:
    if isinstance(selector, OnShape):
        return (f"no part of '{selector.name}' is on the boundary of the domain "
                f"(is it inside a removed shape, or outside the region?)")
    if isinstance(selector, OnPlane):
        return f"no part of the domain's boundary lies on {selector}"
    return "the domain has no boundary"


def selection_measure(region: Shape, where: Sequence[Selector] | None) -> float:
    """Length (2D) or area (3D) of the selected part of the boundary."""
    b = boundary(region)
    return float(sum(b.pieces[k].measure for k in select(region, where)))


def check_region(region: Shape, variables: Sequence[str]) -> None:
    """Raise ValueError if the region does not fit its variables, is empty, or its
    size is no double (a disk of radius 1e300 or 1e-300: nothing could be computed on it).

    Empty: no boundary (2D: exact; 3D: no cut surface point among `SURFACE_SAMPLES`
    lies on it), or an area/volume below `RELATIVE_TOLERANCE` of its bounding box.
    """
    d = region.dimension
    if len(variables) != d:
        listed = ", ".join(variables)
        raise ValueError(f"{region} is a {d}D shape, but the region statement lists "
                         f"{len(variables)} variable{'s' * (len(variables) != 1)} ({listed})")
    box = region.bounds()
    with np.errstate(all="ignore"):
        size = float(np.prod(box[:, 1] - box[:, 0]))
    if not np.isfinite(size):
        raise ValueError(f"the region {region} is too large for double precision "
                         "(its bounding box's size is beyond about 1.8e308)")
    with np.errstate(all="ignore"):
        b = boundary(region)
    if b.pieces and not size > 0:
        raise ValueError(f"the region {region} is too small for double precision "
                         "(its bounding box's size is 0 as a double)")
    if not b.pieces or b.volume <= RELATIVE_TOLERANCE * float(np.prod(box[:, 1] - box[:, 0])):
        raise ValueError(f"the region {region} is empty")


def region_bounds(region: Shape) -> np.ndarray:
    """The smallest box (d, 2) holding the region: exact in 2D, from the pieces in 3D.

    `Shape.bounds` may be larger (a lens of two disks gets the overlap of their boxes);
    this is the one to compare with declared variable ranges.
    """
    b = boundary(region)
    if region.dimension == 2:
        points = np.concatenate([_extremes(p.curve) for p in b.pieces])
    else:
        points = np.concatenate([_surface_extremes(b, k) for k in range(len(b.pieces))])
    return np.stack([points.min(axis=0), points.max(axis=0)], axis=1)


def _extremes(curve) -> np.ndarray:
    if isinstance(curve, Segment):
        return np.array([curve.a, curve.b])
    quarter = np.arange(np.ceil(curve.theta0 / (TAU / 4)), curve.theta1 / (TAU / 4) + 1e-12)
    angles = np.concatenate([[curve.theta0, curve.theta1], quarter * TAU / 4])
    return np.array(curve.center) + curve.r * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _surface_extremes(b: Boundary, k: int) -> np.ndarray:
    from scipy.stats import qmc

    piece = b.pieces[k]
    if isinstance(piece.curve, Face) and piece.exact:
        u = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    elif piece.exact:  # a whole sphere
        return np.array(piece.curve.center) + piece.curve.r * np.concatenate([np.eye(3), -np.eye(3)])
    else:
        u = qmc.Sobol(2, seed=7).random(2**14)
    x = piece.curve.point(u)
    return x[b.members(k, x)]


SLICE_GRID = 4096  # points of the grid that finds where a line or plane meets a region


def slice_grid(bounds: np.ndarray, fixed: dict[int, float], total: int = SLICE_GRID
               ) -> np.ndarray:
    """Cell midpoints of a grid of about `total` points on the line or plane where the
    axes `fixed` (axis -> value) take their values, the others over `bounds`: the check
    and the sampler of a point condition on a region both look for its part inside here,
    so a line that only touches the region (x = 1 on the unit disk) is refused by both."""
    free = [a for a in range(len(bounds)) if a not in fixed]
    if not free:
        points = np.empty((1, len(bounds)))
    else:
        m = max(2, round(total ** (1 / len(free))))
        axes = [lo + (hi - lo) * (np.arange(m) + 0.5) / m for lo, hi in bounds[free]]
        grid = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
        points = np.empty((len(grid), len(bounds)))
        points[:, free] = grid
    for axis, value in fixed.items():
        points[:, axis] = value
    return points
