"""Point conditions and mean conditions, without training: their blocks' points, their
residuals against a direct evaluation of the model, the mean's Jacobian row against
finite differences, and the quadrature a mean uses against known integrals."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl.analysis import Tangent, nonlinearity
from pdedsl.api import prepare
from pdedsl.geometry import line_count
from pdedsl.language import parse
from pdedsl.quadrature import axis_weights, weights

NEUMANN_2D = """
x in [0, 1]
y in [0, 2]
unknown u(x, y)
-laplacian(u) = pi^2*cos(pi*x)
dn(u) = 0 on boundary
u = 1 at x = 1/4, y = 1/2
u = 0 at y = 3/2
mean(u^2) - 2*mean(x*u) = 1/3
"""

HEAT = """
time t in [0, 1]
x in [0, 1]
periodic x
unknown u(t, x)
u_t = u_xx
u = cos(2*pi*x) on t = 0
u = 0 at x = 1/4
mean(u) = 0
"""


def values(prepared, points):
    model = prepared.ls.to_model(prepared.theta)
    return np.asarray(jax.vmap(model.fields[0])(jnp.asarray(points)))


@pytest.fixture(scope="module", params=["grid", "uniform"])
def neumann(request):
    return prepare(NEUMANN_2D, width=6, depth=1, interior=100, boundary=40, seed=2,
                   method=request.param)


def blocks_named(prepared, text):
    return [k for k, b in enumerate(prepared.compiled.blocks) if text in b.label]


def test_a_point_condition_holds_at_its_point(neumann):
    (k,) = blocks_named(neumann, "at x = 1/4, y = 1/2")
    x = neumann.points[k]
    np.testing.assert_array_equal(x, [[0.25, 0.5]])
    block = neumann.compiled.blocks[k]
    model = neumann.ls.to_model(neumann.theta)
    r = float(block.residual(model, jnp.asarray(x[0])))
    assert r == pytest.approx(values(neumann, x)[0] - 1, rel=1e-13, abs=1e-15)


def test_a_point_condition_on_a_line_samples_the_line(neumann):
    (k,) = blocks_named(neumann, "at y = 3/2")
    x = neumann.points[k]
    assert len(x) == line_count(2, 40) == 10
    assert np.all(x[:, 1] == 1.5)
    assert x[:, 0].min() >= 0 and x[:, 0].max() <= 1 and np.ptp(x[:, 0]) > 0.5


def test_on_a_region_a_line_condition_keeps_the_points_inside():
    disk = ("(x, y) in disk((0, 0), 1)\nunknown u(x, y)\n-laplacian(u) = 0\n"
            "u = x on boundary\nu = 1/2 at x = 1/2\n")
    prepared = prepare(disk, width=4, depth=1, interior=60, boundary=40, method="grid")
    (k,) = blocks_named(prepared, "at x = 1/2")
    x = prepared.points[k]
    assert np.all(x[:, 0] == 0.5) and len(x) >= 3
    assert np.all(np.hypot(x[:, 0], x[:, 1]) <= 1 + 1e-12)  # |y| <= 0.87: the chord only
    assert np.ptp(x[:, 1]) > 1.2  # and it spans the chord, not a piece of it


def test_a_short_chord_the_sample_misses_gets_points_on_it():
    """x = 0.99999 cuts the unit disk in a chord of length 0.009 that the line's 10 grid
    points miss: its points come from the grid the check found the chord on."""
    disk = ("(x, y) in disk((0, 0), 1)\nunknown u(x, y)\n-laplacian(u) = 1\n"
            "u = 0 on boundary\nu = 0 at x = 0.99999\n")
    prepared = prepare(disk, width=4, depth=1, interior=60, boundary=40, method="grid")
    (k,) = blocks_named(prepared, "at x = 0.99999")
    x = prepared.points[k]
    assert len(x) == line_count(2, 40) and np.all(x[:, 0] == 0.99999)
    assert np.all(np.hypot(x[:, 0], x[:, 1]) <= 1 + 1e-12)
    timed = ("time t in [0, 1]\n" + disk.replace("u(x, y)", "u(t, x, y)")
             .replace("-laplacian(u) = 1", "u_t = laplacian(u)\nu = 0 on t = 0"))
    prepared = prepare(timed, width=4, depth=1, interior=60, boundary=40, method="uniform")
    x = prepared.points[blocks_named(prepared, "at x = 0.99999")[0]]
    assert np.all(np.hypot(x[:, 1], x[:, 2]) <= 1 + 1e-12) and np.ptp(x[:, 0]) > 0.3


def test_in_time_a_point_condition_holds_at_every_time():
    prepared = prepare(HEAT, width=5, depth=1, interior=64, boundary=16)
    (k,) = blocks_named(prepared, "at x = 1/4")
    x = prepared.points[k]
    assert np.all(x[:, 1] == 0.25) and np.ptp(x[:, 0]) == pytest.approx(1.0)


def test_a_mean_block_is_one_row_the_weighted_mean_over_the_interior_points(neumann):
    (k,) = blocks_named(neumann, "mean")
    interior = neumann.points[0]
    x, w = neumann.points[k][:, :-1], neumann.points[k][:, -1]
    np.testing.assert_array_equal(x, interior)  # the equation's own points
    assert w.sum() == pytest.approx(1, rel=1e-13)
    if neumann.config.sample["method"] == "uniform":
        np.testing.assert_allclose(w, 1 / len(x), rtol=1e-15)  # the plain mean
    u = values(neumann, x)
    expected = np.sum(w * u**2) - 2 * np.sum(w * x[:, 0] * u) - 1 / 3
    r = np.asarray(neumann.ls.residuals(neumann.theta))
    rows = Tangent(neumann.problem, neumann.compiled, neumann.config,
                   neumann.model, neumann.points).rows(k)
    assert rows.stop - rows.start == 1
    assert r[rows][0] == pytest.approx(expected, rel=1e-12)  # weight 1: N_b = 1
    assert len(r) == sum(len(p) for p in neumann.points) - len(x) + 1


def test_the_mean_row_of_the_jacobian_matches_finite_differences(neumann):
    (k,) = blocks_named(neumann, "mean")
    row = Tangent(neumann.problem, neumann.compiled, neumann.config, neumann.model,
                  neumann.points).rows(k).start
    _, J = neumann.ls.jacobian(neumann.theta)
    h = 1e-6
    for p in [0, 7, len(neumann.theta) - 1]:
        e = jnp.zeros_like(neumann.theta).at[p].set(h)
        fd = (neumann.ls.residuals(neumann.theta + e)[row]
              - neumann.ls.residuals(neumann.theta - e)[row]) / (2 * h)
        assert float(J[row, p]) == pytest.approx(float(fd), rel=1e-6, abs=1e-9)


def test_a_mean_condition_that_is_nonlinear_in_the_unknown_is_reported():
    assert "nonlinear" in nonlinearity(parse(NEUMANN_2D))
    assert nonlinearity(parse(HEAT)) == ""


def test_the_open_grid_rule_integrates_smooth_functions():
    for m, tolerance in [(30, 1e-6), (128, 1e-10)]:  # error O(h^6) or better
        x = np.linspace(-1, 2, m + 2)[1:-1]
        w = axis_weights(x, -1.0, 2.0)
        f = np.cos(3 * x) + np.exp(x)
        exact = ((np.sin(6) + np.sin(3)) / 3 + np.exp(2) - np.exp(-1)) / 3
        assert abs(w @ f - exact) < tolerance
        assert abs(np.mean(f) - exact) > 1e-3  # the plain mean is not enough


def test_grid_weights_are_a_product_rule_periodic_axes_exact():
    rng = np.random.default_rng(0)
    from pdedsl.geometry import box_points

    bounds = np.array([[0.0, 2.0], [0.0, 1.0]])
    points = box_points(bounds, 400, "grid", rng, open_grid=True, periodic=[False, True])
    w = weights(points, bounds, [False, True], "grid")
    f = np.exp(points[:, 0]) * np.cos(2 * np.pi * points[:, 1]) ** 2
    assert w @ f == pytest.approx((np.exp(2) - 1) / 2 / 2, rel=1e-7)  # 20 points an axis
    assert np.all(weights(points, bounds, [False, True], "sobol") == 1 / len(points))


DISK_NEUMANN = """\
(x, y) in disk((0, 0), 1)
unknown u(x, y)
laplacian(u) = 0
dn(u) = 2*x^2 - 2*y^2 + 2*x*y on boundary
mean(u) = 0
exact u = x^2 - y^2 + x*y
"""


def test_a_mean_on_a_region_weighs_each_point_by_its_share_of_the_region():
    """On the unit disk the mean of exp(x) + y^2 is 2 I1(1) + 1/4 (I1 the modified Bessel
    function); equal weights on the 900 grid points were 1.3e-3 off."""
    from scipy.special import i1

    prepared = prepare(DISK_NEUMANN)
    (mean,) = [p for b, p in zip(prepared.compiled.blocks, prepared.points) if b.reduces]
    x, y, w = mean.T
    assert w.sum() == pytest.approx(1, abs=1e-12)
    assert abs(w @ (np.exp(x) + y**2) - (2 * i1(1.0) + 0.25)) < 1e-4
    assert abs(np.mean(np.exp(x) + y**2) - (2 * i1(1.0) + 0.25)) > 5e-4


def test_a_pure_neumann_problem_on_a_region_fixed_by_its_mean_is_accurate():
    """The mean's quadrature error shifts the whole solution: 2.6e-3 with equal weights."""
    from pdedsl import solve

    assert solve(DISK_NEUMANN, steps=40).l2_relative_error["u"] < 1e-4


@pytest.mark.parametrize("setting", [{"chunk": 64}, {"devices": 2}])
def test_a_mean_condition_refuses_chunk_and_devices_at_its_line(setting):
    """Its one row needs all the interior points at once: an input error, not a failure
    while the step compiles."""
    from pdedsl.language import PdeError

    with pytest.raises(PdeError) as info:
        prepare(NEUMANN_2D, **setting)
    name = next(iter(setting))
    assert f"cannot be trained with {name} = " in info.value.message
    assert info.value.line == NEUMANN_2D.splitlines().index("mean(u^2) - 2*mean(x*u) = 1/3") + 1


def test_a_mean_condition_beside_chunk_in_the_file_is_an_error_of_the_file():
    """Written in the file, `pdedsl check` finds it (it parses), at the mean condition."""
    from pdedsl.language import PdeError, parse

    with pytest.raises(PdeError) as info:
        parse(NEUMANN_2D + "solver anagram(chunk = 64)\n")
    assert "cannot be trained with chunk = 64" in info.value.message
    assert info.value.line == NEUMANN_2D.splitlines().index("mean(u^2) - 2*mean(x*u) = 1/3") + 1
