"""Properties of the front end: printed expressions parse back; no input crashes it;
user text is never executed."""

import ast
import builtins
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdedsl.language import PdeError, Problem, parse, parse_file
from pdedsl.language.magnitude import LOG_FLOAT_MAX, log_size

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = "x in [0, 1]\ny in [0, 1]\nconst kappa = 1/4\nunknown u(x, y)\n"
NAMES = {"x": sympy.Symbol("x"), "y": sympy.Symbol("y"), "kappa": sympy.Symbol("kappa"),
         "pi": sympy.pi, "e": sympy.E}
NUMBERS = ["0", "1", "2", "3", "7", "10", "0.25", ".5", "1e-3", "2.5E2", "1.5"]
FUNCTIONS = {"sin": sympy.sin, "cos": sympy.cos, "exp": sympy.exp, "tanh": sympy.tanh,
             "atan": sympy.atan, "sinh": sympy.sinh}
POSITIVE = {"sqrt": sympy.sqrt, "log": sympy.log, "abs": sympy.Abs}

# An expression is a small tree of tuples: ("num", text), ("name", n), ("neg", a),
# ("call", f, a), (op, a, b) for op in + - * / ^.
leaf = st.one_of(
    st.sampled_from(NUMBERS).map(lambda t: ("num", t)),
    st.sampled_from(sorted(NAMES)).map(lambda n: ("name", n)),
)
nonzero = st.one_of(
    st.sampled_from(["2", "0.25", "3"]).map(lambda t: ("num", t)),
    st.sampled_from(["x", "y", "kappa", "pi"]).map(lambda n: ("name", n)),
)
exponent = st.one_of(
    st.sampled_from(["0", "1", "2", "3"]).map(lambda t: ("num", t)),
    st.sampled_from(["x", "y"]).map(lambda n: ("name", n)),
)


def _powers(node) -> int:
    """How many powers are nested in a node: a tower of them (((a^3)^3)^3...) makes
    numbers with hundreds of thousands of digits, which SymPy takes minutes to build."""
    if node[0] in ("num", "name"):
        return 0
    inner = max(_powers(child) for child in node[1:] if isinstance(child, tuple))
    return inner + (node[0] == "^")


def _extend(children):
    base = children.filter(lambda node: _powers(node) < 2)
    return st.one_of(
        st.tuples(st.sampled_from("+-*"), children, children),
        st.tuples(st.just("/"), children, nonzero),
        st.tuples(st.just("^"), base, st.one_of(exponent, st.tuples(st.just("neg"), exponent))),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("call"), st.sampled_from(sorted(FUNCTIONS)), children),
        st.tuples(st.just("call"), st.sampled_from(sorted(POSITIVE)),
                  st.sampled_from(["x", "y"]).map(lambda n: ("name", n))),
    )


expressions = st.recursive(leaf, _extend, max_leaves=12)

# Precedence: + - 1, * / 2, unary minus 3, ^ 4, atoms 5.
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}


def show(node, power="^") -> tuple[str, int]:
    """The node as `.pde` text with as few parentheses as the grammar allows."""
    kind = node[0]
    if kind == "num" or kind == "name":
        return node[1], 5
    if kind == "call":
        return f"{node[1]}({show(node[2], power)[0]})", 5
    if kind == "neg":
        return "-" + _wrap(node[1], 3, power), 3
    left, right = node[1], node[2]
    if kind in "+-":
        return f"{_wrap(left, 1, power)} {kind} {_wrap(right, 2, power)}", 1
    if kind in "*/":
        return f"{_wrap(left, 2, power)}{kind}{_wrap(right, 3, power)}", 2
    return f"{_wrap(left, 5, power)}{power}{_wrap(right, 3, power)}", 4


def _wrap(node, needed: int, power: str) -> str:
    text, prec = show(node, power)
    return text if prec >= needed else f"({text})"


def value(node) -> sympy.Expr:
    """The SymPy expression a user means by the node, built by hand."""
    kind = node[0]
    if kind == "num":
        return sympy.Rational(node[1])
    if kind == "name":
        return NAMES[node[1]]
    if kind == "neg":
        return -value(node[1])
    if kind == "call":
        return {**FUNCTIONS, **POSITIVE}[node[1]](value(node[2]))
    a, b = value(node[1]), value(node[2])
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "^": a**b}[kind]


def parts(node):
    """A generated expression and every expression inside it."""
    yield node
    for child in node[1:]:
        if isinstance(child, tuple):
            yield from parts(child)


def no_double(v: sympy.Expr) -> bool:
    """No number a double holds: 0^-1 (zoo), atan of it (AccumBounds), exp(exp(7))."""
    return v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.AccumBounds) or any(
        log_size(a) > LOG_FLOAT_MAX for a in sympy.preorder_traversal(v) if a.is_number)


@FAST
@given(expressions, st.sampled_from(["^", "**"]))
def test_printed_expressions_parse_back(node, power):
    text, _ = show(node, power)
    expected = value(node)
    if any(no_double(value(part)) for part in parts(node)):
        return  # refused by the language, as tests/test_errors.py checks
    parsed = parse(HEADER + f"u = {text}\n").equations[0].eq.rhs
    assert parsed == expected or sympy.simplify(parsed - expected) == 0, text


TOKENS = [
    "x", "y", "t", "u", "v", "in", "time", "const", "unknown", "on", "boundary", "exact",
    "solver", "model", "sample", "seed", "fit", "data", "periodic", "anagram", "mlp",
    "steps", "width", "activation", "tanh", "grid", "method", "[", "]", "(", ")", ",",
    "=", "+", "-", "*", "/", "^", "**", "0", "1", "2", ".5", "1e-3", "1e400", "pi", "e",
    "sin", "diff", "laplacian", "dn", "grad", "u_x", "u_xx", "u_t", "kappa", "#", "\n",
    "\n", "\n", " ", '"f.csv"', "$", "_", "__import__", "'", "é", "\t", "\r\n", "9^9^9",
    "at", "mean", "min", "max", "heaviside", "sign", "atan2", "region", "minus", "disk", "inn",
]
PREFIXES = ["", "x in [0, 1]\nunknown u(x)\n",
            "time t in [0, 1]\nx in [0, 2]\nconst kappa = 1\nunknown u(t, x)\n"]


@FAST
@given(st.sampled_from(PREFIXES), st.lists(st.sampled_from(TOKENS), max_size=30))
def test_token_soup_raises_only_pde_errors(prefix, tokens):
    _parse_or_pde_error(prefix + " ".join(tokens))


@FAST
@given(st.sampled_from(PREFIXES), st.text(max_size=80))
def test_random_text_raises_only_pde_errors(prefix, text):
    _parse_or_pde_error(prefix + text)


def _parse_or_pde_error(text):
    try:
        result = parse(text)
    except PdeError as error:
        assert str(error)  # the message can always be shown
        return
    assert isinstance(result, Problem)


def test_deep_and_huge_input_end_in_pde_errors():
    for text in [
        HEADER + "u = " + "(" * 5000 + "1" + ")" * 5000,
        HEADER + "u = " + "-" * 5000 + "1",
        HEADER + "u = " + "sin(" * 300 + "x" + ")" * 300,
        HEADER + "u = " + "2^" * 5000 + "2",
        HEADER + "u = " + "9" * 5000,
        HEADER + "u = 10^1000*10^1000*10^1000*10^1000*10^1000*10^1000*10^1000*10^1000",
        HEADER + "u = diff(u, x, 99999)",
        "x" * 2_000_000,
    ]:
        _parse_or_pde_error(text)


INJECTIONS = [
    "__import__('os').system('touch {sentinel}')",
    "exec(\"open('{sentinel}', 'w')\")",
    "eval(\"open('{sentinel}', 'w')\")",
    "x.__class__.__bases__[0].__subclasses__()",
    "open('{sentinel}', 'w')",
    "Symbol('{sentinel}')",
    "lambda: 0",
    "sympify('x')",
]


def test_injection_is_rejected_and_nothing_runs(tmp_path, monkeypatch):
    sentinel = tmp_path / "pwned"
    calls = []
    for name in ("eval", "exec"):
        original = getattr(builtins, name)

        def spy(*args, _original=original, **kwargs):
            calls.append(args)
            return _original(*args, **kwargs)

        monkeypatch.setattr(builtins, name, spy)

    def refuse(*args, **kwargs):
        raise AssertionError("parse_expr called on user text")

    monkeypatch.setattr("sympy.parsing.sympy_parser.parse_expr", refuse)
    for template in INJECTIONS:
        attack = template.format(sentinel=sentinel)
        for text in (HEADER + f"u = {attack}\n", HEADER + f"{attack} = u\n",
                     f"const c = {attack}\n", attack + "\n"):
            try:
                parse(text)
            except PdeError:
                pass
            else:
                raise AssertionError(f"accepted: {text!r}")
    assert not sentinel.exists()
    assert not any(str(sentinel) in repr(call) for call in calls)


def test_front_end_source_never_evaluates_text():
    """No call or import of eval, exec, sympify, parse_expr, lambdify, S in the front end."""
    forbidden = {"eval", "exec", "sympify", "parse_expr", "lambdify", "S"}
    source = Path(__file__).resolve().parent.parent / "pdedsl" / "language"
    for path in source.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                assert name not in forbidden, (path.name, node.lineno, name)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                assert not {a.name.split(".")[-1] for a in node.names} & forbidden, path.name


VALID = "x in [0, 1]\nunknown u(x)\nu_xx = 0\n"


def test_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "bom.pde"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert parse_file(path).variables == parse(VALID).variables
    assert parse("\ufeff" + VALID).variables[0].name == "x"


def test_face_of_a_tiny_range_is_the_nearest_end():
    text = "x in [0, 1e-13]\nunknown u(x)\nu_xx = 0\nu = 1 on x = 1e-13\nu = 0 on x = 0\n"
    upper, lower = (c.faces[0].side for c in parse(text).conditions)
    assert (upper, lower) == ("upper", "lower")
    with pytest.raises(PdeError, match="not an end"):
        parse(text.replace("on x = 1e-13", "on x = 5e-14"))


def test_word_setting_beside_a_constant_of_that_name():
    problem = parse("const grid = 2\n" + VALID + "sample interior = grid, method = grid\n")
    assert problem.settings.sample == {"interior": 2, "method": "grid"}


def test_ranges_print_euler_as_e_not_as_a_name():
    from pdedsl.language.show import show

    text = "const E = 3\nx in [e, E + 2^(1/3)]\nunknown u(x)\nu_xx = 0\n"
    assert "  x \u2208 [e, E + 2^(1/3)]" in show(parse(text)).splitlines()
