"""Periodic variables by construction: the network reads them through cos and sin.

A field's inputs are first mapped affinely to s in [-1, 1] (model.py). For a periodic
variable x in [a, b] the network then reads (cos πs, sin πs) instead of s: the cosine
and sine of 2π(x - c)/L, with c = (a + b)/2 and L = b - a. Both features, hence the
field and every derivative of it along x (the chain rule only multiplies by derivatives
of cos and sin), take the same values at x = a and x = b = a + L. No condition and no
boundary point is spent on periodicity; it holds up to rounding (about 1e-16 relative
in the features).
"""

from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp


def fourier_features(s: jax.Array, periodic: Sequence[bool]) -> jax.Array:
    """The network's input: s_i, or (cos πs_i, sin πs_i) where `periodic[i]`."""
    parts = []
    for i, is_periodic in enumerate(periodic):
        if is_periodic:
            angle = jnp.pi * s[i]
            parts += [jnp.cos(angle), jnp.sin(angle)]
        else:
            parts.append(s[i])
    return jnp.stack(parts)


def input_size(periodic: Sequence[bool]) -> int:
    """How many numbers the network reads: one per variable, two per periodic one."""
    return len(periodic) + sum(bool(p) for p in periodic)
