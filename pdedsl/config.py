"""The settings of one run: the file's settings, then overrides, then defaults.

`solve(..., steps=50, kappa=0.1)` and `pdedsl solve --set kappa=0.1` both come
here. An override names a setting (`steps`, `rcond`, `width`, `interior`,
`method`, `seed`, `solver`, ...) or a constant of the problem; each is checked
against the same schema as the file, so a bad value gets the same message.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Mapping

from . import geometry
from .language.errors import PdeError
from .language.problem import Problem
from .language.settings import MODELS, SAMPLE, SEED, SOLVERS, validate_options

# The one place for the network defaults (model.py reads them); chosen by
# bench/robustness.py, see docs/solvers.md.
MODEL_DEFAULTS = {"width": 32, "depth": 2, "activation": "tanh", "dtype": "float64", "init": "uniform"}


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
    from .solvers import REGISTRY

    overrides = dict(overrides or {})
    where = problem.source.name if problem.source else "<input>"
    settings = problem.settings
    solver = str(overrides.pop("solver", None) or settings.solver or "anagram")
    if solver not in SOLVERS:
        raise PdeError(f"unknown solver '{solver}' (known: {', '.join(SOLVERS)})", filename=where)
    solver_options = dict(settings.solver_options) if solver == (settings.solver or "anagram") else {}
    model = dict(settings.model)
    sample = dict(settings.sample)
    seed = settings.seed if settings.seed is not None else 0
    constants = {}
    constant_names = {c.name for c in problem.constants}
    for name, value in overrides.items():
        if value is None:
            continue
        targets = [
            table for table, allowed in (
                (solver_options, SOLVERS[solver]), (model, MODELS["mlp"]), (sample, SAMPLE)
            ) if name in allowed
        ]
        if name in constant_names and (targets or name == "seed"):
            raise PdeError(f"'{name}' is both a constant and a setting", filename=where)
        if name in constant_names:
            constants[name] = value
        elif name == "seed":
            seed = _check(where, {"seed": value}, {"seed": SEED})["seed"]
        elif targets:
            targets[0][name] = value
        else:
            known = sorted({*SOLVERS[solver], *MODELS["mlp"], *SAMPLE, "seed", "solver", *constant_names})
            raise PdeError(
                f"no setting or constant named '{name}' for solver {solver} (known: {', '.join(known)})",
                filename=where,
            )
    solver_options = _check(where, solver_options, SOLVERS[solver])
    model = _check(where, model, MODELS["mlp"])
    sample = _check(where, sample, SAMPLE)
    if constants:
        try:
            problem = problem.with_constants(**constants)
        except (TypeError, ValueError, SyntaxError) as error:
            raise PdeError(f"a constant must be given a finite number: {constants} ({error})",
                           filename=where) from None

    dimension = len(problem.variables)
    interior, boundary = geometry.default_counts(dimension)
    sample = {"interior": interior, "boundary": boundary,
              "method": geometry.default_method(dimension), **sample}
    solver_options = {**REGISTRY[solver][1], **solver_options}
    return problem, Config(solver, solver_options, {**MODEL_DEFAULTS, **model}, sample, seed)


def _check(where: str, options: Mapping[str, object], allowed) -> dict:
    try:
        return validate_options(options, allowed, "this run")
    except (KeyError, ValueError) as error:
        raise PdeError(str(error).strip("\"'"), filename=where) from None
