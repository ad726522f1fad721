"""Every statement kind, and the two LANGUAGE.md files against hand-written SymPy."""

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
    assert s.solver_options == {"steps": 500, "rcond": 1e-6}
    assert s.model == {"width": 64, "depth": 1, "activation": "tanh"}
    assert s.sample == {"interior": 784, "boundary": 87, "method": "grid"}


def test_examples_are_verbatim_from_language_md():
    contract = Path("/work/shared/LANGUAGE.md")
    if not contract.exists():
        pytest.skip("LANGUAGE.md not available")
    text = contract.read_text()
    for name in ("laplace.pde", "heat.pde"):
        assert (EXAMPLES / name).read_text() in text
