"""The 1D examples with 128 collocation points (the default) against 256, seed by seed.

More points take the smooth 1D examples' last digits further, and the kink of
poisson1d_kink the other way: the network spends its directions on the kink. Writes
bench/recorded/points-1d.json and .md.

    .venv/bin/python bench/points_1d.py                # about 5 minutes on 2 cores
    .venv/bin/python bench/points_1d.py --problems oscillator --counts 128,512
"""

from __future__ import annotations

import argparse
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "recorded"
PROBLEMS = ("poisson1d", "poisson1d_robin", "biharmonic1d", "allen_cahn", "burgers_steady",
            "oscillator", "neumann1d", "poisson1d_kink")


def run(job: tuple[str, int, int]) -> dict:
    from pdedsl import solve

    name, count, seed = job
    solution = solve(ROOT / "examples" / f"{name}.pde", seed=seed, interior=count)
    return {"problem": name, "interior": count, "seed": seed, "steps": solution.steps,
            "error": max(solution.l2_relative_error.values()), "status": solution.status}


def report(rows: list[dict], counts: list[int], seeds: int) -> str:
    lines = ["# 1D examples: interior points", "",
             f"Written by bench/points_1d.py: each example with its own settings and the "
             f"interior count given, seeds 0 to {seeds - 1}; the worst unknown's final "
             "relative L2 error per seed.", "",
             "| problem | interior | errors per seed | worst |", "|---|---|---|---|"]
    for name in dict.fromkeys(r["problem"] for r in rows):
        for count in counts:
            errors = [r["error"] for r in sorted(rows, key=lambda r: r["seed"])
                      if (r["problem"], r["interior"]) == (name, count)]
            lines.append(f"| {name} | {count} | {', '.join(f'{e:.1e}' for e in errors)} | "
                         f"{max(errors):.1e} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--counts", default="128,256")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    jobs = [(name, count, seed) for name in args.problems.split(",") for count in counts
            for seed in range(args.seeds)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(run, jobs))
    data = {"rows": rows, "load_average": round(os.getloadavg()[0], 1)}
    (OUT / "points-1d.json").write_text(json.dumps(data, indent=1) + "\n")
    (OUT / "points-1d.md").write_text(report(rows, counts, args.seeds))
    print(report(rows, counts, args.seeds))


if __name__ == "__main__":
    main()
