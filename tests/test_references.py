"""The references of problems without a closed form (bench/references), each checked
against something computed another way: the series of -Δu = 1 against the double sine
series, the equation by finite differences and a finite element solution; the Cole-Hopf
solution of Burgers against the equation by finite differences, a published value and a
Fourier spectral solver."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"reference_{name}",
                                                  ROOT / "bench" / "references" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


square = _module("poisson_square")
burgers = _module("burgers")


def test_the_square_series_agrees_with_the_double_sine_series():
    rng = np.random.default_rng(0)
    x, y = rng.random(100), rng.random(100)
    x, y = np.append(x, [1e-3, 0.5, 0.999]), np.append(y, [2e-3, 0.5, 0.5])
    single = square.solution(x, y)
    # the double series' tail with 1000 odd terms a side is about 1e-8
    assert np.abs(single - square.double_series(x, y, 1000)).max() < 3e-8
    assert np.abs(single - square.double_series(x, y, 100)).max() > 1e-7  # the check can fail
    assert single[-2] == pytest.approx(0.0736713532815138, abs=1e-12)  # u(1/2, 1/2)


def test_the_square_series_solves_the_equation_by_finite_differences():
    rng = np.random.default_rng(1)
    x, y = 0.05 + 0.9 * rng.random(60), 0.05 + 0.9 * rng.random(60)
    h = 1e-2  # fourth-order 9-point stencils along each axis
    c = np.array([-1, 16, -30, 16, -1]) / (12 * h * h)
    laplacian = sum(ck * (square.solution(x + (k - 2) * h, y) + square.solution(x, y + (k - 2) * h))
                    for k, ck in enumerate(c))
    assert np.abs(-laplacian - 1).max() < 1e-6
    edge = np.linspace(0, 1, 41)
    for u in (square.solution(edge, 0 * edge), square.solution(edge, 1 + 0 * edge),
              square.solution(0 * edge, edge), square.solution(1 + 0 * edge, edge)):
        assert np.abs(u).max() < 1e-9


def test_the_square_series_agrees_with_finite_elements():
    from skfem import Basis, BilinearForm, ElementTriP2, LinearForm, MeshTri, condense, solve
    from skfem.helpers import dot, grad

    @BilinearForm
    def stiffness(u, v, _):
        return dot(grad(u), grad(v))

    @LinearForm
    def load(v, _):
        return v

    basis = Basis(MeshTri.init_sqsymmetric().refined(5), ElementTriP2())
    u = solve(*condense(stiffness.assemble(basis), load.assemble(basis), D=basis.get_dofs()))
    points = np.random.default_rng(2).random((2, 300))
    fem = basis.probes(points) @ u
    error = np.abs(fem - square.solution(*points))
    # P2 on h = 1/32: 4e-8 typically, 4e-6 beside a corner, where the solution is singular
    assert np.median(error) < 2e-7 and error.max() < 1e-5


def test_cole_hopf_converges_in_the_number_of_nodes():
    rng = np.random.default_rng(3)
    t, x = rng.random(500), 2 * rng.random(500) - 1
    t, x = np.append(t, [1, 1, 1e-4, 0.3]), np.append(x, [0, 1e-3, 0.2, -1e-3])
    assert np.abs(burgers.solution(t, x) - burgers.solution(t, x, nodes=800)).max() < 1e-12
    assert np.abs(burgers.solution(t, x, nodes=40) - burgers.solution(t, x)).max() > 1e-8


def test_cole_hopf_has_the_published_steepest_slope():
    """Basdevant et al. (1986): |u_x| is largest at x = 0, t = 1.6037/π, where it is 152.00516."""
    t, h = 1.6037 / np.pi, 1e-7
    slope = (burgers.solution(t, h) - burgers.solution(t, -h)) / (2 * h)
    assert slope == pytest.approx(-152.00516, abs=1e-4)


def test_cole_hopf_solves_burgers_by_finite_differences():
    rng = np.random.default_rng(4)
    t, x = 0.05 + 0.9 * rng.random(40), 2 * rng.random(40) - 1
    t, x = np.append(t, [0.5, 0.9]), np.append(x, [0.01, -0.02])  # in the shock
    h, k = 1e-4, 1e-4

    def u(dt, dx):
        return burgers.solution(t + dt, x + dx)

    ut = (u(k, 0) - u(-k, 0)) / (2 * k)
    ux = (u(0, h) - u(0, -h)) / (2 * h)
    uxx = (u(0, h) - 2 * u(0, 0) + u(0, -h)) / h**2
    scale = np.abs(ut) + np.abs(u(0, 0) * ux) + burgers.NU * np.abs(uxx)
    residual = ut + u(0, 0) * ux - burgers.NU * uxx
    assert np.abs(residual / scale).max() < 1e-4
    assert np.abs(burgers.solution(t, -1 + 0 * t)).max() < 1e-12
    assert np.abs(burgers.solution(t, 1 + 0 * t)).max() < 1e-12


def test_cole_hopf_agrees_with_a_spectral_solver():
    """-sin(πx) is odd and 2-periodic, and so is the solution: u(±1, t) = 0 holds by
    symmetry, so the periodic problem (Fourier modes, integrating-factor RK4) is the same."""
    n, dt, end = 1024, 2e-4, 0.5
    x = -1 + 2 * np.arange(n) / n
    k = np.pi * np.fft.fftfreq(n, 1 / n)
    half = np.exp(-burgers.NU * k**2 * dt / 2)

    def advection(v):
        return -0.5j * k * np.fft.fft(np.fft.ifft(v).real ** 2)

    v = np.fft.fft(-np.sin(np.pi * x))
    for _ in range(round(end / dt)):
        a = advection(v)
        b = advection(half * (v + dt / 2 * a))
        c = advection(half * v + dt / 2 * b)
        d = advection(half * half * v + dt * half * c)
        v = half * half * v + dt / 6 * (half * half * a + 2 * half * (b + c) + d)
    spectral = np.fft.ifft(v).real
    assert np.abs(spectral - burgers.solution(np.full(n, end), x)).max() < 1e-6
