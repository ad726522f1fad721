"""The fitted constants of an inverse problem against the training step.

One column per constant: its value (the exact one dashed, when the file gives it),
and below, on a log scale, its relative error, which shows how many digits a run
has found and when it stopped finding more.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..language.problem import fitted_error


def fitted_figure(history: list[dict], exact: dict[str, float], title: str) -> Figure:
    """`history` rows with `fit_<name>` columns; `exact`: the known values (may be empty)."""
    names = list(dict.fromkeys(k[4:] for row in history for k in row if k.startswith("fit_")))
    rows = 2 if any(n in exact for n in names) else 1
    figure = Figure(figsize=(max(4.2 * len(names), 5.0), 3.2 * rows + 0.6),
                    layout="constrained")
    panels = np.array(figure.subplots(rows, max(len(names), 1), squeeze=False))
    for j, name in enumerate(names):
        steps, values = _series(history, f"fit_{name}")
        top = panels[0, j]
        top.plot(steps, values, color=f"C{j}", marker="o" if len(steps) < 30 else None,
                 markersize=3, label="fitted")
        if name in exact:
            top.axhline(exact[name], color="black", linestyle="--", linewidth=1,
                        label=f"exact {exact[name]:.6g}")
            error = fitted_error(np.asarray(values), exact[name])
            bottom = panels[1, j]
            bottom.plot(steps, np.where(error > 0, error, np.nan), color=f"C{j}")
            bottom.set_yscale("log")
            bottom.set_ylabel(f"relative error of {name}")
            _steps(bottom)
        top.set_title(name)
        top.set_ylabel(name)
        top.legend(loc="best")
        _steps(top)
    if not names:
        panels[0, 0].text(0.5, 0.5, "no fitted constant", ha="center", va="center",
                          transform=panels[0, 0].transAxes)
    figure.suptitle(title)
    return figure


def _series(history: list[dict], column: str) -> tuple[np.ndarray, np.ndarray]:
    points = [(row["step"], row[column]) for row in history if column in row]
    if not points:
        return np.zeros(0), np.zeros(0)
    steps, values = np.array(points, dtype=float).T
    return steps, values


def _steps(panel) -> None:
    panel.set_xlabel("step")
    panel.xaxis.set_major_locator(MaxNLocator(integer=True))
    panel.grid(True, alpha=0.4)
