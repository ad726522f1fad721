"""Figures of the trained fields: the prediction, the exact solution and the error.

One figure per unknown, over the unknown's own variables: lines in 1D (with the
error on a log scale below); heatmaps in 2D (the error with a log colour scale),
time upwards when one variable is time; for three or more variables, 2D slices
through the centre of the other variables, one row per slice. On a region, values
outside it are left blank and the region's outline is drawn where the slice is the
region's own plane.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

LINE_POINTS = 401
GRID_POINTS = 101
ERROR_DECADES = 8  # the log colour scale of the error spans at most this many decades


def field_figures(solution, file: str) -> dict[str, Figure]:
    """{unknown name: figure} for every unknown of `solution`."""
    problem = solution.problem
    names = [v.name for v in problem.variables]
    bounds = np.array(problem.bounds())
    centre = slice_centre(problem)
    l2 = solution.l2_relative_error or {}
    figures = {}
    for unknown in problem.unknowns:
        axes = [names.index(v) for v in unknown.variables]
        title = f"{file}: {unknown.name}({', '.join(unknown.variables)})"
        if unknown.name in l2:
            title += f", relative L2 error {l2[unknown.name]:.2e}"
        if len(axes) == 1:
            figures[unknown.name] = _line_figure(solution, unknown.name, axes[0], names, bounds, centre, title)
        else:
            pairs = _slices(axes, problem)
            figures[unknown.name] = _heatmap_figure(solution, unknown.name, pairs, names, bounds, centre,
                                                       title)
    return figures


def _line_figure(solution, name, axis, names, bounds, centre, title) -> Figure:
    x = np.linspace(*bounds[axis], LINE_POINTS)
    points = _points(centre, {axis: x})
    predicted, exact = _values(solution, name, points)
    rows = 2 if exact is not None else 1
    figure = Figure(figsize=(7, 3 + 2.4 * (rows - 1)), layout="constrained")
    panels = np.atleast_1d(figure.subplots(rows, 1, sharex=True, height_ratios=[3, 2][:rows]))
    panels[0].plot(x, predicted, color="C0", label="prediction")
    if exact is not None:
        panels[0].plot(x, exact, color="black", linestyle="--", label="exact")
        error = np.abs(predicted - exact)
        panels[1].plot(x, np.where(error > 0, error, np.nan), color="C3")
        panels[1].set_yscale("log")
        panels[1].set_ylabel(f"|{name} - exact|")
        panels[1].grid(True, alpha=0.4)
    panels[0].set_ylabel(name)
    panels[0].legend(loc="best")
    panels[0].grid(True, alpha=0.4)
    panels[-1].set_xlabel(names[axis])
    figure.suptitle(title)
    return figure


def _heatmap_figure(solution, name, pairs, names, bounds, centre, title) -> Figure:
    """One row per slice (horizontal axis, vertical axis, where the others sit)."""
    exact_known = solution.compiled.exact is not None
    columns = 3 if exact_known else 1
    figure = Figure(figsize=(4.6 * columns + 0.4, 3.9 * len(pairs) + 0.5), layout="constrained")
    panels = np.array(figure.subplots(len(pairs), columns, squeeze=False))
    for row, (h, v) in zip(panels, pairs):
        gh = np.linspace(*bounds[h], GRID_POINTS)
        gv = np.linspace(*bounds[v], GRID_POINTS)
        H, V = np.meshgrid(gh, gv)  # rows follow the vertical axis
        points = _points(centre, {h: H.ravel(), v: V.ravel()})
        predicted, exact = _values(solution, name, points)
        outside = ~inside(solution.problem, points)
        predicted = np.where(outside, np.nan, predicted)
        exact = None if exact is None else np.where(outside, np.nan, exact)
        at = where_others(names, centre, (h, v))
        extent = (*bounds[h], *bounds[v])
        style = dict(origin="lower", extent=extent, aspect=_aspect(bounds[h], bounds[v]))
        shape = H.shape
        shown = [predicted] if exact is None else [predicted, exact]
        low, high = min(np.nanmin(v) for v in shown), max(np.nanmax(v) for v in shown)
        image = row[0].imshow(predicted.reshape(shape), vmin=low, vmax=high, cmap="viridis", **style)
        figure.colorbar(image, ax=row[0], shrink=0.85)
        row[0].set_title(f"prediction {name}{at}")
        if exact is not None:
            image = row[1].imshow(exact.reshape(shape), vmin=low, vmax=high, cmap="viridis", **style)
            figure.colorbar(image, ax=row[1], shrink=0.85)
            row[1].set_title(f"exact{at}")
            error = np.abs(predicted - exact).reshape(shape)
            norm = _log_norm(error)
            image = row[2].imshow(error, norm=norm, cmap="magma", **style)
            figure.colorbar(image, ax=row[2], shrink=0.85)
            row[2].set_title(f"|{name} - exact|{' (log scale)' if norm else ''}{at}")
        for panel in row:
            panel.set_xlabel(names[h])
            panel.set_ylabel(names[v])
            draw_outline(panel, solution.problem, names[h], names[v])
    figure.suptitle(title)
    return figure


def inside(problem, points: np.ndarray) -> np.ndarray:
    """Which points lie in the domain (all of them on a box)."""
    if problem.region is None:
        return np.ones(len(points), bool)
    columns = [problem.names.index(v) for v in problem.region.variables]
    return problem.region.shape.contains(points[:, columns])


def draw_outline(panel, problem, horizontal: str, vertical: str, **style) -> None:
    """The boundary of a 2D region, on a panel whose axes are its two variables."""
    region = problem.region
    if region is None or region.dimension != 2 or {horizontal, vertical} != set(region.variables):
        return
    from ..boundary import outline

    swap = region.variables.index(horizontal) == 1
    for line in outline(region.shape):
        line = line[:, ::-1] if swap else line
        panel.plot(line[:, 0], line[:, 1], **{"color": "black", "linewidth": 0.8, **style})


def slice_centre(problem) -> np.ndarray:
    """The point every slice of a figure passes through: the centre of the box, or, on
    a region whose centre lies outside it (a hole, the gap between two pieces), the
    point inside nearest to it, so that no slice misses the region and draws blank."""
    centre = np.array(problem.bounds()).mean(axis=1)
    return moved_inside(problem, centre[None])[0]


def moved_inside(problem, points: np.ndarray) -> np.ndarray:
    """Sources outside a region (in a hole) moved to the nearest of a grid inside it."""
    outside = ~inside(problem, points)
    if not outside.any():
        return points
    from ..sampling import interior_points

    columns = [problem.names.index(v) for v in problem.region.variables]
    grid = interior_points(problem.region.shape, 4096, "grid", np.random.default_rng(0))
    moved = points.copy()
    for k in np.flatnonzero(outside):
        nearest = np.argmin(np.linalg.norm(grid - points[k, columns], axis=1))
        moved[k, columns] = grid[nearest]
    return moved


def _slices(axes: list[int], problem) -> list[tuple[int, int]]:
    """(horizontal, vertical) variable pairs: time upwards; in 3+ variables, pairs
    that together cover every variable (x-y, then z-w, ...)."""
    time = problem.time
    if time is not None and problem.variables.index(time) in axes:
        t = problem.variables.index(time)
        others = [a for a in axes if a != t]
        return [(others[0], t)] if len(others) == 1 else [*_pairs(others), (others[0], t)]
    return _pairs(axes)


def _pairs(axes: list[int]) -> list[tuple[int, int]]:
    if len(axes) == 2:
        return [(axes[0], axes[1])]
    pairs = [(axes[k], axes[k + 1]) for k in range(0, len(axes) - 1, 2)]
    if len(axes) % 2:
        pairs.append((axes[-2], axes[-1]))
    return pairs


def _points(centre: np.ndarray, columns: dict[int, np.ndarray]) -> np.ndarray:
    """Points with the given columns, every other variable at its value in `centre`."""
    n = len(next(iter(columns.values())))
    points = np.tile(centre, (n, 1))
    for axis, values in columns.items():
        points[:, axis] = values
    return points


def _values(solution, name, points):
    predicted = solution.predict(points)[name]
    exact = solution.exact(points)
    return predicted, (exact[name] if exact is not None else None)


def where_others(names, centre, shown, before: str = "\n") -> str:
    """Where the variables off the shown axes sit ('at z = 0.5'), after `before`; ''
    when every variable is shown."""
    others = [f"{names[k]} = {centre[k]:.3g}" for k in range(len(names)) if k not in shown]
    return f"{before}at {', '.join(others)}" if others else ""


def _aspect(horizontal, vertical) -> str | float:
    ratio = (horizontal[1] - horizontal[0]) / (vertical[1] - vertical[0])
    return "equal" if 1 / 3 <= ratio <= 3 else "auto"


def _log_norm(error: np.ndarray) -> LogNorm | None:
    """A log colour scale when the error spans a decade or more; else None (linear)."""
    positive = error[error > 0]
    if positive.size == 0 or positive.max() < 10 * positive.min():
        return None
    high = float(positive.max())
    return LogNorm(vmin=max(float(positive.min()), high * 10.0**-ERROR_DECADES), vmax=high)
