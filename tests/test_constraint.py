"""`constraint = exact`: value conditions built into the network, u = g + φ·N. On the
parts they hold on u equals the data whatever the weights; φ vanishes there, is positive
inside and smooth (finite second derivatives); conditions on derivatives are untouched."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl import geometry
from pdedsl.config import configure
from pdedsl.constraint import Constrained, _value_condition
from pdedsl.language import parse
from pdedsl.model import build_model
from pdedsl.sampling import boundary_points

PLATE = """region plate = rectangle((-1/2, -1/2), (1/2, 1/2))
region hole = disk((1/5, 0), 1/10)
(x, y) in (plate minus hole) minus polygon((-1/2, 1/2), (-1/5, 1/2), (-1/2, 1/5))
unknown u(x, y)
laplacian(u) = 0
u = 1 + x*y     on plate
u = -2          on hole
dn(u) = 0       on boundary
"""


def constrained(text, **overrides):
    problem, config = configure(parse(text), {"constraint": "exact", "width": 6, "depth": 1,
                                              **overrides})
    return problem, build_model(problem, config)


def test_on_each_part_u_is_its_data_whatever_the_weights():
    problem, model = constrained(PLATE)
    shape = problem.region.shape
    s = boundary_points(shape, 300, "uniform", np.random.default_rng(1))
    u = np.asarray(jax.vmap(model)(jnp.asarray(s.points))[:, 0])
    x, y = s.points.T
    on_hole = np.abs(np.hypot(x - 0.2, y) - 0.1) < 1e-12
    on_plate = (np.abs(x) > 0.5 - 1e-12) | (np.abs(y) > 0.5 - 1e-12)
    assert on_hole.any() and on_plate.any() and (~on_hole & ~on_plate).any()
    assert np.allclose(u[on_hole], -2, atol=1e-12)
    assert np.allclose(u[on_plate], 1 + x[on_plate] * y[on_plate], atol=1e-12)
    inside = geometry.domain_evaluation_points(problem, 500, seed=0)
    field = model.fields[0]
    assert isinstance(field, Constrained)
    phi = np.asarray(jax.vmap(field.distance)(jnp.asarray(inside)))
    assert np.all(phi > 0)
    assert np.allclose(np.asarray(jax.vmap(field.distance)(jnp.asarray(s.points)))[on_hole], 0,
                       atol=1e-12)
    laplacian = jax.vmap(lambda z: jnp.trace(jax.hessian(field)(z)))(jnp.asarray(inside))
    assert np.all(np.isfinite(np.asarray(laplacian)))


def test_box_faces_and_the_initial_time():
    text = ("time t in [0, 1]\nx in [0, 2]\nunknown u(t, x)\nu_t - u_xx = 0\n"
            "u = 3 on x = 0\nu_x = 0 on x = 2\nu = 3 + x on t = 0\n")
    problem, model = constrained(text)
    t = np.linspace(0, 1, 7)
    at_left = np.asarray(jax.vmap(model)(jnp.asarray(np.column_stack([t, 0 * t]))))[:, 0]
    assert np.allclose(at_left, 3, atol=1e-12)
    x = np.linspace(0.1, 2, 7)
    initial = np.asarray(jax.vmap(model)(jnp.asarray(np.column_stack([0 * x, x]))))[:, 0]
    assert np.allclose(initial, 3 + x, atol=1e-12)
    inside = np.asarray(jax.vmap(model)(jnp.asarray([[0.5, 1.0], [0.9, 1.9]])))[:, 0]
    assert not np.allclose(inside, 3 + np.array([1.0, 1.9]))  # the network acts inside


def test_only_value_conditions_are_built_in():
    problem = parse("x in [0, 1]\nunknown u(x)\n-u_xx = 1\n2*u + 1 = x on x = 0\n"
                    "u_x = 0 on x = 1\nu^2 = 1 on x = 1\n")
    value, slope, square = problem.conditions
    k, g = _value_condition(value, problem)
    assert k == 0 and (g - (problem.symbols[0] - 1) / 2).expand() == 0
    assert _value_condition(slope, problem) is None
    assert _value_condition(square, problem) is None


def test_without_a_value_condition_the_model_is_unchanged():
    problem, model = constrained("x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu_x = 0 on boundary\n")
    assert not isinstance(model.fields[0], Constrained)


BALL = "(x, y, z) in ball((0, 0, 0), 1)\nunknown u(x, y, z)\nlaplacian(u) = 0\nu = 0 on boundary\n"


def test_a_3d_region_is_refused():
    """Given with --set or solve(...): refused as the settings are read, before compiling."""
    from pdedsl.language import PdeError

    with pytest.raises(PdeError, match="2D regions and boxes only"):
        constrained(BALL)


def test_a_3d_region_is_refused_at_the_setting_in_the_file():
    """Written in the file: `pdedsl check` says so too, with a caret under the setting."""
    from pdedsl.language import PdeError

    with pytest.raises(PdeError) as info:
        parse(BALL + "model mlp(width = 8, constraint = exact)\n")
    assert "2D regions and boxes only (this region is 3D)" in info.value.message
    assert (info.value.line, info.value.column) == (5, 22)
