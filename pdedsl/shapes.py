"""Regions beyond boxes: 2D and 3D shapes and their set operations, as plain data.

A shape is a small frozen dataclass of floats. Every shape answers, for points
`x` of shape (n, d):

- `sdf(x)`: a signed distance, negative inside. Exact for the primitives. For set
  operations it is the usual combination (union: min, intersection: max, A minus B:
  max(a, -b)), whose sign is always right and whose size never exceeds the true
  distance: exact outside a union, inside an intersection and inside A minus B, a
  lower bound elsewhere;
- `contains(x)`: `sdf(x) <= tol`, the boundary included; the default tolerance is
  `RELATIVE_TOLERANCE` times the shape's bounding-box diagonal (for set operations,
  such a point must also have region close by: see `_Combination.contains`);
- `normal(x)`: the gradient of `sdf` (the outward unit normal on the boundary of a
  primitive);
- `bounds()`: a bounding box, (d, 2); `volume()`: the area (2D) or volume (3D).

A shape may carry a `name` (`region hole = disk(...)`) that labels the parts of the
final boundary lying on it. Bad input raises ValueError with a message meant for the
user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import numpy as np

from .polygons import _show, check_simple, nearest_edge

RELATIVE_TOLERANCE = 1e-9  # points this close (times the region's size) to a boundary are on it


class Shape:
    """What every shape shares: membership from the signed distance, the primitive list.

    Each shape defines `sdf(x)`, `normal(x)` and `bounds()`.
    """

    name: str | None
    dimension: int

    @property
    def tolerance(self) -> float:
        """Distance below which a point counts as on the boundary."""
        b = self.bounds()
        return RELATIVE_TOLERANCE * float(np.linalg.norm(b[:, 1] - b[:, 0]))

    def contains(self, x: np.ndarray, tol: float | None = None) -> np.ndarray:
        return self.sdf(x) <= (self.tolerance if tol is None else tol)

    def leaves(self) -> tuple[Shape, ...]:
        """The primitives, in the order written (left to right through brackets)."""
        return (self,)

    def named(self) -> dict[str, Shape]:
        """The named shapes of the tree, by name (this one included)."""
        return {self.name: self} if self.name else {}

    def volume(self) -> float:
        """Area or volume: exact formula, or from the boundary (see `boundary`)."""
        from .boundary import boundary

        return boundary(self).volume

    def __str__(self) -> str:
        return self.name or self.kind

    @property
    def kind(self) -> str:
        return type(self).__name__.lower()


# ----------------------------------------------------------------------- helpers
def _point(value, d: int, what: str) -> tuple[float, ...]:
    try:
        p = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a point of {d} numbers") from None
    if len(p) != d:
        raise ValueError(f"{what} must have {d} coordinates, got {len(p)}")
    if not all(math.isfinite(v) for v in p):
        raise ValueError(f"{what} must be finite, got {_show(p)}")
    return p


def _positive(value, what: str) -> float:
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{what} must be positive, got {v:g}")
    return v


def _set(obj, **values) -> None:
    """Frozen dataclasses store their checked, converted fields through this."""
    for key, value in values.items():
        object.__setattr__(obj, key, value)


def _unit(v: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Rows of `v` scaled to length 1; zero rows become `fallback`."""
    length = np.linalg.norm(v, axis=1, keepdims=True)
    return np.where(length > 0, v / np.where(length > 0, length, 1), fallback)


# ---------------------------------------------------------------- round shapes
class _Round(Shape):
    """Disk and ball: centre and radius."""

    center: tuple[float, ...]
    r: float

    def __post_init__(self):
        _set(self, center=_point(self.center, self.dimension, f"the centre of a {self.kind}"),
             r=_positive(self.r, f"the radius of a {self.kind}"))

    def sdf(self, x):
        return np.linalg.norm(np.asarray(x, float) - self.center, axis=1) - self.r

    def normal(self, x):
        return _unit(np.asarray(x, float) - self.center, np.eye(self.dimension)[0])

    def bounds(self):
        c = np.array(self.center)
        return np.stack([c - self.r, c + self.r], axis=1)

    def volume(self):
        return math.pi * self.r**2 if self.dimension == 2 else 4 / 3 * math.pi * self.r**3


@dataclass(frozen=True)
class Disk(_Round):
    center: tuple[float, float]
    r: float
    name: str | None = None
    dimension = 2


@dataclass(frozen=True)
class Ball(_Round):
    center: tuple[float, float, float]
    r: float
    name: str | None = None
    dimension = 3


@dataclass(frozen=True)
class Annulus(Shape):
    """The ring between two concentric circles."""

    center: tuple[float, float]
    r_inner: float
    r_outer: float
    name: str | None = None
    dimension = 2

    def __post_init__(self):
        inner = _positive(self.r_inner, "the inner radius of an annulus")
        outer = _positive(self.r_outer, "the outer radius of an annulus")
        if inner >= outer:
            raise ValueError(
                f"the inner radius of an annulus must be less than the outer one, "
                f"got {inner:g} and {outer:g}")
        _set(self, center=_point(self.center, 2, "the centre of an annulus"),
             r_inner=inner, r_outer=outer)

    def sdf(self, x):
        rho = np.linalg.norm(np.asarray(x, float) - self.center, axis=1)
        middle, half = (self.r_inner + self.r_outer) / 2, (self.r_outer - self.r_inner) / 2
        return np.abs(rho - middle) - half

    def normal(self, x):
        v = np.asarray(x, float) - self.center
        rho = np.linalg.norm(v, axis=1, keepdims=True)
        side = np.where(rho >= (self.r_inner + self.r_outer) / 2, 1.0, -1.0)
        return side * _unit(v, np.array([1.0, 0.0]))

    def bounds(self):
        c = np.array(self.center)
        return np.stack([c - self.r_outer, c + self.r_outer], axis=1)

    def volume(self):
        return math.pi * (self.r_outer**2 - self.r_inner**2)


# ----------------------------------------------------------------------- boxes
class _AxisBox(Shape):
    """Rectangle and box: two opposite corners `p` and `q`, in any order."""

    p: tuple[float, ...]
    q: tuple[float, ...]

    def __post_init__(self):
        p = _point(self.p, self.dimension, f"a corner of a {self.kind}")
        q = _point(self.q, self.dimension, f"a corner of a {self.kind}")
        for axis, (a, b) in enumerate(zip(p, q)):
            if a == b:
                raise ValueError(f"a {self.kind} needs two corners that differ in every "
                                 f"coordinate; {_show(p)} and {_show(q)} share coordinate {axis + 1}")
        _set(self, p=p, q=q)

    @property
    def lower(self) -> np.ndarray:
        return np.minimum(self.p, self.q)

    @property
    def upper(self) -> np.ndarray:
        return np.maximum(self.p, self.q)

    def sdf(self, x):
        centre, half = (self.lower + self.upper) / 2, (self.upper - self.lower) / 2
        gap = np.abs(np.asarray(x, float) - centre) - half
        outside = np.linalg.norm(np.maximum(gap, 0), axis=1)
        return outside + np.minimum(gap.max(axis=1), 0)

    def normal(self, x):
        x = np.asarray(x, float)
        centre, half = (self.lower + self.upper) / 2, (self.upper - self.lower) / 2
        offset = x - centre
        gap = np.abs(offset) - half
        sign = np.where(offset >= 0, 1.0, -1.0)
        nearest = np.eye(self.dimension)[np.argmax(gap, axis=1)] * sign
        outward = _unit(np.maximum(gap, 0) * sign, nearest)
        return np.where((gap > 0).any(axis=1, keepdims=True), outward, nearest)

    def bounds(self):
        return np.stack([self.lower, self.upper], axis=1)

    def volume(self):
        return float(np.prod(self.upper - self.lower))


@dataclass(frozen=True)
class Rectangle(_AxisBox):
    p: tuple[float, float]
    q: tuple[float, float]
    name: str | None = None
    dimension = 2


@dataclass(frozen=True)
class Box(_AxisBox):
    p: tuple[float, float, float]
    q: tuple[float, float, float]
    name: str | None = None
    dimension = 3


# --------------------------------------------------------------------- polygon
@dataclass(frozen=True)
class Polygon(Shape):
    """A simple polygon: vertices in order (either orientation), edge k from k to k+1."""

    vertices: tuple[tuple[float, float], ...]
    name: str | None = None
    dimension = 2

    def __post_init__(self):
        vertices = tuple(_point(v, 2, f"polygon vertex {k + 1}") for k, v in enumerate(self.vertices))
        if len(vertices) < 3:
            raise ValueError(f"a polygon needs at least 3 vertices, got {len(vertices)}")
        _set(self, vertices=vertices)
        check_simple(np.array(vertices))

    @property
    def orientation(self) -> float:
        """+1 counterclockwise, -1 clockwise (the sign of the shoelace area)."""
        v = np.array(self.vertices)
        w = np.roll(v, -1, axis=0)
        return 1.0 if np.sum(v[:, 0] * w[:, 1] - w[:, 0] * v[:, 1]) > 0 else -1.0

    def _nearest(self, x):
        return nearest_edge(np.array(self.vertices), np.asarray(x, float))

    def sdf(self, x):
        distance, _, _, inside = self._nearest(x)
        return np.where(inside, -distance, distance)

    def normal(self, x):
        x = np.asarray(x, float)
        distance, closest, edge, inside = self._nearest(x)
        v = np.array(self.vertices)
        e = np.roll(v, -1, axis=0)[edge] - v[edge]
        outward = self.orientation * np.stack([e[:, 1], -e[:, 0]], axis=1)
        outward /= np.linalg.norm(outward, axis=1, keepdims=True)
        away = np.where(inside[:, None], closest - x, x - closest)
        return np.where((distance > 0)[:, None], _unit(away, outward), outward)

    def bounds(self):
        v = np.array(self.vertices)
        return np.stack([v.min(axis=0), v.max(axis=0)], axis=1)

    def volume(self):
        v = np.array(self.vertices)
        w = np.roll(v, -1, axis=0)
        return abs(float(np.sum(v[:, 0] * w[:, 1] - w[:, 0] * v[:, 1]))) / 2


# -------------------------------------------------------------- set operations
class _Combination(Shape):
    """A set operation of two shapes of the same dimension."""

    a: Shape
    b: Shape
    word = ""

    def __post_init__(self):
        for part in (self.a, self.b):
            if not isinstance(part, Shape):
                raise ValueError(f"'{self.word}' combines shapes, got {type(part).__name__}")
        if self.a.dimension != self.b.dimension:
            raise ValueError(
                f"cannot combine a {self.a.dimension}D shape ({self.a}) with a "
                f"{self.b.dimension}D shape ({self.b}) by '{self.word}'")

    @property
    def dimension(self) -> int:
        return self.a.dimension

    def leaves(self):
        return self.a.leaves() + self.b.leaves()

    def contains(self, x, tol=None):
        """Where |sdf| is within the tolerance, in when a neighbour 1000 tolerances away
        (3^d - 1 grid directions) is strictly inside: this keeps the inner edge two joined
        rectangles share, drops a removed square's edge lying along the outer one's."""
        x, d = np.asarray(x, float), self.dimension
        s = self.sdf(x)
        result = s <= (self.tolerance if tol is None else tol)
        near = np.flatnonzero(result & (s >= -self.tolerance))
        steps = np.array([v for v in product((-1, 0, 1), repeat=d) if any(v)])
        probes = (x[near, None, :] + 1e3 * self.tolerance * steps[None]).reshape(-1, d)
        result[near] = np.any((self.sdf(probes) < 0).reshape(len(near), len(steps)), axis=1)
        return result

    def named(self):
        return {**self.a.named(), **self.b.named(), **super().named()}

    def __str__(self):
        return self.name or f"({self.a} {self.word} {self.b})"


@dataclass(frozen=True)
class Union(_Combination):
    a: Shape
    b: Shape
    name: str | None = None
    word = "union"

    def sdf(self, x):
        return np.minimum(self.a.sdf(x), self.b.sdf(x))

    def normal(self, x):
        first = (self.a.sdf(x) <= self.b.sdf(x))[:, None]
        return np.where(first, self.a.normal(x), self.b.normal(x))

    def bounds(self):
        a, b = self.a.bounds(), self.b.bounds()
        return np.stack([np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1])], axis=1)


@dataclass(frozen=True)
class Intersect(_Combination):
    a: Shape
    b: Shape
    name: str | None = None
    word = "intersect"

    def sdf(self, x):
        return np.maximum(self.a.sdf(x), self.b.sdf(x))

    def normal(self, x):
        first = (self.a.sdf(x) >= self.b.sdf(x))[:, None]
        return np.where(first, self.a.normal(x), self.b.normal(x))

    def bounds(self):
        a, b = self.a.bounds(), self.b.bounds()
        lower, upper = np.maximum(a[:, 0], b[:, 0]), np.minimum(a[:, 1], b[:, 1])
        return np.stack([lower, np.maximum(lower, upper)], axis=1)


@dataclass(frozen=True)
class Minus(_Combination):
    a: Shape
    b: Shape
    name: str | None = None
    word = "minus"

    def sdf(self, x):
        return np.maximum(self.a.sdf(x), -self.b.sdf(x))

    def normal(self, x):
        first = (self.a.sdf(x) >= -self.b.sdf(x))[:, None]
        return np.where(first, self.a.normal(x), -self.b.normal(x))

    def bounds(self):
        return self.a.bounds()
