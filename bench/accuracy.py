"""Accuracy where there is no closed form, and how well the error estimate tells it.

Problems (bench/problems), solved with `pdedsl.solve` and each variant's overrides:
- poisson_square: -laplacian(u) = 1 on the unit square, against its series;
- burgers: viscous Burgers (ν = 0.01/π), against Cole-Hopf (bench/references).
Per run: relative L2 over the whole domain (the run's 4096 evaluation points; for the
square also away from the edges, distance > 0.1), wall and training seconds, steps, and
`Solution.error_estimate` against that true error.

Examples with an `exact` solution (FAST, or every one with --all), each with its own
settings and at most --steps steps: its error estimate against its exact error
(ratio = estimate / truth; the aim is within a factor of 10).

Writes bench/recorded/accuracy.json and .md (each part run replaces its own rows) and
docs/img/estimate.png (estimate against truth, log-log, with the factor-10 band).

    .venv/bin/python bench/accuracy.py                      # both parts: about 20 minutes
    .venv/bin/python bench/accuracy.py --parts examples --all   # every example with exact
    .venv/bin/python bench/accuracy.py --parts problems --variants defaults,adapt
    .venv/bin/python bench/accuracy.py --parts problems --problems poisson_square --seeds 0,1,2
    .venv/bin/python bench/accuracy.py --parts problems --problems burgers --variants dense+adapt  # 10 min
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "bench" / "recorded"
FIGURE = ROOT / "docs" / "img" / "estimate.png"
BAND = 10.0  # the estimate's aim: within this factor of the truth
EDGE = 0.1  # "away from the edges": distance to the square's boundary above this

# examples that train in well under a minute each (the whole set: --all)
FAST = ("poisson1d", "poisson1d_robin", "poisson1d_kink", "neumann1d", "biharmonic1d",
        "burgers_steady", "oscillator", "laplace", "heat", "wave", "nonlinear_poisson",
        "helmholtz", "poisson_disk", "laplace_lshape")

# more points than the network has parameters (P = 1185): N ≈ 3.7 P; Burgers's steps
# then cost about four times as much, so it gets 540 s (ten minutes from start to end)
DENSE = {"poisson_square": {"interior": 3600, "boundary": 480},
         "burgers": {"interior": 4000, "boundary": 400, "steps": 400, "seconds": 540}}

SMALL = {"width": 20, "depth": 2}

# variant -> overrides of each problem's settings (problem -> overrides); `refine = 1`: the
# run keeps its points however few they prove (what every run did before `refine` existed)
ALONE = {"refine": 1}
VARIANTS = {
    "defaults": {"poisson_square": {}, "burgers": {}},
    "no-refine": {"poisson_square": ALONE, "burgers": {**ALONE, "seconds": 300}},
    "adapt": {"poisson_square": {"adapt": 25}, "burgers": {**ALONE, "adapt": 25, "seconds": 300}},
    # value conditions built into the network (u = g + φ·N)
    "exact": {"poisson_square": {"constraint": "exact"},
              "burgers": {**ALONE, "constraint": "exact", "seconds": 300}},
    # both: the conditions cannot pull the fit at the corners, the points move to them
    "exact+adapt": {"poisson_square": {"constraint": "exact", "adapt": 25},
                    "burgers": {**ALONE, "constraint": "exact", "adapt": 25, "seconds": 300}},
    "dense": DENSE,
    "dense+adapt": {name: {**dense, "adapt": 25} for name, dense in DENSE.items()},
    "exact+dense": {name: {**dense, "constraint": "exact"} for name, dense in DENSE.items()},
    # a smaller network on the same points (P = 501, N ≈ 9 P): a step costs less than half as much
    "small+dense+adapt": {name: {**dense, **SMALL, "adapt": 25} for name, dense in DENSE.items()},
}


def reference(name: str):
    spec = importlib.util.spec_from_file_location(
        f"reference_{name}", ROOT / "bench" / "references" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def relative(u: np.ndarray, truth: np.ndarray) -> float:
    return float(np.linalg.norm(u - truth) / np.linalg.norm(truth))


def truth_of(name: str, x: np.ndarray) -> np.ndarray:
    """The reference at the points x (columns in the problem's variable order)."""
    if name == "poisson_square":
        return reference("poisson_square").solution(x[:, 0], x[:, 1])
    return reference("burgers").solution(x[:, 0], x[:, 1])  # (t, x)


def run_problem(name: str, variant: str, overrides: dict, seed: int = 0) -> dict:
    from pdedsl import solve

    started = time.perf_counter()
    solution = solve(ROOT / "bench" / "problems" / f"{name}.pde", seed=seed, **overrides)
    wall = time.perf_counter() - started
    x = solution.evaluation_points
    u, truth = solution.predict(x)["u"], truth_of(name, x)
    error = relative(u, truth)
    estimate = solution.error_estimate["u"]
    row = {"problem": name, "variant": variant, "seed": seed, "overrides": overrides,
           "l2_relative": error, "estimate": estimate, "ratio": estimate / error,
           "wall_seconds": wall, "seconds": solution.seconds,
           "compile_seconds": solution.compile_seconds, "steps": solution.steps,
           "status": solution.status, "loss": solution.loss,
           "load": round(os.getloadavg()[0], 1)}
    if name == "poisson_square":
        inner = np.min(np.minimum(x, 1 - x), axis=1) > EDGE
        row["l2_relative_inside"] = relative(u[inner], truth[inner])
    else:
        row["u_at_t1_x05"] = float(solution.predict(np.array([[1.0, 0.5]]))["u"][0])
    return row


def run_example(path: Path, steps: int) -> list[dict]:
    from pdedsl import solve

    started = time.perf_counter()
    solution = solve(path, steps=steps)
    wall = time.perf_counter() - started
    truth, estimate = solution.l2_relative_error, solution.error_estimate
    return [{"example": path.stem, "unknown": u, "l2_relative": truth[u], "estimate": estimate[u],
             "ratio": estimate[u] / truth[u] if truth[u] > 0 else math.inf,
             "steps": solution.steps, "status": solution.status, "wall_seconds": wall}
            for u in solution.unknowns]


def examples() -> list[Path]:
    """The examples with an exact solution for their fields."""
    from pdedsl.language import parse_file

    return [p for p in sorted((ROOT / "examples").glob("*.pde"))
            if any(u.name in parse_file(p).exact for u in parse_file(p).unknowns)]


def table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """A Markdown table: columns are (header, key, format)."""
    lines = ["| " + " | ".join(c[0] for c in columns) + " |",
             "|" + "---|" * len(columns)]
    for row in rows:
        cells = [format(row[key], fmt) if key in row and fmt else str(row.get(key, "—"))
                 for _, key, fmt in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


PROBLEM_COLUMNS = [("problem", "problem", ""), ("variant", "variant", ""), ("seed", "seed", ""),
                   ("rel. L2 (whole domain)", "l2_relative", ".2e"),
                   ("rel. L2 (away from edges)", "l2_relative_inside", ".2e"),
                   ("estimate", "estimate", ".2e"), ("estimate / truth", "ratio", ".2f"),
                   ("steps", "steps", "d"), ("training s", "seconds", ".0f"),
                   ("wall s", "wall_seconds", ".0f"), ("status", "status", ""),
                   ("load", "load", ".1f")]
EXAMPLE_COLUMNS = [("example", "example", ""), ("unknown", "unknown", ""),
                   ("rel. L2", "l2_relative", ".2e"), ("estimate", "estimate", ".2e"),
                   ("estimate / truth", "ratio", ".2f"), ("steps", "steps", "d"),
                   ("status", "status", "")]


# why an example's estimate is outside the band, where the reason is known
OUTSIDE = {"inverse_reaction": "its constant is fitted to measurements with 1% noise; the "
           "error the noise leaves is not a residual of the equation, and the fitted "
           "constant's standard error (bench/recorded/inverse.md) is what tells it"}


def _in_order(row: dict) -> tuple:
    """Problem rows by problem, then variant as VARIANTS lists them, then seed."""
    return (row["problem"] != "poisson_square", list(VARIANTS).index(row["variant"]), row["seed"])


def report(data: dict) -> str:
    within = [r for r in data.get("examples", []) if 1 / BAND <= r["ratio"] <= BAND]
    outside = [f"{r['example']} ({r['ratio']:.1e}: {OUTSIDE.get(r['example'], 'not explained')})"
               for r in data.get("examples", []) if r not in within]
    parts = ["# Accuracy without a closed form, and the error estimate", "",
             "Written by bench/accuracy.py. Relative L2 errors on each run's 4096 evaluation "
             "points; the estimate is `Solution.error_estimate`. Machine: 2 shared cores, "
             "float64, JAX CPU; load: the load average when the run ended.", "",
             table(sorted(data.get("problems", []), key=_in_order), PROBLEM_COLUMNS), "",
             f"Examples with an exact solution (at most {data.get('steps', '?')} steps each): "
             f"estimate within a factor {BAND:g} of the truth for {len(within)} of "
             f"{len(data.get('examples', []))} unknowns"
             + (f"; outside it: {'; '.join(outside)}." if outside else ".")
             + f" Load average at the end of this part: {data.get('load_examples', '?')}.", "",
             table(data.get("examples", []), EXAMPLE_COLUMNS), ""]
    return "\n".join(parts)


def figure(data: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    points = [(r["l2_relative"], r["estimate"], r["example"]) for r in data.get("examples", [])]
    points += [(r["l2_relative"], r["estimate"], f"{r['problem']} ({r['variant']}, {r['seed']})")
               for r in data.get("problems", [])]
    points = [p for p in points if p[0] > 0 and p[1] > 0]
    if not points:
        return
    truth, estimate = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    lo, hi = min(truth.min(), estimate.min()) / 3, max(truth.max(), estimate.max()) * 3
    line = np.array([lo, hi])
    ax.fill_between(line, line / BAND, line * BAND, color="0.9", label=f"within {BAND:g}×")
    ax.plot(line, line, "k-", lw=0.8, label="estimate = truth")
    examples_only = len(data.get("examples", []))
    ax.loglog(truth[:examples_only], estimate[:examples_only], "o", ms=4, label="examples")
    ax.loglog(truth[examples_only:], estimate[examples_only:], "s", ms=6, color="C3",
              label="-Δu = 1, Burgers")
    outside = sorted(((t, e, name) for (t, e, name) in points if not 1 / BAND <= e / t <= BAND),
                     key=lambda p: -p[1])
    for i, (t, e, name) in enumerate(outside):  # by name; neighbours' labels stacked downwards
        near = sum(abs(math.log10(t / u)) < 1 and abs(math.log10(e / f)) < 1
                   for u, f, _ in outside[:i])
        ax.annotate(name, (t, e), textcoords="offset points", xytext=(-6, 4 - 11 * near),
                    ha="right", fontsize=7)
    ax.set(xlim=line, ylim=line, xlabel="true relative L2 error",
           ylabel="error estimate", title="Error estimate against the true error")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURE, dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="problems,examples",
                        help="problems, examples, or report (rewrite .md and figure only)")
    parser.add_argument("--variants", default="defaults")
    parser.add_argument("--problems", default="poisson_square,burgers")
    parser.add_argument("--seeds", default="0", help="seeds of the problems' runs (comma-separated)")
    parser.add_argument("--steps", type=int, default=60, help="most steps per example")
    parser.add_argument("--all", action="store_true", help="every example with exact, not FAST")
    parser.add_argument("--only", default="", help="examples to run (comma-separated names)")
    args = parser.parse_args()
    parts = args.parts.split(",")
    out = RECORDED / "accuracy.json"
    results = {"problems": [], "examples": []}
    if "problems" in parts:
        for variant in args.variants.split(","):
            for name in args.problems.split(","):
                for seed in map(int, args.seeds.split(",")):
                    row = run_problem(name, variant, VARIANTS[variant][name], seed)
                    print({k: v for k, v in row.items() if k != "overrides"}, flush=True)
                    results["problems"].append(row)
    if "examples" in parts:
        chosen = set(args.only.split(",")) if args.only else None if args.all else set(FAST)
        for path in examples():
            if chosen and path.stem not in chosen:
                continue
            try:
                rows = run_example(path, args.steps)
            except Exception:  # one failing example must not lose the others
                traceback.print_exc()
                continue
            for row in rows:
                print(row, flush=True)
            results["examples"].extend(rows)
    data = json.loads(out.read_text()) if out.exists() else {}
    for part in parts:  # each part run replaces its own rows (problems: by problem, variant and seed)
        if part == "problems":
            key = lambda r: (r["problem"], r["variant"], r["seed"])
            keep = [r for r in data.get("problems", [])
                    if key(r) not in {key(n) for n in results["problems"]}]
            data["problems"] = keep + results["problems"]
        elif part == "examples":
            data["examples"] = results["examples"]
            data["steps"] = args.steps
            data["load_examples"] = round(os.getloadavg()[0], 1)
    out.write_text(json.dumps(data, indent=1))
    (RECORDED / "accuracy.md").write_text(report(data))
    figure(data)
    print(report(data))


if __name__ == "__main__":
    main()
