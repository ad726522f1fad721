"""`solve(path_or_text, **overrides)`: the whole flow, parse to trained Solution.

parse -> configure (settings, overrides, defaults) -> compile -> sample -> model
-> least squares -> train -> Solution. `prepare` stops before training and returns a
`Prepared`, whose `train` is the one way a problem trains: the API, the command line
(new and resumed runs) and the benchmarks all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from . import geometry, runtime
from .compile import CompiledProblem, compile_problem
from .config import Config, configure
from .language.parser import parse, parse_file
from .language.problem import Problem
from .least_squares import LeastSquares, least_squares
from .model import Model, build_model
from .solution import EVALUATION_POINTS, Solution
from .solvers import make_solver
from .train import StopRules, train


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

    def train(self, *, theta: jax.Array | None = None, previous: Solution | None = None,
              callback: Callable[[dict], None] | None = None,
              on_start: Callable[[dict, int, float], None] | None = None) -> Solution:
        """Train from θ (default: the initial model) into a Solution.

        `previous`: the Solution a resumed run continues (its steps, clock and history
        go on). `callback(row)` sees each history row as it is made; `on_start(stop,
        first_step, seconds_before)` is called once everything is built, before the step
        is compiled (the progress display learns the stop rules there).
        """
        solver, stop = make_solver(self.config.solver, self.config.solver_options)
        first_step = previous.steps if previous else 0
        offset = previous.seconds if previous else 0.0
        if on_start is not None:
            on_start(stop, first_step, offset)

        def shifted(row):  # the clock of a resumed run continues
            if callback is not None:
                callback({**row, "seconds": row["seconds"] + offset})

        result = train(self.ls, solver, self.theta if theta is None else theta,
                       StopRules(**stop), errors=self.errors(),
                       error_names=tuple(u.name for u in self.problem.unknowns),
                       callback=shifted, first_step=first_step)
        history = [{**row, "seconds": row["seconds"] + offset} for row in result.history]
        return Solution(
            problem=self.problem, config=self.config, model=self.ls.to_model(result.theta),
            history=(previous.history if previous else []) + history,
            status=result.status, reason=result.reason, loss=result.loss,
            compile_seconds=result.compile_seconds + (previous.compile_seconds if previous else 0.0),
            seconds=result.seconds + offset, points=self.points, filter=result.filter,
            spectrum=(previous.spectrum if previous else []) + result.spectrum,
        )

    def errors(self) -> Callable[[jax.Array], jax.Array] | None:
        """θ -> relative L2 error per unknown on the evaluation points, if exact is known."""
        if self.compiled.exact is None:
            return None
        x = geometry.domain_evaluation_points(self.problem, EVALUATION_POINTS, self.config.seed)
        x = jnp.asarray(x, self.theta.dtype)
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


def load_problem(path_or_text: str | Path | Problem) -> Problem:
    """A Problem from a Problem, a path to a `.pde` file, or the text of one."""
    if isinstance(path_or_text, Problem):
        return path_or_text
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and str(path_or_text).endswith(".pde")
    ):
        return parse_file(path_or_text)
    return parse(path_or_text)


def prepare(path_or_text: str | Path | Problem, **overrides) -> Prepared:
    """Everything `solve` does before training: parse, apply the overrides, compile,
    sample the points, build the model and the least-squares problem (a `Prepared`)."""
    runtime.setup()
    problem, config = configure(load_problem(path_or_text), overrides)
    compiled = compile_problem(problem)
    points = geometry.sample_blocks(problem, compiled.blocks, config.sample, config.seed)
    model = build_model(problem, config)
    ls, theta = least_squares(compiled, points, model)
    return Prepared(problem, config, compiled, points, model, ls, theta)


def solve(path_or_text: str | Path | Problem, *, callback=None, **overrides) -> Solution:
    """Solve a `.pde` problem: `solve("laplace.pde", steps=100, rcond=1e-8)`.

    Overrides name a setting (solver, steps, tol, rcond, width, depth, interior,
    method, seed, ...) or a constant of the file. `callback(row)` sees each step's
    history row as it is made (used for progress bars).
    """
    return prepare(path_or_text, **overrides).train(callback=callback)


def load(folder: str | Path) -> Solution:
    """A saved Solution (a run folder), ready to predict without retraining."""
    return Solution.load(folder)
