"""Solvers: small Equinox modules whose fields are their settings, with `init`/`step`.

`step(ls, θ, state) -> (θ, state, info)` where `info` is a dict of scalars with at
least `loss`; the training loop (pdedsl.train) is the same for all of them.
"""

from __future__ import annotations

from .anagram import Anagram
from .engd import Engd
from .optax_solvers import Adam, Lbfgs

# Per solver: its class and the defaults of its settings (stop rules included).
REGISTRY: dict[str, tuple[type, dict]] = {
    # Strategy defaults chosen by bench/robustness.py (docs/solvers.md has the numbers).
    "anagram": (Anagram, {"steps": 150, "tol": 0.0, "patience": 25, "rcond": 1e-8,
                          "cut": "fixed", "damping": "auto", "stall_steps": 3,
                          "order": 3}),
    # Baselines (bench/run.py). ENGD's cut ≈ its authors' lstsq(G, ∇L). Adam's loss is
    # not monotone (it rose for 2000 steps on Laplace 2D), so only its step count stops it.
    "engd": (Engd, {"steps": 500, "tol": 0.0, "patience": 50, "rcond": 1e-7}),
    "adam": (Adam, {"steps": 20000, "tol": 0.0, "patience": 20000, "lr": 1e-3, "decay_steps": 10000}),
    "lbfgs": (Lbfgs, {"steps": 2000, "tol": 0.0, "patience": 200, "memory": 10}),
}

STOP_RULES = ("steps", "tol", "patience", "seconds")


def make_solver(name: str, options: dict):
    """The solver `name` built from its options, and the stop-rule options apart."""
    cls, defaults = REGISTRY[name]
    merged = {**defaults, **options}
    stop = {k: v for k, v in merged.items() if k in STOP_RULES}
    return cls(**{k: v for k, v in merged.items() if k not in STOP_RULES}), stop


__all__ = ["Adam", "Anagram", "Engd", "Lbfgs", "REGISTRY", "make_solver"]
