"""One expression in the language given as text, read against a Problem's names.

`Solution.resolve("x*sin(pi*y)")` takes a new source term as text, `--set
kappa=pi/4` and `solve(steps="2*250")` a new value: each is parsed by the same
grammar and built by the same code as a file's expressions (never by `sympify`),
with the problem's variables and constants in scope.
"""

from __future__ import annotations

import sympy

from .errors import PdeError
from .expressions import ExpressionBuilder
from .parser import parse_tree
from .problem import Problem
from .scope import Context, Scope

SUFFIX = " = 0"  # the grammar reads statements: `EXPR = 0` is one equation


def parse_expression(text: str, problem: Problem, *, what: str = "a source",
                     filename: str = "<expression>") -> sympy.Expr:
    """The SymPy value of `text`, a formula in `problem`'s variables and constants.

    Errors are PdeErrors pointing into `text` (line 1, the column of the mistake).
    """
    return _parsed(text, problem, Context("source", what), filename)


def parse_value(text: str, problem: Problem, *, what: str = "a value",
                filename: str = "<value>") -> sympy.Expr:
    """The SymPy value of `text`, a constant expression in `problem`'s constants
    (`2*250`, `pi/4`, `kappa/2`), checked to be a finite real number. Constants stay
    symbols; `Problem.constant_values` gives theirs."""
    return _parsed(text, problem, Context("constant", what), filename)


def _parsed(text: str, problem: Problem, context: Context, filename: str) -> sympy.Expr:
    if "\n" in text or "\r" in text:
        raise PdeError(f"{context.what} must be one line", filename=filename)
    try:
        return _parse(text, problem, context, filename)
    except PdeError as error:  # show the text as given, without the suffix
        if error.line is None:
            raise
        message, column = error.message, error.column or 1
        if column > len(text):
            message, column = "unexpected end of the expression", len(text) + 1
        raise PdeError(message, filename=filename, text=text, line=1, column=column) from None


def _parse(text: str, problem: Problem, context: Context, filename: str) -> sympy.Expr:
    statement_text = text + SUFFIX
    tree = parse_tree(statement_text, filename)
    statements = tree.children
    if len(statements) != 1 or statements[0].data != "equation":
        example = "2*pi" if context.constant_only else "x*sin(pi*y)"
        raise PdeError(f"{context.what} must be one expression, such as {example}",
                       filename=filename, text=text, line=1, column=1)
    builder = ExpressionBuilder(Scope.of(problem), statement_text, filename)
    node = statements[0].children[0]
    if context.constant_only:
        return builder.constant(node, context.what)
    return builder.expression(node, context)
