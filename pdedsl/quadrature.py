"""Quadrature weights for a set of collocation points: the domain average of a mean
condition (`mean(u) = 0`) is Σ w_i f(x_i) over the interior points.

On a tensor grid (`method = grid`) the weights are a product of one rule per axis:

- a periodic axis holds the midpoints of equal cells (geometry.py): equal weights,
  exact for every trigonometric polynomial the grid resolves;
- any other axis holds the open grid a + jh, j = 1..m (h = L/(m + 1)): the weights
  integrate over [a, b] the degree-5 spline through the m values, extrapolated over the
  two end cells (error O(h⁶) for a smooth function). The plain average of those values
  would be off by O(1/m), since the end cells hold no point: enough to shift the
  solution of a pure Neumann problem by about 1/m.

Random points (`uniform`, `sobol`) get equal weights: the Monte Carlo (quasi-Monte
Carlo) average, with its error of order n^(-1/2) (about n^(-1)).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

SPLINE_DEGREE = 5


def weights(points: np.ndarray, bounds: np.ndarray, periodic: Sequence[bool],
            method: str) -> np.ndarray:
    """Weights (n,) summing to 1 such that Σ w_i f(x_i) ≈ the average of f over the box."""
    n, d = len(points), len(bounds)
    axes = [np.unique(points[:, a]) for a in range(d)]
    if method != "grid" or int(np.prod([len(a) for a in axes])) != n:
        return np.full(n, 1 / n)
    w = np.ones(n)
    for a, values in enumerate(axes):
        rule = np.full(len(values), 1 / len(values)) if periodic[a] else \
            axis_weights(values, *bounds[a])
        w *= rule[np.searchsorted(values, points[:, a])]
    return w


def axis_weights(x: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Weights (summing to 1) that average over [lower, upper] the spline through sorted x."""
    from scipy.interpolate import make_interp_spline  # only when a mean is asked for

    m = len(x)
    if m == 1:
        return np.ones(1)
    degree = min(SPLINE_DEGREE, m - 1)
    degree -= degree % 2 == 0  # odd degrees: knots at the points (not-a-knot ends)
    spline = make_interp_spline(x, np.eye(m), k=degree)
    return spline.integrate(lower, upper, extrapolate=True) / (upper - lower)
