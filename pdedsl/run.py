"""The run folder: what `pdedsl solve` trains and leaves behind, and how a run continues.

A run folder holds `summary.json` (what ran, how long, how it ended, its errors),
`history.csv` (one row per step), the checkpoint (`checkpoint.eqx` and
`checkpoint.json`, written by `Solution.save`, so `pdedsl.load(folder)` works) and
the figures. It is written after training whatever the ending (converged,
max_steps, diverged, interrupted): training keeps the last good θ, so the
checkpoint of a diverged run is the last good one.

A resumed run continues the step count and the clock (history `seconds`, summary
`seconds` and `compile_seconds` add up over the pieces); a solver's own state
(Adam's moments, say) is not kept and starts afresh.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import time
from pathlib import Path
from typing import Callable

from . import __version__
from .api import prepare
from .language.errors import PdeError
from .language.parser import parse_file
from .language.settings import MODELS, SAMPLE, SOLVERS
from .least_squares import flatten
from .solution import CHECKPOINT_META, Solution
from .solvers import REGISTRY

SUMMARY = "summary.json"
HISTORY = "history.csv"


def default_folder(file: str | Path | None, root: str | Path = "runs") -> Path:
    """`runs/<file stem>-<YYYYmmdd-HHMMSS>`, with `-2`, `-3`, ... if that exists."""
    stem = Path(file).stem if file else "run"
    base = Path(root) / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


def check_solver(name: str | None) -> None:
    """A clean input error for a solver that is not (yet) implemented."""
    if name is not None and name not in REGISTRY:
        raise PdeError(f"unknown solver '{name}' (available: {', '.join(REGISTRY)})",
                       filename="pdedsl")


def solve(path_or_text, overrides: dict, callback: Callable[[dict], None] | None = None,
          on_start: Callable[[dict, int, float], None] | None = None) -> Solution:
    """Train a problem from scratch (`Prepared.train` says what the callbacks see)."""
    check_solver(overrides.get("solver"))
    return prepare(path_or_text, **overrides).train(callback=callback, on_start=on_start)


def resume(folder: str | Path, overrides: dict, callback: Callable[[dict], None] | None = None,
           on_start: Callable[[dict, int, float], None] | None = None) -> Solution:
    """Continue the run saved in `folder`: `steps` more steps from its checkpoint.

    Overrides may change the solver and its settings, not the problem, the model,
    the points or the seed (the checkpoint would no longer fit them).
    """
    previous = Solution.load(folder)
    check_solver(overrides.get("solver"))
    config = previous.config
    # the run's own settings, as overrides (only names the schema still knows)
    settings = {"solver": config.solver, "seed": config.seed,
                **_known(config.model, MODELS["mlp"]), **_known(config.sample, SAMPLE)}
    if overrides.get("solver", config.solver) == config.solver:
        settings.update(_known(config.solver_options, SOLVERS[config.solver]))
    prepared = prepare(previous.problem, **{**settings, **overrides})
    new = prepared.config
    changed = [
        what for what, before, after in (
            ("the constants", previous.problem.constants, prepared.problem.constants),
            ("the model", config.model, {k: new.model.get(k) for k in config.model}),
            ("the sampling", config.sample, {k: new.sample.get(k) for k in config.sample}),
            ("the seed", config.seed, new.seed),
        ) if before != after
    ]
    if changed:
        raise PdeError(f"cannot change {' or '.join(changed)} when resuming: "
                       "the checkpoint would not fit", filename=str(folder))
    theta = flatten(previous.model)[0].astype(prepared.theta.dtype)
    if previous.points:  # a run that moved its points (adapt) goes on from where they are
        prepared = prepared.on_points(previous.points)
    return prepared.train(theta=theta, previous=previous, callback=callback, on_start=on_start)


def resumed_file(folder: str | Path, file: str | None) -> str:
    """The problem's file of the run in `folder` being resumed: `file` when given (it must
    state the run's problem), else the summary's, else the checkpoint's ('<input>' for text
    given to `solve` in Python; a folder written by `Solution.save` alone has no summary,
    and its own name is no file)."""
    meta = _checkpoint_meta(folder)
    if file:
        if meta and parse_file(file).source.text != meta.get("text"):
            raise PdeError(f"this file differs from the problem of the run in {folder}; "
                           "resume without FILE, or start a new run", filename=file)
        return file
    previous = read_summary(folder) if (Path(folder) / SUMMARY).exists() else {}
    return previous.get("file") or str(meta.get("file", "<input>"))


def _checkpoint_meta(folder: str | Path) -> dict:
    """The checkpoint's metadata; {} when it is damaged (loading it says so)."""
    try:
        meta = json.loads((Path(folder) / CHECKPOINT_META).read_text())
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def write(folder: str | Path, solution: Solution, file: str | None = None) -> Path:
    """Write the checkpoint, `summary.json` and `history.csv` into `folder`."""
    folder = Path(folder)
    solution.write_checkpoint(folder)  # (its figures may be being drawn: they stay)
    (folder / SUMMARY).write_text(json.dumps(summary(solution, file), indent=1) + "\n")
    write_history(folder / HISTORY, solution.history)
    return folder


def summary(solution: Solution, file: str | None = None) -> dict:
    """What a person or a script wants to know about a run, as JSON-ready data."""
    source = solution.problem.source
    text = source.text if source else ""
    data = {
        "file": file or (source.name if source else "<input>"),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "solver": solution.config.solver,
        "steps": solution.steps,
        "seconds": solution.seconds,
        "compile_seconds": solution.compile_seconds,
        "loss": _finite(solution.loss),
        "status": solution.status,
        "reason": solution.reason,
    }
    l2, max_abs = solution.l2_relative_error, solution.max_abs_error
    if l2 is not None:
        data["l2_relative_error"] = {k: _finite(v) for k, v in l2.items()}
        data["max_abs_error"] = {k: _finite(v) for k, v in max_abs.items()}
    data["error_estimate"] = {k: _finite(v) for k, v in solution.error_estimate.items()}
    data["residual_rms"] = {k: _finite(v) for k, v in solution.estimate["residual_rms"].items()}
    data["residual_ratio"] = _finite(solution.estimate["residual_ratio"])
    data["warnings"] = solution.warnings
    if solution.problem.fitted:
        data["fitted"], data["fitted_warnings"] = fitted_summary(solution)
    data["unknowns"] = list(solution.unknowns)
    data["variables"] = [v.name for v in solution.problem.variables]
    data["constants"] = {c.name: str(c.value) for c in solution.problem.constants}
    data["config"] = solution.config.to_json()
    data["filter"] = solution.filter.to_json() if solution.filter else None
    data["written"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    data["pdedsl"] = __version__
    return data


def fitted_summary(solution: Solution) -> tuple[dict, list[str]]:
    """Per fitted constant: value, standard error, exact value and relative error (None
    where the file gives no exact value); and the warnings about poorly determined ones."""
    uncertainty = solution.uncertainty
    exact = solution.problem.fitted_exact()
    errors = solution.fitted_error or {}
    table = {
        name: {"value": _finite(value),
               "standard_error": _finite(uncertainty.standard_error[name]),
               "exact": exact.get(name),
               "relative_error": _finite(errors[name]) if name in errors else None}
        for name, value in solution.fitted.items()
    }
    return table, list(uncertainty.warnings)


def read_summary(folder: str | Path) -> dict:
    return json.loads((Path(folder) / SUMMARY).read_text())


def write_history(path: Path, history: list[dict]) -> None:
    """One row per step; columns in order of first appearance (step, seconds, loss, ...)."""
    columns: dict[str, None] = {"step": None, "seconds": None, "loss": None}
    for row in history:
        columns.update(dict.fromkeys(row))
    with open(path, "w", newline="") as stream:
        writer = csv.DictWriter(stream, list(columns), restval="")
        writer.writeheader()
        writer.writerows(history)


def read_history(path: str | Path) -> list[dict]:
    """`history.csv` back as rows of numbers (empty cells left out)."""
    with open(path, newline="") as stream:
        return [
            {k: (int(v) if k in ("step", "rank") else float(v)) for k, v in row.items() if v != ""}
            for row in csv.DictReader(stream)
        ]


def _known(options: dict, schema: dict) -> dict:
    return {k: v for k, v in options.items() if k in schema}


def _finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    return value if value is not None and math.isfinite(value) else None
