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
from typing import Callable, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from .language.problem import fitted_error
from . import traces
from .least_squares import LeastSquares, with_points
from .solvers import Filter, Solver

# converged: the loss reached `tol`, or the run reached its floor (below); max_steps: the
# step or time budget ran out.
STATUSES = ("converged", "max_steps", "diverged", "interrupted")
NOT_FINITE_AT_START = "the loss is not finite at the start"

# The floor. A run stops when it can go no further, and only then:
# - float64 rounding: the residuals are computed from terms of about the size of the
#   initial residuals, so rounding leaves a loss of about (100 ε)² times the initial
#   loss; below ROUNDING × the initial loss the loss is rounding noise;
# - no progress: `patience` steps in a row whose loss fell by less than FLAT of itself
#   (the line search found nothing, or only gains that leave the model as it is: on
#   laplace.pde the error is final two steps after the loss first falls by less than
#   1e-4 a step). A run that still falls, however slowly, goes on. A start that sits still
#   before the stall detector finds its way is not a floor: this rule waits until the
#   loss has fallen by DROP.
# - a converging tail: `patience` steps in a row whose falls, each smaller than the loss,
#   shrink (`patience` + 1 falls), each at most a fraction r ≤ SHRINK of the one before,
#   so that the rest of the geometric series (the last fall × r / (1 - r)) is less than
#   FLAT of the loss: the loss is within FLAT of its limit. On laplace.pde the falls
#   shrink about eightfold a step once the loss is near its floor. A loss that falls
#   slowly and unevenly (heat.pde's with its cut fixed: 0.16 % a step on average from
#   step 250 to 450, the error still falling) shrinks its falls by less than half, or not
#   every step; three falls in a row that halve are not enough to tell (heat.pde stopped
#   at step 156 and 6.9e-8 on three, where it reaches 8.9e-9; bench/recorded/patience.md).
# - too slow for the budget: at the rate the loss fell over the last WINDOW steps (or
#   `patience`, if longer: a large patience turns every floor rule off) it would take more
#   than MIN_HALVING steps, and more than HORIZON times the steps left, to halve. Such a
#   tail moves the error by noise: poisson_annulus.pde's loss fell 0.2 % a step from
#   step 100 to its 300th while its error stayed at 2.3e-8 to 2.4e-8; heat.pde's slowest
#   stretch (0.33 % a step, halving in 208 steps, around step 300 of 500) is followed by
#   faster falls that take its error from 3.6e-8 to 8.9e-9, and HORIZON leaves it running.
ROUNDING = 1e-26
FLAT = 1e-4
SHRINK = 0.5
DROP = 1e-6
WINDOW = 10
HORIZON = 2.0
MIN_HALVING = 100
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
    points: list | None = None  # the points the run ended on, when it moved them (adapt)


@dataclass
class StopRules:
    """When a run ends (settings `steps`, `tol`, `patience`, `seconds`, `target`); `check`
    is called after every step with its loss (and the errors against `exact`, when the
    file has it) and says why the run ends, or None to go on."""

    steps: int
    tol: float
    patience: int
    seconds: float
    target: float = 0.0
    initial_loss: float = math.nan
    previous: float = math.nan
    flat_steps: int = 0
    falls: tuple[float, ...] = ()  # the last `patience` + 1 falls of the loss
    lowest: tuple[float, ...] = ()  # the lowest loss so far after each of the last steps
    taken: int = 0  # steps checked

    def start(self, initial_loss: float) -> None:
        self.initial_loss = self.previous = initial_loss

    def moved(self, loss: float) -> None:
        """The points moved: progress is counted from the loss on the new points."""
        self.previous, self.flat_steps, self.falls, self.lowest = loss, 0, (), ()

    def check(self, loss: float, training_seconds: float,
              errors: Sequence[float] = ()) -> tuple[str, str] | None:
        flat = loss > (1 - FLAT) * self.previous
        self.flat_steps = self.flat_steps + 1 if flat else 0
        self.falls = (*self.falls, self.previous - loss)[-self.patience - 1:]
        self.previous = min(loss, self.previous)
        self.taken += 1
        self.lowest = (*self.lowest, self.previous)[-max(WINDOW, self.patience) - 1:]
        if loss <= self.tol:
            return "converged", f"loss {loss:.3g} ≤ tol {self.tol:g}"
        if self.target > 0 and errors and max(errors) <= self.target:
            return "converged", f"the error {max(errors):.3g} ≤ target {self.target:g}"
        if loss <= ROUNDING * self.initial_loss:
            return "converged", (f"the loss reached float64 rounding ({loss:.3g}, "
                                 f"{loss / self.initial_loss:.1e} of its start)")
        if self.flat_steps >= self.patience and loss <= DROP * self.initial_loss:
            return "converged", (f"the floor: {self.patience} steps without progress "
                                 f"(loss {loss:.3g}, {loss / self.initial_loss:.1e} of its start)")
        if (rest := self._rest(loss)) < FLAT * loss and loss <= DROP * self.initial_loss:
            return "converged", (f"the floor: the loss converges to {loss - rest:.3g} (its "
                                 f"falls shrank for {self.patience} steps; {rest / loss:.1e} "
                                 f"of it is left to gain)")
        if (slow := self._too_slow()) and loss <= DROP * self.initial_loss:
            return "converged", slow
        if training_seconds >= self.seconds:
            return "max_steps", f"used the time budget of {self.seconds:g} s"
        return None

    def _too_slow(self) -> str:
        """Why the loss, at its rate over the last steps, cannot halve within the steps
        left ('' while it can, or before there are enough steps to tell)."""
        window, left = len(self.lowest) - 1, self.steps - self.taken
        if window < max(WINDOW, self.patience) or not 0 < self.lowest[-1] < self.lowest[0]:
            return ""
        fall = (math.log(self.lowest[0]) - math.log(self.lowest[-1])) / window  # a step
        halving = math.log(2) / fall if fall > 0 else math.inf  # (a fall of an ulp: 0)
        if halving <= max(HORIZON * left, MIN_HALVING):
            return ""
        return (f"too slow for the budget: the loss falls {-math.expm1(-fall):.2%} a step (to "
                f"{self.lowest[-1]:.3g}, {self.lowest[-1] / self.initial_loss:.1e} of its start), "
                f"so it would take {halving:.0f} steps to halve, and {left} are left")

    def _rest(self, loss: float) -> float:
        """The fall still to come if the falls keep shrinking as they did over the last
        `patience` steps (a geometric series); infinite unless they all shrank, each less
        than the loss itself (a fast fall just before a slow one is no sign of a limit)."""
        falls = self.falls
        if len(falls) <= self.patience or min(falls) <= 0 or max(falls) >= loss:
            return math.inf
        ratio = max(b / a for a, b in zip(falls, falls[1:]))
        return falls[-1] * ratio / (1 - ratio) if ratio <= SHRINK else math.inf


def train(
    ls: LeastSquares,
    solver: Solver,
    theta: jax.Array,
    stop: StopRules,
    *,
    errors: Callable[[jax.Array], jax.Array] | None = None,
    error_names: tuple[str, ...] = (),
    columns: Callable[[jax.Array], dict[str, float]] | None = None,
    fitted_exact: Mapping[str, float] | None = None,
    callback: Callable[[dict], None] | None = None, fingerprint: str | None = None,
    first_step: int = 0, spectrum_every: int = 10, adapt=None, points: list | None = None,
) -> Result:
    """Run `solver` from θ until a stop rule fires.

    `errors(θ)` (optional) gives one relative L2 error per unknown, recorded as `l2_<name>`
    each step; `columns(θ)` (on the host) more, such as fitted constants (`fit_<name>`,
    which `target` measures against `fitted_exact`); `callback(row)` sees every row;
    `first_step` numbers a resumed run's rows; a solver's `spectrum` (σ, cut) is recorded
    every `spectrum_every` steps; `fingerprint`: what `ls` and `solver` were built from, if
    known (`traces.compiled`). `adapt` (a `pdedsl.adapt.Resampler`) moves the points (from
    `points`, default those of `ls`) every `adapt.every` steps: the step takes them."""
    started = time.perf_counter()
    if adapt is not None:
        ls, points = _moving_points(ls, theta, points)
    theta, state, step, measure = _compile(ls, solver, theta, errors, adapt, fingerprint)
    result = Result(theta, compile_seconds=time.perf_counter() - started,
                    reason=f"ran all {stop.steps} steps")
    training, last_spectrum, info, initial_loss = 0.0, None, None, math.nan
    with InterruptFlag() as interrupted:
        for k in range(first_step + 1, first_step + stop.steps + 1):
            t0 = time.perf_counter()
            moving = () if adapt is None else (tuple(points),)
            new_theta, new_state, new_info, start_loss = step(theta, state, *moving)
            loss = float(new_info["loss"])
            training += time.perf_counter() - t0
            if k == first_step + 1:  # the step also gives the loss it started from
                initial_loss = result.loss = float(start_loss)
                if not _started(initial_loss, stop, result):
                    return result
            if failure := _divergence(k, loss, new_theta, initial_loss):
                result.status, result.reason = "diverged", failure
                break
            theta, state, info, result.loss = new_theta, new_state, new_info, loss
            row, spectrum = _row(k, training, info, measure, error_names, columns, theta)
            result.history.append(row)
            if spectrum is not None:
                last_spectrum = _keep_spectrum(result, k, spectrum, k - first_step - 1, spectrum_every)
            if callback is not None:
                callback(row)
            ending = stop.check(loss, training, _errors_of(row, error_names, fitted_exact)) or (
                interrupted.is_set() and ("interrupted", f"interrupted after step {k}"))
            if ending:
                result.status, result.reason = ending
                break
            if adapt is not None and adapt.due(k - first_step) and k < first_step + stop.steps:
                points, seconds = _moved(adapt, ls, theta, points, stop, result)
                training += seconds
    return _finish(result, solver, theta, training, info, last_spectrum,
                   points if adapt is not None else None)


FALLING = 2.0  # a run whose loss fell this many times over its last quarter was still falling


def still_falling(losses: list[float]) -> str:
    """What a run that ran out of steps or time says when its loss was still falling: by
    how much over its last quarter (at least 10 steps), so that more steps would go on."""
    k = max(10, len(losses) // 4)
    if len(losses) <= k or not losses[-1] > 0:
        return ""
    fell = losses[-k - 1] / losses[-1]
    return (f"; its loss still fell {fell:.3g}-fold over the last {k} steps: more steps "
            f"would go on" if fell >= FALLING else "")


def _keep_spectrum(result: Result, k: int, spectrum, index: int, every: int) -> tuple:
    """Step k's spectrum (the run's `index`-th step), recorded in the result every `every`
    steps; kept as the last seen."""
    if index % every == 0:
        result.spectrum.append(_spectrum_row(k, spectrum))
    return k, spectrum


def _finish(result: Result, solver: Solver, theta, training: float, info, last_spectrum,
            points) -> Result:
    """The run's last θ, its training time, the points it ended on (when they moved), its
    last spectrum, the filter of its last step, and whether its loss still fell."""
    result.theta, result.seconds = theta, training
    if result.status == "max_steps":
        result.reason += still_falling([row["loss"] for row in result.history])
    if points is not None:
        result.points = [np.asarray(x) for x in points]
    if last_spectrum is not None and result.spectrum[-1]["step"] != last_spectrum[0]:
        result.spectrum.append(_spectrum_row(*last_spectrum))
    if info is not None:
        result.filter = solver.filter_of({k: _scalar(v) for k, v in info.items() if k != "spectrum"})
    return result


def _moving_points(ls: LeastSquares, theta, points):
    """The problem on the points a run starts from: `points` when a later piece of a run
    goes on from them, else those of `ls`."""
    if points is not None:
        ls = with_points(ls, [jnp.asarray(x, theta.dtype) for x in points])
    return ls, [b.points for b in ls.blocks]


def _started(initial_loss: float, stop: StopRules, result: Result) -> bool:
    """Start the stop rules from the first step's initial loss; False (the run has
    diverged) when it is not finite."""
    if not math.isfinite(initial_loss):
        result.status, result.reason = "diverged", NOT_FINITE_AT_START
        return False
    stop.start(initial_loss)
    return True


def _moved(adapt, ls: LeastSquares, theta, points, stop: StopRules, result: Result):
    """The points drawn anew where the residual is large, and the seconds that took (they
    count as training); the loss and the stop rules go on from the loss on them."""
    started = time.perf_counter()
    points = adapt.resample(ls, theta, points)
    result.loss = adapt.loss(ls, theta, points)
    stop.moved(result.loss)
    return points, time.perf_counter() - started


def _compile(ls: LeastSquares, solver: Solver, theta, errors, adapt=None, fingerprint=None):
    """θ placed where the step runs, the initial state, the compiled step and error
    measure. The step also returns the loss at the θ it starts from: the first step
    gives the initial loss, and no function is compiled for it alone. A step on several
    devices (`devices` > 1) returns θ replicated over them: the error measure is
    compiled for that θ. With `adapt` the step takes the points as a third argument. A
    `fingerprint` of what the step is traced from lets a kept trace serve (`traces`)."""
    state = solver.init(ls, theta)
    if adapt is None:
        def run(theta, state):
            return *solver.step(ls, theta, state), ls.loss(theta)
        moving = ()
    else:
        def run(theta, state, points):
            at = with_points(ls, points)
            return *solver.step(at, theta, state), at.loss(theta)
        moving = (tuple(b.points for b in ls.blocks),)
    step = traces.compiled(run, (theta, state, *moving), fingerprint) if fingerprint else None
    if step is None:
        step = jax.jit(run).lower(theta, state, *moving).compile()
        theta = jax.device_put(theta, step.input_shardings[0][0])
    measure = jax.jit(errors).lower(theta).compile() if errors is not None else None
    return theta, state, step, measure


def _divergence(k: int, loss: float, theta, initial_loss: float) -> str:
    """Why step k diverged ('' if it did not)."""
    if not math.isfinite(loss) or not np.isfinite(np.asarray(theta)).all():
        return f"step {k}: the loss became {loss} (kept the θ of step {k - 1})"
    if loss > BLOW_UP * max(initial_loss, 1e-300):
        return f"step {k}: the loss grew to {loss:.3g}, {BLOW_UP:.0e} × its start"
    return ""


def _row(k, training, info, measure, error_names, columns, theta) -> tuple[dict, object]:
    """The history row of step k, and the step's spectrum (σ, cut) if it has one."""
    row = {"step": k, "seconds": training}
    row.update({name: _scalar(value) for name, value in info.items() if name != "spectrum"})
    if measure is not None:
        for name, value in zip(error_names, measure(theta)):
            row[f"l2_{name}"] = float(value)
    if columns is not None:
        row.update(columns(theta))
    return row, info.get("spectrum")


def _errors_of(row: dict, names: tuple[str, ...], fitted_exact: Mapping | None) -> list[float]:
    """A history row's relative errors against `exact`: each unknown's L2 error (none
    when the file has no exact solution) and each fitted constant's with an exact value."""
    fields = [row[f"l2_{n}"] for n in names if f"l2_{n}" in row]
    return fields + [fitted_error(row[f"fit_{n}"], value)
                     for n, value in (fitted_exact or {}).items()]


def _spectrum_row(step: int, spectrum) -> dict:
    sigma, cut = spectrum
    return {"step": step, "sigma": np.asarray(sigma).tolist(), "cut": float(cut)}


def _scalar(value):
    value = np.asarray(value)  # on the host: a jnp operation here would compile
    return int(value) if np.issubdtype(value.dtype, np.integer) else float(value)


class InterruptFlag:
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
