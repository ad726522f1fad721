"""pdedsl: a PDE in a small language in, a PINN trained by ANaGRAM out.

    >>> from pdedsl import solve
    >>> solution = solve("examples/laplace.pde")        # doctest: +SKIP

Importing pdedsl does not import JAX and changes no setting of the process: the
language front end (`parse`, `Problem`) is instant; `solve`, `load` and `Solution` load
the numerical stack on first use, and a solve turns on what it needs (pdedsl.runtime).
"""

from .language import PdeError, Problem, parse, parse_file

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
