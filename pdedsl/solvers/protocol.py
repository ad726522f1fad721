"""What the training loop asks of a solver (ANaGRAM, ENGD, Adam, L-BFGS alike).

A solver is a small final Equinox module whose fields are its settings (their defaults
come from `pdedsl.language.settings.SOLVERS`). `init` makes its state, `step` makes one
update inside the compiled loop, and `filter_of` says, from a step's info, which filter
its pseudo-inverse used (None for first-order solvers), so that the analysis of a run
uses the run's own step.
"""

from __future__ import annotations

from typing import Any, Protocol

import jax

from ..least_squares import LeastSquares
from .filter import Filter


class Solver(Protocol):
    def init(self, ls: LeastSquares, theta: jax.Array) -> Any:
        """The state before the first step (arrays only: it lives in the compiled step)."""

    def step(self, ls: LeastSquares, theta: jax.Array, state: Any) -> tuple[jax.Array, Any, dict]:
        """(new θ, new state, info): info holds scalars, at least `loss` at the new θ."""

    def filter_of(self, info: dict) -> Filter | None:
        """The filter a step with this info used, or None for a first-order solver."""
