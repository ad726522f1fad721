"""The floor rule's patience: where each example would stop with another `patience`.

    .venv/bin/python bench/patience.py [--examples laplace,heat] [--patience 3] [--seeds 1]
    .venv/bin/python bench/patience.py --replay bench/recorded/patience-runs.json --patience 3

Each example is solved once with the defaults (the file's own settings kept). Its losses
step by step are recorded and fed to a second set of stop rules that differ only in
`patience`; the step where those would have stopped the run, and the error there,
are read off the same run. A training run is deterministic, so this is the run the other
patience gives, up to the step where it stops (a run that stops later than the defaults
is not replayed: its row says so). Only the first piece of a run is replayed: a run the
defaults go on to refine on more points, or an inverse problem's first `hold` steps, is
compared up to there. Writes
OUT/patience-runs.json (each run with its losses and errors step by step) and
OUT/patience.md. `--replay RUNS` reads such a file instead of running anything and
applies today's stop rules with `--patience` to its losses: the runs of one version of
the rules replayed under another.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "recorded"
KEPT = ("step", "loss", "seconds", "eta")  # of each history row, with the errors


def replay(path: Path, patience: int, seed: int) -> dict:
    """One defaults run of `path` and where stop rules with `patience` would have ended it."""
    from pdedsl.api import prepare

    prepared = prepare(path, seed=seed)
    rows, starts = [], []
    # an inverse problem trains its fields alone for `hold` steps, then starts its stop
    # rules anew with the constants free; a refined run starts them anew on more points
    hold = prepared.config.solver_options["hold"] if prepared.problem.fitted else math.inf
    solution = prepared.train(callback=rows.append,
                              on_start=lambda *_: starts.append(len(rows)))
    pieces = [*starts[1:], *([hold] if hold < len(rows) else [])]
    record = {"example": path.stem, "seed": seed, "steps": solution.steps,
              "error": max(_errors(rows[-1]), default=math.nan), "status": solution.status,
              "seconds": solution.seconds, "reason": solution.reason,
              "pieces": 1 + len(pieces), "first_piece": min(pieces, default=len(rows)),
              "initial_loss": float(prepared.ls.loss(prepared.theta)),
              "history": [{k: v for k, v in r.items() if k in KEPT or k.startswith("l2_")}
                          for r in rows]}
    return replayed(record, patience)


def _errors(row: dict) -> list[float]:
    return [v for k, v in row.items() if k.startswith("l2_")]


def with_stop(record: dict, stop: tuple | None) -> dict:
    """The record with where the other stop rules ended it (if they did, no later)."""
    if stop is not None and stop[0] <= record["steps"]:
        step, error, reason = stop
        seconds = next(r["seconds"] for r in record["history"] if r["step"] == step)
        record.update(other_steps=step, other_error=error, other_seconds=seconds,
                      other_reason=reason)
    return record


def replayed(record: dict, patience: int) -> dict:
    """A recorded run with today's stop rules at `patience` applied to its losses (its
    first piece only, as `replay` does)."""
    from pdedsl.train import StopRules

    shadow = StopRules(steps=10**9, tol=0.0, patience=patience, seconds=math.inf)
    shadow.start(record["initial_loss"])
    stop = None
    for row in record["history"][:record.get("first_piece", len(record["history"]))]:
        errors = _errors(row)
        if (ending := shadow.check(row["loss"], 0.0, errors)) is not None:
            stop = (row["step"], max(errors, default=math.nan), ending[1])
            break
    record = {k: v for k, v in record.items() if not k.startswith("other_")}
    return with_stop(record, stop)


def markdown(records: list[dict], patience: int, default: int, intro: str) -> str:
    lines = [intro, "", f"A dash: the rules with `patience` = {patience} do not end the run "
             f"by the step where those with {default} did.", "",
             f"| example | seed | steps ({default}) | error ({default}) | steps ({patience}) | "
             f"error ({patience}) | error ratio | training s saved |",
             "|---|---|---|---|---|---|---|---|"]
    for r in records:
        if "other_steps" in r:
            ratio = r["other_error"] / r["error"] if r["error"] > 0 else math.nan
            other = (f"{r['other_steps']} | {r['other_error']:.2e} | {ratio:.2f} | "
                     f"{r['seconds'] - r['other_seconds']:.1f}")
        else:
            other = "— | — | — | —"
        lines.append(f"| {r['example']} | {r['seed']} | {r['steps']} | {r['error']:.2e} | {other} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> list[dict]:
    from pdedsl.language.settings import SOLVERS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", help="comma-separated names (default: every example)")
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--replay", type=Path, help="a patience-runs.json to replay, not run")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.replay:
        recorded = json.loads(args.replay.read_text())
        records = [replayed(r, args.patience) for r in recorded["runs"]]
        default, intro = recorded["patience"], (
            f"The runs of {args.replay.name} (made with `patience` = {recorded['patience']} at "
            f"{recorded['version']}) and where today's stop rules with `patience` = "
            f"{args.patience} end them, replayed on their losses (bench/patience.py --replay).")
    else:
        default = SOLVERS["anagram"]["patience"].default
        records = runs(args)
        intro = (f"Each example solved once with the defaults (`patience` = {default}); the "
                 f"stop rules with `patience` = {args.patience} replayed on the same run's "
                 f"losses (bench/patience.py). Load average at the end: "
                 f"{os.getloadavg()[0]:.1f}.")
        (args.out / "patience-runs.json").write_text(json.dumps(
            {"patience": default, "version": version(), "runs": records}) + "\n")
    (args.out / "patience.md").write_text(markdown(records, args.patience, default, intro))
    print(markdown(records, args.patience, default, intro))
    return records


def runs(args) -> list[dict]:
    names = args.examples.split(",") if args.examples else sorted(
        p.stem for p in (ROOT / "examples").glob("*.pde"))
    records = []
    for name in names:
        for seed in range(args.seeds):
            records.append(replay(ROOT / "examples" / f"{name}.pde", args.patience, seed))
            print(json.dumps({k: v for k, v in records[-1].items() if k != "history"}), flush=True)
    return records


def version() -> str:
    import subprocess

    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
