"""Parse tree -> `Problem`: gives each statement its meaning, in file order.

Names are declared as statements are met, so a name must be declared before it is
used; expressions are built by an `ExpressionBuilder` over the names declared so
far. Every semantic error is a PdeError pinned to the token that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from lark import Token, Tree

from . import calls, magnitude
from . import settings as schema
from .expressions import ExpressionBuilder
from .inverse import Inverse
from .places import Places, WrittenFace
from .regions import Regions
from .problem import (Condition, Constant, Equation, Location, Mean, MeanCondition,
                      NormalDerivative, PointCondition, Problem, Settings, Source, Unknown,
                      Variable, unknowns_in)
from .scope import Context, Scope
from .vocabulary import CONSTANTS, builtin_kind, did_you_mean


def build(tree: Tree, text: str, filename: str = "<input>", *, read_data: bool = True) -> Problem:
    """The Problem a parse tree states; raises PdeError at the first mistake.

    `read_data=False` leaves the files of `data` statements unread (no observations):
    for a problem whose observations come from elsewhere (a saved run).
    """
    return StatementBuilder(text, filename, read_data=read_data).build(tree)


@dataclass
class _Statements:
    """What the statements read so far say, besides the names in scope."""

    declared_at: dict[str, int] = field(default_factory=dict)  # name -> line
    equations: list[Equation] = field(default_factory=list)
    # a condition's faces are settled once every `periodic` statement is read; on a
    # region, its selectors of the boundary (None on a box)
    conditions: list[tuple[sympy.Eq, list[WrittenFace], Tree, Location, tuple | None]] = field(
        default_factory=list)
    point_conditions: list[PointCondition] = field(default_factory=list)
    mean_conditions: list[MeanCondition] = field(default_factory=list)
    exact: dict[str, sympy.Expr] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    settings_at: dict[str, int] = field(default_factory=dict)  # statement -> line


class StatementBuilder:
    """Reads the statements of one file in order; `build` returns its Problem."""

    def __init__(self, text: str, filename: str = "<input>", *, read_data: bool = True):
        self.text = text
        self.filename = filename
        self.read_data = read_data
        self.scope = Scope()
        self.expressions = ExpressionBuilder(self.scope, text, filename)
        self.places = Places(self.expressions)
        self.inverse = Inverse(self.expressions)
        self.regions = Regions(self.expressions, self.places, self.declare)
        self.stated = _Statements()

    def error(self, message: str, node):
        return self.expressions.error(message, node)

    def build(self, tree: Tree) -> Problem:
        for statement in tree.children:
            getattr(self, "statement_" + statement.data)(statement)
        stated, scope = self.stated, self.scope
        conditions = tuple(
            Condition(eq, self.places.settle(written, where), self.written(where), location)
            if selectors is None else
            Condition(eq, tuple(w.face for w in written), self.written(where), location, selectors)
            for eq, written, where, location, selectors in stated.conditions
        )
        self.inverse.check_used([*stated.equations, *conditions, *stated.point_conditions,
                                 *stated.mean_conditions])
        observations = self.inverse.observations(self.filename, self.regions.region) if self.read_data else ()
        return Problem(
            variables=tuple(scope.variables.values()),
            unknowns=tuple(scope.unknowns.values()),
            equations=tuple(stated.equations),
            conditions=conditions,
            constants=tuple(scope.constants.values()),
            exact=dict(stated.exact),
            settings=Settings(**stated.settings),
            source=Source(self.filename, self.text),
            periodic=tuple(self.places.periodic),
            point_conditions=tuple(stated.point_conditions),
            mean_conditions=tuple(stated.mean_conditions),
            fitted=tuple(scope.fitted.values()),
            observations=observations,
            region=self.regions.region,
        )

    def written(self, tree: Tree) -> str:
        """A part of a statement as written, spaces normalised (`x = 0, x = 1`)."""
        return " ".join(self.text[tree.meta.start_pos : tree.meta.end_pos].split())

    # ------------------------------------------------------------ declarations
    def statement_variable(self, tree: Tree, is_time: bool = False) -> None:
        name, range_ = tree.children
        if self.regions.region is not None and not is_time:
            if str(name) in self.regions.region.variables:
                self.declare(name)  # 'x' is already declared (by the region statement)
            raise self.error(
                f"a spatial variable after the region statement (line {self.regions.line}): "
                f"with a region, every spatial variable is listed in "
                f"'({', '.join((*self.regions.region.variables, str(name)))}) in ...'", name)
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
            raise self.error(f"empty range {self.written(range_)} for {name}: the lower end "
                             "must be less than the upper end", range_)
        low, high = (float(self.expressions.value(end)) for end in (lower, upper))
        if (problem := magnitude.range_error(str(name), low, high)) is not None:
            raise self.error(problem, range_)
        self.scope.variables[str(name)] = Variable(str(name), lower, upper, is_time)

    def statement_time_variable(self, tree: Tree) -> None:
        self.statement_variable(tree, is_time=True)

    def statement_constant(self, tree: Tree) -> None:
        name, value_tree = tree.children
        self.declare(name)
        value = self.expressions.constant(value_tree, f"the value of {name}")
        self.scope.constants[str(name)] = Constant(str(name), value)

    def statement_unknown(self, tree: Tree) -> None:
        name, variables_tree = tree.children
        if variables_tree is None:
            spatial = ", ".join(self.scope.variables) or "x"
            raise self.error(
                f"an unknown needs its variables: unknown {name}({spatial}); for an unknown "
                f"constant, write 'fit {name} = 1' (with a first guess)", name)
        variables = variables_tree.children
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
        self.refuse_value_at(lhs, rhs)
        eq = self.expressions.equation(lhs, rhs, Context("equation", "an equation"))
        if eq.has(Mean):
            self.between_means(eq, tree)
            self.stated.mean_conditions.append(MeanCondition(eq, _location(tree)))
        else:
            self.stated.equations.append(Equation(eq, _location(tree)))

    def refuse_value_at(self, lhs, rhs) -> None:
        """`u(0) = 1` or `u_x(0) = 1` (how other tools write a condition): say how to
        write it here, with the value as written."""
        if lhs.data != "call":
            return
        name, args_tree = lhs.children
        args = list(args_tree.children) if args_tree is not None else []
        shorthand = self.scope.shorthand(str(name))
        unknown = shorthand[0] if shorthand else str(name)
        if unknown not in self.scope.unknowns or all(a.data == "name" for a in args):
            return
        if len(args) != len(self.scope.unknowns[unknown].variables):
            return
        hint = calls.condition_hint(self.expressions, str(name), args, self.written(rhs))
        raise self.error(f"'{self.written(lhs)}': {hint}", name)

    def between_means(self, eq: sympy.Eq, tree: Tree) -> None:
        """An equation with mean(...) holds once, for the whole domain: outside the
        means it may mention neither unknowns nor variables."""
        means = eq.atoms(Mean)
        outside = (eq.lhs - eq.rhs).xreplace({m: sympy.Dummy() for m in means})
        mean_call = next(tree.find_pred(
            lambda t: t.data == "call" and str(t.children[0]) == "mean"))
        unknowns = sorted(unknowns_in(outside))
        if unknowns:
            raise self.error(
                f"mean(...) beside {', '.join(unknowns)} outside it: an equation holds either "
                "at every point (without mean) or between averages (every unknown inside "
                "mean(...), as in mean(u) = 0)",
                mean_call,
            )
        variables = sorted(str(s) for s in outside.free_symbols if str(s) in self.scope.variables)
        if variables:
            raise self.error(
                "an equation between averages holds once for the whole domain: outside "
                f"mean(...) it cannot depend on {', '.join(variables)}",
                tree,
            )

    def statement_condition(self, tree: Tree) -> None:
        lhs, rhs, where = tree.children
        eq = self.expressions.equation(lhs, rhs, Context("condition", "a condition"))
        selectors = None
        if self.regions.region is not None:
            faces, selectors = self.regions.places_of(where)
            written = [WrittenFace(face, where, False) for face in faces]
            selectors = tuple(selectors)
        else:
            written = self.places.faces(where)
        if eq.has(NormalDerivative):
            self.places.refuse_normal_in_time(written)
        self.stated.conditions.append((eq, written, where, _location(tree), selectors))

    def statement_point_condition(self, tree: Tree) -> None:
        lhs, rhs, point = tree.children
        eq = self.expressions.equation(lhs, rhs, Context("point", "a point condition"))
        values = self.places.point(point)
        region = self.regions.region
        if region is not None:
            numbers = {v: float(self.expressions.value(e)) for v, e in values.items()}
            if (missed := self.regions.misses(numbers, self.written(point))) is not None:
                raise self.error(missed, point)
        self.stated.point_conditions.append(
            PointCondition(eq, values, self.written(point), _location(tree)))

    def statement_periodic(self, tree: Tree) -> None:
        region = self.regions.region
        for name in tree.children:
            if region is not None and str(name) in region.variables:
                raise self.error(f"{name} is a variable of the region (line {self.regions.line}): "
                                 "a region's variables cannot be periodic", name)
        self.places.declare_periodic(tree)
        for _, written, _, _, _ in self.stated.conditions:  # conditions written before
            for w in written:
                if not w.from_boundary:
                    self.places.refuse_periodic(w.face, w.node)

    def statement_exact(self, tree: Tree) -> None:
        name, value_tree = tree.children
        unknowns = self.scope.unknowns
        if str(name) in self.scope.fitted:
            self.inverse.exact(name, value_tree)
            return
        if str(name) not in unknowns:
            if str(name) in self.scope.constants:
                raise self.error(f"exact: '{name}' is a constant, whose value is known; exact "
                                 "values are for unknowns and fitted constants", name)
            if str(name) in self.stated.declared_at:
                raise self.error(f"exact: '{name}' is not an unknown", name)
            kind = builtin_kind(str(name))
            raise self.error(f"exact: '{name}' is a {kind}, not an unknown" if kind
                             else f"exact: undeclared unknown '{name}'", name)
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

    # ------------------------------------------------------------ inverse problems
    def statement_fit(self, tree: Tree) -> None:
        self.inverse.fit(tree, self.declare, self.stated.declared_at)

    def statement_data(self, tree: Tree) -> None:
        self.inverse.data(tree)

    # ------------------------------------------------------------ settings
    def statement_solver(self, tree: Tree) -> None:
        name, options = tree.children
        self.once("solver", tree)
        if str(name) not in schema.SOLVERS:
            raise self.error(f"unknown solver '{name}' (known: {', '.join(schema.SOLVERS)})"
                             + did_you_mean(str(name), schema.SOLVERS), name)
        self.stated.settings["solver"] = str(name)
        self.stated.settings["solver_options"] = self.options(
            options, schema.SOLVERS[str(name)], f"solver {name}"
        )

    def statement_model(self, tree: Tree) -> None:
        name, options = tree.children
        self.once("model", tree)
        if str(name) not in schema.MODELS:
            raise self.error(f"unknown model '{name}' (known: {', '.join(schema.MODELS)})"
                             + did_you_mean(str(name), schema.MODELS), name)
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
        """A bare name is a word (`activation = tanh`) unless it is a constant (`pi`
        too), and always for a setting that takes words (`method = grid` beside `const
        grid`); anything else is a constant expression, given as int or float."""
        word, name = option is not None and option.kind is str, str(tree.children[0])
        if tree.data == "name" and not word and name in self.scope.fitted:
            raise self.error(f"'{name}' is a fitted constant, known only once "
                             "training ends: it cannot be a setting", tree)
        if tree.data == "name" and (word or name not in {*self.scope.constants, *CONSTANTS}):
            return str(tree.children[0])
        value = self.expressions.value(self.expressions.constant(tree, "a setting"))
        if value.is_Integer:
            return int(value)
        return float(value)

    # ------------------------------------------------------------ regions
    def statement_region(self, tree: Tree) -> None:
        written = len(self.stated.conditions) + len(self.stated.point_conditions)
        self.regions.statement(tree, written)

    def statement_named_region(self, tree: Tree) -> None:
        self.regions.named(tree)

    # ------------------------------------------------------------ not yet



def _location(tree: Tree) -> Location:
    return Location(tree.meta.line, tree.meta.column)
