"""One expression in the language, read against an existing Problem's names.

`Solution.resolve("x*sin(pi*y)")` takes a new source term as text: it is parsed by
the same grammar and built by the same code as a file's expressions (never by
`sympify`), with the problem's variables and constants in scope.
"""

from __future__ import annotations

import sympy
from sympy.core.function import AppliedUndef

from .build import _Builder, _Context
from .errors import PdeError
from .parser import parse_tree
from .problem import Problem

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
    builder = _Builder(statement_text, filename)
    state = builder.s
    for v in problem.variables:
        state.variables[v.name] = v
        state.declared_at[v.name] = 0
    for c in problem.constants:
        state.constants[c.name] = c
        state.declared_at[c.name] = 0
    for u in problem.unknowns:
        state.unknowns[u.name] = u
        state.declared_at[u.name] = 0
    node = statements[0].children[0]
    value = builder.finite(builder.expr(node, _Context("source", what)), node)
    if value.atoms(AppliedUndef, sympy.Derivative):
        names = sorted({str(f.func) for f in value.atoms(AppliedUndef)})
        raise PdeError(
            f"{what} must be a formula in the variables and constants, "
            f"not mention the unknown {', '.join(names)}",
            filename=filename, text=text, line=1, column=1,
        )
    return value
