"""Time to accuracy: ANaGRAM against ENGD, Adam and L-BFGS on the ANaGRAM paper's problems.

    python bench/run.py --quick --out DIR    # Laplace 2D, every solver (under 4 minutes)
    python bench/run.py --out DIR            # Laplace 2D, heat 1+1D, Laplace 5D

Each run is the product's own code (`pdedsl.api.prepare`, `pdedsl.train.train`) with the
solver's defaults, bounded by a time budget of training seconds. The relative L2 error is
measured after every step on the evaluation points (outside the step's timing). Writes
DIR/results.json (one object per run), DIR/results.md (the table), DIR/curves.json (error
against step and seconds) and DIR/<problem>.png (the comparison figures).
"""

from __future__ import annotations

import os

# OpenBLAS's worker threads spin while they wait: on a small, shared machine a
# 900 × 129 SVD took 0.9 s with two threads and 15 ms with one (bench/README.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
PROBLEMS = {
    "laplace2d": HERE / "problems" / "laplace2d.pde",
    "heat": HERE / "problems" / "heat.pde",
    "laplace5d": HERE / "problems" / "laplace5d.pde",
}
# A solver is a name with optional settings: "anagram[cut=fixed,rcond=1e-7]". Besides
# the product's ANaGRAM (cut search), the paper's fixed cut at ENGD's rcond.
SOLVERS = ("anagram", "anagram[cut=fixed,rcond=1e-7]", "engd", "adam", "lbfgs")
THRESHOLDS = ("1e-3", "1e-4", "1e-5", "1e-6")
# Training seconds per run. Adam gets the most: it is the one that needs many steps.
BUDGETS = {
    "quick": {"anagram": 15, "engd": 15, "adam": 30, "lbfgs": 15},
    "full": {"anagram": 120, "engd": 120, "adam": 300, "lbfgs": 120},
}
STEP_LIMIT = 1_000_000  # runs end by their time budget
CURVE_POINTS = 1000  # rows kept per curve (log-spaced in step), besides every threshold hit


def time_to(history: list[dict], key: str) -> dict[str, float | None]:
    """Training seconds at which the error first fell to each threshold (None: never)."""
    hits: dict[str, float | None] = {}
    for label in THRESHOLDS:
        hit = next((row["seconds"] for row in history if row[key] <= float(label)), None)
        hits[label] = hit
    return hits


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """"anagram[cut=fixed,rcond=1e-7]" -> ("anagram", {"cut": "fixed", "rcond": "1e-7"})."""
    name, _, rest = spec.partition("[")
    settings = dict(item.split("=", 1) for item in rest.rstrip("]").split(",") if item)
    return name, settings


def run_one(problem: str, spec: str, budget: float) -> tuple[dict, dict]:
    """One training run: its results row and its curve."""
    from pdedsl.api import prepare

    solver_name, settings = parse_spec(spec)
    # Only time (or the tolerance) ends a run: first-order losses fall slowly and unevenly.
    overrides = {"solver": solver_name, "seconds": budget, "steps": STEP_LIMIT,
                 "patience": STEP_LIMIT, **settings}
    if solver_name == "adam":  # its learning-rate schedule is tied to its step count
        overrides.pop("steps")
    prepared = prepare(PROBLEMS[problem], **overrides)
    names = tuple(u.name for u in prepared.problem.unknowns)
    started = time.perf_counter()
    result = prepared.train()
    wall = time.perf_counter() - started
    key = f"l2_{names[0]}"
    history = result.history
    steps = len(history)
    row = {
        "problem": problem,
        "solver": spec,
        "steps": steps,
        "seconds": result.seconds,
        "final_l2_relative_error": history[-1][key] if history else None,
        "time_to": time_to(history, key),
        "best_l2_relative_error": min(r[key] for r in history) if history else None,
        "ms_per_step": 1e3 * result.seconds / max(steps, 1),
        "compile_seconds": result.compile_seconds,
        "wall_seconds": wall,
        "status": result.status,
        "reason": result.reason,
        "N": prepared.ls.size,
        "P": int(prepared.theta.size),
        "options": {k: v for k, v in prepared.config.solver_options.items()},
    }
    curve = {"problem": problem, "solver": spec,
             **{k: [r[k] for r in thin(history, key)] for k in ("step", "seconds", key)}}
    curve["l2"] = curve.pop(key)
    return row, curve


def thin(history: list[dict], key: str) -> list[dict]:
    """At most about CURVE_POINTS rows, log-spaced in step, plus every first threshold hit."""
    if len(history) <= CURVE_POINTS:
        return history
    import numpy as np

    keep = set(np.unique(np.geomspace(1, len(history), CURVE_POINTS).astype(int) - 1))
    for label in THRESHOLDS:
        hit = next((i for i, r in enumerate(history) if r[key] <= float(label)), None)
        if hit is not None:
            keep.add(hit)
    return [history[i] for i in sorted(keep)]


def table(rows: list[dict]) -> str:
    """The Markdown table of the runs."""
    def seconds(value):
        return "—" if value is None else f"{value:.2f}"

    lines = [
        "| problem | solver | N × P | steps | ms/step | seconds | final rel. L2 | "
        + " | ".join(f"t(≤{t})" for t in THRESHOLDS) + " |",
        "|" + "---|" * (7 + len(THRESHOLDS)),
    ]
    for r in rows:
        lines.append(
            f"| {r['problem']} | {r['solver']} | {r['N']} × {r['P']} | {r['steps']} | "
            f"{r['ms_per_step']:.1f} | {r['seconds']:.1f} | {r['final_l2_relative_error']:.2e} | "
            + " | ".join(seconds(r["time_to"][t]) for t in THRESHOLDS) + " |"
        )
    return "\n".join(lines) + "\n"


def figures(curves: list[dict], out: Path) -> list[Path]:
    """Per problem: relative L2 against step and against training seconds, every solver."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for problem in dict.fromkeys(c["problem"] for c in curves):
        fig, (by_step, by_time) = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
        for c in (c for c in curves if c["problem"] == problem):
            by_step.loglog(c["step"], c["l2"], label=c["solver"])
            by_time.loglog(c["seconds"], c["l2"], label=c["solver"])
        for ax, xlabel in ((by_step, "step"), (by_time, "training seconds")):
            ax.set_xlabel(xlabel)
            ax.set_ylabel("relative L2 error")
            ax.grid(True, which="major", alpha=0.3)
            ax.legend()
        fig.suptitle(problem)
        path = out / f"{problem}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        paths.append(path)
    return paths


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, " \
           f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Laplace 2D only, short budgets")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--problems", nargs="*", choices=list(PROBLEMS))
    parser.add_argument("--solvers", nargs="*", default=list(SOLVERS),
                        help='names, optionally with settings: "anagram[cut=fixed,rcond=1e-7]"')
    parser.add_argument("--budget-scale", type=float, default=1.0,
                        help="multiply every time budget by this")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    problems = args.problems or (["laplace2d"] if args.quick else list(PROBLEMS))
    out = args.out or HERE / f"results_{mode}"
    out.mkdir(parents=True, exist_ok=True)

    rows, curves = [], []
    started = time.perf_counter()
    for problem in problems:
        for name in args.solvers:
            budget = BUDGETS[mode][parse_spec(name)[0]] * args.budget_scale
            row, curve = run_one(problem, name, budget)
            rows.append(row)
            curves.append(curve)
            print(f"{problem:10s} {name:32s} {row['steps']:6d} steps {row['seconds']:7.1f} s "
                  f"({row['ms_per_step']:.1f} ms/step, compile {row['compile_seconds']:.1f} s) "
                  f"final {row['final_l2_relative_error']:.2e}  time to {row['time_to']}",
                  flush=True)
            (out / "results.json").write_text(json.dumps(rows, indent=1))
            (out / "curves.json").write_text(json.dumps(curves))
    total = time.perf_counter() - started
    header = (f"Machine: {machine()}. Wall time of the whole benchmark: {total:.0f} s. "
              "Times are training seconds (compile excluded, error measurement excluded).\n\n")
    (out / "results.md").write_text(header + table(rows))
    figures(curves, out)
    print(header + table(rows))


if __name__ == "__main__":
    main()
