"""`Solution`: a trained model with its problem, settings and history; save and load.

A Solution predicts each unknown at any points, measures its error against the
exact solution (on points independent of the training points) and can be saved to
a folder and loaded back without retraining.
"""

from __future__ import annotations

import json
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from . import analysis, estimate, geometry
from .compile import CompiledProblem, compile_problem
from .config import Config
from .language.data import Observations
from .language.errors import PdeError
from .language.parser import parse
from .language.problem import Problem, fitted_error
from .model import Model, build_model
from .solvers.filter import Filter
from .uncertainty import Uncertainty, fitted_uncertainty

EVALUATION_POINTS = 4096
CHECKPOINT = "checkpoint.eqx"
CHECKPOINT_META = "checkpoint.json"
MOVED_POINTS = "points.npz"  # the points a run with `adapt` ended on (others sample them again)


@dataclass(kw_only=True)
class Solution:
    """The result of `pdedsl.solve`: call `predict(points)` for values of each unknown.

    Attributes:
        problem: the `Problem` that was solved (constants as overridden).
        config: every setting of the run, defaults filled in (`config.model["width"]`, ...).
        model: the trained network (one Equinox MLP per unknown).
        history: one dict per step, the rows of `history.csv`.
        status: how the run ended: `converged`, `max_steps`, `diverged` or `interrupted`.
        reason: that ending in one line.
        seconds: training time, compilation excluded.
        compile_seconds: time to build and compile the step.
        loss: ½‖r‖² at the final θ.
        filter: the pseudo-inverse of the last step (None for Adam, L-BFGS); the Green's
            function, the NNTK and `resolve` use it.

    An inverse problem's fitted constants are `fitted` (name -> value), with
    `fitted_standard_error` and, where the file gives exact values, `fitted_error`.
    """

    problem: Problem
    config: Config
    model: Model
    history: list[dict] = field(default_factory=list)
    status: str = "max_steps"
    reason: str = ""
    compile_seconds: float = 0.0
    seconds: float = 0.0
    loss: float = float("nan")
    filter: Filter | None = None
    points: list[np.ndarray] = field(default_factory=list, repr=False)
    spectrum: list[dict] = field(default_factory=list, repr=False)  # σ of Φ̂ and the cut, every few steps
    # the error estimate's compiled call, compiled while the run trained (`estimate.ahead`)
    linearised: Future | None = field(default=None, repr=False, compare=False)

    @cached_property
    def compiled(self) -> CompiledProblem:
        return compile_problem(self.problem)

    @property
    def unknowns(self) -> tuple[str, ...]:
        """The unknowns' names, in declaration order."""
        return tuple(u.name for u in self.problem.unknowns)

    @property
    def steps(self) -> int:
        """Steps done (those of earlier pieces of a resumed run included)."""
        return self.history[-1]["step"] if self.history else 0

    @property
    def fitted(self) -> dict[str, float]:
        """The fitted constants' trained values (empty when the problem fits none)."""
        if self.model.fitted is None:
            return {}
        values = np.asarray(self.model.fitted) * np.asarray(self.model.fitted_scale)
        return {f.name: float(v) for f, v in zip(self.problem.fitted, values)}

    @property
    def fitted_error(self) -> dict[str, float] | None:
        """`|c - c*| / |c*|` per fitted constant with an exact value c* (`|c - c*|` when
        c* = 0); None when no fitted constant has one."""
        exact = self.problem.fitted_exact()
        if not exact:
            return None
        fitted = self.fitted
        return {name: fitted_error(fitted[name], value) for name, value in exact.items()}

    @cached_property
    def uncertainty(self) -> Uncertainty | None:
        """Standard errors of the fitted constants from the final Jacobian cut at the
        run's rcond, and warnings for poorly determined ones (see pdedsl.uncertainty);
        None without fitted constants. Computed on first use (one Jacobian and SVD)."""
        if not self.problem.fitted:
            return None
        return fitted_uncertainty(self.tangent, self.problem, self.tangent.rcond)

    @property
    def fitted_standard_error(self) -> dict[str, float] | None:
        """The standard error of each fitted constant (None without fitted constants)."""
        return self.uncertainty.standard_error if self.uncertainty else None

    def predict(self, points) -> dict[str, np.ndarray]:
        """Each unknown at `points` (M × d, columns in the problem's variable order; a
        1-D array in a one-variable problem); another shape is a ValueError."""
        values = _evaluate(self.model, _as_points(points, self.model, self.problem))
        return {name: np.asarray(values[:, k]) for k, name in enumerate(self.unknowns)}

    def exact(self, points) -> dict[str, np.ndarray] | None:
        """The exact solution at `points`, or None when the file gives none."""
        if self.compiled.exact is None:
            return None
        x = jnp.asarray(geometry.user_points(points, self.problem.names), jnp.float64)
        values = np.asarray(self._exact_values(x))
        return {name: values[:, k] for k, name in enumerate(self.unknowns)}

    @cached_property
    def _exact_values(self):
        """x (M × d) -> the exact solution (M × unknowns), compiled as one call (op by op,
        each operation compiles on its own: a second of the first run)."""
        fields = self.compiled.exact
        return jax.jit(lambda x: jnp.stack([jax.vmap(f)(x) * jnp.ones(len(x)) for f in fields], 1))

    @cached_property
    def evaluation_points(self) -> np.ndarray:
        return geometry.domain_evaluation_points(self.problem, EVALUATION_POINTS,
                                                 self.config.seed)

    @property
    def l2_relative_error(self) -> dict[str, float] | None:
        """`‖u - u*‖ / ‖u*‖` per unknown (u* the exact solution) on 4096 uniform points
        not used in training; None when the file gives no exact solution."""
        return self._errors(relative_l2)

    @property
    def max_abs_error(self) -> dict[str, float] | None:
        """`max |u - u*|` per unknown on the same points; None without an exact solution."""
        return self._errors(lambda p, e: float(np.max(np.abs(p - e))))

    @cached_property
    def estimate(self) -> dict:
        """How accurate the run is without an exact solution (pdedsl.estimate): the
        relative L2 correction that fresh points' residuals call for, per unknown
        (`l2_relative`), and the RMS residual of each block on those points."""
        return estimate.error_estimate(self)

    @property
    def error_estimate(self) -> dict[str, float]:
        """The estimated relative L2 error per unknown (see `estimate`)."""
        return self.estimate["l2_relative"]

    @property
    def warnings(self) -> list[str]:
        """What the numbers alone do not say: points too few for this solution (the
        residual between them far above the residual on them, `estimate.too_few_points`)."""
        return [w for w in (estimate.too_few_points(self),) if w]

    def _errors(self, measure) -> dict[str, float] | None:
        exact = self.exact(self.evaluation_points)
        if exact is None:
            return None
        predicted = self.predict(self.evaluation_points)
        return {name: measure(predicted[name], exact[name]) for name in self.unknowns}

    @cached_property
    def tangent(self):
        """The trained model linearised at θ (Φ̂ and the run's filtered SVD), built once;
        see analysis.py."""
        return analysis.Tangent(self.problem, self.compiled, self.config, self.model,
                                analysis.collocation_points(self), self.filter)

    def green_function(self, x, y=None, *, unknown: str | None = None, equation: int = 0):
        """(G, y): G[m, n] ≈ G(x_m, y_n), the operator's Green's function on the model's
        tangent space (y: the interior collocation points unless given); the response
        to a source change df is ∫ G(x, y) df(y) dy. See pdedsl.analysis."""
        return analysis.green_function(self, x, y, unknown=unknown, equation=equation)

    def resolve(self, source):
        """The solution for a new interior source (`"1"`, `"x*sin(pi*y)"`, or a function of
        points), without training: the linearised update with the cut SVD reused.
        Returns an object with `predict(points)`; a nonlinear problem is a ValueError."""
        return analysis.resolve(self, source)

    def __repr__(self) -> str:
        """One line (the fields hold the whole network and history)."""
        source = self.problem.source
        name = Path(source.name).name if source else "<input>"
        return (f"Solution({name}: {self.config.solver}, {self.status} after {self.steps} "
                f"steps, loss {self.loss:.3g})")

    def plot(self, kind: str = "solution", unknown: str | None = None):
        """A matplotlib Figure: `kind="solution"`, the trained `unknown` (default: the
        first) beside the exact one and the error; `kind="training"`, the loss and the
        errors against step and seconds. The figures `pdedsl solve` writes, not saved."""
        from .plots.notebook import figure

        return figure(self, kind, unknown)

    def _repr_html_(self) -> str:
        """What a notebook shows: how the run ended, and the trained field inline."""
        from .plots.notebook import summary_html

        return summary_html(self)

    def save(self, folder: str | Path) -> Path:
        """Write the checkpoint (model leaves + what rebuilds the model) into `folder`.
        In the folder of an earlier run, that run's figures are removed first: beside this
        checkpoint they would show another solution (`pdedsl solve` removes them too)."""
        from .plots import remove_figures

        remove_figures(folder)
        return self.write_checkpoint(folder)

    def write_checkpoint(self, folder: str | Path) -> Path:
        """`save` without removing figures: the run folder's writer calls it while this
        run's own figures are being drawn there."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        eqx.tree_serialise_leaves(folder / CHECKPOINT, self.model)
        source = self.problem.source
        meta = {
            "file": source.name if source else "<input>",
            "text": source.text if source else None,
            "constants": {c.name: str(c.value) for c in self.problem.constants},
            "guesses": {f.name: str(f.guess) for f in self.problem.fitted},
            "observations": [o.to_json() for o in self.problem.observations],
            "config": self.config.to_json(),
            "steps": self.steps,
            "status": self.status,
            "reason": self.reason,
            "compile_seconds": self.compile_seconds,
            "seconds": self.seconds,
            "loss": self.loss,
            "filter": self.filter.to_json() if self.filter else None,
            "history": self.history,
            "spectrum": self.spectrum,
        }
        (folder / CHECKPOINT_META).write_text(json.dumps(meta, indent=1))
        if self.config.sample.get("adapt") and self.points:
            np.savez(folder / MOVED_POINTS, *[np.asarray(p) for p in self.points])
        else:  # an earlier run's in this folder would be loaded as this run's points
            (folder / MOVED_POINTS).unlink(missing_ok=True)
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Solution:
        """A Solution from a folder written by `save`; predicts without retraining.
        A folder that is not one, or whose files are damaged, is a PdeError naming it."""
        folder = Path(folder)
        if not (folder / CHECKPOINT_META).is_file():
            raise PdeError(f"not a run folder (no {CHECKPOINT_META})", filename=str(folder))
        try:
            return cls._load(folder)
        except PdeError:
            raise
        except Exception as error:  # JSON, a missing key, a checkpoint of other shapes
            raise PdeError(f"the run folder is damaged and cannot be loaded "
                           f"({type(error).__name__}: {error})".replace("\n", " "),
                           filename=str(folder)) from None

    @classmethod
    def _load(cls, folder: Path) -> Solution:
        meta = json.loads((folder / CHECKPOINT_META).read_text())
        if meta["text"] is None:
            raise ValueError("the checkpoint holds no problem text")
        # the run's own observations, not the data files as they are now
        problem = parse(meta["text"], filename=meta["file"], read_data=False)
        problem = problem.with_observations(
            Observations.from_json(o) for o in meta.get("observations", []))
        written = {c.name: str(c.value) for c in problem.constants}
        changed = {k: v for k, v in meta["constants"].items() if written.get(k) != v}
        if changed:
            problem = problem.with_constants(**changed)
        guessed = {f.name: str(f.guess) for f in problem.fitted}
        changed = {k: v for k, v in meta.get("guesses", {}).items() if guessed.get(k) != v}
        if changed:
            problem = problem.with_guesses(**changed)
        config = Config.from_json(meta["config"])
        skeleton = build_model(problem, config)
        model = eqx.tree_deserialise_leaves(folder / CHECKPOINT, skeleton)
        history = meta["history"]
        return cls(
            problem=problem, config=config, model=model, history=history,
            status=meta["status"], reason=meta["reason"],
            compile_seconds=meta["compile_seconds"], seconds=meta["seconds"],
            loss=meta.get("loss", history[-1]["loss"] if history else float("nan")),
            filter=Filter(**meta["filter"]) if meta.get("filter") else None,
            spectrum=meta.get("spectrum", []), points=_moved_points(folder),
        )


def _moved_points(folder: Path) -> list[np.ndarray]:
    """The saved points of a run that moved them, in block order ([] if it did not)."""
    if not (folder / MOVED_POINTS).exists():
        return []
    with np.load(folder / MOVED_POINTS) as saved:
        return [saved[f"arr_{k}"] for k in range(len(saved.files))]


def relative_l2(predicted: np.ndarray, exact: np.ndarray) -> float:
    """‖p - e‖/‖e‖, or ‖p - e‖ (RMS-scaled) when the exact solution is zero."""
    norm = np.linalg.norm(exact)
    diff = np.linalg.norm(predicted - exact)
    return float(diff / norm) if norm > 0 else float(diff / np.sqrt(len(exact)))


@eqx.filter_jit
def _evaluate(model: Model, x: jax.Array) -> jax.Array:
    return jax.vmap(model)(x)


def _as_points(points, model: Model, problem: Problem) -> jax.Array:
    dtype = jax.tree.leaves(eqx.filter(model, eqx.is_inexact_array))[0].dtype
    return jnp.asarray(geometry.user_points(points, problem.names), dtype)
