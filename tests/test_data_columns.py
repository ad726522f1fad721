"""The columns a data file needs: the variables of the unknowns it observes (an unknown
c(x) of a problem in t and x is measured without a t column), each missing one an
error at the header; other variables of the problem may have a column too."""

import json
from pathlib import Path

import numpy as np
import pytest

from pdedsl.language import PdeError, parse_file
from pdedsl.language.data import Observations
from pdedsl.language.show import show
from pdedsl.language.tables import observations_for

HEAT = """const T = 1
time t in [0, T]
x in [0, 2]
unknown u(t, x)
unknown c(x)
u_t = c*u_xx
u = sin(pi*x) on t = 0
u = 0 on x = 0, x = 2
data "obs.csv"
"""


def problem_with(tmp_path: Path, csv: str, text: str = HEAT):
    (tmp_path / "obs.csv").write_text(csv)
    (tmp_path / "p.pde").write_text(text)
    return parse_file(tmp_path / "p.pde")


def test_an_unknown_of_fewer_variables_needs_only_their_columns(tmp_path):
    problem = problem_with(tmp_path, "x,c\n0.5,1\n1.5,2\n")
    (obs,) = problem.observations
    assert obs.unknowns == ("c",) and obs.measured == ("x",)
    np.testing.assert_array_equal(obs.values["c"], [1, 2])
    np.testing.assert_array_equal(obs.points[:, 1], [0.5, 1.5])
    assert obs.points.shape == (2, 2) and np.isfinite(obs.points).all()
    assert "obs.csv: 2 observations of c at (x)" in show(problem)


def test_a_column_no_observed_unknown_needs_is_kept(tmp_path):
    """Files with every variable, as before, still read: the t column is a coordinate."""
    (obs,) = problem_with(tmp_path, "t,x,c\n0.25,0.5,1\n").observations
    assert obs.measured == ("t", "x")
    np.testing.assert_array_equal(obs.points, [[0.25, 0.5]])


def test_a_missing_column_of_the_observed_unknown_is_an_error_at_the_header(tmp_path):
    with pytest.raises(PdeError) as caught:
        problem_with(tmp_path, "t,c\n0.5,1\n")
    error = caught.value
    assert error.filename == str(tmp_path / "obs.csv") and error.line == 1
    assert error.message.startswith(
        "no column for the variable 'x', which the observed unknown c(x) depends on")


def test_an_observation_of_u_at_a_time_slice_still_needs_its_time(tmp_path):
    """u depends on t: a file of u(0.5, x) writes t = 0.5 in every row."""
    with pytest.raises(PdeError, match=r"no column for the variable 't', which the "
                                       r"observed unknown u\(t, x\) depends on"):
        problem_with(tmp_path, "x,u\n0.5,1\n")
    (obs,) = problem_with(tmp_path, "t,x,u\n0.5,0.5,1\n0.5,1,2\n").observations
    assert obs.measured == ("t", "x")


def test_two_unknowns_in_one_file_need_the_union_of_their_variables(tmp_path):
    with pytest.raises(PdeError, match=r"variable 't', which the observed unknown u\(t, x\)"):
        problem_with(tmp_path, "x,c,u\n0.5,1,2\n")
    (obs,) = problem_with(tmp_path, "x,c,t,u\n0.5,1,0,2\n").observations
    assert obs.unknowns == ("u", "c")


def test_a_system_of_an_ode_unknown_and_a_field(tmp_path):
    text = ("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nunknown v(t)\n"
            "u_t = u_xx + v\nv_t = -v\nu = 0 on t = 0\nu = 0 on x = 0, x = 1\n"
            "v = 1 on t = 0\ndata \"obs.csv\"\n")
    (obs,) = problem_with(tmp_path, "t,v\n0.5,0.6\n1,0.37\n", text).observations
    assert obs.measured == ("t",)
    np.testing.assert_array_equal(obs.points[:, 0], [0.5, 1])


def test_data_from_python_follow_the_same_rules(tmp_path):
    problem = problem_with(tmp_path, "x,c\n0.5,1\n")
    (obs,) = observations_for(problem, {"x": [0.25, 1.0], "c": [3.0, 4.0]})
    assert obs.measured == ("x",)
    with pytest.raises(PdeError, match="no column for the variable 'x'"):
        observations_for(problem, {"t": [0.25], "c": [3.0]})


def test_a_new_range_does_not_refuse_a_column_the_file_lacks(tmp_path):
    """The filler of t (the middle of its range) is no measurement: T = 0.2 keeps it."""
    problem = problem_with(tmp_path, "x,c\n0.5,1\n")
    assert problem.with_constants(T=0.2).observations == problem.observations
    timed = problem_with(tmp_path, "t,x,c\n0.5,0.5,1\n")
    with pytest.raises(ValueError, match="hold t outside its range"):
        timed.with_constants(T=0.2)


def test_the_measured_columns_survive_a_saved_run(tmp_path):
    (obs,) = problem_with(tmp_path, "x,c\n0.5,1\n").observations
    again = Observations.from_json(json.loads(json.dumps(obs.to_json())))
    assert again == obs and again.measured == ("x",)
    older = {k: v for k, v in obs.to_json().items() if k != "measured"}
    assert Observations.from_json(older).measured == ("t", "x")


def test_a_region_point_is_checked_only_with_every_region_column(tmp_path):
    text = ("time t in [0, 1]\n(x, y) in annulus((0, 0), 1, 2)\nunknown u(t, x, y)\n"
            "unknown a(t)\nu_t = laplacian(u) - a*u\nu = 0 on t = 0\nu = 0 on boundary\n"
            "data \"obs.csv\"\n")
    (obs,) = problem_with(tmp_path, "t,a\n0.5,1\n", text).observations
    assert obs.measured == ("t",)  # x = y = 0, in the hole, is only a filler
    with pytest.raises(PdeError, match=r"the point \(t = 0.5, x = 0.0, y = 0.0\) is "
                                       "outside the domain"):
        problem_with(tmp_path, "t,x,y,a\n0.5,0,0,1\n", text)


def test_a_run_fits_an_unknown_measured_without_the_time_column():
    """c(x) is fixed up to a constant by its equation: only the data (x, c) give it."""
    from pdedsl import prepare

    text = ("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nunknown c(x)\nu_t = u_xx\n"
            "c_x = pi*cos(pi*x)\nu = sin(pi*x) on t = 0\nu = 0 on x = 0, x = 1\n")
    xs = np.linspace(0.1, 0.9, 5)
    measured = np.sin(np.pi * xs) + 0.5
    solution = prepare(text, data={"x": xs, "c": measured}, width=8, depth=1,
                       interior=64, steps=40).train()
    for t in (0.1, 0.9):
        got = solution.predict(np.column_stack([np.full(5, t), xs]))["c"]
        np.testing.assert_allclose(got, measured, atol=1e-2)
