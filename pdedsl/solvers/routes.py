"""Which linear algebra a step uses, by the settings and the shape of Φ̂ (N × P).

Every route returns what the step needs of Φ̂ = U Σ Vᵀ: (Uᵀr, σ, Vᵀ, v ↦ Uᵀv), and the
step records its route in the history column `route`, a code of `ROUTES`:

| code | route | when (`linalg`, `chunk`, `devices`) |
|---|---|---|
| 0 | `svd`: LAPACK's thin SVD of Φ̂ | `svd`; `auto` when neither side is twice the other |
| 1 | `tall`: QR of [Φ̂ r], SVD of the (P+1)² factor | `auto` with N ≥ 2P; `qr` with N ≥ P |
| 2 | `wide`: QR of Φ̂ᵀ (reflectors kept), SVD of the N² factor | `auto` with P ≥ 2N; `qr` with P > N |
| 3 | `randomized`: randomized range finder, SVD of the sketch | `randomized` |
| 4 | `chunked`: streaming QR of [Φ̂ r], `chunk` rows at a time | `chunk` > 0 |
| 5 | `krylov`: Golub-Kahan bidiagonalisation, matrix-free | `krylov` |
| 6 | `devices`: QR per device, then of the stacked R's | `devices` > 1 |
| 7 | `devices-chunked`: each device streams its rows | `devices` > 1 and `chunk` > 0 |
| 8 | `sketch`: randomized SVD of ⌈m/3⌉ columns (warm-started) while the σ above the cut fit in it | `auto` where `svd` would be, with m = min(N, P) ≥ 600 |

A `sketch` step that finds the σ above its cut too many for the sketch (or a dense one that
finds them few enough) sets the next step's route: its steps record 8 or 0.

With `devices` > 1 the points are spread over the devices (`pdedsl.sharding`) whatever
the route; `randomized` and `krylov` then run on the sharded rows as they are. With
`chunk` > 0 and `randomized` or `krylov`, only the residuals are evaluated in chunks.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import chunks
from ..least_squares import LeastSquares
from ..sharding import Sharded, mesh
from . import krylov, linalg

ROUTES = ("svd", "tall", "wide", "randomized", "chunked", "krylov", "devices", "devices-chunked",
          "sketch")
CODES = {name: code for code, name in enumerate(ROUTES)}


def choose(linalg_setting: str, chunk: int, devices: int, N: int, P: int) -> str:
    """The route's name (module docstring) for these settings and an N × P Φ̂."""
    if linalg_setting in ("krylov", "randomized"):
        return linalg_setting
    if devices > 1:
        return "devices-chunked" if chunk else "devices"
    if chunk:
        return "chunked"
    if linalg_setting == "svd":
        return "svd"
    if linalg_setting == "qr":
        return "tall" if N >= P else "wide"
    route = linalg.by_shape(N, P)
    return "sketch" if route == "svd" and min(N, P) >= linalg.SKETCH_FROM else route


def _second_stage(setting: str) -> str | None:
    """The dense route for the stacked triangular factors (None: by their shape)."""
    return {"svd": "svd", "qr": "tall"}.get(setting)


def _through_normal(s: jax.Array, Vt: jax.Array, transposed):
    """v ↦ Uᵀv = Σ⁻¹Vᵀ(Φ̂ᵀv) where Q is not kept (the chunked routes; chunks.py)."""
    inverse = jnp.where(s > 0, 1 / jnp.where(s > 0, s, 1), 0)
    return lambda v: inverse * (Vt @ transposed(v))


def factor(solver, ls: LeastSquares, theta: jax.Array, dense=False, basis=None):
    """(ls, r, (Uᵀr, σ, Vᵀ, v ↦ Uᵀv), route code, (dense, basis) next) for the step at θ.
    The `ls` returned is the one the rest of the step evaluates: sharded or chunked like
    the route's rows. `dense`: the `sketch` route takes the full SVD this step; `basis`:
    the sketch starts from it (`linalg.project_sketch`); other routes pass both on."""
    route = choose(solver.linalg, solver.chunk, solver.devices, ls.size, theta.shape[0])
    if (solver.chunk or solver.devices > 1) and not ls.blocks:
        raise ValueError("chunk and devices build Φ̂ from each block's rows: this least-squares "
                         "problem has none (LeastSquares.blocks)")
    sharded = None
    if solver.devices > 1:
        sharded = Sharded(ls, mesh(solver.devices), solver.chunk)
        ls = sharded.least_squares()
    elif solver.chunk:
        ls = chunks.chunked(ls, solver.chunk)
    code = jnp.asarray(CODES[route], jnp.int32)
    dense = jnp.asarray(dense)
    if route == "sketch":
        r, J = ls.jacobian(theta)
        fac, after, basis = linalg.project_sketch(J, r, dense, solver.rcond, solver.atol, basis)
        return ls, r, fac, jnp.where(dense, CODES["svd"], code), (after, basis)
    if route == "krylov":
        r, fac = krylov.project(ls, theta, solver.rank)
        return ls, r, fac, code, (dense, basis)
    if route == "chunked":
        r, R, transposed = chunks.triangle(ls, theta, solver.chunk)
        a, s, Vt, _ = linalg.from_triangle(R)
        return ls, r, (a, s, Vt, _through_normal(s, Vt, transposed)), code, (dense, basis)
    if route == "devices-chunked":
        r, S, transposed = sharded.streamed_triangles(theta)
        a, s, Vt, _ = linalg.from_triangle(jnp.linalg.qr(S, mode="r"))  # QR of the stack
        return ls, r, (a, s, Vt, _through_normal(s, Vt, transposed)), code, (dense, basis)
    r, J = ls.jacobian(theta)
    if route == "randomized":
        fac = linalg.project_randomized(J, r, solver.rank, solver.power)
        return ls, r, fac, code, (dense, basis)
    if route == "devices":
        S, rotate = sharded.triangles(J, r)
        P = J.shape[1]
        a, s, Vt, left = linalg.project(S[:, :P], S[:, P], _second_stage(solver.linalg))
        return ls, r, (a, s, Vt, lambda v: left(rotate(v))), code, (dense, basis)
    return ls, r, linalg.project(J, r, route), code, (dense, basis)

