"""The error estimate without an exact solution, against the exact error it stands in for."""

from pathlib import Path

import numpy as np
import pytest

from pdedsl.api import solve
from pdedsl.estimate import fresh_points

POISSON = Path(__file__).resolve().parents[1] / "examples" / "poisson1d.pde"


@pytest.fixture(scope="module")
def midway():
    """A run stopped while its error is still large: the linearised correction is the error."""
    return solve(POISSON, steps=6)


def test_the_estimate_follows_the_error_of_an_unfinished_run(midway):
    truth, estimate = midway.l2_relative_error["u"], midway.error_estimate["u"]
    assert truth > 1e-3  # the run is far from done
    assert truth / 3 < estimate < 3 * truth


@pytest.mark.parametrize("name", ["poisson1d", "biharmonic1d"])
def test_the_estimate_of_a_converged_run_is_within_ten_times_the_error(name):
    """At the rounding floor too (a fourth derivative's residual is noisy between the
    points: random fresh points overestimated biharmonic1d's 2e-13 by 300 times)."""
    solution = solve(POISSON.with_name(f"{name}.pde"))
    truth, estimate = solution.l2_relative_error["u"], solution.error_estimate["u"]
    assert truth < 1e-10
    assert truth / 10 < estimate < 10 * truth


def test_the_estimate_keeps_the_directions_the_runs_cut_dropped():
    """On a torus the run's stall detector raises its cut to 1e-9 before the end, and the
    error it leaves (2e-11) lies in the directions that cut drops: filtered as the run's
    step, the estimate was 3e-4 of the truth."""
    solution = solve(POISSON.with_name("poisson2d_periodic.pde"))
    truth, estimate = solution.l2_relative_error["u"], solution.error_estimate["u"]
    assert solution.filter.rcond >= 1e-9  # the run's own cut: 400 times the estimate's
    assert truth / 3 < estimate < 3 * truth


def test_fresh_points_are_a_finer_grid_of_new_points_for_the_same_blocks(midway):
    fresh = fresh_points(midway)
    assert len(fresh) == len(midway.points)
    interior = 0
    assert len(fresh[interior]) == 193 and len(midway.points[interior]) == 128
    assert np.allclose(np.diff(fresh[interior][:, 0]), 1 / 194)
    assert not np.isin(fresh[interior], midway.points[interior]).any()
    rms = midway.estimate["residual_rms"]
    assert len(rms) == len(midway.compiled.blocks) and all(v >= 0 for v in rms.values())


def test_a_run_that_moved_its_points_is_measured_on_points_drawn_as_its_own_were():
    """Fresh points follow the residual's density (a grid would miss a front the run
    moved its points to): as many as the finer grid has, not on it, and more of them
    where the residual is large (here at the kink of poisson1d_kink's solution)."""
    from pdedsl.estimate import finer_grid
    from pdedsl.least_squares import least_squares

    moved = solve(POISSON.with_name("poisson1d_kink.pde"), steps=6, adapt=3)
    fresh = fresh_points(moved)
    grid = finer_grid(moved.problem, moved.config, moved.compiled.blocks)
    assert [len(p) for p in fresh] == [len(p) for p in grid]
    interior = 0
    assert not np.isin(fresh[interior], grid[interior]).all()

    def residuals(points):
        ls, theta = least_squares(moved.compiled, points, moved.model)
        block = ls.blocks[interior]
        return np.abs(np.asarray(block.values(theta, block.points)))

    # drawn with density ∝ |r|/m + 1 (m: the mean |r| over the domain, the grid's mean),
    # the mean |r| at the points is (E[r²]/m + m)/2; the draw is nearer that than m
    on_grid, drawn = residuals(grid), residuals(fresh)
    m = on_grid.mean()
    expected = (np.mean(on_grid**2) / m + m) / 2
    assert drawn.mean() > m + 0.5 * (expected - m)


LAYER = """\
x in [-1, 1]
const k = 20
unknown u(x)
-u_xx = 2*k^2*tanh(k*x)*(1 - tanh(k*x)^2)
u = tanh(k*x)      on x = -1, x = 1
exact u = tanh(k*x)
"""


@pytest.fixture(scope="module")
def too_few():
    """A layer of width 1/20 on 12 points: the network fits them, and is wrong between."""
    return solve(LAYER, interior=12, steps=30, refine=1)


def test_points_too_few_for_the_solution_are_told_with_what_to_do(too_few):
    assert too_few.l2_relative_error["u"] > 0.1  # wrong between the points ...
    assert too_few.loss < 1e-20  # ... that it fits
    assert too_few.estimate["residual_ratio"] > 1e6
    (warning,) = too_few.warnings
    assert "the points are too few for this solution" in warning
    assert warning.endswith("sample interior = 48, adapt = 25")


def test_a_run_with_too_few_points_trains_on_with_more(too_few):
    """By default (refine = 4) the same run goes on from where it ended, on four times
    the points moved by the residual: the steps and the history continue."""
    refined = solve(LAYER, interior=12, steps=30)
    assert refined.l2_relative_error["u"] < too_few.l2_relative_error["u"] / 1000
    assert refined.reason.startswith(f"refined after step {too_few.steps}, points too few")
    assert refined.steps > too_few.steps
    assert [row["step"] for row in refined.history] == list(range(1, refined.steps + 1))
    assert {k: refined.config.sample[k] for k in ("interior", "boundary", "adapt", "refine")} == \
        {"interior": 48, "boundary": 2, "adapt": 25, "refine": 1}
    assert refined.warnings == []


def test_a_smooth_solution_at_its_floor_gets_no_warning():
    solution = solve(POISSON)
    assert solution.l2_relative_error["u"] < 1e-12
    assert solution.estimate["residual_ratio"] < 10
    assert solution.warnings == []


@pytest.mark.slow
def test_the_advice_for_too_few_points_helps(too_few):
    """The settings the warning gives take the error down a thousandfold."""
    advised = solve(LAYER, interior=48, adapt=25, steps=60)
    assert advised.l2_relative_error["u"] < too_few.l2_relative_error["u"] / 1000
