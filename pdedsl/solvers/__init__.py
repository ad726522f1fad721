"""Solvers: small Equinox modules whose fields are their settings, with `init`/`step`.

The protocol is written down in `protocol.py`; each solver's settings and their
defaults in `pdedsl.language.settings.SOLVERS` (its class fields read them, so
`Anagram()` is the solver a run gets). The training loop (pdedsl.train) is the same
for all of them.
"""

from __future__ import annotations

from ..language.settings import SOLVERS, STOP_RULES, defaults
from .anagram import Anagram
from .engd import Engd
from .filter import Filter
from .optax_solvers import Adam, Lbfgs
from .protocol import Solver

REGISTRY: dict[str, type] = {"anagram": Anagram, "engd": Engd, "adam": Adam, "lbfgs": Lbfgs}


def make_solver(name: str, options: dict) -> tuple[Solver, dict]:
    """The solver `name` built from its options, and its stop rules (defaults filled in)."""
    merged = {**defaults(SOLVERS[name]), **options}
    stop = {k: merged[k] for k in STOP_RULES}
    return REGISTRY[name](**{k: v for k, v in options.items() if k not in STOP_RULES}), stop


__all__ = ["Adam", "Anagram", "Engd", "Filter", "Lbfgs", "REGISTRY", "Solver", "make_solver"]
