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

On a region (`region_weights`) each point weighs its share of the region (the part
nearer to it than to any other point, counted on FINE times as many Sobol points), and
the least change to those weights makes them average every polynomial of degree MOMENTS
as MOMENT_POINTS Sobol points of the region do. Equal weights were off by the cells the
boundary cuts and by the grid's thinning to exactly n points: on the unit disk with 900
points, 1.2e-3 for the mean of x² - y² + xy (whose mean is 0), a shift that a pure
Neumann problem's solution took whole; the shares alone 7.6e-5, corrected 8.9e-6.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

SPLINE_DEGREE = 5
FINE, FINE_MOST = 128, 2**19  # a region's weights: Sobol points per point, and at most
MOMENTS, MOMENT_POINTS, MOMENT_BATCHES = 4, 2**22, 16  # polynomials averaged exactly


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


def region_weights(points: np.ndarray, bounds: np.ndarray, inside, seed: int) -> np.ndarray:
    """Weights (n,) summing to 1 such that Σ w_i f(x_i) ≈ the average of f over a region
    (`inside`: which rows of an array of points lie in it, `bounds` its box): each point's
    share of the region (its Voronoi cell clipped to it, counted on Sobol points), then
    corrected, by the least change, to average every polynomial of degree MOMENTS exactly
    as MOMENT_POINTS Sobol points do."""
    from scipy.spatial import cKDTree

    n, d = points.shape
    lower, extent = bounds[:, 0], bounds[:, 1] - bounds[:, 0]
    fine = _inside_sobol(min(FINE * n, FINE_MOST), lower, extent, inside, [seed, 0x9A])
    counts = np.bincount(cKDTree(points).query(fine)[1], minlength=n).astype(float)
    w = counts / counts.sum()
    moments = np.zeros(len(_basis(points[:1], lower, extent, d)))
    total = 0
    for k in range(MOMENT_BATCHES):  # the moments on many points, a batch at a time
        x = _inside_sobol(MOMENT_POINTS // MOMENT_BATCHES, lower, extent, inside, [seed, 0x9B, k])
        moments += _basis(x, lower, extent, d).sum(axis=1)
        total += len(x)
    A = _basis(points, lower, extent, d)
    correction = np.linalg.lstsq(A, moments / total - A @ w, rcond=None)[0]
    return w + correction


def _inside_sobol(m: int, lower, extent, inside, seed) -> np.ndarray:
    """Scrambled Sobol points of the box (2^k ≥ m of them) that lie in the region."""
    from scipy.stats import qmc

    unit = qmc.Sobol(len(lower), seed=np.random.default_rng(seed)).random_base2(
        int(np.ceil(np.log2(m))))
    x = lower + unit * extent
    return x[inside(x)]


def _basis(x: np.ndarray, lower, extent, d: int) -> np.ndarray:
    """Legendre products of total degree ≤ MOMENTS on the box, one row per function."""
    from itertools import product

    from numpy.polynomial import legendre

    s = 2 * (x - lower) / extent - 1
    values = [legendre.legvander(s[:, a], MOMENTS) for a in range(d)]
    rows = [np.prod([values[a][:, k] for a, k in enumerate(ks)], axis=0)
            for ks in product(range(MOMENTS + 1), repeat=d) if sum(ks) <= MOMENTS]
    return np.array(rows)
