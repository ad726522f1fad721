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
from .solvers import Filter, Solver

# converged: the loss reached `tol`, or it fell a millionfold and then did not halve in
# `patience` steps; max_steps: the step or time budget ran out.
STATUSES = ("converged", "max_steps", "diverged", "interrupted")

# Progress, for `patience`, is the loss falling below PROGRESS times its value at the
# last progress. Near the end ANaGRAM keeps finding lower losses by tiny amounts for
# dozens of steps (rounding-level gains that leave the error as it is): counting those
# as progress made runs a third longer for nothing. But a start can sit still for tens
# of steps before the stall detector finds its way, so patience only ends a run whose
# loss has already fallen by DROP.
PROGRESS = 0.5
DROP = 1e-6
BLOW_UP = 1e6  # a loss this many times its start is a divergence


@dataclass
class Result:
    """What a training run produced: the final θ, its history and why it stopped."""

    theta: jax.Array
    history: list[dict] = field(default_factory=list)
    status: str = "max_steps"
    reason: str = ""
    compile_seconds: float = 0.0
    seconds: float = 0.0
    spectrum: list[dict] = field(default_factory=list)  # {"step", "sigma", "cut"}
    loss: float = math.nan  # ½‖r‖² at `theta`
    filter: Filter | None = None  # the pseudo-inverse of the last step (None: first order)


@dataclass
class StopRules:
    """When a run ends (settings `steps`, `tol`, `patience`, `seconds`); `check` is called
    after every step with its loss and says why the run ends, or None to go on."""

    steps: int
    tol: float
    patience: int
    seconds: float
    initial_loss: float = math.nan
    reference: float = math.nan
    since_progress: int = 0

    def start(self, initial_loss: float) -> None:
        self.initial_loss = self.reference = initial_loss

    def check(self, loss: float, training_seconds: float) -> tuple[str, str] | None:
        if loss < PROGRESS * self.reference:
            self.reference, self.since_progress = loss, 0
        else:
            self.since_progress += 1
        if loss <= self.tol:
            return "converged", f"loss {loss:.3g} ≤ tol {self.tol:g}"
        if self.since_progress >= self.patience and loss <= DROP * self.initial_loss:
            return "converged", f"the loss did not halve in {self.patience} steps (loss {loss:.3g})"
        if training_seconds >= self.seconds:
            return "max_steps", f"used the time budget of {self.seconds:g} s"
        return None


def train(
    ls: LeastSquares,
    solver: Solver,
    theta: jax.Array,
    stop: StopRules,
    *,
    errors: Callable[[jax.Array], jax.Array] | None = None,
    error_names: tuple[str, ...] = (),
    callback: Callable[[dict], None] | None = None,
    first_step: int = 0,
    spectrum_every: int = 10,
) -> Result:
    """Run `solver` from θ until a stop rule fires.

    `errors(θ)` (optional) gives one relative L2 error per unknown, recorded as
    `l2_<name>` each step. `callback(row)` sees every history row as it is made.
    `first_step` numbers the rows when a run is resumed. A solver whose info has
    `spectrum` (σ, cut) gets it recorded every `spectrum_every` steps (and at the last).
    """
    started = time.perf_counter()
    state, step, measure, initial_loss = _compile(ls, solver, theta, errors)
    result = Result(theta, compile_seconds=time.perf_counter() - started, loss=initial_loss)
    if not math.isfinite(initial_loss):
        result.status, result.reason = "diverged", "the loss is not finite at the start"
        return result
    stop.start(initial_loss)
    training, last_spectrum, info = 0.0, None, None
    result.reason = f"ran all {stop.steps} steps"
    with _InterruptFlag() as interrupted:
        for k in range(first_step + 1, first_step + stop.steps + 1):
            t0 = time.perf_counter()
            new_theta, new_state, new_info = step(theta, state)
            loss = float(new_info["loss"])
            training += time.perf_counter() - t0
            failure = _divergence(k, loss, new_theta, initial_loss)
            if failure:
                result.status, result.reason = "diverged", failure
                break
            theta, state, info, result.loss = new_theta, new_state, new_info, loss
            row, spectrum = _row(k, training, info, measure, error_names, theta)
            if spectrum is not None:
                last_spectrum = (k, spectrum)
                if (k - first_step - 1) % spectrum_every == 0:
                    result.spectrum.append(_spectrum_row(k, spectrum))
            result.history.append(row)
            if callback is not None:
                callback(row)
            ending = stop.check(loss, training)
            if ending is None and interrupted.is_set():
                ending = "interrupted", f"interrupted after step {k}"
            if ending is not None:
                result.status, result.reason = ending
                break
    result.theta, result.seconds = theta, training
    if last_spectrum is not None and result.spectrum[-1]["step"] != last_spectrum[0]:
        result.spectrum.append(_spectrum_row(*last_spectrum))
    if info is not None:
        result.filter = solver.filter_of({k: _scalar(v) for k, v in info.items() if k != "spectrum"})
    return result


def _compile(ls: LeastSquares, solver: Solver, theta, errors):
    """The initial state, the compiled step and error measure, and the initial loss."""
    state = solver.init(ls, theta)
    step = jax.jit(lambda theta, state: solver.step(ls, theta, state)).lower(theta, state).compile()
    measure = jax.jit(errors).lower(theta).compile() if errors is not None else None
    initial_loss = float(jax.jit(ls.loss)(theta))  # jitted: op by op it takes seconds
    return state, step, measure, initial_loss


def _divergence(k: int, loss: float, theta, initial_loss: float) -> str:
    """Why step k diverged ('' if it did not)."""
    if not math.isfinite(loss) or not np.isfinite(np.asarray(theta)).all():
        return f"step {k}: the loss became {loss} (kept the θ of step {k - 1})"
    if loss > BLOW_UP * max(initial_loss, 1e-300):
        return f"step {k}: the loss grew to {loss:.3g}, {BLOW_UP:.0e} × its start"
    return ""


def _row(k, training, info, measure, error_names, theta) -> tuple[dict, object]:
    """The history row of step k, and the step's spectrum (σ, cut) if it has one."""
    row = {"step": k, "seconds": training}
    row.update({name: _scalar(value) for name, value in info.items() if name != "spectrum"})
    if measure is not None:
        for name, value in zip(error_names, measure(theta)):
            row[f"l2_{name}"] = float(value)
    return row, info.get("spectrum")


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
