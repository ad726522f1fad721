"""Process-wide settings that pdedsl needs, applied when a solve starts, never on import.

Three settings belong to the process, not to one array, and a float64 PINN needs them:

- JAX's 64-bit mode (`jax_enable_x64`): without it JAX has no float64 at all. pdedsl
  turns it on when it builds a model (`setup`), which is the one deliberate change to a
  user's JAX process; a model of float32 trains in float32 either way.
- JAX's persistent compilation cache, so running a file again skips most of the compile:
  `PDEDSL_JAX_CACHE` names the folder (default ~/.cache/pdedsl/jax), or `off`; a cache
  the user configured for JAX is left alone.
- One BLAS thread, unless the user says otherwise (OPENBLAS_NUM_THREADS): OpenBLAS, behind
  the LAPACK that JAX calls for the SVD, spins its threads while waiting, and with any
  other busy process a 1000 × 1000 SVD went from 0.3 s to 18 s here, against 1.6 s with
  one thread. The variable only takes effect if set before the library loads: the
  `pdedsl` command sets it at start and also tells an OpenBLAS already loaded (importing
  pdedsl loads NumPy, whose OpenBLAS does the error estimate's SVD: 32 s with two threads
  against 1.4 s with one, on a busy 2-core machine); a Python process that already used
  SciPy's LAPACK keeps its own.
- Every compile is kept in the cache, however short (JAX keeps only those over a second
  by default): a run that compiles nothing new compiles nothing at all.

Importing pdedsl changes none of them (tests/test_imports.py).
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VARIABLE = "PDEDSL_JAX_CACHE"


def cache_folder() -> Path:
    """The user's pdedsl cache: compiled steps (jax/) and the parser's tables."""
    return Path.home() / ".cache" / "pdedsl"


def jax_cache() -> Path | None:
    """The folder of compiled steps (PDEDSL_JAX_CACHE, default cache_folder()/jax), or
    None where it is off."""
    cache = os.environ.get(CACHE_VARIABLE, str(cache_folder() / "jax"))
    return None if cache.lower() in ("", "0", "off") else Path(cache)


def limit_blas_threads() -> None:
    """One OpenBLAS thread unless the environment says otherwise."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def limit_loaded_blas_threads() -> None:
    """Tell every OpenBLAS this process already loaded to use OPENBLAS_NUM_THREADS threads
    (for a process that is pdedsl's own: the command line). Linux only; elsewhere, or if a
    library has no such function, nothing changes."""
    import ctypes

    limit_blas_threads()
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    if not threads.isdigit() or not Path("/proc/self/maps").exists():
        return
    mapped = (line.split() for line in Path("/proc/self/maps").read_text().splitlines())
    paths = {parts[-1] for parts in mapped
             if len(parts) >= 6 and "openblas" in parts[-1].lower() and ".so" in parts[-1]}
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _OPENBLAS_SET_THREADS:
            if hasattr(library, name):
                getattr(library, name)(ctypes.c_int(int(threads)))
                break


# what OpenBLAS's builds call `openblas_set_num_threads` (plain, NumPy's and SciPy's wheels)
_OPENBLAS_SET_THREADS = ("openblas_set_num_threads", "scipy_openblas_set_num_threads64_",
                         "scipy_openblas_set_num_threads", "openblas_set_num_threads64_")


def setup() -> None:
    """Turn on what a solve needs (module docstring); cheap to call again."""
    import jax

    limit_blas_threads()
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    cache = jax_cache()
    if cache is not None and not jax.config.jax_compilation_cache_dir:
        jax.config.update("jax_compilation_cache_dir", str(cache))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
