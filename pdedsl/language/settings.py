"""Every setting the language accepts: its type, its allowed values, what it means.

One table, read by the front end (to reject `steps = -5` before anything runs), by
`solve(**overrides)` and `--set NAME=VALUE` (same checks), by the solver and model
classes (their field defaults), and by the docs. It is the one home of every default:
`defaults("anagram")` is what a run gets when nothing is said. The sampling counts
depend on the dimension (`pdedsl.geometry.default_counts`), so their default here is None.
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Option:
    """One setting: `kind` is int, float or str; numbers are bounded, strings chosen."""

    kind: type
    help: str
    default: object = None
    minimum: float | None = None  # inclusive
    above: float | None = None  # exclusive lower bound
    below: float | None = None  # exclusive upper bound
    choices: tuple[str, ...] | None = None

    def validate(self, value: object) -> object:
        """Return the value converted to `kind`, or raise ValueError saying why."""
        if self.kind is str:
            if not isinstance(value, str) or value not in (self.choices or ()):
                raise ValueError(f"must be one of {', '.join(self.choices or ())}")
            return value
        if isinstance(value, str):  # from the command line: `--set steps=50`
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"must be a number, not '{value}'") from None
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"must be a number, not '{value}'")
        value = int(value) if isinstance(value, numbers.Integral) else float(value)  # NumPy's too
        if self.kind is int:
            if value != value:
                raise ValueError("must be a number, not NaN")
            if not abs(value) < 2**63:  # 1e30 is whole, but too large (and inf is no number)
                raise ValueError("must be less than 2^63")
            if float(value) != int(value):
                raise ValueError("must be a whole number")
            value = int(value)
        else:
            value = float(value)
        if value != value:
            raise ValueError("must be a number, not NaN")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be at least {self.minimum:g}")
        if self.above is not None and not value > self.above:
            raise ValueError(f"must be greater than {self.above:g}")
        if self.below is not None and not value < self.below:
            raise ValueError(f"must be less than {self.below:g}")
        return value


def _stop(steps: int, patience: int) -> dict[str, Option]:
    """The stop rules, with a solver's own step budget and patience."""
    return {
        "steps": Option(int, "maximum number of training steps", steps, minimum=1),
        "tol": Option(float, "stop when the loss falls to this value", 0.0, minimum=0),
        "target": Option(float, "stop when every relative error against the file's `exact` "
                         "(each unknown's L2, each fitted constant's) falls to this value "
                         "(0: never; needs `exact`)", 0.0, minimum=0),
        "patience": Option(int, "stop after this many steps in a row without progress (the loss "
                           "falling by less than 1e-4 of itself) or with shrinking falls that "
                           "leave less than 1e-4 of it to gain, once the loss is a millionth "
                           "of its start (and the steps over which the rate of a slow fall is "
                           "judged, at least 10)", patience, minimum=1),
        "seconds": Option(float, "stop after this much training time", math.inf, above=0),
    }


STOP_RULES = ("steps", "tol", "target", "patience", "seconds")


def _hold(steps: int) -> dict[str, Option]:
    """How an inverse problem starts: the fields first, the fitted constants after."""
    return {"hold": Option(int, "first steps of an inverse problem with the fitted constants "
                           "held at their first guesses while the fields fit (counted in "
                           "steps)", steps, minimum=0)}


LOOP_RULES = (*STOP_RULES, "hold")  # read by the training loop, not by a solver


# ANaGRAM's cut for a problem in one variable: its 128 points and two layers of 32 keep
# a well-conditioned Φ̂ far below 1e-8·σ_max. A cut at 1e-10 ended 10 to 1000 times more
# accurate than 1e-8, and 1e-12 10 to 100 times more again (bench/recorded/robustness-1d.md:
# every 1D example, five seeds, both cuts). From 2D on 1e-8 stays (robustness.md).
RCOND_1D = 1e-12


def _cut(rcond: float, note: str = "") -> dict[str, Option]:
    return {
        "rcond": Option(float, f"relative cut of the SVD: keep σ > rcond·σ_max{note}", rcond,
                        above=0, below=1),
        "atol": Option(float, "absolute cut of the SVD: keep σ > atol (overrides rcond)",
                       minimum=0),
    }


_ANAGRAM = {
    "cut": Option(str, "how the cut is chosen each step: searched around rcond, fixed at rcond, "
                  "or refined from coarse to rcond", "fixed", choices=("search", "fixed", "schedule")),
    "damping": Option(str, "lm: Levenberg-Marquardt σ/(σ²+λ) instead of 1/σ above the cut; "
                      "tikhonov: σ/(σ²+cut²) for every σ, no hard cut; auto: tikhonov when "
                      "rcond ≥ 1e-7, else none", "auto", choices=("none", "lm", "tikhonov", "auto")),
    "order": Option(int, "order of each step's path, a Taylor series in η: 1 the straight step "
                    "θ - ηδ; 2 geodesic acceleration, bent by the residuals' second derivative "
                    "along δ; each order more cancels the next power of η in the residuals along "
                    "the path", 3, minimum=1, below=9),
    "stall_steps": Option(int, "steps with η < 1/16 before the cut is searched again (0: never)",
                          3, minimum=0),
}

# How a step factorises Φ̂ and where its rows live (pdedsl/solvers/routes.py, docs/scale.md).
# The defaults keep the dense routes chosen by shape, on one device.
_SCALE = {
    "linalg": Option(str, "the step's linear algebra: auto picks by shape (QR of [Φ̂ r] when "
                     "N ≥ 2P, QR of Φ̂ᵀ when P ≥ 2N, else the SVD, sketched first while the σ above "
                     "the cut fit in a third of it when both sides are 600 or more); svd: "
                     "always the dense SVD; "
                     "qr: QR of the tall side first; randomized: a randomized SVD of rank + 10 "
                     "columns; krylov: matrix-free Golub-Kahan bidiagonalisation (LSQR's), "
                     "rank steps, Φ̂ never formed", "auto",
                     choices=("auto", "svd", "qr", "randomized", "krylov")),
    "rank": Option(int, "randomized: the rank sought (10 more columns are sketched); krylov: "
                   "the number of bidiagonalisation steps", 100, minimum=1),
    "power": Option(int, "randomized: subspace (power) iterations of the range finder", 2,
                    minimum=0),
    "chunk": Option(int, "build Φ̂ this many rows at a time and reduce them by a streaming QR "
                    "(memory O(P² + chunk·P) instead of O(N·P)); 0: build Φ̂ whole", 0,
                    minimum=0),
    "devices": Option(int, "devices the collocation points (and the rows of Φ̂) are spread "
                      "over; the factorisation is a tall-skinny QR across them", 1, minimum=1),
}

# Defaults chosen by bench/robustness.py (docs/solvers.md has the numbers); ANaGRAM's cut
# is finer in 1D (`solver_defaults`). ENGD's cut ≈ its authors' lstsq(G, ∇L). Adam's loss is not monotone (it rose for 2000 steps on
# Laplace 2D), so only its step count stops it.
SOLVERS: dict[str, dict[str, Option]] = {
    "anagram": {**_stop(150, 3), **_hold(10),
                **_cut(1e-8, f" (ANaGRAM's default in 1D: {RCOND_1D:g})"), **_ANAGRAM, **_SCALE},
    "engd": {**_stop(500, 3), **_hold(10), **_cut(1e-7)},
    "adam": {
        **_stop(20000, 20000), **_hold(1000),
        "lr": Option(float, "initial learning rate", 1e-3, above=0),
        "decay_steps": Option(int, "steps over which the learning rate falls tenfold", 10000,
                              minimum=1),
    },
    "lbfgs": {**_stop(2000, 200), **_hold(100),
              "memory": Option(int, "number of past updates kept", 10, minimum=1)},
}

ACTIVATIONS = ("tanh", "sin", "softplus", "sigmoid", "silu", "gelu")

MODELS: dict[str, dict[str, Option]] = {
    "mlp": {
        "width": Option(int, "neurons per hidden layer", minimum=1),
        "depth": Option(int, "number of hidden layers", minimum=1),
        "activation": Option(str, "activation function", "tanh", choices=ACTIVATIONS),
        "dtype": Option(str, "floating-point precision", "float64",
                        choices=("float64", "float32")),
        "init": Option(str, "initial weights: normal N(0, 0.1²) or Equinox's fan-in uniform",
                       "uniform", choices=("normal", "uniform")),
        "constraint": Option(str, "exact: value conditions (u = g on a part of the boundary, "
                             "initial values) built into the network, u = g + φ·N; none: "
                             "trained as residuals", "none", choices=("none", "exact")),
    },
}

SAMPLE: dict[str, Option] = {
    "interior": Option(int, "collocation points inside the domain", minimum=1),
    "boundary": Option(int, "points over all conditions, shared by each part's size", minimum=1),
    "method": Option(str, "how points are placed", choices=("grid", "uniform", "sobol")),
    "adapt": Option(int, "every this many steps, draw the points anew where the residual is "
                    "large (RAD: density ∝ the residual's size over its mean, plus 1, among "
                    "uniform candidates); 0: the points stay", 0, minimum=0),
    "refine": Option(int, "when a run ends with its points too few for its solution (the "
                     "residual between them over 100 times the residual on them, an estimated "
                     "error over 1%: a shock, a layer), train on from there on this many times "
                     "the points, moved where the residual is large (adapt), for at most this "
                     "many times the steps and the training time so far; 1: never", 4, minimum=1),
}

SEED = Option(int, "seed of initialisation and sampling", 0, minimum=0)
SOLVER = "anagram"  # the solver of a file that names none


def default_network(dimension: int) -> dict[str, int]:
    """The network of a problem in `dimension` variables that states none: two hidden
    layers of 32 up to 3D; one of 64 from 4D on, the ANaGRAM paper's network for 5D. There
    the 4000 points and more make the N × P factorisation the step's cost, and two layers
    of 32 (P = 1281 in 5D) took 8 s a step and were at 2.1e-2 after 120 s, where one layer of
    64 (P = 449) passes 1e-4 within the same budget (bench/recorded/laplace5d_two_layers.md,
    laplace5d_defaults.md)."""
    return {"width": 64, "depth": 1} if dimension >= 4 else {"width": 32, "depth": 2}


def solver_defaults(solver: str, dimension: int) -> dict[str, object]:
    """What a run of `solver` gets when nothing is said, for a problem in `dimension`
    variables: the table's defaults, and ANaGRAM's finer cut in 1D (RCOND_1D)."""
    found = defaults(SOLVERS[solver])
    if solver == "anagram" and dimension == 1:
        found["rcond"] = RCOND_1D
    return found


def defaults(options: Mapping[str, Option]) -> dict[str, object]:
    """The default of every setting in a table that has one (`defaults(SOLVERS["engd"])`)."""
    return {name: o.default for name, o in options.items() if o.default is not None}


def validate_options(
    options: Mapping[str, object], allowed: Mapping[str, Option], what: str
) -> dict[str, object]:
    """Check every `name = value` against `allowed`; raise KeyError/ValueError with a message."""
    checked = {}
    for name, value in options.items():
        if name not in allowed:
            close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
            hint = f": did you mean '{close[0]}'?" if close else ""
            if owners := _owners(name):  # `solver adam(rcond = ...)`
                hint = f": '{name}' is a setting of {' and '.join(owners)}"
            raise KeyError(f"{what} has no setting '{name}' (known: {', '.join(allowed)}){hint}")
        try:
            checked[name] = allowed[name].validate(value)
        except ValueError as error:
            raise ValueError(f"setting '{name}' {error}") from None
    return checked


def _owners(name: str) -> list[str]:
    """The statements that have a setting `name`: ['solver anagram, engd']."""
    solvers = [solver for solver, table in SOLVERS.items() if name in table]
    models = [model for model, table in MODELS.items() if name in table]
    return ([f"solver {', '.join(solvers)}"] if solvers else []) + \
        ([f"model {', '.join(models)}"] if models else []) + (["sample"] if name in SAMPLE else [])
