"""Kept traces of the step (pdedsl/traces.py): a second run reads the step the first one
kept and trains exactly as a run that traces it; anything else falls back to tracing."""

from pathlib import Path

import jax
import jax.numpy as jnp
import pytest

from pdedsl import solve, traces

ROOT = Path(__file__).resolve().parent.parent
POISSON = ROOT / "examples" / "poisson1d.pde"
INVERSE = ROOT / "examples" / "inverse_heat.pde"


def losses(solution):
    return [row["loss"] for row in solution.history]


@pytest.mark.parametrize("example, settings", [(POISSON, {"steps": 6}),
                                               (INVERSE, {"steps": 12, "hold": 10})])
def test_a_kept_step_trains_as_a_traced_one(tmp_path, monkeypatch, example, settings):
    """poisson1d, and inverse_heat's two pieces (fields alone, then with the constant):
    the first run keeps its steps, the second reads them (it may not write any), and both
    give the losses of a run that keeps nothing, to the last bit."""
    monkeypatch.setenv("PDEDSL_JAX_CACHE", "off")
    traced = losses(solve(example, **settings))
    monkeypatch.setenv("PDEDSL_JAX_CACHE", str(tmp_path))
    first = losses(solve(example, **settings))
    kept = sorted((tmp_path / "steps").glob("*.step"))
    assert len(kept) == (2 if example == INVERSE else 1)

    def no_writing(*args):
        raise AssertionError("the kept step was traced again")

    monkeypatch.setattr(traces, "_write", no_writing)
    second = losses(solve(example, **settings))
    assert first == second == traced
    assert sorted((tmp_path / "steps").glob("*.step")) == kept


def test_another_setting_or_constant_is_another_step(tmp_path, monkeypatch):
    monkeypatch.setenv("PDEDSL_JAX_CACHE", str(tmp_path))
    solve(POISSON, steps=2)
    solve(POISSON, steps=2, rcond=1e-9)
    solve(POISSON, steps=2, width=8)
    assert len(list((tmp_path / "steps").glob("*.step"))) == 3


def test_a_damaged_step_file_is_traced_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PDEDSL_JAX_CACHE", str(tmp_path))
    expected = losses(solve(POISSON, steps=3))
    (kept,) = (tmp_path / "steps").glob("*.step")
    kept.write_bytes(b'{"state": 1}\nnot a step')
    assert losses(solve(POISSON, steps=3)) == expected
    assert kept.read_bytes() != b'{"state": 1}\nnot a step'  # written again, whole


def test_a_step_that_cannot_be_exported_is_not_kept(tmp_path, monkeypatch):
    """A host callback cannot be serialised: `compiled` says None and keeps nothing."""
    monkeypatch.setenv("PDEDSL_JAX_CACHE", str(tmp_path))

    def run(theta, state):
        jax.debug.callback(lambda t: None, theta)
        return theta + 1, state, {"loss": jnp.sum(theta)}, jnp.sum(theta)

    assert traces.compiled(run, (jnp.zeros(3), jnp.zeros(())), "callback") is None
    assert not list((tmp_path / "steps").glob("*.step"))


def test_no_step_is_kept_with_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("PDEDSL_JAX_CACHE", "off")
    monkeypatch.setattr(traces.runtime, "cache_folder", lambda: tmp_path)

    def run(theta, state):
        return theta + 1, state, {"loss": jnp.sum(theta), "pair": (theta[0], theta[1])}, theta[2]

    assert traces.compiled(run, (jnp.zeros(3), jnp.zeros(())), "off") is None
    monkeypatch.setenv("PDEDSL_JAX_CACHE", str(tmp_path))
    step = traces.compiled(run, (jnp.arange(3.0), jnp.zeros(())), "on")
    theta, state, info, loss = step(jnp.arange(3.0), jnp.zeros(()))
    assert theta.tolist() == [1, 2, 3] and float(info["loss"]) == 3 and float(loss) == 2
    assert [float(v) for v in info["pair"]] == [0, 1] and isinstance(info["pair"], tuple)


def test_a_kept_step_of_other_arguments_is_traced_again(tmp_path, monkeypatch):
    """Should two steps ever share a key, the second is not called with the first's
    arguments: it is traced again and kept in its place."""
    monkeypatch.setenv("PDEDSL_JAX_CACHE", str(tmp_path))
    monkeypatch.setattr(traces, "_key", lambda fingerprint, leaves: "same")

    def run(theta, state):
        return 2 * theta, state, {"loss": jnp.sum(theta)}, jnp.sum(theta)

    three = traces.compiled(run, (jnp.ones(3), jnp.zeros(())), "a")
    five = traces.compiled(run, (jnp.ones(5), jnp.zeros(())), "b")
    assert three(jnp.ones(3), jnp.zeros(()))[0].tolist() == [2.0] * 3
    assert five(jnp.ones(5), jnp.zeros(()))[0].tolist() == [2.0] * 5
