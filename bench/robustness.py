"""Robustness of ANaGRAM's strategies: every problem × 5 seeds, default settings.

Per run: did the relative L2 error (the worst unknown) reach the target (1e-5, or the
problem's own target in TARGETS) within the budget, after how many steps and seconds,
the final error, and the longest run of consecutive steps with η < 1e-6 (a stall).
Per strategy: success rate and median steps and seconds to target. Writes
OUT/robustness.json and OUT/robustness.md.

    .venv/bin/python bench/robustness.py --quick            # default strategy, < 10 min
    .venv/bin/python bench/robustness.py                    # every strategy, every problem
    .venv/bin/python bench/robustness.py --strategies search,fixed --problems laplace,heat

A strategy is a set of overrides on top of each file's settings, so a file's own
`rcond` or network is kept; the file's step budget is kept unless --steps is given.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> overrides of the solver and model settings ({} is the registry defaults).
STRATEGIES = {
    "default": {},  # fixed cut, stall detector, third-order path, uniform fan-in init
    "straight": {"order": 1},  # the default until 2026-11-29: the paper's straight step
    "geodesic": {"order": 2},  # geodesic acceleration only
    "order4": {"order": 4},  # longer paths: more accurate on small nets, no faster
    "order5": {"order": 5},
    # the paper's step, initialisation and stop rule (its code runs every step it is given)
    "paper": {"stall_steps": 0, "init": "normal", "order": 1, "patience": 10**6},
    "fixed": {"stall_steps": 0},  # no stall detector
    "normal-init": {"init": "normal"},
    "search": {"cut": "search"},
    "schedule": {"cut": "schedule"},
    "lm": {"damping": "lm"},
    "tikhonov": {"damping": "tikhonov"},  # σ/(σ² + cut²), no hard cut
    "tikhonov-1e-7": {"damping": "tikhonov", "rcond": 1e-7},  # softer: slower start, finer end
    "rcond-1e-10": {"rcond": 1e-10},  # the 1D default until 2026-12-03 (now 1e-12)
    # 2D only: a 20 x 2 network (P = 501) on 4080 points, N about 8 P (Burgers's setting)
    "small-dense": {"width": 20, "depth": 2, "interior": 3600, "boundary": 480},
    # the full SVD every step, as `auto` did on a square-ish Φ̂ before it sketched first
    "dense-svd": {"linalg": "svd"},
}

TARGET = 1e-5
# problem name -> its own target, where it states one: smooth problems on regions 1e-7;
# the L-shape's corner singularity, the plate's finite element reference and the kink
# where poisson1d_kink's source jumps limit those
TARGETS: dict[str, float] = {"poisson_disk": 1e-7, "poisson_annulus": 1e-7,
                             "poisson_polygon": 1e-7, "laplace_lshape": 1e-3,
                             "laplace_plate_holes": 1e-3, "poisson1d_kink": 1e-4}
REFERENCES = ROOT / "bench" / "references"  # NAME.npz: points and u, for a file without exact
QUICK_PROBLEMS = ("laplace", "laplace2d", "heat", "poisson1d", "wave", "nonlinear_poisson")
TINY_ETA = 1e-6  # a stalled step: η below this (the solver's own detector acts at 1/16)


def problems() -> dict[str, Path]:
    """Every example, then bench/problems (a bench file of the same name gets a `bench_` prefix)."""
    found = {p.stem: p for p in sorted((ROOT / "examples").glob("*.pde"))}
    for p in sorted((ROOT / "bench" / "problems").glob("*.pde")):
        found["bench_" + p.stem if p.stem in found else p.stem] = p
    return found


def run(path: Path, strategy: dict, seed: int, target: float, steps: int | None,
        stop_at_target: bool) -> dict:
    """One training run; what the robustness table needs from it. With `stop_at_target`
    a problem with an exact solution ends at its target (the `target` stop rule)."""
    from pdedsl.api import load_problem, prepare

    started = time.perf_counter()
    problem = load_problem(path)
    stops = stop_at_target and not problem.without_exact
    prepared = prepare(problem, seed=seed, **strategy, **({"steps": steps} if steps else {}),
                       **({"target": target} if stops else {}))
    rows: list[dict] = []

    def callback(row):
        row["error"] = max((v for k, v in row.items() if k.startswith("l2_")), default=math.inf)
        rows.append(row)

    solution = prepared.train(callback=callback)
    status, reason = solution.status, solution.reason
    if prepared.compiled.exact is None and rows:  # measured once, at the end, against a reference
        rows[-1]["error"] = reference_error(path, solution)
    hit = next((r for r in rows if r["error"] <= target), None)
    longest = current = 0
    for r in rows:
        current = current + 1 if r["eta"] < TINY_ETA else 0
        longest = max(longest, current)
    return {
        "seed": seed,
        "P": int(prepared.theta.size),
        "N": int(prepared.ls.size),
        "success": hit is not None,
        "steps_to_target": hit["step"] if hit else None,
        "seconds_to_target": hit["seconds"] if hit else None,
        "final_error": rows[-1]["error"] if rows else None,
        "best_error": min(r["error"] for r in rows) if rows else None,
        "steps": len(rows),
        "seconds": rows[-1]["seconds"] if rows else 0.0,
        "wall_seconds": time.perf_counter() - started,
        "longest_tiny_eta_run": longest,
        "stall_actions": rows[-1].get("stall_actions", 0) if rows else 0,
        "status": status,
        "reason": reason,
    }


def reference_error(path: Path, solution) -> float:
    """Relative L2 difference from bench/references/NAME.npz: its points and values of u,
    or a grid (one axis per variable, named after it) and u on it."""
    import numpy as np

    reference = np.load(REFERENCES / f"{path.stem}.npz")
    (name,) = solution.unknowns
    if "points" in reference.files:
        points, u = reference["points"], reference["u"]
    else:
        axes = np.meshgrid(*(reference[v] for v in solution.problem.names), indexing="ij")
        points, u = np.stack([a.ravel() for a in axes], axis=1), reference["u"].ravel()
    predicted = solution.predict(points)[name]
    return float(np.linalg.norm(predicted - u) / np.linalg.norm(u))


def summarise(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["success"]]
    return {
        "runs": len(runs),
        "successes": len(ok),
        "success_rate": len(ok) / len(runs) if runs else 0.0,
        "median_steps_to_target": statistics.median(r["steps_to_target"] for r in ok) if ok else None,
        "median_seconds_to_target": statistics.median(seconds) if (seconds := [
            r["seconds_to_target"] for r in ok if r.get("seconds_to_target") is not None]) else None,
        "longest_tiny_eta_run": max((r["longest_tiny_eta_run"] for r in runs), default=0),
    }


def markdown(results: dict) -> str:
    lines = ["| strategy | success | median steps to target | median s to target | longest η<1e-6 run |",
             "|---|---|---|---|---|"]
    for name, s in results["summary"].items():
        steps = "-" if s["median_steps_to_target"] is None else f"{s['median_steps_to_target']:g}"
        secs = "-" if s["median_seconds_to_target"] is None else f"{s['median_seconds_to_target']:.1f}"
        lines.append(f"| {name} | {s['successes']}/{s['runs']} ({100 * s['success_rate']:.0f}%) "
                     f"| {steps} | {secs} | {s['longest_tiny_eta_run']} |")
    lines += ["", "| strategy | problem | reached (of seeds) | steps to target per seed | final errors |",
              "|---|---|---|---|---|"]
    for name, per_problem in results["runs"].items():
        for problem, runs in per_problem.items():
            steps = ", ".join(str(r["steps_to_target"] or "-") for r in runs)
            finals = ", ".join(f"{r['final_error']:.1e}" if r["final_error"] is not None else "error"
                               for r in runs)
            reached = sum(r["success"] for r in runs)
            lines.append(f"| {name} | {problem} | {reached}/{len(runs)} | {steps} | {finals} |")
    if len(results["runs"]) == 2:
        lines += ["", *side_by_side(results["runs"])]
    return "\n".join(lines) + "\n"


def side_by_side(runs: dict) -> list[str]:
    """Two strategies per problem: median steps and seconds to target (of the seeds both
    reached) and the ratio of the seconds, second over first; then the median ratio."""
    first, second = runs
    lines = [f"| problem | N × P | steps to target ({first} / {second}) | s to target "
             f"({first} / {second}) | s ratio |", "|---|---|---|---|---|"]
    ratios = []
    for problem in runs[second]:
        pairs = [(a, b) for a, b in zip(runs[first].get(problem, []), runs[second][problem])
                 if a["success"] and b["success"]]
        if not pairs:
            continue
        med = lambda key, k: statistics.median(p[k][key] for p in pairs)  # noqa: E731
        ratio = med("seconds_to_target", 1) / med("seconds_to_target", 0)
        ratios.append(ratio)
        lines.append(f"| {problem} | {pairs[0][0]['N']} × {pairs[0][0]['P']} | "
                     f"{med('steps_to_target', 0):g} / {med('steps_to_target', 1):g} | "
                     f"{med('seconds_to_target', 0):.1f} / {med('seconds_to_target', 1):.1f} | "
                     f"{ratio:.2f} |")
    if ratios:
        lines += ["", f"median ratio of seconds to target, {second} / {first}: "
                      f"{statistics.median(ratios):.2f} over {len(ratios)} problems"]
    return lines


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"default strategy on {', '.join(QUICK_PROBLEMS)}, 100 steps, stop at target")
    parser.add_argument("--strategies", default=None, help=f"comma list of {', '.join(STRATEGIES)}")
    parser.add_argument("--problems", default=None, help="comma list of problem names")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=None, help="step budget (default: the file's)")
    parser.add_argument("--stop-at-target", action="store_true", help="end each run at the target")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "robustness")
    args = parser.parse_args(argv)

    available = problems()
    names = (args.problems.split(",") if args.problems
             else list(QUICK_PROBLEMS) if args.quick else list(available))
    strategies = (args.strategies.split(",") if args.strategies
                  else ["default"] if args.quick else list(STRATEGIES))
    steps = args.steps if args.steps is not None else (100 if args.quick else None)
    stop_at_target = args.stop_at_target or args.quick

    results: dict = {"target": TARGET, "targets": TARGETS, "steps": steps, "seeds": args.seeds,
                     "strategies": {s: STRATEGIES[s] for s in strategies}, "runs": {}, "summary": {}}
    args.out.mkdir(parents=True, exist_ok=True)
    for strategy in strategies:
        results["runs"][strategy] = {}
        for name in names:
            target = TARGETS.get(name, TARGET)
            runs = []
            for seed in range(args.seeds):
                try:
                    r = run(available[name], STRATEGIES[strategy], seed, target, steps, stop_at_target)
                except Exception as error:  # noqa: BLE001 (a crash is a failed run, recorded)
                    r = {"seed": seed, "success": False, "final_error": None, "steps_to_target": None,
                         "longest_tiny_eta_run": 0, "status": "error",
                         "reason": "".join(traceback.format_exception_only(error)).strip()}
                runs.append(r)
                print(f"{strategy:>15} {name:>22} seed {seed}: "
                      f"{'ok ' if r['success'] else 'MISS'} steps {r['steps_to_target']} "
                      f"final {r['final_error']} tiny-η run {r['longest_tiny_eta_run']} "
                      f"({r['status']})", flush=True)
            results["runs"][strategy][name] = runs
            results["summary"][strategy] = summarise(  # written after each problem
                [r for runs in results["runs"][strategy].values() for r in runs])
            (args.out / "robustness.json").write_text(json.dumps(results, indent=1))
            (args.out / "robustness.md").write_text(markdown(results))
    print(markdown(results))
    return results


if __name__ == "__main__":
    main()
