"""The collocation points of a problem on a 2D region: inside, and each condition's, with
the outward normals the compiled `dn` reads drawn as short arrows.

With a time variable the points are projected onto the region's plane (an initial
slice's points are drawn like the interior's, in their own colour).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..compile import statement_of
from .fields import draw_outline

ARROWS = 60  # normals drawn per condition (evenly through its points)


def points_figure(problem, blocks, points, title: str) -> Figure | None:
    """Interior points grey, each condition's in a colour of its own; None unless the
    problem has a 2D region."""
    region = problem.region
    if region is None or region.dimension != 2:
        return None
    figure = Figure(figsize=(6.4, 6.0), layout="constrained")
    panel = figure.subplots()
    draw_points(panel, problem, blocks, points)
    panel.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=7, frameon=False)
    panel.set_title(title, fontsize=9)
    return figure


def draw_points(panel, problem, blocks, points, arrows: int = ARROWS) -> None:
    """The points of every block on one panel, normals as arrows, the region's outline."""
    region = problem.region
    columns = [problem.names.index(v) for v in region.variables]
    box = region.bounds()
    size = float(np.max(box[:, 1] - box[:, 0]))
    draw_outline(panel, problem, *region.variables, color="0.3", linewidth=1.0)
    colours = iter(f"C{k}" for k in range(100))
    for block, x in zip(blocks, points):
        xy = np.asarray(x)[:, columns]
        label = f"{_where(problem, block)} ({len(x)} point{'' if len(x) == 1 else 's'})"
        if block.group < len(problem.equations) or block.reduces:  # interior points
            panel.scatter(xy[:, 0], xy[:, 1], s=3, color="0.6", label=label)
            continue
        colour = next(colours)
        panel.scatter(xy[:, 0], xy[:, 1], s=8, color=colour, label=label)
        if block.selectors:
            d = len(problem.names)
            shown = np.unique(np.linspace(0, len(x) - 1, min(arrows, len(x))).astype(int))
            normal = np.asarray(x)[shown, d:d + 2]
            panel.quiver(xy[shown, 0], xy[shown, 1], normal[:, 0], normal[:, 1], color=colour,
                         angles="xy", scale_units="xy", scale=1 / (0.06 * size), width=0.003)
    panel.set_aspect("equal")
    panel.set_xlabel(region.variables[0])
    panel.set_ylabel(region.variables[1])


def _where(problem, block) -> str:
    """'line 12: on hole', 'line 5: interior', 'line 7: at x = 0.5': where a block's
    points come from, with its statement's line."""
    statement = statement_of(problem, block.group)
    location = statement.location if statement is not None else None
    line = f"line {location.line}: " if location else ""
    if block.selectors:
        return line + "on " + ", ".join(map(str, block.selectors))
    if block.face is not None:
        return line + f"on {block.face.variable} = {problem.face_value(block.face):g}"
    if block.at:
        return line + "at " + ", ".join(f"{name} = {value:g}" for name, value in block.at)
    if block.reduces:
        return line + "mean"
    return line + ("interior" if statement is not None else block.label)
