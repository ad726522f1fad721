"""`solve(path_or_text, **overrides)`: the whole flow, parse to trained Solution.

parse -> configure (settings, overrides, defaults) -> compile -> sample -> model
-> least squares -> train -> Solution. `prepare` stops before training, for the
code (CLI resume, analysis, benchmarks) that needs the pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from . import geometry
from .compile import CompiledProblem, compile_problem
from .config import Config, configure
from .language.parser import parse, parse_file
from .language.problem import Problem
from .least_squares import LeastSquares, least_squares
from .model import Model
from .solution import EVALUATION_POINTS, Solution, build_model
from .solvers import make_solver
from .train import train

jax.config.update("jax_enable_x64", True)


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

    def errors(self) -> Callable[[jax.Array], jax.Array] | None:
        """θ -> relative L2 error per unknown on the evaluation points, if exact is known."""
        if self.compiled.exact is None:
            return None
        bounds = np.array(self.problem.bounds())
        x = geometry.evaluation_points(bounds, EVALUATION_POINTS, self.config.seed)
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
    problem, config = configure(load_problem(path_or_text), overrides)
    compiled = compile_problem(problem)
    points = geometry.collocation_points(
        np.array(problem.bounds()),
        [v.name for v in problem.variables],
        [b.face for b in compiled.blocks],
        interior=config.sample["interior"],
        boundary=config.sample["boundary"],
        method=config.sample["method"],
        seed=config.seed,
    )
    model = build_model(problem, config)
    ls, theta = least_squares(compiled, points, model)
    return Prepared(problem, config, compiled, points, model, ls, theta)


def solve(path_or_text: str | Path | Problem, *, callback=None, **overrides) -> Solution:
    """Solve a `.pde` problem: `solve("laplace.pde", steps=100, rcond=1e-8)`.

    Overrides name a setting (solver, steps, tol, rcond, width, depth, interior,
    method, seed, ...) or a constant of the file. `callback(row)` sees each step's
    history row as it is made (used for progress bars).
    """
    prepared = prepare(path_or_text, **overrides)
    solver, stop = make_solver(prepared.config.solver, prepared.config.solver_options)
    result = train(
        prepared.ls, solver, prepared.theta, **stop,
        errors=prepared.errors(),
        error_names=tuple(u.name for u in prepared.problem.unknowns),
        callback=callback,
    )
    return Solution(
        prepared.problem, prepared.config, prepared.ls.to_model(result.theta), result.history,
        result.status, result.reason, result.compile_seconds, result.seconds, prepared.points,
        result.spectrum,
    )


def load(folder: str | Path) -> Solution:
    """A saved Solution (a run folder), ready to predict without retraining."""
    return Solution.load(folder)
