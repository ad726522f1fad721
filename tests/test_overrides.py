"""`--set NAME=VALUE` and `solve(NAME="...")` read a value as the file reads it: a
constant expression in the problem's constants, or a word for a setting of words."""

from pathlib import Path

import pytest
import sympy

from pdedsl.config import configure
from pdedsl.language import PdeError, parse, parse_file
from pdedsl.language.expression import parse_value

ROOT = Path(__file__).resolve().parent.parent

TEXT = ("const L = 2\nconst kappa = 1/4\nx in [0, L]\nunknown u(x)\n"
        "-kappa*u_xx = 1\nu = 0 on boundary\n")


@pytest.fixture(scope="module")
def problem():
    return parse(TEXT, filename="f.pde")


def test_settings_take_constant_expressions(problem):
    _, config = configure(problem, {"steps": "2*250", "rcond": "1e-6", "width": "L*8",
                                    "interior": "10^2", "seed": "3*2", "tol": "pi/10^9"})
    assert config.solver_options["steps"] == 500 and isinstance(config.solver_options["steps"], int)
    assert config.solver_options["rcond"] == 1e-6
    assert config.solver_options["tol"] == pytest.approx(3.141592653589793e-9, rel=1e-15)
    assert config.model["width"] == 16
    assert config.sample["interior"] == 100
    assert config.seed == 6


def test_words_stay_words(problem):
    _, config = configure(problem, {"method": "grid", "activation": "sin", "solver": "adam"})
    assert config.sample["method"] == "grid" and config.model["activation"] == "sin"
    assert config.solver == "adam"


def test_constants_take_constant_expressions(problem):
    changed, _ = configure(problem, {"kappa": "pi/4", "L": "3"})
    values = changed.constant_values()
    assert values[sympy.Symbol("kappa")] == sympy.pi / 4
    assert changed.bounds() == [(0.0, 3.0)]
    later, _ = configure(problem, {"kappa": "L/8"})  # L is declared before kappa
    assert later.constant_values()[sympy.Symbol("kappa")] == sympy.Rational(1, 4)
    numbers, _ = configure(problem, {"kappa": 0.5})  # from Python: a number as before
    assert numbers.constant_values()[sympy.Symbol("kappa")] == sympy.Rational(1, 2)


@pytest.mark.parametrize("overrides, message", [
    ({"steps": "2*"}, "steps = 2*: unexpected end of the expression"),
    ({"steps": "2.5"}, "setting 'steps' must be a whole number"),
    ({"steps": "many"}, "setting 'steps' must be a number, not 'many'"),
    ({"steps": "-3"}, "setting 'steps' must be at least 1"),
    ({"width": "x"}, "setting 'width' must be a number, not 'x'"),
    ({"width": "2*x"}, "width = 2*x: the value of width must be a constant expression, but 'x' "
                       "is a variable"),
    ({"kappa": "1/0"}, "kappa = 1/0: division by zero"),
    ({"kappa": "sqrt(-1)"}, "kappa = sqrt(-1): not a real number"),
    ({"kappa": "u"}, "but 'u' is an unknown"),
    ({"L": "kappa*8"}, "L = kappa*8: the new value of L may use only the constants declared "
                       "before it, not kappa"),
    ({"rcond": "1e999"}, "rcond = 1e999: not a finite number (too large to compute)"),
    ({"rcond": "__import__('os')"}, "rcond = __import__('os'): unexpected character '_'"),
])
def test_bad_values(problem, overrides, message):
    with pytest.raises(PdeError) as info:
        configure(problem, overrides)
    assert message in info.value.message
    assert info.value.filename == "f.pde"


def test_parse_value_keeps_constants_and_points_at_the_mistake(problem):
    assert parse_value("kappa*2 + pi", problem) == 2 * sympy.Symbol("kappa") + sympy.pi
    with pytest.raises(PdeError) as info:
        parse_value("1 + sin(", problem)
    assert (info.value.line, info.value.column) == (1, 9)
    assert str(info.value).endswith("\n    1 + sin(\n            ^")


REGION = """const R = 1
x in [-1, 1]
(x, y) in disk((0, 0), R)
unknown u(x, y)
-laplacian(u) = 1
u = 0 on boundary
"""


@pytest.mark.parametrize("value, message", [
    ("2", "R = 2: the region no longer fits in the range of x"),
    ("-1", "R = -1: the radius of a disk must be positive, got -1"),
    ("1e999", "not a finite number"),
])
def test_a_constant_of_a_region_says_what_its_new_value_breaks(value, message):
    with pytest.raises(PdeError, match=message):
        configure(parse(REGION), {"R": value})


PLATE = """const L = 2
region hole = disk((1, 1/2), 1/4)
(x, y) in rectangle((0, 0), (L, 1)) minus hole
unknown u(x, y)
-laplacian(u) = 0
u = 1 on x = 0
u = 0 on x = L
dn(u) = 0 on y = 0, y = 1, hole
"""


def test_a_constant_moves_the_planes_of_a_region_s_conditions():
    # `on x = L` stayed at x = 2, and sampling stopped with a ValueError traceback
    changed, _ = configure(parse(PLATE), {"L": "3"})
    assert [str(s) for s in changed.conditions[1].selectors] == ["x = 3"]
    with pytest.raises(PdeError) as info:
        configure(parse(PLATE), {"L": "1/2"})
    assert ("L = 1/2: the condition on line 8: no part of 'hole' is on the boundary"
            in info.value.message)


@pytest.mark.parametrize("at, value, message", [
    # the point trained outside the disk; the line stopped sampling with a traceback
    ("x = a, y = a", "9/10", "a = 9/10: the point condition on line 6: the point x = a, "
     "y = a is outside the region"),
    ("x = a", "1", "a = 1: the point condition on line 6: no part of x = a lies inside"),
])
def test_a_constant_keeps_a_point_condition_in_the_region(at, value, message):
    text = ("const a = 0\n(x, y) in disk((0, 0), 1)\nunknown u(x, y)\n-laplacian(u) = 0\n"
            f"dn(u) = x on boundary\nu = 0 at {at}\n")
    with pytest.raises(PdeError) as info:
        configure(parse(text), {"a": value})
    assert message in info.value.message


def test_a_constant_keeps_the_data_in_the_region(tmp_path):
    """The observation at (0.5, 0.5) was outside the disk of radius 0.6, and trained."""
    (tmp_path / "obs.csv").write_text("x,y,u\n0.5,0.5,0\n")
    (tmp_path / "p.pde").write_text("const R = 1\n(x, y) in disk((0, 0), R)\nunknown u(x, y)\n"
                                    "-laplacian(u) = 1\nu = 0 on boundary\ndata \"obs.csv\"\n")
    with pytest.raises(PdeError, match="R = 3/5: the data of .*obs.csv hold points outside"):
        configure(parse_file(tmp_path / "p.pde"), {"R": "0.6"})


BOX = """const L = 1
const k = 2
const m = 1/k
x in [0, L]
unknown u(x)
u_xx = x*m + log(k)
u = 0 on boundary
exact u = sqrt(k)*x
"""


@pytest.mark.parametrize("name, value, message", [
    # training ran on the empty range, or compilation stopped with a traceback
    ("L", "-1", "L = -1: the range of x is empty: [0, -1]"),
    ("L", "0", "L = 0: the range of x is empty: [0, 0]"),
    ("k", "0", "k = 0: the value of m is infinite or undefined"),
    ("k", "-1", "k = -1: the equation on line 6 holds a number that is not real"),
])
def test_a_constant_says_what_its_new_value_breaks(name, value, message):
    with pytest.raises(PdeError) as info:
        configure(parse(BOX), {name: value})
    assert message in info.value.message
    changed, _ = configure(parse(BOX), {"L": "2", "k": "3"})
    assert changed.bounds() == [(0.0, 2.0)]


SCALED = """const L = 1
x in [0, L]
unknown u(x)
-u_xx = 2
u = 0 on x = 0, x = L
exact u = x*(L - x)
"""


@pytest.mark.parametrize("value, reaches", [("1e300", "2.5e+599 at x = 5e+299"),
                                            ("1e100", "2.5e+199 at x = 5e+99")])
def test_a_scale_whose_exact_solution_overflows_is_refused(value, reaches):
    """`--set L=1e300` trained with 'L2 u nan' in the progress: the exact solution's
    squares overflow a double, so its error cannot be measured (nor its problem held)."""
    with pytest.raises(PdeError) as info:
        configure(parse(SCALED), {"L": value})
    assert info.value.message == (
        f"L = {float(value):g}: the exact solution of u reaches {reaches}: beyond 1e+150, its "
        "squares overflow a double, so no error can be measured against it")
    changed, _ = configure(parse(SCALED), {"L": "1e20"})
    assert changed.bounds() == [(0.0, 1e20)]


def test_the_overflow_is_said_by_check_set(tmp_path, capsys):
    from pdedsl.cli import main

    (tmp_path / "scaled.pde").write_text(SCALED)
    assert main(["check", str(tmp_path / "scaled.pde"), "--set", "L=1e300"]) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"{tmp_path / 'scaled.pde'}: error: L = 1e+300: ")
    assert said.endswith(": the exact solution of u reaches 2.5e+599 at x = 5e+299: beyond "
                         "1e+150, its squares overflow a double, so no error can be measured "
                         "against it\n")


def test_check_shows_a_huge_new_value_as_a_float(tmp_path, capsys):
    """`--set L=1e20` is the integer 10^20: check shows it in 15 digits, not 21."""
    from pdedsl.cli import main

    (tmp_path / "scaled.pde").write_text(SCALED)
    assert main(["check", str(tmp_path / "scaled.pde"), "--set", "L=1e20"]) == 0
    assert "  L = 1.0e+20\n" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "scaled.pde"), "--set", "L=1/3"]) == 0
    assert "  L = 1/3\n" in capsys.readouterr().out


def test_a_new_range_must_still_hold_the_points_and_the_data(tmp_path):
    """Training ran with the point and the measurements outside the shrunken range."""
    (tmp_path / "obs.csv").write_text("x,u\n0.75,1\n")
    text = "const L = 1\nx in [0, L]\nunknown u(x)\n-u_xx = 1\nu = 0 on x = 0\n"
    point = parse(text + "u = 1 at x = 1/2\n")
    with pytest.raises(PdeError, match=r"L = 1/4: the point condition on line 6: x = 0.5 "
                                       r"is outside the range of x \[0, 0.25\]"):
        configure(point, {"L": "1/4"})
    data = parse(text + 'data "obs.csv"\n', filename=str(tmp_path / "p.pde"))
    with pytest.raises(PdeError, match=r"L = 1/2: the data of .*obs.csv hold x outside"):
        configure(data, {"L": "1/2"})


def test_a_network_too_large_for_memory_is_refused_before_it_runs(problem):
    """A width of 10^6 in 1D is 10^12 parameters: Φ̂ would need petabytes, and the first
    step failed deep in XLA with a traceback."""
    with pytest.raises(PdeError) as info:
        configure(problem, {"width": "10^6"})
    assert "1,000,004,000,001 parameters" in info.value.message
    assert "use a smaller network or fewer points" in info.value.message
    _, config = configure(problem, {"width": "10^3", "depth": 1})  # 3,001 parameters: fine
    assert config.model["width"] == 1000


def test_a_run_too_large_for_memory_points_at_the_files_setting():
    """The refusal names the line that asked for the size, unless an override replaced it."""
    text = "x in [0, 1]\nunknown u(x)\n-u_xx = 1\nu = 0 on x = 0, x = 1\nsample  interior = 10^12\n"
    big = parse(text, filename="big.pde")
    with pytest.raises(PdeError) as info:
        configure(big, {})
    assert (info.value.line, info.value.column) == (5, 9)
    with pytest.raises(PdeError) as info:
        configure(big, {"interior": "10^13"})
    assert info.value.line is None


@pytest.mark.parametrize("given", [42, b"x in [0, 1]", None, ["laplace.pde"]])
def test_solve_of_something_not_a_file_or_text_says_what_it_expected(given):
    from pdedsl import solve

    with pytest.raises(PdeError, match="expected a .pde file's path, its text or a Problem"):
        solve(given, steps=1)


def test_solve_of_a_folder_or_with_a_callback_that_is_not_one(tmp_path):
    from pdedsl import solve

    with pytest.raises(PdeError, match="is a directory, not a file"):
        solve(str(tmp_path), steps=1)
    with pytest.raises(PdeError, match="callback must be a function of one history row, not int"):
        solve(ROOT / "examples" / "poisson1d.pde", steps=1, callback=5)


@pytest.mark.parametrize("name", ["problem.txt", "runs/heat", "nope"])
def test_solve_of_a_missing_file_says_no_such_file_whatever_its_suffix(tmp_path, monkeypatch, name):
    from pdedsl import solve

    monkeypatch.chdir(tmp_path)
    with pytest.raises(PdeError, match=f"^{name}: error: no such file"):
        solve(name, steps=1)


def test_a_problem_text_on_one_line_is_a_missing_file_that_says_why(tmp_path, monkeypatch):
    """One line is read as a path; text that is clearly not one says that a problem's text
    takes several lines."""
    from pdedsl import solve

    monkeypatch.chdir(tmp_path)
    with pytest.raises(PdeError, match=r"^x in \[0, 1\]: error: no such file \(a problem's "
                                       r"text has one statement per line"):
        solve("x in [0, 1]", steps=1)


def test_numpy_numbers_are_settings_and_bad_constants_say_so():
    """NumPy's integers are whole numbers; NaN and True are no constant's value; a fitted
    constant's first guess given as text is read as the file reads a constant."""
    import numpy as np

    from pdedsl import prepare

    text = "const k = 1\nx in [0, 1]\nunknown u(x)\nu_xx = k\nu = 0 on boundary\n"
    problem = parse(text)
    _, config = configure(problem, {"steps": np.int64(7), "width": np.int32(8)})
    assert config.solver_options["steps"] == 7 and config.model["width"] == 8
    for bad in (float("nan"), True):
        with pytest.raises(PdeError, match=f"k = {bad!r}: a constant takes a finite real number"):
            configure(problem, {"k": bad})
    heat = ROOT / "examples" / "inverse_heat.pde"
    with pytest.raises(PdeError, match="kappa = abc: undeclared name 'abc'"):
        prepare(heat, kappa="abc")
    assert prepare(heat, kappa="1/2").problem.fitted[0].guess == sympy.Rational(1, 2)
