"""`fit`, `exact` of a fitted constant and `data` in the language: what parses into the
Problem, every mistake at its line and column, `pdedsl check` on data-file errors,
and the checks of `verify` with fitted constants."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from pdedsl.language import PdeError, parse, parse_file, verify

ROOT = Path(__file__).resolve().parent.parent
ONE = "x in [0, 1]\nunknown u(x)\n"  # lines 1-2
FIT = ONE + "fit k = 2\n-u_xx + k*u = 1\n"  # line 3 fits k, line 4 uses it


def error_of(text: str, filename: str = "f.pde") -> PdeError:
    with pytest.raises(PdeError) as info:
        parse(text, filename=filename)
    return info.value


CASES = [
    ("const then fit", ONE + "const k = 1\nfit k = 2\nu_xx = k\n",
     "'k' is already a constant (line 3): a name is either given (const) or fitted", 4, 5),
    ("fit then const", ONE + "fit k = 1\nconst k = 2\nu_xx = k\n",
     "'k' is already declared (line 3)", 4, 7),
    ("fit twice", ONE + "fit k = 1\nfit k = 2\nu_xx = k\n", "'k' is already declared (line 3)", 4, 5),
    ("fit a keyword", ONE + "fit data = 1\n", "'data' is a keyword", 3, 5),
    ("fit a function", ONE + "fit sin = 1\n", "'sin' is a built-in function", 3, 5),
    ("fit in a range", "fit k = 1\nx in [0, k]\nunknown u(x)\nu_xx = k\n",
     "'k' is a fitted constant, known only once training ends: it may appear in equations "
     "and conditions, not in the range of x", 2, 10),
    ("fit in a const", ONE + "fit k = 1\nconst c = 2*k\n", "not in the value of c", 4, 13),
    ("fit in a guess", ONE + "fit k = 1\nfit m = k\n", "not in the first guess of m", 4, 9),
    ("fit in an exact solution", FIT + "exact u = k*x\n", "not in an exact solution", 5, 11),
    ("fit in an exact value", FIT + "fit m = 1\nu = m on x = 0\nexact m = k\n",
     "not in the exact value of m", 7, 11),
    ("fit in a point", FIT + "u = 0 at x = k\n", "not in the value of x", 5, 14),
    ("fit in a face", FIT + "u = 0 on x = k\n", "not in the value of x", 5, 14),
    ("fit as a setting", FIT + "solver anagram(steps = k)\n", "it cannot be a setting", 5, 24),
    ("fit called", FIT + "u = k(x) on x = 0\n", "'k' is not a function", 5, 5),
    ("fit as a variable", FIT + "unknown v(k)\n", "'k' is a fitted constant, not a variable", 5, 11),
    ("fit unused", ONE + "fit k = 1\nu_xx = 1\n",
     "the fitted constant 'k' appears in no equation or condition", 3, 5),
    ("fit unused, the second", FIT + "fit  m = 1\n", "the fitted constant 'm'", 5, 6),
    ("guess infinite", ONE + "fit k = 1/0\nu_xx = k\n", "division by zero", 3, 11),
    ("guess with a variable", ONE + "fit k = x\nu_xx = k\n",
     "the first guess of k must be a constant expression, but 'x' is a variable", 3, 9),
    ("exact of a fitted constant twice", FIT + "exact k = 1\nexact k = 2\n",
     "a second exact value for 'k'", 6, 7),
    ("exact of a fitted constant with a variable", FIT + "exact k = x\n",
     "the exact value of k must be a constant expression", 5, 11),
    ("exact before fit", ONE + "exact k = 1\nfit k = 2\n", "exact: undeclared unknown 'k'", 3, 7),
    ("data without a path", FIT + 'data ""\n', "empty data path", 5, 6),
]


@pytest.mark.parametrize("text, message, line, column", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_error(text, message, line, column):
    error = error_of(text)
    assert message in error.message
    assert (error.filename, error.line, error.column) == ("f.pde", line, column)


def test_fit_parses_into_the_problem():
    problem = parse(FIT + "const g = 3\nfit m = g/2\nu = m on x = 0\nexact k = pi^2\n")
    assert [f.name for f in problem.fitted] == ["k", "m"]
    assert problem.fitted[0].guess == 2 and problem.fitted[0].exact == sympy.pi**2
    assert problem.fitted[1].exact is None
    assert problem.guesses() == {"k": 2.0, "m": 1.5}
    assert problem.fitted_exact() == {"k": pytest.approx(np.pi**2, rel=1e-15)}
    assert (problem.fitted[0].location.line, problem.fitted[0].location.column) == (3, 5)
    # the fitted constants stay symbols in the equations, as constants do not
    assert sympy.Symbol("k") in problem.equations[0].eq.free_symbols
    assert not problem.constants[0].value.free_symbols


def test_a_fitted_constant_may_appear_in_every_kind_of_condition():
    text = (ONE + "fit a = 1\nfit b = 1\nfit c = 1\nfit d = 1\n-u_xx = a\n"
            "u = b on x = 0\nu_x = c*u on x = 1\nu = d at x = 1/2\nmean(u) = a\n")
    problem = parse(text)
    assert [f.name for f in problem.fitted] == ["a", "b", "c", "d"]


def test_with_guesses_changes_only_the_first_guess():
    problem = parse(FIT)
    changed = problem.with_guesses(k="0.5")
    assert changed.guesses() == {"k": 0.5} and changed.equations == problem.equations
    with pytest.raises(KeyError, match="no fitted constant named q"):
        problem.with_guesses(q=1)


# ------------------------------------------------------------------ data
def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_data_is_read_relative_to_the_pde_file(tmp_path, monkeypatch):
    sub = tmp_path / "case"
    sub.mkdir()
    write(sub / "..", "elsewhere.csv", "x,u\n0.5,9\n")  # what the working folder holds
    write(sub, "obs.csv", "u,x\n1.5,0.25\n2.5,0.75\n")
    pde = write(sub, "p.pde", FIT + 'data "obs.csv"\n')
    monkeypatch.chdir(tmp_path)
    problem = parse_file(pde)
    (obs,) = problem.observations
    assert obs.path == str(sub / "obs.csv") and obs.unknowns == ("u",)
    np.testing.assert_array_equal(obs.points, [[0.25], [0.75]])
    np.testing.assert_array_equal(obs.values["u"], [1.5, 2.5])
    assert (obs.location.line, obs.location.column) == (5, 6)
    assert parse_file(pde) == problem  # observations compare by value


def test_several_data_statements_and_read_data_false(tmp_path):
    write(tmp_path, "a.csv", "x,u\n0.5,1\n")
    write(tmp_path, "b.csv", "x,u\n0.25,2\n0.5,3\n")
    text = FIT + 'data "a.csv"\ndata "b.csv"\n'
    problem = parse_file(write(tmp_path, "p.pde", text))
    assert [o.count for o in problem.observations] == [1, 2]
    assert parse(text, filename=str(tmp_path / "p.pde"), read_data=False).observations == ()


def test_a_missing_data_file_is_an_error_at_the_statement(tmp_path):
    error = error_of(FIT + 'data "nope.csv"\n', filename=str(tmp_path / "p.pde"))
    assert (error.line, error.column) == (5, 6)
    assert f"no such data file: {tmp_path / 'nope.csv'}" in error.message
    assert f"relative to the folder of the .pde file, {tmp_path}" in error.message


def test_data_may_come_before_the_names_it_uses(tmp_path):
    """The file is read once every statement is: its header is checked against every
    variable and unknown of the problem, wherever `data` is written."""
    write(tmp_path, "obs.csv", "x,u,v\n0.5,1,2\n")
    text = 'data "obs.csv"\nx in [0, 1]\nunknown u(x)\nunknown v(x)\nu_xx = v\nv = u_x\n'
    (obs,) = parse_file(write(tmp_path, "p.pde", text)).observations
    assert obs.unknowns == ("u", "v")


def test_a_point_outside_the_ranges_is_an_error_in_the_data_file(tmp_path):
    write(tmp_path, "obs.csv", "x,u\n0.5,1\n1.5,2\n")
    with pytest.raises(PdeError) as info:
        parse_file(write(tmp_path, "p.pde", FIT + 'data "obs.csv"\n'))
    error = info.value
    assert error.filename == str(tmp_path / "obs.csv") and (error.line, error.column) == (3, 1)
    assert "x = 1.5 is outside the domain (x in [0, 1])" in error.message


def test_pdedsl_check_reports_a_data_file_error_with_its_caret(tmp_path):
    write(tmp_path, "obs.csv", "x,u\n0.5, 1\n0.7, one\n")
    pde = write(tmp_path, "p.pde", FIT + 'data "obs.csv"\n')
    done = subprocess.run([sys.executable, "-m", "pdedsl", "check", str(pde)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{tmp_path / 'obs.csv'}:3:6: error: 'one' in column 'u' is not a number",
        "    0.7, one",
        "         ^",
    ]
    assert "Traceback" not in done.stderr


def test_pdedsl_check_prints_fitted_constants_and_data(tmp_path):
    write(tmp_path, "obs.csv", "x,u\n0.5,1\n0.25,2\n")
    pde = write(tmp_path, "p.pde", FIT + 'data "obs.csv"\nexact k = 1/4\n')
    done = subprocess.run([sys.executable, "-m", "pdedsl", "check", str(pde)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[lines.index("fitted constants") + 1] == "  k = 2   (first guess); exact 1/4"
    assert lines[lines.index("data") + 1] == "  obs.csv: 2 observations of u at (x)"


# ------------------------------------------------------------------ verify
EIGEN = ONE + "fit lam = 5\n-u_xx = lam*u\nu = 0 on x = 0, x = 1\nu_x = pi on x = 0\n" \
    "exact u = sin(pi*x)\n"


def test_verify_uses_the_exact_value_of_a_fitted_constant():
    assert verify(parse(EIGEN + "exact lam = pi^2\n")) == []
    (warning,) = verify(parse(EIGEN + "exact lam = 4*pi^2\n"))
    assert "the exact solution does not satisfy this equation" in warning.message
    assert warning.line == 4


def test_verify_skips_statements_with_a_fitted_constant_without_exact_value():
    """lam unknown: the equation cannot be checked; the conditions still are."""
    assert verify(parse(EIGEN)) == []
    (warning,) = verify(parse(EIGEN.replace("u_x = pi", "u_x = 2*pi")))
    assert warning.line == 6 and "does not satisfy this condition" in warning.message
