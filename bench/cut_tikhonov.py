"""Under Tikhonov damping (rcond ≥ 1e-7 with `damping = auto`): the fixed cut against the
schedule (coarse first, refined a decade after each good step), seed by seed.

heat.pde states rcond = 1e-6 and so trains under Tikhonov damping; the other problems
are run at rcond = 1e-6 to put them in the same regime. Each run keeps its file's budget.
Writes bench/recorded/cut-tikhonov.json and .md.

    .venv/bin/python bench/cut_tikhonov.py                  # about 10 minutes on 2 cores
    .venv/bin/python bench/cut_tikhonov.py --seeds 2 --problems heat
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "recorded"
CUTS = ("fixed", "schedule")
OWN_RCOND = {"heat"}  # files that state a coarse rcond themselves
PROBLEMS = {"heat": 5, "poisson1d": 3, "laplace": 2, "wave": 2}  # name -> seeds


def run(job: tuple[str, int, str]) -> dict:
    from pdedsl import solve

    name, seed, cut = job
    extra = {} if name in OWN_RCOND else {"rcond": 1e-6}
    started = time.perf_counter()
    solution = solve(ROOT / "examples" / f"{name}.pde", seed=seed, cut=cut, **extra)
    return {"problem": name, "seed": seed, "cut": cut, "steps": solution.steps,
            "error": max(solution.l2_relative_error.values()), "status": solution.status,
            "seconds": time.perf_counter() - started}


def report(rows: list[dict]) -> str:
    lines = ["# The fixed cut against the schedule under Tikhonov damping", "",
             "Written by bench/cut_tikhonov.py: heat.pde with its own settings (rcond 1e-6), "
             "the others at rcond 1e-6; each file's step budget. Final relative L2 error "
             "(the worst unknown) per seed.", "",
             "| problem | seed | fixed | schedule | schedule / fixed |", "|---|---|---|---|---|"]
    ratios = {}
    for name in dict.fromkeys(r["problem"] for r in rows):
        for seed in sorted({r["seed"] for r in rows if r["problem"] == name}):
            pair = {r["cut"]: r["error"] for r in rows if (r["problem"], r["seed"]) == (name, seed)}
            ratio = pair["schedule"] / pair["fixed"]
            ratios.setdefault(name, []).append(ratio)
            lines.append(f"| {name} | {seed} | {pair['fixed']:.2e} | {pair['schedule']:.2e} | "
                         f"{ratio:.2f} |")
    lines += ["", "Median ratio per problem: " + ", ".join(
        f"{n} {statistics.median(r):.2f}" for n, r in ratios.items()) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--seeds", type=int, default=None, help="seeds per problem (default: PROBLEMS)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    jobs = [(name, seed, cut) for name in args.problems.split(",")
            for seed in range(args.seeds or PROBLEMS.get(name, 3)) for cut in CUTS]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = []
        for row in pool.map(run, jobs):
            print(row, flush=True)
            rows.append(row)
    data = {"rows": rows, "load_average": round(os.getloadavg()[0], 1)}
    (OUT / "cut-tikhonov.json").write_text(json.dumps(data, indent=1) + "\n")
    (OUT / "cut-tikhonov.md").write_text(report(rows))
    print(report(rows))


if __name__ == "__main__":
    main()
