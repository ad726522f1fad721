"""Regenerate the figures and numbers of docs/green.md: the Green's function, NTK and NNTK.

Two runs with the defaults: the 1D Poisson problem of the page (examples/poisson1d.pde)
and examples/laplace.pde. For each it draws, into DOCS/img, `green_{1d,2d}.png`,
`spectrum_{1d,2d}.png` and `{ntk,nntk}_{1d,2d}_{initial,trained}.png` (the calls of the
page's last section), and records in DOCS/green.json what the page states: each run's
steps and error; in 1D, G against the textbook Green's function (relative Frobenius
difference on 101 x × the 128 interior points, largest pointwise difference), the rank
kept by the cut, `resolve("1")` against x(1 - x)/2 and its time; in 2D, the shape of Φ̂
and the rank kept, `resolve` of the source of sin(2πx)sin(πy) against that solution and
its times, and the quadrature ∫G(x, y) f(y) dy of f = sin(πx)sin(πy) against -f/(2π²).

    .venv/bin/python bench/green.py              # about 2 minutes on 2 cores
    .venv/bin/python bench/green.py --docs /tmp/g
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCES_1D = [[0.1], [0.3], [0.5], [0.8]]


def textbook(x, y):
    """The Green's function of -u'' on [0, 1] with u(0) = u(1) = 0."""
    return np.minimum(x, y) * (1 - np.maximum(x, y))


def figures(solution, name: str, tag: str, img: Path, reference=None, sources=None) -> None:
    from pdedsl.analysis import initial_tangent
    from pdedsl.plots import save
    from pdedsl.plots.kernels import green_figure, kernel_figure, spectrum_figure

    title = f"{name}: Green's function" + (" (textbook dashed)" if reference else "")
    save(green_figure(solution, reference=reference, sources=sources, title=title),
         img / f"green_{tag}.png")
    save(spectrum_figure(solution.spectrum, f"{name}: singular values of " + r"$\hat{\Phi}$"),
         img / f"spectrum_{tag}.png")
    for when, tangent in [("initial", initial_tangent(solution)), ("trained", solution.tangent)]:
        for kind in ("ntk", "nntk"):
            save(kernel_figure(tangent, kind, title=f"{name}: {kind.upper()}, {when}"),
                 img / f"{kind}_{tag}_{when}.png")


def run(solution) -> dict:
    return {"steps": solution.steps, "status": solution.status,
            "error": solution.l2_relative_error["u"], "training_seconds": solution.seconds,
            "last_filter": solution.filter.to_json()}  # the cut the tangent (G, NNTK) uses


def one_d(img: Path) -> dict:
    from pdedsl import solve

    solution = solve(ROOT / "examples" / "poisson1d.pde")
    figures(solution, "poisson1d.pde", "1d", img, reference=textbook, sources=SOURCES_1D)
    x = np.linspace(0, 1, 101)[:, None]
    G, y = solution.green_function(x)
    exact = textbook(x, y[:, 0][None, :])
    began = time.perf_counter()
    other = solution.resolve("1")
    points = np.linspace(0, 1, 201)[:, None]
    resolved = other.predict(points)["u"]
    seconds = time.perf_counter() - began
    wanted = points[:, 0] * (1 - points[:, 0]) / 2
    return {**run(solution), "rcond": solution.config.solver_options["rcond"],
            "rank": int(solution.tangent.rank),
            "green_relative_frobenius": float(np.linalg.norm(G - exact) / np.linalg.norm(exact)),
            "green_max_difference_of_max": float(np.max(np.abs(G - exact)) / np.max(exact)),
            "resolve_relative_l2": float(np.linalg.norm(resolved - wanted) / np.linalg.norm(wanted)),
            "resolve_first_seconds": seconds}


def two_d(img: Path) -> dict:
    from pdedsl import solve

    solution = solve(ROOT / "examples" / "laplace.pde")
    figures(solution, "laplace.pde", "2d", img)
    tangent = solution.tangent
    points = np.random.default_rng(0).random((4096, 2))
    wanted = np.sin(2 * np.pi * points[:, 0]) * np.sin(np.pi * points[:, 1])
    timings = []
    for _ in range(2):  # the first call builds Φ̂ and its SVD, the second reuses them
        began = time.perf_counter()
        resolved = solution.resolve("-5*pi^2*sin(2*pi*x)*sin(pi*y)").predict(points)["u"]
        timings.append(time.perf_counter() - began)
    G, y = solution.green_function(points[:512])
    weights = 1.0 / len(y)  # |Ω| / N on the unit square
    f = np.sin(np.pi * y[:, 0]) * np.sin(np.pi * y[:, 1])
    integral = G @ f * weights
    expected = -np.sin(np.pi * points[:512, 0]) * np.sin(np.pi * points[:512, 1]) / (2 * np.pi**2)
    return {**run(solution), "jacobian_shape": list(tangent.jacobian.shape), "rank": int(tangent.rank),
            "resolve_relative_l2": float(np.linalg.norm(resolved - wanted) / np.linalg.norm(wanted)),
            "resolve_first_seconds": timings[0], "resolve_later_seconds": timings[1],
            "smooth_source_relative_l2": float(np.linalg.norm(integral - expected)
                                               / np.linalg.norm(expected))}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    img = args.docs / "img"
    img.mkdir(parents=True, exist_ok=True)
    stated = {"date": time.strftime("%Y-%m-%d"), "1d": one_d(img), "2d": two_d(img)}
    (args.docs / "green.json").write_text(json.dumps(stated, indent=1) + "\n")
    print(json.dumps(stated, indent=1))


if __name__ == "__main__":
    main()
