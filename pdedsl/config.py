"""The settings of one run: the file's settings, then overrides, then defaults.

`solve(..., steps=50, kappa=0.1)` and `pdedsl solve --set kappa=0.1` both come
here. An override names a setting (`steps`, `rcond`, `width`, `interior`,
`method`, `seed`, `solver`, ...), a constant of the problem, or a fitted constant
(its first guess: `solve(..., kappa=0.5)` for `fit kappa = 1`); each is checked
against the same schema as the file, so a bad value gets the same message. The
defaults come from that schema (`pdedsl.language.settings`), the sampling counts
from the dimension (`pdedsl.geometry.default_counts`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Mapping

from . import geometry
from .language.errors import PdeError
from .language.problem import Problem
from .language.settings import MODELS, SAMPLE, SEED, SOLVER, SOLVERS, defaults, validate_options


@dataclass(frozen=True)
class Config:
    """Everything a run needs besides the problem, every default filled in."""

    solver: str
    solver_options: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    sample: dict = field(default_factory=dict)
    seed: int = 0

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def configure(problem: Problem, overrides: Mapping[str, object] | None = None) -> tuple[Problem, Config]:
    """Apply overrides (constants change the problem) and fill in defaults."""
    overrides = dict(overrides or {})
    where = problem.source.name if problem.source else "<input>"
    settings = problem.settings
    solver = str(overrides.pop("solver", None) or settings.solver or SOLVER)
    if solver not in SOLVERS:
        raise PdeError(f"unknown solver '{solver}' (known: {', '.join(SOLVERS)})", filename=where)
    solver_options = dict(settings.solver_options) if solver == (settings.solver or SOLVER) else {}
    model, sample = dict(settings.model), dict(settings.sample)
    seed = settings.seed if settings.seed is not None else SEED.default
    tables = ((solver_options, SOLVERS[solver]), (model, MODELS["mlp"]), (sample, SAMPLE))
    constants, guesses = {}, {}
    constant_names = {c.name for c in problem.constants}
    fitted_names = {f.name for f in problem.fitted}
    for name, value in overrides.items():
        if value is None:
            continue
        targets = [table for table, allowed in tables if name in allowed]
        if name in constant_names | fitted_names and (targets or name == "seed"):
            raise PdeError(f"'{name}' is both a constant and a setting", filename=where)
        if name in constant_names:
            constants[name] = value
        elif name in fitted_names:
            guesses[name] = value
        elif name == "seed":
            seed = _check(where, {"seed": value}, {"seed": SEED})["seed"]
        elif targets:
            targets[0][name] = value
        else:
            known = sorted({*SOLVERS[solver], *MODELS["mlp"], *SAMPLE, "seed", "solver",
                            *constant_names, *fitted_names})
            raise PdeError(
                f"no setting or constant named '{name}' for solver {solver} (known: {', '.join(known)})",
                filename=where,
            )
    problem = _with_constants(problem, constants, guesses, where)
    return problem, Config(
        solver,
        {**defaults(SOLVERS[solver]), **_check(where, solver_options, SOLVERS[solver])},
        {**defaults(MODELS["mlp"]), **_check(where, model, MODELS["mlp"])},
        _sample_settings(problem, _check(where, sample, SAMPLE)),
        seed,
    )


def _sample_settings(problem: Problem, sample: dict) -> dict:
    dimension = len(problem.variables)
    interior, boundary = geometry.default_counts(dimension)
    return {"interior": interior, "boundary": boundary,
            "method": geometry.default_method(dimension), **sample}


def _with_constants(problem: Problem, constants: dict, guesses: dict, where: str) -> Problem:
    try:
        if constants:
            problem = problem.with_constants(**constants)
        if guesses:
            problem = problem.with_guesses(**guesses)
    except (TypeError, ValueError, SyntaxError) as error:
        raise PdeError(f"a constant must be given a finite number: {constants or guesses} "
                       f"({error})", filename=where) from None
    return problem


def _check(where: str, options: Mapping[str, object], allowed) -> dict:
    try:
        return validate_options(options, allowed, "this run")
    except (KeyError, ValueError) as error:
        raise PdeError(str(error).strip("\"'"), filename=where) from None
