"""Traced steps kept on disk, so that solving a file again skips tracing its step.

Before a warm run of examples/laplace.pde compiled its step (0.25 s from JAX's
persistent cache), tracing and lowering it took 0.84 s (0.51 and 0.33, medians of 3).
`jax.export` keeps the lowered step (StableHLO) as bytes: reading them back and lowering
the call takes under 0.1 s, and the compile that follows is the same as the first run's,
so JAX's cache answers it.

A kept step is used only where all that it was traced from is the same: pdedsl's own
source, the versions of jax and jaxlib, the backend, the run's `fingerprint` (its
problem, settings and points: `api.Prepared.fingerprint`) and the shapes of the step's
arguments; the key is their SHA-256. A step that cannot be exported (a host callback,
a sharded step) or a file that cannot be read or written falls back to tracing. The
steps live in JAX's cache folder (`steps/` there) and are off when it is.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Callable

import jax

from . import runtime

KEPT = 200  # steps kept on disk; the oldest beyond are removed


def compiled(run: Callable, args: tuple, fingerprint: str) -> Callable | None:
    """`run` (θ, state, ... -> θ, state, info, loss) compiled for `args`, from a kept
    trace where there is one (and kept for the next run where there is not); None where
    no trace can be kept: the caller traces as usual."""
    folder = _folder()
    if folder is None:
        return None
    leaves, tree = jax.tree.flatten(args)
    path = folder / f"{_key(fingerprint, leaves)}.step"
    kept = _read(path, leaves) or _write(path, run, tree, leaves)
    if kept is None:
        return None
    call, meta = kept
    state_tree, count = jax.tree.structure(args[1]), meta["state"]
    info_tree = jax.tree.structure(_skeleton(meta["info"]))

    def step(*args):
        out = call(*jax.tree.leaves(args))
        info = jax.tree.unflatten(info_tree, out[1 + count:-1])
        return out[0], jax.tree.unflatten(state_tree, out[1:1 + count]), info, out[-1]

    return step


def _shape(tree):
    """A step's info as JSON: a dict stays a dict, a tuple is a list, an array is null."""
    if isinstance(tree, dict):
        return {k: _shape(v) for k, v in tree.items()}
    if isinstance(tree, tuple):
        return [_shape(v) for v in tree]
    return None


def _skeleton(shape):
    """`_shape` back to a tree of the same structure (arrays as 0)."""
    if isinstance(shape, dict):
        return {k: _skeleton(v) for k, v in shape.items()}
    if isinstance(shape, list):
        return tuple(_skeleton(v) for v in shape)
    return 0


def _folder() -> Path | None:
    cache = runtime.jax_cache()
    return None if cache is None else cache / "steps"


def _key(fingerprint: str, leaves: list) -> str:
    shapes = [(tuple(x.shape), str(x.dtype), bool(getattr(x, "weak_type", False))) for x in leaves]
    text = json.dumps([_source_hash(), jax.__version__, jax.lib.__version__,
                       jax.default_backend(), fingerprint, shapes])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


@functools.cache
def _source_hash() -> str:
    """SHA-256 of pdedsl's Python source: a step traced by other code is not reused."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _read(path: Path, leaves: list):
    """(the kept step compiled for `leaves`, its meta) from `path`, or None: missing,
    unreadable, of another format, or not a step of these arguments."""
    from jax import export

    try:
        header, blob = path.read_bytes().split(b"\n", 1)
        exported, meta = export.deserialize(bytearray(blob)), json.loads(header)
        meta["state"], meta["info"]  # noqa: B018 (both there)
        return jax.jit(exported.call).lower(*leaves).compile(), meta
    except Exception:  # a missing, partly written or foreign file: trace again
        return None


def _write(path: Path, run: Callable, tree, leaves: list):
    """Export `run` over the flat `leaves`, keep it at `path` (written whole, then
    renamed), and return it as `_read` does (compiled from the bytes kept, so that the
    next run's compile is this one's); None if it cannot be exported."""
    from jax import export

    meta: dict = {}

    def flat(*leaves):
        theta, state, *rest = jax.tree.unflatten(tree, leaves)
        new_theta, new_state, info, loss = run(theta, state, *rest)
        if jax.tree.structure(new_state) != jax.tree.structure(state) or \
                jax.tree.structure(info) != jax.tree.structure(_skeleton(_shape(info))):
            raise TypeError("a step whose state changes shape, or whose info holds more "
                            "than dicts, tuples and arrays, is not kept")
        meta.update(state=len(jax.tree.leaves(new_state)), info=_shape(info))
        return (new_theta, *jax.tree.leaves(new_state), *jax.tree.leaves(info), loss)

    try:
        blob = export.export(jax.jit(flat))(*leaves).serialize()
    except Exception:  # not exportable (a callback, a custom call JAX does not keep)
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
            file.write(json.dumps(meta).encode() + b"\n" + bytes(blob))
        os.replace(file.name, path)
        _prune(path.parent)
    except OSError:
        pass
    return jax.jit(export.deserialize(blob).call).lower(*leaves).compile(), meta


def _prune(folder: Path) -> None:
    """Keep the KEPT most recently written steps."""
    steps = sorted(folder.glob("*.step"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in steps[KEPT:]:
        old.unlink(missing_ok=True)
