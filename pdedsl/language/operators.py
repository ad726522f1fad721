"""The unevaluated operators of the language: `dn(e)` and `mean(e)`.

Both stay SymPy function nodes in the Problem: what they mean depends on where they
are used (the face or boundary piece for `dn`, the domain's quadrature for `mean`), so
later stages expand them (`Condition.on_face`, `Condition.on_region`, compile.lower_mean).
"""

from __future__ import annotations

import sympy


class NormalDerivative(sympy.Function):
    """`dn(expr)`: derivative along the outward unit normal of the face it is used on.

    It stays unevaluated in the Problem, because one condition may hold on several
    faces with different normals; `Condition.on_face` expands it per face.
    """

    nargs = 1

    def _latex(self, printer):
        return r"\partial_n " + printer._print(self.args[0])

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        arg = printer._print(self.args[0])
        return prettyForm(*arg.left("∂ₙ"))

    def _sympystr(self, printer):
        return "dn(%s)" % printer._print(self.args[0])


class Mean(sympy.Function):
    """`mean(expr)`: the average of expr over the whole domain, every variable of the
    problem included (time too). It stays unevaluated: a number only once the unknowns
    inside are known, computed by the domain's quadrature.
    """

    nargs = 1

    @classmethod
    def eval(cls, arg):
        """SymPy's evaluation hook of the node (not Python's eval: it sees a SymPy
        expression, never text). The mean of a number is that number (`mean(1)`, or
        `mean(k)` once k's value is put in): left unevaluated, it would be a 'number' no
        double holds."""
        if arg.is_number:
            return arg
        return None

    def _latex(self, printer):
        return r"\operatorname{mean}\left(" + printer._print(self.args[0]) + r"\right)"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        arg = printer._print(self.args[0])
        return prettyForm(*prettyForm(*arg.parens()).left("mean"))

    def _sympystr(self, printer):
        return "mean(%s)" % printer._print(self.args[0])


def normal_symbol(variable: str) -> sympy.Symbol:
    """The component of the outward normal along `variable` at a boundary point (a
    name no user can write: names start with a letter)."""
    return sympy.Symbol(f"_n_{variable}")


def normal_derivative_along(expr: sympy.Expr, variables: tuple[str, ...]) -> sympy.Expr:
    """`expr` on a region's boundary: each `dn(e)` replaced by Σ_k n_k ∂e/∂x_k, the
    normal's components n_k being the symbols `normal_symbol(x_k)`."""
    return expr.replace(
        lambda e: isinstance(e, NormalDerivative),
        lambda e: sympy.Add(*(normal_symbol(v) * sympy.diff(e.args[0], sympy.Symbol(v))
                              for v in variables)),
    )
