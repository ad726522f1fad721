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


def test_the_estimate_of_a_converged_run_is_small_and_not_below_the_error():
    solution = solve(POISSON)
    truth, estimate = solution.l2_relative_error["u"], solution.error_estimate["u"]
    assert truth < 1e-10
    assert truth / 2 < estimate < 1e-8


def test_fresh_points_are_new_points_for_the_same_blocks(midway):
    fresh = fresh_points(midway)
    assert [len(p) for p in fresh] == [len(p) for p in midway.points]
    interior = 0
    assert not np.isin(fresh[interior], midway.points[interior]).any()
    rms = midway.estimate["residual_rms"]
    assert len(rms) == len(midway.compiled.blocks) and all(v >= 0 for v in rms.values())
