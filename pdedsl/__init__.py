"""pdedsl: a PDE in a small language in, a PINN trained by ANaGRAM out.

    >>> from pdedsl import solve
    >>> solution = solve("examples/laplace.pde")        # doctest: +SKIP

Importing pdedsl does not import JAX: the language front end (`parse`, `Problem`)
is instant; `solve`, `load` and `Solution` load the numerical stack on first use.
"""

import os

# OpenBLAS (behind SciPy's LAPACK, which JAX calls for the SVD) spins its threads
# while waiting: with any other busy process on the machine, a 1000 × 1000 SVD went
# from 0.3 s to 18 s here, against 1.6 s with one thread. One thread unless the user
# says otherwise; it must be set before the first SVD loads the library.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .language import PdeError, Problem, parse, parse_file  # noqa: E402

_LAZY = {
    "solve": "api",
    "load": "api",
    "prepare": "api",
    "Solution": "solution",
}

__all__ = ["PdeError", "Problem", "parse", "parse_file", *_LAZY]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'pdedsl' has no attribute '{name}'")
