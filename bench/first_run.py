"""The first impression: `pdedsl solve FILE` wall time, cold and warm, against another version.

    .venv/bin/python bench/first_run.py [--ref REV [--ref-python PATH]] [--file examples/laplace.pde]
                                        [--repeats 3]

Each repeat runs the command once with an empty compile cache (cold) and once more with
the cache that run left (warm), for this checkout and for `--ref` (checked out into a
temporary git worktree), alternating, so both see the same machine load. Wall time is
from the command's start to its exit, figures included; CPU time is the command's own (user
and system), steadier than wall time on a shared machine; the run folder's summary gives
the error, steps, compile and training seconds. `--ref-python` runs the
other version with another interpreter: a virtual environment holding the libraries that
version installs, where they differ (its dependency pins). Medians and the ratios are printed as a
table and written to bench/recorded/first_run.json (and .md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "recorded"


def run_once(checkout: Path, python: str, file: str, cache: Path, out: Path) -> dict:
    """One `pdedsl solve` in a fresh interpreter of `checkout`; its wall time and summary."""
    env = {**os.environ, "PDEDSL_JAX_CACHE": str(cache), "PYTHONPATH": str(checkout)}
    command = [python, "-m", "pdedsl", "solve", str(ROOT / file), "--out", str(out), "--quiet"]
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{checkout}: {done.stderr[-2000:]}")
    summary = json.loads((out / "summary.json").read_text())
    return {"wall": wall, "cpu": cpu, "load": os.getloadavg()[0], "steps": summary["steps"], "error": max(summary["l2_relative_error"].values()),
            "compile": summary["compile_seconds"], "training": summary["seconds"]}


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes: on a shared machine
    they vary far less with the other processes' load than wall time does."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(checkouts: dict[str, tuple[Path, str]], file: str,
            repeats: int) -> dict[str, dict[str, list]]:
    results = {name: {"cold": [], "warm": []} for name in checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        for k in range(repeats):
            for name, (checkout, python) in checkouts.items():
                cache = Path(scratch) / f"cache-{name}-{k}"
                for kind in ("cold", "warm"):
                    row = run_once(checkout, python, file, cache, Path(scratch) / f"{name}-{k}-{kind}")
                    results[name][kind].append(row)
                    print(f"{name:>8} {kind}: {row['wall']:.1f} s wall, {row['cpu']:.1f} s CPU, "
                          f"load {row['load']:.1f}, {row['steps']} steps, "
                          f"error {row['error']:.2e}", flush=True)
    return results


def libraries(python: str) -> str:
    """The versions of the libraries whose import the first run waits for."""
    code = "import jax, ml_dtypes; print(f'jax {jax.__version__}, ml_dtypes {ml_dtypes.__version__}')"
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def table(results: dict, file: str, versions: dict[str, str]) -> str:
    lines = [f"`pdedsl solve {file}`, medians over repeats; "
             + "; ".join(f"{name}: {text}" for name, text in versions.items()), "",
             "| version | cold wall (s) | warm wall (s) | cold CPU (s) | warm CPU (s) | compile cold (s) "
             "| training (s) | steps | error |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, runs in results.items():
        med = lambda kind, key: statistics.median(r[key] for r in runs[kind])  # noqa: E731
        lines.append(f"| {name} | {med('cold', 'wall'):.1f} | {med('warm', 'wall'):.1f} | "
                     f"{med('cold', 'cpu'):.1f} | {med('warm', 'cpu'):.1f} | "
                     f"{med('cold', 'compile'):.1f} | {med('cold', 'training'):.1f} | "
                     f"{med('cold', 'steps'):.0f} | {med('cold', 'error'):.2e} |")
    names = list(results)
    if len(names) == 2:
        ratio = [statistics.median(r["wall"] for r in results[names[0]][k])
                 / statistics.median(r["wall"] for r in results[names[1]][k]) for k in ("cold", "warm")]
        cpu = [statistics.median(r["cpu"] for r in results[names[0]][k])
               / statistics.median(r["cpu"] for r in results[names[1]][k]) for k in ("cold", "warm")]
        load = statistics.median(r["load"] for runs in results.values() for k in runs for r in runs[k])
        lines += ["", f"{names[0]} / {names[1]}: wall cold {ratio[0]:.2f}, warm {ratio[1]:.2f}; "
                  f"CPU cold {cpu[0]:.2f}, warm {cpu[1]:.2f} (median load average {load:.1f} "
                  f"on {os.cpu_count()} cores)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="a git revision to compare with (e.g. HEAD~5)")
    parser.add_argument("--ref-python", default=sys.executable,
                        help="the interpreter for --ref (default: this one)")
    parser.add_argument("--file", default="examples/laplace.pde")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    checkouts = {"this": (ROOT, sys.executable)}
    worktree = None
    if args.ref:
        worktree = Path(tempfile.mkdtemp()) / "ref"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.ref],
                       cwd=ROOT, check=True, capture_output=True)
        checkouts[args.ref] = (worktree, args.ref_python)
    try:
        results = measure(checkouts, args.file, args.repeats)
    finally:
        if worktree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT)
    versions = {name: libraries(python) for name, (_, python) in checkouts.items()}
    text = table(results, args.file, versions)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    record = {"file": args.file, "ref": args.ref, "libraries": versions, "date": time.strftime("%Y-%m-%d"),
              "machine": f"{os.cpu_count()} cores", "results": results}
    (OUT / "first_run.json").write_text(json.dumps(record, indent=1) + "\n")
    (OUT / "first_run.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
