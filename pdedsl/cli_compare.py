"""`pdedsl compare`: several solvers on one problem, each a full run folder, then one
figure and one table of them all."""

from __future__ import annotations

import sys
from pathlib import Path

from .cli import INTERRUPTED, _add_run_options, _overrides, _problem, _train_and_write, _writable
from .language import PdeError

EXIT = {"interrupted": INTERRUPTED, "error": 2}  # the other statuses: 0


def add_compare(commands) -> None:
    compare = commands.add_parser(
        "compare", help="run several solvers on one problem; one figure and one table",
        description="Run each solver on FILE (each in DIR/<solver>, a full run folder), then draw "
        "them on one figure against step and against seconds (DIR/comparison.png) with a table "
        "(DIR/comparison.json).",
    )
    compare.add_argument("file", help="the .pde file")
    compare.add_argument("--solvers", help="comma-separated solver names (default: every available one)")
    compare.add_argument("--out", metavar="DIR", help="the folder (default: runs/<file>-compare-<time>)")
    _add_run_options(compare)
    compare.set_defaults(run=run_compare)


def run_compare(args) -> int:
    import json

    from . import run
    from .progress import comparison_table
    from .solvers import REGISTRY

    problem = _problem(args)
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()] if args.solvers else list(REGISTRY)
    if not solvers:
        raise PdeError("--solvers names no solver", filename="pdedsl")
    twice = sorted({name for name in solvers if solvers.count(name) > 1})
    if twice:  # each solver has one folder, one curve and one colour: a second run overwrites
        raise PdeError(f"--solvers names {', '.join(twice)} more than once: each solver runs "
                       "once, into its own folder", filename="pdedsl")
    for name in solvers:
        run.check_solver(name)
    overrides = _overrides(args)
    folder = Path(args.out) if args.out else run.default_folder(Path(args.file).stem + "-compare.pde")
    _writable(folder)
    rows, histories, status = [], {}, "max_steps"
    for name in solvers:
        given = {**_for_solver(overrides, name), "solver": name}
        train = lambda callback, on_start: run.solve(problem, given, callback, on_start)
        status, ran = _one_solver(train, folder / name, name, args, kept=bool(rows))
        if not ran:
            break
        rows.append(run.read_summary(folder / name))
        histories[name] = run.read_history(folder / name / run.HISTORY)
        if status == "interrupted":
            break
    title = f"{Path(args.file).name}: " + ", ".join(histories)
    (folder / "comparison.json").write_text(json.dumps(rows, indent=1) + "\n")
    if not args.no_plots:
        from .plots import plot_comparison

        plot_comparison(histories, title, folder / "comparison.png")
    if args.quiet:
        print(folder)
    else:
        comparison_table(rows, title)
        print(folder)
    return EXIT.get(status, 0)


def _one_solver(train, folder: Path, name: str, args, kept: bool) -> tuple[str, bool]:
    """One solver's run into `folder`: (its status, whether it ran). When solvers before it
    are `kept`, Ctrl-C while it compiles, or a setting only it refuses (devices = 2), ends
    the comparison with them instead of losing them."""
    try:
        return _train_and_write(train, folder, args.file, args, table=False,
                                title=f"{Path(args.file).name} [{name}]"), True
    except KeyboardInterrupt:
        if not kept:
            raise
        print(f"pdedsl: interrupted during {name}; the comparison has the solvers before it",
              file=sys.stderr)
        return "interrupted", False
    except PdeError as error:
        if not kept:
            raise
        print(f"{error}\npdedsl: {name} did not run; the comparison has the solvers before it",
              file=sys.stderr)
        return "error", False


def _for_solver(overrides: dict, solver: str) -> dict:
    """The overrides that concern `solver`: `--set rcond=...` goes to the solvers that
    have an rcond, and not to Adam; every other name goes to all (and is checked there)."""
    from .language.settings import SOLVERS

    solver_settings = {name for options in SOLVERS.values() for name in options}
    return {k: v for k, v in overrides.items() if k not in solver_settings or k in SOLVERS[solver]}
