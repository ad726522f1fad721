"""Every example with an `exact` solution really solves its own problem.

For each `examples/*.pde` that states exact solutions: parse it, put the exact
fields in place of the unknowns, and check that every interior equation residual
and every condition residual (per face, `dn` expanded with the outward normal,
evaluated on that face) is zero: symbolically where `sympy.simplify` manages,
otherwise numerically (30 digits) at 20 random points.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sympy

from pdedsl.language import parse_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES = sorted(EXAMPLES.glob("*.pde"))
N_POINTS = 20
TOLERANCE = 1e-12


def _with_exact(problem, expr: sympy.Expr) -> sympy.Expr:
    """`expr` with each unknown replaced by its exact solution and constants (fitted
    ones too) by their values."""
    for unknown in problem.unknowns:
        expr = expr.subs(unknown.applied, problem.exact[unknown.name])
    values = problem.constant_values()
    fitted = {f.symbol: f.exact.subs(values) for f in problem.fitted}
    return expr.doit().subs(values).subs(fitted)


def _assert_zero(problem, residual: sympy.Expr, fixed: dict, what: str) -> None:
    residual = residual.subs(fixed)
    names = {v.name for v in problem.variables}
    stray = {s.name for s in residual.free_symbols} - names
    assert not stray, f"{what}: names left after substitution: {sorted(stray)}"
    if sympy.simplify(residual) == 0:
        return
    rng = random.Random(f"{problem.source.name if problem.source else ''}:{what}")
    free = [v for v in problem.variables if v.symbol in residual.free_symbols]
    bounds = dict(zip((v.name for v in problem.variables), problem.bounds()))
    worst = 0.0
    for _ in range(N_POINTS):
        point = {v.symbol: sympy.Float(rng.uniform(*bounds[v.name]), 30) for v in free}
        value = complex(residual.evalf(30, subs=point))
        worst = max(worst, abs(value))
    assert worst < TOLERANCE, f"{what}: residual {residual} is {worst:.3e} at a random point"


def _exact_files():
    return [p for p in FILES if parse_file(p).exact]


def test_gallery_has_examples_with_exact_solutions():
    assert len(_exact_files()) >= 12


@pytest.mark.parametrize("path", _exact_files(), ids=lambda p: p.name)
def test_exact_solution_satisfies_problem(path: Path):
    problem = parse_file(path)
    assert set(problem.exact) == {u.name for u in problem.unknowns}, (
        "exact solutions must be given for every unknown"
    )
    assert problem.equations and problem.conditions
    assert all(f.exact is not None for f in problem.fitted), "a fitted constant's value"

    for i, equation in enumerate(problem.equations):
        _assert_zero(problem, _with_exact(problem, equation.residual), {}, f"equation {i + 1}")

    values = problem.constant_values()
    for i, condition in enumerate(problem.conditions):
        for face in condition.faces:
            variable = problem.variable(face.variable)
            end = variable.lower if face.side == "lower" else variable.upper
            end = end.subs(values)
            assert float(end) == pytest.approx(problem.face_value(face))
            residual = _with_exact(problem, condition.on_face(face))
            _assert_zero(
                problem, residual, {variable.symbol: end},
                f"condition {i + 1} ({condition.where}) on {face}",
            )
