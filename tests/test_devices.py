"""The step on several devices (pdedsl/sharding.py) is the step on one.

XLA makes N CPU devices only if asked before JAX starts, so each test runs a fresh
Python with XLA_FLAGS=--xla_force_host_platform_device_count=4. The rows of Φ̂ are
then spread over four devices, factored by a QR per device and a QR of the stacked
R's, and the line search's losses are summed across devices: the same steps as on one
device, to rounding (a tall-skinny QR is as backward stable as one QR).
"""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
FOUR = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4",
        "PYTHONPATH": str(ROOT), "PDEDSL_JAX_CACHE": "off"}

POISSON = """
x in [0, 1]
y in [0, 1]
unknown u(x, y)
laplacian(u) = -2*pi^2*sin(pi*x)*sin(pi*y)
u = 0 on boundary
exact u = sin(pi*x)*sin(pi*y)
model mlp(width = 10, depth = 1)
sample interior = 70, boundary = 26, method = sobol
"""

COMPARE = f"""
import json, jax, numpy as np
from pdedsl import solve
from pdedsl.api import prepare
from pdedsl.solvers import routes
from pdedsl.solvers.anagram import Anagram
from pdedsl.solvers.filter import apply, factors
assert len(jax.devices()) == 4, jax.devices()
text = {POISSON!r}
runs = {{name: solve(text, steps=4, rcond=1e-6, **kw).history
         for name, kw in (("one", {{}}), ("four", {{"devices": 4}}))}}
p = prepare(text)
def delta(theta, solver):
    _, _, (a, s, Vt, _), _, _ = routes.factor(solver, p.ls, theta)
    return apply(factors(s, 1e-6 * s[0])[None], a, Vt)[0]
firsts = {{name: np.asarray(jax.jit(lambda t: delta(t, Anagram(**kw)))(p.theta)).tolist()
          for name, kw in (("one", {{}}), ("chunked", {{"devices": 4, "chunk": 16}}))}}
print(json.dumps({{"runs": runs, "firsts": firsts}}))
"""


def _python(code: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=FOUR, cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _close(a: float, b: float, rtol: float = 1e-10) -> bool:
    return abs(a - b) <= rtol * abs(a)


def test_four_devices_take_the_steps_of_one(tmp_path):
    out = json.loads(_python(COMPARE, tmp_path).strip().splitlines()[-1])
    one, four = out["runs"]["one"], out["runs"]["four"]
    assert len(one) == len(four) == 4
    for a, b in zip(one, four):
        assert (a["route"], b["route"]) == (1, 6)  # QR of [Φ̂ r]; QR across devices
        assert a["eta"] == b["eta"] and a["rank"] == b["rank"]
        assert _close(a["loss"], b["loss"]) and _close(a["l2_u"], b["l2_u"]), (a, b)
    assert four[-1]["loss"] < four[0]["loss"]
    # each device streaming its rows 16 at a time: the same δ (cut at 1e-6·σ_max)
    import numpy as np

    whole, streamed = (np.array(out["firsts"][k]) for k in ("one", "chunked"))
    assert np.linalg.norm(streamed - whole) <= 1e-10 * np.linalg.norm(whole)


SMALL_3D = """
x in [0, 1]
y in [0, 1]
z in [0, 1]
unknown u(x, y, z)
laplacian(u) = -3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)
u = 0 on boundary
exact u = sin(pi*x)*sin(pi*y)*sin(pi*z)
model mlp(width = 8, depth = 1)
sample interior = 90, boundary = 30, method = sobol
"""


@pytest.mark.parametrize(
    "flag", ["given", pytest.param("set by the command", marks=pytest.mark.slow)])
def test_pdedsl_solve_on_four_devices_runs_a_3d_problem(tmp_path, flag):
    """End to end through the command line, on four forced host devices (XLA_FLAGS given,
    or left to `--devices` to set): the steps of one device, to rounding."""
    from pdedsl import solve

    (tmp_path / "small3d.pde").write_text(SMALL_3D)
    env = FOUR if flag == "given" else {k: v for k, v in FOUR.items() if k != "XLA_FLAGS"}
    done = subprocess.run(
        [sys.executable, "-m", "pdedsl", "solve", "small3d.pde", "--devices", "4", "--steps",
         "3", "--set", "rcond=1e-6", "--quiet", "--no-plots", "--out", "run"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(tmp_path / "run" / "history.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 3 and {float(r["route"]) for r in rows} == {6.0}
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["config"]["solver_options"]["devices"] == 4
    one = solve(SMALL_3D, steps=3, rcond=1e-6).history
    assert [float(r["eta"]) for r in rows] == [r["eta"] for r in one]
    assert all(_close(b["loss"], float(a["loss"])) and _close(b["l2_u"], float(a["l2_u"]))
               for a, b in zip(rows, one)), (rows, one)
    assert float(rows[-1]["loss"]) < float(rows[0]["loss"])


@pytest.mark.parametrize("where", ["file", "set"])
def test_pdedsl_solve_makes_the_devices_the_setting_names(tmp_path, where):
    """`devices = 2` in the file (or --set devices=2) on a CPU was refused, pointing to
    --devices: the command reads the setting before JAX starts and asks XLA as --devices does."""
    text = POISSON + "solver anagram(devices = 2)\n" if where == "file" else POISSON
    (tmp_path / "p.pde").write_text(text)
    given = ["--set", "devices=2"] if where == "set" else []
    env = {k: v for k, v in FOUR.items() if k != "XLA_FLAGS"}
    done = subprocess.run(
        [sys.executable, "-m", "pdedsl", "solve", "p.pde", *given, "--steps", "1", "--quiet",
         "--no-plots", "--out", "run"], env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["config"]["solver_options"]["devices"] == 2


def test_more_devices_than_jax_sees_is_an_input_error(tmp_path):
    """Without the flag JAX has one CPU device: a clear message, not a traceback."""
    code = ("from pdedsl import solve\n"
            f"solve({POISSON!r}, steps=1, devices=3)\n")
    env = {k: v for k, v in FOUR.items() if k != "XLA_FLAGS"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "devices = 3, but JAX sees 1" in done.stderr
    assert "xla_force_host_platform_device_count=3" in done.stderr




HOST = f"""
import json, sys, jax
jax.distributed.initialize(coordinator_address="localhost:" + sys.argv[2], num_processes=2,
                           process_id=int(sys.argv[1]))
assert len(jax.devices()) == 4 and len(jax.local_devices()) == 2
from pdedsl import solve
history = solve({POISSON!r}, steps=3, rcond=1e-6, devices=4).history
print(json.dumps(history))
"""


@pytest.mark.slow  # two processes, each compiling the step: about a minute
def test_two_processes_of_two_devices_take_the_steps_of_one(tmp_path):
    """Two local processes joined by jax.distributed.initialize (CPU collectives: gloo),
    two devices each: one mesh of four devices over both, the steps of one device."""
    import socket

    from pdedsl import solve

    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = str(probe.getsockname()[1])
    env = {**FOUR, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    hosts = [subprocess.Popen([sys.executable, "-c", HOST, str(k), port], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in (0, 1)]
    outputs = [host.communicate(timeout=600) for host in hosts]
    for host, (_, err) in zip(hosts, outputs):
        assert host.returncode == 0, err[-3000:]
    one = solve(POISSON, steps=3, rcond=1e-6).history
    for out, _ in outputs:
        rows = json.loads(out.strip().splitlines()[-1])
        assert [r["route"] for r in rows] == [6, 6, 6]
        assert [r["eta"] for r in rows] == [r["eta"] for r in one]
        assert all(_close(a["loss"], b["loss"]) and _close(a["l2_u"], b["l2_u"])
                   for a, b in zip(one, rows))
