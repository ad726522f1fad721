"""The speed targets (bench/README.md, Speed), measured side by side in one run.

1. The seed's Laplace setting (MLP 2-32-1, 28×28 interior grid + 116 boundary
   points): one full ANaGRAM step against forming the residual Jacobian alone
   (target: step ≤ 3× Jacobian), split into Jacobian, linear algebra, line search;
   and the compile time of the first step (target ≤ 5 s).
2. examples/laplace.pde with default settings: wall time to relative L2 ≤ 1e-7,
   compile included (target ≤ 20 s).

    python bench/speed.py [--out DIR] [--repeats 20]

Prints a table and writes DIR/speed.json. Times are medians of repeated calls.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import jax
import jax.numpy as jnp

from pdedsl.api import prepare, solve
from pdedsl.solvers import make_solver
from pdedsl.solvers import linalg
from pdedsl.solvers.line_search import line_search

ROOT = Path(__file__).resolve().parent.parent
SEED_LAPLACE = dict(width=32, depth=1, interior=784, boundary=116, method="grid")


def median_seconds(f, repeats: int) -> float:
    jax.block_until_ready(f())
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(f())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def step_split(repeats: int) -> dict:
    prepared = prepare(ROOT / "examples" / "laplace.pde", **SEED_LAPLACE)
    ls, theta = prepared.ls, prepared.theta
    solver, _ = make_solver("anagram", prepared.config.solver_options)
    state = solver.init(ls, theta)
    t0 = time.perf_counter()
    step = jax.jit(lambda t, s: solver.step(ls, t, s)).lower(theta, state).compile()
    compile_seconds = time.perf_counter() - t0

    jacobian = jax.jit(ls.jacobian)
    r, J = jacobian(theta)
    rcond = prepared.config.solver_options["rcond"]
    solve_ = jax.jit(lambda J, r: linalg.solve(linalg.factor, J, r, rcond))
    delta = solve_(J, r)[0]
    etas = 2.0 ** -jnp.arange(31.0)
    search = jax.jit(lambda t, d: line_search(ls, t, d, etas))
    times = {
        "step": median_seconds(lambda: step(theta, state), repeats),
        "jacobian": median_seconds(lambda: jacobian(theta), repeats),
        "linear_algebra": median_seconds(lambda: solve_(J, r), repeats),
        "line_search": median_seconds(lambda: search(theta, delta), repeats),
    }
    return {
        "N": int(J.shape[0]), "P": int(J.shape[1]), "compile_seconds": compile_seconds,
        **{f"{k}_seconds": v for k, v in times.items()},
        "step_over_jacobian": times["step"] / times["jacobian"],
    }


def time_to_accuracy(target: float = 1e-7) -> dict:
    t0 = time.perf_counter()
    reached = {}

    def watch(row):
        if "wall" not in reached and row["l2_u"] <= target:
            reached["wall"], reached["step"] = time.perf_counter() - t0, row["step"]

    solution = solve(ROOT / "examples" / "laplace.pde", callback=watch)
    return {
        "target": target,
        "wall_seconds_to_target": reached.get("wall"),
        "steps_to_target": reached.get("step"),
        "compile_seconds": solution.compile_seconds,
        "final_l2_relative_error": solution.l2_relative_error["u"],
        "total_wall_seconds": time.perf_counter() - t0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    split = step_split(args.repeats)
    accuracy = time_to_accuracy()
    results = {"machine": platform.platform(), "cpus": jax.device_count(),
               "seed_laplace_step": split, "laplace_defaults": accuracy}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.json").write_text(json.dumps(results, indent=1))

    ms = lambda s: f"{1e3 * s:.2f} ms"
    print(f"Seed Laplace (MLP 2-32-1, N={split['N']}, P={split['P']})")
    print("| part | median | target |\n|---|---|---|")
    print(f"| full step | {ms(split['step_seconds'])} | ≤ 3× Jacobian |")
    print(f"| residual Jacobian | {ms(split['jacobian_seconds'])} | |")
    print(f"| cut SVD solve | {ms(split['linear_algebra_seconds'])} | |")
    print(f"| line search (31 η) | {ms(split['line_search_seconds'])} | |")
    print(f"| step / Jacobian | {split['step_over_jacobian']:.1f}× | ≤ 3× |")
    print(f"| first-step compile | {split['compile_seconds']:.2f} s | ≤ 5 s |")
    wall, step = accuracy["wall_seconds_to_target"], accuracy["steps_to_target"]
    reached = "never" if wall is None else f"{wall:.1f} s (step {step})"
    print(f"\nexamples/laplace.pde, defaults: L2 ≤ 1e-7 after {reached}, including "
          f"{accuracy['compile_seconds']:.1f} s compile (target ≤ 20 s); "
          f"final {accuracy['final_l2_relative_error']:.2e}")
    print(f"wrote {args.out / 'speed.json'}")


if __name__ == "__main__":
    main()
