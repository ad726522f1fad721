"""Φ̂ a few rows at a time: a streaming (tall-skinny) QR of [Φ̂ r], never holding Φ̂ whole.

The rows of each block are cut into chunks of `chunk` points. Each chunk's rows [Φ̂_c r_c]
are built (vmapped per-point gradients, as `least_squares` does), stacked under the
triangular factor so far and reduced by a QR: R ← qr([R; Φ̂_c r_c]). At the end
RᵀR = [Φ̂ r]ᵀ[Φ̂ r] with R (P + 1) × (P + 1), computed by orthogonal transformations only
(no Gram matrix: R has the accuracy of a QR of the whole matrix), and the step's SVD is
that of R's first P columns (`linalg.from_triangle`). Peak memory O(P² + chunk·P);
time 2NP² + (4/3)P³·N/chunk flops, within 1.7× of one QR for chunk ≥ P.

Q is never kept, so v ↦ Uᵀv (the path's second right-hand sides) goes through
Uᵀv = Σ⁻¹Vᵀ(Φ̂ᵀv), Φ̂ᵀv a vjp taken chunk by chunk. That is exact for σ > 0 in exact
arithmetic, but rounding in Φ̂ᵀv (about ε·σ_max·‖v‖) is divided by σ: relative error
ε·σ_max/σ on the smallest kept directions, 1e-8 at a cut of 1e-8. δ itself (from R) has
the QR's accuracy. The residuals for the line search are evaluated chunk by chunk too
(`chunked`), so no stage of the step holds N × P numbers.
"""

from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp

from .least_squares import LeastSquares, RowBlock


def split(points: jax.Array, mask: jax.Array, chunk: int):
    """(points, mask) as (m, c, ·) and (m, c): c = min(chunk, n) rows each, the last
    chunk padded with copies of the last point under mask 0 (finite, and weightless)."""
    n = points.shape[0]
    size = min(chunk, n)
    count = -(-n // size)
    pad = count * size - n
    points = jnp.concatenate([points, jnp.repeat(points[-1:], pad, axis=0)])
    mask = jnp.concatenate([mask, jnp.zeros(pad, mask.dtype)])
    return points.reshape(count, size, *points.shape[1:]), mask.reshape(count, size)


def whole_rows(ls: LeastSquares, what: str) -> None:
    """Refuse a block whose one row needs all its points at once (a mean condition)."""
    if any(b.reduces for b in ls.blocks):
        raise ValueError(f"a mean condition needs all its points at once: it cannot be "
                         f"used with `{what}` (leave `{what}` at its default)")


def _parts(ls: LeastSquares, chunk: int):
    whole_rows(ls, "chunk")
    dtype = ls.blocks[0].points.dtype
    return [split(b.points, jnp.ones(b.points.shape[0], dtype), chunk) for b in ls.blocks]


def stream(blocks: Sequence[RowBlock], theta: jax.Array, parts) -> tuple[jax.Array, jax.Array]:
    """(r, R) for the blocks' chunked points `parts` ((m, c, ·) points, (m, c) mask each):
    r on every row (padded rows 0), R the triangular factor of [Φ̂ r]."""
    P = theta.shape[0]
    R = jnp.zeros((P + 1, P + 1), theta.dtype)
    values = []
    for block, (points, mask) in zip(blocks, parts):
        def fold(R, chunk, block=block):
            x, m = chunk
            r, J = block.rows(theta, x)
            rows = jnp.concatenate([J, r[:, None]], axis=1) * m[:, None]
            return jnp.linalg.qr(jnp.concatenate([R, rows]), mode="r"), r * m

        R, r = jax.lax.scan(fold, R, (points, mask))
        values.append(r.reshape(-1))
    return jnp.concatenate(values), R


def residuals(blocks: Sequence[RowBlock], theta: jax.Array, parts) -> jax.Array:
    """r on every row of `parts` (padded rows 0), one chunk at a time."""
    values = [jax.lax.map(lambda chunk, b=b: b.values(theta, chunk[0]) * chunk[1], (x, m))
              for b, (x, m) in zip(blocks, parts)]
    return jnp.concatenate([v.reshape(-1) for v in values])


def transpose_product(blocks: Sequence[RowBlock], theta: jax.Array, parts, v: jax.Array):
    """Φ̂ᵀv for v laid out as `residuals` gives r, one chunk's vjp at a time."""
    total, offset = jnp.zeros_like(theta), 0
    for block, (x, m) in zip(blocks, parts):
        size = m.size
        pieces = v[offset:offset + size].reshape(m.shape) * m
        offset += size

        def add(total, chunk, block=block):
            _, pull = jax.vjp(lambda t: block.values(t, chunk[0]), theta)
            return total + pull(chunk[1])[0], None

        total, _ = jax.lax.scan(add, total, (x, pieces))
    return total


def _unpad(ls: LeastSquares, parts, r: jax.Array) -> jax.Array:
    """Rows of every block without its padding, in the order of `ls.residuals`."""
    out, offset = [], 0
    for block, (_, m) in zip(ls.blocks, parts):
        out.append(r[offset:offset + block.points.shape[0]])
        offset += m.size
    return jnp.concatenate(out)


def chunked(ls: LeastSquares, chunk: int) -> LeastSquares:
    """`ls` with its residuals evaluated `chunk` points at a time (same values, same order)."""
    parts = _parts(ls, chunk)
    return LeastSquares(lambda theta: _unpad(ls, parts, residuals(ls.blocks, theta, parts)),
                        ls.jacobian, ls.to_model, ls.size, rows=ls.rows, blocks=ls.blocks)


def triangle(ls: LeastSquares, theta: jax.Array, chunk: int):
    """(r, R, v ↦ Φ̂ᵀv) for `ls` streamed `chunk` rows at a time (r in `ls.residuals` order)."""
    parts = _parts(ls, chunk)
    r, R = stream(ls.blocks, theta, parts)

    def transposed(v):
        padded, offset = [], 0
        for block, (_, m) in zip(ls.blocks, parts):
            n = block.points.shape[0]
            padded += [v[offset:offset + n], jnp.zeros(m.size - n, v.dtype)]
            offset += n
        return transpose_product(ls.blocks, theta, parts, jnp.concatenate(padded))

    return _unpad(ls, parts, r), R, transposed
