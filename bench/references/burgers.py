"""Reference solution of viscous Burgers (bench/problems/burgers.pde), independent of pdedsl:
u_t + u u_x = ν u_xx on x in [-1, 1], t in [0, 1], u(x, 0) = -sin(πx), u(±1, t) = 0,
ν = 0.01/π.

Cole-Hopf: u = -2ν (log φ)_x with φ solving the heat equation, which gives (Basdevant
et al. 1986, the reference of the PINN literature)

    u(x, t) = -∫ sin(π(x - η)) f(x - η) e^{-η²/4νt} dη / ∫ f(x - η) e^{-η²/4νt} dη,
    f(y) = exp(-cos(πy) / (2πν)).

With η = √(4νt) z both integrals are Gauss-Hermite integrals in z. f spans e^{±50}, so
the exponents are summed relative to their largest. `NODES` nodes agree with twice as
many to 1e-12 on the whole domain (tests/test_references.py, which also checks the
equation by finite differences and against a Fourier spectral solver).
"""

from __future__ import annotations

import numpy as np
from scipy.special import roots_hermite

NU = 0.01 / np.pi
NODES = 400


def solution(t: np.ndarray, x: np.ndarray, nodes: int = NODES, nu: float = NU,
             block: int = 4096) -> np.ndarray:
    """u at the points (t, x) (arrays of one shape); u(x, 0) = -sin(πx) exactly."""
    t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
    shape = t.shape
    t, x = t.ravel(), x.ravel()
    z, w = roots_hermite(nodes)  # NumPy's hermgauss overflows beyond about 150 nodes
    out = -np.sin(np.pi * x)
    later = np.flatnonzero(t > 0)
    for start in range(0, len(later), block):
        k = later[start:start + block]
        y = x[k, None] - np.sqrt(4 * nu * t[k, None]) * z[None, :]
        exponent = -np.cos(np.pi * y) / (2 * np.pi * nu)
        weight = w * np.exp(exponent - exponent.max(axis=1, keepdims=True))
        out[k] = -(weight * np.sin(np.pi * y)).sum(axis=1) / weight.sum(axis=1)
    return out.reshape(shape)


def grid(times: int = 101, points: int = 401) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, x, u): u on the tensor grid of `times` times in [0, 1] and `points` x in [-1, 1]."""
    t, x = np.linspace(0, 1, times), np.linspace(-1, 1, points)
    tt, xx = np.meshgrid(t, x, indexing="ij")
    return t, x, solution(tt, xx)
