"""atan2, heaviside, sign, min, max: what they parse to, what they compile to, and the
derivatives training and `diff` take of them, against SymPy, NumPy and hand formulas."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy
from sympy import Function, Heaviside, Max, Min, Rational, Symbol, atan2, sign

from pdedsl.compile import CompileError, lower_function, lower_residual
from pdedsl.language import PdeError, parse
from pdedsl.model import Model

jax.config.update("jax_enable_x64", True)

x, y = Symbol("x"), Symbol("y")
HEADER = "x in [-1, 1]\ny in [-1, 1]\nunknown u(x, y)\n"
U = Function("u")(x, y)


def rhs(text: str) -> sympy.Expr:
    return parse(HEADER + f"u = {text}\n").equations[0].eq.rhs


def constant(text: str) -> sympy.Expr:
    return parse(f"const a = {text}\nx in [0, 1]\nunknown u(x)\nu_xx = a\n").constants[0].value


def test_parsed_to_sympy():
    assert rhs("atan2(y, x)") == atan2(y, x)
    assert rhs("heaviside(x)") == Heaviside(x, Rational(1, 2))
    assert rhs("sign(x - y)") == sign(x - y)
    assert rhs("min(x, y)") == Min(x, y)
    assert rhs("max(x, y, 1/2)") == Max(x, y, Rational(1, 2))


@pytest.mark.parametrize("text, expected", [
    ("heaviside(0)", 0.5), ("heaviside(-2)", 0.0), ("heaviside(1/3)", 1.0),
    ("sign(-2)", -1.0), ("sign(0)", 0.0), ("atan2(1, 1)", np.pi / 4),
    ("atan2(1, -1)", np.arctan2(1, -1)), ("atan2(-1, -1)", np.arctan2(-1, -1)),
    ("min(pi, e)", np.e), ("max(1, 2, 3)", 3.0), ("max(-1, min(2, 5))", 2.0),
])
def test_constant_values_match_numpy(text, expected):
    assert float(constant(text)) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("text, message, column", [
    ("atan2(x)", "atan2(...) takes 2 arguments, not 1", 5),
    ("atan2(x, y, 1)", "atan2(...) takes 2 arguments, not 3", 5),
    ("heaviside(x, 1)", "heaviside(...) takes 1 argument, not 2", 5),
    ("min(x)", "min(...) takes at least 2 arguments, not 1", 5),
    ("max()", "max(...) takes at least 2 arguments, not 0", 5),
    ("atan2(0, 0)*u", "infinite or undefined", 5),
])
def test_arity_and_undefined_values(text, message, column):
    with pytest.raises(PdeError) as info:
        parse(HEADER + f"u = {text}\n")
    assert message in info.value.message
    assert (info.value.line, info.value.column) == (4, column)


@pytest.mark.parametrize("name", ["atan2", "heaviside", "sign", "min", "max"])
def test_names_are_reserved(name):
    with pytest.raises(PdeError, match=f"'{name}' is a built-in function and cannot be used"):
        parse(f"const {name} = 1\n")
    with pytest.raises(PdeError, match=f"'{name}' is a built-in function"):
        parse(f"{name} in [0, 1]\n")


def test_lowered_values_match_numpy():
    expr = (atan2(y, x) + 3 * Heaviside(x - y, Rational(1, 2)) + 5 * sign(y)
            + 7 * Min(x, y, Rational(1, 4)) + 11 * Max(x, y))
    f = jax.jit(jax.vmap(lower_function(expr, ["x", "y"])))
    rng = np.random.default_rng(0)
    points = np.vstack([rng.uniform(-1, 1, (50, 2)), [[0.3, 0.3], [0.0, 0.0], [-0.5, 0.0]]])
    px, py = points.T
    expected = (np.arctan2(py, px) + 3 * np.heaviside(px - py, 0.5) + 5 * np.sign(py)
                + 7 * np.minimum(np.minimum(px, py), 0.25) + 11 * np.maximum(px, py))
    np.testing.assert_allclose(np.asarray(f(jnp.asarray(points))), expected, rtol=1e-14,
                               atol=1e-14)


def test_jax_gradients_of_the_lowered_functions():
    """Away from the jumps and kinks: d atan2(y, x) = (-y, x)/r², d heaviside = d sign = 0,
    d max(x, 2y) follows the larger argument."""
    expr = atan2(y, x) + Heaviside(x) + sign(y) + Max(x, 2 * y) + Min(x**2, y)
    grad = jax.grad(lower_function(expr, ["x", "y"]))
    for px, py in [(0.3, 0.4), (-0.7, 0.1), (0.2, -0.9)]:
        r2 = px**2 + py**2
        dmax = (1.0, 0.0) if px > 2 * py else (0.0, 2.0)
        dmin = (2 * px, 0.0) if px**2 < py else (0.0, 1.0)
        expected = (-py / r2 + dmax[0] + dmin[0], px / r2 + dmax[1] + dmin[1])
        np.testing.assert_allclose(np.asarray(grad(jnp.array([px, py]))), expected, rtol=1e-13)


def test_parameter_gradient_through_max_of_an_unknown():
    """What training differentiates: the residual max(u, 0) - g with u = θ·sin(x + y),
    d/dθ = sin(x + y) where u > 0, else 0."""
    residual = lower_residual(first_equation("max(u, 0) - x = 0"), ["x", "y"], ["u"])

    def r(theta, point):
        return residual(Model((lambda p: theta * jnp.sin(p[0] + p[1]),)), point)

    d = jax.grad(r)
    for point in [(0.5, 0.2), (-0.6, -0.3)]:
        s = np.sin(sum(point))
        for theta in (1.5, -1.5):
            expected = s if theta * s > 0 else 0.0
            assert float(d(theta, jnp.array(point))) == pytest.approx(expected, abs=1e-15)


def first_equation(text: str) -> sympy.Expr:
    return parse(HEADER + text + "\n").equations[0].eq.lhs


def test_diff_of_max_min_abs_and_atan2_of_an_unknown():
    ux = sympy.Derivative(U, x)
    assert first_equation("diff(max(u, 0), x) = 0") == Heaviside(U) * ux
    assert first_equation("diff(abs(u), x) = 0") == sign(U) * ux
    assert first_equation("diff(atan2(u, x), x) = 0").equals(
        (x * ux - U) / (x**2 + U**2))
    assert first_equation("diff(abs(x)*u, x) = 0") == sign(x) * U + sympy.Abs(x) * ux


def test_diff_through_max_lowered_agrees_with_finite_differences():
    """The equation diff(max(u, x), x) lowered with u known, against a central difference
    of max(u, x) itself."""
    expr = first_equation("diff(max(u, x*y), x) = 0")
    residual = lower_residual(expr, ["x", "y"], ["u"])
    field = lambda p: jnp.sin(2 * p[0]) * jnp.cos(p[1])  # noqa: E731
    plain = lambda p: jnp.maximum(field(p), p[0] * p[1])  # noqa: E731
    h = 1e-6
    for point in [(0.2, 0.9), (0.7, 0.9), (-0.4, 0.3)]:
        p = jnp.array(point)
        e = jnp.array([h, 0.0])
        fd = (plain(p + e) - plain(p - e)) / (2 * h)
        assert float(residual(Model((field,)), p)) == pytest.approx(float(fd), rel=1e-7)


@pytest.mark.parametrize("text, column", [
    ("diff(heaviside(x - 1/2)*u, x) = 0", 1),
    ("diff(sign(u), x) = 1", 1),
    ("laplacian(abs(x)*u) = 0", 1),
    ("u_x = diff(max(u, 0), x, 2)", 7),
])
def test_a_dirac_delta_is_an_error_at_the_derivative(text, column):
    with pytest.raises(PdeError) as info:
        parse(HEADER + text + "\n")
    assert "Dirac delta" in info.value.message
    assert (info.value.line, info.value.column) == (4, column)


def test_compiler_refuses_a_dirac_delta_clearly():
    with pytest.raises(CompileError, match="Dirac delta"):
        lower_function(sympy.DiracDelta(x) + x, ["x"])
