"""Parse tree -> `Problem`: gives each statement its meaning, in file order.

Names are declared as statements are met, so a name must be declared before it is
used; expressions are built by an `ExpressionBuilder` over the names declared so
far. Every semantic error is a PdeError pinned to the token that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from lark import Token, Tree

from . import settings as schema
from .expressions import ExpressionBuilder
from .problem import (
    Condition,
    Constant,
    Equation,
    Face,
    Location,
    Problem,
    Settings,
    Source,
    Unknown,
    Variable,
)
from .scope import Context, Scope
from .vocabulary import KEYWORDS, builtin_kind


def build(tree: Tree, text: str, filename: str = "<input>") -> Problem:
    """The Problem a parse tree states; raises PdeError at the first mistake."""
    return StatementBuilder(text, filename).build(tree)


@dataclass
class _Statements:
    """What the statements read so far say, besides the names in scope."""

    declared_at: dict[str, int] = field(default_factory=dict)  # name -> line
    equations: list[Equation] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    exact: dict[str, sympy.Expr] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    settings_at: dict[str, int] = field(default_factory=dict)  # statement -> line


class StatementBuilder:
    """Reads the statements of one file in order; `build` returns its Problem."""

    def __init__(self, text: str, filename: str = "<input>"):
        self.text = text
        self.filename = filename
        self.scope = Scope()
        self.expressions = ExpressionBuilder(self.scope, text, filename)
        self.stated = _Statements()

    def error(self, message: str, node):
        return self.expressions.error(message, node)

    def build(self, tree: Tree) -> Problem:
        for statement in tree.children:
            getattr(self, "statement_" + statement.data)(statement)
        stated, scope = self.stated, self.scope
        return Problem(
            variables=tuple(scope.variables.values()),
            unknowns=tuple(scope.unknowns.values()),
            equations=tuple(stated.equations),
            conditions=tuple(stated.conditions),
            constants=tuple(scope.constants.values()),
            exact=dict(stated.exact),
            settings=Settings(**stated.settings),
            source=Source(self.filename, self.text),
        )

    # ------------------------------------------------------------ declarations
    def statement_variable(self, tree: Tree, is_time: bool = False) -> None:
        name, range_ = tree.children
        if is_time:
            first = next((v for v in self.scope.variables.values() if v.is_time), None)
            if first is not None:
                raise self.error(
                    f"a second time variable '{name}': '{first.name}' "
                    f"(line {self.stated.declared_at[first.name]}) is already the time variable",
                    name,
                )
        self.declare(name)
        lower_tree, upper_tree = range_.children
        what = f"the range of {name}"
        lower = self.expressions.constant(lower_tree, what)
        upper = self.expressions.constant(upper_tree, what)
        if not self.expressions.value(lower) < self.expressions.value(upper):
            raise self.error(
                f"empty range [{lower}, {upper}] for {name}: "
                "the lower end must be less than the upper end",
                range_,
            )
        self.scope.variables[str(name)] = Variable(str(name), lower, upper, is_time)

    def statement_time_variable(self, tree: Tree) -> None:
        self.statement_variable(tree, is_time=True)

    def statement_constant(self, tree: Tree) -> None:
        name, value_tree = tree.children
        self.declare(name)
        value = self.expressions.constant(value_tree, f"the value of {name}")
        self.scope.constants[str(name)] = Constant(str(name), value)

    def statement_unknown(self, tree: Tree) -> None:
        name, *variables = tree.children
        names: list[str] = []
        for v in variables:
            if str(v) not in self.scope.variables:
                raise self.error(self.scope.not_a_variable(str(v)), v)
            if str(v) in names:
                raise self.error(f"variable '{v}' is listed twice", v)
            names.append(str(v))
        self.declare(name)
        self.scope.unknowns[str(name)] = Unknown(str(name), tuple(names))

    def declare(self, name: Token) -> None:
        """Reserve `name` for a new declaration, or raise saying why it cannot be one."""
        text = str(name)
        if text in KEYWORDS:
            raise self.error(f"'{text}' is a keyword and cannot be used as a name", name)
        kind = builtin_kind(text)
        if kind:
            raise self.error(f"'{text}' is a {kind} and cannot be used as a name", name)
        if text in self.stated.declared_at:
            raise self.error(
                f"'{text}' is already declared (line {self.stated.declared_at[text]})", name
            )
        shorthand = self.scope.shorthand(text)
        if shorthand is not None:
            raise self.error(
                f"'{text}' would be read as a derivative of {shorthand[0]}; choose another name",
                name,
            )
        self.stated.declared_at[text] = name.line

    # ------------------------------------------------------------ equations
    def statement_equation(self, tree: Tree) -> None:
        lhs, rhs = tree.children
        eq = self.expressions.equation(lhs, rhs, Context("equation", "an equation"))
        self.stated.equations.append(Equation(eq, _location(tree)))

    def statement_condition(self, tree: Tree) -> None:
        lhs, rhs, where = tree.children
        eq = self.expressions.equation(lhs, rhs, Context("condition", "a condition"))
        faces = self.faces(where)
        where_text = " ".join(self.text[where.meta.start_pos : where.meta.end_pos].split())
        self.stated.conditions.append(Condition(eq, faces, where_text, _location(tree)))

    def statement_exact(self, tree: Tree) -> None:
        name, value_tree = tree.children
        unknowns = self.scope.unknowns
        if str(name) not in unknowns:
            if str(name) in self.stated.declared_at:
                raise self.error(f"exact: '{name}' is not an unknown", name)
            raise self.error(f"exact: undeclared unknown '{name}'", name)
        if str(name) in self.stated.exact:
            raise self.error(f"a second exact solution for '{name}'", name)
        value = self.expressions.expression(value_tree, Context("exact", "an exact solution"))
        allowed = set(unknowns[str(name)].variables) | set(self.scope.constants)
        extra = sorted(str(s) for s in value.free_symbols if str(s) not in allowed)
        if extra:
            raise self.error(
                f"the exact solution of {name} mentions {', '.join(extra)}, "
                f"but {name} depends only on ({', '.join(unknowns[str(name)].variables)})",
                value_tree,
            )
        self.stated.exact[str(name)] = value

    # ------------------------------------------------------------ places
    def faces(self, where: Tree) -> tuple[Face, ...]:
        """The faces a condition's `on ...` names, in order, without repeats."""
        faces: list[Face] = []
        for place in where.children:
            if place.data == "boundary":
                if not self.scope.spatial:
                    raise self.error("'on boundary': the problem has no spatial variable", place)
                new = [Face(v.name, side) for v in self.scope.spatial
                       for side in ("lower", "upper")]
            else:
                new = [self.face(*place.children)]
            faces.extend(f for f in new if f not in faces)
        return tuple(faces)

    def face(self, name: Token, value_tree) -> Face:
        """`x = value`: the face of x at that end of its range."""
        if str(name) not in self.scope.variables:
            raise self.error(f"on {name} = ...: " + self.scope.not_a_variable(str(name)), name)
        variable = self.scope.variables[str(name)]
        value = self.expressions.value(
            self.expressions.constant(value_tree, f"the value of {name}"), value_tree)
        ends = {side: float(self.expressions.value(end))
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

    # ------------------------------------------------------------ settings
    def statement_solver(self, tree: Tree) -> None:
        name, options = tree.children
        self.once("solver", tree)
        if str(name) not in schema.SOLVERS:
            raise self.error(
                f"unknown solver '{name}' (known: {', '.join(schema.SOLVERS)})", name
            )
        self.stated.settings["solver"] = str(name)
        self.stated.settings["solver_options"] = self.options(
            options, schema.SOLVERS[str(name)], f"solver {name}"
        )

    def statement_model(self, tree: Tree) -> None:
        name, options = tree.children
        self.once("model", tree)
        if str(name) not in schema.MODELS:
            raise self.error(
                f"unknown model '{name}' (known: {', '.join(schema.MODELS)})", name
            )
        self.stated.settings["model"] = self.options(
            options, schema.MODELS[str(name)], f"model {name}"
        )

    def statement_sample(self, tree: Tree) -> None:
        self.once("sample", tree)
        self.stated.settings["sample"] = self.options(tree.children[0], schema.SAMPLE, "sample")

    def statement_seed(self, tree: Tree) -> None:
        self.once("seed", tree)
        (value_tree,) = tree.children
        value = self.setting_value(value_tree)
        try:
            self.stated.settings["seed"] = schema.SEED.validate(value)
        except ValueError as error:
            raise self.error(f"seed {error}", value_tree) from None

    def once(self, kind: str, tree: Tree) -> None:
        if kind in self.stated.settings_at:
            raise self.error(
                f"a second '{kind}' statement (the first is on line {self.stated.settings_at[kind]})",
                tree,
            )
        self.stated.settings_at[kind] = tree.meta.line

    def options(self, tree: Tree | None, allowed, what: str) -> dict[str, object]:
        """`name = value, ...` checked against the settings schema `allowed`."""
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
        if tree.data == "name" and (word or str(tree.children[0]) not in self.scope.constants):
            return str(tree.children[0])
        value = self.expressions.value(self.expressions.constant(tree, "a setting"))
        if value.is_Integer:
            return int(value)
        return float(value)

    # ------------------------------------------------------------ not yet
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


def _location(tree: Tree) -> Location:
    return Location(tree.meta.line, tree.meta.column)
