"""The plate with four holes, its value conditions trained as residuals and built into
the network, side by side: docs/img/plate.png.

Both runs are examples/laplace_plate_holes.pde with seed 0, one with `constraint = none`
(the residual form) and one as the file states it (`constraint = exact`). Top: each
field, blank in the holes. Bottom: its difference from the finite element reference
(bench/references/laplace_plate_holes.npz) at the reference's 4096 points. The two
errors are written to bench/recorded/plate_figure.json.

    .venv/bin/python bench/plate_figure.py        # about 5 minutes
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "laplace_plate_holes.pde"
REFERENCE = ROOT / "bench" / "references" / "laplace_plate_holes.npz"
FIGURE = ROOT / "docs" / "img" / "plate.png"
RECORD = ROOT / "bench" / "recorded" / "plate_figure.json"
FORMS = {"none": "conditions as residuals", "exact": "conditions built in (the file)"}


def solve_both() -> dict:
    from pdedsl import solve

    reference = np.load(REFERENCE)
    side = np.linspace(-0.5, 0.5, 201)
    grid = np.stack(np.meshgrid(side, side, indexing="xy"), axis=-1).reshape(-1, 2)
    runs = {}
    for form in FORMS:
        solution = solve(EXAMPLE, constraint=form, seed=0)
        at_reference = solution.predict(reference["points"])["u"]
        runs[form] = {
            "grid": solution.predict(grid)["u"].reshape(side.size, side.size),
            "difference": at_reference - reference["u"],
            "error": float(np.linalg.norm(at_reference - reference["u"])
                           / np.linalg.norm(reference["u"])),
            "loss": solution.loss, "steps": solution.steps, "reason": solution.reason}
        print(form, {k: v for k, v in runs[form].items() if k not in ("grid", "difference")})
    return {"side": side, "grid": grid, "points": reference["points"], "runs": runs}


def draw(data: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sys.path.insert(0, str(ROOT / "bench"))
    from plate_reference import RADIUS, hole_distance

    side, points = data["side"], data["points"]
    outside = (hole_distance(data["grid"]) < RADIUS).reshape(side.size, side.size)
    fig, axes = plt.subplots(2, 2, figsize=(9, 8.4))
    for column, (form, title) in enumerate(FORMS.items()):
        run = data["runs"][form]
        field = np.ma.masked_array(run["grid"], outside)
        top = axes[0, column].imshow(field, origin="lower", extent=(-0.5, 0.5, -0.5, 0.5),
                                     vmin=0, vmax=1, cmap="viridis")
        axes[0, column].set_title(f"{title}\nrelative L2 from the reference {run['error']:.1e}",
                                  fontsize=10)
        fig.colorbar(top, ax=axes[0, column], shrink=0.8, label="u")
        bottom = axes[1, column].scatter(points[:, 0], points[:, 1], s=4,
                                         c=np.log10(np.abs(run["difference"]) + 1e-16),
                                         cmap="magma", vmin=-7, vmax=0)
        axes[1, column].set_title("log10 |u - finite elements|", fontsize=10)
        axes[1, column].set_aspect("equal")
        fig.colorbar(bottom, ax=axes[1, column], shrink=0.8)
    for ax in axes.flat:
        ax.set(xlim=(-0.5, 0.5), ylim=(-0.5, 0.5), xlabel="x", ylabel="y")
    fig.suptitle("Laplace on a plate with four holes: u = 1 on the square, 0 on the holes")
    fig.tight_layout()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURE, dpi=80)


def main() -> None:
    data = solve_both()
    RECORD.write_text(json.dumps({form: {k: v for k, v in run.items()
                                         if k not in ("grid", "difference")}
                                  for form, run in data["runs"].items()}, indent=1) + "\n")
    draw(data)
    print(f"wrote {FIGURE.relative_to(ROOT)} and {RECORD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
