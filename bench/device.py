"""The same runs on each JAX platform of one machine, side by side: where a GPU pays.

    python bench/device.py [--platforms cuda,cpu] [--out DIR] [--sizes 10000,100000,1000000]

Each platform runs in a fresh process with JAX_PLATFORMS set, float64 throughout:

1. Examples solved with their defaults (at most `--seconds` of training each): compile
   seconds, training seconds, steps, the median step, status and relative L2 error.
2. examples/poisson3d.pde (MLP 3-32-32-1, P = 1217) on N Sobol points (N/16 more on the
   boundary), 6 steps on the default route (the QR of [Φ̂ r] for N ≥ 2P): the median step of
   the last five and the compile time. The CPU stops at the sizes below `--cpu-limit`.

Writes DIR/device.json and DIR/device.md (default bench/recorded). Rows of one run compare;
runs on other machines do not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
DEFAULT_EXAMPLES = ("laplace", "heat", "poisson_disk", "poisson3d", "laplace5d")


def median_step(history: list[dict], skip: int = 0) -> float:
    """Median of the training time between consecutive steps (`seconds` is cumulative)."""
    times = [row["seconds"] for row in history]
    gaps = [b - a for a, b in zip(times, times[1:])][skip:]
    return statistics.median(gaps) if gaps else float("nan")


def one_platform(args) -> dict:
    """Every run on the platform this process was started with."""
    import jax

    from pdedsl import solve

    device = jax.devices()[0]
    out = {"platform": device.platform, "device": device.device_kind,
           "cpus": os.cpu_count(), "jax": jax.__version__, "examples": [], "sizes": []}
    print(f"{device.platform}: {device.device_kind}", flush=True)
    for name in args.examples.split(","):
        try:
            s = solve(EXAMPLES / f"{name}.pde", seconds=args.seconds)
        except Exception as error:  # a platform that cannot run one example still runs the rest
            print(f"{name}: {type(error).__name__}: {error}", flush=True)
            continue
        row = {"example": name, "compile_s": s.compile_seconds, "training_s": s.seconds,
               "steps": s.steps, "step_s": median_step(s.history), "status": s.status,
               "error": max((s.l2_relative_error or {"": float("nan")}).values())}
        out["examples"].append(row)
        save(args, out, row)
    sizes = [int(n) for n in args.sizes.split(",")]
    for n in sizes:
        if device.platform == "cpu" and n > args.cpu_limit:
            continue
        s = solve(EXAMPLES / "poisson3d.pde", interior=n, boundary=max(n // 16, 100),
                  method="sobol", steps=6, patience=100)
        row = {"N": n + max(n // 16, 100),
               "compile_s": s.compile_seconds, "step_s": median_step(s.history, skip=1),
               "error": s.l2_relative_error["u"]}
        out["sizes"].append(row)
        save(args, out, row)
    return out


def save(args, out: dict, row: dict) -> None:
    """Print a row and rewrite the platform's record: a run cut short keeps its rows."""
    print(json.dumps(row), flush=True)
    (args.out / f"device-{out['platform']}.json").write_text(json.dumps(out, indent=1))


def table(results: list[dict]) -> str:
    """The Markdown page: one row per run and platform."""
    names = list(dict.fromkeys(e["example"] for r in results for e in r["examples"]))
    lines = ["# The same runs on each platform of one machine", "",
             "Written by bench/device.py. " + "; ".join(
                 f"{r['platform']}: {r['device']} ({r['cpus']} CPU cores, JAX {r['jax']})"
                 for r in results) + ". float64.", "",
             "| example | platform | compile s | training s | steps | median step s | "
             "status | rel. L2 |", "|---|---|---|---|---|---|---|---|"]
    for name in names:
        for r in results:
            for e in (e for e in r["examples"] if e["example"] == name):
                lines.append(f"| {name} | {r['platform']} | {e['compile_s']:.1f} | "
                             f"{e['training_s']:.1f} | {e['steps']} | {e['step_s']:.3f} | "
                             f"{e['status']} | {e['error']:.2e} |")
    lines += ["", "examples/poisson3d.pde on N Sobol points, network 3-32-32-1 (1217 weights): "
              "the median of steps 2 to 6.", "",
              "| N | platform | compile s | median step s |", "|---|---|---|---|"]
    for r in results:
        for row in r["sizes"]:
            lines.append(f"| {row['N']:,} | {r['platform']} | {row['compile_s']:.1f} | "
                         f"{row['step_s']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", default="cuda,cpu")
    parser.add_argument("--examples", default=",".join(DEFAULT_EXAMPLES))
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--cpu-limit", type=int, default=100000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=HERE / "recorded")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.one:
        one_platform(args)
        return
    results = []
    for name in args.platforms.split(","):
        env = {**os.environ, "JAX_PLATFORMS": name}
        subprocess.run([sys.executable, __file__, "--one", *sys.argv[1:]], env=env)
        found = args.out / f"device-{'gpu' if name == 'cuda' else name}.json"
        if found.exists():
            results.append(json.loads(found.read_text()))
    if not results:
        sys.exit("no platform ran")
    record = {"machine": platform.node(), "results": results}
    (args.out / "device.json").write_text(json.dumps(record, indent=1))
    (args.out / "device.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
