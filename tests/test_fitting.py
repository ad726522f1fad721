"""Fitted constants and data in training: θ's layout, the compiled residuals against
finite differences and the exact solution, the hold phase, the history, checkpoints,
data given from Python, and the standard error against a textbook formula.

Small networks and few steps: these check the plumbing and that a constant moves
toward the truth. The accuracy targets of the examples are in test_inverse_examples.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from pdedsl import PdeError, parse, prepare, solve
from pdedsl.compile import compile_problem
from pdedsl.least_squares import flatten, fitted_values
from pdedsl.model import Model
from pdedsl.solution import Solution

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# -u'' + k u = f with u = sin(pi x), k = 2: f = (pi^2 + 2) sin(pi x); data from u itself
REACTION = """\
x in [0, 1]
unknown u(x)
fit k = 1
-u_xx + k*u = (pi^2 + 2)*sin(pi*x)
u = 0 on x = 0, x = 1
exact u = sin(pi*x)
exact k = 2
"""
XS = np.linspace(0.05, 0.95, 12)
TABLE = {"x": XS, "u": np.sin(np.pi * XS)}
TINY = dict(width=8, depth=1, interior=24)


def tiny(text=REACTION, **overrides):
    return prepare(text, data=TABLE, **{**TINY, **overrides})


# ------------------------------------------------------------------ θ and the model
def test_the_fitted_constants_are_the_last_entries_of_theta_scaled_by_the_guess():
    text = REACTION.replace("fit k = 1", "fit k = -4\nfit m = 0").replace(
        "u = 0 on x = 0, x = 1", "u = 0 on x = 0, x = 1\nu_x = m*u_x on x = 0")
    prepared = tiny(text)
    model = prepared.model
    assert model.fitted_scale == (4.0, 1.0)  # |guess|, or 1 for a guess of 0
    np.testing.assert_array_equal(np.asarray(model.fitted), [-1.0, 0.0])
    theta = np.asarray(prepared.theta)
    fields = ravel_pytree(eqx.filter(model.fields, eqx.is_inexact_array))[0]
    assert theta.size == fields.size + 2
    np.testing.assert_array_equal(theta[:-2], np.asarray(fields))
    moved = prepared.theta.at[-2:].set(jnp.array([0.5, 3.0]))
    np.testing.assert_allclose(np.asarray(prepared.ls.to_model(moved).constants), [2.0, 3.0])
    np.testing.assert_allclose(fitted_values(model)(moved), [2.0, 3.0])


def test_without_fitted_constants_theta_is_the_fields_alone():
    prepared = prepare(EXAMPLES / "poisson1d.pde", **TINY)
    assert prepared.model.fitted is None
    fields = ravel_pytree(eqx.filter(prepared.model.fields, eqx.is_inexact_array))[0]
    np.testing.assert_array_equal(np.asarray(prepared.theta), np.asarray(fields))
    assert flatten(prepared.model, hold_fitted=True)[0].size == fields.size


def test_hold_fitted_leaves_the_constants_out_of_theta():
    prepared = tiny()
    held, to_model = flatten(prepared.model, hold_fitted=True)
    assert held.size == prepared.theta.size - 1
    assert float(to_model(held).constants[0]) == 1.0


# ------------------------------------------------------------------ residuals
def test_the_residual_of_a_fitted_constant_against_finite_differences():
    """∂r/∂p = s·∂r/∂k = s·u(x) for -u'' + k u - f: JAX's gradient of the compiled
    residual against a central difference in p."""
    prepared = tiny(REACTION.replace("fit k = 1", "fit k = 3"))
    block = prepared.compiled.blocks[0]
    x = jnp.array([0.3])

    def residual(p):
        return block.residual(dataclasses.replace(prepared.model, fitted=p), x)

    p = prepared.model.fitted
    gradient = float(jax.grad(lambda p: residual(p))(p)[0])
    h = 1e-6
    difference = (float(residual(p + h)) - float(residual(p - h))) / (2 * h)
    assert gradient == pytest.approx(difference, rel=1e-7)
    assert gradient == pytest.approx(3 * float(prepared.model.fields[0](x)), rel=1e-12)


@pytest.mark.parametrize("name", ["inverse_heat", "lorenz"])
def test_data_blocks_vanish_on_the_noise_free_data_of_the_truth(name):
    """A data block's residual is u(x_i) - y_i: zero for the exact field (heat) or for
    the data's own values (Lorenz: no closed form, so the 'field' reads the table)."""
    problem = parse((EXAMPLES / f"{name}.pde").read_text(), filename=str(EXAMPLES / f"{name}.pde"))
    compiled = compile_problem(problem)
    data = [b for b in compiled.blocks if b.points is not None]
    assert [b.label for b in data] == [f"data {name.split('_')[-1]}.csv: {u.name}"
                                      for u in problem.unknowns]
    (obs,) = problem.observations
    for k, block in enumerate(data):
        assert block.points.shape == (obs.count, len(problem.variables) + 1)
        np.testing.assert_array_equal(block.points[:, -1], obs.values[problem.unknowns[k].name])
        if compiled.exact is not None:
            fields = compiled.exact
        else:  # a field that interpolates the table exactly at its own times
            fields = tuple(_lookup(obs.points[:, 0], obs.values[u.name]) for u in problem.unknowns)
        model = Model(tuple(fields))
        r = jax.vmap(lambda p: block.residual(model, p))(jnp.asarray(block.points))
        assert float(jnp.max(jnp.abs(r))) < 1e-12


def _lookup(times, values):
    times, values = jnp.asarray(times), jnp.asarray(values)
    return lambda x: values[jnp.argmin(jnp.abs(times - x[0]))]


def test_data_points_come_from_the_file_and_leave_the_sampling_alone():
    with_data = tiny()
    without = prepare(REACTION.replace("fit k = 1", "const k = 2").replace("exact k = 2", ""),
                      **TINY)
    assert len(with_data.points) == len(without.points) + 1
    for a, b in zip(with_data.points, without.points):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(with_data.points[-1], np.column_stack([XS, TABLE["u"]]))


# ------------------------------------------------------------------ training
@pytest.mark.parametrize("solver, options", [
    ("anagram", {"steps": 20}), ("engd", {"steps": 40}), ("lbfgs", {"steps": 60}),
    ("adam", {"steps": 300, "lr": 0.01}),
])
def test_every_solver_moves_the_constant_toward_the_truth(solver, options):
    solution = tiny(solver=solver, hold=0, **options).train()
    k = solution.fitted["k"]
    assert abs(k - 2) < 0.5 * abs(1 - 2), (solver, k)
    assert [row["fit_k"] for row in solution.history][-1] == k
    assert solution.fitted_error["k"] == pytest.approx(abs(k - 2) / 2)


def test_ctrl_c_when_the_constants_are_released_keeps_the_held_steps(monkeypatch):
    from pdedsl import api

    calls = []

    def pressed_at_release(*args, **kwargs):  # Ctrl-C while the second step compiles
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return train(*args, **kwargs)

    train = api.train
    monkeypatch.setattr(api, "train", pressed_at_release)
    solution = tiny(steps=5, hold=2).train()
    assert (solution.status, solution.reason, solution.steps) == (
        "interrupted", "interrupted after step 2", 2)

def test_hold_keeps_the_constant_at_its_guess_then_releases_it():
    solution = tiny(steps=8, hold=3).train()
    values = [row["fit_k"] for row in solution.history]
    assert [row["step"] for row in solution.history] == list(range(1, 9))
    assert values[:3] == [1.0, 1.0, 1.0]
    assert values[-1] != 1.0
    assert all(b["seconds"] >= a["seconds"] for a, b in zip(solution.history, solution.history[1:]))


def test_a_hold_as_long_as_the_run_says_the_constants_never_moved():
    solution = tiny(steps=4, hold=10).train()
    assert [row["fit_k"] for row in solution.history] == [1.0] * 4
    assert solution.reason.endswith("; the fitted constants kept their first guesses: hold = "
                                    "10 holds them for the steps before it, and the run had 4")


def test_target_measures_the_fitted_constants_too():
    """Without an exact field, `target` stops at the first step whose fitted constants
    are all within it of their exact values; without those either, it is refused."""
    text = REACTION.replace("exact u = sin(pi*x)\n", "")
    full = tiny(text, steps=20, hold=0).train()
    errors = [abs(row["fit_k"] - 2) / 2 for row in full.history]
    target = errors[len(errors) // 2] * 1.001
    first = next(k for k, e in enumerate(errors) if e <= target)
    stopped = tiny(text, steps=20, hold=0, target=target).train()
    assert "≤ target" in stopped.reason and len(stopped.history) == first + 1
    assert stopped.fitted_error["k"] <= target < min(errors[:first])
    with pytest.raises(PdeError, match="the file gives none for u, k"):
        tiny(text.replace("exact k = 2\n", ""), target=1e-6)


def test_save_and_load_keep_the_constants_and_the_observations(tmp_path):
    solution = tiny(steps=6, hold=2).train()
    folder = solution.save(tmp_path / "run")
    loaded = Solution.load(folder)
    assert loaded.fitted == solution.fitted
    assert loaded.problem.observations == solution.problem.observations
    x = np.linspace(0, 1, 7)
    np.testing.assert_array_equal(loaded.predict(x)["u"], solution.predict(x)["u"])


def test_a_resumed_run_goes_on_from_the_saved_constants(tmp_path):
    from pdedsl import run

    first = tiny(steps=5, hold=2).train()
    run.write(tmp_path / "run", first)
    resumed = run.resume(tmp_path / "run", {"steps": 3})
    assert [row["step"] for row in resumed.history] == list(range(1, 9))
    assert resumed.history[5]["fit_k"] != 1.0  # not started again from the guess
    assert abs(resumed.history[5]["fit_k"] - first.fitted["k"]) < abs(1 - first.fitted["k"])


def test_an_override_changes_the_first_guess():
    prepared = tiny(k=1.5)
    assert prepared.problem.guesses() == {"k": 1.5}
    assert float(prepared.model.constants[0]) == 1.5


# ------------------------------------------------------------------ data from Python
@pytest.mark.parametrize("form", ["dict", "array", "list", "path"])
def test_data_given_to_prepare_replace_the_files(form, tmp_path):
    text = REACTION + 'data "nowhere.csv"\n'
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "obs.csv").write_text("x,u\n0.25,1\n0.5,2\n")
    pde = folder / "p.pde"
    pde.write_text(text.replace("nowhere.csv", "obs.csv"))
    given = {"dict": {"u": [3.0, 4.0], "x": [0.1, 0.2]},
             "array": (np.array([[0.1, 3.0], [0.2, 4.0]]), ["x", "u"]),
             "list": [{"x": [0.1], "u": [3.0]}, {"x": [0.2], "u": [4.0]}],
             "path": str(folder / "obs.csv")}[form]
    prepared = prepare(pde, data=given, **TINY)
    points = np.concatenate([o.points for o in prepared.problem.observations])
    values = np.concatenate([o.values["u"] for o in prepared.problem.observations])
    expected = ([[0.25], [0.5]], [1, 2]) if form == "path" else ([[0.1], [0.2]], [3, 4])
    np.testing.assert_array_equal(points, expected[0])
    np.testing.assert_array_equal(values, expected[1])


def test_data_outside_the_domain_from_python_is_an_error():
    with pytest.raises(PdeError, match=r"row 1 \(from 0\): x = 2.0 is outside the domain"):
        prepare(REACTION, data={"x": [0.5, 2.0], "u": [1, 2]}, **TINY)


# ------------------------------------------------------------------ uncertainty
MEAN = """\
x in [0, 1]
unknown u(x)
fit c = 1
u_x = 0
u = c on x = 0
"""


def test_the_standard_error_of_a_mean_is_the_textbook_one():
    """u' = 0 with u(0) = c and noisy measurements of u: c is their mean, and its
    standard error s/√n with s² = Σ(y - ȳ)²/(n - 1), the textbook formula. (The fit
    is not exactly the mean: u' = 0 holds in least squares only, so u tilts a little
    toward a trend in the noise.)"""
    rng = np.random.default_rng(5)
    n = 40
    y = 3 + 0.01 * rng.standard_normal(n)
    solution = solve(MEAN, data={"x": rng.uniform(0, 1, n), "u": y}, width=8, depth=1,
                     interior=128, steps=100, hold=0)  # 40 steps: 4 % off on some inits
    textbook = np.std(y, ddof=1) / np.sqrt(n)
    assert solution.fitted["c"] == pytest.approx(np.mean(y), abs=0.2 * textbook)
    assert solution.fitted_standard_error["c"] == pytest.approx(textbook, rel=0.03)
    assert solution.uncertainty.warnings == []


def test_a_constant_no_residual_can_see_is_flagged():
    """c multiplies u, which the condition pins to 0: the constant's column of Φ̂ is
    ~0, so nothing determines it."""
    text = "x in [0, 1]\nunknown u(x)\nfit c = 1\n-u_xx + c*u = 0\nu = 0 on x = 0, x = 1\n"
    solution = solve(text, width=8, depth=1, interior=16, steps=20, hold=0, init="normal")
    (warning,) = solution.uncertainty.warnings
    assert warning.startswith("c is poorly determined")


def test_a_constant_still_at_a_first_guess_of_0_is_flagged_in_plain_words():
    """`fit k = 0`, held for the first steps: the warning said its standard error was a
    percentage of 0 some 300 digits long."""
    import re

    from pdedsl.uncertainty import _against

    text = ("x in [0, 1]\nunknown u(x)\nfit k = 0\nu_xx = k\nu = 0 on x = 0, x = 1\n"
            "u = 1 at x = 1/2\n")
    solution = solve(text, width=4, depth=1, interior=16, steps=2, hold=5)
    assert solution.fitted["k"] == 0
    (warning,) = solution.uncertainty.warnings
    assert re.fullmatch(r"k is poorly determined: its standard error \S+ exceeds its value 0",
                        warning)
    assert _against(0.5, 2.0) == "is 25% of its value 2"
    assert _against(7.64, 3e-5) == "is 2.55e+05 times its value 3e-05"


def test_a_run_whose_derivatives_are_not_finite_is_still_reported(tmp_path):
    """sqrt(x*u^2) at x = 0 has a NaN derivative: such a run diverges at once, and its
    summary (the fitted constant, with no standard error) must still be written."""
    import json

    from pdedsl import run

    text = ("x in [0, 1]\nunknown u(x)\nfit c = 1\n-u_xx = c*pi^2*sin(pi*x)\n"
            "u + sqrt(x*u^2) = 0 on x = 0\nu = 0 on x = 1\n")
    p = prepare(text, data={"x": [0.5], "u": [2.0]}, width=4, depth=1, interior=8)
    solution = Solution(problem=p.problem, config=p.config, model=p.model, points=p.points,
                        status="diverged")
    summary = json.loads((run.write(tmp_path, solution) / "summary.json").read_text())
    assert summary["fitted"]["c"]["value"] == 1 and summary["fitted"]["c"]["standard_error"] is None
    assert summary["fitted_warnings"] == ["the residuals' derivatives are not finite at the final "
                                          "model: no standard error for c"]

def test_the_figure_draws_each_constant_and_its_error():
    from pdedsl.plots.fitted import fitted_figure

    history = [{"step": k, "loss": 1.0, "fit_a": 2 + 0.5**k, "fit_b": -k} for k in (1, 2, 3)]
    figure = fitted_figure(history, {"a": 2.0}, "t")
    top_a, top_b, bottom_a = (figure.axes[i] for i in (0, 1, 2))
    assert [a.get_title() for a in (top_a, top_b)] == ["a", "b"]
    np.testing.assert_array_equal(top_a.lines[0].get_ydata(), [2.5, 2.25, 2.125])
    assert list(top_a.lines[1].get_ydata()) == [2.0, 2.0]  # the exact value, dashed
    np.testing.assert_allclose(bottom_a.lines[0].get_ydata(), [0.25, 0.125, 0.0625])
    assert len(top_b.lines) == 1 and bottom_a.get_yscale() == "log"
