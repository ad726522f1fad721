"""Regenerate the gallery: solve every example with the defaults, write docs/gallery.md.

Each example is solved by `pdedsl solve examples/NAME.pde --out RUNS/NAME` in a
subprocess, one after the other, each stopped as Ctrl-C stops it (SIGINT: the run
keeps its checkpoint, status *interrupted*) after --limit seconds. Its figures are
copied to DOCS/img/gallery-NAME-*.png; DOCS/gallery.md gets the page and
DOCS/gallery.json what the page states (errors, steps, seconds, status per example).

    .venv/bin/python bench/gallery.py                      # every example: about half an hour
    .venv/bin/python bench/gallery.py --examples poisson1d,biharmonic1d --docs /tmp/g --runs /tmp/r
    .venv/bin/python bench/gallery.py --runs runs/gallery --reuse   # solve only what is missing

A run folder that already holds summary.json is solved again unless --reuse is given.
The page holds only the examples solved: --examples without --docs rewrites
docs/gallery.md with those alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The table's order, as the page has had it; examples not listed here come after, by name.
ORDER = [
    "laplace", "heat", "poisson1d", "poisson1d_robin", "biharmonic1d", "allen_cahn",
    "burgers_steady", "oscillator", "wave", "advection_diffusion", "helmholtz",
    "variable_coefficient", "poisson2d_neumann", "nonlinear_poisson", "system",
    "reaction_diffusion", "poisson3d", "heat2d", "laplace5d",
    "poisson_disk", "poisson_annulus", "poisson_polygon", "laplace_lshape",
    "laplace_plate_holes", "heat_disk",
]
FAILED = 1e-5  # an example fails when some unknown's relative L2 error is above this...
# ...or above its own target where its solution is not smooth (what a tanh network can reach)
TARGETS = {"laplace_lshape": (1e-3, "the r^(2/3) singularity at the re-entrant corner"),
           "poisson1d_kink": (1e-4, "the kink where the source jumps")}
GRACE = 300  # seconds a stopped run may take to finish its step and write its folder


def examples(selected: str | None = None) -> list[str]:
    """The example names in table order: every forward problem of examples/*.pde (the
    inverse ones, with `fit`, are bench/inverse.py's), or the comma-separated selection."""
    found = {p.stem for p in (ROOT / "examples").glob("*.pde") if not is_inverse(p)}
    names = [n.strip() for n in selected.split(",") if n.strip()] if selected else sorted(found)
    unknown = [n for n in names if n not in found]
    if unknown:
        sys.exit(f"gallery: no examples/{unknown[0]}.pde")
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def is_inverse(path: Path) -> bool:
    """Whether a problem file fits constants (an inverse problem)."""
    from pdedsl import parse_file

    return bool(parse_file(path).fitted)


# ------------------------------------------------------------------ solving
def solve(name: str, folder: Path, limit: float) -> int:
    """`pdedsl solve` one example into `folder`, sent SIGINT after `limit` s; its exit status."""
    pdedsl = Path(sys.executable).with_name("pdedsl")
    command = [str(pdedsl)] if pdedsl.exists() else [sys.executable, "-m", "pdedsl"]
    command += ["solve", f"examples/{name}.pde", "--out", str(folder), "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        return process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)  # as Ctrl-C: stop after this step, write the folder
    try:
        return process.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def collect(name: str, folder: Path, docs: Path) -> dict | None:
    """What the page says about one run, its figures copied into DOCS/img; None without a run."""
    path = folder / "summary.json"
    if not path.exists():
        return None
    summary = json.loads(path.read_text())
    figures = []
    for unknown in summary["unknowns"]:
        figures.append(_copy(folder / f"solution_{unknown}.png", docs, name, f"solution_{unknown}",
                             f"{name}, {unknown}: trained, exact, error"))
    figures.append(_copy(folder / "training.png", docs, name, "training", f"{name}, training curves"))
    if (folder / "points.png").exists():  # a problem on a 2D region
        figures.append(_copy(folder / "points.png", docs, name, "points",
                             f"{name}, collocation points and normals"))
    return {
        "errors": summary.get("l2_relative_error") or {},
        "estimate": summary.get("error_estimate") or {},
        "steps": summary["steps"],
        "training_seconds": summary["seconds"],
        "compile_seconds": summary["compile_seconds"],
        "status": summary["status"],
        "reason": summary["reason"],
        "seed": summary["config"]["seed"],
        "config": summary["config"],
        "figures": [f for f in figures if f],
    }


def _copy(source: Path, docs: Path, name: str, what: str, caption: str) -> tuple[str, str] | None:
    """Copy one figure to DOCS/img/gallery-NAME-WHAT.png; (caption, link) or None if missing."""
    if not source.exists():
        return None
    (docs / "img").mkdir(parents=True, exist_ok=True)
    target = f"img/gallery-{name}-{what}.png"
    shutil.copyfile(source, docs / target)
    return caption, target


# ------------------------------------------------------------------ the page
def defaults() -> str:
    """The defaults as the intro states them, read from the solver registry and model defaults."""
    from pdedsl.geometry import default_method
    from pdedsl.language.settings import MODELS, RCOND_1D, SOLVERS, default_network
    from pdedsl.language.settings import defaults as default_settings
    from pdedsl.solvers.anagram import STALL_ETA

    solver, model = default_settings(SOLVERS["anagram"]), default_settings(MODELS["mlp"])
    cut = "a fixed cut" if solver["cut"] == "fixed" else f"the {solver['cut']} cut"
    text = f"ANaGRAM with {cut} at rcond {_g(solver['rcond'])} ({_g(RCOND_1D)} in 1D)"
    if solver.get("damping", "none") != "none":
        text += f" and {solver['damping']} damping"
    if solver.get("order", 1) > 1:
        text += f", a path of order {solver['order']} (each step bent by the residuals' derivatives along it)"
    if solver.get("stall_steps"):
        text += (f", and the stall detector, which searches the cut after {solver['stall_steps']} "
                 f"steps in a row with η < {_fraction(STALL_ETA)}")
    small, large = default_network(1), default_network(6)
    change = next(d for d in range(1, 7) if default_network(d) == large)
    text += (f"; at most {solver['steps']} steps, stopping after {solver['patience']} steps in a "
             f"row in which the loss fell by less than 1e-4 of itself (once it is a millionth of "
             f"its start); a {model['activation']} network of {small['depth']} hidden layers of "
             f"{small['width']} up to {change - 1} variables, {large['depth']} of {large['width']} "
             f"beyond ({model['init']} initialisation, {model['dtype']})")
    methods = [default_method(d) for d in range(1, 7)]
    change = next((d for d in range(1, 6) if methods[d] != methods[0]), None)
    where = "" if change is None else f" up to {change} variables, {methods[change]} beyond"
    return text + f"; collocation points sized by the dimension ({methods[0]}{where}); seed 0"


def own_settings(names: list[str]) -> str:
    """Which examples state settings of their own, and which: '`heat` states its network ...'."""
    from pdedsl.language import parse_file

    parts = []
    for name in names:
        settings = parse_file(ROOT / "examples" / f"{name}.pde").settings
        stated = [what for what, given in (
            ("solver settings", settings.solver or settings.solver_options),
            ("network", settings.model), ("points", settings.sample),
            ("seed", settings.seed is not None)) if given]
        if stated:
            listed = ", ".join(stated[:-1]) + " and " + stated[-1] if len(stated) > 1 else stated[0]
            parts.append(f"`{name}` states its own {listed}")
    return "; ".join(parts)


def intro(names: list[str], loads: tuple[float, float], limit: float, reused: int) -> str:
    """The paragraphs above the table."""
    own = own_settings(names)
    cores = os.cpu_count() or 1
    paragraphs = [
        "# Gallery",
        "Every problem in `examples/`, solved with pdedsl's defaults"
        + (f" unless the file's own settings say otherwise ({own}). " if own else ". ")
        + f"The defaults ([Solvers and settings](solvers.md)): {defaults()}. "
        "Each entry gives the settings the run used. Each was run by",
        "```bash\npdedsl solve examples/poisson1d.pde --out runs/poisson1d\n```",
        "(with its own name), and the figures are the run folder's `solution_<unknown>.png` "
        "(the trained field, the exact one and the error) and `training.png` (loss and error "
        "against steps and seconds). The error is the relative L2 error against the file's "
        "`exact` solution on 4096 random points that were not used for training; a file without "
        "`exact` shows the run's own error estimate ([Troubleshooting](troubleshooting.md#the-error-estimate)) "
        "instead. The page is "
        "written by `bench/gallery.py`; rerun it after the defaults change.",
        f"The times were measured on a {cores}-core machine, one example after the other, with a "
        f"load average of {loads[0]:.1f} when the runs began and {loads[1]:.1f} when they ended "
        f"(a load above {cores} means other jobs shared the cores, and the times are upper bounds)."
        + (f" {reused} of the runs were reused from an earlier invocation, whose load is not "
           "known." if reused else "")
        + f" Each run was allowed at most {_duration(limit)}, after which it was stopped as "
        "Ctrl-C stops it (status *interrupted*). Run-to-run and seed-to-seed spread is measured "
        "by `bench/robustness.py` ([Solvers and settings](solvers.md)).",
    ]
    return "\n\n".join(p if p.startswith(("#", "`")) else textwrap.fill(p, 88, break_on_hyphens=False)
                       for p in paragraphs) + "\n"


def failures(entries: dict) -> str:
    """The sentence naming the examples whose error is above their target (FAILED, or
    TARGETS for the solutions that are not smooth), and the targets that are not FAILED."""
    def target(name):
        return TARGETS.get(name, (FAILED, ""))[0]

    failed = [name for name, e in entries.items()
              if any(v is None or v > target(name) for v in e["errors"].values())]
    own = [f"`{n}` {_e(_worst(entries[n]['errors']))} (target {f'{TARGETS[n][0]:.0e}'.replace('e-0', 'e-')}: "
           f"{TARGETS[n][1]})" for n in entries if n in TARGETS]
    exceptions = f", except the solutions that are not smooth: {', '.join(own)}" if own else ""
    if not failed:
        return (f"All {len(entries)} examples reach a relative L2 error of {_g(FAILED)} or "
                f"less{exceptions}.\n")
    listed = ", ".join(f"`{n}` ({_e(_worst(entries[n]['errors']))}, {entries[n]['status']} after "
                       f"{_steps(entries[n]['steps'])})" for n in failed)
    count = f"{len(failed)} of the {len(entries)} examples fail" if len(failed) > 1 else \
        f"1 of the {len(entries)} examples fails"
    return (f"{count} with these defaults (relative L2 error above {_g(FAILED)}, or above its "
            f"own target{exceptions}): {listed}.\n")


def table(entries: dict) -> str:
    rows = ["| example | relative L2 error | steps | training s | ended |", "|---|---|---|---|---|"]
    for name, e in entries.items():
        error = _e(_worst(e["errors"])) if e["errors"] else _estimated(e)
        rows.append(f"| [{name}](#{name}) | {error} | {e['steps']} | "
                    f"{e['training_seconds']:.0f} | {e['status']} |")
    return "\n".join(rows) + "\n"


def section(name: str, entry: dict) -> str:
    """One example: its comment, its statements, the result sentence, the figures."""
    comment, body = split_comment((ROOT / "examples" / f"{name}.pde").read_text(), name)
    errors = ", ".join(f"{u} {_e(v)}" for u, v in entry["errors"].items()) or \
        f"n/a (no exact solution; {_estimated(entry)})"
    result = (f"Relative L2 error **{errors}** after {_steps(entry['steps'])}: "
              f"{entry['training_seconds']:.0f} s of training and {entry['compile_seconds']:.0f} s "
              f"of compilation ({entry['status']}: {entry['reason']}). "
              f"Settings: {settings(entry['config'])}.")
    figures = "\n\n".join(f"![{caption}]({link})" for caption, link in entry["figures"])
    return f"## {name}\n\n{comment}\n\n```pde\n{body}\n```\n\n{result}\n\n{figures}\n"


def split_comment(text: str, name: str) -> tuple[str, str]:
    """The file's leading `#` lines joined (less the 'NAME.pde:' prefix), and the rest."""
    lines = text.splitlines()
    k = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    comment = " ".join(line[1:].strip() for line in lines[:k])
    prefix = f"{name}.pde:"
    comment = comment[len(prefix):].strip() if comment.startswith(prefix) else comment
    return comment, "\n".join(lines[k:]).strip()


def settings(config: dict) -> str:
    """'anagram (rcond 1e-8, cut fixed, stall_steps 3, order 3), mlp width 32 depth 2 tanh, ...'."""
    options, model, sample = config["solver_options"], config["model"], config["sample"]
    shown = [f"{k} {_g(options[k])}" for k in ("rcond", "cut", "stall_steps", "damping", "order", "lr", "memory")
             if k in options and options[k] != "none"]
    solver = f"{config['solver']} ({', '.join(shown)})" if shown else config["solver"]
    return (f"{solver}, mlp width {model['width']} depth {model['depth']} {model['activation']} "
            f"({model.get('init', 'normal')} init{_constraint(model)}), {sample['interior']} interior and "
            f"{sample['boundary']} boundary points ({sample['method']})")


def _constraint(model: dict) -> str:
    kind = model.get("constraint", "none")
    return "" if kind == "none" else f", conditions built in: constraint {kind}"


def write_page(docs: Path, entries: dict, loads: tuple[float, float], limit: float,
               reused: int = 0) -> None:
    """DOCS/gallery.md (the page) and DOCS/gallery.json (what it states)."""
    parts = [intro(list(entries), loads, limit, reused), failures(entries), table(entries)]
    parts += [section(name, entry) for name, entry in entries.items()]
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "gallery.md").write_text("\n".join(parts).rstrip("\n") + "\n")
    keys = ("errors", "estimate", "steps", "training_seconds", "compile_seconds", "status", "reason", "seed")
    stated = {name: {k: e[k] for k in keys} for name, e in entries.items()}
    (docs / "gallery.json").write_text(json.dumps(stated, indent=1) + "\n")


# ------------------------------------------------------------------ helpers
def _worst(errors: dict) -> float | None:
    """The largest error over the unknowns; None if one is unknown (not finite) or none."""
    values = list(errors.values())
    return None if not values or None in values else max(values)


def _estimated(entry: dict) -> str:
    """'estimated 2.2e-04': the run's own error estimate, for an example without `exact`."""
    estimate = entry.get("estimate") or {}
    return f"estimated {_e(_worst(estimate))}" if estimate else "n/a"


def _steps(n: int) -> str:
    return "1 step" if n == 1 else f"{n} steps"


def _e(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1e}"


def _g(value) -> str:
    """1e-08 -> 1e-8; strings as they are."""
    return f"{value:g}".replace("e-0", "e-").replace("e+0", "e+") if isinstance(value, float) else str(value)


def _fraction(value: float) -> str:
    return f"1/{round(1 / value)}" if value < 1 and (1 / value).is_integer() else _g(value)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 120 else f"{seconds:g} seconds"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", help="comma-separated names (default: every examples/*.pde)")
    parser.add_argument("--runs", help="folder of the run folders (default: a temporary folder)")
    parser.add_argument("--docs", default=str(ROOT / "docs"),
                        help="where gallery.md, gallery.json and img/ go (default: docs/)")
    parser.add_argument("--limit", type=float, default=900, help="seconds per example (default 900)")
    parser.add_argument("--reuse", action="store_true", help="keep runs whose summary.json exists")
    args = parser.parse_args(argv)
    names = examples(args.examples)
    runs = Path(args.runs or tempfile.mkdtemp(prefix="gallery-runs-")).resolve()
    docs = Path(args.docs)
    start, reused, entries = os.getloadavg()[0], 0, {}
    print(f"{'example':22} {'error':>8} {'steps':>6} {'train s':>8} {'compile s':>9} {'wall s':>7}  ended",
          flush=True)
    for name in names:
        folder, began = runs / name, time.perf_counter()
        if args.reuse and (folder / "summary.json").exists():
            reused += 1
        else:
            shutil.rmtree(folder, ignore_errors=True)
            solve(name, folder, args.limit)
        entry = collect(name, folder, docs)
        wall = time.perf_counter() - began
        if entry is None:
            print(f"{name:22} no run folder written (see the output above); left out", flush=True)
            continue
        entries[name] = entry
        print(f"{name:22} {_e(_worst(entry['errors'])):>8} {entry['steps']:>6} "
              f"{entry['training_seconds']:>8.1f} {entry['compile_seconds']:>9.1f} {wall:>7.1f}  "
              f"{entry['status']}", flush=True)
    write_page(docs, entries, (start, os.getloadavg()[0]), args.limit, reused)
    print(f"wrote {docs / 'gallery.md'}, {docs / 'gallery.json'} and {docs / 'img'}; runs in {runs}")
    return 0 if len(entries) == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
