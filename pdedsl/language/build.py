"""Parse tree -> `Problem`: gives each statement its meaning, as SymPy, in file order.

Expressions are built node by node from the tree (never by `eval`/`sympify` of
user text). Names are resolved as they are met, so a name must be declared before
it is used. Every semantic error is a PdeError pinned to the token that caused it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

import sympy
from lark import Token, Tree

from . import settings as schema
from .errors import PdeError
from .problem import (
    Condition,
    Constant,
    Equation,
    Face,
    Location,
    NormalDerivative,
    Problem,
    Settings,
    Source,
    Unknown,
    Variable,
)

# The vocabulary of the language: one table per kind of built-in name.
FUNCTIONS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "abs": sympy.Abs,
}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
OPERATORS = ("diff", "laplacian", "dn")
LATER_OPERATORS = ("grad", "div")
KEYWORDS = frozenset(
    "in time const unknown on boundary exact solver model sample seed fit data periodic".split()
)

MAX_DEPTH = 200  # nesting of an expression (unary minus, powers, calls)
MAX_ORDER = 20  # highest derivative order in diff(e, x, n)
MAX_NUMBER_CHARS = 100
MAX_NUMBER_BITS = 10_000  # exact numbers bigger than about 10^3000 are refused (Python
# prints integers of at most 4300 digits)
FLOAT_MAX = sympy.Float(sys.float_info.max)  # a finished expression's numbers must be doubles


@dataclass
class _Context:
    """What an expression may contain where it is written.

    kind: 'constant' (numbers and constants only), 'equation', 'condition' (dn
    allowed) or 'exact' (no unknowns). `what` names the place in messages.
    """

    kind: str
    what: str

    @property
    def constant_only(self) -> bool:
        return self.kind == "constant"


@dataclass
class _State:
    variables: dict[str, Variable] = field(default_factory=dict)
    constants: dict[str, Constant] = field(default_factory=dict)
    unknowns: dict[str, Unknown] = field(default_factory=dict)
    declared_at: dict[str, int] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    exact: dict[str, sympy.Expr] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    settings_at: dict[str, int] = field(default_factory=dict)


def build(tree: Tree, text: str, filename: str = "<input>") -> Problem:
    """The Problem a parse tree states; raises PdeError at the first mistake."""
    return _Builder(text, filename).build(tree)


class _Builder:
    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self.s = _State()

    # ----------------------------------------------------------------- errors
    def error(self, message: str, node) -> PdeError:
        line, column = _position(node)
        return PdeError(
            message, filename=self.filename, text=self.text, line=line, column=column
        )

    # -------------------------------------------------------------- statements
    def build(self, tree: Tree) -> Problem:
        for statement in tree.children:
            getattr(self, "statement_" + statement.data)(statement)
        s = self.s
        return Problem(
            variables=tuple(s.variables.values()),
            unknowns=tuple(s.unknowns.values()),
            equations=tuple(s.equations),
            conditions=tuple(s.conditions),
            constants=tuple(s.constants.values()),
            exact=dict(s.exact),
            settings=Settings(**s.settings),
            source=Source(self.filename, self.text),
        )

    def statement_variable(self, tree: Tree, is_time: bool = False) -> None:
        name, range_ = tree.children
        if is_time:
            first = next((v for v in self.s.variables.values() if v.is_time), None)
            if first is not None:
                raise self.error(
                    f"a second time variable '{name}': '{first.name}' "
                    f"(line {self.s.declared_at[first.name]}) is already the time variable",
                    name,
                )
        self.declare(name)
        lower_tree, upper_tree = range_.children
        what = f"the range of {name}"
        lower = self.constant_value(lower_tree, what)
        upper = self.constant_value(upper_tree, what)
        if not self.number(lower) < self.number(upper):
            raise self.error(
                f"empty range [{lower}, {upper}] for {name}: "
                "the lower end must be less than the upper end",
                range_,
            )
        self.s.variables[str(name)] = Variable(str(name), lower, upper, is_time)

    def statement_time_variable(self, tree: Tree) -> None:
        self.statement_variable(tree, is_time=True)

    def statement_constant(self, tree: Tree) -> None:
        name, value_tree = tree.children
        self.declare(name)
        value = self.constant_value(value_tree, f"the value of {name}")
        self.s.constants[str(name)] = Constant(str(name), value)

    def statement_unknown(self, tree: Tree) -> None:
        name, *variables = tree.children
        names = []
        for v in variables:
            if str(v) not in self.s.variables:
                raise self.error(self.not_a_variable(v), v)
            if str(v) in names:
                raise self.error(f"variable '{v}' is listed twice", v)
            names.append(str(v))
        self.declare(name)
        self.s.unknowns[str(name)] = Unknown(str(name), tuple(names))

    def statement_equation(self, tree: Tree) -> None:
        eq = self.equation(tree, _Context("equation", "an equation"))
        self.s.equations.append(Equation(eq, _location(tree)))

    def statement_condition(self, tree: Tree) -> None:
        lhs, rhs, where = tree.children
        eq = self.equation(tree, _Context("condition", "a condition"))
        faces = self.faces(where)
        where_text = " ".join(self.text[where.meta.start_pos : where.meta.end_pos].split())
        self.s.conditions.append(Condition(eq, faces, where_text, _location(tree)))

    def statement_exact(self, tree: Tree) -> None:
        name, value_tree = tree.children
        if str(name) not in self.s.unknowns:
            if str(name) in self.s.declared_at:
                raise self.error(f"exact: '{name}' is not an unknown", name)
            raise self.error(f"exact: undeclared unknown '{name}'", name)
        if str(name) in self.s.exact:
            raise self.error(f"a second exact solution for '{name}'", name)
        value = self.finite(self.expr(value_tree, _Context("exact", "an exact solution")), value_tree)
        allowed = set(self.s.unknowns[str(name)].variables) | set(self.s.constants)
        extra = sorted(str(s) for s in value.free_symbols if str(s) not in allowed)
        if extra:
            raise self.error(
                f"the exact solution of {name} mentions {', '.join(extra)}, "
                f"but {name} depends only on ({', '.join(self.s.unknowns[str(name)].variables)})",
                value_tree,
            )
        self.s.exact[str(name)] = value

    # settings -------------------------------------------------------------
    def statement_solver(self, tree: Tree) -> None:
        name, options = tree.children
        self.once("solver", tree)
        if str(name) not in schema.SOLVERS:
            raise self.error(
                f"unknown solver '{name}' (known: {', '.join(schema.SOLVERS)})", name
            )
        self.s.settings["solver"] = str(name)
        self.s.settings["solver_options"] = self.options(
            options, schema.SOLVERS[str(name)], f"solver {name}"
        )

    def statement_model(self, tree: Tree) -> None:
        name, options = tree.children
        self.once("model", tree)
        if str(name) not in schema.MODELS:
            raise self.error(
                f"unknown model '{name}' (known: {', '.join(schema.MODELS)})", name
            )
        self.s.settings["model"] = self.options(
            options, schema.MODELS[str(name)], f"model {name}"
        )

    def statement_sample(self, tree: Tree) -> None:
        self.once("sample", tree)
        self.s.settings["sample"] = self.options(tree.children[0], schema.SAMPLE, "sample")

    def statement_seed(self, tree: Tree) -> None:
        self.once("seed", tree)
        (value_tree,) = tree.children
        value = self.setting_value(value_tree)
        try:
            self.s.settings["seed"] = schema.SEED.validate(value)
        except ValueError as error:
            raise self.error(f"seed {error}", value_tree) from None

    def once(self, kind: str, tree: Tree) -> None:
        if kind in self.s.settings_at:
            raise self.error(
                f"a second '{kind}' statement (the first is on line {self.s.settings_at[kind]})",
                tree,
            )
        self.s.settings_at[kind] = tree.meta.line

    def options(self, tree: Tree | None, allowed, what: str) -> dict[str, object]:
        checked: dict[str, object] = {}
        for option in tree.children if tree is not None else ():
            name, value_tree = option.children
            if str(name) in checked:
                raise self.error(f"setting '{name}' is given twice", name)
            value = self.setting_value(value_tree, allowed.get(str(name)))
            try:
                checked.update(schema.validate_options({str(name): value}, allowed, what))
            except KeyError as error:
                raise self.error(error.args[0], name) from None
            except ValueError as error:
                raise self.error(str(error), value_tree) from None
        return checked

    def setting_value(self, tree, option: schema.Option | None = None) -> object:
        """A bare name is a word (`activation = tanh`) unless it is a constant, and
        always for a setting that takes words (`method = grid` beside `const grid`);
        anything else is a constant expression, given as int or float."""
        word = option is not None and option.kind is str
        if tree.data == "name" and (word or str(tree.children[0]) not in self.s.constants):
            return str(tree.children[0])
        value = self.number(self.constant_value(tree, "a setting"))
        if value.is_Integer:
            return int(value)
        return float(value)

    # later ----------------------------------------------------------------
    def statement_region(self, tree: Tree) -> None:
        raise self.error(
            "regions such as '(x, y) in disk(...)' are not supported yet: "
            "declare each variable's range, e.g. 'x in [0, 1]'",
            tree,
        )

    def statement_fit(self, tree: Tree) -> None:
        raise self.error("'fit' (inverse problems) is not supported yet", tree)

    def statement_data(self, tree: Tree) -> None:
        raise self.error("'data' (inverse problems) is not supported yet", tree)

    def statement_periodic(self, tree: Tree) -> None:
        raise self.error("'periodic' conditions are not supported yet", tree)

    # ----------------------------------------------------------------- names
    def declare(self, name: Token) -> None:
        text = str(name)
        if text in KEYWORDS:
            raise self.error(f"'{text}' is a keyword and cannot be used as a name", name)
        kind = _builtin_kind(text)
        if kind:
            raise self.error(f"'{text}' is a {kind} and cannot be used as a name", name)
        if text in self.s.declared_at:
            raise self.error(
                f"'{text}' is already declared (line {self.s.declared_at[text]})", name
            )
        shorthand = self.shorthand(text)
        if shorthand is not None:
            raise self.error(
                f"'{text}' would be read as a derivative of {shorthand[0]}; choose another name",
                name,
            )
        self.s.declared_at[text] = name.line

    def not_a_variable(self, name: Token) -> str:
        text = str(name)
        if text in self.s.constants:
            return f"'{text}' is a constant, not a variable"
        if text in self.s.unknowns:
            return f"'{text}' is an unknown, not a variable"
        return f"undeclared variable '{text}'"

    def shorthand(self, text: str) -> tuple[str, str] | None:
        """`u_xy` -> ('u', 'xy') when u is an unknown and x, y declared one-letter
        variables; None when the name is not of that form (an ordinary name)."""
        for i, char in enumerate(text):
            if char != "_" or text[:i] not in self.s.unknowns:
                continue
            letters = text[i + 1 :]
            if letters and all(c in self.s.variables for c in letters):
                return text[:i], letters
        return None

    # ----------------------------------------------------------- expressions
    def equation(self, tree: Tree, context: _Context) -> sympy.Eq:
        lhs = self.finite(self.expr(tree.children[0], context), tree.children[0])
        rhs = self.finite(self.expr(tree.children[1], context), tree.children[1])
        return sympy.Eq(lhs, rhs, evaluate=False)

    def finite(self, value: sympy.Expr, tree) -> sympy.Expr:
        """Refuse `log(0)`, `1/(x - x)`...: values SymPy already knows are not finite;
        and exact numbers beyond double precision (`10^400*x`), which would train as inf."""
        if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            raise self.error("this expression is infinite or undefined (such as log(0))", tree)
        if any(abs(n) > FLOAT_MAX for n in value.atoms(sympy.Rational)):
            raise self.error("number too large (more than about 1.8e308, the largest double)",
                             tree)
        return value

    def constant_value(self, tree, what: str) -> sympy.Expr:
        """A constant expression (constants kept as symbols), checked to be a finite real."""
        value = self.expr(tree, _Context("constant", what))
        self.number(value, tree)
        return value

    def number(self, value: sympy.Expr, tree=None) -> sympy.Expr:
        """The exact value of a constant expression, constants resolved; a finite real."""
        values: dict[sympy.Symbol, sympy.Expr] = {}
        for c in self.s.constants.values():
            values[c.symbol] = c.value.subs(values)
        resolved = value.subs(values)
        if resolved.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
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
            return resolved
        return numeric

    def expr(self, tree, context: _Context, depth: int = 0) -> sympy.Expr:
        if depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)", tree)
        kind = tree.data
        if kind in ("add", "sub"):
            return self.chain(tree, context, depth, ("add", "sub"))
        if kind in ("mul", "div"):
            return self.chain(tree, context, depth, ("mul", "div"))
        if kind == "number":
            return self.literal(tree.children[0])
        if kind == "name":
            return self.name(tree.children[0], context)
        if kind == "call":
            return self.call(tree, context, depth)
        if kind == "neg":
            return -self.expr(tree.children[0], context, depth + 1)
        if kind == "pos":
            return self.expr(tree.children[0], context, depth + 1)
        if kind == "pow":
            base = self.expr(tree.children[0], context, depth + 1)
            exponent = self.expr(tree.children[1], context, depth + 1)
            return self.power(base, exponent, tree)
        if kind == "tuple":
            raise self.error("a list in parentheses is not a value", tree)
        raise self.error(f"unexpected {kind}", tree)  # pragma: no cover - grammar drift

    def chain(self, tree: Tree, context: _Context, depth: int, ops) -> sympy.Expr:
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
                term = self.expr(node, context, depth + 1)
                terms.append(term if op == "add" else -term)
            return self.checked_size(sympy.Add(*terms), tree)
        number, factors = sympy.Integer(1), []
        for op, node in items:
            factor = self.expr(node, context, depth + 1)
            if op == "div":
                if self.is_zero(factor):
                    raise self.error("division by zero", node)
                factor = 1 / factor
            if factor.is_Rational:
                number = self.checked_size(number * factor, node)
            else:
                factors.append(factor)
        return sympy.Mul(number, *factors)

    def is_zero(self, value: sympy.Expr) -> bool:
        """Whether a divisor is zero, once the constants are given their values."""
        if value.is_zero:
            return True
        names = {str(s) for s in value.free_symbols}
        if names and names <= set(self.s.constants):
            values: dict[sympy.Symbol, sympy.Expr] = {}
            for c in self.s.constants.values():
                values[c.symbol] = c.value.subs(values)
            return bool(value.subs(values).is_zero)
        return False

    def literal(self, token: Token) -> sympy.Expr:
        text = str(token)
        if len(text) > MAX_NUMBER_CHARS:
            raise self.error(f"number too long (more than {MAX_NUMBER_CHARS} characters)", token)
        mantissa, _, exponent = text.lower().partition("e")
        if exponent and abs(int(exponent)) > 1000:
            raise self.error("number too large", token)
        return sympy.Rational(text)

    def power(self, base: sympy.Expr, exponent: sympy.Expr, tree: Tree) -> sympy.Expr:
        """`base^exponent`, refusing exact numbers too large to compute."""
        if base.is_Rational and exponent.is_Rational:
            if base.is_zero and exponent.is_negative:
                raise self.error("division by zero (0 to a negative power)", tree)
            bits = max(base.p.bit_length(), base.q.bit_length())
            if bits > 1 and abs(exponent) * bits > MAX_NUMBER_BITS:
                raise self.error("number too large", tree)
        return self.checked_size(sympy.Pow(base, exponent), tree)

    def checked_size(self, value: sympy.Expr, node) -> sympy.Expr:
        if value.is_Rational and max(value.p.bit_length(), value.q.bit_length()) > MAX_NUMBER_BITS:
            raise self.error("number too large", node)
        return value

    def name(self, token: Token, context: _Context) -> sympy.Expr:
        text = str(token)
        if text in CONSTANTS:
            return CONSTANTS[text]
        if text in FUNCTIONS or text in OPERATORS:
            raise self.error(f"'{text}' is a function: write {text}(...)", token)
        if text in LATER_OPERATORS:
            raise self.error(f"'{text}' is not supported yet", token)
        if text in KEYWORDS:
            raise self.error(f"'{text}' is a keyword and cannot be used as a name", token)
        if text in self.s.constants:
            return sympy.Symbol(text)
        if text in self.s.variables:
            if context.constant_only:
                raise self.error(
                    f"{context.what} must be a constant expression, but '{text}' is a variable",
                    token,
                )
            return sympy.Symbol(text)
        if text in self.s.unknowns:
            self.allow_unknown(text, token, context)
            return self.s.unknowns[text].applied
        shorthand = self.shorthand(text)
        if shorthand is not None:
            unknown, letters = shorthand
            self.allow_unknown(text, token, context)
            u = self.s.unknowns[unknown]
            for letter in letters:
                if letter not in u.variables:
                    raise self.error(
                        f"'{text}': {unknown} does not depend on {letter} "
                        f"(it is declared as {unknown}({', '.join(u.variables)}))",
                        token,
                    )
            return sympy.diff(u.applied, *(sympy.Symbol(c) for c in letters))
        raise self.error(self.undeclared(text), token)

    def undeclared(self, text: str) -> str:
        head, _, letters = text.partition("_")
        if head in self.s.unknowns and letters in self.s.variables:
            return (
                f"undeclared name '{text}' (the shorthand u_x takes one-letter variables; "
                f"write diff({head}, {letters}))"
            )
        if head in self.s.unknowns and letters:
            missing = sorted({c for c in letters if c not in self.s.variables})
            return (
                f"undeclared name '{text}' (as a derivative of {head}, "
                f"{', '.join(missing)} would have to be declared one-letter variables)"
            )
        return f"undeclared name '{text}'"

    def allow_unknown(self, text: str, token: Token, context: _Context) -> None:
        if context.constant_only:
            raise self.error(
                f"{context.what} must be a constant expression, but '{text}' is an unknown",
                token,
            )
        if context.kind == "exact":
            raise self.error(
                f"an exact solution must be a formula in the variables, not mention '{text}'",
                token,
            )

    def call(self, tree: Tree, context: _Context, depth: int) -> sympy.Expr:
        name, args_tree = tree.children
        text = str(name)
        args = list(args_tree.children) if args_tree is not None else []
        if text in FUNCTIONS:
            self.arity(name, args, 1, tree)
            return FUNCTIONS[text](self.expr(args[0], context, depth + 1))
        if text in OPERATORS:
            if context.constant_only:
                raise self.error(f"{context.what} must be a constant expression, "
                                 f"without {text}(...)", name)
            return getattr(self, "operator_" + text)(name, args, tree, context, depth)
        if text in LATER_OPERATORS:
            raise self.error(f"'{text}' is not supported yet", name)
        if text in self.s.unknowns:
            return self.applied_unknown(name, args, context, depth)
        if text in CONSTANTS or text in self.s.constants or text in self.s.variables:
            raise self.error(f"'{text}' is not a function", name)
        raise self.error(f"undeclared function '{text}'", name)

    def arity(self, name: Token, args, count: int, tree: Tree) -> None:
        if len(args) != count:
            raise self.error(
                f"{name}(...) takes {count} argument{'s' if count > 1 else ''}, "
                f"not {len(args)}",
                tree,
            )

    def applied_unknown(self, name: Token, args, context: _Context, depth: int):
        u = self.s.unknowns[str(name)]
        written = [a.children[0] if a.data == "name" else None for a in args]
        if [str(w) for w in written] != list(u.variables):
            raise self.error(
                f"'{name}' is declared as {name}({', '.join(u.variables)}): "
                f"write {name} or {name}({', '.join(u.variables)})",
                name,
            )
        self.allow_unknown(str(name), name, context)
        return u.applied

    def operator_diff(self, name, args, tree, context, depth) -> sympy.Expr:
        if len(args) < 2:
            raise self.error("diff takes an expression and at least one variable: diff(u, x)", tree)
        value = self.expr(args[0], context, depth + 1)
        specs = []
        for arg in args[1:]:
            if arg.data == "number":
                token = arg.children[0]
                if not specs or specs[-1][1] is not None:
                    raise self.error("diff: a derivative order must follow a variable", arg)
                if not str(token).isdigit() or not 1 <= int(token) <= MAX_ORDER:
                    raise self.error(
                        f"diff: the order must be a whole number from 1 to {MAX_ORDER}", arg
                    )
                specs[-1] = (specs[-1][0], int(token))
            elif arg.data == "name" and str(arg.children[0]) in self.s.variables:
                specs.append((arg.children[0], None))
            elif arg.data == "name":
                raise self.error("diff: " + self.not_a_variable(arg.children[0]), arg)
            else:
                raise self.error("diff: expected a variable here", arg)
        for variable, order in specs:
            x = sympy.Symbol(str(variable))
            if x not in value.free_symbols:
                raise self.error(
                    f"diff: the expression does not depend on {variable}", variable
                )
            value = sympy.diff(value, x, order or 1)
        return value

    def operator_laplacian(self, name, args, tree, context, depth) -> sympy.Expr:
        self.arity(name, args, 1, tree)
        value = self.expr(args[0], context, depth + 1)
        spatial = [sympy.Symbol(v.name) for v in self.s.variables.values() if not v.is_time]
        if not spatial:
            raise self.error("laplacian: the problem has no spatial variable", name)
        if not value.free_symbols & set(spatial):
            raise self.error(
                "laplacian: the expression does not depend on any spatial variable "
                f"({', '.join(map(str, spatial))})",
                tree,
            )
        return sympy.Add(*(sympy.diff(value, x, 2) for x in spatial))

    def operator_dn(self, name, args, tree, context, depth) -> sympy.Expr:
        if context.kind != "condition":
            raise self.error(
                f"dn(...) (the normal derivative) is allowed only in conditions "
                f"('... on boundary'), not in {context.what}",
                name,
            )
        self.arity(name, args, 1, tree)
        return NormalDerivative(self.expr(args[0], context, depth + 1))

    # ------------------------------------------------------------------ faces
    def faces(self, where: Tree) -> tuple[Face, ...]:
        faces: list[Face] = []
        for place in where.children:
            if place.data == "boundary":
                spatial = [v for v in self.s.variables.values() if not v.is_time]
                if not spatial:
                    raise self.error("'on boundary': the problem has no spatial variable", place)
                new = [Face(v.name, side) for v in spatial for side in ("lower", "upper")]
            else:
                new = [self.face(*place.children)]
            faces.extend(f for f in new if f not in faces)
        return tuple(faces)

    def face(self, name: Token, value_tree) -> Face:
        if str(name) not in self.s.variables:
            raise self.error(f"on {name} = ...: " + self.not_a_variable(name), name)
        variable = self.s.variables[str(name)]
        value = self.number(self.constant_value(value_tree, f"the value of {name}"), value_tree)
        ends = {side: float(self.number(end))
                for side, end in (("lower", variable.lower), ("upper", variable.upper))}
        # relative to the ends, not to 1: in x in [0, 1e-13], x = 1e-13 is the upper end
        tolerance = 1e-12 * max(abs(end) for end in ends.values())
        side = min(ends, key=lambda s: abs(float(value) - ends[s]))
        if abs(float(value) - ends[side]) <= tolerance:
            return Face(variable.name, side)
        raise self.error(
            f"{name} = {value} is not an end of the range of {name} "
            f"[{variable.lower}, {variable.upper}]",
            value_tree,
        )


def _builtin_kind(text: str) -> str | None:
    if text in FUNCTIONS:
        return "built-in function"
    if text in CONSTANTS:
        return "built-in constant"
    if text in OPERATORS or text in LATER_OPERATORS:
        return "built-in operator"
    return None


def _position(node) -> tuple[int | None, int | None]:
    if isinstance(node, Token):
        return node.line, node.column
    if isinstance(node, Tree):
        if not node.meta.empty:
            return node.meta.line, node.meta.column
        for child in node.children:
            if child is not None:
                line, column = _position(child)
                if line is not None:
                    return line, column
    return None, None


def _location(tree: Tree) -> Location:
    return Location(tree.meta.line, tree.meta.column)
