"""Are a run's points enough for its solution? The residual on fresh points against the
residual on the run's own (`Solution.estimate["residual_ratio"]`), per example and on the
two problems of bench/accuracy.py, each with its file's settings and pdedsl's defaults.

A smooth solution fitted to its floor keeps the two residuals close; a network that fits
its points and not the equation between them (a shock, a corner) does not. The table
shows where the warning threshold (`pdedsl.estimate.TOO_FEW`) falls between the two.
Writes OUT/residual-ratio.json and OUT/residual-ratio.md.

    .venv/bin/python bench/residual_ratio.py --out bench/recorded        # about 20 min
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ("burgers", "poisson_square")  # bench/problems, against bench/accuracy.py's references


def run(path: Path, seconds: float) -> dict:
    from pdedsl import solve

    sys.path.insert(0, str(ROOT / "bench"))
    import accuracy

    started = time.perf_counter()
    solution = solve(path, seconds=seconds)
    errors = solution.l2_relative_error
    if errors is None and path.stem in PROBLEMS:
        x = solution.evaluation_points
        errors = {"u": accuracy.relative(solution.predict(x)["u"], accuracy.truth_of(path.stem, x))}
    elif errors is None and (ROOT / "bench" / "references" / f"{path.stem}.npz").exists():
        import robustness

        errors = {"u": robustness.reference_error(path, solution)}
    return {"problem": path.stem, "ratio": solution.estimate["residual_ratio"],
            "warned": bool(solution.warnings),
            "error": max(errors.values()) if errors else None,
            "estimate": max(solution.error_estimate.values()), "loss": solution.loss,
            "steps": solution.steps, "status": solution.status,
            "wall_seconds": time.perf_counter() - started}


def report(rows: list[dict], threshold: float) -> str:
    from pdedsl.estimate import TOO_FEW, WRONG, points_too_few

    for r in rows:  # by the rule of today's pdedsl, whichever version ran
        r["warned"] = points_too_few(r["ratio"], r["estimate"])
    large = [r for r in rows if r["ratio"] > TOO_FEW]
    small = [r["ratio"] for r in rows if r["ratio"] <= TOO_FEW]
    lines = ["# The residual between the points against the residual on them", "",
             "Written by bench/residual_ratio.py: every example with its own settings and "
             "pdedsl's defaults, and the two problems of bench/accuracy.py with the defaults "
             f"(each run ends as a run does, or after {threshold:g} s of training). `ratio`: the "
             "RMS residual on the error estimate's fresh points over the RMS residual on the "
             f"run's own. A run warns that its points are too few when the ratio is above "
             f"{TOO_FEW:g} and its estimated error above {WRONG:g}. Error: relative L2 against the "
             "exact solution or the reference (— where there is none).", "",
             f"{len(small)} of {len(rows)} runs have a ratio of at most {max(small):.3g}. Above "
             f"{TOO_FEW:g}: " + ", ".join(
                 f"{r['problem']} ({r['ratio']:.3g}, estimate {r['estimate']:.2g}"
                 + (f", error {r['error']:.2g}" if r["error"] is not None else "") + ")"
                 for r in sorted(large, key=lambda r: r["ratio"]))
             + f"; of these, {', '.join(r['problem'] for r in large if r['warned']) or 'none'} "
             "warns.", "",
             "| problem | ratio | warns | error | estimate | loss | steps | status |",
             "|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: r["ratio"]):
        error = f"{r['error']:.2e}" if r["error"] is not None else "—"
        lines.append(f"| {r['problem']} | {r['ratio']:.3g} | {'yes' if r['warned'] else 'no'} | "
                     f"{error} | {r['estimate']:.2e} | {r['loss']:.2e} | {r['steps']} | "
                     f"{r['status']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--seconds", type=float, default=180, help="training budget per run")
    parser.add_argument("--problems", default=None, help="comma list (default: all)")
    parser.add_argument("--report", action="store_true", help="rewrite the table from the JSON")
    args = parser.parse_args()
    if args.report:
        data = json.loads((args.out / "residual-ratio.json").read_text())
        (args.out / "residual-ratio.md").write_text(report(data["runs"], data["seconds"]))
        return
    paths = [*sorted((ROOT / "examples").glob("*.pde")),
             *(ROOT / "bench" / "problems" / f"{name}.pde" for name in PROBLEMS)]
    if args.problems:
        paths = [p for p in paths if p.stem in args.problems.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in paths:
        rows.append(run(path, args.seconds))
        r = rows[-1]
        print(f"{r['problem']:>22}: ratio {r['ratio']:9.3g}  error {r['error']}  "
              f"{r['steps']} steps  {r['wall_seconds']:.0f} s", flush=True)
        data = {"seconds": args.seconds, "load": os.getloadavg()[0], "runs": rows}
        (args.out / "residual-ratio.json").write_text(json.dumps(data, indent=1) + "\n")
    text = report(rows, args.seconds)
    (args.out / "residual-ratio.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
