"""`pdedsl solve` on an inverse problem, as the real command: the run folder's fitted
constants (summary, history, figure), the progress line and final table, `--data` in
place of the file's data statements, and its errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from test_cli_solve import history_rows, png_size, run_cli

# -u'' + k u = (pi^2 + k) sin(pi x): u = sin(pi x) whatever k, so the data alone say
# which k: the file's data (and the exact value) are for k = 2.
PROBLEM = """\
x in [0, 1]
unknown u(x)
fit k = 1
-u_xx + k*u = (pi^2 + 2)*sin(pi*x)
u = 0 on x = 0, x = 1
data "obs.csv"
exact u = sin(pi*x)
exact k = 2
"""
SMALL = ["--set", "width=8", "--set", "depth=1", "--set", "interior=24", "--set", "hold=2"]


def csv(xs, us) -> str:
    return "x,u\n" + "".join(f"{float(x)!r},{float(u)!r}\n" for x, u in zip(xs, us))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("inverse")
    xs = np.linspace(0.1, 0.9, 9)
    (root / "obs.csv").write_text(csv(xs, np.sin(np.pi * xs)))
    (root / "p.pde").write_text(PROBLEM)
    return root


@pytest.fixture(scope="module")
def run(folder):
    done = run_cli("solve", folder / "p.pde", "--steps", 20, *SMALL, "--out", folder / "run")
    assert done.returncode == 0, done.stderr
    return folder / "run", done


def test_the_run_folder_reports_the_fitted_constant(run):
    out, _ = run
    summary = json.loads((out / "summary.json").read_text())
    fitted = summary["fitted"]["k"]
    assert set(fitted) == {"value", "standard_error", "exact", "relative_error"}
    assert fitted["exact"] == 2.0
    assert fitted["relative_error"] == pytest.approx(abs(fitted["value"] - 2) / 2)
    assert fitted["standard_error"] > 0
    rows = history_rows(out)
    assert [r["fit_k"] for r in rows[:2]] == [1.0, 1.0]  # held for two steps
    assert rows[-1]["fit_k"] == fitted["value"]
    assert abs(fitted["value"] - 2) < 0.5  # moved toward 2 from 1
    assert png_size(out / "fitted.png")[0] > 300


def test_the_progress_line_and_the_table_show_it(run):
    _, done = run
    lines = done.stdout.splitlines()
    assert any(line.startswith("step 1/20 ") and "  k 1  " in line for line in lines)
    table = next(line for line in lines if "fitted k" in line)
    assert "±" in table and "(exact 2, relative error" in table


def test_data_replace_the_files_measurements(folder, tmp_path):
    """--data swaps the file's measurements for others: u doubled, which the equation
    explains with another k."""
    xs = np.linspace(0.1, 0.9, 9)
    other = tmp_path / "other.csv"
    other.write_text(csv(xs, 2 * np.sin(np.pi * xs)))
    done = run_cli("solve", folder / "p.pde", "--steps", 12, *SMALL, "--data", other,
                   "--out", tmp_path / "run", "--no-plots", "--quiet")
    assert done.returncode == 0, done.stderr
    from pdedsl import load

    swapped = load(tmp_path / "run")
    (obs,) = swapped.problem.observations
    assert obs.path == str(other)
    np.testing.assert_array_equal(obs.values["u"], 2 * np.sin(np.pi * xs))
    # u = 2 sin(pi x) solves -u'' + k u = (pi^2 + 2) sin(pi x) for k = 1 - pi^2/2 < 0
    assert swapped.fitted["k"] < 1


def test_a_bad_data_file_exits_2_at_its_line_and_column(folder, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,u\n0.5,1\n0.6,\n")
    done = run_cli("solve", folder / "p.pde", "--data", bad, "--out", tmp_path / "run")
    assert done.returncode == 2
    assert done.stderr.startswith(f"{bad}:3:5: error: missing value for column 'u'")
    assert "Traceback" not in done.stderr and not (tmp_path / "run").exists()


def test_resume_refuses_new_data(run, folder, capsys):
    from pdedsl.cli import main

    out, _ = run
    assert main(["solve", "--resume", str(out), "--data", str(folder / "obs.csv")]) == 2
    assert "--data cannot change the measurements" in capsys.readouterr().err


def test_the_comparison_table_has_a_column_per_fitted_constant():
    import io

    from pdedsl.progress import comparison_table

    row = {"solver": "anagram", "status": "converged", "steps": 3, "seconds": 1.0,
           "compile_seconds": 2.0, "loss": 1e-3}
    stream = io.StringIO()
    comparison_table([{**row, "fitted": {"k": {"value": 2.0001}}},
                      {**row, "solver": "adam", "fitted": {"k": {"value": 1.5}}}], "t", stream)
    lines = stream.getvalue().splitlines()
    header = next(line for line in lines if "solver" in line)
    assert header.rstrip().endswith(" k ┃")
    assert "2.0001" in next(line for line in lines if "anagram" in line)
    assert "1.5" in next(line for line in lines if "adam" in line)
