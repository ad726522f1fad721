"""One expression in the language, read against an existing Problem's names.

`Solution.resolve("x*sin(pi*y)")` takes a new source term as text: it is parsed by
the same grammar and built by the same code as a file's expressions (never by
`sympify`), with the problem's variables and constants in scope.
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
    if "\n" in text or "\r" in text:
        raise PdeError(f"{what} must be one line", filename=filename)
    try:
        return _parse(text, problem, what, filename)
    except PdeError as error:  # show the text as given, without the suffix
        if error.line is None:
            raise
        message, column = error.message, error.column or 1
        if column > len(text):
            message, column = "unexpected end of the expression", len(text) + 1
        raise PdeError(message, filename=filename, text=text, line=1, column=column) from None


def _parse(text: str, problem: Problem, what: str, filename: str) -> sympy.Expr:
    statement_text = text + SUFFIX
    tree = parse_tree(statement_text, filename)
    statements = tree.children
    if len(statements) != 1 or statements[0].data != "equation":
        raise PdeError(f"{what} must be one expression, such as x*sin(pi*y)",
                       filename=filename, text=text, line=1, column=1)
    builder = ExpressionBuilder(Scope.of(problem), statement_text, filename)
    value = builder.expression(statements[0].children[0], Context("source", what))
    return value
