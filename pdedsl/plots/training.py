"""Training curves: loss and relative L2 error against step and against seconds.

The second panel answers "how long did it take", the first "how many steps"; both
on a log scale, since a good run falls by many orders of magnitude. `comparison`
draws several solvers on one problem the same way (the ANaGRAM paper's
comparison of optimisers against time).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

LOSS_COLOUR = "black"


def training_figure(history: list[dict], title: str) -> Figure:
    """Two panels (against step, against training seconds): loss and each `l2_<unknown>`."""
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    panels = figure.subplots(1, 2, sharey=True)
    errors = _error_columns(history)
    for panel, x in zip(panels, ("step", "seconds")):
        _line(panel, history, x, "loss", color=LOSS_COLOUR, label="loss ½‖r‖²")
        for k, name in enumerate(errors):
            _line(panel, history, x, name, color=f"C{k}", label=f"relative L2 error of {name[3:]}")
        ylabel = ("loss / relative L2 error" if errors else "loss") if x == "step" else None
        _axes(panel, x, ylabel)
    if not history:
        for panel in panels:
            panel.text(0.5, 0.5, "no step was taken", ha="center", va="center",
                       transform=panel.transAxes)
    else:
        panels[1].legend(loc="best")
    figure.suptitle(title)
    return figure


def comparison_figure(histories: dict[str, list[dict]], title: str) -> Figure:
    """One colour per solver: loss (top) and relative L2 error (bottom, when known)
    against step (left) and training seconds (right)."""
    errors = sorted({name for h in histories.values() for name in _error_columns(h)})
    rows = ["loss"] + (["l2"] if errors else [])
    figure = Figure(figsize=(11, 3.6 * len(rows) + 0.6), layout="constrained")
    panels = np.atleast_2d(figure.subplots(len(rows), 2, sharey="row", sharex="col"))
    styles = ["-", "--", ":", "-."]
    for k, (solver, history) in enumerate(histories.items()):
        if not history:  # diverged before its first step: in the legend, not left out
            panels[0, 1].plot([], [], color=f"C{k}", label=f"{solver}: no step done")
        for j, x in enumerate(("step", "seconds")):
            _line(panels[0, j], history, x, "loss", color=f"C{k}", label=solver)
            for m, name in enumerate(errors if len(rows) > 1 else []):
                label = solver if len(errors) == 1 else f"{solver}, {name[3:]}"
                _line(panels[1, j], history, x, name, color=f"C{k}",
                      linestyle=styles[m % len(styles)], label=label)
    for i, row in enumerate(rows):
        for j, x in enumerate(("step", "seconds")):
            ylabel = ("loss ½‖r‖²" if row == "loss" else "relative L2 error") if j == 0 else None
            _axes(panels[i, j], x if i == len(rows) - 1 else None, ylabel)
    panels[0, 1].legend(loc="best")
    figure.suptitle(title)
    return figure


def _error_columns(history: list[dict]) -> list[str]:
    names: dict[str, None] = {}
    for row in history:
        names.update((k, None) for k in row if k.startswith("l2_"))
    return list(names)


def _line(panel, history, x: str, y: str, **style) -> None:
    points = [(row[x], row[y]) for row in history if y in row]
    if not points:
        return
    xs, ys = np.array(points, dtype=float).T
    ys = np.where(ys > 0, ys, np.nan)  # a log axis cannot show zero
    marker = "o" if len(xs) < 30 else None
    panel.plot(xs, ys, marker=marker, markersize=3, **style)


def _axes(panel, x: str | None, ylabel: str | None) -> None:
    panel.set_yscale("log")
    if x == "step":
        panel.xaxis.set_major_locator(MaxNLocator(integer=True))
    panel.grid(True, which="major", alpha=0.4)
    panel.grid(True, which="minor", alpha=0.1)
    if x is not None:
        panel.set_xlabel("step" if x == "step" else "training time (s, compile excluded)")
    if ylabel:
        panel.set_ylabel(ylabel)
