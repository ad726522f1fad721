"""The compiler, checked without training: exact solutions make every residual vanish,
and compiled derivatives agree with SymPy's symbolic ones."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy

from pdedsl import parse, parse_file
from pdedsl.compile import compile_problem, derivative, lower_function, lower_residual
from pdedsl.geometry import collocation_points, sample_blocks
from pdedsl.model import Model


EXAMPLES = sorted(Path(__file__).parent.parent.joinpath("examples").glob("*.pde"))
WITH_EXACT = [p for p in EXAMPLES if parse_file(p).exact]  # lorenz.pde has none


def exact_model(problem, compiled, factor=1):
    """The exact fields (times `factor`) and the fitted constants at their exact values."""
    exact = problem.fitted_exact()
    constants = jnp.array([exact[f.name] for f in problem.fitted]) if problem.fitted else None
    return Model(tuple(lambda p, f=f: factor * f(p) for f in compiled.exact), constants,
                 (1.0,) * len(problem.fitted))


def block_points(problem, compiled, n=40, seed=3):
    """Random points for each block; a mean condition's block the grid's (its weights are
    then a quadrature exact for the examples' periodic means)."""
    random = sample_blocks(problem, compiled.blocks,
                           {"interior": n, "boundary": n * 4, "method": "uniform"}, seed)
    grid = sample_blocks(problem, compiled.blocks,
                         {"interior": 900, "boundary": 120, "method": "grid"}, seed)
    return [g if b.reduces else r for b, r, g in zip(compiled.blocks, random, grid)]


def block_residuals(block, model, x):
    """The block's residuals at its points (a mean condition's block: one for all)."""
    if block.reduces:
        return jax.jit(lambda x: block.residual(model, x)[None])(jnp.asarray(x))
    return jax.jit(jax.vmap(lambda p: block.residual(model, p)))(jnp.asarray(x))


@pytest.mark.parametrize("path", [p for p in EXAMPLES if parse_file(p).exact], ids=lambda p: p.stem)
def test_exact_solution_satisfies_every_compiled_block(path):
    problem = parse_file(path)
    compiled = compile_problem(problem)
    fields, doubled = exact_model(problem, compiled), exact_model(problem, compiled, 2)
    pairs = zip(compiled.blocks, block_points(problem, compiled))
    for block, x in [(b, x) for b, x in pairs if b.points is None]:  # data: test_fitting.py
        r = block_residuals(block, fields, x)
        # Scale: the size of the terms, measured by the residual of twice the solution.
        r2 = block_residuals(block, doubled, x)
        assert jnp.max(jnp.abs(r)) <= 1e-9 * max(1.0, float(jnp.max(jnp.abs(r2)))), block.label


X, Y = sympy.symbols("x y")
U = sympy.Function("u")(X, Y)
TEST_FUNCTIONS = [
    sympy.sin(X) * sympy.exp(Y),
    X**3 * Y**2 + sympy.cos(X * Y),
    sympy.tanh(X - 2 * Y) / (1 + X**2),
    sympy.sqrt(1 + X**2 + Y**4) * sympy.log(2 + Y),
]
DERIVATIVES = [(X,), (Y,), (X, X), (X, Y), (Y, Y, X), (X, X, X, X), (X, Y, X, Y)]


@pytest.mark.parametrize("f", TEST_FUNCTIONS, ids=str)
@pytest.mark.parametrize("wrt", DERIVATIVES, ids=lambda w: "d" + "".join(map(str, w)))
def test_derivatives_match_sympy(f, wrt):
    field = lower_function(f, ["x", "y"])
    compiled = jax.jit(derivative(field, tuple(0 if s == X else 1 for s in wrt)))
    expected = sympy.diff(f, *wrt)
    rng = np.random.default_rng(0)
    for point in rng.uniform(-1, 1, (5, 2)):
        value = float(compiled(jnp.asarray(point)))
        reference = float(expected.evalf(subs={X: point[0], Y: point[1]}, n=30))
        assert value == pytest.approx(reference, rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("order", [3, 6, 8])
def test_high_orders_along_one_axis_match_sympy(order):
    """Three or more derivatives in a row along one axis take Taylor mode (jet), here
    inside a mixed derivative too; SymPy differentiates the same function."""
    f = sympy.sin(2 * X) * sympy.exp(Y / 3) + X**9 * Y**2
    wrt = (Y,) + (X,) * order
    field = lower_function(f, ["x", "y"])
    compiled = jax.jit(derivative(field, tuple(0 if s == X else 1 for s in wrt)))
    expected = sympy.diff(f, *wrt)
    for point in np.random.default_rng(1).uniform(-1, 1, (4, 2)):
        reference = float(expected.evalf(subs={X: point[0], Y: point[1]}, n=30))
        assert float(compiled(jnp.asarray(point))) == pytest.approx(reference, rel=1e-10, abs=1e-9)


def test_derivatives_inside_nonlinear_expressions():
    """u*u_x - sin(u_xy)^2 + exp(u)/u_yy, evaluated with u known, equals SymPy's value."""
    expr = (
        U * sympy.Derivative(U, X)
        - sympy.sin(sympy.Derivative(U, X, Y)) ** 2
        + sympy.exp(U) / sympy.Derivative(U, (Y, 2))
    )
    f = sympy.exp(X) * sympy.cos(Y) + 2
    residual = lower_residual(expr, ["x", "y"], ["u"])
    field = lower_function(f, ["x", "y"])
    reference = expr.subs(U, f).doit()
    for point in [(0.3, -0.2), (0.9, 0.4)]:
        value = float(residual(Model((field,)), jnp.asarray(point)))
        expected = float(reference.evalf(subs={X: point[0], Y: point[1]}, n=30))
        assert value == pytest.approx(expected, rel=1e-10)


def test_normal_derivative_points_outward():
    problem = parse(
        "x in [0, 2]\nunknown u(x)\nu_xx = 0\ndn(u) = 1 on x = 0, x = 2\n"
    )
    compiled = compile_problem(problem)
    u = Model((lambda p: 3 * p[0] ** 2,))  # u' = 6x: outward derivative -0 at 0, +12 at 2
    lower, upper = compiled.blocks[1:]
    assert float(lower.residual(u, jnp.array([0.0]))) == pytest.approx(-1.0)
    assert float(upper.residual(u, jnp.array([2.0]))) == pytest.approx(11.0)


def test_laplacian_excludes_time():
    problem = parse("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nlaplacian(u) = 0\n")
    compiled = compile_problem(problem)
    u = Model((lambda p: p[0] ** 2 + p[1] ** 2,))  # t^2 + x^2: laplacian over x only = 2
    assert float(compiled.blocks[0].residual(u, jnp.array([0.5, 0.5]))) == pytest.approx(2.0)


def test_constants_are_substituted_and_overridable():
    text = "x in [0, 1]\nconst k = 2\nconst k2 = k^2\nunknown u(x)\nu - k2*x = 0\n"
    problem = parse(text)
    u = Model((lambda p: 0 * p[0],))
    r = compile_problem(problem).blocks[0].residual(u, jnp.array([1.0]))
    assert float(r) == pytest.approx(-4.0)
    r = compile_problem(problem.with_constants(k=3)).blocks[0].residual(u, jnp.array([1.0]))
    assert float(r) == pytest.approx(-9.0)


def test_unknown_over_some_variables_reads_only_them():
    problem = parse(
        "x in [0, 1]\ny in [0, 1]\nunknown u(x, y)\nunknown v(x)\n"
        "u + v = 0\nv_x = 0 on x = 0\n"
    )
    compiled = compile_problem(problem)
    assert compiled.unknown_axes == ((0, 1), (0,))
