"""Region statements in the language: what they build, and every mistake reported at
its line and column (the caret under the offending argument, name or statement)."""

import math

import numpy as np
import pytest
import sympy

from pdedsl.language import PdeError, parse, verify
from pdedsl.language.show import show
from pdedsl.selection import OnPlane, OnShape, WholeBoundary
from pdedsl.shapes import Disk, Minus, Rectangle

U = "unknown u(x, y)\n-laplacian(u) = 1\n"
PLATE = ("region plate = rectangle((0, 0), (2, 1))\n"
         "region hole = disk((1, 1/2), 1/4)\n"
         "(x, y) in plate minus hole\n")


def error_of(text: str) -> PdeError:
    with pytest.raises(PdeError) as info:
        parse(text, filename="f.pde")
    return info.value


CASES = [
    ("polygon crossing itself", "(x, y) in polygon((0, 0), (1, 1), (1, 0), (0, 1))\n",
     "the polygon crosses itself: edge 1 (from (0, 0) to (1, 1)) meets edge 3", 1, 11),
    ("polygon of two points", "(x, y) in polygon((0, 0), (1, 1))\n",
     "a polygon needs at least 3 vertices, got 2", 1, 11),
    ("negative radius", "(x, y) in disk((0, 0), -1)\n", "the radius of a disk must be positive, got -1",
     1, 24),
    ("zero radius", "const r = 0\n(x, y) in disk((0, 0), r)\n",
     "the radius of a disk must be positive, got 0", 2, 24),
    ("inner radius not below the outer", "(x, y) in annulus((0, 0), 1, 1/2)\n",
     "the inner radius of an annulus must be less than the outer one", 1, 27),
    ("empty intersection", "(x, y) in disk((0, 0), 1) intersect disk((3, 0), 1)\n",
     "is empty", 1, 11),
    # sizes no double holds: nothing could be sampled or integrated on them
    ("disk too large", "(x, y) in disk((0, 0), 1e300)\n", "the region disk is too large for double", 1, 11),
    ("disk too small", "(x, y) in disk((0, 0), 1e-300)\n", "the region disk is too small for double", 1, 11),
    ("polygon too large", "(x, y) in polygon((0, 0), (1e200, 0), (0, 1e200))\n",
     "the polygon is too large for double precision", 1, 11),
    ("flat rectangle", "(x, y) in rectangle((0, 0), (1, 0))\n",
     "a rectangle needs two corners that differ in every coordinate", 1, 11),
    ("time variable in a region", "time t in [0, 1]\n(t, x) in disk((0, 0), 1)\n",
     "t is the time variable: a region is over spatial variables", 2, 2),
    ("dimension", "(x, y, z) in disk((0, 0), 1)\n",
     "disk((0, 0), 1) is a 2D shape, but the region statement lists 3 variables (x, y, z)", 1, 14),
    ("range not holding the region", "x in [0, 1]\n(x, y) in disk((0, 0), 1)\n",
     "the region reaches x = -1, outside the range of x [0, 1]", 2, 11),
    ("second region", "(x, y) in disk((0, 0), 1)\n(x, y) in disk((0, 0), 2)\n",
     "a second region statement (the first is on line 1): a problem has at most one region", 2, 1),
    ("variable after the region", "(x, y) in disk((0, 0), 1)\nz in [0, 1]\n",
     "a spatial variable after the region statement (line 1)", 2, 1),
    # it listed the region's own variable twice: '(x, y, x) in ...'
    ("range after the region", "(x, y) in disk((0, 0), 1)\nx in [-2, 2]\n",
     "'x' is already declared (line 1)", 2, 1),
    ("zero inner radius", "(x, y) in annulus((0, 0), 0, 1)\n",
     "the inner radius of an annulus must be positive, got 0", 1, 27),
    ("variable left out of the region", "z in [0, 1]\n(x, y) in disk((0, 0), 1)\n",
     "z is a spatial variable, but not one of the region's", 2, 1),
    ("variable left out, the list to write", "z in [0, 1]\n(y, x) in disk((0, 0), 1)\n",
     "every spatial variable is listed in '(y, x, z) in ...'", 2, 1),
    ("variable listed twice", "(x, x) in disk((0, 0), 1)\n", "variable 'x' is listed twice", 1, 5),
    ("not a name in the list", "(x, 1) in disk((0, 0), 1)\n",
     "a region statement lists its variables by name", 1, 5),
    ("a constant in the list", "const a = 1\n(x, a) in disk((0, 0), 1)\n",
     "'a' is a constant, not a variable", 2, 5),
    ("centre with 3 coordinates", "(x, y) in disk((0, 0, 0), 1)\n",
     "the centre of a disk must have 2 coordinates, got 3", 1, 16),
    ("centre as a number", "(x, y) in disk(0, 1)\n", "the centre of a disk must be a point (x, y)",
     1, 16),
    ("radius as a point", "(x, y) in disk((0, 0), (1, 1))\n",
     "the radius of a disk must be a number, not a point", 1, 24),
    ("arity", "(x, y) in disk((0, 0))\n", "disk(...) takes 2 arguments, not 1: disk((cx, cy), r)",
     1, 11),
    ("misspelt shape", "(x, y) in disc((0, 0), 1)\n", "unknown shape 'disc'", 1, 11),
    ("shape without arguments", "(x, y) in disk\n", "'disk' needs its arguments: disk((cx, cy), r)",
     1, 11),
    ("2D with 3D", "(x, y) in disk((0, 0), 1) minus ball((0, 0, 0), 1)\n",
     "cannot combine a 2D shape (disk((0, 0), 1)) with a 3D shape (ball((0, 0, 0), 1)) by 'minus'",
     1, 33),
    ("undeclared region", "(x, y) in plate minus disk((0, 0), 1)\n", "undeclared region 'plate'",
     1, 11),
    ("a variable in a shape", "x in [-1, 1]\n(x, y) in disk((x, 0), 1)\n",
     "the centre of a disk must be a constant expression, but 'x' is a variable", 2, 17),
    ("a region's name called", "region hole = disk((0, 0), 1)\n(x, y) in hole((0, 0))\n",
     "'hole' is a region: write hole, without (...)", 2, 11),
    ("a region renamed", "region hole = disk((0, 0), 1)\nregion h = hole\n",
     "'hole' already names this shape: use 'hole' itself", 2, 12),
    ("a region's name as a value", PLATE + "unknown u(x, y)\n-laplacian(u) = hole\n",
     "'hole' is a region: it can be used only in a region statement or as a place ('on hole')", 5, 17),
    ("named piece not on the boundary", "region hole = disk((5, 5), 1)\n"
     "(x, y) in disk((0, 0), 1) minus hole\n" + U + "u = 0 on hole\n",
     "no part of 'hole' is on the boundary of the domain", 5, 10),
    ("named region not in the region", "region hole = disk((0, 0), 1/2)\n"
     "(x, y) in disk((0, 0), 1)\n" + U + "u = 0 on hole\n",
     "'hole' is not part of the region (line 2 does not use it)", 5, 10),
    ("line missing the boundary", "(x, y) in disk((0, 0), 1)\n" + U + "u = 0 on x = 1/2\n",
     "no part of the domain's boundary lies on x = 0.5", 4, 14),
    ("line touching the boundary at a point", "(x, y) in disk((0, 0), 1)\n" + U + "u = 0 on x = 1\n",
     "no part of the domain's boundary lies on x = 1", 4, 14),
    ("region's name in a box problem", "region hole = disk((0, 0), 1)\nx in [0, 1]\ny in [0, 1]\n"
     + U + "u = 0 on hole\n", "'hole' is a region, but the domain is a box", 6, 10),
    ("region after a condition", "x in [-1, 1]\ny in [-1, 1]\n" + U + "u = 0 on boundary\n"
     "(x, y) in disk((0, 0), 1)\n", "the region statement must come before the conditions", 6, 1),
    ("point outside the region", "(x, y) in disk((0, 0), 1)\n" + U + "u = 0 at x = 1, y = 1\n",
     "the point x = 1, y = 1 is outside the region", 4, 10),
    ("line touching the region", "(x, y) in disk((0, 0), 1)\n" + U + "u = 0 at x = 1\n",
     "no part of x = 1 lies inside the region (it misses the region or only touches it)", 4, 10),
    ("plane missing the region", "(x, y, z) in ball((0, 0, 0), 1) minus ball((0, 0, 0), 1/2)\n"
     "unknown u(x, y, z)\n-laplacian(u) = 1\nu = 0 at z = 1\n", "no part of z = 1 lies inside", 4, 10),
    ("misspelt region name", PLATE + U + "u = 0 on hoel\n",
     "unknown place 'hoel': did you mean 'hole'?", 6, 10),
]


@pytest.mark.parametrize("text, message, line, column", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_error(text, message, line, column):
    error = error_of(text)
    assert message in error.message
    assert (error.line, error.column) == (line, column), error.message
    assert str(error).splitlines()[0].startswith(f"f.pde:{line}:{column}: error:")
    assert str(error).splitlines()[-1].strip() == "^"  # the caret line


def test_the_region_declares_its_variables_with_its_tight_bounding_box():
    """A lens of two unit disks: x in [0, 1], |y| <= sqrt(3)/2 (not the disks' boxes)."""
    problem = parse("(x, y) in disk((0, 0), 1) intersect disk((1, 0), 1)\n" + U
                    + "u = 0 on boundary\n")
    assert problem.names == ("x", "y")
    (x0, x1), (y0, y1) = problem.bounds()
    assert (x0, x1) == (0.0, 1.0)
    assert y0 == pytest.approx(-math.sqrt(3) / 2, abs=1e-12)
    assert y1 == pytest.approx(math.sqrt(3) / 2, abs=1e-12)
    assert problem.region.declared == ("x", "y")
    (condition,) = problem.conditions
    assert condition.selectors == (WholeBoundary(),) and condition.faces == ()


def test_a_declared_range_that_holds_the_region_is_kept():
    problem = parse("x in [-2, 2]\n(x, y) in disk((0, 0), 1)\n" + U + "u = 0 on boundary\n")
    assert problem.bounds() == [(-2.0, 2.0), (-1.0, 1.0)]
    assert problem.region.declared == ("y",)


def test_places_on_a_region_are_selectors_and_time_faces():
    text = ("time t in [0, 1]\n" + PLATE + "unknown u(t, x, y)\nu_t - laplacian(u) = 0\n"
            "u = 0 on hole, x = 0, t = 0\ndn(u) = 0 on y = 0, y = 1, boundary, hole\n")
    problem = parse(text)
    first, second = problem.conditions
    assert first.selectors == (OnShape("hole"), OnPlane(0, 0.0, "x"))
    assert [str(f) for f in first.faces] == ["t=lower"]
    assert second.selectors == (OnPlane(1, 0.0, "y"), OnPlane(1, 1.0, "y"), WholeBoundary(),
                                OnShape("hole"))
    assert problem.region.shape == Minus(Rectangle((0, 0), (2, 1), name="plate"),
                                         Disk((1, 0.5), 0.25, name="hole"))


def test_a_region_follows_its_constants():
    text = "const R = 1\n(x, y) in disk((0, 0), R)\n" + U + "u = 0 on boundary\n"
    problem = parse(text).with_constants(R=2)
    assert problem.region.shape == Disk((0, 0), 2.0)
    assert problem.bounds() == [(-2.0, 2.0), (-2.0, 2.0)]
    with pytest.raises(ValueError):
        parse(text).with_constants(R=-1)


def test_check_shows_the_region():
    text = show(parse(PLATE + U + "u = 0 on boundary\n"))
    assert "plate = rectangle((0, 0), (2, 1))" in text
    assert "hole = disk((1, 1/2), 1/4)" in text
    assert "(x, y) ∈ plate minus hole" in text
    assert "x ∈ [0, 2]   (the region's bounding box)" in text


def test_dn_on_a_region_is_the_normal_times_the_gradient():
    problem = parse("(x, y) in disk((0, 0), 1)\n" + U + "dn(u) + u = 0 on boundary\n")
    (condition,) = problem.conditions
    u = problem.unknowns[0].applied
    x, y = sympy.symbols("x y")
    nx, ny = sympy.symbols("_n_x _n_y")
    expected = nx * sympy.diff(u, x) + ny * sympy.diff(u, y) + u
    assert sympy.simplify(condition.on_region(("x", "y")) - expected) == 0


GOOD = "(x, y) in disk((0, 0), 1)\nunknown u(x, y)\n-laplacian(u) = 4\n"


@pytest.mark.parametrize("text, warned", [
    (GOOD + "u = 0 on boundary\nexact u = 1 - x^2 - y^2\n", False),
    (GOOD + "dn(u) = -2 on boundary\nu = 0 at x = 1, y = 0\nexact u = 1 - x^2 - y^2\n", False),
    (GOOD + "dn(u) = 2 on boundary\nu = 0 at x = 1, y = 0\nexact u = 1 - x^2 - y^2\n", True),
    (GOOD + "u = x on boundary\nexact u = 1 - x^2 - y^2\n", True),
])
def test_check_verifies_exact_solutions_inside_and_on_the_pieces(text, warned):
    """1 - r^2 is 0 on the circle and its outward derivative is -2: checked there, not on
    the bounding box (where 1 - r^2 = 0 fails at the corners)."""
    warnings = verify(parse(text))
    assert bool(warnings) == warned, warnings


def test_a_free_constant_is_fixed_at_a_point_of_the_region():
    text = "(x, y) in disk((0, 0), 1)\nunknown u(x, y)\n-laplacian(u) = 0\ndn(u) = x on boundary\n"
    (warning,) = verify(parse(text))
    assert "'u = 0 at x = 1, y = 0'" in warning.message
    assert np.all(parse(text).region.shape.contains(np.array([[1.0, 0.0]])))
