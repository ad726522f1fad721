"""Whole-problem checks: what no single statement can tell is wrong.

Run after `build`, before anything trains: a problem must have an unknown and an
equation, every unknown must appear in an equation, every equation and
condition must mention an unknown, and an exact solution must be small enough for
an error to be measured against it.
"""

from __future__ import annotations

import re

from . import revalue
from .errors import PdeError
from .problem import Equation, Location, MeanCondition, Problem, Settings, unknowns_in


def check(problem: Problem, text: str, filename: str = "<input>") -> None:
    """Raise PdeError at the first problem-level mistake in `problem`."""

    def error(message: str, location=None) -> PdeError:
        line, column = (location.line, location.column) if location else (1, 1)
        return PdeError(message, filename=filename, text=text, line=line, column=column)

    if not (problem.variables or problem.constants or problem.unknowns or problem.equations
            or problem.conditions or problem.point_conditions or problem.mean_conditions
            or problem.settings != Settings()):
        raise error("the file states no problem (it is empty, or only comments and blank "
                    "lines): write variables, an unknown and an equation, e.g. "
                    "'x in [0, 1]', 'unknown u(x)', 'u_xx = 1'")
    if not problem.unknowns:
        raise error("the problem has no unknown: declare one, e.g. 'unknown u(x)'")
    if not problem.equations:
        raise error("the problem has no equation (an equation is a line like 'laplacian(u) = 0'"
                    " without 'on')")
    statements = (*problem.equations, *problem.mean_conditions, *problem.conditions,
                  *problem.point_conditions)
    for statement in sorted(statements, key=_position):
        if not unknowns_in(statement.eq):
            kind = "equation" if isinstance(statement, (Equation, MeanCondition)) else "condition"
            raise error(f"this {kind} mentions no unknown", statement.location)
    in_equations = set().union(*(unknowns_in(e.eq) for e in problem.equations))
    for unknown in problem.unknowns:
        if unknown.name not in in_equations:
            raise error(
                f"the unknown '{unknown.name}' appears in no equation",
                _declaration(text, unknown.name),
            )
    target = problem.settings.solver_options.get("target", 0)
    if target and (missing := unmeasured(problem)):
        raise error(f"target = {target:g} stops at the error against the exact solution, and "
                    f"the file gives none for {', '.join(missing)}", _setting(text, "target"))
    for name in problem.exact:
        try:
            revalue.check_scale(problem, name)
        except ValueError as too_large:
            raise error(str(too_large), _declaration(text, name, "exact")) from None
    if split := rows_split(problem, problem.settings.solver_options):
        raise error(split, problem.mean_conditions[0].location)
    if unfit := constraint_unfit(problem, problem.settings.model):
        raise error(unfit, _setting(text, "constraint", "model"))


def rows_split(problem: Problem, options: dict) -> str:
    """Why a mean condition cannot train with these solver options ('' if it can): its one
    row needs every interior point at once, and `chunk` or `devices` build Φ̂ a part of
    the rows at a time."""
    split = [f"{name} = {options[name]}" for name, plain in (("chunk", 0), ("devices", 1))
             if options.get(name, plain) != plain]
    if not (problem.mean_conditions and split):
        return ""
    return (f"a mean condition needs all the interior points at once: it cannot be trained "
            f"with {' and '.join(split)} (leave them at their defaults)")


def constraint_unfit(problem: Problem, model: dict) -> str:
    """Why `constraint = exact` cannot build this problem's conditions in ('' if it can):
    it knows the distance to a box's faces in any dimension, to a region's boundary in 2D."""
    region = problem.region
    if model.get("constraint") != "exact" or region is None or region.dimension == 2:
        return ""
    return (f"constraint = exact builds conditions in on 2D regions and boxes only "
            f"(this region is {region.dimension}D): use constraint = none")


def unmeasured(problem: Problem) -> list[str]:
    """What `target` (stop at the errors against `exact`) cannot measure: every unknown,
    or every fitted constant (an inverse problem's answer), needs an exact value; else
    the names without one."""
    constants = [f.name for f in problem.fitted if f.name not in problem.fitted_exact()]
    if problem.without_exact and (constants or not problem.fitted):
        return [*problem.without_exact, *constants]
    return []


def _position(statement) -> tuple[int, int]:
    location = statement.location
    return (location.line, location.column) if location else (0, 0)


def _setting(text: str, name: str, statement: str = "solver"):
    """Where the setting `NAME = ...` of the `solver` (or `model`, ...) statement is
    written (its brackets may run over several lines)."""
    statement = re.search(rf"^[ \t]*{statement}\b", text, re.MULTILINE)
    found = statement and re.compile(rf"\b{re.escape(name)}\s*=").search(text, statement.end())
    if not found:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return Location(line, found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1)


def _declaration(text: str, name: str, keyword: str = "unknown"):
    """Where `unknown NAME` (or `exact NAME`, by `keyword`) is written, to point at it."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(rf"\s*{keyword}\s+({re.escape(name)})\b", line)
        if match:
            return Location(number, match.start(1) + 1)
    return None
