"""Regenerate the first solve of docs/getting-started.md and README.md.

Runs `pdedsl solve examples/poisson1d.pde --out runs/poisson1d` in the folder RUNS as a
reader would (not on a terminal, so the progress comes as plain lines), copies its two figures to
DOCS/img/start-training.png and start-solution_u.png, and writes DOCS/start.json: the
command, its output and the run's summary.json, which the pages quote.

    .venv/bin/python bench/start.py            # under a minute on 2 cores
    .venv/bin/python bench/start.py --docs /tmp/d --runs /tmp/r
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = {"training.png": "start-training.png", "solution_u.png": "start-solution_u.png"}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "start")
    args = parser.parse_args(argv)
    shutil.rmtree(args.runs, ignore_errors=True)
    (args.runs / "examples").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "poisson1d.pde", args.runs / "examples")
    command = ["pdedsl", "solve", "examples/poisson1d.pde", "--out", "runs/poisson1d"]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "pdedsl", *command[1:]], cwd=args.runs,
                          capture_output=True, text=True, check=True, env=environment)
    folder = args.runs / "runs" / "poisson1d"
    (args.docs / "img").mkdir(parents=True, exist_ok=True)
    for name, target in FIGURES.items():
        shutil.copyfile(folder / name, args.docs / "img" / target)
    stated = {"date": time.strftime("%Y-%m-%d"), "command": " ".join(command),
              "output": done.stdout,
              "summary": json.loads((folder / "summary.json").read_text())}
    (args.docs / "start.json").write_text(json.dumps(stated, indent=1) + "\n")
    print(stated["output"])


if __name__ == "__main__":
    main()
