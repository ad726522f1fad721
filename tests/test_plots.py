"""The figures: what each panel shows, its axes, and that the values drawn are the
right ones (checked against the exact solutions written in the tests). No training:
an untrained model is enough to draw."""

from __future__ import annotations

import numpy as np
import pytest

HISTORY = [
    {"step": k, "seconds": 0.1 * k, "loss": 10.0 ** -k, "eta": 1.0, "rank": 5, "l2_u": 10.0 ** (-k / 2)}
    for k in range(1, 11)
]

POISSON = """\
x in [0, 1]
unknown u(x)
-u_xx = pi^2*sin(pi*x)
u = 0   on x = 0, x = 1
exact u = sin(pi*x)
"""

HEAT = """\
time t in [0, 1]
x in [0, 2]
const kappa = 1/4
unknown u(t, x)
u_t - kappa*u_xx = 0
u = 0              on x = 0, x = 2
u = sin(pi*x/2)    on t = 0
exact u = exp(-kappa*pi^2*t/4)*sin(pi*x/2)
"""

HEAT2D = """\
time t in [0, 1]
x in [0, 1]
y in [0, 1]
unknown u(t, x, y)
u_t - laplacian(u) = 0
u = 0                          on boundary
u = sin(pi*x)*sin(pi*y)        on t = 0
"""


def untrained(text: str, **overrides):
    from pdedsl import prepare
    from pdedsl.solution import Solution

    p = prepare(text, width=4, depth=1, **overrides)
    return Solution(problem=p.problem, config=p.config, model=p.model, history=HISTORY)


def test_training_figure_has_step_and_seconds_panels_on_log_scales():
    from pdedsl.plots.training import training_figure

    figure = training_figure(HISTORY, "title")
    step, seconds = figure.axes
    assert step.get_xlabel() == "step" and "s" in seconds.get_xlabel()
    assert step.get_yscale() == seconds.get_yscale() == "log"
    for panel, x in ((step, "step"), (seconds, "seconds")):
        loss, error = panel.get_lines()
        np.testing.assert_array_equal(loss.get_xdata(), [r[x] for r in HISTORY])
        np.testing.assert_array_equal(loss.get_ydata(), [r["loss"] for r in HISTORY])
        np.testing.assert_array_equal(error.get_ydata(), [r["l2_u"] for r in HISTORY])
    labels = [t.get_text() for t in seconds.get_legend().get_texts()]
    assert labels[0].startswith("loss") and "u" in labels[1]


def test_training_figure_of_a_run_without_steps_says_so():
    from pdedsl.plots.training import training_figure

    figure = training_figure([], "title")
    assert any("no step" in t.get_text() for t in figure.axes[0].texts)


def test_comparison_draws_one_colour_per_solver():
    from pdedsl.plots.training import comparison_figure

    slower = [{**row, "seconds": 2 * row["seconds"], "loss": row["loss"] * 10} for row in HISTORY]
    figure = comparison_figure({"anagram": HISTORY, "adam": slower}, "title")
    assert len(figure.axes) == 4  # loss and error, against step and seconds
    top_right = figure.axes[1]
    assert [t.get_text() for t in top_right.get_legend().get_texts()] == ["anagram", "adam"]
    anagram, adam = top_right.get_lines()
    np.testing.assert_array_equal(adam.get_xdata(), [r["seconds"] for r in slower])
    assert anagram.get_color() != adam.get_color()
    no_exact = [{k: v for k, v in r.items() if k != "l2_u"} for r in HISTORY]
    assert len(comparison_figure({"a": no_exact}, "t").axes) == 2


def test_comparison_names_a_solver_that_did_no_step():
    from pdedsl.plots.training import comparison_figure

    figure = comparison_figure({"anagram": [], "adam": HISTORY}, "title")
    legend = [t.get_text() for t in figure.axes[1].get_legend().get_texts()]
    assert legend == ["anagram: no step done", "adam"]


def test_1d_figure_draws_prediction_exact_and_error():
    from pdedsl.plots.fields import field_figures

    solution = untrained(POISSON)
    figure = field_figures(solution, "p.pde")["u"]
    values, error = figure.axes
    predicted, exact = values.get_lines()
    x = exact.get_xdata()
    np.testing.assert_allclose(exact.get_ydata(), np.sin(np.pi * x), atol=1e-14)
    np.testing.assert_allclose(predicted.get_ydata(), solution.predict(x)["u"])
    assert error.get_yscale() == "log" and values.get_xlabel() == "" and error.get_xlabel() == "x"
    assert "relative L2" in figure.get_suptitle() and "p.pde" in figure.get_suptitle()


def test_space_time_heatmap_has_x_across_and_t_upwards():
    from pdedsl.plots.fields import field_figures

    figure = field_figures(untrained(HEAT), "heat.pde")["u"]
    images = [a for a in figure.axes if a.images]
    assert len(images) == 3  # prediction, exact, error
    exact = images[1]
    assert (exact.get_xlabel(), exact.get_ylabel()) == ("x", "t")
    assert tuple(exact.images[0].get_extent()) == (0, 2, 0, 1)
    data = np.asarray(exact.images[0].get_array())
    t = np.linspace(0, 1, data.shape[0])[:, None]
    x = np.linspace(0, 2, data.shape[1])[None, :]
    np.testing.assert_allclose(data, np.exp(-np.pi**2 * t / 16) * np.sin(np.pi * x / 2), atol=1e-12)


def test_more_variables_are_shown_as_slices_through_the_centre():
    from pdedsl.plots.fields import field_figures

    figure = field_figures(untrained(HEAT2D), "heat2d.pde")["u"]
    panels = [a for a in figure.axes if a.images]
    assert len(panels) == 2  # no exact solution: one panel per slice
    assert [(a.get_xlabel(), a.get_ylabel()) for a in panels] == [("x", "y"), ("x", "t")]
    assert "t = 0.5" in panels[0].get_title() and "y = 0.5" in panels[1].get_title()


def test_plot_run_writes_the_pngs(tmp_path):
    from pdedsl.plots import plot_run

    solution = untrained(POISSON)
    solution.save(tmp_path)
    written = plot_run(tmp_path)
    assert sorted(p.name for p in written) == ["solution_u.png", "training.png"]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("error, log", [(np.array([1e-9, 1e-3]), True), (np.array([2.0, 3.0]), False),
                                         (np.zeros(3), False)])
def test_error_colour_scale_is_logarithmic_only_over_a_decade_or_more(error, log):
    from pdedsl.plots.fields import _log_norm

    assert (_log_norm(error) is not None) == log


ANNULUS = """\
region outer = disk((0, 0), 1)
region inner = disk((0, 0), 1/2)
(x, y) in outer minus inner
unknown u(x, y)
-laplacian(u) = 4
u = 1 - x^2 - y^2   on outer
dn(u) = 1           on inner
exact u = 1 - x^2 - y^2
"""


def test_a_region_is_blank_outside_with_its_outline_and_its_points_drawn():
    from pdedsl.plots.fields import field_figures
    from pdedsl.plots.points import points_figure

    solution = untrained(ANNULUS)
    predicted, exact, error = field_figures(solution, "a.pde")["u"].axes[:3]
    image = exact.get_images()[0]
    left, right, bottom, top = image.get_extent()
    values = np.ma.filled(image.get_array(), np.nan)
    ny, nx = values.shape
    X, Y = np.meshgrid(np.linspace(left, right, nx), np.linspace(bottom, top, ny))
    r = np.hypot(X, Y)
    assert np.all(np.isnan(values[(r > 1 + 1e-9) | (r < 0.5 - 1e-9)]))
    inside = (r < 1 - 1e-9) & (r > 0.5 + 1e-9)
    np.testing.assert_allclose(values[inside], 1 - r[inside] ** 2, atol=1e-12)
    outer, inner = exact.get_lines()  # the outline: the two circles
    assert np.allclose(np.hypot(outer.get_xdata(), outer.get_ydata()), 1)
    assert np.allclose(np.hypot(inner.get_xdata(), inner.get_ydata()), 0.5)

    from pdedsl.analysis import collocation_points

    points = collocation_points(solution)
    figure = points_figure(solution.problem, solution.compiled.blocks, points, "points")
    panel = figure.axes[0]
    labels = [t.get_text() for t in panel.get_legend().get_texts()]
    assert labels == [f"line 5: interior ({len(points[0])} points)",
                      f"line 6: on outer ({len(points[1])} points)",
                      f"line 7: on inner ({len(points[2])} points)"]
    (arrows_outer, arrows_inner) = [c for c in panel.collections if hasattr(c, "U")]
    assert np.allclose(np.hypot(arrows_inner.U, arrows_inner.V), 1)
    at = arrows_inner.get_offsets()
    np.testing.assert_allclose(np.column_stack([arrows_inner.U, arrows_inner.V]), -at / 0.5,
                               atol=1e-12)  # into the hole
    assert points_figure(untrained(POISSON).problem, [], [], "box") is None


TWO_BALLS = """\
(x, y, z) in ball((0, 0, 0), 1) union ball((5, 0, 0), 1)
unknown u(x, y, z)
-laplacian(u) = 1
u = 0 on boundary
"""


def test_slices_pass_through_the_region_when_the_centre_of_its_box_is_outside_it():
    from pdedsl.plots.fields import field_figures

    figure = field_figures(untrained(TWO_BALLS, interior=50, boundary=20), "b.pde")["u"]
    panels = [a for a in figure.axes if a.images]
    assert [(a.get_xlabel(), a.get_ylabel()) for a in panels] == [("x", "y"), ("y", "z")]
    for panel in panels:  # the y-z slice at x = 2.5, between the balls, drew nothing
        assert np.isfinite(np.ma.filled(panel.get_images()[0].get_array(), np.nan)).any()
    x = float(panels[1].get_title().split("x = ")[1])
    assert min(abs(x), abs(x - 5)) <= 1


DISK_NEUMANN = """\
(x, y) in disk((0, 0), 1)
unknown u(x, y)

-laplacian(u) = 4
dn(u) = -2          on boundary
u = 1               at x = 0, y = 0
mean(u) = 1/2
exact u = 1 - x^2 - y^2
"""


def test_the_points_figure_names_point_and_mean_conditions_by_their_line():
    from pdedsl.analysis import collocation_points
    from pdedsl.plots.points import points_figure

    solution = untrained(DISK_NEUMANN)
    points = collocation_points(solution)
    figure = points_figure(solution.problem, solution.compiled.blocks, points, "points")
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels == [f"line 4: interior ({len(points[0])} points)",
                      f"line 5: on boundary ({len(points[1])} points)",
                      "line 6: at x = 0, y = 0 (1 point)",
                      f"line 7: mean ({len(points[3])} points)"]
