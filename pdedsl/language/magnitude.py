"""Numbers too large to compute, refused before SymPy tries.

SymPy evaluates a function of a number when it is built or given constants, and
mpmath needs about log2|a| digits for cos(a) or exp(a): `cos(e^e^e^e)` asks for
millions of digits and never finishes. So every exp, sin, ... and power of numbers is
checked here first: its argument (a power's exponent times log|base|) must fit a
double, as every number of a finished problem must. The arguments themselves passed
the same check when they were built, so measuring them is quick.
"""

from __future__ import annotations

import math
import sys
from typing import Callable, Mapping

import mpmath
import sympy

LOG_FLOAT_MAX = math.log(sys.float_info.max)  # about 709.8
# exp(a), cos(a), ... of a number |a| beyond a double is refused (no double holds a).
BOUNDED_ARGUMENT = (sympy.exp, sympy.sin, sympy.cos, sympy.tan, sympy.sinh, sympy.cosh)


class TooLarge(ValueError):
    """A number whose computation would not finish."""


def log_size(value: sympy.Expr) -> float:
    """log|value| of a number, without overflow: -inf for 0, inf when not a number."""
    try:
        real, imag = value.evalf(15).as_real_imag()
        size = mpmath.hypot(mpmath.mpmathify(real), mpmath.mpmathify(imag))
    except (TypeError, ValueError, AttributeError):
        return math.inf
    if not mpmath.isfinite(size):
        return math.inf
    return float(mpmath.log(size)) if size else -math.inf


def check(func, args) -> None:
    """Raise TooLarge when `func(*args)` of numbers would need a number beyond a double."""
    if not all(a.is_number for a in args):
        return
    if func in BOUNDED_ARGUMENT and log_size(args[0]) > LOG_FLOAT_MAX:
        raise TooLarge(f"number too large: the argument of {func.__name__} is beyond "
                       "a double (about 1.8e308)")
    if func is sympy.Pow and not (args[0].is_Rational and args[1].is_Rational):
        base, exponent = args
        if base.is_zero:
            return
        size = abs(log_size(base))
        if size and log_size(exponent) + math.log(size) > LOG_FLOAT_MAX:
            raise TooLarge("number too large (a power beyond about 10^(10^308))")


def resolve(expr: sympy.Expr, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    """`expr` with constants given their `values`, rebuilt from the leaves up, each
    function and power checked before SymPy evaluates it (plain `subs` would evaluate
    cos(exp(a)) at once, with a = 10^300: that never finishes)."""
    return _rebuild(expr, values, check)


def _rebuild(expr: sympy.Expr, values, guard: Callable) -> sympy.Expr:
    if expr.is_Symbol:
        return values.get(expr, expr)
    if not expr.args or not expr.free_symbols & set(values):
        return expr
    args = [_rebuild(a, values, guard) for a in expr.args]
    guard(expr.func, args)
    return expr.func(*args)


def range_error(name: str, low: float, high: float) -> str | None:
    """Why a range has no points in doubles, or None: ends that are one double ([0, 1e-400],
    [1, 1 + 10^-30]) or a length that is none ([-1e308, 1e308])."""
    if not low < high:
        return (f"the range of {name} is too narrow for double precision: both ends are the "
                f"double {low:.17g}")
    if not math.isfinite(high - low):
        return (f"the range of {name} is too long for double precision: its length is beyond "
                "about 1.8e308")
    return None
