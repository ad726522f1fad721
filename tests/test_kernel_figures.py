"""The kernel and Green's function figures are readable: each panel shows its kernel's
shape on one colour scale, ticks never collide, colour-bar labels stay clear of 0.

Checked against the kernel values themselves (`kernel_values`, computed apart from
the figure) on an untrained network: no training needed.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import SymLogNorm

from pdedsl import prepare
from pdedsl.plots import kernels
from pdedsl.solution import Solution

LAPLACE = ("x in [0, 1]\ny in [0, 2]\nunknown u(x, y)\nlaplacian(u) = -2*pi^2*sin(pi*x)*sin(pi*y)\n"
           "u = 0 on boundary\n")


@pytest.fixture(scope="module")
def tangent():
    p = prepare(LAPLACE, width=8, depth=1, interior=64, boundary=32)
    return Solution(problem=p.problem, config=p.config, model=p.model, points=p.points).tangent


def test_each_panel_is_its_kernel_over_its_largest_value(tangent):
    sources, values = kernels.kernel_values(tangent, "nntk")
    figure = kernels.kernel_figure(tangent, "nntk")
    images = [a.get_images()[0] for a in figure.axes if a.get_images()]
    assert len(images) == 16 == len(sources)
    for image, panel, row in zip(images, figure.axes, values):
        top = np.max(np.abs(row))
        np.testing.assert_allclose(np.ravel(image.get_array()), row / top, rtol=1e-12)
        assert panel.get_title().endswith(f"max {top:.2g}")
    assert images[0].norm.vmax == 1 and images[0].norm.vmin == -1


def test_ticks_stay_inside_each_panel_and_axes_are_named(tangent):
    figure = kernels.kernel_figure(tangent, "ntk")
    panels = [a for a in figure.axes if a.get_images()]
    for panel in panels:
        ticks, limits = panel.get_xticks(), panel.get_xlim()
        shown = ticks[(ticks >= min(limits)) & (ticks <= max(limits))]
        assert len(shown) >= 2 and min(limits) < shown.min() and shown.max() < max(limits)
        ticks, limits = panel.get_yticks(), panel.get_ylim()
        shown = ticks[(ticks >= min(limits)) & (ticks <= max(limits))]
        assert len(shown) >= 2 and min(limits) < shown.min() and shown.max() < max(limits)
    assert {panels[-1].get_xlabel(), panels[0].get_ylabel()} == {"x", "y"}


def test_colour_bar_labels_keep_clear_of_zero():
    norm = SymLogNorm(linthresh=3e-3, vmin=-1, vmax=1, base=10)
    ticks = kernels.symlog_ticks(norm)
    assert 0.0 in ticks and ticks == sorted(ticks) and ticks == [-t for t in reversed(ticks)]
    assert all(abs(t) >= 2 * norm.linthresh for t in ticks if t)
    assert len(ticks) <= 2 * kernels.BAR_TICKS + 1
    # Their places on the bar: every two labels at least a tenth of the bar apart.
    places = np.sort(norm(np.array(ticks)))
    assert np.min(np.diff(places)) > 0.1


def test_the_scale_is_linear_below_the_small_values():
    values = np.concatenate([np.full(90, 1.0), np.full(10, 0.02), [-0.5]])
    norm = kernels._symlog(values)
    assert norm.linthresh == pytest.approx(np.quantile(np.abs(values), kernels.LOW_QUANTILE))
    tiny = kernels._symlog(np.array([1.0, 1e-12, 1e-12, 1e-12]))
    assert tiny.linthresh == pytest.approx(10.0**-kernels.MAX_DECADES)  # at most 4 decades
