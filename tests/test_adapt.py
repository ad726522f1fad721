"""Adaptive collocation (`adapt`): RAD's density, points moved to large residuals on
boxes and regions, exact counts, blocks with points of their own kept, and a run that
moves its points trains, ends on them, saves and loads them."""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl import analysis, prepare, solve
from pdedsl.least_squares import least_squares
from pdedsl.adapt import CANDIDATES, FLOOR, Resampler, density
from pdedsl.solution import Solution
from pdedsl.train import StopRules

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PEAKED = """x in [0, 1]
unknown u(x)
u_xx = -100*exp(-100*(x - 3/10)^2)
u = 0    on x = 0, x = 1
"""  # at the initial network the residual is about the source: large near x = 0.3


def test_density_is_residual_over_its_mean_plus_the_floor():
    r = np.array([0.0, 1.0, 3.0, -4.0])  # mean |r| = 2
    expected = np.array([0, 0.5, 1.5, 2.0]) + FLOOR
    assert density(r) == pytest.approx(expected / expected.sum())
    assert density(np.zeros(3)) == pytest.approx(np.full(3, 1 / 3))
    assert density(np.array([1.0, np.nan])) == pytest.approx([0.5, 0.5])


def _moved(path, **overrides):
    prepared = prepare(path, adapt=5, **overrides)
    resampler = Resampler.of(prepared.problem, prepared.compiled, prepared.config)
    points = [jnp.asarray(x) for x in prepared.points]
    return prepared, resampler, resampler.resample(prepared.ls, prepared.theta, points)


def test_points_move_to_where_the_residual_is_large():
    """The mean |r| over the new points is the density's mean of |r| over the candidates,
    (E|r|²/E|r| + E|r|)/2, above the candidates' plain mean."""
    prepared, resampler, moved = _moved(PEAKED)
    block = prepared.ls.blocks[0]  # the interior equation
    candidates = jnp.asarray(resampler.candidates_of(resampler.count)[0])

    def size(x):
        return np.abs(np.asarray(jax.vmap(block.residual, (None, 0))(prepared.theta, x)))

    r = size(candidates)
    assert len(moved[0]) == len(prepared.points[0])
    assert np.isin(np.asarray(moved[0]), candidates).all(axis=1).all()  # drawn from the candidates
    weighted = np.sum(density(r) * r)
    assert weighted > 1.2 * r.mean()
    assert size(moved[0]).mean() == pytest.approx(weighted, rel=0.1)
    assert size(prepared.points[0]).mean() < 0.8 * weighted  # the grid did not favour them
    x = np.asarray(moved[0])[:, 0]
    assert np.mean(np.abs(x - 0.3) < 0.1) > 1.5 * 0.2  # crowded around the source's peak


def test_blocks_with_points_of_their_own_keep_them():
    prepared, resampler, moved = _moved(EXAMPLES / "inverse_heat.pde")
    data = [k for k, b in enumerate(prepared.compiled.blocks) if b.points is not None]
    assert data and not set(data) & set(resampler.moving)
    for k in data:
        assert np.array_equal(np.asarray(moved[k]), np.asarray(prepared.points[k]))
    prepared, resampler, moved = _moved(EXAMPLES / "neumann1d.pde")
    at = [k for k, b in enumerate(prepared.compiled.blocks) if b.at is not None]
    assert at and np.array_equal(np.asarray(moved[at[0]]), prepared.points[at[0]])
    prepared, resampler, moved = _moved(EXAMPLES / "poisson2d_periodic.pde")
    mean = [k for k, b in enumerate(prepared.compiled.blocks) if b.reduces]
    assert mean and np.array_equal(np.asarray(moved[mean[0]]), prepared.points[mean[0]])


def test_moved_points_on_a_box_stay_on_their_faces_and_slices():
    prepared, _, moved = _moved(EXAMPLES / "heat.pde")
    names = list(prepared.problem.names)
    for block, before, after in zip(prepared.compiled.blocks, prepared.points, moved):
        after = np.asarray(after)
        assert after.shape == before.shape
        assert not np.array_equal(after, before)
        if block.face is not None:
            axis = names.index(block.face.variable)
            assert np.all(after[:, axis] == before[0, axis])
        bounds = np.array(prepared.problem.bounds())
        assert np.all((after >= bounds[:, 0]) & (after <= bounds[:, 1]))


def test_moved_points_on_a_region_stay_inside_and_on_its_boundary():
    prepared, _, moved = _moved(EXAMPLES / "poisson_disk.pde")
    shape = prepared.problem.region.shape
    for block, before, after in zip(prepared.compiled.blocks, prepared.points, moved):
        after = np.asarray(after)
        assert after.shape == before.shape
        if block.selectors:
            assert np.abs(shape.sdf(after[:, :2])).max() < 1e-12
            assert np.linalg.norm(after[:, 2:], axis=1) == pytest.approx(1.0)
        else:
            assert np.all(shape.sdf(after) < 0)


def test_after_a_move_the_stop_rules_count_from_the_new_loss():
    stop = StopRules(steps=10, tol=0.0, patience=2, seconds=np.inf)
    stop.start(1.0)
    assert stop.check(1e-7, 0.0) is None
    assert stop.check(1e-7, 0.0) is None  # one flat step
    stop.moved(1e-5)
    assert stop.flat_steps == 0 and stop.previous == 1e-5
    assert stop.check(1e-6, 0.0) is None  # progress on the new points


def test_a_run_that_moves_its_points_trains_and_keeps_them(tmp_path):
    initial = prepare(EXAMPLES / "poisson1d.pde").points
    solution = solve(EXAMPLES / "poisson1d.pde", adapt=5, steps=30)
    assert solution.l2_relative_error["u"] < 1e-7
    assert not np.array_equal(solution.points[0], initial[0])
    # the Green's function and the stop rules see the points the run ended on
    assert np.array_equal(analysis.collocation_points(solution)[0], solution.points[0])
    ls, theta = least_squares(solution.compiled, solution.points, solution.model)
    assert solution.loss == pytest.approx(float(ls.loss(theta)), rel=1e-6)
    loaded = Solution.load(solution.save(tmp_path / "run"))
    assert np.array_equal(analysis.collocation_points(loaded)[0], solution.points[0])


def test_a_run_saved_over_one_that_moved_its_points_does_not_load_them(tmp_path):
    moved = prepare(PEAKED, adapt=5, width=4, depth=1, interior=16)
    folder = Solution(problem=moved.problem, config=moved.config, model=moved.model,
                      points=moved.points).save(tmp_path / "run")
    still = prepare(EXAMPLES / "heat.pde", width=4, depth=1, interior=16, boundary=8)
    Solution(problem=still.problem, config=still.config, model=still.model,
             points=still.points).save(folder)  # the same folder, another problem
    assert Solution.load(folder).points == []  # its points are sampled, not the 1D run's

def test_candidates_are_many_more_than_the_points():
    prepared, resampler, _ = _moved(EXAMPLES / "poisson1d.pde")
    assert len(resampler.candidates_of(1)[0]) == CANDIDATES * len(prepared.points[0])
