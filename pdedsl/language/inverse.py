"""The statements of an inverse problem: `fit NAME = guess`, `exact NAME = value` of a
fitted constant, and `data "file.csv"`, whose files are read once the whole file is
(their header may name unknowns declared after the statement)."""

from __future__ import annotations

import dataclasses

from lark import Token, Tree

from .data import Observations, read_observations, region_inside
from .errors import PdeError
from .expressions import ExpressionBuilder
from .problem import Fitted, Location


class Inverse:
    """Reads the fitted constants into the scope and remembers the data statements."""

    def __init__(self, expressions: ExpressionBuilder):
        self.expressions = expressions
        self.scope = expressions.scope
        self.paths: list[Token] = []  # each `data` statement's path, as written

    def error(self, message: str, node) -> PdeError:
        return self.expressions.error(message, node)

    def fit(self, tree: Tree, declare, declared_at: dict[str, int]) -> None:
        """`fit k = guess`: `declare(name)` reserves the name (or says why it cannot)."""
        name, value_tree = tree.children
        if str(name) in self.scope.constants:
            raise self.error(
                f"'{name}' is already a constant (line {declared_at[str(name)]}): "
                "a name is either given (const) or fitted (fit), not both", name)
        declare(name)
        guess = self.expressions.constant(value_tree, f"the first guess of {name}")
        self.scope.fitted[str(name)] = Fitted(str(name), guess, Location(name.line, name.column))

    def exact(self, name: Token, value_tree) -> None:
        """`exact k = 1/4` for a fitted constant: its true value, a constant expression."""
        fitted = self.scope.fitted[str(name)]
        if fitted.exact is not None:
            raise self.error(f"a second exact value for '{name}'", name)
        value = self.expressions.constant(value_tree, f"the exact value of {name}")
        self.scope.fitted[str(name)] = dataclasses.replace(fitted, exact=value)

    def data(self, tree: Tree) -> None:
        (path,) = tree.children
        if not str(path)[1:-1].strip():
            raise self.error("empty data path: write the CSV file's name, "
                             'e.g. data "measurements.csv"', path)
        self.paths.append(path)

    def observations(self, filename: str, region=None) -> tuple[Observations, ...]:
        """Every data file, read now (paths relative to `filename`'s folder): errors
        inside one point into it, a missing file at its statement; a point outside the
        region too (within the ranges, it may miss a disk)."""
        scope = self.scope
        inside = region_inside(list(scope.variables), region)
        values = scope.constant_values()
        bounds = [(float(v.lower.subs(values)), float(v.upper.subs(values)))
                  for v in scope.variables.values()]
        return tuple(
            read_observations(str(path)[1:-1], list(scope.variables),
                              {u.name: u.variables for u in scope.unknowns.values()},
                              pde_file=filename, bounds=bounds, inside=inside,
                              location=Location(path.line, path.column),
                              statement_error=lambda message, p=path: self.error(message, p))
            for path in self.paths)

    def check_used(self, statements) -> None:
        """A fitted constant no equation or condition mentions could take any value."""
        used = {str(s) for statement in statements for s in statement.eq.free_symbols}
        for fitted in self.scope.fitted.values():
            if fitted.name not in used:
                raise PdeError(
                    f"the fitted constant '{fitted.name}' appears in no equation or "
                    "condition, so nothing can determine it",
                    filename=self.expressions.filename, text=self.expressions.text,
                    line=fitted.location.line, column=fitted.location.column)
