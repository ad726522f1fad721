"""A Solution in a notebook: its figures as matplotlib Figures, and an HTML summary.

`figure(solution, kind, unknown)` is `Solution.plot`: the same figures `pdedsl solve`
writes into a run folder, returned instead of saved. `summary_html(solution)` is
`Solution._repr_html_`, what Jupyter shows for a Solution: how the run ended (the
table `pdedsl solve` prints) and the trained field, inline as a PNG data URI, so the
notebook file carries it with no file beside it.
"""

from __future__ import annotations

import base64
import html
import io
import math

from matplotlib.figure import Figure

KINDS = ("solution", "training")
INLINE_DPI = 72  # the inline figure: legible, and small in the saved notebook


def figure(solution, kind: str = "solution", unknown: str | None = None) -> Figure:
    """The trained field of `unknown` (default: the first) with the exact one and the
    error, or the training curves (loss and errors against step and seconds)."""
    from . import _file_name
    from .fields import field_figures
    from .training import training_figure

    if kind not in KINDS:
        raise ValueError(f"plot: kind must be one of {', '.join(KINDS)}, not '{kind}'")
    name = _file_name(solution)
    if kind == "training":
        title = f"{name}: {solution.config.solver}, {solution.status} after {solution.steps} steps"
        return training_figure(solution.history, title)
    unknown = unknown if unknown is not None else solution.unknowns[0]
    if unknown not in solution.unknowns:
        raise ValueError(f"plot: unknown '{unknown}' is not one of {', '.join(solution.unknowns)}")
    return field_figures(solution, name)[unknown]


def summary_html(solution) -> str:
    """A table of how the run ended, then the first unknown's field as an inline PNG."""
    from . import _file_name

    rows = [
        ("file", _file_name(solution)),
        ("solver", solution.config.solver),
        ("status", solution.status),
        ("reason", solution.reason),
        ("steps", str(solution.steps)),
        ("training", f"{solution.seconds:.2f} s"),
        ("compile", f"{solution.compile_seconds:.2f} s"),
        ("loss", _number(solution.loss)),
    ]
    for label, errors in (("relative L2", solution.l2_relative_error),
                          ("max |error|", solution.max_abs_error),
                          ("estimated error", solution.error_estimate)):
        rows += [(f"{label} {name}", _number(value)) for name, value in (errors or {}).items()]
    rows += _fitted_rows(solution)
    table = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                    f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    image = png_data_uri(figure(solution, "solution")) if solution.unknowns else ""
    picture = f"<img src='{image}' alt='the trained solution' style='max-width:100%'>" if image else ""
    return f"<div><table>{table}</table>{picture}</div>"


def _fitted_rows(solution) -> list[tuple[str, str]]:
    """An inverse problem's fitted constants as `pdedsl solve`'s table shows them (value ±
    standard error, exact value and relative error): the result such a run is for."""
    if not solution.problem.fitted:
        return []
    from ..progress import fitted_text
    from ..run import fitted_summary

    table, _ = fitted_summary(solution)
    return [(f"fitted {name}", fitted_text(fitted)) for name, fitted in table.items()]


def png_data_uri(fig: Figure, dpi: int = INLINE_DPI) -> str:
    """`data:image/png;base64,...` of a figure, for an <img> that needs no file."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _number(value: float | None) -> str:
    return f"{value:.3e}" if value is not None and math.isfinite(value) else str(value)
