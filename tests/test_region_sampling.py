"""Points of regions: exact counts, inside or on their piece, spread by length, normals
checked against finite differences of the signed distance, the corner rule, selections
and their errors, time products, outlines and masks."""

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree
from scipy.stats import kstest

from pdedsl.boundary import boundary, mask, outline
from pdedsl.sampling import boundary_points, interior_points, share
from pdedsl.selection import OnPlane, OnShape, WholeBoundary, select, selection_measure
from pdedsl.shapes import (Annulus, Ball, Box, Disk, Intersect, Minus, Polygon, Rectangle,
                           Union)

METHODS = ["uniform", "sobol", "grid"]
L_SHAPE = Minus(Rectangle((-1, -1), (1, 1), name="square"), Rectangle((0, -1), (1, 0), name="cut"))
L_POLYGON = Polygon([(-1, -1), (0, -1), (0, 0), (1, 0), (1, 1), (-1, 1)], name="L")


def plate_with_holes():
    """PINNacle's Poisson 2D-C domain: a square plate with four round holes."""
    region = Rectangle((-0.5, -0.5), (0.5, 0.5), name="plate")
    for k, (sx, sy) in enumerate([(1, 1), (-1, 1), (1, -1), (-1, -1)]):
        region = Minus(region, Disk((0.3 * sx, 0.3 * sy), 0.1, name=f"hole{k}"))
    return region


REGIONS = {
    "L": L_SHAPE,
    "L-polygon": L_POLYGON,
    "plate": plate_with_holes(),
    "annulus": Annulus((0.2, -0.1), 0.5, 1.5, name="ring"),
    "moon": Minus(Disk((0, 0), 1, name="a"), Disk((1, 0), 1, name="b")),
    "blob": Intersect(Union(Disk((0, 0), 1), Polygon([(0, -2), (2, -1), (1, 2)])),
                      Rectangle((-2, -1.5), (2.5, 1.2))),
    "ball": Ball((0.1, 0.2, 0.3), 0.8, name="ball"),
    "box-hole": Minus(Box((0, 0, 0), (1, 1, 1)), Ball((0.5, 0.5, 0.5), 0.25, name="hole")),
    "box-bite": Minus(Box((0, 0, 0), (1, 1, 1), name="box"), Ball((1, 0.5, 0.5), 0.25, name="bite")),
    "box-L": Minus(Box((0, 0, 0), (2, 2, 1)), Box((1, 1, -1), (3, 3, 2))),
}
REGIONS_2D = [k for k, r in REGIONS.items() if r.dimension == 2]


def rng(seed=0):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------- interior
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", REGIONS)
def test_interior_points_are_exactly_n_and_inside(name, method):
    region = REGIONS[name]
    x = interior_points(region, 777, method, rng())
    assert x.shape == (777, region.dimension)
    assert np.all(region.sdf(x) < 0)
    assert len(np.unique(x, axis=0)) == 777
    again = interior_points(region, 777, method, rng())
    assert np.array_equal(x, again)  # deterministic given the generator


@pytest.mark.parametrize("method", METHODS)
def test_interior_points_are_spread_by_area(method):
    """The L's three unit squares get a third each (4 standard errors for uniform)."""
    x = interior_points(L_SHAPE, 6000, method, rng(1))
    squares = [(x[:, 0] < 0) & (x[:, 1] < 0), (x[:, 0] < 0) & (x[:, 1] > 0), x[:, 0] > 0]
    counts = np.array([s.sum() for s in squares])
    slack = 4 * math.sqrt(6000 * 2 / 9) if method == "uniform" else 0.02 * 2000
    assert np.all(np.abs(counts - 2000) <= slack), counts


def test_grid_is_a_square_grid_thinned_evenly():
    region = REGIONS["plate"]
    x = interior_points(region, 500, "grid", rng())
    distances = cKDTree(x).query(x, k=2)[0][:, 1]
    assert distances.max() / distances.min() < 1.05  # every point has a grid neighbour
    assert distances.min() ** 2 == pytest.approx(region.volume() / 500, rel=0.15)


def test_time_products_and_slices():
    region = REGIONS["plate"]
    x = interior_points(region, 300, "sobol", rng(), time=(0.0, 2.0), time_axis=0)
    assert x.shape == (300, 3) and np.all(region.sdf(x[:, 1:]) < 0)
    assert 0 <= x[:, 0].min() and x[:, 0].max() <= 2 and x[:, 0].max() - x[:, 0].min() > 1.9
    slice_ = interior_points(region, 200, "grid", rng(), time=0.5)
    assert slice_.shape == (200, 3) and np.all(slice_[:, 2] == 0.5)
    for method in METHODS:
        grid = interior_points(region, 400, method, rng(), time=(1.0, 3.0))
        assert grid.shape == (400, 3) and np.all(region.sdf(grid[:, :2]) < 0)
        assert np.all((grid[:, 2] > 1) & (grid[:, 2] < 3))
        s = boundary_points(region, 250, method, rng(), where=[OnShape("hole1")],
                            time=(1.0, 3.0), time_axis=1)
        assert s.points.shape == (250, 3) and np.all(s.normals[:, 1] == 0)
        space = s.points[:, [0, 2]]
        assert np.abs(np.linalg.norm(space - [-0.3, 0.3], axis=1) - 0.1).max() < 1e-12
        assert np.allclose(s.normals[:, [0, 2]], -(space - [-0.3, 0.3]) / 0.1)
        assert np.all((s.points[:, 1] >= 1) & (s.points[:, 1] <= 3))
    edge = boundary_points(region, 40, "grid", rng(), time=0.0, time_axis=0)
    assert edge.points.shape == edge.normals.shape == (40, 3)
    assert np.all(edge.points[:, 0] == 0) and np.all(edge.normals[:, 0] == 0)
    assert np.abs(region.sdf(edge.points[:, 1:])).max() < 1e-12
    with pytest.raises(ValueError, match="t0 < t1"):
        interior_points(region, 10, "uniform", rng(), time=(1.0, 1.0))


# ------------------------------------------------------------------- boundary
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", REGIONS)
def test_boundary_points_lie_on_their_piece(name, method):
    region = REGIONS[name]
    s = boundary_points(region, 601, method, rng())
    assert s.points.shape == s.normals.shape == (601, region.dimension)
    assert np.abs(region.sdf(s.points)).max() < 1e-12
    leaves = region.leaves()
    for k, piece in enumerate(s.pieces):
        on = s.points[s.piece == k]
        assert np.abs(leaves[piece.leaf].sdf(on)).max(initial=0) < 1e-12
        assert piece.curve.distance(on).max(initial=0) < 1e-12
    assert np.allclose(np.linalg.norm(s.normals, axis=1), 1)
    assert np.array_equal(boundary(region).locate(s.points), s.piece)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", REGIONS)
def test_counts_follow_length_or_area(name, method):
    s = boundary_points(REGIONS[name], 1000, method, rng())
    measures = np.array([p.measure for p in s.pieces])
    counts = np.bincount(s.piece, minlength=len(measures))
    assert np.all(np.abs(counts - 1000 * measures / measures.sum()) < 1)


@pytest.mark.parametrize("name", REGIONS)
def test_normals_match_finite_differences_of_the_signed_distance(name):
    region = REGIONS[name]
    s = boundary_points(region, 400, "uniform", rng(2))
    h = 1e-7
    forward, backward = [], []
    for e in np.eye(region.dimension):
        forward.append((region.sdf(s.points + h * e) - region.sdf(s.points)) / h)
        backward.append((region.sdf(s.points) - region.sdf(s.points - h * e)) / h)
    forward, backward = np.stack(forward, 1), np.stack(backward, 1)
    smooth = np.all(np.abs(forward - backward) < 1e-5, axis=1)  # not at a corner
    assert smooth.mean() > 0.95
    assert np.abs(s.normals[smooth] - (forward + backward)[smooth] / 2).max() < 1e-6


@pytest.mark.parametrize("seed", range(12))
def test_random_combinations_sample_on_the_boundary_with_normals_of_the_sdf(seed):
    g = np.random.default_rng(seed)
    angles = np.sort(g.uniform(0, 2 * np.pi, int(g.integers(3, 10))))
    radii = g.uniform(0.4, 1.2, len(angles))
    polygon = Polygon(np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1))
    disk = Disk(g.uniform(-0.8, 0.8, 2), g.uniform(0.2, 0.8), name="d")
    region = [Minus, Union, Intersect][seed % 3](polygon, disk)
    if not boundary(region).pieces:
        return  # disjoint: an empty intersection (refused by check_region)
    s = boundary_points(region, 300, "uniform", rng(seed))
    assert np.abs(region.sdf(s.points)).max() < 1e-12
    assert np.array_equal(boundary(region).locate(s.points), s.piece)
    h = 1e-7
    grad = np.stack([(region.sdf(s.points + h * e) - region.sdf(s.points - h * e)) / (2 * h)
                     for e in np.eye(2)], axis=1)
    smooth = np.abs(np.linalg.norm(grad, axis=1) - 1) < 1e-6
    assert smooth.mean() > 0.9
    assert np.abs(s.normals[smooth] - grad[smooth]).max() < 1e-5


def test_on_a_removed_shape_the_normal_points_into_it():
    s = boundary_points(REGIONS["plate"], 400, "sobol", rng(), where=[OnShape("hole2")])
    assert np.allclose(s.normals, -(s.points - [0.3, -0.3]) / 0.1)
    s = boundary_points(REGIONS["box-bite"], 300, "uniform", rng(), where=[OnShape("bite")])
    assert np.allclose(s.normals, -(s.points - [1, 0.5, 0.5]) / 0.25)
    assert s.points[:, 0].max() <= 1


def test_lengths_of_selections_are_exact():
    cases = [
        (L_SHAPE, [OnPlane(0, 0.0)], 1.0), (L_SHAPE, [OnPlane(0, 1.0)], 1.0),
        (L_SHAPE, [OnPlane(1, 1.0)], 2.0), (L_SHAPE, [OnPlane(1, -1.0)], 1.0),
        (L_SHAPE, [OnShape("cut")], 2.0), (L_SHAPE, [OnShape("square")], 6.0),
        (L_SHAPE, None, 8.0), (L_POLYGON, [OnPlane(0, 0.0), OnPlane(1, 0.0)], 2.0),
        (L_SHAPE, [OnPlane(0, 0.0), WholeBoundary()], 8.0),  # a union: counted once
        (REGIONS["plate"], None, 4 + 0.8 * math.pi),
        (REGIONS["plate"], [OnShape("plate")], 4.0),
        (REGIONS["plate"], [OnShape("hole0"), OnShape("hole3")], 0.4 * math.pi),
        (REGIONS["annulus"], None, 4 * math.pi),
        (REGIONS["moon"], [OnShape("a")], 4 * math.pi / 3),
        (REGIONS["moon"], [OnShape("b")], 2 * math.pi / 3),
        (REGIONS["box-L"], [OnPlane(2, 0.0)], 3.0),
        (REGIONS["box-L"], [OnPlane(0, 1.0)], 1.0),
        (REGIONS["box-hole"], [OnShape("hole")], 4 * math.pi / 16),
    ]
    for region, where, length in cases:
        assert selection_measure(region, where) == pytest.approx(length, rel=1e-13), (region, where)


def test_points_of_a_selection_are_where_it_says():
    s = boundary_points(L_SHAPE, 50, "grid", rng(), where=[OnPlane(0, 0.0, "x")])
    assert np.all(s.points[:, 0] == 0) and np.all((s.points[:, 1] > -1) & (s.points[:, 1] < 0))
    assert np.allclose(s.normals, [1, 0])  # into the cut-out square
    assert np.allclose(np.sort(s.points[:, 1]), -1 + (np.arange(50) + 0.5) / 50)
    s = boundary_points(REGIONS["box-bite"], 200, "sobol", rng(), where=[OnPlane(0, 1.0)])
    assert np.all(s.points[:, 0] == 1) and np.allclose(s.normals, [1, 0, 0])
    assert np.all(np.hypot(s.points[:, 1] - 0.5, s.points[:, 2] - 0.5) >= 0.25)
    names = {p.label: p.names for p in boundary(REGIONS["box-bite"]).pieces}
    assert names["bite: sphere"] == {"bite"} and names["box: x = 1"] == {"box"}


def test_corner_rule_first_piece_in_order_wins():
    polygon = boundary(L_POLYGON)
    vertices = np.array(L_POLYGON.vertices)
    assert polygon.locate(vertices).tolist() == [0, 0, 1, 2, 3, 4]
    b = boundary(L_SHAPE)
    assert [p.label for p in b.pieces] == [
        "square: y = -1", "square: x = 1", "square: y = 1", "square: x = -1",
        "cut: y = 0", "cut: x = 0"]
    corners = np.array([[-1, -1], [0, -1], [0, 0], [1, 0], [1, 1], [-1, 1], [0.5, 0.5]])
    assert b.locate(corners).tolist() == [0, 0, 4, 1, 1, 2, -1]


def test_selections_that_hold_nothing_are_reported():
    inside_removed = Minus(Minus(Rectangle((0, 0), (4, 4)), Disk((2, 2), 1.5)),
                           Disk((2, 2), 0.5, name="small"))
    cases = [
        (inside_removed, OnShape("small"), "no part of 'small' is on the boundary"),
        (Union(Rectangle((0, 0), (4, 4)), Disk((2, 2), 1, name="d")), OnShape("d"), "'d'"),
        (L_SHAPE, OnPlane(0, 5.0, "x"), "no part of the domain's boundary lies on x = 5"),
        (L_SHAPE, OnPlane(0, 0.5, "x"), "lies on x = 0.5"),  # crosses, never along
        (Disk((0, 0), 1), OnPlane(1, 1.0, "y"), "lies on y = 1"),  # touches at a point
        (L_SHAPE, OnShape("nothing"), "no shape named 'nothing'"),
        (L_SHAPE, OnPlane(2, 0.0), "no axis 3"),
    ]
    for region, selector, message in cases:
        with pytest.raises(ValueError, match=message):
            boundary_points(region, 10, "uniform", rng(), where=[selector])


def test_share_is_exact_and_proportional():
    for n, measures in [(10, [1, 1, 1]), (7, [3.0, 1.0]), (1000, [0.1, 2.5, 7, 0.01]), (0, [1, 2])]:
        counts = share(n, measures)
        assert sum(counts) == n
        assert np.all(np.abs(np.array(counts) - n * np.array(measures) / sum(measures)) < 1)
    assert share(10, [1, 1, 1]) == [4, 3, 3]  # a tie goes to the first


def test_uniform_boundary_points_are_uniform_along_curves_and_over_spheres():
    s = boundary_points(REGIONS["annulus"], 2000, "uniform", rng(4), where=[OnShape("ring")])
    outer = s.points[np.linalg.norm(s.points - [0.2, -0.1], axis=1) > 1]
    angles = np.arctan2(outer[:, 1] + 0.1, outer[:, 0] - 0.2)
    assert kstest(angles, "uniform", args=(-math.pi, 2 * math.pi)).pvalue > 1e-3
    s = boundary_points(REGIONS["ball"], 2000, "uniform", rng(5))
    assert kstest(s.points[:, 2], "uniform", args=(0.3 - 0.8, 1.6)).pvalue > 1e-3


def test_sobol_and_grid_repeat_and_seeds_matter():
    region = REGIONS["box-bite"]
    a = boundary_points(region, 300, "sobol", rng(1)).points
    assert np.array_equal(a, boundary_points(region, 300, "sobol", rng(1)).points)
    assert not np.array_equal(a, boundary_points(region, 300, "sobol", rng(2)).points)
    g = boundary_points(region, 300, "grid", rng(1)).points
    assert np.array_equal(g, boundary_points(region, 300, "grid", rng(2)).points)


def test_select_returns_pieces_in_order():
    assert select(L_SHAPE, [OnPlane(0, 0.0), OnPlane(1, 1.0)]) == [2, 5]
    with pytest.raises(ValueError, match="unknown sampling method 'halton'"):
        boundary_points(L_SHAPE, 10, "halton", rng())


# -------------------------------------------------------------------- figures
@pytest.mark.parametrize("name", REGIONS_2D)
def test_outline_traces_the_boundary(name):
    region = REGIONS[name]
    lines = outline(region)
    assert len(lines) == len(boundary(region).pieces)
    vertices = np.concatenate(lines)
    assert np.abs(region.sdf(vertices)).max() < 1e-12
    length = sum(np.linalg.norm(np.diff(line, axis=0), axis=1).sum() for line in lines)
    assert length == pytest.approx(selection_measure(region, None), rel=1e-4)


def test_mask_agrees_with_contains():
    xs, ys = np.meshgrid(np.linspace(-1, 1, 41), np.linspace(-1, 1, 31))
    m = mask(L_SHAPE, xs, ys)
    assert m.shape == xs.shape
    assert np.array_equal(m, (xs <= 0) | (ys >= 0))
    with pytest.raises(ValueError, match="2D regions only"):
        outline(REGIONS["ball"])
