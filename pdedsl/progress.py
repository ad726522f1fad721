"""What a person sees while a run trains, and the table at its end.

On a terminal: a rich progress bar whose line carries the step, loss, relative L2
error per unknown (when the file gives an exact solution), the fitted constants, η,
rank kept, steps per second and time left. Elsewhere (a pipe, a log file): plain
lines, the first step at once and then at most one a second, so logs stay short. `quiet` shows nothing.
The rate counts training time only (compile time is reported apart).
"""

from __future__ import annotations

import math
import sys
import time
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, Progress as RichProgress, TextColumn
from rich.table import Table
from rich.text import Text

PLAIN_EVERY = 1.0  # seconds between plain lines


class Progress:
    """A training callback: `with Progress(...) as p: train(..., callback=p)`."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None, title: str = ""):
        self.quiet = quiet
        self.stream = stream or sys.stdout
        self.title = title
        self.total: int | None = None
        self.first_step, self.seconds_before, self.budget = 0, 0.0, math.inf
        self.first: dict | None = None
        self.last: dict | None = None  # plain lines: the latest row, and the latest printed
        self.printed: dict | None = None
        self.last_line = -math.inf
        self.bar: RichProgress | None = None
        self.live: Live | None = None
        self.task = None
        self.unicode = _can_print_unicode(self.stream)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self._end_piece()

    def _end_piece(self) -> None:
        """The bar stays as it ended; a log ends with the step the run ended on."""
        if self.live is not None:
            self.live.stop()
        elif self.last is not None and self.last is not self.printed:
            self.print_line(self.last)

    def start(self, steps: int, *, first_step: int = 0, seconds_before: float = 0.0,
              seconds_budget: float = math.inf, note: str = "") -> None:
        """Called once the run is built: it will do steps `first_step+1 .. first_step+steps`.

        `seconds_before`: the training time of the run being resumed (rows carry the sum).
        `note`: why a second piece of the run starts (its points refined), printed first.
        """
        if not self.quiet:
            self._end_piece()  # of a run's first piece, before its refined one
        self.first_step, self.total = first_step, first_step + steps
        self.seconds_before, self.budget = seconds_before, seconds_before + seconds_budget
        self.first = None
        if self.quiet:
            return
        if note:
            print(f"step {first_step}: {note}", file=self.stream, flush=True)
        if self.stream.isatty():
            # two lines, so that it fits 80 columns: the bar and speed, then the numbers
            self.bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(bar_width=None),
                TextColumn("{task.fields[speed]}"), expand=True,
            )
            self.task = self.bar.add_task(f"{self.title} compiling", total=steps, speed="")
            self.live = Live(self.bar, console=Console(file=self.stream), refresh_per_second=8)
            self.live.start()
        else:
            print(f"{self.title}: compiling the step ...", file=self.stream, flush=True)

    def __call__(self, row: dict) -> None:
        if self.quiet:
            return
        if self.first is None:
            self.first = row
        if self.live is not None:
            numbers, speed = self.describe(row)
            self.bar.update(
                self.task, completed=row["step"] - self.first_step, speed=speed,
                description=f"{self.title} step {row['step']}/{self.total}",
            )
            self.live.update(Group(self.bar, Text("  " + numbers)))
            return
        self.last = row
        if row is self.first or time.monotonic() - self.last_line >= PLAIN_EVERY:
            self.print_line(row)

    def print_line(self, row: dict) -> None:
        numbers, speed = self.describe(row)
        self.last_line, self.printed = time.monotonic(), row
        print(f"step {row['step']}/{self.total}  {numbers}  {speed}", file=self.stream, flush=True)

    def describe(self, row: dict) -> tuple[str, str]:
        """(`loss 1.2e-03  L2 u 4.5e-04  η 0.5  rank 87`, `12.3 steps/s  left 20s`)."""
        eta = "η" if self.unicode else "eta"
        parts = [f"loss {row['loss']:.3e}"]
        parts += [f"L2 {k[3:]} {v:.2e}" for k, v in row.items() if k.startswith("l2_")]
        parts += [f"{k[4:]} {v:.7g}" for k, v in row.items() if k.startswith("fit_")]
        if "eta" in row:
            parts.append(f"{eta} {row['eta']:.3g}")
        if "rank" in row:
            parts.append(f"rank {row['rank']}")
        rate, speed = self.rate(row), ""
        if rate:
            left = (self.total - row["step"]) / rate
            left = min(left, max(self.budget - row["seconds"], 0.0))
            speed = f"{rate:.3g} steps/s  left {_duration(left)}"
        return "  ".join(parts), speed

    def rate(self, row: dict) -> float | None:
        """Steps per second of training in this piece of the run."""
        elapsed = row["seconds"] - self.seconds_before
        return (row["step"] - self.first_step) / elapsed if elapsed > 0 else None


def final_table(summary: dict, folder: str, stream: TextIO | None = None) -> None:
    """The end-of-run table: status, steps, times, loss, errors, where it was written."""
    table = Table(title=f"{summary['file']}: {summary['solver']}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("status", summary["status"])
    table.add_row("reason", summary["reason"])
    table.add_row("steps", str(summary["steps"]))
    table.add_row("training", f"{summary['seconds']:.2f} s")
    table.add_row("compile", f"{summary['compile_seconds']:.2f} s")
    table.add_row("loss", _number(summary["loss"]))
    for name, value in (summary.get("l2_relative_error") or {}).items():
        table.add_row(f"relative L2 {name}", _number(value))
    for name, value in (summary.get("max_abs_error") or {}).items():
        table.add_row(f"max |error| {name}", _number(value))
    for name, value in (summary.get("error_estimate") or {}).items():
        table.add_row(f"estimated error {name}", _number(value))
    for name, fitted in (summary.get("fitted") or {}).items():
        table.add_row(f"fitted {name}", fitted_text(fitted))
    table.add_row("folder", str(folder))
    Console(file=stream or sys.stdout).print(table)


def comparison_table(rows: list[dict], title: str, stream: TextIO | None = None) -> None:
    """One line per solver: how far each got, how fast (`pdedsl compare`); an inverse
    problem's fitted constants too."""
    table = Table(title=title)
    errors = sorted({k for row in rows for k in row.get("l2_relative_error") or {}})
    fitted = list(dict.fromkeys(k for row in rows for k in row.get("fitted") or {}))
    for column in ("solver", "status", "steps", "training s", "compile s", "loss",
                   *(f"L2 {k}" for k in errors), *fitted):
        table.add_column(column, justify="left" if column in ("solver", "status") else "right")
    for row in rows:
        l2, constants = row.get("l2_relative_error") or {}, row.get("fitted") or {}
        table.add_row(
            row["solver"], row["status"], str(row["steps"]), f"{row['seconds']:.2f}",
            f"{row['compile_seconds']:.2f}", _number(row["loss"]),
            *(_number(l2.get(k)) for k in errors),
            *(f"{constants[k]['value']:.7g}" if k in constants else "-" for k in fitted),
        )
    Console(file=stream or sys.stdout).print(table)


def fitted_text(fitted: dict) -> str:
    """`0.2500001 ± 3.1e-07  (exact 0.25, relative error 4.0e-07)`."""
    value, standard = fitted["value"], fitted["standard_error"]
    text = "-" if value is None else f"{value:.10g}"
    if standard is not None:
        text += f" ± {standard:.2e}"
    if fitted["exact"] is not None:
        relative = _number(fitted["relative_error"])
        text += f"  (exact {fitted['exact']:.10g}, relative error {relative})"
    return text


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3e}"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _can_print_unicode(stream) -> bool:
    try:
        "ηθσ".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
