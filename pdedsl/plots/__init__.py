"""The figures of a run, as PNG files (matplotlib, imported only here, no pyplot).

`plot_run(folder)` (re)draws every figure of a run folder: `training.png` (loss and
error against step and seconds), `solution_<unknown>.png` per unknown, for an inverse
problem `fitted.png` (the fitted constants against step) and, on a 2D region,
`points.png` (the collocation points and the normals of each condition). Each
module draws one kind of figure and returns a matplotlib Figure; only this file
writes files. (Green-kernel and NTK figures go in `kernels.py`.)
"""

from __future__ import annotations

from pathlib import Path

DPI = 110


def plot_run(folder: str | Path, solution=None) -> list[Path]:
    """Draw the training curves and the fields of the run in `folder`; return the files."""
    from ..solution import Solution
    from .fields import field_figures
    from .training import training_figure

    folder = Path(folder)
    solution = solution if solution is not None else Solution.load(folder)
    file = _file_name(solution)
    title = f"{file}: {solution.config.solver}, {solution.status} after {solution.steps} steps"
    written = [save(training_figure(solution.history, title), folder / "training.png")]
    for name, figure in field_figures(solution, file).items():
        written.append(save(figure, folder / f"solution_{name}.png"))
    if solution.problem.fitted:
        from .fitted import fitted_figure

        figure = fitted_figure(solution.history, solution.problem.fitted_exact(),
                               f"{file}: fitted constants ({solution.config.solver})")
        written.append(save(figure, folder / "fitted.png"))
    if solution.problem.region is not None:
        from ..analysis import collocation_points
        from .points import points_figure

        figure = points_figure(solution.problem, solution.compiled.blocks,
                               collocation_points(solution), f"{file}: collocation points")
        if figure is not None:
            written.append(save(figure, folder / "points.png"))
    return written


def plot_comparison(histories: dict[str, list[dict]], title: str, path: str | Path) -> Path:
    """Several solvers' training curves on one figure (`pdedsl compare`)."""
    from .training import comparison_figure

    return save(comparison_figure(histories, title), Path(path))


def save(figure, path: Path) -> Path:
    figure.savefig(path, dpi=DPI)
    return path


def _file_name(solution) -> str:
    source = solution.problem.source
    return Path(source.name).name if source else "<input>"
