"""Reference solution of examples/allen_cahn_periodic.pde by a Fourier pseudo-spectral
method, independent of pdedsl: u_t = eps u_xx + u - u^3 on the periodic x in [-1, 1],
t in [0, 1], u(0, x) = u0(x).

Space: N Fourier modes (the solution is smooth: its interfaces are about sqrt(2 eps)
wide, resolved by tens of points). Time: ETDRK4 (Cox & Matthews 2002) with the
contour-integral coefficients of Kassam & Trefethen (2005), the linear part eps u_xx
exact. The run checks itself: against the same scheme at twice the modes and half the
step, and against scipy's solve_ivp (DOP853, rtol 1e-12) on the same modes; it fails
if they differ by more than 1e-10. It writes allen_cahn_periodic.npz beside itself:
t (nt,), x (nx,) and u (nt, nx) on a coarser grid than it computes on.

    .venv/bin/python bench/references/allen_cahn_periodic.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

EPS = 0.01  # the file's const eps
LOWER, UPPER, T = -1.0, 1.0, 1.0
SAVED_TIMES, SAVED_POINTS = 41, 128  # the stored grid: t = 0, 0.025, ..., 1; x = -1, ..., 1 - 1/64
AGREE = 1e-10


def initial(x: np.ndarray) -> np.ndarray:
    """The file's initial condition."""
    return 0.5 * np.sin(np.pi * x) + 0.25 * np.cos(2 * np.pi * x)


def wavenumbers(n: int) -> np.ndarray:
    return 2 * np.pi / (UPPER - LOWER) * np.fft.fftfreq(n, 1 / n)


def nonlinear(v: np.ndarray) -> np.ndarray:
    """The Fourier coefficients of u - u^3 for the coefficients v."""
    u = np.fft.ifft(v).real
    return np.fft.fft(u - u**3)


def etdrk4(n: int, steps: int) -> np.ndarray:
    """u at the SAVED_TIMES on the n-point grid, by `steps` ETDRK4 steps over [0, T]."""
    x = LOWER + (UPPER - LOWER) * np.arange(n) / n
    h = T / steps
    L = -EPS * wavenumbers(n) ** 2
    E, E2 = np.exp(h * L), np.exp(h * L / 2)
    roots = np.exp(1j * np.pi * (np.arange(1, 65) - 0.5) / 64)  # contour points
    LR = h * L[:, None] + roots[None, :]
    Q = h * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = h * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, axis=1))
    f2 = h * np.real(np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR**3, axis=1))
    f3 = h * np.real(np.mean((-4 - 3 * LR - LR**2 + np.exp(LR) * (4 - LR)) / LR**3, axis=1))
    v = np.fft.fft(initial(x))
    every = steps // (SAVED_TIMES - 1)
    saved = [np.fft.ifft(v).real]
    for step in range(1, steps + 1):
        Nv = nonlinear(v)
        a = E2 * v + Q * Nv
        Na = nonlinear(a)
        b = E2 * v + Q * Na
        Nb = nonlinear(b)
        c = E2 * a + Q * (2 * Nb - Nv)
        Nc = nonlinear(c)
        v = E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3
        if step % every == 0:
            saved.append(np.fft.ifft(v).real)
    return np.array(saved)


def method_of_lines(n: int) -> np.ndarray:
    """The same modes integrated by solve_ivp (DOP853), as a check on the time stepper."""
    x = LOWER + (UPPER - LOWER) * np.arange(n) / n
    k2 = wavenumbers(n) ** 2

    def rhs(_, u):
        uxx = np.fft.ifft(-k2 * np.fft.fft(u)).real
        return EPS * uxx + u - u**3

    times = np.linspace(0, T, SAVED_TIMES)
    done = solve_ivp(rhs, (0, T), initial(x), method="DOP853", t_eval=times, rtol=1e-12, atol=1e-13)
    return done.y.T


def main() -> None:
    n, steps = 256, 4000
    u = etdrk4(n, steps)
    finer = etdrk4(2 * n, 2 * steps)[:, ::2]
    lines = method_of_lines(n)
    for name, other in (("twice the modes, half the step", finer), ("solve_ivp", lines)):
        difference = np.max(np.abs(u - other))
        print(f"max difference from {name}: {difference:.1e}")
        assert difference < AGREE, name
    stride = n // SAVED_POINTS
    x = LOWER + (UPPER - LOWER) * np.arange(n) / n
    path = Path(__file__).with_suffix(".npz")
    np.savez_compressed(path, t=np.linspace(0, T, SAVED_TIMES), x=x[::stride], u=u[:, ::stride],
                        eps=EPS)
    print(f"wrote {path}: u from {u.min():.3f} to {u.max():.3f}")


if __name__ == "__main__":
    main()
