"""The inverse examples reach their targets with their own settings and seed 0 (slow:
each is a full run), and the standard error is checked against the spread of fits
to independently drawn noise (Monte Carlo)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pdedsl import solve

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.slow


def test_heat_diffusivity_from_50_noise_free_points():
    solution = solve(EXAMPLES / "inverse_heat.pde")
    assert abs(solution.fitted["kappa"] - 0.25) <= 1e-6 * 0.25
    assert solution.uncertainty.warnings == []


def test_the_first_eigenvalue_from_guess_5_is_pi_squared():
    solution = solve(EXAMPLES / "eigenvalue.pde")
    lam = solution.fitted["lam"]
    assert abs(lam - np.pi**2) <= 1e-8 * np.pi**2, lam  # not 4 pi^2 = 39.5
    assert solution.l2_relative_error["u"] < 1e-6


def test_a_guess_in_the_second_valley_finds_the_second_eigenvalue():
    """The guess decides: 30 lies between the valleys' border near 21 and 4 pi^2."""
    text = (EXAMPLES / "eigenvalue.pde").read_text().replace("fit lam = 5", "fit lam = 30")
    text = text.replace("exact u = sin(pi*x)", "exact u = sin(2*pi*x)/2")
    solution = solve(text.replace("exact lam = pi^2", "exact lam = 4*pi^2"))
    assert abs(solution.fitted["lam"] - 4 * np.pi**2) <= 1e-6 * 4 * np.pi**2


def test_reaction_rate_from_one_percent_noise():
    solution = solve(EXAMPLES / "inverse_reaction.pde")
    k, error = solution.fitted["k"], solution.fitted_standard_error["k"]
    assert abs(k - 2) <= 0.02 * 2
    assert abs(k - 2) <= 1.96 * error  # the truth inside the 95 % interval
    assert error < 0.1 * 2  # and the interval says something


def test_lorenz_parameters_within_a_thousandth():
    """The run stops once every parameter is within 1e-4 (`target`): the question is
    whether the file's 400 steps get there."""
    solution = solve(EXAMPLES / "lorenz.pde", target=1e-4)
    for name, value in {"sigma": 10, "rho": 15, "beta": 8 / 3}.items():
        assert abs(solution.fitted[name] - value) <= 1e-3 * value, name


def test_the_standard_error_matches_the_spread_of_refits():
    """Eight data sets like inverse_reaction's (50 uniform points, 1 % Gaussian noise),
    each fitted: the standard deviation of the eight k against the mean reported
    standard error. With 8 fits the sample deviation is within a factor 0.55..1.45 of
    the true one with 95 % probability (chi-square, 7 degrees of freedom)."""
    rng = np.random.default_rng(2024)
    x_fine = np.linspace(0, 1, 10001)
    sigma = 0.01 * np.max(np.exp(x_fine) * np.sin(np.pi * x_fine))
    fitted, errors = [], []
    for _ in range(8):
        x = np.sort(rng.uniform(0, 1, 50))
        u = np.exp(x) * np.sin(np.pi * x) + sigma * rng.standard_normal(50)
        # 80 of the file's 150 steps: k and its standard error are the same to 1e-8
        solution = solve(EXAMPLES / "inverse_reaction.pde", data={"x": x, "u": u}, steps=80)
        fitted.append(solution.fitted["k"])
        errors.append(solution.fitted_standard_error["k"])
    spread = np.std(fitted, ddof=1)
    assert 0.5 * np.mean(errors) <= spread <= 1.6 * np.mean(errors), (spread, errors)
    assert abs(np.mean(fitted) - 2) <= 3 * np.mean(errors) / np.sqrt(8)
