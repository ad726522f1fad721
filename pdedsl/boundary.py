"""The boundary of a region as pieces, each with its outward normal and its label.

Every primitive's boundary (a disk's circle, a polygon's edges, a box's faces) is a
candidate. A point on primitive P's boundary, with P's outward normal n, lies on the
region's boundary when the region differs on its two sides (just along -n and
along +n): each other primitive Q answers for a side by the sign of its signed
distance, or, where the point is also on Q's boundary (coincident edges), by the
direction of Q's normal. The region's outward normal there is n or -n, whichever
side is outside (on a removed shape, it points into the removed shape). A named
shape's boundary holds the point when that shape differs on the two sides.

In 2D every curve is cut exactly where other curves cross it, and each stretch
between cuts is decided at its midpoint: pieces are exact segments and arcs, with
exact lengths, and the area follows exactly from the divergence theorem. In 3D box
faces are cut into rectangles along the other primitives' extents; a rectangle (or
sphere) that no ball (no primitive) comes near, decided exactly, is decided at one
point and is exact; one that a ball cuts is decided point by point, and its area
measured by `SURFACE_SAMPLES` scrambled Sobol points (fixed seed; error about 1e-4
of its area), as is the volume's share of it.

Where primitives' boundaries coincide (an edge shared by two rectangles), the part
belongs to the first primitive in the order written. Pieces are ordered: primitives
in the order written, each primitive's curves in its own order (polygon: edge k from
vertex k to k+1; rectangle: y = y0, x = x1, y = y1, x = x0; annulus: outer then
inner circle; box: x = x0, x = x1, y = y0, y = y1, z = z0, z = z1), then along the
curve (a face's rectangles row by row). A point where pieces meet (a corner, an edge)
belongs to the first of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .curves import TAU, Arc, Face, Segment, Sphere, crossings, separated
from .shapes import Annulus, Ball, Box, Disk, Polygon, Rectangle, Shape, _Combination

SURFACE_SAMPLES = 2**16  # points that measure a cut 3D surface
PARALLEL = 1 - 1e-6  # |n·m| above this: two boundaries through a point coincide there


@dataclass(frozen=True)
class Piece:
    """A part of the region's boundary lying on one primitive curve or surface.

    2D: `curve` is the exact segment or arc. 3D: `curve` is a sphere or a rectangle
    of a box face; an `exact` piece is all of it, another the part of it that
    `Boundary.members` accepts.
    `names`: the named shapes whose boundary holds it. `sign`: the region's outward
    normal is `sign` times the curve's.
    """

    curve: Segment | Arc | Face | Sphere
    sign: float
    leaf: int
    names: frozenset[str]
    label: str
    measure: float
    flux: float
    exact: bool
    code: int = 0  # the names as bits, for deciding membership point by point

    def normal(self, x: np.ndarray) -> np.ndarray:
        return self.sign * self.curve.normal(x)


@dataclass(frozen=True)
class Boundary:
    region: Shape
    pieces: tuple[Piece, ...]
    tolerance: float

    @property
    def volume(self) -> float:
        """Area or volume, by the divergence theorem: (1/d) ∮ x·n."""
        return sum(p.flux for p in self.pieces) / self.region.dimension

    @property
    def exact(self) -> bool:
        return all(p.exact for p in self.pieces)

    def members(self, index: int, x: np.ndarray) -> np.ndarray:
        """Which points of the piece's surface belong to piece `index`."""
        piece = self.pieces[index]
        if piece.exact or self.region.dimension == 2:
            return np.ones(len(x), bool)
        side = classify(self.region, piece.leaf, x, piece.curve.normal(x), self.tolerance)
        return side.kept & (side.sign == piece.sign) & (side.code == piece.code)

    def locate(self, x: np.ndarray) -> np.ndarray:
        """The index of the piece holding each point (the first, at corners); -1 if none."""
        x = np.asarray(x, float)
        found = np.full(len(x), -1)
        for k, piece in enumerate(self.pieces):
            free = found < 0
            near = free & (piece.curve.distance(x) <= self.tolerance)
            if near.any():
                idx = np.flatnonzero(near)
                found[idx[self.members(k, x[idx])]] = k
        return found


@lru_cache(maxsize=64)
def boundary(region: Shape) -> Boundary:
    """The region's boundary pieces (cached: shapes are immutable)."""
    tol = region.tolerance
    if region.dimension == 2:
        return Boundary(region, tuple(_pieces_2d(region, tol)), tol)
    return Boundary(region, tuple(_pieces_3d(region, tol)), tol)


# ------------------------------------------------------------ classification
@dataclass
class Sides:
    kept: np.ndarray  # on the region's boundary, and owned by this primitive
    sign: np.ndarray  # +1: the region is on the -n side (n is outward), -1: on the +n side
    code: np.ndarray  # bit k: on the boundary of the k-th named shape (sorted by name)


def classify(region: Shape, leaf: int, x: np.ndarray, n: np.ndarray, tol: float) -> Sides:
    """Decide, for points `x` on primitive `leaf`'s boundary with its normal `n`."""
    bits = {name: 1 << k for k, name in enumerate(sorted(region.named()))}
    state = {"next": 0, "owned": np.ones(len(x), bool), "code": np.zeros(len(x), np.int64)}
    inner, outer = _sides(region, x, n, leaf, tol, bits, state)
    kept = (inner != outer) & state["owned"]
    return Sides(kept, np.where(inner, 1.0, -1.0), state["code"])


def _sides(shape, x, n, leaf, tol, bits, state):
    """Membership of `shape` just inside (-n) and just outside (+n) of each point."""
    if isinstance(shape, _Combination):
        a = _sides(shape.a, x, n, leaf, tol, bits, state)
        b = _sides(shape.b, x, n, leaf, tol, bits, state)
        op = {"union": np.logical_or, "intersect": np.logical_and,
              "minus": lambda p, q: p & ~q}[shape.word]
        inner, outer = op(a[0], b[0]), op(a[1], b[1])
    else:
        index, state["next"] = state["next"], state["next"] + 1
        if index == leaf:
            inner, outer = np.ones(len(x), bool), np.zeros(len(x), bool)
        else:
            s = shape.sdf(x)
            on = np.abs(s) <= tol
            dot = np.sum(shape.normal(x) * n, axis=1)
            inner, outer = np.where(on, dot > 0, s < 0), np.where(on, dot < 0, s < 0)
            if index < leaf:  # coincident with an earlier primitive: that one owns it
                state["owned"] &= ~(on & (np.abs(dot) > PARALLEL))
    if shape.name:
        state["code"] |= np.where(inner != outer, bits[shape.name], 0)
    return inner, outer


# ------------------------------------------------------------- primitives
def primitive_curves(shape: Shape) -> list[Segment | Arc | Face | Sphere]:
    """A primitive's boundary as curves (surfaces), each with its outward normal."""
    if isinstance(shape, Disk):
        return [Arc(shape.center, shape.r, 0.0, TAU, 1.0, "circle")]
    if isinstance(shape, Annulus):
        return [Arc(shape.center, shape.r_outer, 0.0, TAU, 1.0, "outer circle"),
                Arc(shape.center, shape.r_inner, 0.0, TAU, -1.0, "inner circle")]
    if isinstance(shape, Rectangle):
        (x0, y0), (x1, y1) = shape.lower, shape.upper
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return _edges(corners, 1.0, [f"y = {y0:g}", f"x = {x1:g}", f"y = {y1:g}", f"x = {x0:g}"])
    if isinstance(shape, Polygon):
        m = len(shape.vertices)
        return _edges(list(shape.vertices), shape.orientation, [f"edge {k + 1}" for k in range(m)])
    if isinstance(shape, Ball):
        return [Sphere(shape.center, shape.r, 1.0, "sphere")]
    if isinstance(shape, Box):
        faces = []
        for axis in range(3):
            others = [k for k in range(3) if k != axis]
            lo, hi = tuple(map(float, shape.lower[others])), tuple(map(float, shape.upper[others]))
            for value, sense in ((shape.lower[axis], -1.0), (shape.upper[axis], 1.0)):
                faces.append(Face(axis, float(value), lo, hi, sense, f"{'xyz'[axis]} = {value:g}"))
        return faces
    raise TypeError(f"{type(shape).__name__} is not a primitive")


def _edges(vertices, orientation: float, labels: list[str]) -> list[Segment]:
    out = []
    for k, (a, b) in enumerate(zip(vertices, vertices[1:] + vertices[:1])):
        e = np.subtract(b, a) / math.dist(a, b)
        normal = (float(orientation * e[1]), float(-orientation * e[0]))
        out.append(Segment(tuple(map(float, a)), tuple(map(float, b)), normal, labels[k]))
    return out


# ------------------------------------------------------------- 2D: exact cuts
def _pieces_2d(region: Shape, tol: float) -> list[Piece]:
    curves = [(i, c) for i, leaf in enumerate(region.leaves()) for c in primitive_curves(leaf)]
    boxes = np.array([_box(c) for _, c in curves])  # (curves, 2 corners, 2)
    apart = np.any((boxes[:, None, 0] > boxes[None, :, 1] + tol)
                   | (boxes[:, None, 1] < boxes[None, :, 0] - tol), axis=2)
    pieces = []
    for k, (i, curve) in enumerate(curves):
        cuts = [crossings(curve, other, tol) for m, (_, other) in enumerate(curves)
                if m != k and not apart[k, m]]
        pieces += _cut(region, i, curve, np.concatenate([np.zeros(0), *cuts]), tol)
    return pieces


def _box(curve: Segment | Arc) -> np.ndarray:
    """Lower and upper corner of a primitive curve's bounding box."""
    if isinstance(curve, Segment):
        return np.array([np.minimum(curve.a, curve.b), np.maximum(curve.a, curve.b)])
    return np.array(curve.center) + curve.r * np.array([[-1.0, -1.0], [1.0, 1.0]])


def _cut(region, leaf, curve, cuts, tol) -> list[Piece]:
    """Cut `curve` at `cuts`, decide each stretch at its midpoint, join equal neighbours."""
    u = np.unique(np.round(cuts, 13))
    closed = isinstance(curve, Arc) and curve.closed
    if not closed:
        u = np.concatenate([[0.0], u, [1.0]])
        spans = list(zip(u[:-1], u[1:]))
    else:
        spans = list(zip(u, np.append(u[1:], u[0] + 1))) if len(u) else [(0.0, 1.0)]
    spans = [(s, t) for s, t in spans if t - s > 1e-12]
    mid = curve.point(np.array([(s + t) / 2 for s, t in spans]))
    side = classify(region, leaf, mid, curve.normal(mid), tol)
    keys = list(zip(side.kept, side.sign, side.code))
    runs: list[list] = []
    for (s, t), key in zip(spans, keys):
        if runs and runs[-1][2] == key:
            runs[-1][1] = t
        else:
            runs.append([s, t, key])
    if closed and len(runs) > 1 and runs[0][2] == runs[-1][2]:
        s, _, key = runs.pop()
        runs[0] = [s, runs[0][1] + 1, key]
    leaf_shape = region.leaves()[leaf]
    names = {bit: name for bit, name in enumerate(sorted(region.named()))}
    out = []
    for s, t, (kept, sign, code) in runs:
        if kept:
            part = curve.sub(s, t) if (s, t) != (0.0, 1.0) else curve
            out.append(Piece(part, float(sign), leaf, _names(code, names),
                             f"{leaf_shape}: {curve.label}", part.measure,
                             float(sign) * part.flux(), True, int(code)))
    return out


def _names(code: int, names: dict[int, str]) -> frozenset[str]:
    return frozenset(name for bit, name in names.items() if code >> bit & 1)


# ------------------------------------------------------------- 3D: by points
def _pieces_3d(region: Shape, tol: float) -> list[Piece]:
    leaves = region.leaves()
    names = {bit: name for bit, name in enumerate(sorted(region.named()))}
    pieces = []
    for i, leaf in enumerate(leaves):
        for surface in primitive_curves(leaf):
            cells = _cells(surface, leaves) if isinstance(surface, Face) else [surface]
            for cell in cells:
                pieces += _decide_surface(region, i, cell, f"{leaf}: {surface.label}", names, tol)
    return _join_cells(pieces)


def _cells(face: Face, leaves) -> list[Face]:
    """The face cut along every other primitive's extent (box sides, ball's box).

    After these cuts no box's boundary passes through a cell's interior, so only
    balls can cut a cell.
    """
    cuts = []
    for k, axis in enumerate(face.others):
        ends = [face.lower[k], face.upper[k]]
        for q in leaves:
            lo, hi = (q.lower[axis], q.upper[axis]) if isinstance(q, Box) else q.bounds()[axis]
            ends += [v for v in (lo, hi) if face.lower[k] < v < face.upper[k]]
        cuts.append(np.unique(ends))
    return [Face(face.axis, face.value, (a0, b0), (a1, b1), face.sense, face.label)
            for b0, b1 in zip(cuts[1][:-1], cuts[1][1:])
            for a0, a1 in zip(cuts[0][:-1], cuts[0][1:])]


def _decide_surface(region, leaf, surface, label, names, tol) -> list[Piece]:
    """Pieces of one surface: whole if no ball (no primitive, for a sphere) comes near it."""
    from scipy.stats import qmc

    others = [q for j, q in enumerate(region.leaves())
              if j != leaf and (isinstance(surface, Sphere) or isinstance(q, Ball))]
    whole = all(separated(surface, q, tol) for q in others)
    u = np.full((1, 2), 0.5) if whole else qmc.Sobol(2, seed=7).random(SURFACE_SAMPLES)
    x = surface.point(u)
    side = classify(region, leaf, x, surface.normal(x), tol)
    pieces = []
    for sign, code in dict.fromkeys(zip(side.sign[side.kept], side.code[side.kept])):
        chosen = side.kept & (side.sign == sign) & (side.code == code)
        if whole:
            measure, flux = surface.measure, sign * surface.flux()
        else:
            outward = np.where(chosen, np.sum(x * surface.normal(x), axis=1), 0.0)
            measure, flux = surface.measure * chosen.mean(), sign * surface.measure * outward.mean()
        pieces.append(Piece(surface, float(sign), leaf, _names(int(code), names), label,
                            float(measure), float(flux), whole, int(code)))
    return pieces


def _join_cells(pieces: list[Piece]) -> list[Piece]:
    """Join whole neighbouring cells of a face row that agree into one rectangle."""
    out: list[Piece] = []
    for p in pieces:
        last = out[-1] if out else None
        if (last and p.exact and last.exact and isinstance(p.curve, Face)
                and isinstance(last.curve, Face) and last.leaf == p.leaf
                and (last.curve.axis, last.curve.value, last.sign, last.code)
                == (p.curve.axis, p.curve.value, p.sign, p.code)
                and last.curve.lower[1] == p.curve.lower[1]
                and last.curve.upper[1] == p.curve.upper[1]
                and last.curve.upper[0] == p.curve.lower[0]):
            face = Face(p.curve.axis, p.curve.value, last.curve.lower, p.curve.upper,
                        p.curve.sense, p.curve.label)
            out[-1] = Piece(face, p.sign, p.leaf, p.names, p.label, face.measure,
                            p.sign * face.flux(), True, p.code)
        else:
            out.append(p)
    return out


# ------------------------------------------------------------- figures
def outline(region: Shape, per_turn: int = 256) -> list[np.ndarray]:
    """The 2D region's boundary as polylines (k, 2), one per piece, for drawing."""
    if region.dimension != 2:
        raise ValueError("an outline is drawn for 2D regions only")
    return [p.curve.polyline(per_turn) if isinstance(p.curve, Arc) else p.curve.polyline()
            for p in boundary(region).pieces]


def mask(region: Shape, *grid: np.ndarray) -> np.ndarray:
    """Which points of a grid (d arrays of one shape, as from np.meshgrid) are in the region."""
    x = np.stack([np.ravel(g) for g in grid], axis=1)
    return region.contains(x).reshape(np.shape(grid[0]))
