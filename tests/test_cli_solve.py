"""`pdedsl solve / plot / compare`, run as the real command in a subprocess.

One small problem (1D Poisson, a 1-8-1 network: a few milliseconds a step; the
cost is JAX's start and compile) is trained once for the module and its run
folder checked; resume, plot and the faults each run the command again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
POISSON = ROOT / "examples" / "poisson1d.pde"
SMALL = ["--set", "width=8", "--set", "depth=1"]
SUMMARY_KEYS = {"file", "sha256", "solver", "steps", "seconds", "compile_seconds", "loss",
                "status", "l2_relative_error", "max_abs_error"}

# Finite loss, NaN Jacobian: d sqrt(z)/dθ at z = x*u^2 = 0 on x = 0 is inf*0, so the
# first step has no finite candidate and the run diverges, keeping the initial θ.
DIVERGING = """\
x in [0, 1]
unknown u(x)
-u_xx = pi^2*sin(pi*x)
u + sqrt(x*u^2) = 0     on x = 0
u = 0                   on x = 1
exact u = sin(pi*x)
"""

SCALED = """\
x in [0, 1]
const a = 1
unknown u(x)
-u_xx = a*pi^2*sin(pi*x)
u = 0   on x = 0, x = 1
exact u = a*sin(pi*x)
"""


# The commands share a JAX compilation cache: runs of one problem compile its step once.
CACHE = {"JAX_COMPILATION_CACHE_DIR": str(Path(tempfile.gettempdir()) / "pdedsl-test-jax-cache"),
         "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0"}


def run_cli(*args, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*args), capture_output=True, text=True, timeout=timeout,
                          cwd=kwargs.pop("cwd", ROOT), env={**os.environ, **CACHE}, **kwargs)


def _command(*args) -> list[str]:
    script = Path(sys.executable).parent / "pdedsl"  # the installed console script
    head = [str(script)] if script.exists() else [sys.executable, "-m", "pdedsl"]
    return [*head, *map(str, args)]


def history_rows(folder: Path) -> list[dict]:
    from pdedsl.run import read_history

    return read_history(folder / "history.csv")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (and a check that it is a PNG)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def base_run(tmp_path_factory) -> Path:
    """The scaled problem with --set a=3, a 1-16-1 network trained to convergence
    (about 80 steps of a millisecond, relative L2 error near 1e-10)."""
    folder = tmp_path_factory.mktemp("runs")
    source = folder / "scaled.pde"
    source.write_text(SCALED)
    done = run_cli("solve", source, "--steps", 300, "--set", "width=16", "--set", "depth=1",
                   "--set", "a=3", "--set", "rcond=1e-7", "--out", folder / "run")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return folder / "run"


def test_run_folder_holds_summary_history_checkpoint_and_figures(base_run):
    names = {p.name for p in base_run.iterdir()}
    assert {"summary.json", "history.csv", "checkpoint.eqx", "checkpoint.json",
            "training.png", "solution_u.png"} <= names

    def standard(constant):  # Infinity and NaN are not JSON: strict readers refuse them
        raise AssertionError(f"summary.json holds {constant}")

    summary = json.loads((base_run / "summary.json").read_text(), parse_constant=standard)
    json.loads((base_run / "checkpoint.json").read_text(), parse_constant=standard)
    assert summary["config"]["solver_options"]["seconds"] == "inf"  # no time budget
    source = base_run.parent / "scaled.pde"
    assert SUMMARY_KEYS <= set(summary)
    assert summary["file"] == str(source)
    assert summary["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert summary["solver"] == "anagram"
    assert summary["status"] in ("converged", "max_steps")
    steps = summary["steps"]
    assert summary["seconds"] > 0 and summary["compile_seconds"] > 0
    assert set(summary["l2_relative_error"]) == {"u"} == set(summary["max_abs_error"])
    assert summary["config"]["model"]["width"] == 16
    assert summary["residual_ratio"] < 10 and summary["warnings"] == []  # smooth: points enough

    rows = history_rows(base_run)
    assert [r["step"] for r in rows] == list(range(1, steps + 1))
    assert all(a["seconds"] <= b["seconds"] for a, b in zip(rows, rows[1:]))
    assert rows[-1]["seconds"] == pytest.approx(summary["seconds"])
    # the summary's loss is ½‖r‖² of the saved θ; the last row's, the line search's
    assert summary["loss"] == pytest.approx(rows[-1]["loss"], rel=1e-8)
    assert {"loss", "eta", "rank", "l2_u"} <= set(rows[0])

    for name in ("training.png", "solution_u.png"):
        width, height = png_size(base_run / name)
        assert 500 <= width <= 2500 and 300 <= height <= 2000
        assert (base_run / name).stat().st_size > 20_000  # more than an empty canvas


def test_load_predicts_what_the_run_measured(base_run):
    import pdedsl

    summary = json.loads((base_run / "summary.json").read_text())
    solution = pdedsl.load(base_run)
    assert solution.steps == summary["steps"] and solution.status == summary["status"]
    # the summary's errors were measured on the in-memory model before saving
    assert solution.l2_relative_error["u"] == pytest.approx(summary["l2_relative_error"]["u"], rel=1e-12)
    assert solution.max_abs_error["u"] == pytest.approx(summary["max_abs_error"]["u"], rel=1e-12)


def test_saved_model_predicts_the_same_values(tmp_path):
    from pdedsl import load, run

    solution = run.solve(SCALED, {"steps": 2, "width": 8, "depth": 1})
    x = np.linspace(0, 1, 57)
    before = solution.predict(x)["u"]
    run.write(tmp_path, solution)
    after = load(tmp_path).predict(x)["u"]
    np.testing.assert_array_equal(after, before)


def test_resume_continues_the_step_count(base_run, tmp_path):
    folder = tmp_path / "resumed"
    shutil.copytree(base_run, folder)
    before = json.loads((folder / "summary.json").read_text())
    done = run_cli("solve", "--resume", folder, "--steps", 3, "--no-plots")
    assert done.returncode == 0, done.stderr

    summary = json.loads((folder / "summary.json").read_text())
    rows = history_rows(folder)
    assert [r["step"] for r in rows] == list(range(1, before["steps"] + 4))
    assert summary["steps"] == before["steps"] + 3
    assert summary["seconds"] > before["seconds"]
    assert all(a["seconds"] <= b["seconds"] for a, b in zip(rows, rows[1:]))
    assert summary["sha256"] == before["sha256"] and summary["file"] == before["file"]
    # it went on from the trained θ, not from the start; the line search never climbs
    # (beyond rounding, large relative to a loss near 1e-15)
    assert rows[before["steps"]]["loss"] < 1e-6 * rows[0]["loss"]
    assert summary["loss"] <= before["loss"] * 1.01
    assert summary["config"]["model"] == before["config"]["model"]


def test_resume_of_a_folder_saved_from_python_names_the_problems_file(tmp_path, capsys):
    from pdedsl import prepare
    from pdedsl.cli import main
    from pdedsl.solution import Solution

    start = prepare(POISSON, width=4, depth=1, interior=8)
    folder = Solution(problem=start.problem, config=start.config, model=start.model).save(
        tmp_path / "saved")  # a checkpoint, no summary.json
    assert main(["solve", "--resume", str(folder), "--steps", "1", "--no-plots", "--quiet"]) == 0
    assert json.loads((folder / "summary.json").read_text())["file"] == str(POISSON)

@pytest.mark.parametrize("args, message", [
    (["--set", "width=9"], "cannot change the model when resuming"),
    (["--set", "a=2"], "cannot change the constants when resuming"),
    (["--seed", "4"], "cannot change the seed when resuming"),
    ([str(POISSON)], "differs from the problem of the run"),
])
def test_resume_refuses_what_the_checkpoint_cannot_fit(base_run, capsys, args, message):
    from pdedsl.cli import main

    before = (base_run / "summary.json").read_text()
    assert main(["solve", "--resume", str(base_run), "--steps", "1", *args]) == 2
    assert message in capsys.readouterr().err
    assert (base_run / "summary.json").read_text() == before


def test_set_changes_the_constant_and_a_setting(base_run):
    import pdedsl

    summary = json.loads((base_run / "summary.json").read_text())
    assert summary["constants"] == {"a": "3"}
    assert summary["config"]["solver_options"]["rcond"] == 1e-7
    x = np.linspace(0, 1, 101)
    u = pdedsl.load(base_run).predict(x)["u"]
    np.testing.assert_allclose(u, 3 * np.sin(np.pi * x), atol=1e-3)  # a = 1 would give sin


def test_ctrl_c_stops_after_a_step_and_writes_everything(tmp_path):
    out = tmp_path / "run"
    process = subprocess.Popen(
        _command("solve", POISSON, "--steps", 10**6, "--set", "patience=1000000", *SMALL,
                 "--no-plots", "--out", out),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **CACHE},
    )
    try:
        for line in process.stdout:  # plain lines: the first step is printed at once
            if line.startswith("step "):
                break
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted"
    rows = history_rows(out)
    assert summary["steps"] == len(rows) == rows[-1]["step"] >= 1
    import pdedsl

    solution = pdedsl.load(out)
    assert solution.steps == summary["steps"]
    assert np.all(np.isfinite(solution.predict(np.linspace(0, 1, 11))["u"]))


def test_ctrl_c_after_the_last_step_keeps_the_trained_run(monkeypatch):
    from pdedsl import estimate, prepare

    def pressed(solution):
        raise KeyboardInterrupt

    monkeypatch.setattr(estimate, "may_be_too_few", pressed)  # the check of the points
    solution = prepare(POISSON, steps=2, width=4, depth=1, interior=8).train()
    assert solution.status == "interrupted" and solution.steps == 2
    assert solution.reason == "interrupted after step 2, while checking its points"

    from pdedsl.api import Prepared

    made = Prepared._solution

    def signalled(*args):  # Ctrl-C while the trained model is put together
        os.kill(os.getpid(), signal.SIGINT)
        return made(*args)

    monkeypatch.setattr(Prepared, "_solution", signalled)
    solution = prepare(POISSON, steps=2, width=4, depth=1, interior=8).train()
    assert (solution.status, solution.reason) == ("interrupted", "interrupted after step 2")


def test_ctrl_c_while_the_folder_is_written_writes_it_first(tmp_path, monkeypatch, capsys):
    from pdedsl import run
    from pdedsl.cli import main

    summary = run.summary

    def pressed(*args):
        os.kill(os.getpid(), signal.SIGINT)
        return summary(*args)

    monkeypatch.setattr(run, "summary", pressed)
    out = tmp_path / "run"
    assert main(["solve", str(POISSON), "--steps", "2", *SMALL, "--set", "refine=1", "--quiet",
                 "--no-plots", "--out", str(out)]) == 130
    assert json.loads((out / "summary.json").read_text())["steps"] == 2
    assert len(history_rows(out)) == 2
    assert f"interrupted after writing {out}" in capsys.readouterr().err

def test_divergence_keeps_the_last_good_checkpoint(tmp_path):
    source = tmp_path / "diverging.pde"
    source.write_text(DIVERGING)
    out = tmp_path / "run"
    done = run_cli("solve", source, "--steps", 20, *SMALL, "--quiet", "--out", out)
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip() == str(out)  # --quiet prints only the folder
    assert "diverged" in done.stderr and "Traceback" not in done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "diverged"
    assert summary["reason"] and "\n" not in summary["reason"]
    assert summary["steps"] == 0 and history_rows(out) == []
    assert math.isfinite(summary["loss"])
    assert png_size(out / "solution_u.png")[0] > 0  # figures are still drawn

    import pdedsl
    from pdedsl.solution import Solution

    x = np.linspace(0, 1, 11)
    kept = pdedsl.load(out).predict(x)["u"]
    start = pdedsl.prepare(DIVERGING, width=8, depth=1)  # step 0's θ, same seed
    untrained = Solution(problem=start.problem, config=start.config, model=start.model).predict(x)["u"]
    np.testing.assert_array_equal(kept, untrained)


@pytest.mark.parametrize("args, message", [
    (["missing.pde"], "missing.pde: error: no such file"),
    ([str(POISSON), "--solver", "simplex"], "unknown solver 'simplex'"),
    ([str(POISSON), "--set", "width"], "NAME=VALUE"),
    ([str(POISSON), "--set", "width=10 depth=2"], "give --set width=10 --set depth=2"),
    ([str(POISSON), "--set", "nonsense=1"], "no setting or constant named 'nonsense'"),
    ([str(POISSON), "--set", "width=-3"], "setting 'width' must be at least 1"),
    (["--resume", "nowhere"], "not a run folder"),
    ([str(POISSON), "--devices", "1000"], "--devices 1000: at most 64"),
    ([str(POISSON), "--steps", "2", "--set", "steps=abc"], "--steps 2 and --set steps=abc both give steps"),
])
def test_input_errors_exit_2_with_the_front_end_message(tmp_path, monkeypatch, capsys, args, message):
    from pdedsl.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["solve", *args, "--out", str(tmp_path / "run")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_syntax_error_exits_2_pointing_at_the_line(tmp_path):
    bad = tmp_path / "bad.pde"
    bad.write_text("x in [0, 1]\nunknown u(x)\n-u_xx = 1 +\n")
    done = run_cli("solve", bad)
    assert done.returncode == 2
    assert done.stderr.startswith(f"{bad}:3:")
    assert "Traceback" not in done.stderr


def test_plot_redraws_the_figures(base_run, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(base_run, folder)
    for png in folder.glob("*.png"):
        png.unlink()
    done = run_cli("plot", folder)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in folder.glob("*.png")} == {"training.png", "solution_u.png"}
    assert png_size(folder / "training.png") == png_size(base_run / "training.png")


def test_a_run_folder_that_cannot_be_written_is_said_before_training(tmp_path):
    (tmp_path / "file").write_text("")
    for out, message in ((tmp_path / "file", "the run folder is a file"),
                         (tmp_path / "file" / "run", "cannot be made: ")):
        done = run_cli("solve", POISSON, "--out", out)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and "step" not in done.stdout


@pytest.mark.parametrize("damage", ["{bad", "{}"])
def test_a_damaged_run_folder_is_a_message(base_run, tmp_path, damage):
    folder = tmp_path / "damaged"
    shutil.copytree(base_run, folder)
    (folder / "checkpoint.json").write_text(damage)
    for args in (("plot", folder), ("solve", "--resume", folder, "--steps", 1)):
        done = run_cli(*args)
        assert done.returncode == 2, done.stderr
        assert "the run folder is damaged and cannot be loaded" in done.stderr
        assert "Traceback" not in done.stderr


def test_plot_of_a_folder_that_is_not_a_run(tmp_path):
    done = run_cli("plot", tmp_path)
    assert done.returncode == 2 and "not a run folder" in done.stderr


def test_compare_draws_every_solver_on_one_figure(tmp_path):
    from pdedsl.solvers import REGISTRY

    solvers = list(REGISTRY)[:2]
    out = tmp_path / "cmp"
    done = run_cli("compare", POISSON, "--solvers", ",".join(solvers), "--steps", 3, *SMALL,
                  "--out", out)
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "comparison.json").read_text())
    assert [r["solver"] for r in rows] == solvers
    assert all(r["steps"] <= 3 for r in rows)
    for name in solvers:
        assert len(history_rows(out / name)) == json.loads((out / name / "summary.json").read_text())["steps"]
    assert all(name in done.stdout for name in solvers)  # the table
    width, height = png_size(out / "comparison.png")
    assert width >= 800 and height >= 500


def test_compare_refuses_a_solver_named_twice(tmp_path, capsys):
    from pdedsl.cli import main

    out = tmp_path / "cmp"
    assert main(["compare", str(POISSON), "--solvers", "adam,anagram,adam", "--out", str(out)]) == 2
    assert "--solvers names adam more than once" in capsys.readouterr().err
    assert not out.exists()

def test_compare_interrupted_while_the_next_solver_compiles_keeps_those_done(tmp_path, monkeypatch,
                                                                           capsys):
    from pdedsl import run
    from pdedsl.cli import main

    solve = run.solve

    def pressed_at_adam(problem, given, *rest):
        if given["solver"] == "adam":
            raise KeyboardInterrupt  # as Ctrl-C during its compile does
        return solve(problem, given, *rest)

    monkeypatch.setattr(run, "solve", pressed_at_adam)
    out = tmp_path / "cmp"
    assert main(["compare", str(POISSON), "--solvers", "anagram,adam,lbfgs", "--steps", "2",
                 *SMALL, "--quiet", "--out", str(out)]) == 130
    assert [r["solver"] for r in json.loads((out / "comparison.json").read_text())] == ["anagram"]
    assert (out / "comparison.png").exists()
    assert "interrupted during adam" in capsys.readouterr().err

def test_compare_keeps_the_solvers_done_when_a_later_one_refuses_its_settings(tmp_path, capsys):
    from pdedsl.cli import main

    out = tmp_path / "cmp"  # devices is anagram's setting, and this process sees one device
    assert main(["compare", str(POISSON), "--solvers", "adam,anagram", "--steps", "2", *SMALL,
                 "--set", "devices=64", "--quiet", "--no-plots", "--out", str(out)]) == 2
    assert [r["solver"] for r in json.loads((out / "comparison.json").read_text())] == ["adam"]
    err = capsys.readouterr().err
    assert "devices = 64, but JAX sees" in err and "anagram did not run" in err

def test_a_plain_log_ends_with_the_step_the_run_ended_on():
    # A log (not a terminal) prints at most one line a second; a run that stops early
    # must still show its last step, before the table.
    import io

    from pdedsl.progress import Progress

    stream = io.StringIO()
    with Progress(stream=stream, title="t.pde") as progress:
        progress.start(100)
        for k in range(1, 8):
            progress({"step": k, "seconds": 0.01 * k, "loss": 10.0 ** -k, "eta": 1.0, "rank": 3})
    lines = stream.getvalue().splitlines()
    assert lines[0] == "t.pde: compiling the step ..."
    assert lines[1].startswith("step 1/100") and lines[-1].startswith("step 7/100  loss 1.000e-07")
    assert len(lines) == 3


def test_version():
    import pdedsl

    out = subprocess.run([sys.executable, "-m", "pdedsl", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"pdedsl {pdedsl.__version__}"


def test_compiled_steps_are_cached_on_disk_unless_turned_off(tmp_path):
    cache = tmp_path / "cache"
    script = ("import jax, pdedsl.model; from pdedsl import solve; "
              "solve('examples/laplace.pde', steps=1); print(jax.config.jax_compilation_cache_dir)")
    for setting, expected in ((str(cache), str(cache)), ("off", "None")):
        env = {**os.environ, "PDEDSL_JAX_CACHE": setting}
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip().splitlines()[-1] == expected
    assert any(cache.iterdir())  # the step (compiled in seconds) was written there


def test_out_of_memory_is_a_message_not_a_traceback(monkeypatch, capsys, tmp_path):
    """What the settings' check cannot foresee (XLA's workspace) still ends in one line."""
    from pdedsl import cli

    def exhausted(args):
        raise RuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 6635258443520 bytes.\nmore")

    monkeypatch.setattr(cli, "run_check", exhausted)
    pde = tmp_path / "p.pde"
    pde.write_text("x in [0, 1]\nunknown u(x)\nu_xx = 0\nu = 0 on boundary\n")
    assert cli.main(["check", str(pde)]) == 1
    err = capsys.readouterr().err
    assert "out of memory" in err and "6635258443520 bytes" in err and "more" not in err
    assert "Traceback" not in err


def test_a_source_with_no_value_says_where():
    """sqrt(x) on [-1, 1]: the run cannot start, and its reason names the equation and a
    point where the residual is not a number."""
    from pdedsl import solve

    solution = solve("x in [-1, 1]\nunknown u(x)\nu_xx = sqrt(x)\nu = 0 on boundary\n", steps=2)
    assert solution.status == "diverged" and solution.steps == 0
    reason = solution.reason
    assert reason.startswith("the loss is not finite at the start: the residual of line 3, "
                             "'u_xx = sqrt(x)', at x = -")
    x = float(reason.rsplit("x = ", 1)[1])
    assert -1 <= x < 0


def test_a_run_that_refines_its_points_says_so_in_the_log_and_the_summary(tmp_path):
    source = tmp_path / "layer.pde"
    source.write_text("x in [-1, 1]\nunknown u(x)\n-u_xx = 800*tanh(20*x)*(1 - tanh(20*x)^2)\n"
                      "u = tanh(20*x) on x = -1, x = 1\n")
    done = run_cli("solve", source, "--steps", 30, "--set", "interior=12", "--no-plots",
                   "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    first = int(summary["reason"].split("refined after step ")[1].split(",")[0])
    lines = done.stdout.splitlines()
    note = lines.index(f"step {first}: points too few (residual between them "
                       + summary["reason"].split("(residual between them ")[1].split(";")[0])
    assert lines[note - 1].startswith(f"step {first}/")  # the first piece's last step
    assert summary["steps"] > first and summary["warnings"] == []


def test_points_too_few_are_a_warning_in_the_summary_and_on_stderr(tmp_path):
    """A layer of width 1/20 on 12 points: fitted at them, wrong between them."""
    source = tmp_path / "layer.pde"
    source.write_text("x in [-1, 1]\nunknown u(x)\n-u_xx = 800*tanh(20*x)*(1 - tanh(20*x)^2)\n"
                      "u = tanh(20*x) on x = -1, x = 1\n")
    done = run_cli("solve", source, "--steps", 30, "--set", "interior=12", "--set", "refine=1",
                   "--no-plots",
                   "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    (warning,) = json.loads((tmp_path / "run" / "summary.json").read_text())["warnings"]
    assert "the points are too few for this solution" in warning
    assert f"pdedsl: warning: {warning}" in " ".join(done.stderr.split())


def test_data_too_large_to_square_names_its_condition(tmp_path, capsys):
    """A condition's data of 1e300 are finite but their squares are not: the run cannot
    start, its reason names the condition, and no numpy warning reaches the user."""
    from pdedsl import cli

    pde = tmp_path / "huge.pde"
    pde.write_text("x in [0, 1]\nunknown u(x)\nconst L = 1e300\nu_xx = 0\n"
                   "u = 0 on x = 0\nu = L on x = 1\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli.main(["solve", str(pde), "--steps", "2", "--no-plots",
                         "--out", str(tmp_path / "run")]) == 1
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    captured = capsys.readouterr()
    assert "line 6, 'u = L on x = 1', reaches 1.0e+300, too large to square" in (
        " ".join(captured.err.split()))
