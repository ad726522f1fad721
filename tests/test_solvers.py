"""The baselines (ENGD, Adam, L-BFGS) and the linear-algebra variants of the cut solve.

References are independent: NumPy's pseudo-inverse for the solves, the loss at the
start for the solvers.
"""

import math
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl.api import prepare
from pdedsl.language import PdeError
from pdedsl.least_squares import LeastSquares
from pdedsl.solvers import REGISTRY, Anagram, Engd, make_solver
from pdedsl.solvers import linalg
from pdedsl.solvers.engd import gram_solve
from pdedsl.train import StopRules, train



TINY = """
x in [0, 1]
unknown u(x)
-u_xx = pi^2*sin(pi*x)
u = 0 on x = 0, x = 1
exact u = sin(pi*x)
model mlp(width = 6, depth = 1)
sample interior = 24, boundary = 2, method = grid
"""


@pytest.fixture(scope="module")
def tiny():
    return prepare(TINY)


@pytest.mark.parametrize("name, steps", [("anagram", 5), ("engd", 5), ("adam", 300), ("lbfgs", 20)])
def test_each_solver_decreases_the_loss(tiny, name, steps):
    solver, _ = make_solver(name, {})
    result = train(tiny.ls, solver, tiny.theta, StopRules(steps, 0.0, 10**6, math.inf))
    start = float(tiny.ls.loss(tiny.theta))
    end = float(tiny.ls.loss(result.theta))
    assert result.status == "max_steps" and len(result.history) == steps
    assert end < 0.9 * start
    assert all(np.isfinite(row["loss"]) for row in result.history)


def test_second_order_solvers_reach_a_small_error(tiny):
    # From this start a fixed cut crawls (η ≈ 1e-3 for tens of steps): ANaGRAM's stall
    # detector searches its way out; ENGD needs a coarser cut than its default.
    for name, options in (("anagram", {}), ("engd", {"rcond": 1e-5})):
        solver, _ = make_solver(name, options)
        result = train(tiny.ls, solver, tiny.theta, StopRules(60, 0.0, 10**6, math.inf),
                       errors=tiny.errors(), error_names=("u",))
        assert min(row["l2_u"] for row in result.history) < 1e-4, name


def _full_rank_least_squares(n=40, p=10, seed=0) -> LeastSquares:
    """r(θ) = A tanh(θ) - b: a small nonlinear least-squares problem, Φ̂ of full column rank."""
    rng = np.random.default_rng(seed)
    A, b = jnp.asarray(rng.standard_normal((n, p))), jnp.asarray(rng.standard_normal(n))

    def residuals(theta):
        return A @ jnp.tanh(theta) - b

    def jacobian(theta):
        return residuals(theta), jax.jacfwd(residuals)(theta)

    return LeastSquares(residuals, jacobian, lambda theta: theta, n)


def test_engd_and_anagram_give_the_same_update_at_full_column_rank():
    ls = _full_rank_least_squares()
    theta = jnp.linspace(-1.0, 1.0, 10)
    r, J = ls.jacobian(theta)
    s = np.linalg.svd(np.asarray(J), compute_uv=False)
    assert s[-1] / s[0] > 1e-3  # full column rank, well conditioned
    reference = np.linalg.lstsq(np.asarray(J), np.asarray(r), rcond=None)[0]
    engd, *_ = gram_solve(J, r, 1e-10, None)
    anagram, *_ = linalg.solve(linalg.factor, J, r, 1e-10)
    scale = np.linalg.norm(reference)
    assert np.linalg.norm(anagram - reference) < 1e-10 * scale
    assert np.linalg.norm(engd - reference) < 1e-10 * scale
    # and whole steps: the same direction and the same line search give the same θ
    engd_solver, anagram_solver = Engd(rcond=1e-10), Anagram(rcond=1e-10, order=1, damping="none", stall_steps=0)
    theta_engd, _, info = engd_solver.step(ls, theta, engd_solver.init(ls, theta))
    theta_anagram, _, _ = anagram_solver.step(ls, theta, anagram_solver.init(ls, theta))
    assert np.allclose(theta_engd, theta_anagram, rtol=0, atol=1e-10)
    assert np.allclose(theta_engd, theta - info["eta"] * reference, rtol=0, atol=1e-10)


def _random(shape, rank=None, seed=0):
    rng = np.random.default_rng(seed)
    n, p = shape
    if rank is None:
        A = rng.standard_normal(shape)
    else:
        A = rng.standard_normal((n, rank)) @ rng.standard_normal((rank, p))
    return jnp.asarray(A), jnp.asarray(rng.standard_normal(n))


def _pinv_solve(A, r, rcond):
    return np.linalg.pinv(np.asarray(A), rcond=rcond) @ np.asarray(r)


@pytest.mark.parametrize("shape", [(60, 20), (20, 60)])
@pytest.mark.parametrize("name", sorted(linalg.VARIANTS))
def test_every_variant_matches_the_pseudo_inverse_on_a_well_conditioned_matrix(name, shape):
    A, r = _random(shape)
    delta, s, cut = linalg.solve(linalg.VARIANTS[name], A, r, 1e-8, None)
    reference = _pinv_solve(A, r, 1e-8)
    assert delta.shape == (shape[1],) and s.shape == (min(shape),)
    assert np.all(np.diff(np.asarray(s)) <= 1e-12 * s[0])  # descending
    assert np.allclose(s, np.linalg.svd(np.asarray(A), compute_uv=False), rtol=1e-10)
    assert np.linalg.norm(delta - reference) < 1e-9 * np.linalg.norm(reference)


@pytest.mark.parametrize("shape", [(60, 20), (20, 60)])
@pytest.mark.parametrize("name", sorted(linalg.VARIANTS))
def test_every_variant_drops_the_null_space_of_a_rank_deficient_matrix(name, shape):
    A, r = _random(shape, rank=8, seed=1)
    # the Gram side squares J: its σ are exact only above √ε σ_max, so a coarser cut
    rcond = 1e-6 if name == "gram_eigh" else 1e-10
    delta, s, cut = linalg.solve(linalg.VARIANTS[name], A, r, rcond, None)
    reference = _pinv_solve(A, r, rcond)
    assert int(np.sum(np.asarray(s) > cut)) == 8
    assert np.linalg.norm(delta - reference) < 1e-7 * np.linalg.norm(reference)


@pytest.mark.parametrize("shape", [(60, 20), (20, 60)])
@pytest.mark.parametrize("name", sorted(linalg.VARIANTS))
def test_every_factorisation_is_a_thin_svd(name, shape):
    A, _ = _random(shape, seed=2)
    U, s, Vt = linalg.VARIANTS[name](A)
    m = min(shape)
    assert U.shape == (shape[0], m) and s.shape == (m,) and Vt.shape == (m, shape[1])
    assert np.allclose((U * s) @ Vt, A, atol=1e-10)
    assert np.allclose(U.T @ U, np.eye(m), atol=1e-9)
    assert np.allclose(Vt @ Vt.T, np.eye(m), atol=1e-9)


def test_atol_is_an_absolute_cut():
    A, r = _random((30, 10))
    s = np.linalg.svd(np.asarray(A), compute_uv=False)
    atol = (s[4] + s[5]) / 2  # keeps five
    for f in linalg.VARIANTS.values():
        delta, _, cut = linalg.solve(f, A, r, 1e-8, atol)
        assert cut == atol
        U, _, Vt = np.linalg.svd(np.asarray(A), full_matrices=False)
        reference = Vt[:5].T @ ((U[:, :5].T @ np.asarray(r)) / s[:5])
        assert np.allclose(delta, reference, rtol=1e-7, atol=1e-10)


def test_registry_defaults_build_every_solver():
    for name in ("engd", "adam", "lbfgs"):
        solver, stop = make_solver(name, {})
        assert type(solver) is REGISTRY[name]
        assert stop["steps"] >= 1


class _ScriptedSolver:
    """A 'solver' whose losses are given: the stop rules see only the loss."""

    def __init__(self, losses):
        self.losses = jnp.asarray(losses)

    def init(self, ls, theta):
        return jnp.asarray(0)

    def step(self, ls, theta, k):
        return theta, k + 1, {"loss": self.losses[k]}

    def filter_of(self, info):
        return None


def _run(tiny, losses, patience=4):
    return train(tiny.ls, _ScriptedSolver(losses), tiny.theta,
                 StopRules(len(losses), 0.0, patience, math.inf))


def test_a_run_stops_at_its_floor_and_only_there(tiny):
    start = float(tiny.ls.loss(tiny.theta))
    drop = [start * 1e-2**k for k in range(1, 6)]  # a millionfold drop in 5 steps
    # Then no progress (rounding-level changes): it stops `patience` steps into the floor.
    flat = drop + [drop[-1] * (1 - 1e-6 * k) for k in range(1, 40)]
    result = _run(tiny, flat, patience=4)
    assert result.status == "converged" and "4 steps without progress" in result.reason
    assert len(result.history) == 5 + 4
    # A slow but steady fall that can still halve the loss in the steps left is progress:
    # 2 % a step (halving in 34 steps) runs to the budget.
    slow = drop + [drop[-1] * 0.98**k for k in range(1, 60)]
    result = _run(tiny, slow)
    assert result.status == "max_steps" and len(result.history) == len(slow)
    assert result.reason == f"ran all {len(slow)} steps"  # 0.98^16: not still falling
    # 0.2 % a step halves the loss in 346 steps: more than twice the 49 left once ten
    # steps of it are seen (step 15), so the run ends there; with 400 steps it goes on
    # while twice the steps left are more than 346, to step 227.
    crawl = [drop[-1] * 0.998**k for k in range(1, 400)]
    result = _run(tiny, (drop + crawl)[:64])
    assert result.status == "converged" and "too slow for the budget" in result.reason
    assert len(result.history) == 15 and "346 steps to halve, and 49 are left" in result.reason
    result = _run(tiny, drop + crawl[:395])
    assert result.status == "converged" and len(result.history) == 227
    # A fall of one rounding unit over the window is no fall at all (and no error).
    stop = StopRules(100, 0.0, 3, math.inf, initial_loss=1.0)
    stop.lowest = (1e-9,) * 10 + (np.nextafter(1e-9, 0),)
    assert "would take inf steps to halve" in stop._too_slow()
    # A large patience (Adam's is its step budget) waits as long before judging the rate.
    result = _run(tiny, (drop + crawl)[:64], patience=64)
    assert result.status == "max_steps" and len(result.history) == 64
    # A run that ran out of steps while its loss fell tenfold every 22 steps says by how
    # much it fell over its last quarter (16 of 64 steps): more steps would go on.
    falling = drop + [drop[-1] * 0.9**k for k in range(1, 60)]
    result = _run(tiny, falling)
    assert result.status == "max_steps"
    assert result.reason == (f"ran all {len(falling)} steps; its loss still fell "
                             f"{0.9**-16:.3g}-fold over the last 16 steps: more steps would go on")
    # Falls that shrink twentyfold a step: the loss converges, and the run stops once
    # the falls have shrunk `patience` times in a row (`patience` + 1 falls) and what is
    # left to gain is below 1e-4 of the loss.
    floor = drop[-1] / 2
    tail = drop + [floor * (1 + 0.05**k) for k in range(1, 40)]
    for patience in (3, 4):
        result = _run(tiny, tail, patience=patience)
        assert result.status == "converged" and "the loss converges to" in result.reason
        assert len(result.history) == 5 + patience + 1
    assert float(result.reason.split("converges to ")[1].split()[0]) == pytest.approx(floor, rel=1e-3)
    # A start that sits still (the loss not yet a millionth of its start) is no floor.
    still = [start * 0.9] * 30
    result = _run(tiny, still)
    assert result.status == "max_steps" and len(result.history) == len(still)
    assert "still fell" not in result.reason
    # float64 rounding: a loss 1e-26 of its start ends the run at once.
    rounding = drop + [start * 1e-27, start * 1e-28]
    result = _run(tiny, rounding)
    assert result.status == "converged" and "rounding" in result.reason
    assert len(result.history) == 6


def test_target_stops_at_the_first_step_whose_error_reaches_it(tiny):
    """`target` ends a run at the first step whose exact error is at or below it: every
    step before it was above, and a problem without `exact` is refused up front."""
    full = prepare(TINY, steps=40).train()
    errors = [row["l2_u"] for row in full.history]
    target = errors[len(errors) // 2] * 1.001  # reached in the middle of the full run
    first = next(k for k, e in enumerate(errors) if e <= target)
    stopped = prepare(TINY, steps=40, target=target).train()
    assert stopped.status == "converged" and "≤ target" in stopped.reason
    assert len(stopped.history) == first + 1
    assert stopped.l2_relative_error["u"] <= target < min(errors[:first])
    with pytest.raises(PdeError, match="the file gives none for u"):
        prepare(TINY.replace("exact u = sin(pi*x)", ""), target=1e-6)
