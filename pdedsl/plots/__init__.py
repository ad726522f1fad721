"""The figures of a run, as PNG files (matplotlib, imported only here, no pyplot).

`plot_run(folder)` (re)draws every figure of a run folder: `training.png` (loss and
error against step and seconds), `solution_<unknown>.png` per unknown, for an inverse
problem `fitted.png` (the fitted constants against step) and, on a 2D region,
`points.png` (the collocation points and the normals of each condition). Each
module draws one kind of figure and returns a matplotlib Figure; only this file
writes files. (Green-kernel and NTK figures go in `kernels.py`.) `remove_figures`
removes them all, and the kernel figures, before a new run draws its own.
"""

from __future__ import annotations

import re
from pathlib import Path

DPI = 110
_NAME = "[A-Za-z][A-Za-z0-9_]*"  # an unknown's name
# Every figure a run folder may hold: plot_run's, then plot_analysis's (kernels.py).
FIGURES = re.compile(rf"(training|solution_{_NAME}|fitted|points"
                     rf"|n?ntk_(initial|trained)(_{_NAME})?|green(_{_NAME})?|spectrum)\.png")


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


def remove_figures(folder: str | Path) -> list[Path]:
    """Remove the figures an earlier run drew in `folder`, so that none is left beside a
    new run's that it does not draw again (the solution of an unknown it lacks, the fitted
    constants it has not, kernels of another model). Only in a run folder (it holds a
    checkpoint), only the names in FIGURES: any other file stays."""
    from ..language.errors import PdeError
    from ..solution import CHECKPOINT_META

    folder = Path(folder)
    if not (folder / CHECKPOINT_META).is_file():
        return []
    removed = [path for path in sorted(folder.iterdir())
               if FIGURES.fullmatch(path.name) and path.is_file()]
    for path in removed:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise PdeError(f"the run folder could not be written: cannot remove the earlier "
                           f"run's {path.name} ({error.strerror})", filename=str(folder)) from None
    return removed


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
