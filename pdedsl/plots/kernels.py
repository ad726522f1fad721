"""Figures of the linearised model: NTK and NNTK panels, the Green's function, the spectrum.

The kernels x ↦ K(x, y_s) for 16 source points y_s on a 4 × 4 grid of panels, at
initialisation and after training; the Green's function for a few source points; the
singular values of Φ̂ over training with the cut. 1D curves are drawn on a linear axis.
Kernels change sign and span many decades, so colour scales are symmetric-log
(diverging colours, white only near zero), linear below a threshold taken from the data
(the smallest LOW_QUANTILE of the values), so that the decades the values occupy get
the colours. In 2D each kernel panel is divided by its own largest |K| (stated in its
title): one colour scale then shows every panel's shape, however the sizes differ.
`plot_analysis(folder)` writes them all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm, SymLogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from .fields import draw_outline, inside, moved_inside, slice_centre, where_others

LINE_POINTS = 201
GRID_POINTS = 48  # per axis, per panel
LOW_QUANTILE = 0.05  # this share of the values, the smallest, is drawn on the linear part
MIN_DECADES, MAX_DECADES = 1, 4  # the log part of the scale spans 1 to 4 decades
BAR_TICKS = 3  # decades labelled on each side of 0 on a colour bar, at most
CMAP = "RdBu_r"


def plot_analysis(folder: str | Path, solution=None) -> list[Path]:
    """Write the kernel, Green's function and spectrum figures of the run in `folder`."""
    from ..analysis import initial_tangent
    from ..solution import Solution
    from . import save

    folder = Path(folder)
    solution = solution if solution is not None else Solution.load(folder)
    name = _file_name(solution)
    written = []
    tangents = {"initial": initial_tangent(solution), "trained": solution.tangent}
    for unknown in solution.unknowns:
        suffix = f"_{unknown}" if len(solution.unknowns) > 1 else ""
        for when, tangent in tangents.items():
            for kind in ("ntk", "nntk"):
                figure = kernel_figure(tangent, kind, unknown,
                                       f"{name}: {kind.upper()} of {unknown}, {when}")
                written.append(save(figure, folder / f"{kind}_{when}{suffix}.png"))
        figure = green_figure(solution, unknown=unknown, title=f"{name}: Green's function, {unknown}")
        written.append(save(figure, folder / f"green{suffix}.png"))
    if solution.spectrum:
        written.append(save(spectrum_figure(solution.spectrum, f"{name}: singular values of " + r"$\hat{\Phi}$"),
                            folder / "spectrum.png"))
    return written


# --------------------------------------------------------------------- kernels
def kernel_figure(tangent, kind: str, unknown: str | None = None, title: str = "") -> Figure:
    """x ↦ K(x, y_s) for 16 source points y_s, one panel each (kind: 'ntk' or 'nntk').

    In 1D the curves share a linear y axis; in 2D each panel is an image of
    K(·, y_s) / max |K(·, y_s)| on one diverging colour scale, its largest |K| in its title."""
    plane = _Plane(tangent.problem, unknown)
    sources, values = kernel_values(tangent, kind, unknown)
    name = kind.upper()
    figure = Figure(figsize=(11, 10), layout="constrained")
    panels = figure.subplots(4, 4, sharex=True, sharey=True)
    if not plane.flat:
        for panel, y, v in zip(panels.ravel(), sources, values):
            plane.draw(panel, v, None, y, label=f"source at {plane.describe(y)}")
        plane.label_axes(panels, f"{name}({plane.names[plane.h]}, source)")
    else:
        top = np.max(np.abs(values), axis=1)
        scaled = values / np.where(top > 0, top, 1.0)[:, None]
        norm = _symlog(scaled, top=1.0)
        for panel, y, v, t in zip(panels.ravel(), sources, scaled, top):
            image = plane.draw(panel, v, norm, y, label=f"source {plane.describe(y)}, max {t:.2g}")
        plane.label_axes(panels, name)
        _colorbar(figure, image, panels, f"{name}(x, source) / its max |{name}| in the panel", 0.6)
    figure.suptitle((title or name) + plane.elsewhere())
    return figure


def kernel_values(tangent, kind: str, unknown: str | None = None):
    """(sources, values): the 16 source points y_s of `kernel_figure` and K(x, y_s) at
    its evaluation points (16 × M), unscaled: what the panels show, for measuring it."""
    from ..analysis import nntk, ntk

    kernel = {"ntk": ntk, "nntk": nntk}[kind]
    plane = _Plane(tangent.problem, unknown)
    sources = plane.sources(4)
    return sources, np.asarray(kernel(tangent, plane.evaluation_points(), sources, unknown=unknown)).T


def green_figure(solution, *, unknown: str | None = None, sources=None, reference=None,
                 title: str = "") -> Figure:
    """x ↦ G(x, y_s) for a few source points; in 1D, `reference(x, y)` (a textbook
    Green's function) is drawn dashed over each curve."""
    from ..analysis import green_function

    plane = _Plane(solution.problem, unknown)
    sources = plane.sources(2) if sources is None else np.atleast_2d(np.asarray(sources, float))
    x = plane.evaluation_points()
    G, _ = green_function(solution, x, sources, unknown=unknown)
    if not plane.flat:
        figure = Figure(figsize=(7, 4), layout="constrained")
        panel = figure.subplots()
        for k, y in enumerate(sources):
            colour = f"C{k}"
            panel.plot(plane.axis, G[:, k], color=colour, label=f"source at {plane.describe(y)}")
            if reference is not None:
                panel.plot(plane.axis, reference(plane.axis, y[plane.h]), color="black",
                           linestyle="--", linewidth=1, label="textbook" if k == 0 else None)
            panel.axvline(y[plane.h], color=colour, linewidth=0.5, alpha=0.5)
        panel.set_xlabel(plane.names[plane.h])
        panel.set_ylabel(f"G({plane.names[plane.h]}, source)")
        panel.grid(True, alpha=0.4)
        panel.legend(loc="best", fontsize="small")
    else:
        columns = int(np.ceil(np.sqrt(len(sources))))
        rows = int(np.ceil(len(sources) / columns))
        figure = Figure(figsize=(4.2 * columns + 1, 3.8 * rows + 0.5), layout="constrained")
        panels = np.atleast_1d(figure.subplots(rows, columns, sharex=True, sharey=True)).ravel()
        norm = _symlog(G)
        for panel, y, v in zip(panels, sources, G.T):
            image = plane.draw(panel, v, norm, y, label=f"source {plane.describe(y)}")
        for panel in panels[len(sources):]:
            panel.set_visible(False)
        plane.label_axes(panels.reshape(rows, columns), "G")
        _colorbar(figure, image, panels, "G(x, source)", 0.8)
    figure.suptitle((title or "Green's function") + plane.elsewhere())
    return figure


# -------------------------------------------------------------------- spectrum
def spectrum_figure(spectrum: list[dict], title: str = "") -> Figure:
    """σ_k against k for each recorded step (colour: step), the cut of each dashed."""
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    panel = figure.subplots()
    steps = [row["step"] for row in spectrum]
    norm = LogNorm(max(min(steps), 1), max(max(steps), 2))
    cmap = colormaps["viridis"]
    for row in spectrum:
        sigma = np.asarray(row["sigma"], float)
        colour = cmap(norm(max(row["step"], 1)))
        k = np.arange(1, len(sigma) + 1)
        positive = sigma > 0
        panel.plot(k[positive], sigma[positive], color=colour, linewidth=1)
        panel.axhline(row["cut"], color=colour, linestyle="--", linewidth=0.8)
    panel.set_yscale("log")
    panel.set_xlabel("k")
    panel.set_ylabel(r"$\sigma_k$ of $\hat{\Phi}$ (dashed: the cut)")
    panel.grid(True, alpha=0.4)
    figure.colorbar(ScalarMappable(norm, cmap), ax=panel, label="step")
    figure.suptitle(title or r"singular values of $\hat{\Phi}$")
    return figure


# --------------------------------------------------------------------- helpers
class _Plane:
    """Where kernels are drawn: the line of a 1D unknown, or the plane of its first
    two variables (the other variables at the centre of their ranges)."""

    def __init__(self, problem, unknown: str | None):
        self.problem = problem
        self.names = [v.name for v in problem.variables]
        self.bounds = np.array(problem.bounds())
        u = problem.unknown(unknown) if unknown else problem.unknowns[0]
        axes = [self.names.index(v) for v in u.variables]
        self.flat = len(axes) >= 2
        self.h = axes[0]
        self.v = axes[1] if self.flat else None
        self.centre = slice_centre(problem)
        n = GRID_POINTS if self.flat else LINE_POINTS
        self.axis = np.linspace(*self.bounds[self.h], n)
        self.vertical = np.linspace(*self.bounds[self.v], n) if self.flat else None

    def sources(self, per_axis: int) -> np.ndarray:
        """per_axis² points (a grid in 2D, evenly spaced on the line in 1D)."""
        fractions = (np.arange(per_axis) + 0.5) / per_axis
        if not self.flat:
            fractions = (np.arange(per_axis**2) + 0.5) / per_axis**2
            return self._at({self.h: self._scale(self.h, fractions)})
        H, V = np.meshgrid(self._scale(self.h, fractions), self._scale(self.v, fractions[::-1]))
        return moved_inside(self.problem, self._at({self.h: H.ravel(), self.v: V.ravel()}))

    def evaluation_points(self) -> np.ndarray:
        if not self.flat:
            return self._at({self.h: self.axis})
        H, V = np.meshgrid(self.axis, self.vertical)  # rows follow the vertical axis
        return self._at({self.h: H.ravel(), self.v: V.ravel()})

    def draw(self, panel, values, norm, y, label: str):
        if not self.flat:
            panel.plot(self.axis, values, color="C0")
            panel.axvline(y[self.h], color="C3", linewidth=0.8)
            panel.axhline(0, color="black", linewidth=0.5)
            panel.set_title(label, fontsize="small")
            panel.grid(True, alpha=0.3)
            return None
        shape = (len(self.vertical), len(self.axis))
        values = np.where(inside(self.problem, self.evaluation_points()), values, np.nan)
        image = panel.imshow(values.reshape(shape), origin="lower", norm=norm, cmap=CMAP,
                             extent=(*self.bounds[self.h], *self.bounds[self.v]), aspect="auto")
        draw_outline(panel, self.problem, self.names[self.h], self.names[self.v])
        panel.plot([y[self.h]], [y[self.v]], marker="x", color="black", markersize=6)
        panel.set_title(label, fontsize="small")
        return image

    def label_axes(self, panels, quantity: str):
        """Variable names on the outer panels. Ticks inside the range only (none at its
        ends), so the labels of neighbouring panels never run into each other."""
        prune = "both" if self.flat else None  # image panels touch their range's ends
        for panel in panels.ravel():
            panel.xaxis.set_major_locator(MaxNLocator(nbins=4 if self.flat else 5, prune=prune))
            panel.yaxis.set_major_locator(MaxNLocator(nbins=4, prune=prune))
            panel.tick_params(labelsize="small")
        for panel in panels[-1]:
            panel.set_xlabel(self.names[self.h])
        for panel in panels[:, 0]:
            panel.set_ylabel(self.names[self.v] if self.flat else quantity)

    def describe(self, y) -> str:
        """A source point as its variables' values: named on a line ('t = 0.25', not
        'y = 0.25', which reads as a variable or an unknown called y), in the axes'
        order on a plane."""
        if not self.flat:
            return f"{self.names[self.h]} = {y[self.h]:.3g}"
        return f"({y[self.h]:.2g}, {y[self.v]:.2g})"

    def elsewhere(self) -> str:
        """Where the variables off the line or plane sit (', at z = 0.5'), as the field
        figures say: the sources and the curves are there."""
        return where_others(self.names, self.centre, {self.h, self.v}, ", ")

    def _scale(self, axis: int, fractions: np.ndarray) -> np.ndarray:
        lower, upper = self.bounds[axis]
        return lower + fractions * (upper - lower)

    def _at(self, columns: dict[int, np.ndarray]) -> np.ndarray:
        n = len(next(iter(columns.values())))
        points = np.tile(self.centre, (n, 1))
        for axis, values in columns.items():
            points[:, axis] = values
        return points


def _symlog(values: np.ndarray, top: float | None = None) -> SymLogNorm:
    """A symmetric-log scale over ±top (default: the largest |value|), linear below the
    smallest LOW_QUANTILE of the |values|, kept 1 to 4 decades below top."""
    size = np.abs(values[np.isfinite(values)])
    top = top or float(np.max(size, initial=0.0)) or 1.0
    positive = size[size > 0]
    low = float(np.quantile(positive, LOW_QUANTILE)) if positive.size else top
    linthresh = float(np.clip(low, top / 10**MAX_DECADES, top / 10**MIN_DECADES))
    return SymLogNorm(linthresh=linthresh, vmin=-top, vmax=top, base=10)


def _colorbar(figure: Figure, image, panels, label: str, shrink: float):
    """A colour bar labelled at 0 and at a few decades each side, none close to 0."""
    bar = figure.colorbar(image, ax=panels, shrink=shrink, label=label)
    bar.ax.yaxis.set_major_locator(FixedLocator(symlog_ticks(image.norm)))
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick_label(v)))
    bar.ax.yaxis.set_minor_locator(NullLocator())
    return bar


def symlog_ticks(norm: SymLogNorm) -> list[float]:
    """0 and ±10^k for at most BAR_TICKS decades k from the top down, all above
    twice the linear threshold (a tick nearer 0 would print over the 0)."""
    top, linthresh = float(norm.vmax), float(norm.linthresh)
    decades = np.arange(np.floor(np.log10(top)), np.log10(2 * linthresh), -1.0)
    step = max(1, int(np.ceil(len(decades) / BAR_TICKS)))
    magnitudes = [10.0**d for d in decades[::step]]
    return sorted([-m for m in magnitudes] + [0.0] + magnitudes)


def _tick_label(value: float) -> str:
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:g}"
    sign, exponent = ("-" if value < 0 else ""), int(round(np.log10(abs(value))))
    return f"${sign}10^{{{exponent}}}$"


def _file_name(solution) -> str:
    source = solution.problem.source
    return Path(source.name).name if source else "<input>"
