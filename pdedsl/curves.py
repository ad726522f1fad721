"""The boundary pieces of primitives: segments and arcs in 2D, box faces and spheres in 3D.

Each piece maps parameters u in [0, 1]^(d-1) to points so that uniform u gives points
uniform by length (area), and knows its primitive's outward unit normal, its measure
and the flux integral of x·n over it (summed over a closed boundary, d times the
enclosed volume: the divergence theorem). `crossings` finds where two 2D curves
meet, so that curves can be cut exactly; `separated` decides whether a 3D surface
stays clear of a primitive's boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TAU = 2 * math.pi


@dataclass(frozen=True)
class Segment:
    """From `a` to `b`; `outward` is the primitive's outward unit normal."""

    a: tuple[float, float]
    b: tuple[float, float]
    outward: tuple[float, float]
    label: str = ""

    @property
    def measure(self) -> float:
        return math.dist(self.a, self.b)

    def point(self, u: np.ndarray) -> np.ndarray:
        u = np.reshape(u, (-1,))[:, None]
        return (1 - u) * np.array(self.a) + u * np.array(self.b)

    def normal(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.array(self.outward), np.shape(x)).copy()

    def sub(self, u0: float, u1: float) -> Segment:
        a, b = self.point(np.array([u0, u1]))
        return Segment(tuple(map(float, a)), tuple(map(float, b)), self.outward, self.label)

    def flux(self) -> float:
        return float(np.dot(self.a, self.outward)) * self.measure

    def distance(self, x: np.ndarray) -> np.ndarray:
        a, e = np.array(self.a), np.subtract(self.b, self.a)
        t = np.clip((x - a) @ e / (e @ e), 0, 1)
        return np.linalg.norm(x - a - t[:, None] * e, axis=1)

    def polyline(self) -> np.ndarray:
        return np.array([self.a, self.b])


@dataclass(frozen=True)
class Arc:
    """The circle's points at angles theta0 to theta1 (theta1 > theta0, at most 2π more).

    `sense` is +1 where the primitive's outward normal points away from the centre,
    -1 where it points towards it (the inner circle of an annulus).
    """

    center: tuple[float, float]
    r: float
    theta0: float
    theta1: float
    sense: float = 1.0
    label: str = ""

    @property
    def closed(self) -> bool:
        return math.isclose(self.theta1 - self.theta0, TAU)

    @property
    def measure(self) -> float:
        return self.r * (self.theta1 - self.theta0)

    def angle(self, u: np.ndarray) -> np.ndarray:
        return self.theta0 + np.reshape(u, (-1,)) * (self.theta1 - self.theta0)

    def point(self, u: np.ndarray) -> np.ndarray:
        theta = self.angle(u)
        return np.array(self.center) + self.r * np.stack([np.cos(theta), np.sin(theta)], axis=1)

    def normal(self, x: np.ndarray) -> np.ndarray:
        v = np.asarray(x, float) - self.center
        return self.sense * v / np.linalg.norm(v, axis=1, keepdims=True)

    def sub(self, u0: float, u1: float) -> Arc:
        t0, t1 = self.angle(np.array([u0, u1]))
        return Arc(self.center, self.r, float(t0), float(t1), self.sense, self.label)

    def flux(self) -> float:
        t0, t1 = self.theta0, self.theta1
        c = np.array(self.center)
        radial = c @ np.array([math.sin(t1) - math.sin(t0), math.cos(t0) - math.cos(t1)])
        return self.sense * self.r * (radial + self.r * (t1 - t0))

    def distance(self, x: np.ndarray) -> np.ndarray:
        v = x - np.array(self.center)
        theta = np.arctan2(v[:, 1], v[:, 0])
        inside = np.mod(theta - self.theta0, TAU) <= self.theta1 - self.theta0
        ends = self.point(np.array([0.0, 1.0]))
        to_ends = np.min(np.linalg.norm(x[:, None, :] - ends[None], axis=2), axis=1)
        return np.where(inside, np.abs(np.linalg.norm(v, axis=1) - self.r), to_ends)

    def polyline(self, per_turn: int = 256) -> np.ndarray:
        steps = max(2, math.ceil(per_turn * (self.theta1 - self.theta0) / TAU))
        return self.point(np.linspace(0, 1, steps + 1))


@dataclass(frozen=True)
class Face:
    """A box face: `axis` fixed at `value`, the other two axes over [lower, upper]."""

    axis: int
    value: float
    lower: tuple[float, float]
    upper: tuple[float, float]
    sense: float
    label: str = ""

    @property
    def others(self) -> list[int]:
        return [k for k in range(3) if k != self.axis]

    @property
    def measure(self) -> float:
        return float(np.prod(np.subtract(self.upper, self.lower)))

    def point(self, u: np.ndarray) -> np.ndarray:
        u = np.reshape(u, (-1, 2))
        x = np.full((len(u), 3), self.value)
        x[:, self.others] = np.array(self.lower) + u * np.subtract(self.upper, self.lower)
        return x

    def normal(self, x: np.ndarray) -> np.ndarray:
        n = np.zeros((len(x), 3))
        n[:, self.axis] = self.sense
        return n

    def flux(self) -> float:
        return self.sense * self.value * self.measure

    def distance(self, x: np.ndarray) -> np.ndarray:
        gap = np.maximum(np.maximum(np.array(self.lower) - x[:, self.others],
                                    x[:, self.others] - np.array(self.upper)), 0)
        return np.hypot(np.linalg.norm(gap, axis=1), x[:, self.axis] - self.value)


@dataclass(frozen=True)
class Sphere:
    """A ball's surface; uniform u gives uniform points (Archimedes: z is uniform)."""

    center: tuple[float, float, float]
    r: float
    sense: float = 1.0
    label: str = ""

    @property
    def measure(self) -> float:
        return 4 * math.pi * self.r**2

    def point(self, u: np.ndarray) -> np.ndarray:
        u = np.reshape(u, (-1, 2))
        z = 1 - 2 * u[:, 0]
        rho, phi = np.sqrt(np.maximum(1 - z * z, 0)), TAU * u[:, 1]
        unit = np.stack([rho * np.cos(phi), rho * np.sin(phi), z], axis=1)
        return np.array(self.center) + self.r * unit

    def normal(self, x: np.ndarray) -> np.ndarray:
        v = np.asarray(x, float) - self.center
        return self.sense * v / np.linalg.norm(v, axis=1, keepdims=True)

    def flux(self) -> float:
        return self.sense * 4 * math.pi * self.r**3

    def distance(self, x: np.ndarray) -> np.ndarray:
        return np.abs(np.linalg.norm(x - np.array(self.center), axis=1) - self.r)


# ------------------------------------------------------------- 2D crossings
def crossings(curve: Segment | Arc, other: Segment | Arc, eps: float) -> np.ndarray:
    """Parameters u on `curve` (strictly between its ends) where `other` meets it.

    Where a segment lies along `curve` (collinear overlap), the ends of the overlap
    are returned, so that the shared stretch becomes a piece of its own.
    """
    if isinstance(curve, Segment) and isinstance(other, Segment):
        u = _segment_segment(curve, other, eps)
    elif isinstance(curve, Segment):
        u = _segment_circle(curve, other, eps)[0]
    elif isinstance(other, Segment):
        points = other.point(_segment_circle(other, curve, eps)[1])
        u = _angles(curve, points)
    else:
        u = _angles(curve, _circle_circle(curve, other, eps))
    u = np.asarray(u, float)
    if isinstance(curve, Arc) and curve.closed:
        return np.mod(u, 1.0)
    return u[(u > 1e-12) & (u < 1 - 1e-12)]


def _cross(u, v) -> float:
    return u[0] * v[1] - u[1] * v[0]


def _segment_segment(s: Segment, o: Segment, eps: float) -> list[float]:
    a, e = np.array(s.a), np.subtract(s.b, s.a)
    c, f = np.array(o.a), np.subtract(o.b, o.a)
    denominator = _cross(e, f)
    if abs(denominator) > 1e-12 * np.linalg.norm(e) * np.linalg.norm(f):
        t, r = _cross(c - a, f) / denominator, _cross(c - a, e) / denominator
        return [t] if -1e-12 <= r <= 1 + 1e-12 else []
    if abs(_cross(e, c - a)) > eps * np.linalg.norm(e):
        return []  # parallel, apart
    return [float((p - a) @ e / (e @ e)) for p in (c, c + f)]


def _segment_circle(s: Segment, c: Arc, eps: float) -> tuple[list[float], list[float]]:
    """Where the segment's line meets the circle: (u on the segment, the same)."""
    a, e = np.array(s.a), np.subtract(s.b, s.a)
    w = a - np.array(c.center)
    qa, qb, qc = e @ e, 2 * (e @ w), w @ w - c.r**2
    disc = qb * qb - 4 * qa * qc
    if disc < -4 * qa * (2 * c.r * eps):  # misses by more than eps
        return [], []
    root = math.sqrt(max(disc, 0.0))
    ts = sorted({(-qb - root) / (2 * qa), (-qb + root) / (2 * qa)})
    on = [t for t in ts if -1e-12 <= t <= 1 + 1e-12]
    return on, on


def _circle_circle(c1: Arc, c2: Arc, eps: float) -> np.ndarray:
    p, q = np.array(c1.center), np.array(c2.center)
    d = float(np.linalg.norm(q - p))
    if d <= eps or d > c1.r + c2.r + eps or d < abs(c1.r - c2.r) - eps:
        return np.zeros((0, 2))
    along = (d * d + c1.r**2 - c2.r**2) / (2 * d)
    h = math.sqrt(max(c1.r**2 - along**2, 0.0))
    unit = (q - p) / d
    normal = np.array([-unit[1], unit[0]])
    return np.array([p + along * unit + h * normal, p + along * unit - h * normal])


def _angles(arc: Arc, points) -> np.ndarray:
    points = np.reshape(points, (-1, 2))
    v = points - np.array(arc.center)
    theta = np.arctan2(v[:, 1], v[:, 0])
    return np.mod(theta - arc.theta0, TAU) / (arc.theta1 - arc.theta0)


# ------------------------------------------------------------- 3D separation
def separated(surface: Face | Sphere, shape, eps: float) -> bool:
    """True when `surface` provably stays away from the boundary of primitive `shape`.

    Then every point of the surface is on the same side of `shape`, and the
    surface needs no cutting by it.
    """
    lower, upper = _sdf_range(surface, shape)
    return lower > eps or upper < -eps


def _sdf_range(surface: Face | Sphere, shape) -> tuple[float, float]:
    """Bounds on the signed distance to `shape` over the surface (exact where it matters)."""
    from .shapes import Ball, Box

    if isinstance(shape, Ball):
        near, far = _distance_range(surface, np.array(shape.center))
        return near - shape.r, far - shape.r
    if isinstance(shape, Box):
        lo, hi = shape.lower, shape.upper
        if isinstance(surface, Sphere):
            return _sphere_box_range(surface, lo, hi)
        s_lo, s_hi = _extent(surface)
        if np.any(s_lo > hi) or np.any(s_hi < lo):
            return 1.0, math.inf  # apart: outside the box throughout
        if np.all(s_lo > lo) and np.all(s_hi < hi):
            return -math.inf, -1.0  # strictly inside throughout
        return 0.0, 0.0
    raise TypeError(f"no 3D separation test for {type(shape).__name__}")


def _sphere_box_range(sphere: Sphere, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float]:
    """Outside throughout when the box is clear of the sphere or inside the open ball."""
    c, r = np.array(sphere.center), sphere.r
    if np.all(c - r > lo) and np.all(c + r < hi):
        return -math.inf, -1.0
    near = float(np.linalg.norm(np.maximum(np.maximum(lo - c, c - hi), 0)))
    far = float(np.linalg.norm(np.maximum(np.abs(lo - c), np.abs(hi - c))))
    return (near - r, math.inf) if near > r else ((r - far, math.inf) if far < r else (0.0, 0.0))


def _extent(surface: Face | Sphere) -> tuple[np.ndarray, np.ndarray]:
    """The surface's bounding box."""
    if isinstance(surface, Sphere):
        c = np.array(surface.center)
        return c - surface.r, c + surface.r
    lo, hi = np.full(3, surface.value), np.full(3, surface.value)
    lo[surface.others], hi[surface.others] = surface.lower, surface.upper
    return lo, hi


def _distance_range(surface: Face | Sphere, c: np.ndarray) -> tuple[float, float]:
    """Nearest and farthest distance from `c` to the surface."""
    if isinstance(surface, Sphere):
        d = float(np.linalg.norm(c - surface.center))
        return abs(d - surface.r), d + surface.r
    lo, hi = _extent(surface)
    near = float(np.linalg.norm(np.maximum(np.maximum(lo - c, c - hi), 0)))
    far = float(np.linalg.norm(np.maximum(np.abs(lo - c), np.abs(hi - c))))
    return near, far
