"""`name(...)` in an expression: built-in functions, operators, unknowns written out.

Each function here takes the `ExpressionBuilder` that met the call and builds the
arguments through it, so nesting limits and contexts apply inside calls too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy
from lark import Token, Tree
from sympy.core.function import AppliedUndef

from .errors import PdeError
from .problem import Mean, NormalDerivative
from .scope import Context
from .vocabulary import CONSTANTS, FUNCTIONS, LATER_OPERATORS, SHAPES, did_you_mean

if TYPE_CHECKING:
    from .expressions import ExpressionBuilder

MAX_ORDER = 20  # highest derivative order in diff(e, x, n)


def call(b: ExpressionBuilder, tree: Tree, context: Context, depth: int) -> sympy.Expr:
    """The value of a call node `name(args)`."""
    name, args_tree = tree.children
    text = str(name)
    args = list(args_tree.children) if args_tree is not None else []
    if text in FUNCTIONS:
        function = FUNCTIONS[text]
        arity(b, name, args, tree, function.min_args, function.max_args)
        values = [b.build(a, context, depth + 1) for a in args]
        return b.guarded(function.build, values, tree)
    if text in OPERATORS:
        if context.constant_only:
            raise b.error(f"{context.what} must be a constant expression, "
                          f"without {text}(...)", name)
        return OPERATORS[text](b, name, args, tree, context, depth)
    if text in LATER_OPERATORS:
        raise b.error(f"'{text}' is not supported yet", name)
    if text in SHAPES:
        raise b.error(f"'{text}' is a shape, allowed only in a region statement", name)
    if text in b.scope.unknowns:
        return applied_unknown(b, name, args, context)
    if text in b.scope.regions:
        raise b.error(f"'{text}' is a region, not a function", name)
    if (text in CONSTANTS or text in b.scope.constants or text in b.scope.variables
            or text in b.scope.fitted):
        raise b.error(f"'{text}' is not a function", name)
    shorthand = b.scope.shorthand(text)
    if shorthand is not None:
        raise b.error(f"'{text}' is a derivative of {shorthand[0]}, not a function: "
                      f"{condition_hint(b, text, args, '...')}", name)
    known = [*FUNCTIONS, *OPERATORS, *b.scope.unknowns]
    raise b.error(f"undeclared function '{text}'" + did_you_mean(text, known), name)


def arity(b: ExpressionBuilder, name: Token, args, tree: Tree, least: int,
          most: int | None) -> None:
    """Raise unless `least <= len(args) <= most` (no upper bound when most is None)."""
    if least <= len(args) and (most is None or len(args) <= most):
        return
    if most is None:
        wanted = f"at least {least} argument{'s' if least > 1 else ''}"
    else:
        wanted = f"{least} argument{'s' if least > 1 else ''}"
    raise b.error(f"{name}(...) takes {wanted}, not {len(args)}", tree)


def applied_unknown(b: ExpressionBuilder, name: Token, args, context: Context) -> sympy.Expr:
    """`u(x, y)` written out: only with exactly the declared variables, in order."""
    u = b.scope.unknowns[str(name)]
    written = [a.children[0] if a.data == "name" else None for a in args]
    if [str(w) for w in written] != list(u.variables):
        message = (f"'{name}' is declared as {name}({', '.join(u.variables)}): "
                   f"write {name} or {name}({', '.join(u.variables)})")
        hint = condition_hint(b, str(name), args, "...")
        if len(args) == len(u.variables) and not hint.startswith("write "):  # a place
            message += f"; {hint}"
        raise b.error(message, name)
    b.allow_unknown(str(name), name, context)
    return u.applied


def condition_hint(b: ExpressionBuilder, name: str, args, value: str) -> str:
    """How to write `u(0) = value` (the idiom of other tools) in this language: a
    condition on a face, or at a point; for `u_x(0)`, `u(0, y)` as well."""
    unknown = b.scope.shorthand(name)[0] if b.scope.shorthand(name) else name
    variables = b.scope.unknowns[unknown].variables
    fixed = [(v, a) for v, a in zip(variables, args)
             if not (a.data == "name" and str(a.children[0]) == v)]
    if (not fixed or len(args) != len(variables)
            or any(_number(b, a) is None for _, a in fixed)):  # u(x + 1, y): no place
        return f"write {unknown}({', '.join(variables)}) or {unknown}"
    place = ", ".join(f"{v} = {_text(b, a)}" for v, a in fixed)
    if len(fixed) == 1 and _is_an_end(b, *fixed[0]):
        return f"a value on a face is a condition: write '{name} = {value} on {place}' " \
               f"(or 'at {place}')"
    return f"a value at a point is a condition: write '{name} = {value} at {place}'"


def _text(b: ExpressionBuilder, tree) -> str:
    """The source text of a node, spaces normalised."""
    return " ".join(b.text[tree.meta.start_pos : tree.meta.end_pos].split())


def _number(b: ExpressionBuilder, tree) -> float | None:
    """The value of a constant expression, or None for any other."""
    try:
        return float(b.value(b.constant(tree, "a value")))
    except PdeError:
        return None


def _is_an_end(b: ExpressionBuilder, variable: str, tree) -> bool:
    """Whether `tree` is a constant expression equal to an end of `variable`'s range."""
    value = _number(b, tree)
    if value is None:
        return False
    v = b.scope.variables[variable]
    return any(abs(value - float(b.value(end))) <= 1e-12 * max(1.0, abs(value))
               for end in (v.lower, v.upper))


def diff(b: ExpressionBuilder, name, args, tree, context, depth) -> sympy.Expr:
    """`diff(e, x)`, `diff(e, x, 2)`, `diff(e, x, 2, y)`: SymPy's derivative, evaluated."""
    if len(args) < 2:
        raise b.error("diff takes an expression and at least one variable: diff(u, x)", tree)
    value = b.build(args[0], context, depth + 1)
    for variable, order in _diff_specs(b, args[1:]):
        x = sympy.Symbol(str(variable))
        if x not in value.free_symbols:
            raise b.error(f"diff: the expression does not depend on {variable}", variable)
        value = derivative(value, x, order or 1)
    return _pointwise(b, capped(b, value, tree), name)


def capped(b: ExpressionBuilder, value: sympy.Expr, node) -> sympy.Expr:
    """`value` unless a derivative in it is of order above MAX_ORDER (nested `diff`s and
    the shorthand `u_xxx...` add up as diff(u, x, n) does), where compiling it takes hours."""
    order = max((sum(n for _, n in d.variable_count) for d in value.atoms(sympy.Derivative)),
                default=0)
    if order > MAX_ORDER:
        raise b.error(f"a derivative of order {order}: the highest order supported is "
                      f"{MAX_ORDER}", node)
    return value


def _diff_specs(b: ExpressionBuilder, args) -> list[tuple[Token, int | None]]:
    """[(variable token, order or None)] from diff's arguments after the first."""
    specs: list[tuple[Token, int | None]] = []
    for arg in args:
        if arg.data == "number":
            token = arg.children[0]
            if not specs or specs[-1][1] is not None:
                raise b.error("diff: a derivative order must follow a variable", arg)
            if not str(token).isdigit() or not 1 <= int(token) <= MAX_ORDER:
                raise b.error(f"diff: the order must be a whole number from 1 to {MAX_ORDER}",
                              arg)
            specs[-1] = (specs[-1][0], int(token))
        elif arg.data == "name" and str(arg.children[0]) in b.scope.variables:
            specs.append((arg.children[0], None))
        elif arg.data == "name" and specs and specs[-1][1] is None and (
                str(arg.children[0]) in b.scope.constants):  # diff(u, x, n), n a constant
            raise b.error(f"diff: the order is written as a whole number from 1 to "
                          f"{MAX_ORDER}, not a constant ('{arg.children[0]}')", arg)
        elif arg.data == "name":
            raise b.error("diff: " + b.scope.not_a_variable(str(arg.children[0])), arg)
        elif specs and specs[-1][1] is None:  # in the place of an order: -1, 1+1, n^2
            raise b.error(f"diff: expected a variable, or the order as a whole number from 1 "
                          f"to {MAX_ORDER}", arg)
        else:
            raise b.error("diff: expected a variable here", arg)
    return specs


def laplacian(b: ExpressionBuilder, name, args, tree, context, depth) -> sympy.Expr:
    """The sum of second derivatives over the spatial (non-time) variables."""
    arity(b, name, args, tree, 1, 1)
    value = b.build(args[0], context, depth + 1)
    spatial = [v.symbol for v in b.scope.spatial]
    if not spatial:
        raise b.error("laplacian: the problem has no spatial variable", name)
    if not value.free_symbols & set(spatial):
        raise b.error(
            "laplacian: the expression does not depend on any spatial variable "
            f"({', '.join(map(str, spatial))})",
            tree,
        )
    return _pointwise(b, sympy.Add(*(derivative(value, x, 2) for x in spatial)), name)


def derivative(value: sympy.Expr, x: sympy.Symbol, order: int) -> sympy.Expr:
    """SymPy's derivative, taken as if every symbol and unknown were real (they are):
    SymPy's complex rule for abs(u) gives re and im parts; the real one gives sign(u)*u'."""
    if not value.has(sympy.Abs, sympy.sign) or x not in value.free_symbols:
        return sympy.diff(value, x, order)
    symbols = {s: sympy.Dummy(s.name, real=True) for s in value.free_symbols}
    functions = {f.func: sympy.Function(f.func.__name__, real=True)
                 for f in value.atoms(AppliedUndef)}
    real = value.xreplace(symbols)
    for plain, real_function in functions.items():
        real = real.replace(plain, real_function)
    result = sympy.diff(real, symbols[x], order)
    for plain, real_function in functions.items():
        result = result.replace(real_function, plain)
    return result.xreplace({d: s for s, d in symbols.items()})


def _pointwise(b: ExpressionBuilder, value: sympy.Expr, name: Token) -> sympy.Expr:
    """Refuse a derivative with no value at a point: a Dirac delta (from the jump of
    heaviside or sign, or the kink of min, max, abs), or one SymPy could not work out."""
    if value.has(sympy.DiracDelta):
        raise b.error(
            f"{name}: this derivative has a Dirac delta (heaviside and sign jump; min, max "
            "and abs have kinks), which has no value at a point",
            name,
        )
    for node in value.atoms(sympy.Derivative):
        if not isinstance(node.expr, AppliedUndef):
            raise b.error(f"{name}: cannot differentiate {node.expr}", name)
    return value


def dn(b: ExpressionBuilder, name, args, tree, context, depth) -> sympy.Expr:
    """The outward normal derivative, kept unevaluated until the face is known."""
    if context.kind != "condition":
        raise b.error(
            f"dn(...) (the normal derivative) is allowed only in conditions "
            f"('... on boundary'), not in {context.what}",
            name,
        )
    arity(b, name, args, tree, 1, 1)
    return NormalDerivative(b.build(args[0], context, depth + 1))


def mean(b: ExpressionBuilder, name, args, tree, context, depth) -> sympy.Expr:
    """The average over the whole domain, kept unevaluated (see `MeanCondition`)."""
    if context.kind != "equation":
        raise b.error(
            "mean(...) is allowed only in an equation between averages, such as "
            f"mean(u) = 0, not in {context.what}",
            name,
        )
    arity(b, name, args, tree, 1, 1)
    return Mean(b.build(args[0], Context("mean", "mean(...)"), depth + 1))


OPERATORS = {"diff": diff, "laplacian": laplacian, "dn": dn, "mean": mean}
