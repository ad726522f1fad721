"""Shapes: validation messages, exact signed distances, normals, areas and volumes.

Independent references: distances to a dense sampling of the boundary, matplotlib's
point-in-polygon test, finite differences, closed-form areas (lens, caps) and Monte
Carlo estimates.
"""

import math

import numpy as np
import pytest
from matplotlib.path import Path
from scipy.spatial import cKDTree

from pdedsl.boundary import boundary
from pdedsl.selection import check_region, region_bounds
from pdedsl.shapes import (Annulus, Ball, Box, Disk, Intersect, Minus, Polygon, Rectangle,
                           Union)

L_SHAPE = Minus(Rectangle((-1, -1), (1, 1)), Rectangle((0, -1), (1, 0)))
L_POLYGON = Polygon([(-1, -1), (0, -1), (0, 0), (1, 0), (1, 1), (-1, 1)])
HOLES = [Disk((sx * 0.3, sy * 0.3), 0.1, name=f"h{k}")
         for k, (sx, sy) in enumerate([(1, 1), (-1, 1), (1, -1), (-1, -1)])]


def plate_with_holes():
    region = Rectangle((-0.5, -0.5), (0.5, 0.5), name="plate")
    for hole in HOLES:
        region = Minus(region, hole)
    return region


def random_in(box, n, seed=0):
    """`n` uniform points of a box (d, 2), from their own seeded generator."""
    rng = np.random.default_rng(seed)
    return box[:, 0] + rng.random((n, len(box))) * (box[:, 1] - box[:, 0])


def monte_carlo_volume(shape, n=1_000_000):
    """Fraction of uniform points of a padded box inside, its standard error."""
    box = shape.bounds() + np.array([-0.1, 0.1])
    total = float(np.prod(box[:, 1] - box[:, 0]))
    inside = shape.contains(random_in(box, n, seed=11))
    p = inside.mean()
    return p * total, math.sqrt(p * (1 - p) / n) * total


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("make, message", [
    (lambda: Polygon([(0, 0), (1, 0)]), "at least 3 vertices, got 2"),
    (lambda: Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), "crosses itself: edge 1"),
    (lambda: Polygon([(0, 0), (2, 0), (2, 2), (0, 0), (-1, 1)]), "vertices 1 and 4 are the same"),
    (lambda: Polygon([(0, 0), (1, 0), (1, 1), (1, 1)]), "vertices 3 and 4 are the same"),
    (lambda: Polygon([(0, 0), (2, 0), (1, 0), (1, 1)]), "crosses itself"),
    (lambda: Polygon([(0, 0), (1, 0), (2, 0)]), "zero area"),
    (lambda: Polygon([(0, 0), (2, 0), (2, 2), (1, 0.0), (0, 2)]), "crosses itself"),
    (lambda: Polygon([(0, 0), (1, 0), (1, 1, 1)]), "vertex 3 must have 2 coordinates"),
    (lambda: Disk((0, 0), 0), "radius of a disk must be positive, got 0"),
    (lambda: Disk((0, 0), -1), "radius of a disk must be positive, got -1"),
    (lambda: Disk((0, 0, 0), 1), "centre of a disk must have 2 coordinates"),
    (lambda: Disk((0, float("nan")), 1), "must be finite"),
    (lambda: Ball((0, 0, 0), -2), "radius of a ball must be positive"),
    (lambda: Annulus((0, 0), 2, 1), "inner radius of an annulus must be less than the outer"),
    (lambda: Annulus((0, 0), 1, 1), "must be less than the outer one, got 1 and 1"),
    (lambda: Annulus((0, 0), 0, 1), "inner radius of an annulus must be positive"),
    (lambda: Rectangle((0, 0), (0, 1)), "share coordinate 1"),
    (lambda: Box((0, 0, 0), (1, 1, 0)), "share coordinate 3"),
    (lambda: Minus(Rectangle((0, 0), (1, 1)), Ball((0, 0, 0), 1)), "cannot combine a 2D shape"),
    (lambda: Union(Disk((0, 0), 1), "disk"), "combines shapes"),
])
def test_bad_shapes_are_refused_with_a_message(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_polygons_that_are_simple_pass_in_either_orientation():
    for vertices in (L_POLYGON.vertices, L_POLYGON.vertices[::-1]):
        p = Polygon(vertices)
        assert p.volume() == pytest.approx(3.0)
    # Collinear neighbouring edges going on in the same direction are fine.
    assert Polygon([(0, 0), (1, 0), (2, 0), (2, 1)]).volume() == pytest.approx(1.0)


@pytest.mark.parametrize("region, variables, message", [
    (Disk((0, 0), 1), ["x", "y", "z"], "2D shape, but the region statement lists 3 variables"),
    (Ball((0, 0, 0), 1), ["x", "y"], "3D shape, but the region statement lists 2"),
    (Intersect(Disk((0, 0), 1), Disk((3, 0), 1)), ["x", "y"], "is empty"),
    (Minus(Disk((0, 0), 1), Rectangle((-2, -2), (2, 2))), ["x", "y"], "is empty"),
    (Intersect(Rectangle((0, 0), (1, 1)), Rectangle((1, 0), (2, 1))), ["x", "y"], "is empty"),
    (Minus(Ball((0, 0, 0), 1), Box((-1, -1, -1), (1, 1, 1))), ["x", "y", "z"], "is empty"),
    (Intersect(Ball((0, 0, 0), 1), Ball((0, 0, 3), 1)), ["x", "y", "z"], "is empty"),
])
def test_region_checks(region, variables, message):
    with pytest.raises(ValueError, match=message):
        check_region(region, variables)


def test_good_regions_pass_the_check():
    for region in (L_SHAPE, plate_with_holes(), Annulus((0, 0), 1, 2),
                   Minus(Box((0, 0, 0), (1, 1, 1)), Ball((0.5, 0.5, 0.5), 0.25))):
        check_region(region, ["x", "y", "z"][: region.dimension])


# ------------------------------------------------------------ signed distances
def dense_boundary(shape, n=40_000):
    """Points on a primitive's boundary, spaced at most `spacing`, and their normals;
    built independently of the library's pieces."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    circle = np.stack([np.cos(t), np.sin(t)], axis=1)
    if isinstance(shape, Disk):
        return shape.center + shape.r * circle, circle, shape.r * 2 * np.pi / n
    if isinstance(shape, Annulus):
        radii = (shape.r_inner, shape.r_outer)
        points = np.concatenate([shape.center + r * circle for r in radii])
        return points, np.concatenate([-circle, circle]), shape.r_outer * 2 * np.pi / n
    v = np.array(shape.vertices)
    w = np.roll(v, -1, axis=0)
    k = n // len(v)
    s = np.linspace(0, 1, k)[:, None, None]
    e = w - v
    normal = np.stack([e[:, 1], -e[:, 0]], axis=1) / np.linalg.norm(e, axis=1, keepdims=True)
    normal = np.broadcast_to(normal * shape.orientation, (k, len(v), 2))
    spacing = np.linalg.norm(e, axis=1).max() / (k - 1)
    return (v + s * e).reshape(-1, 2), normal.reshape(-1, 2), spacing


def distance_to(x, points):
    return cKDTree(points).query(x)[0]


@pytest.mark.parametrize("shape", [
    Disk((0.3, -0.2), 0.7), Annulus((0.1, 0.2), 0.4, 1.1), L_POLYGON,
    Polygon([(0, 0), (3, 0.5), (1, 1), (2, 3), (-1, 2)]),
], ids=["disk", "annulus", "L", "star-ish"])
def test_sdf_of_2d_primitives_is_the_signed_distance(shape):
    x = random_in(shape.bounds() + np.array([-0.5, 0.5]), 400)
    points, _, spacing = dense_boundary(shape)
    gap = distance_to(x, points) - np.abs(shape.sdf(x))
    assert np.all(gap >= -1e-12) and np.all(gap <= spacing / 2)
    if isinstance(shape, Polygon):
        inside = Path(np.array(shape.vertices)).contains_points(x)
        assert np.array_equal(shape.sdf(x) < 0, inside)


def test_sdf_of_rectangle_and_box_is_the_signed_distance():
    rect = Rectangle((2, 1), (-1, -0.5))  # corners in any order
    square = Polygon([(-1, -0.5), (2, -0.5), (2, 1), (-1, 1)])
    x = random_in(np.array([[-3, 4], [-2, 3]]), 2000)
    assert np.allclose(rect.sdf(x), square.sdf(x), atol=1e-12)
    box = Box((0, 0, 0), (1, 2, 3))
    x = random_in(np.array([[-1, 2], [-1, 3], [-1, 4]]), 2000)
    outside = np.linalg.norm(np.maximum(np.maximum(-x, x - [1, 2, 3]), 0), axis=1)
    inside = np.min(np.concatenate([x, [1, 2, 3] - x], axis=1), axis=1)
    expected = np.where(box.contains(x, tol=0), -inside, outside)
    assert np.allclose(box.sdf(x), expected, atol=1e-12)
    ball = Ball((1, 2, 3), 0.5)
    assert np.allclose(ball.sdf(x), np.linalg.norm(x - [1, 2, 3], axis=1) - 0.5)


@pytest.mark.parametrize("shape", [
    Disk((0.3, -0.2), 0.7), Annulus((0.1, 0.2), 0.4, 1.1), L_POLYGON, L_SHAPE,
    Rectangle((0, 0), (2, 1)), Box((0, 0, 0), (1, 2, 3)), Ball((0, 0, 0), 1),
    Union(Disk((0, 0), 1), Disk((1, 0), 1)), Intersect(Disk((0, 0), 1), Disk((1, 0), 1)),
], ids=lambda s: str(s))
def test_normal_is_the_gradient_of_the_sdf(shape):
    x = random_in(shape.bounds() + np.array([-0.3, 0.3]), 300)
    h = 1e-6
    fd = np.stack([(shape.sdf(x + h * e) - shape.sdf(x - h * e)) / (2 * h)
                   for e in np.eye(shape.dimension)], axis=1)
    smooth = np.linalg.norm(fd, axis=1) > 1 - 1e-6  # away from kinks of the distance
    assert smooth.mean() > 0.9
    assert np.allclose(shape.normal(x)[smooth], fd[smooth], atol=1e-5)


def test_set_operations_have_the_right_sign_and_exactness_where_stated():
    a, b = Disk((0, 0), 1), Polygon([(0, -2), (2, -1), (1, 2)])
    x = random_in(np.array([[-2, 3], [-3, 3]]), 3000)
    ina, inb = a.sdf(x) < 0, b.sdf(x) < 0
    (pa, na, ga), (pb, nb, gb) = dense_boundary(a), dense_boundary(b)
    points, normals = np.concatenate([pa, pb]), np.concatenate([na, nb])
    for shape, combine, exact_where in [
        (Union(a, b), lambda p, q: p | q, "outside"),
        (Intersect(a, b), lambda p, q: p & q, "inside"),
        (Minus(a, b), lambda p, q: p & ~q, "inside"),
    ]:
        s = shape.sdf(x)
        assert np.array_equal(s < 0, combine(ina, inb)), shape
        # The region's own boundary: primitive boundary points where membership changes.
        sides = [combine(a.sdf(points + e * normals) < 0, b.sdf(points + e * normals) < 0)
                 for e in (-1e-7, 1e-7)]
        true = distance_to(x, points[sides[0] != sides[1]])
        assert np.all(np.abs(s) <= true + 1e-12), shape
        exact = s > 0 if exact_where == "outside" else s < 0
        assert np.allclose(np.abs(s[exact]), true[exact], atol=max(ga, gb)), shape


def test_contains_includes_the_boundary_within_the_tolerance():
    disk = Disk((0, 0), 2)
    tol = disk.tolerance
    assert tol == pytest.approx(1e-9 * 4 * math.sqrt(2))
    x = np.array([[2, 0], [2 + tol / 2, 0], [2 + 2 * tol, 0], [0, 0]])
    assert disk.contains(x).tolist() == [True, True, False, True]


# ------------------------------------------------------------ areas, volumes
def lens_area(r1, r2, d):
    a1 = r1**2 * math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1))
    a2 = r2**2 * math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2))
    return a1 + a2 - 0.5 * math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2))


def test_areas_of_set_operations_are_exact():
    a, b = Disk((0, 0), 1), Disk((1.2, 0.3), 0.8)
    lens = lens_area(1, 0.8, math.hypot(1.2, 0.3))
    cases = [
        (Intersect(a, b), lens),
        (Union(a, b), math.pi + 0.64 * math.pi - lens),
        (Minus(a, b), math.pi - lens),
        (L_SHAPE, 3.0),
        (plate_with_holes(), 1 - 0.04 * math.pi),
        (Minus(Annulus((0, 0), 1, 2), Rectangle((0, 0), (3, 3))), 0.75 * 3 * math.pi),
        (Union(Rectangle((0, 0), (2, 1)), Rectangle((0, 0), (1, 2))), 3.0),  # shared edges
        (Union(L_POLYGON, L_SHAPE), 3.0),  # the same region twice
    ]
    for shape, area in cases:
        b = boundary(shape)
        assert b.exact
        assert shape.volume() == pytest.approx(area, rel=1e-13, abs=1e-13), shape


@pytest.mark.parametrize("shape", [
    Union(Disk((0, 0), 1), Polygon([(0, -2), (2, -1), (1, 2)])),
    Minus(Polygon([(0, -2), (2, -1), (1, 2)]), Annulus((0.8, 0), 0.3, 0.9)),
    Intersect(Union(Disk((0, 0), 1), Disk((1, 0), 0.5)), Rectangle((-0.5, -2), (3, 0.6))),
    Minus(Box((0, 0, 0), (1, 1, 1)), Ball((1, 1, 0.5), 0.6)),
    Union(Ball((0, 0, 0), 1), Box((0, 0, 0), (1.5, 1.5, 1.5))),
], ids=lambda s: str(s))
def test_volumes_agree_with_monte_carlo(shape):
    estimate, error = monte_carlo_volume(shape)
    assert shape.volume() == pytest.approx(estimate, abs=5 * error)


def test_3d_volumes_exact_when_uncut_and_within_stated_accuracy_when_cut():
    inside = Minus(Box((0, 0, 0), (1, 1, 1)), Ball((0.5, 0.5, 0.5), 0.25))
    assert boundary(inside).exact
    assert inside.volume() == pytest.approx(1 - 4 / 3 * math.pi / 64, rel=1e-14)
    shell = Minus(Ball((0, 0, 0), 1), Ball((0.1, 0, 0), 0.5))
    assert shell.volume() == pytest.approx(4 / 3 * math.pi * (1 - 0.125), rel=1e-14)
    # A ball centred on a face: half of it is removed; the cut sphere and face are
    # measured by Sobol points.
    half = Minus(Box((0, 0, 0), (1, 1, 1)), Ball((1, 0.5, 0.5), 0.25, name="hole"))
    b = boundary(half)
    assert not b.exact
    assert half.volume() == pytest.approx(1 - 2 / 3 * math.pi / 64, rel=1e-4)
    areas: dict[str, float] = {}
    for p in b.pieces:  # box faces come in rectangles cut along the ball's extent
        areas[p.label] = areas.get(p.label, 0) + p.measure
    assert areas["hole: sphere"] == pytest.approx(2 * math.pi / 16, rel=1e-4)
    assert areas["box: x = 1"] == pytest.approx(1 - math.pi / 16, rel=1e-4)
    assert areas["box: y = 0"] == 1 and areas["box: x = 0"] == 1
    # Boxes alone cut boxes exactly.
    notch = Minus(Box((0, 0, 0), (2, 2, 1)), Box((1, 1, -1), (3, 3, 2)))
    assert boundary(notch).exact and notch.volume() == pytest.approx(3.0, rel=1e-14)


def test_region_bounds_are_tight():
    lens = Intersect(Disk((0, 0), 1), Disk((1, 0), 1))
    assert np.allclose(lens.bounds(), [[0, 1], [-1, 1]])  # the boxes' overlap: loose
    h = math.sqrt(3) / 2
    assert np.allclose(region_bounds(lens), [[0, 1], [-h, h]], atol=1e-12)
    assert np.allclose(region_bounds(L_SHAPE), [[-1, 1], [-1, 1]])
    ball = Minus(Ball((0, 0, 0), 1), Box((0, -2, -2), (2, 2, 2)))
    assert np.allclose(region_bounds(ball), [[-1, 0], [-1, 1], [-1, 1]], atol=1e-2)


def test_polygon_distances_in_chunks_match_one_pass(monkeypatch):
    from pdedsl import polygons

    star = Polygon([(0, 0), (3, 0.5), (1, 1), (2, 3), (-1, 2)])
    x = random_in(np.array([[-2, 4], [-1, 4]]), 1001, seed=3)
    whole = star.sdf(x), star.normal(x)
    monkeypatch.setattr(polygons, "CHUNK", 64)  # 12 points a step
    assert np.array_equal(star.sdf(x), whole[0]) and np.array_equal(star.normal(x), whole[1])


def random_star(rng, m):
    """A simple polygon: m points at increasing angles around the origin."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, m))
    radii = rng.uniform(0.4, 1.2, m)
    return Polygon(np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1))


@pytest.mark.parametrize("seed", range(25))
def test_exact_areas_satisfy_inclusion_exclusion(seed):
    """|P ∪ D| + |P ∩ D| = |P| + |D| and |P \\ D| = |P| - |P ∩ D|, for random polygons
    and disks (rectangles, annuli): each side cuts curves differently."""
    rng = np.random.default_rng(seed)
    p = random_star(rng, int(rng.integers(3, 12)))
    center = rng.uniform(-1, 1, 2)
    kind = seed % 3
    if kind == 0:
        d = Disk(center, rng.uniform(0.1, 1.0))
    elif kind == 1:
        d = Rectangle(center, center + rng.uniform(0.2, 1.5, 2))
    else:
        d = Annulus(center, 0.3, rng.uniform(0.5, 1.2))
    both = Intersect(p, d).volume() if boundary(Intersect(p, d)).pieces else 0.0
    assert Union(p, d).volume() + both == pytest.approx(p.volume() + d.volume(), rel=1e-12)
    if boundary(Minus(p, d)).pieces:
        assert Minus(p, d).volume() == pytest.approx(p.volume() - both, rel=1e-12, abs=1e-12)


def test_3d_volumes_satisfy_inclusion_exclusion_to_the_stated_accuracy():
    box, ball = Box((0, 0, 0), (1, 1, 1)), Ball((0.8, 0.3, 0.9), 0.45)
    both = Intersect(box, ball).volume()
    assert Union(box, ball).volume() + both == pytest.approx(box.volume() + ball.volume(), rel=1e-4)
    assert Minus(box, ball).volume() == pytest.approx(box.volume() - both, rel=1e-4)


def test_contains_keeps_shared_inner_edges_and_drops_lines_outside():
    joined = Union(Rectangle((0, 0), (1, 1)), Rectangle((1, 0), (2, 1)))
    x = np.array([[1, 0.5], [1, 0], [2, 0.5], [2.1, 0.5], [0.5, 0.5]])
    assert joined.contains(x).tolist() == [True, True, True, False, True]
    # The removed square's bottom and right edges lie along the outer square's: out.
    x = np.array([[0.5, -1], [1, -0.5], [0, -0.5], [0.5, 0], [-0.5, -1], [1, 0.5], [1, 0]])
    assert L_SHAPE.contains(x).tolist() == [False, False, True, True, True, True, True]
    block = Union(Box((0, 0, 0), (1, 1, 1)), Box((1, 0, 0), (2, 1, 1)))
    assert block.contains(np.array([[1, 0.5, 0.5], [1, 1, 1], [1, 1.1, 1]])).tolist() == [
        True, True, False]
