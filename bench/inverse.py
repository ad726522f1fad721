"""The inverse examples under ANaGRAM, Adam and L-BFGS: how far each gets, how fast.

Each example (every examples/*.pde that fits constants) is solved by each solver with
the file's settings for its own solver and the defaults otherwise (a file's `solver
anagram(...)` statement does not apply to Adam), seed 0. Adam and L-BFGS are bounded
by a training-time budget (--seconds, default 120 s each); ANaGRAM runs to its own
stop. Per run: steps, training and compile seconds, each fitted constant against its
true value, the relative error and the standard error. Writes OUT/inverse.json and
OUT/inverse.md and prints the Markdown.

    .venv/bin/python bench/inverse.py                         # about half an hour
    .venv/bin/python bench/inverse.py --solvers anagram --examples eigenvalue
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLVERS = ("anagram", "adam", "lbfgs")
BUDGET = 120.0  # training seconds for the solvers that would otherwise run for long


def inverse_examples() -> list[str]:
    from pdedsl import parse_file

    return sorted(p.stem for p in (ROOT / "examples").glob("*.pde") if parse_file(p).fitted)


def measure(name: str, solver: str, seconds: float) -> dict:
    """One run: what it reached and what it cost."""
    from pdedsl import solve

    overrides = {"solver": solver} if solver == "anagram" else {"solver": solver,
                                                                 "seconds": seconds}
    started = time.perf_counter()
    solution = solve(ROOT / "examples" / f"{name}.pde", **overrides)
    exact = solution.problem.fitted_exact()
    standard = solution.fitted_standard_error
    return {
        "example": name, "solver": solver, "status": solution.status,
        "steps": solution.steps, "seconds": solution.seconds,
        "compile_seconds": solution.compile_seconds,
        "wall_seconds": time.perf_counter() - started, "loss": solution.loss,
        "fitted": {k: {"value": v, "exact": exact.get(k),
                       "relative_error": (solution.fitted_error or {}).get(k),
                       "standard_error": standard[k]}
                   for k, v in solution.fitted.items()},
        "warnings": list(solution.uncertainty.warnings),
    }


def markdown(rows: list[dict], loads: tuple[float, float], seconds: float) -> str:
    lines = [
        "# Inverse examples: ANaGRAM, Adam, L-BFGS",
        "",
        f"Written by `bench/inverse.py`, seed 0; Adam and L-BFGS stopped after {seconds:g} s "
        "of training (their step budgets are larger), ANaGRAM by its own rules. Training "
        "seconds exclude compilation. Relative error |c - c*|/|c*|; SE the reported standard "
        f"error. Load average {loads[0]:.1f} at the start and {loads[1]:.1f} at the end on a "
        "2-core machine shared with other jobs: the times are upper bounds.",
        "",
        "| example | solver | status | steps | training s | compile s | constant | fitted | "
        "true | relative error | SE |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for k, (name, c) in enumerate(row["fitted"].items()):
            head = ([row["example"], row["solver"], row["status"], str(row["steps"]),
                     f"{row['seconds']:.1f}", f"{row['compile_seconds']:.1f}"]
                    if k == 0 else [""] * 6)
            lines.append("| " + " | ".join(head + [
                f"`{name}`", f"{c['value']:.10g}", _g(c["exact"]), _e(c["relative_error"]),
                _e(c["standard_error"])]) + " |")
    warned = [row for row in rows if row["warnings"]]
    if warned:
        lines += ["", "Warnings:", ""]
        lines += [f"- {row['example']} ({row['solver']}): {w}" for row in warned
                  for w in row["warnings"]]
    return "\n".join(lines) + "\n"


def _e(value) -> str:
    return "-" if value is None else f"{value:.1e}"


def _g(value) -> str:
    return "-" if value is None else f"{value:.10g}"


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", help="comma-separated names (default: every inverse example)")
    parser.add_argument("--solvers", default=",".join(SOLVERS))
    parser.add_argument("--seconds", type=float, default=BUDGET,
                        help=f"training seconds for Adam and L-BFGS (default {BUDGET:g})")
    parser.add_argument("--out", default=str(ROOT / "bench" / "recorded"))
    args = parser.parse_args(argv)
    names = args.examples.split(",") if args.examples else inverse_examples()
    solvers = [s for s in args.solvers.split(",") if s]
    start_load = os.getloadavg()[0]
    rows = []
    for name in names:
        for solver in solvers:
            rows.append(measure(name, solver, args.seconds))
            print(json.dumps(rows[-1]), flush=True)
    text = markdown(rows, (start_load, os.getloadavg()[0]), args.seconds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "inverse.json").write_text(json.dumps(rows, indent=1) + "\n")
    (out / "inverse.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
