"""A Problem as readable mathematics: Unicode (SymPy's pretty printer) or LaTeX.

What `pdedsl check` prints, so a user can see that the file says what they meant.
"""

from __future__ import annotations

import dataclasses
import os

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm
from sympy.printing.str import StrPrinter

from .problem import Problem


def show(problem: Problem, *, latex: bool = False, unicode: bool = True) -> str:
    """The whole problem, one section per kind of statement."""
    math = _latex if latex else (lambda e, tail="": _pretty(e, tail, unicode))
    inside = "∈" if unicode and not latex else "in"
    name = problem.source.name if problem.source else "<input>"
    lines = [f"{name}: ok"]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append(title)
            lines.extend(_indent(item) for item in items)

    region = problem.region
    section("variables", [
        f"{v.name} {inside} [{_source(v.lower)}, {_source(v.upper)}]"
        + ("   (time)" if v.is_time else "")
        + ("   (the region's bounding box)" if region and v.name in region.declared else "")
        for v in problem.variables
    ])
    section("region", _region(problem, inside))
    section("constants", [math(sympy.Eq(c.symbol, _number(c.value), evaluate=False))
                          for c in problem.constants])
    section("periodic", [", ".join(problem.periodic)] if problem.periodic else [])
    section("unknowns", [f"{u.name}({', '.join(u.variables)})" for u in problem.unknowns])
    section("fitted constants", [_fitted(f) for f in problem.fitted])
    section("equations (interior)", [math(e.eq) for e in problem.equations])
    section("equations (averages over the domain)", [math(m.eq) for m in problem.mean_conditions])
    section("conditions", [math(c.eq, f"   on {c.where}") for c in problem.conditions]
            + [math(c.eq, f"   at {c.where}") for c in problem.point_conditions])
    section("exact solution", [
        math(sympy.Eq(problem.unknown(n).applied, value, evaluate=False))
        for n, value in problem.exact.items()
    ])
    section("data", [_observations(o) for o in problem.observations])
    section("settings", _settings(problem))
    return "\n".join(lines)


def _number(value: sympy.Expr) -> sympy.Expr:
    return sympy.Float(value, 15) if too_long(value) else value


def too_long(value) -> bool:
    """Whether a value is a number of more than 15 digits (`--set L=1e300` is the
    integer 10^300), shown as a float of 15 digits instead."""
    return isinstance(value, sympy.Rational) and max(len(str(abs(value.p))),
                                                     len(str(value.q))) > 15


class _SourcePrinter(StrPrinter):
    """One line in the language's own spelling: Euler's number is `e` (SymPy's `E`
    would read as a user's constant named E), `abs`, `^`."""

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_Abs(self, expr) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr) -> str:
        return f"heaviside({self._print(expr.args[0])})"

    def _print_sign(self, expr) -> str:
        return f"sign({self._print(expr.args[0])})"

    def _print_Min(self, expr) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Max(self, expr) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Pow(self, expr, rational=False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")


def _source(expr: sympy.Basic) -> str:
    return _SourcePrinter().doprint(expr)


def _pretty(expr: sympy.Basic, tail: str, unicode: bool) -> str:
    printer = PrettyPrinter({"use_unicode": unicode, "wrap_line": False})
    form = printer._print(expr)
    if tail:
        form = prettyForm(*form.right(tail))
    return form.render(wrap_line=False)


def _latex(expr: sympy.Basic, tail: str = "") -> str:
    text = sympy.latex(expr)
    if tail:
        text += r" \quad \text{" + tail.strip() + "}"
    return text


def _fitted(fitted) -> str:
    """`k = 1 (first guess); exact 1/4`."""
    text = f"{fitted.name} = {_source(fitted.guess)}   (first guess)"
    if fitted.exact is not None:
        text += f"; exact {_source(fitted.exact)}"
    return text


def _observations(observations) -> str:
    """`data/heat.csv: 50 observations of u at (t, x)`."""
    count = observations.count
    path = os.path.relpath(observations.path) if os.path.isabs(observations.path) else \
        observations.path
    if path.startswith(".."):
        path = observations.path
    return (f"{path}: {count} observation{'s' if count != 1 else ''} of "
            f"{', '.join(observations.unknowns)} at ({', '.join(observations.measured)})")


def _region(problem: Problem, inside: str) -> list[str]:
    """The named shapes the region uses, then the region itself."""
    region = problem.region
    if region is None:
        return []
    named = []

    def collect(spec) -> None:
        for part in spec.args if spec.kind in ("minus", "union", "intersect") else ():
            collect(part)
        if spec.name and spec.name not in [n for n, _ in named]:
            named.append((spec.name, str(dataclasses.replace(spec, name=None))))

    collect(region.spec)
    shape = region.spec.name or str(region.spec)
    return [f"{name} = {text}" for name, text in named] + [
        f"({', '.join(region.variables)}) {inside} {shape}"]


def _settings(problem: Problem) -> list[str]:
    s = problem.settings

    def options(values) -> str:
        return ", ".join(f"{k} = {v}" for k, v in values.items())

    items = []
    if s.solver:
        items.append(f"solver {s.solver}({options(s.solver_options)})")
    if s.model:
        items.append(f"model mlp({options(s.model)})")
    if s.sample:
        items.append(f"sample {options(s.sample)}")
    if s.seed is not None:
        items.append(f"seed {s.seed}")
    return items


def _indent(block: str) -> str:
    return "\n".join(("  " + line).rstrip() for line in block.splitlines())


def settings_table() -> str:
    """The Markdown table of every setting in `settings.py` (for docs/language.md)."""
    from . import settings as schema

    rows = ["| statement | setting | allowed values | meaning |", "|---|---|---|---|"]

    def row(statement: str, name: str, option) -> str:
        return f"| {statement} | `{name}` | {_allowed(option)} | {option.help} |"

    names: dict[str, list[str]] = {}
    for solver, options in schema.SOLVERS.items():
        for name in options:
            names.setdefault(name, []).append(solver)
    for name, solvers in names.items():
        option = schema.SOLVERS[solvers[0]][name]
        rows.append(row(f"`solver` ({', '.join(solvers)})", name, option))
    for model, options in schema.MODELS.items():
        rows.extend(row(f"`model {model}(...)`", n, o) for n, o in options.items())
    rows.extend(row("`sample`", n, o) for n, o in schema.SAMPLE.items())
    rows.append(f"| `seed N` | | {_allowed(schema.SEED)} | {schema.SEED.help} |")
    return "\n".join(rows)


def _allowed(option) -> str:
    if option.kind is str:
        return " \\| ".join(f"`{c}`" for c in option.choices or ())
    bounds = []
    if option.minimum is not None:
        bounds.append(f"≥ {option.minimum:g}")
    if option.above is not None:
        bounds.append(f"> {option.above:g}")
    if option.below is not None:
        bounds.append(f"< {option.below:g}")
    kind = "whole number" if option.kind is int else "number"
    return " ".join([kind, ", ".join(bounds)]).strip()


def defaults_table(options, absent: str = "none") -> str:
    """The Markdown table of one table of settings (`settings.SOLVERS["anagram"]`, ...):
    name, default, allowed values, meaning; `absent` stands for a setting with no default
    (docs/solvers.md shows these tables, and a test keeps them equal to this)."""
    rows = ["| setting | default | allowed values | meaning |", "|---|---|---|---|"]
    for name, option in options.items():
        default = absent if option.default is None else _default(option.default)
        rows.append(f"| `{name}` | {default} | {_allowed(option)} | {option.help} |")
    return "\n".join(rows)


def _default(value) -> str:
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, float):
        if value == float("inf"):
            return "∞"
        return f"{value:g}".replace("e-0", "e-").replace("e+0", "e")
    return str(value)
