"""The network: one Equinox MLP per unknown, each reading only its own variables.

One network per unknown (rather than one network with an output per unknown) keeps
an unknown independent of variables it was not declared over, and lets each
derivative trace only its own network. Inputs are mapped affinely from the box to
[-1, 1]^k inside the model, so a domain like [0, 100] trains like [0, 1]; a periodic
variable is then read through its cosine and sine (periodic.py), so the field is
periodic in it by construction.
"""

from __future__ import annotations

from typing import Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from . import runtime
from .periodic import fourier_features, input_size
from .config import Config
from .language.problem import Problem
from .language.settings import ACTIVATIONS as ACTIVATION_NAMES

def softplus(x: jax.Array) -> jax.Array:
    """log(1 + eˣ) in plain primitives, stable for large |x|: `jax.nn.softplus` carries a
    custom derivative rule that Taylor mode (`compile.derivative`) cannot trace."""
    return jnp.log1p(jnp.exp(-jnp.abs(x))) + jnp.maximum(x, 0)


ACTIVATIONS = {
    "tanh": jnp.tanh,
    "sin": jnp.sin,
    "softplus": softplus,
    "sigmoid": jax.nn.sigmoid,
    "silu": jax.nn.silu,
    "gelu": jax.nn.gelu,
}

assert set(ACTIVATIONS) == set(ACTIVATION_NAMES), "the settings table lists the activations"


class Field(eqx.Module):
    """u(x) = MLP(scale * (x[axes] - center)): a scalar field over the full coordinates;
    the inputs marked `periodic` enter as (cos, sin) of π times their scaled value."""

    mlp: eqx.nn.MLP
    axes: tuple[int, ...] = eqx.field(static=True)
    center: tuple[float, ...] = eqx.field(static=True)
    scale: tuple[float, ...] = eqx.field(static=True)
    periodic: tuple[bool, ...] = eqx.field(static=True, default=())

    def __call__(self, x: jax.Array) -> jax.Array:
        z = x[np.array(self.axes)]
        s = jnp.asarray(self.scale, z.dtype) * (z - jnp.asarray(self.center, z.dtype))
        return self.mlp(fourier_features(s, self.periodic) if any(self.periodic) else s)


class Model(eqx.Module):
    """All unknowns' fields, and the fitted constants; `model(x)` gives the vector of
    unknowns at one point.

    A fitted constant c_j is trained as p_j with c_j = s_j p_j, s_j = |first guess| (1
    for a guess of 0), fixed: p starts at ±1, so a constant of size 1000 and one of
    size 0.01 move alike for a solver that is not scale-invariant (Adam's step is a
    fixed size in p). `fitted` is None without fitted constants (θ is then exactly the
    fields' parameters).
    """

    fields: tuple[Field, ...]
    fitted: jax.Array | None = None
    fitted_scale: tuple[float, ...] = eqx.field(static=True, default=())

    def __call__(self, x: jax.Array) -> jax.Array:
        return jnp.stack([f(x) for f in self.fields])

    @property
    def constants(self) -> jax.Array:
        """The fitted constants' values c = s·p, in declaration order."""
        return jnp.asarray(self.fitted_scale, self.fitted.dtype) * self.fitted


def fitted_parameters(guesses: Sequence[float],
                      dtype) -> tuple[jax.Array | None, tuple[float, ...]]:
    """(p, s) for fitted constants starting at `guesses`: s = |guess| (or 1), p = guess/s."""
    if not guesses:
        return None, ()
    scale = tuple(abs(float(g)) or 1.0 for g in guesses)
    return jnp.asarray(np.array(guesses, dtype=float) / np.array(scale), dtype), scale


def make_model(
    bounds: np.ndarray,
    unknown_axes: Sequence[tuple[int, ...]],
    *,
    width: int,
    depth: int,
    activation: str,
    dtype: str,
    init: str,
    key: jax.Array,
    guesses: Sequence[float] = (),
    periodic: Sequence[int] = (),
) -> Model:
    """A model for a problem on the box `bounds` (d × 2), seeded by `key`; the settings'
    defaults are in `pdedsl.language.settings.MODELS` (`Config.model` holds them all).
    `periodic`: the coordinates (columns) in which every field is periodic.

    `init="normal"` draws every weight and bias from N(0, 0.1²) (the ANaGRAM paper's
    code); `"uniform"` keeps Equinox's fan-in uniform initialisation. `guesses`: the
    first guesses of the fitted constants (they draw nothing from `key`).
    """
    dtype_ = jnp.float64 if dtype == "float64" else jnp.float32
    keys = jax.random.split(key, len(unknown_axes))
    fields = []
    for axes, k in zip(unknown_axes, keys):
        marks = tuple(a in periodic for a in axes)
        mlp = _mlp(input_size(marks), width, depth, activation, dtype_, init, k)
        lower, upper = bounds[list(axes), 0], bounds[list(axes), 1]
        fields.append(
            Field(
                mlp,
                tuple(axes),
                tuple(float(c) for c in (lower + upper) / 2),
                tuple(float(s) for s in 2 / (upper - lower)),
                marks if any(marks) else (),
            )
        )
    return Model(tuple(fields), *fitted_parameters(guesses, dtype_))


def build_model(problem: Problem, config: Config) -> Model:
    """The (untrained) model a config describes, seeded by the config's seed. Every path
    that builds or loads a model comes here, so this is where a solve starts (runtime)."""
    runtime.setup()
    periodic = tuple(problem.names.index(v) for v in problem.periodic)
    options = {k: v for k, v in config.model.items() if k != "constraint"}
    model = make_model(np.array(problem.bounds()), problem.unknown_axes, **options,
                       key=jax.random.PRNGKey(config.seed),
                       guesses=tuple(problem.guesses().values()), periodic=periodic)
    if config.model.get("constraint", "none") == "exact":
        from .constraint import constrain

        model = constrain(model, problem)
    return model


@eqx.filter_jit
def _mlp(inputs: int, width: int, depth: int, activation: str, dtype, init: str, key) -> eqx.nn.MLP:
    """One field's MLP, built in one compiled call (eagerly, every weight's draw compiled
    on its own: seconds of a small problem's start); the same numbers either way."""
    build, init_key = jax.random.split(key)
    mlp = eqx.nn.MLP(inputs, "scalar", width, depth, activation=ACTIVATIONS[activation],
                     dtype=dtype, key=build)
    return _normal_init(mlp, init_key, 0.1) if init == "normal" else mlp


def _normal_init(mlp: eqx.nn.MLP, key: jax.Array, std: float) -> eqx.nn.MLP:
    leaves, treedef = jax.tree.flatten(eqx.filter(mlp, eqx.is_inexact_array))
    keys = jax.random.split(key, len(leaves))
    new = [std * jax.random.normal(k, leaf.shape, leaf.dtype) for k, leaf in zip(keys, leaves)]
    return eqx.combine(jax.tree.unflatten(treedef, new), mlp)
