"""Draw docs/img/geometry.png: four regions of the language with their collocation points.

For each file (the plate with a hole of the language reference, the L-shape, PINNacle's
plate with four holes, the annulus with a Neumann inner circle) the points `pdedsl
solve` would train on with the default settings: interior points grey, each
condition's points in its colour with the outward normals its `dn` reads as arrows.

    .venv/bin/python bench/geometry_figure.py
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "geometry.png"
PLATE_WITH_A_HOLE = """region plate = rectangle((0, 0), (2, 1))
region hole = disk((1, 1/2), 1/4)
(x, y) in plate minus hole
unknown u(x, y)

-laplacian(u) = 0
u = 1          on x = 0
u = 0          on x = 2
dn(u) = 0      on y = 0, y = 1, hole
"""
PANELS = [
    ("plate minus hole", PLATE_WITH_A_HOLE),
    ("examples/laplace_lshape.pde", ROOT / "examples" / "laplace_lshape.pde"),
    ("examples/laplace_plate_holes.pde", ROOT / "examples" / "laplace_plate_holes.pde"),
    ("examples/poisson_annulus.pde", ROOT / "examples" / "poisson_annulus.pde"),
]
SAMPLE = {"interior": 400, "boundary": 120, "method": "grid"}  # fewer than the defaults: readable


def main() -> None:
    from pdedsl import geometry
    from pdedsl.api import load_problem
    from pdedsl.compile import compile_problem
    from pdedsl.plots.points import draw_points

    figure = Figure(figsize=(12, 11), layout="constrained")
    for panel, (title, source) in zip(figure.subplots(2, 2).ravel(), PANELS):
        problem = load_problem(source)
        blocks = compile_problem(problem).blocks
        points = geometry.sample_blocks(problem, blocks, SAMPLE, seed=0)
        draw_points(panel, problem, blocks, points, arrows=40)
        panel.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, frameon=False)
        panel.set_title(title, fontsize=10)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(OUT, dpi=80)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
