"""`verify` and `pdedsl check`'s warnings: silent on every shipped problem, loud on a
wrong exact solution, and each structural warning on a file that earns it."""

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy

from pdedsl.language import PdeWarning, parse, parse_file, verify
from pdedsl.language.numeric import function, random_points

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = sorted((ROOT / "examples").glob("*.pde")) + sorted((ROOT / "bench" / "problems").glob("*.pde"))
SQUARE = "x in [0, 1]\ny in [0, 1]\nunknown u(x, y)\n"  # lines 1-3


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_problem_is_silent(path):
    start = time.process_time()
    assert verify(parse_file(path)) == []
    assert time.process_time() - start < 2.0  # `pdedsl check` stays about instant


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rounding_never_warns(path, monkeypatch):
    """With no float64 tolerance at all, every residual goes to the 40-digit check,
    which must find the shipped exact solutions exact."""
    import pdedsl.language.verification as module

    monkeypatch.setattr(module, "SATISFIED", 0.0)
    assert verify(parse_file(path)) == []


def flipped(expr: sympy.Expr) -> sympy.Expr:
    """One sign flipped: the first term of a sum, else the whole expression."""
    terms = sympy.Add.make_args(expr)
    return -terms[0] + sympy.Add(*terms[1:]) if len(terms) > 1 else -expr


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_flipped_sign_in_the_exact_solution_is_reported(path):
    problem = parse_file(path)
    for name, exact in problem.exact.items():
        wrong = flipped(exact)
        variables = [v.name for v in problem.variables]
        points = random_points(problem.bounds(), 20, seed=1)
        values = problem.constant_values()
        change = function((wrong - exact).subs(values), variables)(points)
        assert np.max(np.abs(change)) > 1e-3, "the mutation must change the solution"
        mutated = dataclasses.replace(problem, exact={**problem.exact, name: wrong})
        warnings = verify(mutated)
        assert any("the exact solution does not satisfy" in w.message for w in warnings), name
        for w in warnings:
            assert isinstance(w, PdeWarning) and w.line is not None and w.column == 1


def warnings_of(text: str) -> list[PdeWarning]:
    return verify(parse(text, filename="w.pde"))


def only(text: str) -> PdeWarning:
    (warning,) = warnings_of(text)
    return warning


def test_wrong_exact_solution_message_line_and_worst_point():
    w = only("x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu = 0 on boundary\nexact u = x*(1 - x)\n")
    assert (w.line, w.column) == (3, 1)
    assert w.message.startswith("the exact solution does not satisfy this equation "
                                "(worst residual 1.0e+00 at x=")
    assert "the terms are of size 3.0e+00" in w.message  # |-u_xx| + |1| = 2 + 1
    assert str(w).startswith("w.pde:3:1: warning: the exact solution does not satisfy")
    assert str(w).endswith("\n    -u_xx = 1\n    ^")


def test_one_warning_per_statement_at_its_worst_face():
    w = only("x in [0, 1]\nunknown u(x)\n-u_xx = 2\nu = 0 on x = 0, x = 1\nexact u = x*(2 - x)\n")
    assert w.line == 4
    assert "this condition on x = 1 (worst residual 1.0e+00 at x=1;" in w.message


def test_point_and_mean_conditions_are_checked():
    head = SQUARE + "-laplacian(u) = 2*pi^2*cos(pi*x)*cos(pi*y)\ndn(u) = 0 on boundary\n"
    good = "exact u = cos(pi*x)*cos(pi*y)\n"
    assert warnings_of(head + "mean(u) = 0\n" + good) == []
    assert warnings_of(head + "u = 1 at x = 0, y = 0\n" + good) == []
    assert warnings_of(head + "u = 0 at x = 1/2\n" + good) == []
    w = only(head + "mean(u) = 0\nexact u = cos(pi*x)*cos(pi*y) + 1\n")
    assert (w.line, w.message) == (6, "the exact solution does not satisfy this mean condition "
                                      "(residual 1.0e+00)")
    w = only(head + "u = 1 at x = 1, y = 0\n" + good)
    assert w.line == 6 and "this point condition (worst residual 2.0e+00 at x=1, y=0" in w.message


def test_functions_with_kinks_and_derivative_conditions():
    assert warnings_of("x in [-1, 1]\nunknown u(x)\nu_x = sign(x)\nu = 1 on x = -1\n"
                       "exact u = abs(x)\n") == []
    assert warnings_of("x in [-1, 1]\nunknown u(x)\nu_x = heaviside(x)\nu = 0 on x = -1\n"
                       "exact u = max(x, 0)\n") == []
    assert warnings_of("x in [0, 1]\nunknown u(x)\n-u_xx = pi^2*sin(pi*x)\n"
                       "dn(u) = -pi on boundary\nu = 0 at x = 0\nexact u = sin(pi*x)\n") == []


def test_exact_solution_constant_along_a_variable():
    """u_y of an exact solution without y (here with abs, SymPy's real derivative) is 0."""
    text = SQUARE + "u_y = 0\nu = abs(x - 1/2) on y = 0\nexact u = abs(x - 1/2)\n"
    assert warnings_of(text) == []
    assert "this equation" in only(text.replace("u_y = 0", "u_y = 1")).message


def test_statements_with_an_unknown_without_exact_solution_are_skipped():
    text = (SQUARE + "unknown v(x, y)\n-laplacian(u) = v\nv = 2*pi^2*sin(pi*x)*sin(pi*y)\n"
            "u = 0 on boundary\nexact u = sin(pi*x)*sin(pi*y)\n")
    w = only(text)  # the partial exact solution; the equations with v are not judged
    assert w.line == 8 and w.column == 7
    assert w.message == ("an exact solution is given for u but not for v: write 'exact v = "
                         "...' too, or no error against the exact solution can be reported")


def test_no_initial_condition():
    w = only("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nu_t = u_xx\nu = 0 on boundary\n")
    assert (w.line, w.column) == (1, 6)
    assert w.message == ("no initial condition: no condition holds on t = 0 "
                         "(write, e.g., 'u = ... on t = 0')")


def test_too_few_initial_conditions_for_the_time_order():
    text = ("time t in [1, 2]\nx in [0, 1]\nunknown u(t, x)\nu_tt = u_xx\nu = 0 on boundary\n"
            "u = sin(pi*x) on t = 1\n")
    w = only(text)
    assert (w.line, w.column) == (4, 1)
    assert w.message == ("u has a second-order time derivative, which needs 2 conditions on "
                         "t = 1, but 1 is given (for the wave equation: u and u_t)")
    assert warnings_of(text + "u_t = 0 on t = 1\n") == []


def test_too_few_conditions_for_the_order_in_a_box_variable():
    """`u_xx = 1` with `u = 0 on x = 0` alone checked clean, and so did a 2D Laplacian
    with one face given: the solution is not determined."""
    w = only("x in [0, 2]\nunknown u(x)\nu_xx = 1\nu = 0 on x = 0\n")
    assert (w.line, w.column) == (3, 1)
    assert w.message == ("u has a second-order derivative in x, which needs 2 conditions on "
                         "x = 0 and x = 2 (or at points naming x), but 1 is given")
    assert warnings_of("x in [0, 2]\nunknown u(x)\nu_xx = 1\nu = 0 on x = 0\n"
                       "u_x = 1 on x = 0\n") == []  # an initial value problem in x
    assert warnings_of("x in [0, 2]\nunknown u(x)\nu_xx = 1\nu = 0 at x = 0\n"
                       "u = 0 at x = 1\n") == []
    system = ("x in [0, 1]\nunknown u(x)\nunknown v(x)\nu_xx = v\nv_xx = u\n"
              "u = 0 on boundary\n")
    assert only(system).message == (
        "the derivatives in x (u: order 2, v: order 2) need 4 conditions on x = 0 and x = 1 "
        "(or at points naming x), but 2 are given")
    coupled = "x in [0, 1]\nunknown u(x)\nunknown v(x)\nu_x = v\nv_x = 1\nu = 0 on boundary\n"
    assert warnings_of(coupled) == []  # two conditions on u serve the pair
    found = warnings_of(SQUARE + "laplacian(u) = 1\nu = 0 on x = 0\n")
    assert [(w.line, w.message.split(",")[0]) for w in found] == [
        (4, "u has a second-order derivative in x"), (4, "u has a second-order derivative in y")]


def test_two_conditions_that_set_one_thing_to_two_values():
    """`u = 0 on boundary` beside `u = 1 on x = 0`, or two values at one point, checked
    clean; no solution meets both."""
    w = only(SQUARE + "laplacian(u) = 0\nu = 0 on boundary\nu = 1 on x = 0\n")
    assert (w.line, w.column) == (6, 1)
    assert w.message == ("this condition contradicts the one on line 5 on x = 0: both set the "
                         "same expression, to values that differ by up to 1; no solution meets "
                         "both")
    one = "x in [0, 1]\nunknown u(x)\nu_xx = 1\nu = 0 on x = 1\n"
    w = only(one + "u = 0 at x = 1/2\nu = 3 at x = 1/2\n")
    assert (w.line, w.message) == (6, "this condition contradicts the one on line 5 at x = 1/2: "
                                      "both set the same expression, to values that differ by "
                                      "3; no solution meets both")
    assert "differ by 1;" in only(one + "dn(u) = 2 on x = 0\nu_x = -1 on x = 0\n").message
    assert warnings_of(one + "dn(u) = 2 on x = 0\n-u_x = 2 on x = 0\n") == []  # the same


def test_two_conditions_that_contradict_on_a_region_boundary():
    """On a region: `u = 0 on boundary` beside `u = 1 on hole`, or two normal derivatives
    on a line, checked clean; conditions that agree where they meet, or do not meet, do."""
    plate = ("region plate = rectangle((0, 0), (2, 1))\nregion hole = disk((1, 1/2), 1/4)\n"
             "(x, y) in plate minus hole\nunknown u(x, y)\n-laplacian(u) = 0\n")
    w = only(plate + "u = 0 on boundary\nu = 1 on hole\n")
    assert (w.line, w.column) == (7, 1)
    assert w.message == ("this condition contradicts the one on line 6 on hole: both set the "
                         "same expression, to values that differ by up to 1; no solution meets "
                         "both")
    w = only(plate + "u = 0 on x = 0, x = 2\ndn(u) = 0 on y = 0, y = 1, hole\n"
                     "-dn(u) = x - 2 on y = 1\n")
    assert w.line == 8 and "on line 7 on y = 1" in w.message
    assert 1 < float(w.message.split("up to ")[1].split(";")[0]) <= 2  # |x - 2| on y = 1
    assert warnings_of(plate + "u = 0 on boundary\nu = 0 on hole\n") == []
    assert warnings_of(plate + "u = 0 on x = 0, hole\nu = 1 on x = 2\n"
                               "dn(u) = 0 on y = 0, y = 1\n") == []  # they never meet


def test_pure_neumann_problem_free_constant_and_incompatible_data():
    found = warnings_of(SQUARE + "-laplacian(u) = 1\ndn(u) = 0 on boundary\n")
    free, incompatible = found
    assert (free.line, free.column) == (3, 9)
    assert free.message == (
        "u is determined only up to an added constant: only derivatives of u appear in the "
        "equations and conditions; fix it with 'mean(u) = 0' or 'u = 0 at x = 0, y = 0'")
    assert incompatible.line == 4
    # ∫Δu = ∫(-1) = -1 over the unit square; the flux is 0
    assert incompatible.message == (
        "the Neumann data are incompatible: a solution needs ∫laplacian(u) over the domain "
        "(-1) to equal the outward flux ∮dn(u) over its boundary (0), but they differ by "
        "-1.0e+00")


def test_compatible_neumann_data_with_flux_through_one_face():
    """-Δu = -2, ∂u/∂n = 2 on x = 1 only (u = x^2): ∫Δu = 2 = ∮∂u/∂n."""
    text = (SQUARE + "-laplacian(u) = -2\ndn(u) = 0 on y = 0, y = 1, x = 0\n"
            "u_x = 2 on x = 1\nmean(u) = 1/3\nexact u = x^2\n")
    assert warnings_of(text) == []
    w = only(text.replace("u_x = 2 on x = 1", "u_x = 3 on x = 1").replace("exact u = x^2\n", ""))
    assert "they differ by -1.0e+00" in w.message


def test_periodic_problem_without_mean_has_a_free_constant():
    w = only(SQUARE + "periodic x, y\n-laplacian(u) = sin(2*pi*x)\n")
    assert "u is determined only up to an added constant" in w.message
    assert warnings_of(SQUARE + "periodic x, y\n-laplacian(u) = sin(2*pi*x)\nmean(u) = 0\n") == []
    # a source with a nonzero mean cannot be periodic
    w = warnings_of(SQUARE + "periodic x, y\n-laplacian(u) = 1 + sin(2*pi*x)\nmean(u) = 0\n")
    assert len(w) == 1 and "incompatible" in w[0].message


def run_check(*args):
    return subprocess.run([sys.executable, "-m", "pdedsl", "check", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)})


def test_check_prints_warnings_and_strict_makes_them_errors(tmp_path):
    bad = tmp_path / "bad.pde"
    bad.write_text("x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu = 0 on boundary\nexact u = x*(1 - x)\n")
    result = run_check(bad)
    assert result.returncode == 0
    assert result.stdout.startswith(f"{bad}: ok")
    assert result.stderr.startswith(f"{bad}:3:1: warning: the exact solution does not satisfy")
    strict = run_check(bad, "--strict")
    assert strict.returncode == 2 and strict.stdout == ""
    assert strict.stderr.startswith(f"{bad}:3:1: error: the exact solution does not satisfy")
    good = tmp_path / "good.pde"
    good.write_text("x in [0, 1]\nunknown u(x)\n-u_xx = 2\nu = 0 on boundary\nexact u = x*(1 - x)\n")
    result = run_check(good, "--strict")
    assert result.returncode == 0 and result.stderr == ""


def test_exact_solution_must_be_periodic():
    head = SQUARE + "periodic y, x\n-laplacian(u) = 4*pi^2*sin(2*pi*x)\nmean(u) = 0\n"
    assert warnings_of(head + "exact u = sin(2*pi*x)\n") == []
    w = warnings_of(head + "exact u = sin(2*pi*x) + x - 1/2\n")[0]
    assert (w.line, w.column) == (4, 13)
    assert w.message == ("the exact solution of u is not periodic in x: it differs at x = 0 "
                         "and x = 1 by 1.0e+00")
    w = only(SQUARE + "periodic x\n-laplacian(u) = pi^2*sin(pi*x)\nu = sin(pi*x) on boundary\n"
             "exact u = sin(pi*x)\n")
    assert w.message.startswith("the exact solution of u is not periodic in x: its slope "
                                "differs at x = 0 and x = 1 by 6.3e+00")


def test_free_constant_of_an_ode_in_time():
    found = warnings_of("time t in [0, 1]\nunknown u(t)\nu_t = 1\n")
    assert [w.line for w in found] == [1, 2]
    assert found[1].message.endswith("fix it with an initial condition such as 'u = 0 on t = 0'")


def test_an_exact_solution_that_is_no_real_number_in_the_domain():
    w = only("x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu = 0 on boundary\nexact u = sqrt(x - 2)\n")
    assert (w.line, w.column) == (5, 7)
    assert w.message.startswith("exact u is not a finite real number at x=")
    assert "(50 of 50 sample points of the domain)" in w.message
