"""Reference solution of -laplacian(u) = 1 on the unit square, u = 0 on its boundary
(bench/problems/poisson_square.pde), by its series, independent of pdedsl.

The double sine series u = Σ_{m,n odd} 16 / (π⁴ m n (m² + n²)) sin(mπx) sin(nπy)
converges slowly (its tail falls like 1/M²). Summed in closed form over n, it is

    u(x, y) = x(1 - x)/2 - Σ_{m odd} 4/(π³ m³) sin(mπx) cosh(mπ(y - 1/2)) / cosh(mπ/2),

whose terms fall like 1/m³ (and exponentially away from y = 0 and y = 1): `TERMS`
odd m leave a tail below 4/(π³) / (2 (2 TERMS)²) < 1e-10 everywhere, corners included.
tests/test_references.py checks it against the double series, against the equation
by finite differences, and against a finite element solution (scikit-fem).
"""

from __future__ import annotations

import numpy as np

TERMS = 20000  # odd m = 1, 3, ..., 39999


def solution(x: np.ndarray, y: np.ndarray, terms: int = TERMS, block: int = 2000) -> np.ndarray:
    """u at the points (x, y) (arrays of one shape), by the single series."""
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    shape = x.shape
    x, y = x.ravel(), y.ravel()
    s = np.abs(y - 0.5)
    total = np.zeros_like(x)
    for start in range(0, terms, block):  # a block of terms at a time: memory stays small
        m = 2.0 * np.arange(start, min(start + block, terms)) + 1
        # cosh(mπs)/cosh(mπ/2) without overflow: e^{mπ(s - 1/2)} (1 + e^{-2mπs}) / (1 + e^{-mπ})
        ratio = (np.exp(np.pi * np.outer(s - 0.5, m)) * (1 + np.exp(-2 * np.pi * np.outer(s, m)))
                 / (1 + np.exp(-np.pi * m)))
        total += (np.sin(np.pi * np.outer(x, m)) * ratio) @ (4 / (np.pi**3 * m**3))
    return (x * (1 - x) / 2 - total).reshape(shape)


def double_series(x: np.ndarray, y: np.ndarray, terms: int) -> np.ndarray:
    """u by the double sine series with `terms` odd m and n each (a check: slow, and
    accurate only to about 1/terms²)."""
    m = 2.0 * np.arange(terms) + 1
    coefficients = 16 / (np.pi**4 * np.outer(m, m) * (m[:, None] ** 2 + m[None, :] ** 2))
    sx = np.sin(np.pi * np.outer(np.ravel(x), m))
    sy = np.sin(np.pi * np.outer(np.ravel(y), m))
    return np.einsum("pm,mn,pn->p", sx, coefficients, sy).reshape(np.shape(x))
