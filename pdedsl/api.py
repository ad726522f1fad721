"""`solve(path_or_text, **overrides)`: the whole flow, parse to trained Solution.

parse -> configure (settings, overrides, defaults) -> compile -> sample -> model
-> least squares -> train -> Solution. `prepare` stops before training and returns a
`Prepared`, whose `train` is the one way a problem trains: the API, the command line
(new and resumed runs) and the benchmarks all go through it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from . import estimate, geometry, runtime
from .adapt import Resampler
from .compile import CompiledProblem, compile_problem, statement_of
from .config import Config, check_memory, configure
from .language.errors import PdeError, wrong_type
from .language.parser import parse, parse_file
from .language.problem import Problem
from .language.tables import observations_for
from .least_squares import LeastSquares, fitted_values, flatten, least_squares
from .model import Model, build_model
from .solution import EVALUATION_POINTS, Solution
from .solvers import make_solver
from .train import NOT_FINITE_AT_START, InterruptFlag, Result, StopRules, train


@dataclass
class Prepared:
    """A problem ready to train: compiled, sampled, with its model and loss."""

    problem: Problem
    config: Config
    compiled: CompiledProblem
    points: list[np.ndarray]
    model: Model
    ls: LeastSquares
    theta: jax.Array

    @functools.cached_property
    def fingerprint(self) -> str | None:
        """What the step is traced from: the problem, the settings and the points (a kept
        trace serves a run with the same, `pdedsl.traces`); None for a sharded step."""
        if self.config.solver_options.get("devices", 1) > 1:
            return None
        digest = hashlib.sha256(repr((self.problem, self.config)).encode())
        for block in self.points:
            digest.update(np.ascontiguousarray(block).tobytes())
        return digest.hexdigest()

    def on_points(self, points: list[np.ndarray]) -> Prepared:
        """The same problem on other points (one array per block)."""
        ls, _ = least_squares(self.compiled, points, self.model)
        return dataclasses.replace(self, points=[np.asarray(p) for p in points], ls=ls)

    def train(self, *, theta: jax.Array | None = None, previous: Solution | None = None,
              callback: Callable[[dict], None] | None = None,
              on_start: Callable[[dict, int, float], None] | None = None) -> Solution:
        """Train from θ (default: the initial model) into a Solution, then on more points
        if the run proves them too few (`refined`).

        `previous`: the Solution a resumed run continues (its steps, clock and history
        go on). `callback(row)` sees each history row as it is made; `on_start(stop,
        first_step, seconds_before)` is called once everything is built, before the step
        is compiled (the progress display learns the stop rules there; `stop["note"]`
        says why a second piece of the run starts).
        """
        if callback is not None and not callable(callback):
            raise PdeError(f"callback must be a function of one history row, not "
                           f"{type(callback).__name__}", filename="pdedsl")
        solution = self._train(theta, previous, callback, on_start)
        try:
            return self.refined(solution, callback, on_start)
        except KeyboardInterrupt:  # Ctrl-C after the last step: the trained run is kept
            return dataclasses.replace(
                solution, status="interrupted",
                reason=f"interrupted after step {solution.steps}, while checking its points")

    def refined(self, solution: Solution, callback=None, on_start=None) -> Solution:
        """A run whose points proved too few for its solution (`estimate.too_few_points`:
        a shock or a layer between them) trains on from where it ended on `refine` times
        the points, drawn where the residual is large (adapt), for at most `refine` times
        its steps and its training time (bench/recorded/accuracy.md: viscous Burgers)."""
        sample, options = self.config.sample, self.config.solver_options
        factor, budget = sample["refine"], options["seconds"] - solution.seconds
        if (factor <= 1 or solution.status not in ("converged", "max_steps") or budget <= 0
                or not estimate.may_be_too_few(solution) or not estimate.too_few_points(solution)):
            return solution
        more = {**estimate.more_points(solution, factor), "refine": 1}
        config = dataclasses.replace(self.config, sample={**sample, **more}, solver_options={
            **options, "steps": factor * options["steps"],
            "seconds": min(budget, factor * max(solution.seconds, 30))})
        try:
            check_memory(self.problem, config)
        except PdeError:
            return solution  # the warning stays, and says what to try
        ratio = solution.estimate["residual_ratio"]
        note = (f"points too few (residual between them {ratio:.2g} times the residual on "
                f"them): {more['interior']} interior, {more['boundary']} boundary, adapt = "
                f"{more['adapt']}")
        points = geometry.sample_blocks(self.problem, self.compiled.blocks, config.sample,
                                        config.seed)
        stage = dataclasses.replace(self, config=config).on_points(points)
        start = flatten(solution.model)[0].astype(self.theta.dtype)
        announce = on_start and (lambda stop, *rest: on_start({**stop, "note": note}, *rest))
        later = stage._train(start, solution, callback, announce)
        return dataclasses.replace(later, reason=f"refined after step {solution.steps}, {note}; "
                                                  f"{later.reason}")

    def _train(self, theta, previous, callback, on_start) -> Solution:
        solver, stop = make_solver(self.config.solver, self.config.solver_options)
        first_step = previous.steps if previous else 0
        offset = previous.seconds if previous else 0.0
        if on_start is not None:
            on_start(stop, first_step, offset)

        def shifted(row):  # the clock of a resumed run continues
            if callback is not None:
                callback({**row, "seconds": row["seconds"] + offset})

        start = self.theta if theta is None else theta
        linearised = estimate.ahead(self.problem, self.config, self.compiled, self.model,
                                    self.evaluation_points())
        result = self.run(solver, stop, start, first_step, shifted)
        with InterruptFlag() as pressed:  # Ctrl-C after the last step: the run is kept
            solution = self._solution(result, start, previous, linearised)
        if pressed.is_set() and solution.status in ("converged", "max_steps"):
            solution = dataclasses.replace(solution, status="interrupted",
                                           reason=f"interrupted after step {solution.steps}")
        return solution

    def _solution(self, result: Result, start, previous: Solution | None, linearised) -> Solution:
        """The Solution of a piece of training (a resumed run's history and clock go on)."""
        offset = previous.seconds if previous else 0.0
        if result.reason == NOT_FINITE_AT_START:
            result.reason += self.not_finite(start)
        history = [{**row, "seconds": row["seconds"] + offset} for row in result.history]
        return Solution(
            problem=self.problem, config=self.config, model=self.ls.to_model(result.theta),
            history=(previous.history if previous else []) + history,
            status=result.status, reason=result.reason, loss=result.loss,
            compile_seconds=result.compile_seconds + (previous.compile_seconds if previous else 0.0),
            seconds=result.seconds + offset, points=result.points or self.points, filter=result.filter,
            spectrum=(previous.spectrum if previous else []) + result.spectrum,
            linearised=linearised,
        )

    def run(self, solver, stop: dict, theta: jax.Array, first_step: int,
            callback: Callable[[dict], None]) -> Result:
        """The training loop from θ. An inverse problem first trains the fields alone for
        `hold` steps (counted from the run's start), the fitted constants held at their
        values in θ, so that they start moving from fields that fit their first
        guesses (an eigenvalue then goes to the eigenvalue nearest its guess, not to a
        degenerate limit); then everything."""
        names = tuple(u.name for u in self.problem.unknowns)
        errors, columns = self.errors(), self.fitted_columns()
        measured = {"error_names": names, "fitted_exact": self.problem.fitted_exact()}
        adapt = Resampler.of(self.problem, self.compiled, self.config)
        hold = 0
        if self.problem.fitted:
            hold = min(max(self.config.solver_options["hold"] - first_step, 0), stop["steps"])
        if hold == 0:
            return train(self.ls, solver, theta, StopRules(**stop), errors=errors,
                         **measured, columns=columns, callback=callback,
                         first_step=first_step, adapt=adapt, fingerprint=self.fingerprint)
        count = len(self.problem.fitted)
        host = np.asarray(theta)
        held = host[-count:]  # p, θ's last entries
        ls, fields = least_squares(self.compiled, self.points, self.ls.to_model(theta),
                                   hold_fitted=True)

        def join(t):
            return jnp.concatenate([t, jnp.asarray(held, t.dtype)])

        first = train(ls, solver, fields, StopRules(**{**stop, "steps": hold}),
                      errors=(lambda t: errors(join(t))) if errors else None,
                      **measured,
                      columns=lambda t: columns(np.concatenate([np.asarray(t), held])),
                      callback=callback, first_step=first_step, adapt=adapt,
                      fingerprint=self.fingerprint and f"{self.fingerprint} held {held.tolist()}")
        first.theta = jnp.asarray(np.concatenate([np.asarray(first.theta), held]), theta.dtype)
        if first.status in ("diverged", "interrupted") or first.seconds >= stop["seconds"]:
            return first
        if hold == stop["steps"]:  # `hold` at least the steps: the constants never moved
            first.reason += (f"; the fitted constants kept their first guesses: hold = "
                             f"{self.config.solver_options['hold']} holds them for the steps "
                             f"before it, and the run had {stop['steps']}")
            return first
        later = {"steps": stop["steps"] - hold, "seconds": stop["seconds"] - first.seconds}
        try:
            rest = train(self.ls, solver, first.theta, StopRules(**{**stop, **later}),
                         errors=errors, **measured, columns=columns,
                         callback=lambda row: callback(_later(row, first.seconds)),
                         first_step=first_step + hold, adapt=adapt, points=first.points,
                         fingerprint=self.fingerprint)
        except KeyboardInterrupt:  # Ctrl-C while the step with the constants compiled
            done = first.history[-1]["step"] if first.history else first_step
            return dataclasses.replace(first, status="interrupted",
                                       reason=f"interrupted after step {done}")
        reason = rest.reason.replace(f"ran all {later['steps']} steps",
                                     f"ran all {stop['steps']} steps")
        return dataclasses.replace(
            rest, reason=reason,
            history=first.history + [_later(row, first.seconds) for row in rest.history],
            compile_seconds=first.compile_seconds + rest.compile_seconds,
            seconds=first.seconds + rest.seconds, spectrum=first.spectrum + rest.spectrum)

    def fitted_columns(self) -> Callable[[jax.Array], dict[str, float]] | None:
        """θ -> {`fit_<name>`: value} per fitted constant (None without any)."""
        if not self.problem.fitted:
            return None
        names = [f"fit_{f.name}" for f in self.problem.fitted]
        values = fitted_values(self.model)
        return lambda theta: dict(zip(names, map(float, values(theta))))

    def not_finite(self, theta: jax.Array) -> str:
        """Where the residuals at θ are first not finite (a source term such as sqrt(x)
        where x < 0): ': the residual of line 3, 'u_xx = sqrt(x)', at x = …'; or, all
        finite, the block whose squares overflow (data of 1e300); or ''."""
        largest, where = 0.0, ""
        for block, compiled in zip(self.ls.blocks, self.compiled.blocks):
            values = np.atleast_1d(np.asarray(block.values(theta, block.points)))
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                point = np.asarray(block.points)[bad[0]] if not block.reduces else ()
                at = ", ".join(f"{n} = {v:.6g}" for n, v in zip(self.problem.names, point))
                return f": the residual of {self._statement(compiled)}" + (f" at {at}" if at else "")
            size = float(np.abs(values).max(initial=0))
            if size > largest:
                largest, where = size, self._statement(compiled)
        if largest > np.sqrt(np.finfo(theta.dtype).max / 2):
            return (f": the residual of {where} reaches {largest:.1e}, too large to square in "
                    f"{theta.dtype} (scale the problem's data down)")
        return ""

    def _statement(self, block) -> str:
        """A block's statement as the file wrote it, with its line ('line 3, 'u_xx = 1''),
        or its label where the file is not at hand."""
        statement = statement_of(self.problem, block.group)
        at, source = statement and statement.location, self.problem.source
        if at is None or source is None:
            return block.label
        return f"line {at.line}, '{source.text.splitlines()[at.line - 1].strip()}',"

    def evaluation_points(self) -> np.ndarray:
        """The points the errors are measured on (`Solution.evaluation_points`)."""
        return geometry.domain_evaluation_points(self.problem, EVALUATION_POINTS, self.config.seed)

    def errors(self) -> Callable[[jax.Array], jax.Array] | None:
        """θ -> relative L2 error per unknown on the evaluation points, if exact is known."""
        if self.compiled.exact is None:
            return None
        x = jnp.asarray(self.evaluation_points(), self.theta.dtype)
        exact_fields = self.compiled.exact

        @jax.jit  # one compile, not one per operation
        def exact_and_norms(x):
            exact = jnp.stack([jax.vmap(f)(x) * jnp.ones(len(x)) for f in exact_fields], 1)
            norms = jnp.linalg.norm(exact, axis=0)
            return exact, jnp.where(norms > 0, norms, jnp.sqrt(len(x)))

        exact, norms = exact_and_norms(x)
        to_model = self.ls.to_model

        def errors(theta):
            predicted = jax.vmap(to_model(theta))(x)
            return jnp.linalg.norm(predicted - exact, axis=0) / norms

        return errors


def _later(row: dict, seconds: float) -> dict:
    """A history row of a run's second piece, on the clock of the whole run."""
    return {**row, "seconds": row["seconds"] + seconds}


def load_problem(path_or_text: str | Path | Problem) -> Problem:
    """A Problem from a Problem, a path to a `.pde` file, or the text of one."""
    if isinstance(path_or_text, Problem):
        return path_or_text
    if not isinstance(path_or_text, (str, Path)):
        raise wrong_type("a .pde file's path, its text or a Problem", path_or_text)
    if isinstance(path_or_text, Path) or "\n" not in path_or_text:
        # a problem states one statement per line, several of them: one line is a path
        # ("problem.txt" missing: "no such file", not a syntax error in its name)
        if isinstance(path_or_text, str) and not path_or_text.endswith(".pde") and not Path(
                path_or_text).exists() and any(c in path_or_text for c in " =[("):  # text
            raise PdeError("no such file (a problem's text has one statement per line: "
                           "several lines, not one)", filename=path_or_text)
        return parse_file(path_or_text)  # (a folder: "is a directory, not a file")
    return parse(path_or_text)


def _with_measurements(problem: Problem, data) -> Problem:
    """The problem with the measurements `data` gives in place of its own. None at all in
    place of the file's (`data=[]`) would drop them unsaid: an error."""
    found = observations_for(problem, data)
    if not found and problem.observations:
        lines = problem.source.text.splitlines() if problem.source else []
        statements = ", ".join(
            f"line {o.location.line}: {lines[o.location.line - 1].strip()}"
            if o.location and o.location.line <= len(lines) else o.path
            for o in problem.observations)
        s = "s" if len(problem.observations) > 1 else ""
        raise PdeError(f"data gives no measurements, in place of those of the file's data "
                       f"statement{s} ({statements}): give measurements, or leave data out "
                       "to train on the file's", filename="pdedsl")
    return problem.with_observations(found)


def prepare(path_or_text: str | Path | Problem, *, data=None, **overrides) -> Prepared:
    """Everything `solve` does before training: parse, apply the overrides, compile,
    sample the points, build the model and the least-squares problem (a `Prepared`).
    `data` replaces the observations of the file's `data` statements (see `solve`)."""
    runtime.setup()
    problem = load_problem(path_or_text)
    if data is not None:
        problem = _with_measurements(problem, data)
    problem, config = configure(problem, overrides)
    compiled = compile_problem(problem)
    points = geometry.sample_blocks(problem, compiled.blocks, config.sample, config.seed)
    model = build_model(problem, config)
    ls, theta = least_squares(compiled, points, model)
    return Prepared(problem, config, compiled, points, model, ls, theta)


def solve(path_or_text: str | Path | Problem, *, data=None, callback=None,
          **overrides) -> Solution:
    """Solve a `.pde` problem: `solve("laplace.pde", steps=100, rcond=1e-8)`.

    Overrides name a setting (solver, steps, tol, rcond, width, depth, interior,
    method, seed, ...), a constant of the file, or a fitted constant (its first guess).
    `data` replaces the measurements of the file's `data` statements: a CSV path
    (relative to the working directory), a table (a dict of arrays or a DataFrame,
    columns named after the variables and unknowns), a pair (2-D array, column names),
    or a list of these (not an empty one where the file has data). `callback(row)`
    sees each step's history row as it is made (used for progress bars).
    """
    return prepare(path_or_text, data=data, **overrides).train(callback=callback)


def load(folder: str | Path) -> Solution:
    """A saved Solution (a run folder), ready to predict without retraining."""
    return Solution.load(folder)
