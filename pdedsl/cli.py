"""The `pdedsl` command. One function per subcommand; `main` only dispatches.

Each subcommand imports what it needs inside its own function, so that
`pdedsl check` never imports JAX and answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from . import __version__, runtime
from .language import PdeError

# Exit statuses: 0 converged or ran its steps, 1 diverged, 2 an input error, 130 Ctrl-C.
EXIT = {"converged": 0, "max_steps": 0, "diverged": 1, "interrupted": 130}
INTERRUPTED = 130


def command() -> None:
    """`pdedsl` and `python -m pdedsl`: `main`, then the process ends once all is written,
    without taking JAX's compiled programs apart one by one (0.47 s after a solve)."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 an error in the input)."""
    parser = argparse.ArgumentParser(
        prog="pdedsl", description="Write a PDE in a small language; get a PINN trained by ANaGRAM."
    )
    parser.add_argument("--version", action="version", version=f"pdedsl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from .cli_compare import add_compare  # it uses this module's run helpers
    add_check(commands)
    add_solve(commands)
    add_plot(commands)
    add_compare(commands)
    add_analyze(commands)
    args = parser.parse_args(argv)
    runtime.limit_loaded_blas_threads()  # this process is ours: NumPy's OpenBLAS too
    try:
        return args.run(args)
    except PdeError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before training started: nothing was written
        print("pdedsl: interrupted", file=sys.stderr)
        return INTERRUPTED
    except Exception as error:  # XLA's out of memory past the check of the settings
        if "RESOURCE_EXHAUSTED" not in str(error):
            raise
        print(f"pdedsl: out of memory ({str(error).splitlines()[0]}): use a smaller network "
              "or fewer points", file=sys.stderr)
        return 1


# ------------------------------------------------------------------------- check
def add_check(commands) -> None:
    check = commands.add_parser(
        "check", help="parse and check a .pde file, print the problem it states"
    )
    check.add_argument("file", help="the .pde file")
    check.add_argument("--latex", action="store_true", help="print LaTeX instead of Unicode")
    check.add_argument("--strict", action="store_true",
                       help="treat warnings as errors (exit status 2)")
    check.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="check with a constant or a setting overridden, as solve would run it")
    check.set_defaults(run=run_check)


def run_check(args) -> int:
    """Print the problem, then the warnings (an exact solution that does not satisfy
    the equations, a missing initial condition, ...) to stderr; with --strict a
    warning is an error and nothing is printed but the errors. With --set, the
    overrides are checked (and constants put in) as `solve` would."""
    from .language import parse_file, verify
    from .language.show import show

    problem = parse_file(args.file)
    if args.set:
        problem = _configured(problem, _overrides(args))
    warnings = verify(problem)
    if args.strict and warnings:
        for warning in warnings:
            print(warning.as_error(), file=sys.stderr)
        return 2
    unicode = _can_print_unicode(sys.stdout)
    try:
        print(show(problem, latex=args.latex, unicode=unicode), flush=True)
    except BrokenPipeError:  # `pdedsl check f | head`: the reader left early; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for warning in warnings:
        print(warning, file=sys.stderr)
    return 0


def _configured(problem, overrides: dict):
    """The problem as `solve` would run it with `overrides`: constants put in, and the
    settings shown with the overridden ones changed (the others as the file wrote them)."""
    import dataclasses

    from .config import configure

    problem, config = configure(problem, overrides)
    s = problem.settings
    solver = config.solver if "solver" in overrides else s.solver
    tables = [dict(s.solver_options) if solver == s.solver else {}, dict(s.model), dict(s.sample)]
    for table, chosen in zip(tables, (config.solver_options, config.model, config.sample)):
        table.update({name: chosen[name] for name in overrides if name in chosen})
    solver = solver or (config.solver if tables[0] else None)
    seed = config.seed if "seed" in overrides else s.seed
    return dataclasses.replace(problem, settings=dataclasses.replace(
        s, solver=solver, solver_options=tables[0], model=tables[1], sample=tables[2], seed=seed))


def _can_print_unicode(stream) -> bool:
    try:
        "∂∈ₙ²".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# ------------------------------------------------------------------------- solve
def add_solve(commands) -> None:
    solve = commands.add_parser(
        "solve", help="train a PINN on a .pde problem; write a run folder",
        description="Train a PINN on FILE and write a run folder (summary.json, history.csv, "
        "checkpoint, figures). Exit status: 0 converged or ran its steps, 1 diverged, "
        "2 an error in the input, 130 interrupted (Ctrl-C stops after the current step "
        "and still writes the folder).",
    )
    solve.add_argument("file", nargs="?", help="the .pde file (optional with --resume)")
    _add_run_options(solve)
    solve.add_argument("--solver", help="anagram, engd, adam, lbfgs, ... (default: the file's, else anagram)")
    solve.add_argument("--out", metavar="DIR", help="the run folder (default: runs/<file>-<time>)")
    solve.add_argument("--resume", metavar="DIR",
                       help="continue the run in DIR from its checkpoint (--steps N: N more steps); "
                       "writes into DIR unless --out is given")
    solve.add_argument("--analyze", action="store_true",
                       help="also draw the NTK, NNTK, Green's function and spectrum figures")
    solve.add_argument("--devices", type=int, metavar="N",
                       help="spread the collocation points over N devices (the setting "
                       "`devices`; on a CPU, N host devices are made for this run)")
    solve.set_defaults(run=run_solve)


def _add_run_options(parser) -> None:
    parser.add_argument("--steps", type=int, metavar="N", help="the most training steps")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a constant or a setting, e.g. --set kappa=0.1 --set rcond=1e-8")
    parser.add_argument("--seed", type=int, help="seed of initialisation and sampling")
    parser.add_argument("--data", action="append", default=[], metavar="CSV",
                        help="measurements in place of the file's data statements (a path "
                        "relative to the working directory; repeat for several files)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress and no table; print only the run folder")
    parser.add_argument("--no-plots", action="store_true", help="write no figures")


def run_solve(args) -> int:
    if args.devices is not None:
        _host_devices(args.devices)  # before JAX starts
    overrides = _overrides(args)
    if not args.resume:
        if args.file is None:  # (an empty path: parse_file says so)
            raise PdeError("give a .pde file to solve (or --resume DIR)", filename="pdedsl")
        problem = _problem(args)  # input errors before JAX
        if args.devices is None:
            _setting_devices(problem, overrides)

    from . import run

    if args.resume:
        file = run.resumed_file(_run_folder(args.resume), args.file)
        if args.data:
            raise PdeError("--data cannot change the measurements of a run being resumed",
                           filename="pdedsl")
        folder = Path(args.out or args.resume)
        train = lambda callback, on_start: run.resume(args.resume, overrides, callback, on_start)
    else:
        file = args.file
        folder = Path(args.out) if args.out else run.default_folder(args.file)
        train = lambda callback, on_start: run.solve(problem, overrides, callback, on_start)
    _writable(folder)
    status = _train_and_write(train, folder, file, args)
    return EXIT[status]


def _writable(folder) -> None:
    """Say before training, not after it, that the run folder cannot be written: a file is
    in its place or in its path, or the place is read-only."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file" if existing == folder else f"cannot be made: {existing} is a file"
        raise PdeError(f"the run folder {what}", filename=str(folder))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PdeError(f"the run folder cannot be written: {existing} is read-only",
                       filename=str(folder))


MAX_HOST_DEVICES = 64


def _host_devices(count: int, given: str = "--devices") -> None:
    """Ask XLA for `count` CPU devices (it reads XLA_FLAGS once, when JAX starts; the
    flag changes nothing on an accelerator's own devices). `given`: who asked."""
    if count < 1:
        raise PdeError(f"--devices must be at least 1, not {count}", filename="pdedsl")
    if count > MAX_HOST_DEVICES:  # XLA's CPU collectives time out or crash beyond
        raise PdeError(f"{given} {count}: at most {MAX_HOST_DEVICES} (on a CPU each device is "
                       f"a thread of XLA; this machine has {os.cpu_count()} cores)",
                       filename="pdedsl")
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_force_host_platform_device_count" not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} --xla_force_host_platform_device_count={count}".strip()


def _setting_devices(problem, overrides: dict) -> None:
    """The setting `devices` (the file's, or --set's) applied as --devices is: XLA makes
    host devices only if asked before JAX starts. Settings that do not configure are
    left for the solve to refuse, with its own messages."""
    from .config import configure

    try:
        devices = configure(problem, overrides)[1].solver_options.get("devices", 1)
    except PdeError:
        return
    if devices > 1:
        _host_devices(devices, "devices =")


def _train_and_write(train, folder, file: str, args, table: bool = True, title: str = "") -> str:
    """Train with a progress display, write the run folder and its figures, print the table."""

    from . import run
    from .plots import remove_figures
    from .progress import Progress, final_table
    from .train import InterruptFlag

    with Progress(quiet=args.quiet, title=title or Path(file).name) as progress:
        on_start = lambda stop, first, before: progress.start(
            stop["steps"], first_step=first, seconds_before=before,
            seconds_budget=stop.get("seconds", float("inf")), note=stop.get("note", ""))
        solution = train(progress, on_start)
    remove_figures(folder)  # an earlier run's, once trained: this run draws its own
    with _figures_beside(folder, solution, args):
        with InterruptFlag() as pressed:  # Ctrl-C while writing: the folder is written first
            try:
                run.write(folder, solution, file)
            except OSError as error:
                raise PdeError(f"the run ended ({solution.status}) but its folder could not be "
                               f"written: {error.strerror}", filename=str(folder)) from None
        if pressed.is_set():
            print(f"pdedsl: interrupted after writing {folder}", file=sys.stderr)
            raise KeyboardInterrupt
        summary = run.read_summary(folder)
        if args.quiet:
            print(folder)
        elif table:
            final_table(summary, str(folder))
        for warning in summary.get("warnings", []) + summary.get("fitted_warnings", []):
            print(f"pdedsl: warning: {warning}", file=sys.stderr)
    if solution.status in ("diverged", "interrupted"):
        print(f"pdedsl: {solution.status}: {solution.reason}; wrote {folder}", file=sys.stderr)
    return solution.status


@contextmanager
def _figures_beside(folder, solution, args):
    """Draw the figures in a second thread while the block writes the summary and prints
    the table: the error estimate there is XLA's work, the figures are matplotlib's (Python).
    Waits for them at the end; the results are on screen before the figures are."""
    analyze = getattr(args, "analyze", False)
    if args.no_plots and not analyze:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        drawn = pool.submit(_draw, folder, solution, not args.no_plots, analyze)
        yield
        if not args.quiet:
            print("drawing figures ...", end="", flush=True)
        drawn.result()
        if not args.quiet:
            print(" done", flush=True)


def _draw(folder, solution, plots: bool, analyze: bool) -> None:
    if plots:
        from .plots import plot_run

        plot_run(folder, solution)
    if analyze:
        from .plots.kernels import plot_analysis

        try:
            plot_analysis(folder, solution)
        except PdeError as error:  # the run is written: its exit status stays the run's
            print(f"pdedsl: warning: no analysis figures: {error.message}", file=sys.stderr)


def _overrides(args) -> dict:
    """--set NAME=VALUE (values stay text; the settings schema converts them), --steps, ..."""
    overrides = {}
    for item in args.set:
        name, equals, value = item.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise PdeError(f"--set expects NAME=VALUE, not '{item}'", filename="pdedsl")
        if "=" in value:  # "width=10 depth=2": one --set per setting
            each = " ".join(f"--set {part}" for part in item.split())
            raise PdeError(f"--set takes one NAME=VALUE, not '{item}': give {each}",
                           filename="pdedsl")
        overrides[name.strip()] = value.strip()
    for name in ("solver", "steps", "seed", "devices"):
        if getattr(args, name, None) is not None:
            if name in overrides:
                raise PdeError(f"--{name} {getattr(args, name)} and --set {name}="
                               f"{overrides[name]} both give {name}: give it once",
                               filename="pdedsl")
            overrides[name] = getattr(args, name)
    return overrides


def _problem(args):
    """The problem of a new run (solve, compare), with --data's measurements; `check`'s
    warning of an exact solution for only some unknowns (whose errors then go unreported)
    goes to stderr before training."""
    from .language import parse_file
    from .language.wellposed import Reporter, partial_exact

    problem = _with_data(parse_file(args.file), args.data)
    for warning in partial_exact(problem, Reporter(problem)):
        print(warning, file=sys.stderr)
    return problem


def _with_data(problem, paths: list[str]):
    """The problem with the measurements of `--data` files in place of its own."""
    if not paths:
        return problem
    if "" in paths:  # (else 'no such data file' with no name)
        raise PdeError("--data: the path is empty: give a CSV file's path", filename="pdedsl")
    from .language.tables import observations_for

    return problem.with_observations(observations_for(problem, paths))


# -------------------------------------------------------------------------- plot
def add_plot(commands) -> None:
    plot = commands.add_parser("plot", help="redraw the figures of a run folder")
    plot.add_argument("folder", metavar="DIR", help="a run folder written by pdedsl solve")
    plot.set_defaults(run=run_plot)


def run_plot(args) -> int:
    from .plots import plot_run

    for path in plot_run(_run_folder(args.folder)):
        print(path)
    return 0


def _run_folder(folder: str):

    from .solution import CHECKPOINT_META

    if not (Path(folder) / CHECKPOINT_META).is_file():
        raise PdeError(f"not a run folder (no {CHECKPOINT_META})", filename=folder)
    return Path(folder)


# ----------------------------------------------------------------------- analyze
def add_analyze(commands) -> None:
    analyze = commands.add_parser(
        "analyze", help="draw the NTK, NNTK, Green's function and spectrum figures of a run",
        description="Linearise the trained model of the run in DIR and write ntk_*.png, "
        "nntk_*.png (at initialisation and trained), green.png and spectrum.png into DIR.",
    )
    analyze.add_argument("folder", metavar="DIR", help="a run folder written by pdedsl solve")
    analyze.set_defaults(run=run_analyze)


def run_analyze(args) -> int:
    from .plots.kernels import plot_analysis

    for path in plot_analysis(_run_folder(args.folder)):
        print(path)
    return 0
