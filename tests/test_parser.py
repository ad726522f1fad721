"""Every statement kind, and the two examples of the language reference against hand-written SymPy."""

import time
from pathlib import Path

import pytest
import sympy
from sympy import Derivative, Eq, Function, Rational, Symbol, exp, pi, sin

from pdedsl.language import (
    Condition, Constant, Equation, Face, NormalDerivative, Problem, Unknown, Variable,
    parse, parse_file,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
x, y, z, t = (Symbol(n) for n in "xyzt")
kappa = Symbol("kappa")


def eq(problem, i=0):
    return problem.equations[i].eq


def test_laplace_example():
    p = parse_file(EXAMPLES / "laplace.pde")
    u = Function("u")(x, y)
    assert p.variables == (Variable("x", 0, 1), Variable("y", 0, 1))
    assert p.unknowns == (Unknown("u", ("x", "y")),)
    assert p.constants == ()
    (equation,) = p.equations
    assert equation.eq == Eq(
        Derivative(u, (x, 2)) + Derivative(u, (y, 2)),
        -2 * pi**2 * sin(pi * x) * sin(pi * y),
        evaluate=False,
    )
    assert equation.location.line == 6 and equation.location.column == 1
    (condition,) = p.conditions
    assert condition.eq == Eq(u, 0, evaluate=False)
    assert condition.faces == (
        Face("x", "lower"), Face("x", "upper"), Face("y", "lower"), Face("y", "upper"),
    )
    assert condition.where == "boundary"
    assert p.exact == {"u": sin(pi * x) * sin(pi * y)}
    assert p.source.name.endswith("laplace.pde")
    assert p.settings.solver is None and p.settings.seed is None


def test_heat_example():
    p = parse_file(EXAMPLES / "heat.pde")
    u = Function("u")(t, x)
    assert p.variables == (Variable("t", 0, 1, is_time=True), Variable("x", 0, 1))
    assert p.time.name == "t" and [v.name for v in p.spatial] == ["x"]
    assert p.constants == (Constant("kappa", Rational(1, 4)),)
    assert eq(p) == Eq(Derivative(u, t) - kappa * Derivative(u, (x, 2)), 0, evaluate=False)
    c1, c2 = p.conditions
    assert c1.eq == Eq(u, 0, evaluate=False)
    assert c1.faces == (Face("x", "lower"), Face("x", "upper"))
    assert c1.where == "x = 0, x = 1"
    assert c2.eq == Eq(u, sin(pi * x), evaluate=False)
    assert c2.faces == (Face("t", "lower"),)
    assert p.exact == {"u": exp(-kappa * pi**2 * t) * sin(pi * x)}
    s = p.settings
    assert s.solver == "anagram"
    assert s.solver_options == {"steps": 500, "rcond": 1e-6, "cut": "schedule"}
    assert s.model == {"width": 64, "depth": 1, "activation": "tanh"}
    assert s.sample == {"interior": 784, "boundary": 87, "method": "grid"}


def test_examples_are_verbatim_in_the_language_reference():
    text = (EXAMPLES.parent / "docs" / "language.md").read_text()
    for name in ("laplace.pde", "heat.pde"):
        assert (EXAMPLES / name).read_text() in text


# --------------------------------------------------------------- statement kinds
def one(text, header="x in [0, 1]\ny in [0, 1]\nunknown u(x, y)\n"):
    return parse(header + text)


U = Function("u")(x, y)


def test_variables_and_ranges_with_constants():
    p = parse("const L = 2\nconst h = L/4\nx in [-L, L + h]\nunknown u(x)\nu_xx = 0\n")
    L, h = Symbol("L"), Symbol("h")
    assert p.constants == (Constant("L", 2), Constant("h", L / 4))
    assert p.variables == (Variable("x", -L, L + h),)
    assert p.bounds() == [(-2.0, 2.5)]
    assert p.constant_values() == {L: 2, h: Rational(1, 2)}


def test_time_variable_any_position():
    p = parse("x in [0, 1]\ntime t in [0, 2]\nunknown u(x, t)\nu_t = u_xx\n")
    assert [v.is_time for v in p.variables] == [False, True]
    assert eq(p).lhs == Derivative(Function("u")(x, t), t)


def test_diff_forms():
    assert eq(one("diff(u, x) = 0")).lhs == Derivative(U, x)
    assert eq(one("diff(u, x, 2) = 0")).lhs == Derivative(U, (x, 2))
    assert eq(one("diff(u, x, y) = 0")).lhs == Derivative(U, x, y)
    assert eq(one("diff(u, x, 2, y) = 0")).lhs == Derivative(U, (x, 2), y)
    # The first argument may be any expression: the product rule is applied.
    assert eq(one("diff((1 + x)*u_x, x) = 0")).lhs == (
        Derivative(U, x) + (1 + x) * Derivative(U, (x, 2))
    )
    # Derivatives of known functions are evaluated.
    assert eq(one("u = diff(sin(x)*y, x)")).rhs == y * sympy.cos(x)


def test_shorthand_derivatives():
    assert eq(one("u_x = 0")).lhs == Derivative(U, x)
    assert eq(one("u_xx = 0")).lhs == Derivative(U, (x, 2))
    assert eq(one("u_xy = 0")).lhs == Derivative(U, x, y)
    assert eq(one("u_yx = 0")).lhs == Derivative(U, x, y)
    assert eq(one("u_xxyy = 0")).lhs == Derivative(U, (x, 2), (y, 2))
    # A name with '_' not of that form is an ordinary name.
    assert eq(one("const u_max = 2\nu = u_max")).rhs == Symbol("u_max")


def test_laplacian_is_over_spatial_variables_only():
    p = parse("time t in [0, 1]\nx in [0, 1]\ny in [0, 1]\nunknown u(t, x, y)\n"
              "u_t = laplacian(u)\n")
    w = Function("u")(t, x, y)
    assert eq(p).rhs == Derivative(w, (x, 2)) + Derivative(w, (y, 2))
    assert eq(one("laplacian(x^2*y^2) = u")).lhs == 2 * y**2 + 2 * x**2


def test_dn_in_conditions_is_kept():
    p = one("laplacian(u) = 0\ndn(u) + u = x on boundary\n")
    c = p.conditions[0]
    assert c.eq.lhs == NormalDerivative(U) + U
    assert c.on_face(Face("x", "lower")) == -Derivative(U, x) + U - x


def test_explicit_arguments_of_an_unknown():
    assert eq(one("u(x, y) = 1")).lhs == U


def test_system_of_unknowns():
    p = parse("x in [0, 1]\nunknown u(x)\nunknown v(x)\nu_xx = v\nv_xx = u\n"
              "u = 0 on boundary\nv = 1 on x = 1\n")
    assert [u.name for u in p.unknowns] == ["u", "v"]
    assert eq(p, 1).lhs == Derivative(Function("v")(x), (x, 2))


def test_condition_places():
    text = "laplacian(u) = 0\nu = 0 on x = 0, y = 1, boundary\n"
    assert one(text).conditions[0].faces == (Face("x", "lower"), Face("y", "upper"),
                                             Face("x", "upper"), Face("y", "lower"))
    p = parse("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nu_t = u_xx\n"
              "u = 0 on boundary\nu_t = 0 on t = 0\nu = 1 on boundary, t = 0\n")
    assert p.conditions[0].faces == (Face("x", "lower"), Face("x", "upper"))
    assert p.conditions[1].faces == (Face("t", "lower"),)
    assert p.conditions[1].eq.lhs == Derivative(Function("u")(t, x), t)
    assert p.conditions[2].faces == (Face("x", "lower"), Face("x", "upper"), Face("t", "lower"))
    assert p.conditions[2].where == "boundary, t = 0"
    assert p.conditions[0].location.line == 5


def test_exact_may_use_constants_and_derivatives_of_known_functions():
    p = one("const k = 3\nlaplacian(u) = 0\nexact u = k*diff(sin(x), x) + y\n")
    assert p.exact == {"u": Symbol("k") * sympy.cos(x) + y}


def test_settings():
    p = one("const W = 32\nlaplacian(u) = 0\n"
            "solver adam(lr = 1e-3, steps = 20000)\n"
            "model mlp(width = W, depth = 2, activation = sin, dtype = float32)\n"
            "sample interior = 900, boundary = 120, method = sobol\nseed 7\n")
    s = p.settings
    assert s.solver == "adam" and s.solver_options == {"lr": 1e-3, "steps": 20000}
    assert s.model == {"width": 32, "depth": 2, "activation": "sin", "dtype": "float32"}
    assert s.sample == {"interior": 900, "boundary": 120, "method": "sobol"}
    assert s.seed == 7
    assert isinstance(s.solver_options["steps"], int)
    assert one("laplacian(u) = 0\nsolver lbfgs\nmodel mlp()\n").settings.solver == "lbfgs"


def test_a_setting_may_be_pi_or_e():
    """A bare `pi` was taken for a word, like `tanh`: 'must be a number, not 'pi''."""
    s = one("laplacian(u) = 0\nsolver adam(lr = pi, tol = e)\n").settings
    assert s.solver_options == {"lr": float(sympy.pi), "tol": float(sympy.E)}


def test_numbers_are_exact():
    for text, value in [("2", 2), ("0.25", Rational(1, 4)), ("1e-3", Rational(1, 1000)),
                        (".5", Rational(1, 2)), ("2.5E2", 250), ("1/3", Rational(1, 3))]:
        assert eq(one(f"u = {text}")).rhs == value
        assert isinstance(eq(one(f"u = {text}")).rhs, sympy.Rational)


def test_operators_and_precedence():
    rhs = lambda text: eq(one("u = " + text)).rhs  # noqa: E731
    assert rhs("-x^2") == -(x**2)
    assert rhs("2^3^2") == 512
    assert rhs("2**3**2") == 512
    assert rhs("x^-1") == 1 / x
    assert rhs("1 - 2 - 3") == -4
    assert rhs("8 / 2 / 2") == 2
    assert rhs("-2^2") == -4
    assert rhs("(-2)^2") == 4
    assert rhs("x*-y") == -x * y
    assert rhs("pi + e") == pi + sympy.E
    assert rhs("abs(x) + sqrt(y) + log(x) + atan(y)") == (
        sympy.Abs(x) + sympy.sqrt(y) + sympy.log(x) + sympy.atan(y)
    )


def test_comments_blank_lines_and_continuation():
    p = parse(
        "# a comment\n\n  x in [0,   # the range\n        1]\n"
        "unknown u(x)   # the field\n"
        "u_xx = (1 +\n   x)\n\n\n"
    )
    assert eq(p).rhs == 1 + x
    assert p.equations[0].location.line == 6


def test_no_trailing_newline_and_crlf():
    p = parse("x in [0, 1]\r\nunknown u(x)\r\nu_xx = 1")
    assert eq(p).rhs == 1


def test_keywords_are_fine_as_setting_names():
    # `boundary` is a keyword, but `sample boundary = 87` is a setting.
    assert one("laplacian(u) = 0\nsample boundary = 87\n").settings.sample == {"boundary": 87}


def test_problem_symbols_are_plain():
    p = one("laplacian(u) = 0")
    (s,) = [a for a in eq(p).free_symbols if a.name == "x"]
    assert s == Symbol("x") and s.assumptions0 == Symbol("x").assumptions0
    assert isinstance(p, Problem)
    assert all(isinstance(e, Equation) for e in p.equations)
    assert isinstance(one("laplacian(u) = 0\nu = 0 on x = 0").conditions[0], Condition)


def test_many_constants_parse_quickly():
    # Every expression resolves the constants declared so far: hundreds of them must
    # not make a file take minutes (300 took over three before they were kept).
    lines = "".join(f"const c{i} = c{i - 1} + 1\n" for i in range(1, 300))
    started = time.perf_counter()
    p = parse(f"x in [0, 1]\nunknown u(x)\nconst c0 = 1\n{lines}u_xx = c299\n")
    assert time.perf_counter() - started < 20
    assert p.constant_values()[Symbol("c299")] == 300
