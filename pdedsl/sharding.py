"""Collocation points spread over several devices: the rows of r and Φ̂ live with them.

A one-axis `jax.sharding.Mesh` ("rows") of D devices. Each block's points are padded to
a multiple of D (copies of its last point, weight 0) and cut into D equal slices; device
d holds slice d of every block and computes those rows of r and Φ̂ (`shard_map`). The
global row order is device-major (device 0's rows of every block, then device 1's, ...):
a permutation of the rows, which changes neither the loss nor Φ̂'s σ and V, nor Uᵀr.
`ls.loss` on these residuals sums each device's part and adds the D partial sums
(XLA's all-reduce), so the line search's losses are reduced across devices.

The factorisation (`triangles`) is a tall-skinny QR: each device factors its own rows
[Φ̂_d r_d] = Q_d R_d, and only the small R_d ((P + 1) columns) leave the device; the
step factors the stack of R_d (a QR of the stack, then the SVD, `linalg.project`).
Φ̂ᵀΦ̂ is never formed. Several hosts: the same program on each, after
`jax.distributed.initialize` (docs/scale.md); `jax.devices()` then lists every host's.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh
from jax.sharding import PartitionSpec as Spec

from . import chunks
from .chunks import whole_rows
from .language.errors import PdeError
from .least_squares import LeastSquares

AXIS = "rows"
ROWS, MATRIX, SAME = Spec(AXIS), Spec(AXIS, None), Spec()


def mesh(devices: int) -> Mesh:
    """The first `devices` devices JAX sees, as a one-axis mesh."""
    available = jax.devices()
    if devices > len(available):
        raise PdeError(
            f"devices = {devices}, but JAX sees {len(available)} "
            f"({available[0].platform}); on a CPU start the process with XLA_FLAGS="
            f"--xla_force_host_platform_device_count={devices} (`pdedsl solve --devices "
            f"{devices}` sets it)", filename="pdedsl")
    return Mesh(np.array(available[:devices]), (AXIS,))


def layout(points: jax.Array, devices: int) -> tuple[jax.Array, jax.Array]:
    """(points, mask) padded to a multiple of `devices` rows, copies of the last under 0."""
    n = points.shape[0]
    pad = -n % devices
    mask = jnp.concatenate([jnp.ones(n, points.dtype), jnp.zeros(pad, points.dtype)])
    return jnp.concatenate([points, jnp.repeat(points[-1:], pad, axis=0)]), mask


class Sharded:
    """`ls` on a mesh: residuals, Jacobian and the local triangular factors, by device.
    With `chunk` > 0 each device evaluates and factors its rows `chunk` at a time, and its
    rows of r are laid out chunk by chunk (each chunk padded, as `chunks.stream` gives
    them); `jacobian`, which the chunked routes never call, keeps the unchunked layout."""

    def __init__(self, ls: LeastSquares, on: Mesh, chunk: int = 0):
        whole_rows(ls, "devices")
        self.ls, self.mesh, self.chunk = ls, on, chunk
        laid = [layout(b.points, on.size) for b in ls.blocks]
        self.points = tuple(x for x, _ in laid)
        self.masks = tuple(m for _, m in laid)

    def _map(self, local, out_specs, theta, *rows):
        """local(θ, points, masks, *rows) on every device, with its slice of the points
        and of each extra row-laid-out array in `rows`."""
        blocks = tuple(ROWS for _ in self.points)
        f = jax.shard_map(local, mesh=self.mesh, out_specs=out_specs, check_vma=False,
                          in_specs=(SAME, blocks, blocks, *(ROWS for _ in rows)))
        return f(theta, self.points, self.masks, *rows)

    def _parts(self, points, masks):
        return [chunks.split(x, m, self.chunk) for x, m in zip(points, masks)]

    def residuals(self, theta: jax.Array) -> jax.Array:
        def local(theta, points, masks):
            if self.chunk:
                return chunks.residuals(self.ls.blocks, theta, self._parts(points, masks))
            return jnp.concatenate([b.values(theta, x) * m
                                    for b, x, m in zip(self.ls.blocks, points, masks)])
        return self._map(local, ROWS, theta)

    def jacobian(self, theta: jax.Array) -> tuple[jax.Array, jax.Array]:
        def local(theta, points, masks):
            rows = [b.rows(theta, x) for b, x in zip(self.ls.blocks, points)]
            return (jnp.concatenate([r * m for (r, _), m in zip(rows, masks)]),
                    jnp.concatenate([J * m[:, None] for (_, J), m in zip(rows, masks)]))
        return self._map(local, (ROWS, MATRIX), theta)

    def least_squares(self) -> LeastSquares:
        """The sharded residuals and Jacobian as a LeastSquares (rows device-major)."""
        return LeastSquares(self.residuals, self.jacobian, self.ls.to_model, self.ls.size,
                            rows=self.ls.rows, blocks=self.ls.blocks)

    def triangles(self, J: jax.Array, r: jax.Array):
        """Each device's [Φ̂_d r_d] = Q_d R_d: (Q, the stacked R_d, v ↦ stacked Q_dᵀv_d)."""
        def local(J, r):
            Q, R = jnp.linalg.qr(jnp.concatenate([J, r[:, None]], axis=1))
            return Q, R

        Q, S = jax.shard_map(local, mesh=self.mesh, in_specs=(MATRIX, ROWS),
                             out_specs=(MATRIX, MATRIX))(J, r)
        rotate = jax.shard_map(lambda Q, v: Q.T @ v, mesh=self.mesh, in_specs=(MATRIX, ROWS),
                               out_specs=ROWS)
        return S, lambda v: rotate(Q, v)

    def streamed_triangles(self, theta: jax.Array):
        """Each device streams its own rows `chunk` at a time (`chunks.stream`): (r, the
        stacked R_d, v ↦ Φ̂ᵀv), Φ̂ᵀv summed over devices."""
        blocks = self.ls.blocks

        def local(theta, points, masks):
            return chunks.stream(blocks, theta, self._parts(points, masks))

        r, S = self._map(local, (ROWS, MATRIX), theta)

        def product(theta, points, masks, v):
            parts = self._parts(points, masks)
            return jax.lax.psum(chunks.transpose_product(blocks, theta, parts, v), AXIS)

        return r, S, lambda v: self._map(product, SAME, theta, v)
