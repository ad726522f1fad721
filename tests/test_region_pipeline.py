"""A problem on a region through the pipeline: the points of each block (exact counts,
on their pieces, with their normals), dn compiled as n·grad against an analytic normal
derivative, errors measured inside the region, the domain's volume, a tiny solve."""

import math

import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl import geometry, regions
from pdedsl.compile import compile_problem
from pdedsl.language import parse

PLATE = """region plate = rectangle((0, 0), (2, 1))
region hole = disk((1, 1/2), 1/4)
(x, y) in plate minus hole
unknown u(x, y)
-laplacian(u) = 0
u = 1          on x = 0
u = 0          on x = 2
dn(u) = 0      on y = 0, y = 1, hole
"""
HEAT = """time t in [0, 2]
(x, y) in disk((1, 0), 1/2)
unknown u(t, x, y)
u_t - laplacian(u) = 0
dn(u) = 0 on boundary
u = 1 on t = 0
"""
SAMPLE = {"interior": 300, "boundary": 100}


def sampled(text, method, seed=0):
    problem = parse(text)
    compiled = compile_problem(problem)
    points = geometry.sample_blocks(problem, compiled.blocks, {**SAMPLE, "method": method}, seed)
    return problem, compiled.blocks, points


@pytest.mark.parametrize("method", ["grid", "uniform", "sobol"])
def test_each_condition_gets_its_share_on_its_pieces_with_outward_normals(method):
    problem, blocks, points = sampled(PLATE, method)
    interior, left, right, neumann = points
    assert interior.shape == (300, 2)
    assert np.all(problem.region.shape.sdf(interior) < 0)
    assert sum(len(p) for p in points[1:]) == 100
    # by length: 1, 1 and 2 + 2 + pi/2 (the hole's circle): shares 1 + (97 split), ±1
    lengths = np.array([1, 1, 4 + math.pi / 2])
    assert np.all(np.abs([len(left), len(right), len(neumann)] - (1 + 97 * lengths / lengths.sum()))
                  <= 1)
    for x, side, normal in ((left, 0.0, (-1, 0)), (right, 2.0, (1, 0))):
        assert x.shape[1] == 4  # x, y, then the normal's two components
        assert np.all(np.abs(x[:, 0] - side) <= 1e-12)
        assert np.all(x[:, 2:] == normal)
    x, n = neumann[:, :2], neumann[:, 2:]
    on_edge = (np.abs(x[:, 1]) <= 1e-12) | (np.abs(x[:, 1] - 1) <= 1e-12)
    on_hole = np.abs(np.hypot(x[:, 0] - 1, x[:, 1] - 0.5) - 0.25) <= 1e-12
    assert np.all(on_edge ^ on_hole) and on_edge.any() and on_hole.any()
    assert np.allclose(n[on_edge], np.column_stack([np.zeros(on_edge.sum()),
                                                    np.where(x[on_edge, 1] > 0.5, 1.0, -1.0)]))
    into_hole = -(x[on_hole] - (1, 0.5)) / 0.25  # the domain's outward normal points into it
    assert np.allclose(n[on_hole], into_hole, atol=1e-12)


def test_time_products_and_the_initial_slice_in_the_problems_column_order():
    problem, blocks, points = sampled(HEAT, "grid")
    assert problem.names == ("t", "x", "y")
    interior, side, initial = points
    assert len(interior) == 300 and len(side) + len(initial) == 100
    # shares by measure: the circle times the time interval (pi * 2), the disk (pi/4)
    assert abs(len(side) - 1 - 98 * 8 / 9) <= 1
    assert np.all((interior[:, 0] > 0) & (interior[:, 0] < 2))
    assert np.all(np.hypot(interior[:, 1] - 1, interior[:, 2]) < 0.5)
    assert np.allclose(np.hypot(side[:, 1] - 1, side[:, 2]), 0.5, atol=1e-12)
    assert np.allclose(side[:, 3:], (side[:, 1:3] - (1, 0)) / 0.5, atol=1e-12)
    assert np.ptp(side[:, 0]) > 1.5  # spread over time
    assert np.all(initial[:, 0] == 0) and initial.shape[1] == 3
    assert np.all(np.hypot(initial[:, 1] - 1, initial[:, 2]) < 0.5)


class _Fields:
    """A stand-in model whose one field is a known function of (x, y)."""

    def __init__(self, f):
        self.fields = (f,)


def test_dn_on_a_disk_is_the_analytic_normal_derivative():
    """u = x^2 y + sin(x): ∂u/∂n = ((x - cx) (2xy + cos x) + (y - cy) x^2) / r on the circle."""
    text = ("(x, y) in disk((1/2, -1/4), 3/4)\nunknown u(x, y)\n-laplacian(u) = 0\n"
            "dn(u) = 0 on boundary\n")
    problem, blocks, points = sampled(text, "uniform")
    model = _Fields(lambda p: p[0] ** 2 * p[1] + jnp.sin(p[0]))
    x = points[1]
    got = np.array([blocks[1].residual(model, jnp.asarray(p)) for p in x[:20]])
    px, py = x[:20, 0], x[:20, 1]
    expected = ((px - 0.5) * (2 * px * py + np.cos(px)) + (py + 0.25) * px**2) / 0.75
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_dn_on_a_removed_disk_points_into_it():
    problem, blocks, points = sampled(PLATE, "grid")
    model = _Fields(lambda p: (p[0] - 1) ** 2 + (p[1] - 0.5) ** 2)  # r^2 about the hole's centre
    x = points[3]
    on_hole = np.abs(np.hypot(x[:, 0] - 1, x[:, 1] - 0.5) - 0.25) <= 1e-12
    got = np.array([blocks[3].residual(model, jnp.asarray(p)) for p in x[on_hole]])
    assert np.allclose(got, -2 * 0.25, atol=1e-12)  # d(r^2)/dr = 2r, along -r


def test_errors_are_measured_inside_the_region():
    problem = parse(PLATE)
    x = geometry.domain_evaluation_points(problem, 4096, seed=3)
    assert x.shape == (4096, 2)
    assert np.all(problem.region.shape.sdf(x) < 0)
    heat = parse(HEAT)
    y = geometry.domain_evaluation_points(heat, 500, seed=0)
    assert np.all(np.hypot(y[:, 1] - 1, y[:, 2]) < 0.5) and np.all((y[:, 0] >= 0) & (y[:, 0] <= 2))
    assert np.ptp(y[:, 0]) > 1.8


def test_the_domain_volume_is_the_regions_exact_area():
    assert geometry.domain_volume(parse(PLATE)) == pytest.approx(2 - math.pi / 16, rel=1e-12)
    assert geometry.domain_volume(parse(HEAT)) == pytest.approx(math.pi / 4 * 2, rel=1e-12)
    assert regions.volume(parse(HEAT)) == geometry.domain_volume(parse(HEAT))


def test_a_tiny_solve_on_a_disk_with_a_robin_condition():
    """1 - r^2 on the unit disk: dn(u) + u = -2 on the circle. A wrong normal (inward, or
    the box's) makes a different problem, whose solution is far from this one."""
    from pdedsl import solve

    text = ("(x, y) in disk((0, 0), 1)\nunknown u(x, y)\n-laplacian(u) = 4\n"
            "dn(u) + u = -2 on boundary\nexact u = 1 - x^2 - y^2\n")
    solution = solve(text, steps=40, width=8, depth=1, interior=120, boundary=40)
    assert solution.l2_relative_error["u"] < 2e-2
    assert np.all(solution.problem.region.shape.sdf(solution.evaluation_points) < 0)


BOX_HOLE = """region hole = ball((1/2, 1/2, 1/2), 1/4)
(x, y, z) in box((0, 0, 0), (1, 1, 1)) minus hole
unknown u(x, y, z)
-laplacian(u) = 3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)
u = sin(pi*x)*sin(pi*y)*sin(pi*z) on x = 0, x = 1, y = 0, y = 1, z = 0, z = 1
dn(u) = -4*pi*((x - 1/2)*cos(pi*x)*sin(pi*y)*sin(pi*z) + (y - 1/2)*sin(pi*x)*cos(pi*y)*sin(pi*z) + (z - 1/2)*sin(pi*x)*sin(pi*y)*cos(pi*z)) on hole
exact u = sin(pi*x)*sin(pi*y)*sin(pi*z)
"""


def test_a_3d_region_its_points_normals_volume_and_check():
    """A cube minus a ball: the faces' and the sphere's points, the sphere's normal into the
    ball, the exact volume 1 - 4π/3·(1/4)^3; the exact solution passes `check` there."""
    from pdedsl.language import verify

    problem, blocks, points = sampled(BOX_HOLE, "sobol")
    assert verify(problem) == []
    interior, faces, sphere = points
    assert interior.shape == (300, 3) and len(faces) + len(sphere) == 100
    assert abs(len(sphere) - 1 - 98 * (math.pi / 4) / (6 + math.pi / 4)) <= 1  # by area
    assert np.all(np.min(np.minimum(faces[:, :3], 1 - faces[:, :3]), axis=1) <= 1e-12)
    centre = np.array([0.5, 0.5, 0.5])
    assert np.allclose(np.linalg.norm(sphere[:, :3] - centre, axis=1), 0.25, atol=1e-12)
    assert np.allclose(sphere[:, 3:], -(sphere[:, :3] - centre) / 0.25, atol=1e-12)
    assert geometry.domain_volume(problem) == pytest.approx(1 - 4 / 3 * math.pi / 64, rel=1e-12)
