"""Make the observation files of the inverse examples, from sources independent of pdedsl.

Run from anywhere: `python examples/data/make_data.py`. It writes, next to itself:

heat.csv      u = exp(-kappa pi^2 t) sin(pi x) with kappa = 1/4 (the heat equation's
              exact solution), at 50 scattered interior points of [0, 1] x [0, 1];
              noise-free. For examples/inverse_heat.pde.
reaction.csv  -u'' + k u = f on [0, 1] with the manufactured u = exp(x) sin(pi x) and
              k = 2, f = exp(x) ((pi^2 - 1 + k) sin(pi x) - 2 pi cos(pi x)); 50 points
              x uniform in (0, 1), values u(x) + eps with eps ~ N(0, sigma^2) independent,
              sigma = 1% of max |u| on [0, 1] (additive Gaussian noise). For
              examples/inverse_reaction.pde.
lorenz.csv    the Lorenz system x' = sigma (y - x), y' = x (rho - z) - y, z' = x y - beta z
              with sigma = 10, rho = 15, beta = 8/3 and x(0) = -8, y(0) = 7, z(0) = 27
              (DeepXDE's inverse Lorenz case), at the 61 times 0, 0.05, ..., 3, from
              scipy's DOP853 with rtol = atol = 1e-12; noise-free. For examples/lorenz.pde.

Every file is deterministic (fixed seeds) and written with the shortest digits that
read back as the very float that was computed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

HERE = Path(__file__).resolve().parent

HEAT_KAPPA = 0.25
REACTION_K = 2.0
REACTION_NOISE = 0.01  # standard deviation, as a fraction of max |u| on [0, 1]
LORENZ = {"sigma": 10.0, "rho": 15.0, "beta": 8.0 / 3.0}
LORENZ_START = (-8.0, 7.0, 27.0)
LORENZ_TIMES = np.linspace(0.0, 3.0, 61)


def heat_u(t, x):
    return np.exp(-HEAT_KAPPA * np.pi**2 * t) * np.sin(np.pi * x)


def heat_rows(count: int = 50, seed: int = 1):
    """(t, x, u) at `count` points drawn uniformly in the open square."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, 1.0, count)
    x = rng.uniform(0.0, 1.0, count)
    return ("t", "x", "u"), np.column_stack([t, x, heat_u(t, x)])


def reaction_u(x):
    return np.exp(x) * np.sin(np.pi * x)


def reaction_sigma() -> float:
    """The noise's standard deviation: 1% of max |u| (found on a fine grid)."""
    return REACTION_NOISE * float(np.max(np.abs(reaction_u(np.linspace(0, 1, 100001)))))


def reaction_rows(count: int = 50, seed: int = 2):
    """(x, u + noise) at `count` sorted points drawn uniformly in (0, 1)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, count))
    noisy = reaction_u(x) + reaction_sigma() * rng.standard_normal(count)
    return ("x", "u"), np.column_stack([x, noisy])


def lorenz_rhs(t, state, sigma, rho, beta):
    x, y, z = state
    return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]


def lorenz_solve(method: str = "DOP853", tol: float = 1e-12, times=LORENZ_TIMES):
    """The Lorenz trajectory at `times` (rows) as (x, y, z) columns."""
    solution = solve_ivp(lorenz_rhs, (0.0, float(times[-1])), LORENZ_START,
                         method=method, t_eval=times, rtol=tol, atol=tol,
                         args=(LORENZ["sigma"], LORENZ["rho"], LORENZ["beta"]))
    if not solution.success:
        raise RuntimeError(solution.message)
    return solution.y.T


def lorenz_rows():
    return ("t", "x", "y", "z"), np.column_stack([LORENZ_TIMES, lorenz_solve()])


def write_csv(path: Path, header, table) -> None:
    with open(path, "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for row in table:
            writer.writerow([repr(float(value)) for value in row])


FILES = {"heat.csv": heat_rows, "reaction.csv": reaction_rows, "lorenz.csv": lorenz_rows}


def main(folder: Path = HERE) -> None:
    for name, rows in FILES.items():
        write_csv(folder / name, *rows())


if __name__ == "__main__":
    main()
