"""Parse tree of one expression -> SymPy, given the names in scope.

Expressions are built node by node from the tree (never by `eval`/`sympify` of
user text). Numbers are exact rationals; a name means what the `Scope` declares it
to be; calls (functions and operators) are built in `calls.py`. Every mistake is a
PdeError pinned to the token that caused it.
"""

from __future__ import annotations

import math
import sys

import sympy
from lark import Token, Tree

from . import calls, magnitude
from .errors import PdeError
from .scope import Context, Scope
from .vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    KEYWORDS,
    LATER_OPERATORS,
    OPERATORS,
    SHAPES,
    did_you_mean,
)

MAX_DEPTH = 200  # nesting of an expression (unary minus, powers, calls)
MAX_NUMBER_CHARS = 100
MAX_NUMBER_BITS = 10_000  # exact numbers bigger than about 10^3000 are refused (Python
# prints integers of at most 4300 digits)
FLOAT_MAX = sympy.Float(sys.float_info.max)  # a finished expression's numbers must be doubles
FLOAT_TINY = sympy.Float(5e-324)  # the smallest double: an exact number below it would be 0
TOO_SMALL = "number too small (less than about 4.9e-324, the smallest double: it would be 0)"
INFINITE = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)


class ExpressionBuilder:
    """Builds the expressions of one text, with the names of `scope`.

    The scope may grow between calls (a file declares names as it goes); `text` and
    `filename` are only for the position and display of errors.
    """

    def __init__(self, scope: Scope, text: str, filename: str = "<input>"):
        self.scope = scope
        self.text = text
        self.filename = filename

    # ------------------------------------------------------------- public
    def error(self, message: str, node) -> PdeError:
        """A PdeError at the position of `node` (a token or a tree)."""
        line, column = position(node)
        return PdeError(message, filename=self.filename, text=self.text, line=line,
                        column=column)

    def expression(self, tree, context: Context) -> sympy.Expr:
        """A finished expression: built, then checked finite and of double size."""
        return self.finite(self.build(tree, context), tree)

    def equation(self, lhs, rhs, context: Context) -> sympy.Eq:
        """`lhs = rhs` as an unevaluated SymPy equation."""
        return sympy.Eq(self.expression(lhs, context), self.expression(rhs, context),
                        evaluate=False)

    def constant(self, tree, what: str) -> sympy.Expr:
        """A constant expression (constants kept as symbols), checked to be a finite real."""
        value = self.build(tree, Context("constant", what))
        self.value(value, tree)
        return value

    def value(self, expr: sympy.Expr, tree=None) -> sympy.Expr:
        """The exact value of a constant expression, constants resolved; a finite real
        (a Rational when it is one, else a Float)."""
        resolved = self.resolve(expr, tree)
        if resolved.has(*INFINITE):
            raise self.error("not a finite number (a division by zero, log(0), ...)", tree)
        try:
            numeric = resolved.evalf()
            if not numeric.is_number or numeric.is_real is False or numeric.has(sympy.I):
                raise self.error("not a real number", tree)
            if not math.isfinite(float(numeric)):
                raise OverflowError
        except (OverflowError, TypeError, ValueError):
            raise self.error("not a finite number (too large to compute)", tree) from None
        if resolved.is_Rational:
            if 0 < abs(resolved) < FLOAT_TINY:
                raise self.error(TOO_SMALL, tree)
            return resolved
        return numeric

    def finite(self, value: sympy.Expr, tree) -> sympy.Expr:
        """Refuse `log(0)`, `1/(x - x)`...: values SymPy already knows are not finite;
        exact numbers beyond double precision (`10^400*x`), which would train as inf;
        and numbers that are not real (`sqrt(-1)*x`, `acos(2)`), which cannot train."""
        if value.has(*INFINITE):
            raise self.error("this expression is infinite or undefined (such as log(0))", tree)
        parts = numbers(self.resolve(value, tree))
        if (any(abs(n) > FLOAT_MAX for n in value.atoms(sympy.Rational))
                or any(magnitude.log_size(n) > magnitude.LOG_FLOAT_MAX for n in parts)):
            raise self.error("number too large (more than about 1.8e308, the largest double)",
                             tree)
        if any(n.is_extended_real is False for n in parts):
            raise self.error("not a real number (such as sqrt(-1) or acos(2))", tree)
        if any(0 < abs(n) < FLOAT_TINY for n in value.atoms(sympy.Rational)):
            raise self.error(TOO_SMALL, tree)
        return value

    def resolve(self, expr: sympy.Expr, tree=None) -> sympy.Expr:
        """`expr` with the constants' values put in, refusing numbers too large to
        compute (`cos(exp(a))` with a = 10^300) before SymPy tries."""
        try:
            return magnitude.resolve(expr, self.scope.constant_values())
        except magnitude.TooLarge as error:
            raise self.error(str(error), tree) from None

    def guarded(self, func, args, node) -> sympy.Expr:
        """`func(*args)`, unless it is a function of numbers too large to compute."""
        try:
            magnitude.check(func, args)
        except magnitude.TooLarge as error:
            raise self.error(str(error), node) from None
        return func(*args)

    # ------------------------------------------------------------- the walk
    def build(self, tree, context: Context, depth: int = 0) -> sympy.Expr:
        """The SymPy value of an expression node, unchecked (calls.py recurses here)."""
        if depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)", tree)
        kind = tree.data
        if kind in ("add", "sub"):
            return self._chain(tree, context, depth, ("add", "sub"))
        if kind in ("mul", "div"):
            return self._chain(tree, context, depth, ("mul", "div"))
        if kind == "number":
            return self._literal(tree.children[0])
        if kind == "name":
            return self._name(tree.children[0], context)
        if kind == "call":
            return calls.call(self, tree, context, depth)
        if kind == "neg":
            return -self.build(tree.children[0], context, depth + 1)
        if kind == "pos":
            return self.build(tree.children[0], context, depth + 1)
        if kind == "pow":
            base = self.build(tree.children[0], context, depth + 1)
            exponent = self.build(tree.children[1], context, depth + 1)
            return self._power(base, exponent, tree)
        if kind == "tuple":
            raise self.error("a list in parentheses is not a value", tree)
        raise self.error(f"unexpected {kind}", tree)  # pragma: no cover - grammar drift

    def _chain(self, tree: Tree, context: Context, depth: int, ops) -> sympy.Expr:
        """`a + b - c` or `a * b / c`, walked without recursion (long sums are fine)."""
        items = []
        while isinstance(tree, Tree) and tree.data in ops:
            items.append((tree.data, tree.children[1]))
            tree = tree.children[0]
        items.append((ops[0], tree))
        items.reverse()
        if ops[0] == "add":
            terms = []
            for op, node in items:
                term = self.build(node, context, depth + 1)
                terms.append(term if op == "add" else -term)
            return self._checked_size(sympy.Add(*terms), tree)
        number, factors = sympy.Integer(1), []
        for op, node in items:
            factor = self.build(node, context, depth + 1)
            if op == "div":
                if self._is_zero(factor):
                    raise self.error("division by zero", node)
                factor = 1 / factor
            if factor.is_Rational:
                number = self._checked_size(number * factor, node)
            else:
                factors.append(factor)
        return sympy.Mul(number, *factors)

    def _is_zero(self, value: sympy.Expr) -> bool:
        """Whether a divisor is zero, once the constants are given their values."""
        if value.is_zero:
            return True
        names = {str(s) for s in value.free_symbols}
        if names and names <= set(self.scope.constants):
            return bool(value.subs(self.scope.constant_values()).is_zero)
        return False

    def _literal(self, token: Token) -> sympy.Expr:
        text = str(token)
        if len(text) > MAX_NUMBER_CHARS:
            raise self.error(f"number too long (more than {MAX_NUMBER_CHARS} characters)", token)
        mantissa, _, exponent = text.lower().partition("e")
        if exponent and abs(int(exponent)) > 1000 and sympy.Rational(mantissa or "0") != 0:
            small = int(exponent) < 0
            raise self.error(f"number too {'small' if small else 'large'} (an exponent "
                             f"{'below -1000' if small else 'beyond 1000'})", token)
        return sympy.Rational(text)

    def _power(self, base: sympy.Expr, exponent: sympy.Expr, tree: Tree) -> sympy.Expr:
        """`base^exponent`, refusing exact numbers too large to compute."""
        if base.is_Rational and exponent.is_Rational:
            if base.is_zero and exponent.is_negative:
                raise self.error("division by zero (0 to a negative power)", tree)
            bits = max(base.p.bit_length(), base.q.bit_length())
            if bits > 1 and abs(exponent) * bits > MAX_NUMBER_BITS:
                small = (exponent < 0) != (abs(base) < 1)  # 10^-5000, (1/10)^5000
                raise self.error(TOO_SMALL if small else "number too large", tree)
        return self._checked_size(self.guarded(sympy.Pow, (base, exponent), tree), tree)

    def _checked_size(self, value: sympy.Expr, node) -> sympy.Expr:
        if value.is_Rational and max(value.p.bit_length(), value.q.bit_length()) > MAX_NUMBER_BITS:
            raise self.error(TOO_SMALL if abs(value) < 1 else "number too large", node)
        return value

    # ------------------------------------------------------------- names
    def _name(self, token: Token, context: Context) -> sympy.Expr:
        text = str(token)
        scope = self.scope
        if text in CONSTANTS:
            return CONSTANTS[text]
        if text in FUNCTIONS or text in OPERATORS:
            raise self.error(f"'{text}' is a function: write {text}(...)", token)
        if text in LATER_OPERATORS:
            raise self.error(f"'{text}' is not supported yet", token)
        if text in SHAPES:
            raise self.error(f"'{text}' is a shape, allowed only in a region statement", token)
        if text in KEYWORDS:
            raise self.error(f"'{text}' is a keyword and cannot be used as a name", token)
        if text in scope.constants:
            return sympy.Symbol(text)
        if text in scope.fitted:
            if not context.allows_fitted:
                raise self.error(
                    f"'{text}' is a fitted constant, known only once training ends: it may "
                    f"appear in equations and conditions, not in {context.what}",
                    token,
                )
            return sympy.Symbol(text)
        if text in scope.variables:
            if context.constant_only:
                raise self.error(
                    f"{context.what} must be a constant expression, but '{text}' is a variable",
                    token,
                )
            return sympy.Symbol(text)
        if text in scope.unknowns:
            self.allow_unknown(text, token, context)
            return scope.unknowns[text].applied
        if text in scope.regions:
            raise self.error(f"'{text}' is a region: it can be used only in a region statement "
                             f"or as a place ('on {text}')", token)
        shorthand = scope.shorthand(text)
        if shorthand is not None:
            return self._shorthand(text, *shorthand, token, context)
        message = scope.undeclared(text)
        if message == f"undeclared name '{text}'":
            message += did_you_mean(text, [*scope.names(), *CONSTANTS])
        raise self.error(message, token)

    def _shorthand(self, text: str, unknown: str, letters: str, token, context) -> sympy.Expr:
        """`u_xy`: the derivative of u along x then y."""
        self.allow_unknown(text, token, context)
        u = self.scope.unknowns[unknown]
        for letter in letters:
            if letter not in u.variables:
                raise self.error(
                    f"'{text}': {unknown} does not depend on {letter} "
                    f"(it is declared as {unknown}({', '.join(u.variables)}))",
                    token,
                )
        return calls.capped(self, sympy.diff(u.applied, *(sympy.Symbol(c) for c in letters)), token)

    def allow_unknown(self, name: str, token, context: Context) -> None:
        """Raise unless the context may mention the unknown `name`."""
        if context.constant_only:
            raise self.error(
                f"{context.what} must be a constant expression, but '{name}' is an unknown",
                token,
            )
        if context.kind == "exact":
            raise self.error(
                f"an exact solution must be a formula in the variables, not mention '{name}'",
                token,
            )
        if context.kind == "source":
            raise self.error(
                f"{context.what} must be a formula in the variables and constants, "
                f"not mention the unknown {name}",
                token,
            )


def numbers(expr: sympy.Expr) -> list[sympy.Expr]:
    """The largest parts of `expr` that are numbers other than rationals (`pi^2`,
    `exp(3)`): the numbers that training will hold as doubles."""
    if expr.is_number:
        return [] if expr.is_Rational else [expr]
    return [n for a in expr.args if isinstance(a, sympy.Expr) for n in numbers(a)]


def position(node) -> tuple[int | None, int | None]:
    """(line, column) of a token, or of the first positioned token of a tree."""
    if isinstance(node, Token):
        return node.line, node.column
    if isinstance(node, Tree):
        if not node.meta.empty:
            return node.meta.line, node.meta.column
        for child in node.children:
            if child is not None:
                line, column = position(child)
                if line is not None:
                    return line, column
    return None, None
