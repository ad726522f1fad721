"""Periodic variables by construction: the field and all its derivatives take the same
values at the two ends of a periodic variable's range, whatever the parameters."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl import Solution, solve
from pdedsl.api import prepare
from pdedsl.compile import derivative
from pdedsl.geometry import box_points
from pdedsl.model import make_model

BOUNDS = np.array([[0.3, 1.7], [-1.0, 2.0]])  # x periodic with period 1.4; y not
DERIVATIVES = [(), (0,), (0, 0), (0, 1), (1,), (0, 0, 0), (0, 0, 1, 1), (0, 0, 0, 0)]

ADVECTION = """
time t in [0, 1]
x in [0, 1]
periodic x
unknown u(t, x)
u_t + u_x = 0
u = sin(2*pi*x) on t = 0
exact u = sin(2*pi*(x - t))
"""


@pytest.fixture(scope="module")
def field():
    model = make_model(BOUNDS, [(0, 1)], width=12, depth=2, activation="tanh",
                       dtype="float64", init="normal", key=jax.random.PRNGKey(4), periodic=(0,))
    return model.fields[0]


@pytest.mark.parametrize("axes", DERIVATIVES, ids=lambda a: "d" + "".join(map(str, a)))
def test_the_field_and_its_derivatives_are_periodic(field, axes):
    """Nested jvps flow through the cos/sin features: each derivative at x = a and
    x = a + L agrees to rounding, while it is not constant along x (so the test bites)."""
    f = eqx.filter_jit(lambda x: derivative(field, axes)(x))
    for y in (-0.8, 0.4, 1.9):
        lower = float(f(jnp.array([0.3, y])))
        upper = float(f(jnp.array([1.7, y])))
        middle = float(f(jnp.array([0.9, y])))
        scale = max(1.0, abs(lower))
        assert abs(upper - lower) <= 1e-12 * scale, (axes, y, lower, upper)
        assert abs(middle - lower) > 1e-6 * scale


def test_a_field_not_declared_periodic_is_not():
    model = make_model(BOUNDS, [(0, 1)], width=12, depth=2, activation="tanh",
                       dtype="float64", init="normal", key=jax.random.PRNGKey(4))
    f = jax.jit(lambda x: model.fields[0](x))
    assert abs(float(f(jnp.array([0.3, 0.4]))) - float(f(jnp.array([1.7, 0.4])))) > 1e-6


def test_the_network_reads_cos_and_sin_of_the_periodic_variable():
    prepared = prepare(ADVECTION, width=5, depth=1, interior=16, boundary=4)
    field = prepared.model.fields[0]
    assert field.periodic == (False, True)
    assert field.mlp.layers[0].weight.shape == (5, 3)  # t, cos, sin


def test_the_grid_of_a_periodic_axis_is_evenly_spaced_across_the_seam():
    rng = np.random.default_rng(0)
    points = box_points(np.array([[0.0, 2.0]]), 8, "grid", rng, open_grid=True, periodic=[True])
    x = np.sort(points[:, 0])
    gaps = np.diff(np.concatenate([x, [x[0] + 2.0]]))
    np.testing.assert_allclose(gaps, 0.25, rtol=1e-14)
    assert x[0] == pytest.approx(0.125)


def test_a_checkpoint_rebuilds_the_periodic_model(tmp_path):
    solution = solve(ADVECTION, steps=2, width=6, depth=1, interior=25, boundary=5)
    x = np.random.default_rng(1).random((40, 2))
    before = solution.predict(x)["u"]
    solution.save(tmp_path)
    loaded = Solution.load(tmp_path)
    assert loaded.model.fields[0].periodic == (False, True)
    np.testing.assert_array_equal(loaded.predict(x)["u"], before)
