"""A run folder used again (`--out` naming an earlier run's folder, or `--resume`): the
earlier run's figures that this run does not draw are gone, the checkpoint it resumes
from is read first, and files that are not pdedsl's stay."""

from __future__ import annotations

import json
from pathlib import Path

from pdedsl.plots import FIGURES, remove_figures

SYSTEM = """\
x in [0, 1]
unknown u(x)
unknown v(x)
fit k = 2
-u_xx = v
v = k*pi^2*sin(pi*x)
u = 0 on x = 0, x = 1
exact u = sin(pi*x)
exact v = pi^2*sin(pi*x)
exact k = 1
data "obs.csv"
"""

ONE = """\
x in [0, 1]
unknown u(x)
-u_xx = pi^2*sin(pi*x)
u = 0 on x = 0, x = 1
"""

SMALL = ["--steps", "2", "--set", "width=4", "--set", "depth=1", "--set", "interior=16",
         "--quiet"]
RUN = {"summary.json", "history.csv", "checkpoint.eqx", "checkpoint.json"}
USERS = {"notes.txt", "my_plot.png", "solution.png", "training.png.bak"}


def files(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def test_only_pdedsl_figures_of_a_run_folder_are_removed(tmp_path):
    ours = ["training.png", "solution_u.png", "solution_v_2.png", "fitted.png",
            "points.png", "ntk_initial.png", "nntk_trained_v.png", "green.png",
            "green_u.png", "spectrum.png"]
    for name in [*ours, *USERS, "summary.json"]:
        (tmp_path / name).write_text("x")
    assert remove_figures(tmp_path) == []  # no checkpoint: not a run folder
    assert files(tmp_path) == {*ours, *USERS, "summary.json"}
    (tmp_path / "checkpoint.json").write_text("{}")
    assert sorted(p.name for p in remove_figures(tmp_path)) == sorted(ours)
    assert files(tmp_path) == {*USERS, "summary.json", "checkpoint.json"}
    assert not any(FIGURES.fullmatch(name) for name in USERS)


def test_a_reused_folder_holds_only_the_last_run(tmp_path, capsys):
    from pdedsl.cli import main

    (tmp_path / "obs.csv").write_text("x,u\n0.25,0.7071067811865476\n0.5,1\n")
    (tmp_path / "a.pde").write_text(SYSTEM)
    (tmp_path / "b.pde").write_text(ONE)
    out = tmp_path / "run"
    assert main(["solve", str(tmp_path / "a.pde"), "--out", str(out), "--analyze",
                 *SMALL]) == 0
    first = files(out)
    assert {"solution_v.png", "fitted.png", "green_v.png", "ntk_trained_v.png"} <= first
    for name in USERS:
        (out / name).write_text("mine")

    assert main(["solve", str(tmp_path / "b.pde"), "--out", str(out), *SMALL]) == 0
    assert files(out) == RUN | USERS | {"training.png", "solution_u.png"}
    assert json.loads((out / "summary.json").read_text())["unknowns"] == ["u"]

    checkpoint = (out / "checkpoint.eqx").read_bytes()
    assert main(["solve", "--resume", str(out), "--out", str(tmp_path / "more"),
                 "--no-plots", *SMALL]) == 0
    assert (out / "checkpoint.eqx").read_bytes() == checkpoint  # --out: DIR is only read
    assert main(["solve", "--resume", str(out), "--no-plots", *SMALL]) == 0
    assert files(out) == RUN | USERS  # the figures were of the run before this piece
    assert json.loads((out / "summary.json").read_text())["steps"] == 4
    assert all((out / name).read_text() == "mine" for name in USERS)


def test_solution_save_into_an_earlier_run_folder_removes_its_figures(tmp_path):
    """`Solution.save(folder)` from Python wrote a new checkpoint beside the earlier run's
    figures (solution_v.png of an unknown the new problem lacks); files not pdedsl's stay."""
    from pdedsl import parse, solve
    from pdedsl.cli import main

    (tmp_path / "b.pde").write_text(ONE)
    out = tmp_path / "run"
    assert main(["solve", str(tmp_path / "b.pde"), "--out", str(out), *SMALL]) == 0
    for name in ["solution_v.png", *USERS]:
        (out / name).write_text("earlier")
    solution = solve(parse(ONE), steps=1, width=4, depth=1, interior=16)
    solution.save(out)
    assert files(out) == RUN | USERS
    assert solution.save(tmp_path / "fresh").is_dir()  # a new folder: made, nothing to remove
