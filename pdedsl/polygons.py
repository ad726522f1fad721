"""Polygon arithmetic: the nearest edge of a point, inside by crossings, simplicity.

Vertices are a (m, 2) array; edge k runs from vertex k to vertex k+1 (the last edge
closes the polygon).
"""

from __future__ import annotations

import numpy as np


CHUNK = 2**21  # point-edge pairs per step: bounds the memory (~100 MB) for many points


def nearest_edge(vertices: np.ndarray, x: np.ndarray):
    """(distance, closest point, edge index, inside) for each point of `x` (n, 2).

    Inside is decided by the even-odd rule (a ray towards +x), which for a simple
    polygon is membership; points on an edge get distance 0 whatever the rule says.
    """
    step = max(1, CHUNK // len(vertices))
    if len(x) <= step:
        return _nearest_edge(vertices, x)
    parts = [_nearest_edge(vertices, x[k:k + step]) for k in range(0, len(x), step)]
    return tuple(np.concatenate(column) for column in zip(*parts))


def _nearest_edge(vertices: np.ndarray, x: np.ndarray):
    a = vertices[None, :, :]
    e = np.roll(vertices, -1, axis=0)[None, :, :] - a
    rel = x[:, None, :] - a
    t = np.clip(np.sum(rel * e, axis=2) / np.sum(e * e, axis=2), 0.0, 1.0)
    foot = a + t[:, :, None] * e
    d2 = np.sum((x[:, None, :] - foot) ** 2, axis=2)
    edge = np.argmin(d2, axis=1)
    rows = np.arange(len(x))
    ay, by = a[..., 1], a[..., 1] + e[..., 1]
    y = x[:, 1:2]
    straddles = (ay > y) != (by > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing_x = a[..., 0] + e[..., 0] * (y - ay) / e[..., 1]
    crossings = np.sum(straddles & (x[:, 0:1] < crossing_x), axis=1)
    return np.sqrt(d2[rows, edge]), foot[rows, edge], edge, crossings % 2 == 1


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]


def segments_meet(a, b, c, d, eps: float) -> np.ndarray:
    """Whether closed segments ab and cd share a point (arrays of pairs, (..., 2) each).

    Orientation tests with a tolerance `eps` on the cross products; collinear
    segments meet when their projections on the line overlap.
    """
    o1, o2 = _cross(b - a, c - a), _cross(b - a, d - a)
    o3, o4 = _cross(d - c, a - c), _cross(d - c, b - c)
    proper = (o1 * o2 <= eps**2) & (o3 * o4 <= eps**2)
    collinear = (np.abs(o1) <= eps) & (np.abs(o2) <= eps)
    direction = b - a
    s = [np.sum((p - a) * direction, axis=-1) / np.sum(direction**2, axis=-1) for p in (c, d)]
    overlap = (np.maximum(s[0], s[1]) >= 0) & (np.minimum(s[0], s[1]) <= 1)
    return np.where(collinear, overlap, proper & ~(collinear))


def check_simple(vertices: np.ndarray) -> None:
    """Raise ValueError unless the polygon is simple: no repeated vertex, no crossing."""
    m = len(vertices)
    scale = float(np.max(np.ptp(vertices, axis=0)))
    for i in range(m):
        same = np.flatnonzero(np.all(vertices[i + 1:] == vertices[i], axis=1))
        if len(same):
            j = i + 1 + same[0]
            raise ValueError(f"polygon vertices {i + 1} and {j + 1} are the same point "
                             f"{_show(vertices[i])}")
    w = np.roll(vertices, -1, axis=0)
    eps = 1e-12 * scale**2
    if np.all(np.abs(_cross(vertices - vertices[0], vertices[1] - vertices[0])) <= eps):
        raise ValueError("the polygon has zero area (its vertices lie on one line)")
    i, j = np.triu_indices(m, k=1)
    adjacent = (j == i + 1) | ((i == 0) & (j == m - 1))
    meet = segments_meet(vertices[i], w[i], vertices[j], w[j], eps)
    # Neighbouring edges share a vertex; they cross only by folding back on themselves.
    ei, ej = w[i] - vertices[i], w[j] - vertices[j]
    folds = (np.abs(_cross(ei, ej)) <= eps) & (np.sum(ei * ej, axis=1) < 0)
    bad = np.flatnonzero(np.where(adjacent, folds, meet))
    if len(bad):
        k, l = i[bad[0]], j[bad[0]]
        raise ValueError(
            f"the polygon crosses itself: edge {k + 1} (from {_show(vertices[k])} to "
            f"{_show(w[k])}) meets edge {l + 1} (from {_show(vertices[l])} to {_show(w[l])})")


def _show(p) -> str:
    """A point as the user would write it: (1, 0.5)."""
    return "(" + ", ".join(f"{v:g}" for v in p) + ")"
