"""Regenerate the experiments of docs/theory.md: the ANaGRAM paper's two experiments, run with pdedsl.

Five runs with pdedsl's defaults and the file's own settings, one after the other in this
process, into run folders as `pdedsl solve` writes them (the page lists the commands):
examples/laplace.pde with ANaGRAM and with Adam, and with ANaGRAM on the paper's network
and points (those of bench/problems/laplace2d.pde: MLP 2-32-1, 784 + 116 grid points, set
by overrides so that the page's commands need only examples/); examples/heat.pde (the
paper's network and points already) with ANaGRAM and with Adam. Then it writes

- DOCS/img/theory-laplace-comparison.png and theory-heat-comparison.png: each problem's
  runs on one figure (`pdedsl compare`'s figure);
- DOCS/img/theory-heat-spectrum.png and theory-heat-{ntk,nntk}_{initial,trained}.png:
  the heat run's figures of `pdedsl analyze`;
- DOCS/theory.json: what was measured (errors, steps, seconds, when each run first got
  below 1e-3, 1e-5, 1e-7, from when ANaGRAM's error stays below Adam's, the heat run's
  spectrum and kernel sizes, the load average around each run);
- the region of DOCS/theory.md between BEGIN and END, rendered from that JSON alone
  (`render`); the prose around it is written by hand and quotes the JSON.

    .venv/bin/python bench/theory.py --runs runs/theory           # about 4 minutes on 2 cores
    .venv/bin/python bench/theory.py --runs runs/theory --reuse   # the page again from those runs

A run folder that already holds summary.json is solved again unless --reuse is given;
--docs DIR writes elsewhere (DIR/theory.md must hold the markers).
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

from gallery import settings  # bench/gallery.py: 'anagram (rcond 1e-8, ...), mlp width 32 ...'

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- theory:begin: written by bench/theory.py from docs/theory.json; edit the script -->"
END = "<!-- theory:end -->"
LOAD = "load.json"  # in a run folder: the load average when the run began and ended
PAPER_NET = {"width": 32, "depth": 1, "interior": 784, "boundary": 116}  # bench/problems/laplace2d.pde
# name: (problem, file, overrides), in the table's order
RUNS = {
    "laplace": ("Laplace 2D", "examples/laplace.pde", {}),
    "laplace-adam": ("Laplace 2D", "examples/laplace.pde", {"solver": "adam"}),
    "laplace-paper-net": ("Laplace 2D", "examples/laplace.pde", PAPER_NET),
    "heat": ("heat 1+1D", "examples/heat.pde", {}),
    "heat-adam": ("heat 1+1D", "examples/heat.pde", {"solver": "adam"}),
}
FIGURES = {"laplace": ["laplace", "laplace-adam", "laplace-paper-net"], "heat": ["heat", "heat-adam"]}
KERNELS = [f"{kind}_{when}" for when in ("initial", "trained") for kind in ("ntk", "nntk")]
IMAGES = ([f"theory-{problem}-comparison.png" for problem in FIGURES] + ["theory-heat-spectrum.png"]
          + [f"theory-heat-{kernel}.png" for kernel in KERNELS])
THRESHOLDS = ("1e-3", "1e-5", "1e-7")  # relative L2 errors
SOLVER_NAMES = {"anagram": "ANaGRAM", "adam": "Adam"}


# ------------------------------------------------------------------ running
def run(name: str, runs: Path, reuse: bool):
    """The Solution and summary of one run, trained into RUNS/NAME (or loaded with --reuse)."""
    from pdedsl import Solution
    from pdedsl import run as run_folder

    _, file, overrides = RUNS[name]
    folder = runs / name
    if not (reuse and (folder / run_folder.SUMMARY).exists()):
        shutil.rmtree(folder, ignore_errors=True)
        began, load = time.perf_counter(), os.getloadavg()[0]
        solution = run_folder.solve(ROOT / file, overrides)
        run_folder.write(folder, solution, file)
        (folder / LOAD).write_text(json.dumps([load, os.getloadavg()[0]]) + "\n")
        print(f"{name:18} {_error(solution.l2_relative_error['u']):>8} {solution.steps:>6} "
              f"{solution.seconds:>8.1f} {time.perf_counter() - began:>7.1f}  {solution.status}",
              flush=True)
    return Solution.load(folder), run_folder.read_summary(folder)


def measure(name: str, folder: Path, solution, summary: dict) -> dict:
    """What the page states about one run."""
    from pdedsl.analysis import collocation_points
    from pdedsl.least_squares import flatten

    problem, file, overrides = RUNS[name]
    config = summary["config"]
    model = config["model"]
    widths = [len(summary["variables"]), *[model["width"]] * model["depth"], len(summary["unknowns"])]
    return {
        "problem": problem, "file": file, "overrides": overrides, "solver": config["solver"],
        "network": "-".join(map(str, widths)),
        "P": int(flatten(solution.model)[0].size),
        "N": sum(len(p) for p in collocation_points(solution)),
        "settings": settings(config),
        "steps": summary["steps"], "status": summary["status"], "reason": summary["reason"],
        "training_seconds": summary["seconds"], "compile_seconds": summary["compile_seconds"],
        "load": json.loads(load.read_text()) if (load := folder / LOAD).exists() else None,
        "date": summary["written"][:10],
        "error": summary["l2_relative_error"]["u"],
        "first_below": {t: first_below(solution.history, float(t)) for t in THRESHOLDS},
    }


def first_below(history: list[dict], threshold: float) -> dict | None:
    """{step, seconds} of the first step whose relative L2 error is at most `threshold`."""
    row = next((r for r in history if r.get("l2_u", float("inf")) <= threshold), None)
    return None if row is None else {"step": row["step"], "seconds": row["seconds"]}


def ahead(history: list[dict], rival: list[dict]) -> dict | None:
    """{step, seconds} from which `history`'s error stays below `rival`'s at equal training time."""
    times = [r["seconds"] for r in rival]

    def behind(row):  # the rival's last error recorded by this row's time
        return row["l2_u"] >= rival[max(bisect.bisect_right(times, row["seconds"]) - 1, 0)]["l2_u"]

    last = max((k for k, row in enumerate(history) if behind(row)), default=-1)
    return None if last + 1 == len(history) else {k: history[last + 1][k] for k in ("step", "seconds")}


# ------------------------------------------------------------------ figures
def figures(solutions: dict, measured: dict, docs: Path) -> dict:
    """Write the IMAGES into DOCS/img; the heat run's spectrum and kernel sizes."""
    from pdedsl.analysis import initial_tangent
    from pdedsl.plots import plot_comparison, save
    from pdedsl.plots.kernels import kernel_figure, kernel_values, spectrum_figure

    img = docs / "img"
    img.mkdir(parents=True, exist_ok=True)
    for problem, names in FIGURES.items():
        histories = {label(measured[n]): solutions[n].history for n in names}
        plot_comparison(histories, f"{measured[names[0]]['problem']}: relative L2 error and loss",
                        img / f"theory-{problem}-comparison.png")
    heat = solutions["heat"]
    save(spectrum_figure(heat.spectrum, "heat.pde: singular values of " + r"$\hat{\Phi}$"),
         img / "theory-heat-spectrum.png")
    tangents = {"initial": initial_tangent(heat), "trained": heat.tangent}
    kernels = {}
    for kernel in KERNELS:
        kind, when = kernel.split("_")
        figure = kernel_figure(tangents[when], kind, "u", f"heat.pde: {kind.upper()} of u, {when}")
        kernels[kernel] = kernel_size(kernel_values(tangents[when], kind, "u")[1])
        save(figure, img / f"theory-heat-{kernel}.png")
    return {"spectrum": spectrum_facts(heat.spectrum), "kernels": kernels}


def label(run: dict) -> str:
    """'ANaGRAM, MLP 2-32-1': the figures' legends and captions."""
    return f"{SOLVER_NAMES[run['solver']]}, MLP {run['network']}"


def kernel_size(values: np.ndarray) -> dict:
    """The kernel values of a figure's 16 panels: largest and median |K|, share < 0."""
    return {"abs_max": float(np.max(np.abs(values))), "abs_median": float(np.median(np.abs(values))),
            "negative_share": float(np.mean(values < 0))}


def spectrum_facts(spectrum: list[dict]) -> dict:
    """At the first and last recorded steps and where the cut was coarsest: σ kept, the cut, decades."""
    def facts(row):
        sigma = np.asarray(row["sigma"])
        top, positive = sigma.max(), sigma[sigma > 0]
        return {"step": row["step"], "kept": int(np.sum(sigma > row["cut"])), "of": len(sigma),
                "cut_relative": row["cut"] / top, "decades": float(np.log10(top / positive.min()))}

    coarsest = max(spectrum, key=lambda row: row["cut"] / max(row["sigma"]))
    return {"first": facts(spectrum[0]), "last": facts(spectrum[-1]), "coarsest": facts(coarsest)}


# ------------------------------------------------------------------ the page
def render(stated: dict) -> str:
    """The generated region of theory.md (markers included), from theory.json alone."""
    runs, cores = stated["runs"], stated["cores"]
    loads = [r["load"] for r in runs.values()]
    load = ("a load average that was not recorded" if None in loads else
            f"a load average of {loads[0][0]:.1f} when the first run began and {loads[-1][1]:.1f} "
            f"when the last ended (above {cores}, other jobs shared the cores: the seconds are upper bounds)")
    dates = sorted({r["date"] for r in runs.values()})
    date = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    parts = [
        BEGIN,
        "```bash\n" + "\n".join(command(name, r) for name, r in runs.items())
        + "\npdedsl analyze runs/heat\n```",
        _fill(f"Measured on {date} on a {cores}-core machine, one run after the other, with "
              f"{load}. Seed 0, float64. Seconds are training seconds: "
              "compilation and the per-step error measurement are left out. The settings of each "
              "run, and why it stopped:"),
        "\n".join(_fill(f"- `runs/{name}`: {r['settings']}; {r['reason']}.", "  ")
                  for name, r in runs.items()),
    ]
    for problem, names in stated["figures"].items():
        title, first, rival = runs[names[0]]["problem"], runs[names[0]], runs[names[1]]
        parts.append(f"### {title[0].upper() + title[1:]}")
        parts.append(f"![{title}: " + "; ".join(label(runs[n]) for n in names)
                     + f"; loss and error against steps and seconds](img/theory-{problem}-comparison.png)")
        when = stated["ahead"][problem]
        one, other = SOLVER_NAMES[first["solver"]], SOLVER_NAMES[rival["solver"]]
        parts.append(f"At equal training time, {one}'s error is below {other}'s " + (
            f"from step {when['step']} of {one} ({_seconds(when['seconds'])} s) on." if when
            else f"at no time: {one}'s run ended above it."))
    parts += ["### The numbers", table(runs), END]
    return "\n\n".join(parts) + "\n"


def command(name: str, run: dict) -> str:
    """`pdedsl solve FILE [--solver S] [--set K=V ...] --out runs/NAME`."""
    options = "".join(f" --solver {v}" if k == "solver" else f" --set {k}={v}"
                      for k, v in run["overrides"].items())
    return f"pdedsl solve {run['file']}{options} --out runs/{name}"


def table(runs: dict) -> str:
    thresholds = list(next(iter(runs.values()))["first_below"])
    rows = ["| problem | solver | network (P) | N | steps | ended | training s | "
            "final relative L2 error | " + " | ".join(f"first below {t}" for t in thresholds) + " |",
            "|---|---|---|---|---|---|---|---|" + "---|" * len(thresholds)]
    for r in runs.values():
        firsts = [f"step {f['step']} ({_seconds(f['seconds'])} s)" if f else "never"
                  for f in r["first_below"].values()]
        rows.append(f"| {r['problem']} | {SOLVER_NAMES[r['solver']]} | {r['network']} ({r['P']}) | "
                    f"{r['N']} | {r['steps']} | {r['status']} | {_seconds(r['training_seconds'])} | "
                    f"{_error(r['error'])} | " + " | ".join(firsts) + " |")
    return "\n".join(rows)


def write_page(page: Path, stated: dict) -> None:
    """Replace the region from BEGIN to END (both must be there) with `render(stated)`."""
    text = page.read_text()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"theory: {page} has no region from {BEGIN!r} to {END!r}")
    page.write_text(text[:start] + render(stated) + text[end + len(END) + 1:])


def _error(value: float | None) -> str:
    """4.3e-8: two digits, the page's style."""
    return "n/a" if value is None else f"{value:.1e}".replace("e-0", "e-").replace("e+0", "e+")


def _fill(text: str, indent: str = "") -> str:
    return textwrap.fill(text, 88, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)


def _seconds(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", help="folder of the run folders (default: a temporary folder)")
    parser.add_argument("--docs", default=str(ROOT / "docs"),
                        help="where theory.md, theory.json and img/ are (default: docs/)")
    parser.add_argument("--reuse", action="store_true", help="keep runs whose summary.json exists")
    args = parser.parse_args(argv)
    runs = Path(args.runs or tempfile.mkdtemp(prefix="theory-runs-")).resolve()
    docs = Path(args.docs)
    print(f"{'run':18} {'error':>8} {'steps':>6} {'train s':>8} {'wall s':>7}  ended", flush=True)
    solutions, measured = {}, {}
    for name in RUNS:
        solutions[name], summary = run(name, runs, args.reuse)
        measured[name] = measure(name, runs / name, solutions[name], summary)
    heat = figures(solutions, measured, docs)
    stated = {
        "cores": os.cpu_count() or 1,
        "runs": measured, "figures": FIGURES, "heat": heat, "images": IMAGES,
        "ahead": {problem: ahead(solutions[names[0]].history, solutions[names[1]].history)
                  for problem, names in FIGURES.items()},
    }
    (docs / "theory.json").write_text(json.dumps(stated, indent=1) + "\n")
    write_page(docs / "theory.md", stated)
    print(f"wrote {docs / 'theory.md'}, {docs / 'theory.json'} and {docs / 'img'}/theory-*; runs in {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
