"""Periodic variables, point conditions and mean conditions: what the Problem carries,
and every mistake with its line and column."""

import pytest
from sympy import Derivative, Eq, Function, Rational, Symbol, pi, sin

from pdedsl.language import (
    Face, Mean, MeanCondition, PdeError, PointCondition, parse,
)
from pdedsl.language.show import show

x, y, t = Symbol("x"), Symbol("y"), Symbol("t")
SQUARE = "x in [0, 1]\ny in [0, 1]\nunknown u(x, y)\n"  # lines 1-3
U = Function("u")(x, y)


def error_of(text):
    with pytest.raises(PdeError) as info:
        parse(text, filename="f.pde")
    return info.value


# ------------------------------------------------------------------- periodic
def test_periodic_variables_and_boundary_without_their_faces():
    p = parse(SQUARE + "periodic x\n-laplacian(u) = 1\nu = 0 on boundary\n")
    assert p.periodic == ("x",)
    assert p.conditions[0].faces == (Face("y", "lower"), Face("y", "upper"))
    both = parse(SQUARE + "periodic x, y\n-laplacian(u) + u = 1\n")
    assert both.periodic == ("x", "y") and both.conditions == ()


def test_boundary_before_periodic_also_leaves_its_faces_out():
    p = parse(SQUARE + "-laplacian(u) = 1\ndn(u) = 0 on boundary\nperiodic y\n")
    assert p.conditions[0].faces == (Face("x", "lower"), Face("x", "upper"))
    assert p.conditions[0].where == "boundary"


def test_periodic_in_time_dependent_problem_keeps_the_initial_slice():
    p = parse("time t in [0, 1]\nx in [0, 2*pi]\nperiodic x\nunknown u(t, x)\n"
              "u_t = u_xx\nu = sin(x) on t = 0, boundary\n")
    assert p.conditions[0].faces == (Face("t", "lower"),)
    assert p.conditions[0].eq == Eq(Function("u")(t, x), sin(x), evaluate=False)


@pytest.mark.parametrize("text, message, line, column", [
    (SQUARE + "periodic x\n-laplacian(u) = 1\nu = 0 on x = 0\n",
     "x is periodic (line 4): its two ends are one, and a condition there is not allowed", 6, 10),
    (SQUARE + "-laplacian(u) = 1\nu = 0 on y = 0, x = 1\nperiodic x\n",
     "x is periodic (line 6)", 5, 17),
    ("x in [0, 1]\nperiodic x\nunknown u(x)\n-u_xx = 1\nu = 0 on boundary\n",
     "'on boundary': every spatial variable is periodic, so the domain has no boundary", 5, 10),
    ("time t in [0, 1]\nx in [0, 1]\nperiodic t\n", "periodic: t is the time variable", 3, 10),
    ("x in [0, 1]\nperiodic z\n", "periodic: undeclared variable 'z'", 2, 10),
    ("const a = 1\nperiodic a\n", "periodic: 'a' is a constant, not a variable", 2, 10),
    ("x in [0, 1]\nperiodic x, x\n", "x is already periodic (line 2)", 2, 13),
    ("x in [0, 1]\nperiodic x\nperiodic x\n", "x is already periodic (line 2)", 3, 10),
    ("periodic x\nx in [0, 1]\n", "periodic: undeclared variable 'x'", 1, 10),
    ("(x, y) in disk((0, 0), 1)\nperiodic x\n", "x is a variable of the region (line 1): a region's "
     "variables cannot be periodic", 2, 10),
    ("x in [-1, 1]\nperiodic x\n(x, y) in disk((0, 0), 1)\n", "x is periodic (line 2): a region's "
     "variables cannot be periodic", 3, 2),
])
def test_periodic_errors(text, message, line, column):
    error = error_of(text)
    assert message in error.message
    assert (error.line, error.column) == (line, column)


def test_periodic_is_a_keyword():
    assert "'periodic' is a keyword" in error_of("const periodic = 1\n").message


# ------------------------------------------------------------------- points
def test_point_condition_in_1d_and_at_a_corner():
    p = parse("x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu_x = 0 on boundary\nu = 0 at x = 1/2\n")
    (c,) = p.point_conditions
    assert isinstance(c, PointCondition)
    assert c.eq == Eq(Function("u")(x), 0, evaluate=False)
    assert c.point == {"x": Rational(1, 2)}
    assert c.where == "x = 1/2" and c.location.line == 5
    assert p.point_values(c) == {"x": 0.5}
    corner = parse(SQUARE + "-laplacian(u) = 1\nu_x + u = 2 at y = 0, x = 1\n").point_conditions[0]
    assert list(corner.point) == ["x", "y"]  # the problem's variable order
    assert corner.point == {"x": 1, "y": 0}
    assert corner.residual == Derivative(U, x) + U - 2


def test_point_values_may_use_constants_and_follow_overrides():
    p = parse("const L = 2\nx in [0, L]\nunknown u(x)\n-u_xx = 1\nu = 0 at x = L/2\n")
    (c,) = p.point_conditions
    assert c.point == {"x": Symbol("L") / 2}
    assert p.point_values(c) == {"x": 1.0}
    assert p.with_constants(L=3).point_values(c) == {"x": 1.5}


def test_a_line_in_2d_and_every_time():
    p = parse("time t in [0, 1]\nx in [0, 1]\ny in [-1, 1]\nunknown u(t, x, y)\n"
              "u_t = laplacian(u)\nu = 0 at y = 0\n")
    assert p.point_conditions[0].point == {"y": 0}


@pytest.mark.parametrize("text, message, line, column", [
    (SQUARE + "-laplacian(u) = 1\nu = 0 at x = 2\n", "x = 2 is outside the range of x [0, 1]", 5, 14),
    (SQUARE + "-laplacian(u) = 1\nu = 0 at x = -1/10\n", "x = -1/10 is outside the range", 5, 14),
    (SQUARE + "-laplacian(u) = 1\nu = 0 at z = 0\n", "at z = ...: undeclared variable 'z'", 5, 10),
    (SQUARE + "-laplacian(u) = 1\nu = 0 at x = 0, x = 1\n", "x is named twice", 5, 17),
    (SQUARE + "-laplacian(u) = 1\nu = 0 at x = y\n", "must be a constant expression, but 'y' is a variable", 5, 14),
    (SQUARE + "-laplacian(u) = 1\ndn(u) = 0 at x = 0\n", "allowed only in conditions ('... on boundary'), not in a point condition", 5, 1),
    (SQUARE + "-laplacian(u) = 1\n0 = 1 at x = 0\n", "this condition mentions no unknown", 5, 1),
    ("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nu_t = u_xx\nu = 0 at t = 1/2\n",
     "at t = ...: t is the time variable", 5, 10),
])
def test_point_condition_errors(text, message, line, column):
    error = error_of(text)
    assert message in error.message
    assert (error.line, error.column) == (line, column)


# ------------------------------------------------------------------- means
def test_mean_conditions():
    p = parse(SQUARE + "-laplacian(u) = 1\nmean(u) = 0\n2*mean(u^2) - 1 = mean(x*u)\n")
    assert len(p.equations) == 1
    first, second = p.mean_conditions
    assert isinstance(first, MeanCondition)
    assert first.eq == Eq(Mean(U), 0, evaluate=False)
    assert first.location.line == 5
    assert second.residual == 2 * Mean(U**2) - 1 - Mean(x * U)
    assert len(second.means) == 2 and set(second.means) == {Mean(U**2), Mean(x * U)}
    assert "mean(u(x, y)) = 0" in show(p)


def test_mean_of_a_derivative_and_with_constants():
    p = parse("const c = 2\n" + SQUARE + "-laplacian(u) = 1\nmean(u_x) = c*pi\n")
    assert p.mean_conditions[0].residual == Mean(Derivative(U, x)) - Symbol("c") * pi


def test_the_mean_of_a_number_is_the_number():
    """mean(1) and mean(c) were 'number too large': an unevaluated mean of a number."""
    p = parse("const c = 2\n" + SQUARE + "-laplacian(u) = 1\nmean(u) + mean(1) = mean(c)\n")
    assert p.mean_conditions[0].residual == Mean(U) + 1 - Mean(Symbol("c"))


@pytest.mark.parametrize("text, message, line, column", [
    (SQUARE + "-laplacian(u) + mean(u) = 1\n",
     "mean(...) beside u outside it: an equation holds either at every point", 4, 17),
    (SQUARE + "-laplacian(u) = 1\nmean(u) = x\n",
     "outside mean(...) it cannot depend on x", 5, 1),
    (SQUARE + "-laplacian(u) = 1\nmean(u) = 0 on boundary\n",
     "mean(...) is allowed only in an equation between averages, such as mean(u) = 0, "
     "not in a condition", 5, 1),
    (SQUARE + "-laplacian(u) = 1\nmean(u) = 0 at x = 0\n", "not in a point condition", 5, 1),
    (SQUARE + "-laplacian(u) = 1\nmean(mean(u)) = 0\n", "not in mean(...)", 5, 6),
    (SQUARE + "-laplacian(u) = 1\nmean(dn(u)) = 0\n", "dn(...) (the normal derivative) is allowed only", 5, 6),
    (SQUARE + "-laplacian(u) = 1\nmean(u, x) = 0\n", "mean(...) takes 1 argument, not 2", 5, 1),
    (SQUARE + "-laplacian(u) = 1\nmean(x) = 1/2\n", "this equation mentions no unknown", 5, 1),
    (SQUARE + "-laplacian(u) = 1\nmean(1) = 0\n", "this equation mentions no unknown", 5, 1),
    (SQUARE + "-laplacian(u) = 1\nexact u = mean(x)\n", "not in an exact solution", 5, 11),
    ("const a = mean(1)\n", "must be a constant expression, without mean(...)", 1, 11),
    (SQUARE + "const mean = 1\n", "'mean' is a built-in operator and cannot be used as a name", 4, 7),
    (SQUARE + "mean(u) = 0\n", "the problem has no equation", 1, 1),
])
def test_mean_errors(text, message, line, column):
    error = error_of(text)
    assert message in error.message
    assert (error.line, error.column) == (line, column)
