"""The linearised model: NTK, NNTK, Green's function, resolve, and their figures.

Fast tests check the kernels' defining identities on small untrained models (they
hold at any θ) against independent computations (forward-mode Jacobians, the
residuals of a separately parsed problem). Slow tests train and compare with
textbook Green's functions and exact solutions.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdedsl import PdeError
from pdedsl.analysis import green_function, nntk, nonlinearity, ntk, resolve
from pdedsl.api import prepare, solve
from pdedsl.language import parse
from pdedsl.least_squares import flatten
from pdedsl.solution import Solution

POISSON_1D = """\
x in [0, 1]
unknown u(x)
-u_xx = pi^2*sin(pi*x)
u = 0 on x = 0, x = 1
exact u = sin(pi*x)
"""

LAPLACE_2D = """\
x in [0, 1]
y in [0, 1]
unknown u(x, y)
laplacian(u) = -2*pi^2*sin(pi*x)*sin(pi*y)
u = 0 on boundary
exact u = sin(pi*x)*sin(pi*y)
"""

# Fitting a function: the operator is the identity, so Φ̂'s rows are the scaled
# tangent features themselves and the NNTK on the training points is a projection.
REGRESSION = """\
x in [0, 1]
y in [0, 1]
unknown u(x, y)
u = sin(pi*x)*y
u = x on x = 0, x = 1, y = 0, y = 1
"""

SMALL = {"width": 8, "depth": 1, "interior": 25, "boundary": 12}


def untrained(text: str, **overrides) -> Solution:
    p = prepare(text, **{**SMALL, **overrides})
    return Solution(problem=p.problem, config=p.config, model=p.model, points=p.points)


def forward_jacobian(solution: Solution, x: np.ndarray) -> np.ndarray:
    """∂θ u(x) by forward mode over the flat θ: independent of analysis.py's reverse mode."""
    theta, to_model = flatten(solution.model)
    return np.asarray(jax.jacfwd(lambda t: jax.vmap(to_model(t))(jnp.asarray(x))[:, 0])(theta))


def test_ntk_is_the_gram_matrix_of_the_parameter_gradients():
    solution = untrained(LAPLACE_2D)
    rng = np.random.default_rng(1)
    x, y = rng.random((20, 2)), rng.random((7, 2))
    K = ntk(solution, x, x)
    assert np.abs(K - K.T).max() <= 1e-13 * np.abs(K).max()
    assert np.linalg.eigvalsh(K).min() >= -1e-10 * np.abs(K).max()
    F, Fy = forward_jacobian(solution, x), forward_jacobian(solution, y)
    np.testing.assert_allclose(ntk(solution, x, y), F @ Fy.T, rtol=1e-10, atol=1e-14)


def test_nntk_on_the_collocation_points_is_the_projection_onto_the_range_of_the_jacobian():
    solution = untrained(REGRESSION, rcond=1e-6)
    t = solution.tangent
    X = np.concatenate(t.points)
    n_interior, n_boundary = len(t.points[0]), sum(len(p) for p in t.points[1:])
    weights = np.concatenate([np.full(n_interior, n_interior**-0.5),  # the loss's 1/√N_b
                              np.full(n_boundary, n_boundary**-0.5)])
    P = weights[:, None] * nntk(solution, X, X) * weights[None, :]
    assert np.abs(P - P.T).max() < 1e-9
    assert np.abs(P @ P - P).max() < 1e-8
    assert abs(np.trace(P) - t.rank) < 1e-8
    assert 0 < t.rank < len(X)  # a proper projection: the identity would pass trivially
    # Its range is Φ̂'s: P Φ̂ = Φ̂ up to the cut directions.
    J = t.jacobian
    assert np.linalg.norm(P @ J - J) <= 1e-5 * np.linalg.norm(J)
    K = nntk(solution, X, X)
    assert np.linalg.eigvalsh((K + K.T) / 2).min() >= -1e-8 * np.abs(K).max()


def test_green_function_at_the_collocation_points_is_the_nntk_with_the_operator_applied():
    solution = untrained(POISSON_1D, interior=12, boundary=2, width=16)
    x = np.linspace(0, 1, 9)
    G, y = solution.green_function(x)
    assert G.shape == (9, 12) and y.shape == (12, 1)
    G2, y2 = green_function(solution, x, y)
    np.testing.assert_allclose(G2, G, rtol=1e-7, atol=1e-9 * np.abs(G).max())
    np.testing.assert_array_equal(y2, y)


def test_resolve_solves_the_new_problem_in_the_least_squares_sense_of_the_tangent_space():
    solution = untrained(LAPLACE_2D, rcond=1e-10)
    t = solution.tangent
    new_source = "x*sin(pi*y) + 3"
    resolved = solution.resolve(new_source)
    # The same problem with the new source, parsed and compiled on its own.
    other = prepare(LAPLACE_2D.replace("-2*pi^2*sin(pi*x)*sin(pi*y)", new_source),
                    **{**SMALL, "rcond": 1e-10})
    r_new = np.asarray(other.ls.residuals(other.theta))
    _, change = jax.jvp(other.ls.residuals, (other.theta,), (jnp.asarray(resolved.delta),))
    r_linearised = r_new - np.asarray(change)
    U = t.svd[0]
    assert np.linalg.norm(U.T @ r_linearised) <= 1e-8 * np.linalg.norm(r_new)
    assert np.linalg.norm(r_linearised) < np.linalg.norm(r_new)
    # predict is the linearised model u_θ - ∇θu·δ
    x = np.random.default_rng(2).random((5, 2))
    F = forward_jacobian(solution, x)
    expected = solution.predict(x)["u"] - F @ resolved.delta
    np.testing.assert_allclose(resolved.predict(x)["u"], expected, rtol=1e-10, atol=1e-12)


def test_resolve_accepts_a_function_of_the_points_like_the_expression():
    solution = untrained(POISSON_1D, interior=12, boundary=2)
    x = np.linspace(0, 1, 7)
    by_text = solution.resolve("x^2 + 1").predict(x)["u"]
    by_function = solution.resolve(lambda p: p[:, 0] ** 2 + 1).predict(x)["u"]
    np.testing.assert_allclose(by_function, by_text, rtol=1e-12, atol=1e-14)


def test_resolve_refuses_a_nonlinear_problem_and_bad_sources():
    nonlinear = POISSON_1D.replace("-u_xx = pi^2*sin(pi*x)", "-u_xx + u^3 = pi^2*sin(pi*x)")
    with pytest.raises(ValueError, match="linear"):
        untrained(nonlinear, interior=8, boundary=2).resolve("1")
    solution = untrained(POISSON_1D, interior=8, boundary=2)
    with pytest.raises(PdeError, match="undeclared name 'z'"):
        solution.resolve("z + 1")
    with pytest.raises(PdeError, match="unknown u"):
        solution.resolve("u_x")
    with pytest.raises(ValueError, match="one source per interior equation"):
        solution.resolve(["1", "2"])


@pytest.mark.parametrize("shape", [(3,), (3, 1), (3, 3), (2, 2, 2)])
def test_points_of_the_wrong_shape_are_refused_not_read_from_another_column(shape):
    solution = untrained(LAPLACE_2D)
    points = np.full(shape, 0.5)
    for call in (solution.predict, solution.exact, solution.resolve("1").predict,
                 lambda x: solution.green_function(x)):
        with pytest.raises(ValueError, match=r"\(M, 2\) array, columns x, y"):
            call(points)
    with pytest.raises(ValueError, match="must be numbers"):
        solution.predict("x")
    assert solution.predict([[0.5, 0.5]])["u"].shape == (1,)
    assert untrained(POISSON_1D).predict([0.0, 0.5, 1.0])["u"].shape == (3,)


@pytest.mark.parametrize("equation, linear", [
    ("-u_xx = 1", True),
    ("-(1 + x^2)*u_xx + exp(x)*u_x + sin(x)*u = 1", True),
    ("diff((1 + x)*u_x, x) = 1", True),
    ("u*u_x - u_xx = 0", False),
    ("-u_xx + sin(u) = 0", False),
    ("-u_xx + u_x^2 = 0", False),
    ("-u_xx + abs(u) = 0", False),
])
def test_nonlinearity_detects_products_powers_and_functions_of_the_unknowns(equation, linear):
    problem = parse(f"x in [0, 1]\nunknown u(x)\n{equation}\nu = 0 on x = 0, x = 1\n")
    assert (nonlinearity(problem) == "") is linear


def test_a_nonlinear_condition_makes_the_problem_nonlinear():
    problem = parse("x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu = 0 on x = 0\nu_x + u^2 = 0 on x = 1\n")
    assert "condition" in nonlinearity(problem)


def test_pdedsl_analyze_writes_the_figures_of_a_run_folder(tmp_path):
    from pdedsl.cli import main

    solution = untrained(LAPLACE_2D)
    solution.spectrum = [{"step": 1, "sigma": [3.0, 1.0, 1e-9], "cut": 1e-8},
                         {"step": 11, "sigma": [5.0, 2.0, 1e-3], "cut": 5e-8}]
    folder = solution.save(tmp_path / "run")
    assert main(["analyze", str(folder)]) == 0
    for figure in ["ntk_initial", "nntk_initial", "ntk_trained", "nntk_trained", "green", "spectrum"]:
        assert (folder / f"{figure}.png").stat().st_size > 5000, figure
    assert main(["analyze", str(tmp_path)]) == 2  # not a run folder


# sqrt(x*u^2) at x = 0: a finite residual whose derivative is NaN (the run diverges at once)
NAN_DERIVATIVE = POISSON_1D.replace("u = 0 on x = 0, x = 1",
                                    "u + sqrt(x*u^2) = 0 on x = 0\nu = 0 on x = 1")


def test_analysis_of_a_model_whose_derivatives_are_not_finite_is_a_message(tmp_path, capsys):
    from pdedsl.cli import main

    folder = untrained(NAN_DERIVATIVE).save(tmp_path / "run")
    assert main(["analyze", str(folder)]) == 2
    assert "the residuals' derivatives are not finite at this model" in capsys.readouterr().err
    source = tmp_path / "nan.pde"
    source.write_text(NAN_DERIVATIVE)
    out = tmp_path / "solved"
    assert main(["solve", str(source), "--steps", "2", "--set", "width=4", "--set", "depth=1",
                 "--analyze", "--quiet", "--out", str(out)]) == 1  # diverged, as the run did
    assert "warning: no analysis figures: the residuals' derivatives" in capsys.readouterr().err
    assert (out / "summary.json").exists() and (out / "solution_u.png").exists()

def test_1d_figures_have_a_panel_per_source_and_the_textbook_overlay():
    from pdedsl.plots.kernels import green_figure, kernel_figure

    solution = untrained(POISSON_1D, interior=10, boundary=2)
    figure = kernel_figure(solution.tangent, "nntk")
    assert len(figure.axes) == 16
    assert all(axis.get_yscale() == "linear" for axis in figure.axes)
    textbook = lambda x, y: np.minimum(x, y) * (1 - np.maximum(x, y))
    figure = green_figure(solution, reference=textbook, sources=[[0.25], [0.5]])
    (axis,) = figure.axes
    assert len(axis.get_lines()) == 2 + 2 + 2  # G, textbook, source marker per source


def test_1d_figures_name_the_source_by_its_variable_not_by_a_y_the_problem_may_have():
    from pdedsl.plots.kernels import green_figure, kernel_figure

    ode = "time t in [0, 2]\nunknown y(t)\ny_t = -y\ny = 1 on t = 0\n"
    solution = untrained(ode, interior=10, boundary=1)
    (axis,) = green_figure(solution, sources=[[0.5]]).axes
    assert [text.get_text() for text in axis.get_legend().get_texts()] == ["source at t = 0.5"]
    assert axis.get_ylabel() == "G(t, source)"
    panel = kernel_figure(solution.tangent, "ntk").axes[0]
    assert panel.get_title().startswith("source at t = ") and panel.get_ylabel() == "NTK(t, source)"


def test_kernel_figures_say_where_the_variables_off_their_plane_sit():
    from pdedsl.plots.kernels import green_figure, kernel_figure

    heat = ("time t in [0, 1]\nx in [0, 2]\ny in [0, 1]\nunknown u(t, x, y)\n"
            "u_t - laplacian(u) = 0\nu = 0 on boundary\nu = 1 on t = 0\n")
    solution = untrained(heat, interior=27, boundary=12)
    assert green_figure(solution, title="G")._suptitle.get_text() == "G, at y = 0.5"
    assert kernel_figure(solution.tangent, "ntk", title="K")._suptitle.get_text() == "K, at y = 0.5"
    assert green_figure(untrained(LAPLACE_2D), title="G")._suptitle.get_text() == "G"

# ------------------------------------------------------------------ trained runs
@pytest.fixture(scope="module")
def poisson_1d():
    return solve(POISSON_1D)


@pytest.mark.slow
def test_green_function_of_minus_u_xx_matches_the_textbook_one(poisson_1d):
    x = np.linspace(0, 1, 101)
    G, y = poisson_1d.green_function(x)
    X, Y = np.meshgrid(x, y[:, 0], indexing="ij")
    textbook = np.minimum(X, Y) * (1 - np.maximum(X, Y))
    assert np.linalg.norm(G - textbook) <= 0.03 * np.linalg.norm(textbook)


@pytest.mark.slow
def test_resolve_of_a_constant_source_gives_the_parabola_in_under_a_second(poisson_1d):
    # The first resolve factorises Φ̂ at the trained θ and compiles the prediction;
    # both are kept, so every later source costs a residual and two small products.
    poisson_1d.resolve("x").predict(np.linspace(0, 1, 1001))
    started = time.perf_counter()
    resolved = poisson_1d.resolve("1")
    x = np.linspace(0, 1, 1001)
    u = resolved.predict(x)["u"]
    seconds = time.perf_counter() - started
    exact = x * (1 - x) / 2
    assert np.linalg.norm(u - exact) <= 1e-5 * np.linalg.norm(exact)
    assert seconds < 1.0


@pytest.mark.slow
def test_resolve_on_laplace_2d_matches_another_exact_solution():
    solution = solve(LAPLACE_2D)
    resolved = solution.resolve("-5*pi^2*sin(2*pi*x)*sin(pi*y)")
    x = solution.evaluation_points
    u = resolved.predict(x)["u"]
    exact = np.sin(2 * np.pi * x[:, 0]) * np.sin(np.pi * x[:, 1])
    assert np.linalg.norm(u - exact) <= 1e-3 * np.linalg.norm(exact)


def test_a_tikhonov_runs_green_function_is_the_kernel_of_its_own_step():
    """rcond 1e-6 makes the default damping Tikhonov: the analysis must use that filter,
    not a hard cut. The step the solver takes from the final θ (order 1, so the step is
    θ - ηδ) gives δ; the tangent's Φ̂⁺r must be that δ, and the Green's function on the
    interior points must map the interior residuals to the update of u it makes."""
    from pdedsl.solvers import Anagram

    overrides = {**SMALL, "rcond": 1e-6, "order": 1, "stall_steps": 0}
    solution = solve(LAPLACE_2D, steps=4, **overrides)
    assert solution.filter.kind == "tikhonov" and solution.filter.rcond == pytest.approx(1e-6)
    t = solution.tangent
    solver = Anagram(rcond=1e-6, order=1, stall_steps=0)
    theta = flatten(solution.model)[0]
    state = solver.init(t.ls, theta)
    new_theta, _, info = jax.jit(lambda th: solver.step(t.ls, th, state))(theta)
    assert float(info["eta"]) > 0
    delta = np.asarray(theta - new_theta) / float(info["eta"])
    np.testing.assert_allclose(t.pinv(t.residuals), delta, rtol=1e-7, atol=1e-9 * np.abs(delta).max())
    hard = untrained(LAPLACE_2D, rcond=1e-6, damping="none")  # a hard cut differs
    assert hard.tangent.filter.kind == "cut"

    x = np.random.default_rng(0).random((7, 2))
    G, y = green_function(solution, x)
    rows = t.rows(t.interior_block())
    r = np.zeros_like(t.residuals)
    r[rows] = t.residuals[rows]
    update = t.features(x) @ t.pinv(r)
    n = rows.stop - rows.start
    np.testing.assert_allclose(G @ r[rows] * t.volume / np.sqrt(n), update, rtol=1e-9,
                               atol=1e-12 * np.abs(update).max())
