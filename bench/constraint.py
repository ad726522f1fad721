"""Value conditions as residuals (`constraint = none`) against built into the network
(`constraint = exact`), on the L-shape and on the plate with four holes.

Per problem, setting and seed: the relative L2 error inside the region (against the
exact solution; for the plate against bench/references/laplace_plate_holes.npz), the
steps, the training seconds and how the run ended. Writes OUT/constraint.json and
OUT/constraint.md.

examples/laplace_lshape.pde writes its Dirichlet data as the singular solution itself,
a formula of (x, y) that the built-in form takes as its extension g inside: g is then
the solution and the network has nothing to learn. `lshape_edges` gives the same data
edge by edge as functions of the coordinate along the edge (their extension is constant
across it), as boundary data usually come: that is the fair comparison.

    .venv/bin/python bench/constraint.py --seeds 3 --out bench/recorded
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THETA = "sin(2/3*(3*pi/4 + atan2({y}, {x})))"  # atan2(-x - y, y - x) at a point of an edge
LSHAPE_EDGES = f"""(x, y) in rectangle((-1, -1), (1, 1)) minus rectangle((0, -1), (1, 0))
unknown u(x, y)

laplacian(u) = 0
u = (x^2 + 1)^(1/3)*{THETA.format(y="-x - 1", x="1 - x")}     on y = 1
u = (y^2 + 1)^(1/3)*{THETA.format(y="1 - y", x="y + 1")}      on x = -1
u = (x^2 + 1)^(1/3)*{THETA.format(y="1 - x", x="-1 - x")}     on y = -1
u = (y^2 + 1)^(1/3)*{THETA.format(y="-1 - y", x="y - 1")}     on x = 1
u = 0                                                          on x = 0, y = 0

exact u = (x^2 + y^2)^(1/3)*sin(2/3*(3*pi/4 + atan2(-x - y, y - x)))
"""
PROBLEMS = {"lshape_edges": LSHAPE_EDGES, "laplace_lshape": "examples/laplace_lshape.pde",
            "laplace_plate_holes": "examples/laplace_plate_holes.pde"}
SETTINGS = ("none", "exact")


def error_of(name: str, solution) -> float:
    if solution.l2_relative_error is not None:
        return solution.l2_relative_error["u"]
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from robustness import reference_error

    return reference_error(ROOT / "examples" / f"{name}.pde", solution)


def markdown(results: dict) -> str:
    lines = ["| problem | constraint | relative L2 error (median, range) | steps (median) "
             "| training s (median) |", "|---|---|---|---|---|"]
    for name, per_setting in results.items():
        for setting, runs in per_setting.items():
            errors = [r["error"] for r in runs]
            lines.append(
                f"| {name} | {setting} | {statistics.median(errors):.1e} ({min(errors):.1e} to "
                f"{max(errors):.1e}) | {statistics.median(r['steps'] for r in runs):g} | "
                f"{statistics.median(r['seconds'] for r in runs):.0f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--problems", default="lshape_edges,laplace_plate_holes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    from pdedsl import solve

    results: dict = {}
    for name in args.problems.split(","):
        results[name] = {}
        for setting in SETTINGS:
            runs = []
            for seed in range(args.seeds):
                source = PROBLEMS[name]
                source = ROOT / source if source.endswith(".pde") else source
                solution = solve(source, constraint=setting, seed=seed)
                runs.append({"seed": seed, "error": error_of(name, solution),
                             "steps": solution.steps, "seconds": solution.seconds, "loss": solution.loss,
                             "status": solution.status, "reason": solution.reason})
                print(name, setting, runs[-1], flush=True)
            results[name][setting] = runs
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "constraint.json").write_text(json.dumps(results, indent=1) + "\n")
        (args.out / "constraint.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
