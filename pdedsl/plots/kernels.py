"""Figures of the linearised model: NTK and NNTK panels, the Green's function, the spectrum.

As in the ANaGRAM talk: the kernels x ↦ K(x, y_s) for 16 source points y_s on a
4 × 4 grid of panels, at initialisation and after training; the Green's function
for a few source points; the singular values of Φ̂ over training with the cut.
Kernels change sign and span many decades, so colour scales are symmetric-log
(diverging, white only near zero). `plot_analysis(folder)` writes them all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm, SymLogNorm
from matplotlib.figure import Figure

from .fields import draw_outline, inside

LINE_POINTS = 201
GRID_POINTS = 48  # per axis, per panel
DECADES = 4  # the symmetric-log scale is linear below max/10^DECADES
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
    """x ↦ K(x, y_s) for 16 source points y_s, one panel each (kind: 'ntk' or 'nntk')."""
    from ..analysis import nntk, ntk

    kernel = {"ntk": ntk, "nntk": nntk}[kind]
    plane = _Plane(tangent.problem, unknown)
    sources = plane.sources(4)
    x = plane.evaluation_points()
    values = kernel(tangent, x, sources, unknown=unknown).T  # 16 × M
    figure = Figure(figsize=(11, 10), layout="constrained")
    panels = figure.subplots(4, 4, sharex=True, sharey=True)
    norm = _symlog(values)
    for k, (panel, y, v) in enumerate(zip(panels.ravel(), sources, values)):
        image = plane.draw(panel, v, norm, y, label=f"y = {plane.describe(y)}")
    plane.label_axes(panels, kind.upper())
    if plane.flat:
        figure.colorbar(image, ax=panels, shrink=0.6, label=kind.upper())
    figure.suptitle(title or kind.upper())
    return figure


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
            panel.plot(plane.axis, G[:, k], color=colour, label=f"y = {plane.describe(y)}")
            if reference is not None:
                panel.plot(plane.axis, reference(plane.axis, y[plane.h]), color="black",
                           linestyle="--", linewidth=1, label="textbook" if k == 0 else None)
            panel.axvline(y[plane.h], color=colour, linewidth=0.5, alpha=0.5)
        panel.set_xlabel(plane.names[plane.h])
        panel.set_ylabel("G(x, y)")
        panel.grid(True, alpha=0.4)
        panel.legend(loc="best", fontsize="small")
    else:
        columns = int(np.ceil(np.sqrt(len(sources))))
        rows = int(np.ceil(len(sources) / columns))
        figure = Figure(figsize=(4.2 * columns + 1, 3.8 * rows + 0.5), layout="constrained")
        panels = np.atleast_1d(figure.subplots(rows, columns, sharex=True, sharey=True)).ravel()
        norm = _symlog(G)
        for panel, y, v in zip(panels, sources, G.T):
            image = plane.draw(panel, v, norm, y, label=f"y = {plane.describe(y)}")
        for panel in panels[len(sources):]:
            panel.set_visible(False)
        figure.colorbar(image, ax=panels, shrink=0.8, label="G(x, y)")
    figure.suptitle(title or "Green's function")
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
        self.centre = self.bounds.mean(axis=1)
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
        return _moved_inside(self.problem, self._at({self.h: H.ravel(), self.v: V.ravel()}))

    def evaluation_points(self) -> np.ndarray:
        if not self.flat:
            return self._at({self.h: self.axis})
        H, V = np.meshgrid(self.axis, self.vertical)  # rows follow the vertical axis
        return self._at({self.h: H.ravel(), self.v: V.ravel()})

    def draw(self, panel, values, norm, y, label: str):
        if not self.flat:
            panel.plot(self.axis, values, color="C0")
            panel.axvline(y[self.h], color="C3", linewidth=0.8)
            panel.set_yscale("symlog", linthresh=norm.linthresh)
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
        """Variable names on the outer panels; few ticks, so shared axes stay legible."""
        for panel in panels.ravel():
            panel.locator_params(axis="x", nbins=3)
            panel.tick_params(labelsize="small")
        for panel in panels[-1]:
            panel.set_xlabel(self.names[self.h])
        for panel in panels[:, 0]:
            panel.set_ylabel(self.names[self.v] if self.flat else quantity)

    def describe(self, y) -> str:
        if not self.flat:
            return f"{y[self.h]:.3g}"
        return f"({y[self.h]:.2g}, {y[self.v]:.2g})"

    def _scale(self, axis: int, fractions: np.ndarray) -> np.ndarray:
        lower, upper = self.bounds[axis]
        return lower + fractions * (upper - lower)

    def _at(self, columns: dict[int, np.ndarray]) -> np.ndarray:
        n = len(next(iter(columns.values())))
        points = np.tile(self.centre, (n, 1))
        for axis, values in columns.items():
            points[:, axis] = values
        return points


def _moved_inside(problem, points: np.ndarray) -> np.ndarray:
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


def _symlog(values: np.ndarray) -> SymLogNorm:
    top = float(np.max(np.abs(values[np.isfinite(values)]), initial=0.0)) or 1.0
    return SymLogNorm(linthresh=top / 10**DECADES, vmin=-top, vmax=top, base=10)


def _file_name(solution) -> str:
    source = solution.problem.source
    return Path(source.name).name if source else "<input>"
