"""docs/language.md stays true: every setting is listed, the examples are the files."""

from pathlib import Path

from pdedsl.language import settings as schema

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "language.md").read_text()


def test_every_setting_is_documented():
    table = DOC.split("<!-- settings table")[1].split("<!-- end of settings table")[0]
    names = {n for options in schema.SOLVERS.values() for n in options}
    names |= {n for options in schema.MODELS.values() for n in options} | set(schema.SAMPLE)
    missing = sorted(n for n in names if f"| `{n}` |" not in table)
    assert not missing, f"add to docs/language.md (pdedsl.language.show.settings_table()): {missing}"
    for choice in [c for options in schema.MODELS.values() for o in options.values()
                   for c in o.choices or ()]:
        assert f"`{choice}`" in table


def test_the_settings_table_is_the_generated_one():
    from pdedsl.language.show import settings_table

    table = DOC.split("settings_table() -->\n")[1].split("\n<!-- end of settings table")[0]
    assert table.strip() == settings_table(), (
        "docs/language.md's settings table is stale: paste pdedsl.language.show.settings_table()")


def test_examples_in_the_reference_are_the_files():
    for name in ("laplace.pde", "heat.pde"):
        assert (ROOT / "examples" / name).read_text() in DOC


# Each documented message, with a file that earns it: the page says what the code says.
S = "x in [0, 1]\ny in [0, 1]\nunknown u(x, y)\n"
X = "x in [0, 1]\nunknown u(x)\n"
N = S + "-laplacian(u) = 2*pi^2*cos(pi*x)*cos(pi*y)\ndn(u) = 0 on boundary\n"
ERRORS = [
    ("x in [0 1]\n", "unexpected '1', expected ','"),
    ("x inn [0, 1]\n", "unexpected 'inn': did you mean 'in'?"),
    (S + "u_xx = 0\nu = 0 on bondary\n", "unknown place 'bondary': did you mean 'boundary'?"),
    (S + "u_xx = 0\nu = 0 on x\n", "on x: write 'on x = 0' or 'on x = 1' (an end of its range)"),
    (S + "u_xx = 0\nu = 0 on hole\n", "unknown place 'hole': write 'on boundary', 'on x = ...' or "
     "the name of a region ('region NAME = ...')"),
    ("const kappa = 1\n" + S + "laplacian(u) = kapa\n", "undeclared name 'kapa': did you mean 'kappa'?"),
    (S + "laplacain(u) = 0\n", "undeclared function 'laplacain': did you mean 'laplacian'?"),
    (X + "u(0) = 0\n", "'u(0)': a value on a face is a condition: write 'u = 0 on x = 0' (or 'at x = 0')"),
    (X + "u(1/2) = 2\n", "'u(1/2)': a value at a point is a condition: write 'u = 2 at x = 1/2'"),
    (X + "u_x(1) = 3\n", "'u_x(1)': a value on a face is a condition: write 'u_x = 3 on x = 1' (or 'at x = 1')"),
    (S + "u_xx + u(0, y) = 1\n", "'u' is declared as u(x, y): write u or u(x, y); a value on a face "
     "is a condition: write 'u = ... on x = 0' (or 'at x = 0')"),
    ("x in [0, 1]\ny in [0, 1]\nunknown k\n", "an unknown needs its variables: unknown k(x, y); for an "
     "unknown constant, write 'fit k = 1' (with a first guess)"),
    (S + "u = disk(x)\n", "'disk' is a shape, allowed only in a region statement"),
    (S + "u = atan2(x)\n", "atan2(...) takes 2 arguments, not 1"),
    (S + "u = min(x)\n", "min(...) takes at least 2 arguments, not 1"),
    (S + "diff(heaviside(x - 1/2)*u, x) = 0\n", "diff: this derivative has a Dirac delta (heaviside and "
     "sign jump; min, max and abs have kinks), which has no value at a point"),
    (S + "periodic x\nu_xx = 0\nu = 0 on x = 0\n", "x is periodic (line 4): its two ends are one, and a "
     "condition there is not allowed"),
    ("x in [0, 1]\nperiodic x\nunknown u(x)\nu_xx = 1\nu = 0 on boundary\n",
     "'on boundary': every spatial variable is periodic, so the domain has no boundary"),
    ("time t in [0, 1]\nperiodic t\n", "periodic: t is the time variable; only a spatial variable can be periodic"),
    ("x in [0, 1]\nperiodic x, x\n", "x is already periodic (line 2)"),
    (S + "u_xx = 0\nu = 0 at x = 2\n", "x = 2 is outside the range of x [0, 1]"),
    (S + "u_xx = 0\nu = 0 at z = 0\n", "at z = ...: undeclared variable 'z'"),
    (S + "u_xx = 0\nu = 0 at x = 0, x = 1\n", "x is named twice"),
    (S + "u_xx = 0\ndn(u) = 0 at x = 0\n", "dn(...) (the normal derivative) is allowed only in conditions "
     "('... on boundary'), not in a point condition"),
    (S + "-laplacian(u) + mean(u) = 1\n", "mean(...) beside u outside it: an equation holds either at every "
     "point (without mean) or between averages (every unknown inside mean(...), as in mean(u) = 0)"),
    (S + "u_xx = 0\nmean(u) = x\n", "an equation between averages holds once for the whole domain: "
     "outside mean(...) it cannot depend on x"),
    (S + "u_xx = 0\nmean(u) = 0 on boundary\n", "mean(...) is allowed only in an equation between "
     "averages, such as mean(u) = 0, not in a condition"),
    (S + "u_xx = 0\nmean(mean(u)) = 0\n", "mean(...) is allowed only in an equation between averages, "
     "such as mean(u) = 0, not in mean(...)"),
    (S + "u_xx = 0\nsolver anagarm\n", "unknown solver 'anagarm' (known: anagram, engd, adam, lbfgs): "
     "did you mean 'anagram'?"),
    ("(x, y) in disk((0, 0), -1)\n", "the radius of a disk must be positive, got -1"),
    ("(x, y) in polygon((0, 0), (1, 1))\n", "a polygon needs at least 3 vertices, got 2: "
     "polygon((x1, y1), (x2, y2), (x3, y3), ...)"),
    ("(x, y) in disc((0, 0), 1)\n", "unknown shape 'disc' (known: disk, annulus, rectangle, polygon, "
     "ball, box): did you mean 'disk'?"),
    ("(x, y, z) in disk((0, 0), 1)\n", "disk((0, 0), 1) is a 2D shape, but the region statement lists "
     "3 variables (x, y, z)"),
    ("x in [0, 1]\n(x, y) in disk((0, 0), 1)\n", "the region reaches x = -1, outside the range of x [0, 1]"),
    ("region hole = disk((5, 5), 1)\n(x, y) in disk((0, 0), 1) minus hole\nunknown u(x, y)\n"
     "u_xx = 0\nu = 0 on hole\n", "no part of 'hole' is on the boundary of the domain (is it inside a "
     "removed shape, or outside the region?)"),
    ("(x, y) in disk((0, 0), 1)\nunknown u(x, y)\nu_xx = 0\nu = 0 on x = 1/2\n",
     "no part of the domain's boundary lies on x = 0.5"),
    ("(x, y) in disk((0, 0), 1)\nunknown u(x, y)\nu_xx = 0\nu = 0 at x = 1, y = 1\n",
     "the point x = 1, y = 1 is outside the region"),
]
WARNINGS = [
    (X + "-u_xx = 1\nu = 0 on boundary\nexact u = x*(1 - x)\n",
     "the exact solution does not satisfy this equation (worst residual 1.0e+00 at x=0.833; the "
     "terms are of size 3.0e+00)"),
    (X + "-u_xx = 2\nu = 0 on x = 0, x = 1\nexact u = x*(2 - x)\n",
     "the exact solution does not satisfy this condition on x = 1 (worst residual 1.0e+00 at x=1; "),
    (N + "mean(u) = 0\nexact u = cos(pi*x)*cos(pi*y) + 1\n",
     "the exact solution does not satisfy this mean condition (residual 1.0e+00)"),
    ("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nu_t = u_xx\nu = 0 on boundary\n",
     "no initial condition: no condition holds on t = 0 (write, e.g., 'u = ... on t = 0')"),
    ("time t in [0, 1]\nx in [0, 1]\nunknown u(t, x)\nu_tt = u_xx\nu = 0 on boundary\n"
     "u = sin(pi*x) on t = 0\n", "u has a second-order time derivative, which needs 2 conditions "
     "on t = 0, but 1 is given (for the wave equation: u and u_t)"),
    (S + "-laplacian(u) = 1\ndn(u) = 0 on boundary\n",
     "u is determined only up to an added constant: only derivatives of u appear in the equations "
     "and conditions; fix it with 'mean(u) = 0' or 'u = 0 at x = 0, y = 0'"),
    (S + "-laplacian(u) = 1\ndn(u) = 0 on boundary\n",
     "the Neumann data are incompatible: a solution needs ∫laplacian(u) over the domain (-1) to "
     "equal the outward flux ∮dn(u) over its boundary (0), but they differ by -1.0e+00"),
    (S + "periodic y, x\n-laplacian(u) = 4*pi^2*sin(2*pi*x)\nmean(u) = 0\n"
     "exact u = sin(2*pi*x) + x - 1/2\n",
     "the exact solution of u is not periodic in x: it differs at x = 0 and x = 1 by 1.0e+00"),
    (S + "unknown v(x, y)\nu_xx = v\nv = 1\nexact u = x^2/2\n",
     "an exact solution is given for u but not for v: write 'exact v = ...' too, or no error "
     "against the exact solution can be reported"),
]


def test_documented_errors_are_the_messages():
    import pytest

    from pdedsl.language import PdeError, parse

    for text, message in ERRORS:
        assert message in DOC, f"docs/language.md does not show: {message}"
        with pytest.raises(PdeError) as info:
            parse(text)
        assert message in info.value.message, (text, info.value.message)


def test_documented_warnings_are_the_messages():
    from pdedsl.language import parse, verify

    for text, message in WARNINGS:
        assert message in DOC, f"docs/language.md does not show: {message}"
        found = [w.message for w in verify(parse(text))]
        assert any(message in m for m in found), (text, found)


def test_every_statement_and_function_is_documented():
    from pdedsl.language.vocabulary import FUNCTIONS, KEYWORDS, OPERATORS, SHAPES

    for word in [*FUNCTIONS, *OPERATORS, *SHAPES, *KEYWORDS]:
        assert f"`{word}" in DOC or f" {word} " in DOC, word
    for section in ("### Point conditions", "### Periodic variables", "### Mean conditions",
                    "### Functions", "## Warnings", "### Command-line and API overrides"):
        assert section in DOC
