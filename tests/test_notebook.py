"""A Solution in a notebook: `plot`, `_repr_html_`, and docs/tutorial.ipynb runs.

The figures are checked against what they draw (the plotted line is `predict` at its
x, the loss curve is the history), the summary against the Solution's own numbers,
and the tutorial by executing it in a fresh Jupyter kernel.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.ipynb"
TEXT = "x in [0, 1]\nunknown u(x)\n-u_xx = pi^2*sin(pi*x)\nu = 0 on x = 0, x = 1\nexact u = sin(pi*x)\n"


@pytest.fixture(scope="module")
def solution():
    from pdedsl import solve

    return solve(TEXT, steps=4, width=6, depth=1, interior=24)


def test_plot_solution_draws_the_prediction(solution):
    figure = solution.plot()
    assert isinstance(figure, Figure)
    line = figure.axes[0].get_lines()[0]
    x, y = line.get_xdata(), line.get_ydata()
    np.testing.assert_allclose(y, solution.predict(np.asarray(x))["u"], rtol=1e-12, atol=1e-12)
    assert solution.plot(unknown="u").axes[0].get_title() == figure.axes[0].get_title()


def test_plot_training_draws_the_history(solution):
    figure = solution.plot("training")
    loss = figure.axes[0].get_lines()[0]
    np.testing.assert_array_equal(loss.get_xdata(), [r["step"] for r in solution.history])
    np.testing.assert_allclose(loss.get_ydata(), [r["loss"] for r in solution.history])


def test_plot_refuses_what_it_cannot_draw(solution):
    with pytest.raises(ValueError, match="kind must be one of solution, training"):
        solution.plot("kernel")
    with pytest.raises(ValueError, match="unknown 'v' is not one of u"):
        solution.plot(unknown="v")


def test_html_summary_states_the_run(solution):
    page = solution._repr_html_()
    cells = dict(re.findall(r"<th[^>]*>(.*?)</th><td[^>]*>(.*?)</td>", page))
    assert cells["status"] == solution.status and cells["steps"] == str(solution.steps) == "4"
    assert cells["file"] == "&lt;input&gt;"  # escaped: text is data, never markup
    assert float(cells["relative L2 u"]) == pytest.approx(solution.l2_relative_error["u"], rel=1e-3)
    assert float(cells["max |error| u"]) == pytest.approx(solution.max_abs_error["u"], rel=1e-3)
    assert float(cells["loss"]) == pytest.approx(solution.loss, rel=1e-3)
    image = re.search(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert base64.b64decode(image[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert float(cells["estimated error u"]) == pytest.approx(solution.error_estimate["u"], rel=1e-3)


def test_html_summary_of_an_inverse_problem_states_its_fitted_constant():
    from pdedsl.api import prepare
    from pdedsl.solution import Solution

    text = "x in [0, 1]\nunknown u(x)\nfit c = 1\nu = c\nexact c = 2\n"
    p = prepare(text, data={"x": [0.5], "u": [2.0]}, width=4, depth=1, interior=8)
    solution = Solution(problem=p.problem, config=p.config, model=p.model, points=p.points)
    cells = dict(re.findall(r"<th[^>]*>(.*?)</th><td[^>]*>(.*?)</td>", solution._repr_html_()))
    assert cells["fitted c"].startswith("1 ± ")
    assert "(exact 2, relative error 5.000e-01)" in cells["fitted c"]


def test_the_tutorial_notebook_runs(tmp_path, monkeypatch):
    """docs/tutorial.ipynb, executed top to bottom in a fresh kernel, in under a minute."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(TUTORIAL, as_version=4)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o.get("data", {}) for o in outputs]
    assert any("<th style='text-align:left'>status</th>" in d.get("text/html", "") for d in shown)
    assert sum("image/png" in d for d in shown) >= 3  # training curves, Green's function, a field
