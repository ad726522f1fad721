"""The network: one Equinox MLP per unknown, each reading only its own variables.

One network per unknown (rather than one network with an output per unknown) keeps
an unknown independent of variables it was not declared over, and lets each
derivative trace only its own network. Inputs are mapped affinely from the box to
[-1, 1]^k inside the model, so a domain like [0, 100] trains like [0, 1].
"""

from __future__ import annotations

from typing import Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from . import runtime
from .config import Config
from .language.problem import Problem
from .language.settings import ACTIVATIONS as ACTIVATION_NAMES

ACTIVATIONS = {
    "tanh": jnp.tanh,
    "sin": jnp.sin,
    "softplus": jax.nn.softplus,
    "sigmoid": jax.nn.sigmoid,
    "silu": jax.nn.silu,
    "gelu": jax.nn.gelu,
}

assert set(ACTIVATIONS) == set(ACTIVATION_NAMES), "the settings table lists the activations"


class Field(eqx.Module):
    """u(x) = MLP(scale * (x[axes] - center)): a scalar field over the full coordinates."""

    mlp: eqx.nn.MLP
    axes: tuple[int, ...] = eqx.field(static=True)
    center: tuple[float, ...] = eqx.field(static=True)
    scale: tuple[float, ...] = eqx.field(static=True)

    def __call__(self, x: jax.Array) -> jax.Array:
        z = x[np.array(self.axes)]
        return self.mlp(jnp.asarray(self.scale, z.dtype) * (z - jnp.asarray(self.center, z.dtype)))


class Model(eqx.Module):
    """All unknowns' fields; `model(x)` gives the vector of unknowns at one point."""

    fields: tuple[Field, ...]

    def __call__(self, x: jax.Array) -> jax.Array:
        return jnp.stack([f(x) for f in self.fields])


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
) -> Model:
    """A model for a problem on the box `bounds` (d × 2), seeded by `key`; the settings'
    defaults are in `pdedsl.language.settings.MODELS` (`Config.model` holds them all).

    `init="normal"` draws every weight and bias from N(0, 0.1²) (the ANaGRAM paper's
    code); `"uniform"` keeps Equinox's fan-in uniform initialisation.
    """
    dtype_ = jnp.float64 if dtype == "float64" else jnp.float32
    keys = jax.random.split(key, len(unknown_axes))
    fields = []
    for axes, k in zip(unknown_axes, keys):
        mlp = _mlp(len(axes), width, depth, activation, dtype_, init, k)
        lower, upper = bounds[list(axes), 0], bounds[list(axes), 1]
        fields.append(
            Field(
                mlp,
                tuple(axes),
                tuple(float(c) for c in (lower + upper) / 2),
                tuple(float(s) for s in 2 / (upper - lower)),
            )
        )
    return Model(tuple(fields))


def build_model(problem: Problem, config: Config) -> Model:
    """The (untrained) model a config describes, seeded by the config's seed. Every path
    that builds or loads a model comes here, so this is where a solve starts (runtime)."""
    runtime.setup()
    options = {k: v for k, v in config.model.items() if k != "constraint"}
    model = make_model(np.array(problem.bounds()), problem.unknown_axes, **options,
                       key=jax.random.PRNGKey(config.seed))
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
