"""The settings of one run: the file's settings, then overrides, then defaults.

`solve(..., steps=50, kappa=0.1)` and `pdedsl solve --set kappa=0.1` both come
here. An override names a setting (`steps`, `rcond`, `width`, `interior`,
`method`, `seed`, `solver`, ...), a constant of the problem, or a fitted constant
(its first guess: `solve(..., kappa=0.5)` for `fit kappa = 1`); each is checked
against the same schema as the file, so a bad value gets the same message. The
defaults come from that schema (`pdedsl.language.settings`); the network, ANaGRAM's cut
and the sampling counts depend on the dimension (`settings.default_network`,
`settings.solver_defaults`, `pdedsl.geometry.default_counts`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass, field
from typing import Mapping

from . import geometry
from .language.check import constraint_unfit, rows_split, unmeasured
from .language.errors import PdeError
from .language.problem import Problem
from .language.settings import (MODELS, SAMPLE, SEED, SOLVER, SOLVERS, default_network, defaults,
                                solver_defaults, validate_options)
from .language.show import too_long


@dataclass(frozen=True)
class Config:
    """Everything a run needs besides the problem, every default filled in."""

    solver: str
    solver_options: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    sample: dict = field(default_factory=dict)
    seed: int = 0

    def to_json(self) -> dict:
        """As standard JSON (no Infinity): a value with no limit, `seconds = inf`, is "inf"."""
        return {name: {k: _no_limit(v) for k, v in value.items()} if isinstance(value, dict)
                else value for name, value in dataclasses.asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> Config:
        return cls(**{name: {k: math.inf if v == "inf" else v for k, v in value.items()}
                      if isinstance(value, dict) else value for name, value in data.items()})


def _no_limit(value):
    return "inf" if isinstance(value, float) and value == math.inf else value


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
            constants[name] = _constant_value(problem, name, value, where)
        elif name in fitted_names:  # text is read as the file reads a constant
            guesses[name] = (_parsed_value(problem, name, value, where).subs(
                problem.constant_values()) if isinstance(value, str) else value)
        elif name == "seed":
            value = _setting_value(problem, name, value, SEED, where)
            seed = _check(where, {"seed": value}, {"seed": SEED})["seed"]
        elif targets:
            option = next(allowed[name] for allowed in (SOLVERS[solver], MODELS["mlp"], SAMPLE)
                          if name in allowed)
            targets[0][name] = _setting_value(problem, name, value, option, where)
        else:
            known = sorted({*SOLVERS[solver], *MODELS["mlp"], *SAMPLE, "seed", "solver",
                            *constant_names, *fitted_names})
            raise PdeError(
                f"no setting or constant named '{name}' for solver {solver} (known: {', '.join(known)})",
                filename=where,
            )
    problem = _with_constants(problem, constants, guesses, where)
    solver_options = _check(where, solver_options, SOLVERS[solver])
    solver_options = {**solver_defaults(solver, len(problem.variables)), **solver_options}
    _whole_rows(problem, solver_options, where)
    _target_needs_exact(problem, solver_options, where)
    config = Config(
        solver,
        solver_options,
        {**default_network(len(problem.variables)), **defaults(MODELS["mlp"]),
         **_check(where, model, MODELS["mlp"])},
        _sample_settings(problem, _check(where, sample, SAMPLE)),
        seed,
    )
    if unfit := constraint_unfit(problem, config.model):  # `--set constraint=exact`
        raise PdeError(unfit, filename=where)
    check_memory(problem, config, where, set(overrides))
    return problem, config


def _whole_rows(problem: Problem, options: dict, where: str) -> None:
    """A mean condition's one row needs every interior point at once: refuse the settings
    that build Φ̂ a part of the rows at a time, at the mean condition's line."""
    if split := rows_split(problem, options):
        at = problem.mean_conditions[0].location
        raise PdeError(split, filename=where, text=problem.source.text if problem.source else None,
                       line=at.line if at else None, column=at.column if at else None)


def _target_needs_exact(problem: Problem, options: dict, where: str) -> None:
    """`target` stops at the errors against `exact`: refuse it unless every unknown, or
    every fitted constant (an inverse problem's answer), has an exact value to measure."""
    if options["target"] > 0 and (missing := unmeasured(problem)):
        raise PdeError(f"target = {options['target']:g} stops at the error against the exact "
                       f"solution, and the file gives none for {', '.join(missing)}",
                       filename=where)


def check_memory(problem: Problem, config: Config, where: str = "<input>",
                 overridden: set = frozenset()) -> None:
    """Refuse a run whose step cannot fit in this machine's memory before it starts (the
    first step would fail deep in XLA): Φ̂ alone holds N × P numbers (P × P built `chunk`
    rows at a time, P × rank with `krylov`), P counted with one input per variable."""
    width, depth = config.model["width"], config.model["depth"]
    P = sum((len(u.variables) + 1) * width + (depth - 1) * (width + 1) * width + width + 1
            for u in problem.unknowns)
    N = config.sample["interior"] + config.sample["boundary"]
    options = config.solver_options
    rows = (options.get("rank", 0) if options.get("linalg") == "krylov"
            else P if options.get("chunk", 0) > 0 else N)
    needed = P * rows * (8 if config.model["dtype"] == "float64" else 4)
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): XLA will say
        return
    if needed > available:
        raise PdeError(f"the network (width {width}, depth {depth}: {P:,} parameters) and "
                       f"{N:,} points need {needed / 2**30:,.0f} GiB for the step's "
                       f"Jacobian alone, and this machine has {available / 2**30:,.0f} GiB: "
                       f"use a smaller network or fewer points", filename=where,
                       **_size_setting(problem, overridden))


SIZE_SETTING = re.compile(r"^(\s*(?:sample|model)\b[^#]*?\b)(interior|boundary|width|depth)\s*=")


def _size_setting(problem: Problem, overridden: set) -> dict:
    """The place of the file's first size setting (`sample interior = ...`) that no
    override replaced: where a too-large run is pointed at."""
    if problem.source is None:
        return {}
    for number, line in enumerate(problem.source.text.splitlines(), start=1):
        match = SIZE_SETTING.match(line)
        if match and match.group(2) not in overridden:
            return {"text": problem.source.text, "line": number, "column": match.end(1) + 1}
    return {}


def _sample_settings(problem: Problem, sample: dict) -> dict:
    dimension = len(problem.variables)
    interior, boundary = geometry.default_counts(dimension)
    return {"interior": interior, "boundary": boundary,
            "method": geometry.default_method(dimension), **defaults(SAMPLE), **sample}


def _with_constants(problem: Problem, constants: dict, guesses: dict, where: str) -> Problem:
    try:
        changed = problem.with_constants(**constants) if constants else problem
        return changed.with_guesses(**guesses) if guesses else changed
    except (TypeError, ValueError, SyntaxError) as error:
        values = {**constants, **guesses}
        bad = [f"{k} = {v!r}" for k, v in values.items() if not _finite_number(v)]
        if bad:
            raise PdeError(f"{', '.join(bad)}: a constant takes a finite real number",
                           filename=where) from None
        given = ", ".join(f"{k} = {_shown(v)}" for k, v in values.items())  # a shape, 1/k at 0
        raise PdeError(f"{given}: {error}", filename=where) from None


def _shown(value: object) -> object:
    """A constant's new value in a message (`too_long`: as a float)."""
    return f"{float(value):.15g}" if too_long(value) else value


def _finite_number(value: object) -> bool:
    """Whether a constant's new value is a finite real number (True is not one)."""
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def _setting_value(problem: Problem, name: str, value: object, option, where: str) -> object:
    """A setting's value given as text (`--set steps=2*250`) read as the file reads it:
    a constant expression in the problem's constants, or a word for a setting of words."""
    if not isinstance(value, str) or option.kind is str or _is_word(problem, value):
        return value  # the schema checks it (a word for a number: "must be a number")
    number = _parsed_value(problem, name, value, where).subs(problem.constant_values())
    return int(number) if number.is_Integer else float(number)


def _is_word(problem: Problem, text: str) -> bool:
    """A bare name that is not a constant (`--set steps=many`): a word, as in a file."""
    return bool(re.fullmatch(r"\s*[A-Za-z][A-Za-z0-9_]*\s*", text)) and text.strip() not in {
        "pi", "e", *(c.name for c in problem.constants)}


def _constant_value(problem: Problem, name: str, value: object, where: str) -> object:
    """A constant's new value given as text (`--set kappa=pi/4`): an expression of the
    constants declared before it, as in the file."""
    if not isinstance(value, str):
        return value
    expr = _parsed_value(problem, name, value, where)
    earlier = [c.name for c in problem.constants][: [c.name for c in problem.constants].index(name)]
    later = sorted(str(s) for s in expr.free_symbols if str(s) not in earlier)
    if later:
        raise PdeError(f"{name} = {value}: the new value of {name} may use only the constants "
                       f"declared before it, not {', '.join(later)}", filename=where)
    return expr


def _parsed_value(problem: Problem, name: str, text: str, where: str):
    from .language.expression import parse_value

    try:
        return parse_value(text, problem, what=f"the value of {name}")
    except PdeError as error:
        raise PdeError(f"{name} = {text}: {error.message}", filename=where) from None


def _check(where: str, options: Mapping[str, object], allowed) -> dict:
    try:
        return validate_options(options, allowed, "this run")
    except (KeyError, ValueError) as error:
        raise PdeError(error.args[0], filename=where) from None
