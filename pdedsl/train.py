"""The training loop: one compiled step, stop rules, history, interrupts, divergence.

The step (whatever the solver) is traced and compiled once, ahead of the loop, so
compile time is measured apart from training time and nothing retraces inside the
loop. The loop keeps the last good θ: a NaN or a blow-up ends the run with status
`diverged` and that θ; Ctrl-C ends it after the current step with `interrupted`.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import jax
import numpy as np

from .least_squares import LeastSquares

# converged: the loss reached `tol`, or it fell a millionfold and then did not halve in
# `patience` steps; max_steps: the step or time budget ran out.
STATUSES = ("converged", "max_steps", "diverged", "interrupted")

# Defaults of the stop rules; a setting of the same name overrides each.
STOP_DEFAULTS = {"steps": 300, "tol": 0.0, "patience": 25, "seconds": math.inf}

# Progress, for `patience`, is the loss falling below PROGRESS times its value at the
# last progress. Near the end ANaGRAM keeps finding lower losses by tiny amounts for
# dozens of steps (rounding-level gains that leave the error as it is): counting those
# as progress made runs a third longer for nothing (the gallery's histories). But a
# start can sit still for tens of steps before the stall detector finds its way
# (allen_cahn), so patience only ends a run whose loss has already fallen by DROP.
PROGRESS = 0.5
DROP = 1e-6


@dataclass
class Result:
    """What a training run produced: the final θ, its history and why it stopped."""

    theta: jax.Array
    history: list[dict] = field(default_factory=list)
    status: str = "max_steps"
    reason: str = ""
    compile_seconds: float = 0.0
    seconds: float = 0.0
    state: object = None
    spectrum: list[dict] = field(default_factory=list)  # {"step", "sigma", "cut"}
    loss: float = math.nan  # ½‖r‖² at `theta`


def train(
    ls: LeastSquares,
    solver,
    theta: jax.Array,
    *,
    steps: int = STOP_DEFAULTS["steps"],
    tol: float = STOP_DEFAULTS["tol"],
    patience: int = STOP_DEFAULTS["patience"],
    seconds: float = STOP_DEFAULTS["seconds"],
    errors: Callable[[jax.Array], jax.Array] | None = None,
    error_names: tuple[str, ...] = (),
    callback: Callable[[dict], None] | None = None,
    first_step: int = 0,
    state=None,
    spectrum_every: int = 10,
) -> Result:
    """Run `solver` from θ until a stop rule fires.

    `errors(θ)` (optional) gives one relative L2 error per unknown, recorded as
    `l2_<name>` each step. `callback(row)` sees every history row as it is made.
    `first_step` numbers the rows when a run is resumed. A solver whose info has
    `spectrum` (σ, cut) gets it recorded every `spectrum_every` steps (and at the last).
    """
    started = time.perf_counter()
    if state is None:
        state = solver.init(ls, theta)
    step = jax.jit(lambda theta, state: solver.step(ls, theta, state)).lower(theta, state).compile()
    measure = jax.jit(errors).lower(theta).compile() if errors is not None else None
    initial_loss = float(jax.jit(ls.loss)(theta))  # jitted: op by op it takes seconds
    result = Result(theta, compile_seconds=time.perf_counter() - started, loss=initial_loss)
    if not math.isfinite(initial_loss):
        result.status, result.reason = "diverged", "the loss is not finite at the start"
        return result

    reference, since_progress, training, last_spectrum = initial_loss, 0, 0.0, None
    with _InterruptFlag() as interrupted:
        for k in range(first_step + 1, first_step + steps + 1):
            t0 = time.perf_counter()
            new_theta, new_state, info = step(theta, state)
            loss = float(info["loss"])
            training += time.perf_counter() - t0
            if not math.isfinite(loss) or not np.isfinite(np.asarray(new_theta)).all():
                result.status = "diverged"
                result.reason = f"step {k}: the loss became {loss} (kept the θ of step {k - 1})"
                break
            if loss > 1e6 * max(initial_loss, 1e-300):
                result.status = "diverged"
                result.reason = f"step {k}: the loss grew to {loss:.3g}, 1e6 × its start"
                break
            theta, state, result.loss = new_theta, new_state, loss
            spectrum = info.pop("spectrum", None)
            row = {"step": k, "seconds": training}
            row.update({name: _scalar(value) for name, value in info.items()})
            if spectrum is not None:
                last_spectrum = (k, spectrum)
                if (k - first_step - 1) % spectrum_every == 0:
                    result.spectrum.append(_spectrum_row(k, spectrum))
            if measure is not None:
                for name, value in zip(error_names, measure(theta)):
                    row[f"l2_{name}"] = float(value)
            result.history.append(row)
            if callback is not None:
                callback(row)
            if loss < PROGRESS * reference:
                reference, since_progress = loss, 0
            else:
                since_progress += 1
            if loss <= tol:
                result.status, result.reason = "converged", f"loss {loss:.3g} ≤ tol {tol:g}"
                break
            if interrupted.is_set():
                result.status, result.reason = "interrupted", f"interrupted after step {k}"
                break
            if since_progress >= patience and loss <= DROP * initial_loss:
                result.status = "converged"
                result.reason = f"the loss did not halve in {patience} steps (loss {loss:.3g})"
                break
            if training >= seconds:
                result.reason = f"used the time budget of {seconds:g} s"
                break
        else:
            result.reason = f"ran all {steps} steps"
    result.theta, result.seconds = theta, training
    if last_spectrum is not None and result.spectrum[-1]["step"] != last_spectrum[0]:
        result.spectrum.append(_spectrum_row(*last_spectrum))
    result.state = state
    return result


def _spectrum_row(step: int, spectrum) -> dict:
    sigma, cut = spectrum
    return {"step": step, "sigma": np.asarray(sigma).tolist(), "cut": float(cut)}


def _scalar(value):
    value = np.asarray(value)  # on the host: a jnp operation here would compile
    return int(value) if np.issubdtype(value.dtype, np.integer) else float(value)


class _InterruptFlag:
    """While active, Ctrl-C sets a flag (checked after each step) instead of raising."""

    def __enter__(self) -> threading.Event:
        self.flag = threading.Event()
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, lambda *_: self.flag.set())
        return self.flag

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
