"""A 5D Laplace problem with the default settings: how long to a relative L2 error of 1e-4?

    .venv/bin/python bench/laplace5d_defaults.py [--seconds 120] [--target 1e-4]

The problem is examples/laplace5d.pde without its own solver, model and sample lines, so
every setting is the default one for a 5D box (network, points, cut, path, stop rules).
It trains within a training-time budget (`seconds`) and records, from the history, the
first step whose error is at most the target: its step, its training seconds and the wall
seconds from the start of the script (import, build and compile included). Writes
bench/recorded/laplace5d_defaults.json (and .md).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the pdedsl command (pdedsl.runtime)

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "recorded"
FILE = ROOT / "examples" / "laplace5d.pde"
OWN_SETTINGS = ("solver", "model", "sample")


def default_problem_text() -> str:
    """The file's text without its settings lines: the problem, with every default."""
    lines = FILE.read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith(OWN_SETTINGS)) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="training-time budget")
    parser.add_argument("--target", type=float, default=1e-4)
    args = parser.parse_args()
    from pdedsl.api import prepare

    prepared = prepare(default_problem_text(), seconds=args.seconds)
    built = time.perf_counter() - STARTED
    reached: dict = {}

    def watch(row: dict) -> None:
        if not reached and row.get("l2_u", float("inf")) <= args.target:
            reached.update(step=row["step"], training=row["seconds"],
                           wall=time.perf_counter() - STARTED)
        print(f"step {row['step']:4d}  {row['seconds']:7.1f} s  loss {row['loss']:.3e}  "
              f"L2 {row.get('l2_u', float('nan')):.3e}", flush=True)

    solution = prepared.train(callback=watch)
    wall = time.perf_counter() - STARTED
    config = prepared.config
    record = {
        "file": "examples/laplace5d.pde without its solver, model and sample lines",
        "target": args.target, "budget_seconds": args.seconds,
        "model": config.model, "sample": {**config.sample},
        "solver": config.solver, "solver_options": config.solver_options,
        "parameters": int(prepared.theta.shape[0]), "points": int(prepared.ls.size),
        "build_seconds": built, "compile_seconds": solution.compile_seconds,
        "steps": solution.steps, "training_seconds": solution.seconds, "wall_seconds": wall,
        "status": solution.status, "reason": solution.reason,
        "final_error": solution.l2_relative_error["u"], "reached": reached or None,
        "machine": f"{os.cpu_count()} cores, shared", "load_average": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d"),
    }
    text = table(record)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "laplace5d_defaults.json").write_text(json.dumps(record, indent=1, default=str) + "\n")
    (OUT / "laplace5d_defaults.md").write_text(text + "\n")


def table(record: dict) -> str:
    reached = record["reached"]
    to_target = (f"step {reached['step']}, {reached['training']:.1f} s training, "
                 f"{reached['wall']:.1f} s wall" if reached else "not reached")
    model = record["model"]
    return "\n".join([
        f"5D Laplace, default settings ({model['width']} x {model['depth']} {model['activation']}, "
        f"P = {record['parameters']}, N = {record['points']})", "",
        "| to error ≤ {:g} | compile (s) | steps | training (s) | final error | status |".format(
            record["target"]),
        "|---|---|---|---|---|---|",
        f"| {to_target} | {record['compile_seconds']:.1f} | {record['steps']} | "
        f"{record['training_seconds']:.1f} | {record['final_error']:.2e} | {record['status']} |",
        "", f"{record['machine']}, load average {record['load_average'][0]:.1f} at the end of the run",
    ])


if __name__ == "__main__":
    main()
