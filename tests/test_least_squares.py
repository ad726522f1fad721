"""The least-squares view and the ANaGRAM step, against plain NumPy references."""

import math
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl.api import prepare
from pdedsl.solvers.anagram import Anagram

POISSON = """
x in [0, 1]
unknown u(x)
-u_xx = pi^2*sin(pi*x)
u = 0 on x = 0, x = 1
exact u = sin(pi*x)
"""


@pytest.fixture(scope="module")
def small():
    return prepare(POISSON, width=6, depth=1, interior=12, seed=1)


def test_loss_is_the_seeds_loss(small):
    """L = Σ_b 1/(2 N_b) Σ_i r_b,i²: interior 12 points, the condition 2 points."""
    r = np.asarray(small.ls.residuals(small.theta))
    assert r.shape == (14,)
    model = small.ls.to_model(small.theta)
    raw = np.concatenate([
        [float(block.residual(model, jnp.asarray(p))) for p in points]
        for block, points in zip(small.compiled.blocks, small.points)
    ])
    expected = 0.5 * np.mean(raw[:12] ** 2) + 0.5 * np.mean(raw[12:] ** 2)
    assert float(small.ls.loss(small.theta)) == pytest.approx(expected, rel=1e-12)


def test_jacobian_matches_finite_differences(small):
    r, J = small.ls.jacobian(small.theta)
    np.testing.assert_allclose(r, small.ls.residuals(small.theta), rtol=1e-12)
    h = 1e-6
    for p in [0, 5, len(small.theta) - 1]:
        e = jnp.zeros_like(small.theta).at[p].set(h)
        column = (small.ls.residuals(small.theta + e) - small.ls.residuals(small.theta - e)) / (2 * h)
        np.testing.assert_allclose(J[:, p], column, rtol=1e-6, atol=1e-7)


def numpy_anagram_step(ls, theta, rcond):
    """The ANaGRAM step (Schwencke & Furtlehner, ICLR 2025), written out in NumPy."""
    r, J = (np.asarray(a) for a in ls.jacobian(theta))
    U, s, Vt = np.linalg.svd(J, full_matrices=False)
    keep = s > rcond * s[0]
    delta = Vt[keep].T @ ((U[:, keep].T @ r) / s[keep])
    losses = [float(ls.loss(theta - 2.0**-k * delta)) for k in range(31)]
    eta = 2.0 ** -int(np.argmin(losses))
    return np.asarray(theta) - eta * delta, eta, int(keep.sum())


@pytest.mark.parametrize("rcond", [1e-3, 1e-8])
def test_anagram_step_matches_numpy_reference(small, rcond):
    solver = Anagram(rcond=rcond, order=1, damping="none", stall_steps=0)
    theta, _, info = solver.step(small.ls, small.theta, solver.init(small.ls, small.theta))
    expected, eta, rank = numpy_anagram_step(small.ls, small.theta, rcond)
    assert float(info["eta"]) == eta
    assert int(info["rank"]) == rank
    np.testing.assert_allclose(theta, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("solver", ["anagram", "engd", "lbfgs", "adam"])
def test_float32_stays_float32_and_trains(solver):
    """`dtype = float32` end to end: r, Φ̂ and θ stay float32 (one float64 scalar used to
    promote them, and the compiled step then refused its own float32 θ), and the run
    lowers the loss."""
    from pdedsl.solvers import make_solver
    from pdedsl.train import StopRules, train

    prepared = prepare(POISSON, width=8, depth=1, interior=16, seed=0, dtype="float32")
    r, J = prepared.ls.jacobian(prepared.theta)
    assert prepared.theta.dtype == r.dtype == J.dtype == jnp.float32
    built, stop = make_solver(solver, {"steps": 10})
    result = train(prepared.ls, built, prepared.theta, StopRules(**stop))
    assert result.theta.dtype == jnp.float32
    assert result.status != "diverged"
    assert result.loss < float(prepared.ls.loss(prepared.theta))
