"""Every kind of mistake: its message, line and column, and the caret display."""

import pytest
from sympy import Rational, Symbol

from pdedsl.language import PdeError, parse, parse_file

H = "x in [0, 1]\ny in [0, 1]\nunknown u(x, y)\n"  # lines 1-3
E = H + "laplacian(u) = 0\n"  # a valid problem, line 4 is its equation

CASES = [
    # syntax
    ("syntax", H + "u = = 0\n", "unexpected '=', expected an expression", 4, 5),
    ("missing expression", H + "u = \n", "unexpected end of line, expected an expression", 4, 5),
    ("stray bracket", H + "u = (1))\n", "unexpected ')': no bracket is open", 4, 8),
    ("unclosed bracket", H + "u = sin(x\nexact u = 0\n", "'(' is never closed", 4, 8),
    ("bad character", H + "u = 1 $ 2\n", "unexpected character '$'", 4, 7),
    ("implicit product", H + "u = 2x\n", "unexpected 'x'", 4, 6),
    ("nothing after on", E + "u = 0 on\n", "unexpected end of line, expected 'boundary' or a name", 5, 9),
    ("misspelt keyword", "x in [0, 1]\nunknwon u(x)\n", "unknown statement 'unknwon': did you mean 'unknown'?", 2, 1),
    ("capitalised keyword", E + "  Solver adam\n", "unknown statement 'Solver': did you mean 'solver'?", 5, 3),
    ("misspelt seed", E + "sedd 1\n", "did you mean 'seed'?", 5, 1),
    ("product without *", H + "u = 2(x + 1)\n", "unexpected '(': write '*' for a product", 4, 6),
    ("product of brackets", H + "u = (x + 1)(x - 1)\n", "write '*' for a product", 4, 12),
    ("exponent without digits", H + "u = 1e\n", "unexpected 'e': a number's exponent needs digits", 4, 6),
    ("exponent sign without digits", H + "u = 2.5e+\n", "a number's exponent needs digits", 4, 8),
    ("two decimal points", H + "u = 1.2.3\n", "unexpected '.3': a number has one decimal point", 4, 8),
    ("function without brackets", H + "u = sin x\n", "unexpected 'x': write sin(x)", 4, 9),
    ("shorthand in an undeclared variable", "x in [0, 1]\nunknown u(x)\nu_t = u_xx\n", "undeclared name 'u_t': as a derivative of u it needs the variable t, and none is declared", 3, 1),
    ("a constant as diff's order", "const n = 2\nx in [0, 1]\nunknown u(x)\ndiff(u, x, n) = 1\n", "diff: the order is written as a whole number from 1 to 20, not a constant ('n')", 4, 12),
    ("region over one variable", "(x) in disk((0, 0), 1)\n", "a region is over 2 or 3 variables, (x, y) in ...; one variable takes a range: x in [a, b]", 1, 5),
    ("missing comma between faces", E + "u = 0 on x = 0 y = 1\n", "unexpected 'y', expected ',' or end of line", 5, 16),
    ("a face named twice", E + "u = 0 on x = 0, y = 1, x = 0\n", "'x = 0' is named twice in this condition (another face meant?)", 5, 24),
    ("missing comma between settings", E + "sample interior = 5 boundary = 3\n", "unexpected 'boundary', expected ',' or end of line", 5, 21),
    ("missing comma in a range", "x in [0 1]\n", "unexpected '1', expected ','", 1, 9),
    ("unicode minus", H + "u = 1 \u2212 x\n", "unexpected character '\u2212' (write '-')", 4, 7),
    ("string left open", E + 'data "obs.csv\n', "unexpected character '\"' (a string must end with '\"' on the same line", 5, 6),
    ("single quotes", E + "data 'obs.csv'\n", "a data file's path goes in double quotes", 5, 6),
    ("non-ASCII name", "const \u03b1 = 1\n", "(names and operators are ASCII", 1, 7),
    ("empty file", "", "the file states no problem (it is empty, or only comments", 1, 1),
    ("only comments", "# nothing\n\n   # here\n", "the file states no problem", 1, 1),
    # names
    ("undeclared name", H + "laplacian(u) = f\n", "undeclared name 'f'", 4, 16),
    ("undeclared function", H + "f(x) = u\n", "undeclared function 'f'", 4, 1),
    ("declared twice", H + "x in [0, 2]\n", "'x' is already declared (line 1)", 4, 1),
    ("keyword as variable", "in in [0, 1]\n", "'in' is a keyword and cannot be used as a name", 1, 1),
    ("keyword as constant", H + "const on = 1\n", "'on' is a keyword", 4, 7),
    ("keyword as unknown", "x in [0, 1]\nunknown time(x)\n", "'time' is a keyword", 2, 9),
    ("keyword in expression", H + "u = boundary\n", "'boundary' is a keyword", 4, 5),
    ("statement keyword as variable", "exact in [0, 1]\n", "'exact' is a keyword and cannot be used as a name", 1, 1),
    ("data as variable", "data in [0, 1]\n", "'data' is a keyword and cannot be used as a name", 1, 1),
    ("time as variable", "time in [0, 1]\n", "'time' is a keyword and cannot be used as a name", 1, 1),
    ("keyword as time variable", "time seed in [0, 1]\n", "'seed' is a keyword", 1, 6),
    ("keyword among an unknown's variables", "x in [0, 1]\nunknown u(x, boundary)\n",
     "'boundary' is a keyword and cannot be used as a name", 2, 14),
    ("built-in constant as name", "pi in [0, 1]\n", "'pi' is a built-in constant and cannot be used", 1, 1),
    ("built-in function as name", "x in [0, 1]\nconst sin = 2\n", "'sin' is a built-in function", 2, 7),
    ("built-in operator as name", "x in [0, 1]\nconst laplacian = 2\n", "'laplacian' is a built-in operator", 2, 7),
    ("function without call", H + "sin = u\n", "'sin' is a function: write sin(...)", 4, 1),
    ("variable called", H + "x(1) = u\n", "'x' is not a function", 4, 1),
    ("shorthand-like declaration", "x in [0, 1]\nunknown u(x)\nconst u_x = 1\n",
     "'u_x' would be read as a derivative of u", 3, 7),
    ("shorthand of undeclared variable", H + "u_xz = 0\n", "undeclared name 'u_xz'", 4, 1),
    ("shorthand of a long variable", "xi in [0, 1]\nunknown u(xi)\nu_xi = 0\n",
     "undeclared name 'u_xi' (the shorthand u_x takes one-letter variables; write diff(u, xi))", 3, 1),
    # variables and ranges
    ("two time variables", "time t in [0, 1]\ntime s in [0, 1]\n", "a second time variable 's'", 2, 6),
    ("empty range", "x in [1, 0]\n", "empty range [1, 0] for x", 1, 6),
    ("point range", "x in [1, 1]\n", "empty range [1, 1] for x", 1, 6),
    ("huge empty range", "x in [1e300, 2*pi]\n", "empty range [1e300, 2*pi] for x", 1, 6),
    ("range end below a double", "x in [0, 1e-400]\n", "number too small (less than about 4.9e-324", 1, 10),
    ("range ends one double", "x in [1, 1 + 10^-30]\n", "too narrow for double precision", 1, 6),
    ("range longer than a double", "x in [-1e308, 1e308]\n", "too long for double precision", 1, 6),
    ("range end not constant", "x in [0, 1]\ny in [0, x]\n", "must be a constant expression, but 'x' is a variable", 2, 10),
    ("range end undeclared", "x in [0, a]\n", "undeclared name 'a'", 1, 10),
    # constants
    ("division by zero", "const a = 1/0\n", "division by zero", 1, 13),
    ("division by zero via constant", "const a = 1\nconst b = 1/(a - 1)\n", "division by zero", 2, 14),
    ("infinite constant", "const a = log(0)\n", "not a finite number", 1, 11),
    ("complex constant", "const a = sqrt(-1)\n", "not a real number", 1, 11),
    ("unknown in constant", H + "const a = u\n", "but 'u' is an unknown", 4, 11),
    ("number too large", H + "u = 9^9^9^9\n", "number too large", 4, 7),
    ("constant overflows", "const a = exp(exp(exp(exp(10))))\n", "too large", 1, 15),
    ("range end overflows", "x in [0, pi^pi^pi^pi]\n", "not a finite number (too large", 1, 10),
    ("literal too large", H + "u = 1e99999\n", "number too large", 4, 5),
    ("beyond double precision", H + "u = 10^400*x\n", "number too large (more than about 1.8e308", 4, 5),
    ("too many digits to print", H + "u = 10^-5000*x\n", "number too small", 4, 5),
    ("below the smallest double", H + "u = 10^-400*x\n", "number too small (less than about 4.9e-324", 4, 5),
    ("literal too small", H + "u = 1e-1001*x\n", "number too small (an exponent below -1000)", 4, 5),
    ("constant too small", "const a = 10^-400\n", "number too small", 1, 11),
    # cos(a) and exp(a) of a number beyond a double would need millions of digits
    ("cos of a huge number", "const a = cos(e^e^e^e)\n", "number too large: the argument of cos", 1, 11),
    ("exp of minus a huge number", "const a = exp(-e^e^e^e)\n", "the argument of exp", 1, 11),
    ("tower of powers", "const a = e^e^e^e^e\n", "number too large (a power", 1, 11),
    ("huge argument through a constant", "const a = 10^300\n" + H + "u = heaviside(sin(exp(a)))*x\n",
     "the argument of sin", 5, 5),
    ("huge argument in a setting", "const a = 10^300\n" + E + "solver adam(lr = cos(exp(a)))\n",
     "the argument of cos", 6, 18),
    # complex numbers passed the check and stopped the solve with a compile traceback
    ("complex in an equation", H + "laplacian(u) = sqrt(-1)*x\n", "not a real number", 4, 16),
    ("complex function value", H + "laplacian(u) = acos(2)\n", "not a real number", 4, 16),
    ("complex through a constant", "const a = 2\n" + H + "laplacian(u) = exp(sqrt(-a)*x)*u\n",
     "not a real number", 5, 16),
    ("complex in a condition", E + "u = log(-1) on x = 0\n", "not a real number", 5, 5),
    ("complex in an exact solution", E + "exact u = (-8)^(1/3)*x\n", "not a real number", 5, 11),
    ("irrational beyond double precision", H + "u = exp(1000)*x\n", "number too large (more than about 1.8e308", 4, 5),
    # unknowns
    ("unknown over undeclared variable", "x in [0, 1]\nunknown u(x, z)\n", "undeclared variable 'z'", 2, 14),
    ("unknown over a constant", "const a = 1\nx in [0, 1]\nunknown u(x, a)\n", "'a' is a constant, not a variable", 3, 14),
    ("variable listed twice", "x in [0, 1]\nunknown u(x, x)\n", "variable 'x' is listed twice", 2, 14),
    ("wrong arguments", H + "laplacian(u(x)) = 0\n", "'u' is declared as u(x, y): write u or u(x, y)", 4, 11),
    ("arguments in wrong order", H + "laplacian(u(y, x)) = 0\n", "declared as u(x, y)", 4, 11),
    # derivatives
    ("dn in an equation", H + "dn(u) = 0\n", "dn(...) (the normal derivative) is allowed only in conditions", 4, 1),
    ("dn in exact", E + "exact u = dn(x)\n", "allowed only in conditions", 5, 11),
    ("dn on the initial slice", "x in [0, 1]\ntime t in [0, 1]\nunknown u(x, t)\nu_t = u_xx\n"
     "u = 0 on boundary\ndn(u) = 0 on t = 0\n", "a slice of the time variable t has none", 6, 14),
    ("dn on a region's initial slice", "(x, y) in disk((0, 0), 1)\ntime t in [0, 1]\n"
     "unknown u(x, y, t)\nu_t = laplacian(u)\nu = 0 on boundary\ndn(u) + u = 0 on t = 0\n",
     "a slice of the time variable t has none", 6, 18),
    ("fullwidth digit", "x in [0, \uff11]\n", "unexpected character '\uff11'", 1, 10),
    ("shorthand wrt foreign variable", "x in [0, 1]\ny in [0, 1]\nunknown u(x)\nu_y = 0\n",
     "'u_y': u does not depend on y", 4, 1),
    ("diff wrt foreign variable", "x in [0, 1]\ny in [0, 1]\nunknown u(x)\ndiff(u, y) = 0\n",
     "diff: the expression does not depend on y", 4, 9),
    ("diff wrt non-variable", H + "diff(u, k) = 0\n", "diff: undeclared variable 'k'", 4, 9),
    ("diff order zero", H + "diff(u, x, 0) = 0\n", "the order must be a whole number from 1 to 20", 4, 12),
    ("diff order first", H + "diff(u, 2) = 0\n", "a derivative order must follow a variable", 4, 9),
    ("exact of a keyword", H + "u = 0 on boundary\nexact boundary = x\n",
     "exact: 'boundary' is a keyword, not an unknown", 5, 7),
    ("exact of a function", H + "u = 0 on boundary\nexact sin = x\n",
     "exact: 'sin' is a built-in function, not an unknown", 5, 7),
    ("diff order negative", H + "diff(u, x, -1) = 0\n",
     "expected a variable, or the order as a whole number from 1 to 20", 4, 12),
    ("diff order an expression", H + "diff(u, x, 1+1) = 0\n",
     "expected a variable, or the order as a whole number from 1 to 20", 4, 12),
    ("nested diff order", H + "diff(diff(u, x, 15), y, 15) = 0\n",
     "a derivative of order 30: the highest order supported is 20", 4, 1),
    ("shorthand order", H + "u_xxxxxxxxxxxyyyyyyyyyy = 0\n", "a derivative of order 21", 4, 1),
    ("diff of nothing", H + "diff(u) = 0\n", "diff takes an expression and at least one variable", 4, 1),
    ("function arity", H + "sin(x, y) = u\n", "sin(...) takes 1 argument, not 2", 4, 1),
    ("laplacian without space", "time t in [0, 1]\nunknown u(t)\nlaplacian(u) = 0\n",
     "laplacian: the problem has no spatial variable", 3, 1),
    ("tuple as value", H + "u = (1, 2)\n", "a list in parentheses is not a value", 4, 5),
    # conditions
    ("face not an end", E + "u = 0 on x = 2\n", "x = 2 is not an end of the range of x [0, 1]", 5, 14),
    ("face of nonexistent variable", E + "u = 0 on z = 0\n", "undeclared variable 'z'", 5, 10),
    ("face of a constant", H + "const a = 1\nlaplacian(u) = 0\nu = 0 on a = 0\n",
     "'a' is a constant, not a variable", 6, 10),
    ("boundary without space", "time t in [0, 1]\nunknown u(t)\nu_t = u\nu = 1 on boundary\n",
     "'on boundary': the problem has no spatial variable", 4, 10),
    ("condition without unknown", E + "0 = 1 on x = 0\n", "this condition mentions no unknown", 5, 1),
    ("equation without unknown", E + "x = 1\n", "this equation mentions no unknown", 5, 1),
    # exact
    ("exact of a constant", H + "const k = 1\nlaplacian(u) = 0\nexact k = 1\n", "exact: 'k' is a constant, whose value is known", 6, 7),
    ("exact of undeclared", E + "exact v = 1\n", "exact: undeclared unknown 'v'", 5, 7),
    ("exact twice", E + "exact u = 0\nexact u = 1\n", "a second exact solution for 'u'", 6, 7),
    ("exact with unknown", E + "exact u = u\n", "an exact solution must be a formula in the variables", 5, 11),
    ("exact with foreign variable", "x in [0, 1]\ny in [0, 1]\nunknown u(x)\nu_xx = 0\nexact u = y\n",
     "the exact solution of u mentions y, but u depends only on (x)", 5, 11),
    # whole problem
    ("no equation", H + "u = 0 on boundary\n", "the problem has no equation", 1, 1),
    ("no unknown", "x in [0, 1]\n", "the problem has no unknown", 1, 1),
    ("unknown in no equation", H + "unknown v(x)\nlaplacian(u) = 0\n", "the unknown 'v' appears in no equation", 4, 9),
    # settings
    ("negative steps", E + "solver anagram(steps = -5)\n", "setting 'steps' must be at least 1", 5, 24),
    ("fractional steps", E + "solver anagram(steps = 2.5)\n", "setting 'steps' must be a whole number", 5, 24),
    ("huge whole steps", E + "solver anagram(steps = 1e30)\n", "setting 'steps' must be less than 2^63", 5, 24),
    ("rcond too big", E + "solver anagram(rcond = 2)\n", "setting 'rcond' must be less than 1", 5, 24),
    ("number given a word", E + "solver anagram(steps = many)\n", "must be a number, not 'many'", 5, 24),
    # pi was taken for a word: "setting 'width' must be a number, not 'pi'"
    ("pi is a number", E + "model mlp(width = pi)\n", "setting 'width' must be a whole number", 5, 19),
    ("unknown setting", E + "solver anagram(stepz = 5)\n", "solver anagram has no setting 'stepz'", 5, 16),
    ("another solver's setting", E + "solver adam(rcond = 1e-3)\n",
     "'rcond' is a setting of solver anagram, engd", 5, 13),
    ("a solver's setting in model", E + "model mlp(steps = 3)\n",
     "'steps' is a setting of solver anagram, engd, adam, lbfgs", 5, 11),
    ("unknown solver", E + "solver newton(steps = 5)\n", "unknown solver 'newton' (known: anagram, engd, adam, lbfgs)", 5, 8),
    ("unknown model", E + "model cnn(width = 3)\n", "unknown model 'cnn' (known: mlp)", 5, 7),
    ("bad activation", E + "model mlp(activation = relu)\n", "setting 'activation' must be one of tanh", 5, 24),
    ("bad sample method", E + "sample method = random\n", "setting 'method' must be one of grid, uniform, sobol", 5, 17),
    ("unknown sample setting", E + "sample points = 5\n", "sample has no setting 'points'", 5, 8),
    ("negative seed", E + "seed -1\n", "seed must be at least 0", 5, 6),
    ("fractional seed", E + "seed 1.5\n", "seed must be a whole number", 5, 6),
    ("solver twice", E + "solver adam\nsolver lbfgs\n", "a second 'solver' statement (the first is on line 5)", 6, 1),
    ("setting twice", E + "solver adam(lr = 1, lr = 2)\n", "setting 'lr' is given twice", 5, 21),
    # later
    ("shape outside a region", H + "u = disk(x)\n", "'disk' is a shape, allowed only in a region statement", 4, 5),
    ("shape as a name", "const box = 1\n", "'box' is a built-in shape and cannot be used as a name", 1, 7),
    ("set operation outside a region", H + "u = x minus y\n", "unexpected 'minus'", 4, 7),
    ("grad", H + "grad(u) = 0\n", "'grad' is not supported yet", 4, 1),
    ("div", H + "div(u) = 0\n", "'div' is not supported yet", 4, 1),
    # hints that name the fix
    ("misspelt boundary", E + "u = 0 on bondary\n", "unknown place 'bondary': did you mean 'boundary'?", 5, 10),
    ("misspelt boundary among faces", E + "u = 0 on x = 0, boundry\n", "did you mean 'boundary'?", 5, 17),
    ("variable without its value", E + "u = 0 on x\n", "on x: write 'on x = 0' or 'on x = 1' (an end of its range)", 5, 10),
    ("region name", E + "u = 0 on hole\n", "unknown place 'hole': write 'on boundary', 'on x = ...' or the name of a region", 5, 10),
    ("misspelt operator", H + "laplacain(u) = 0\n", "undeclared function 'laplacain': did you mean 'laplacian'?", 4, 1),
    ("misspelt function", H + "laplacian(u) = sinn(x)\n", "undeclared function 'sinn': did you mean 'sin'?", 4, 16),
    ("misspelt constant", "const kappa = 1\n" + H + "laplacian(u) = kapa\n", "undeclared name 'kapa': did you mean 'kappa'?", 5, 16),
    ("misspelt unknown", H + "laplacian(uu) = 0\n", "undeclared name 'uu': did you mean 'u'?", 4, 11),
    ("misspelt exact", E + "exat u = 0\n", "unknown statement 'exat': did you mean 'exact'?", 5, 1),
    ("misspelt in", "x inn [0, 1]\n", "unexpected 'inn': did you mean 'in'?", 1, 3),
    ("misspelt on", E + "u = 0 onn x = 0\n", "unexpected 'onn': did you mean 'on'?", 5, 7),
    ("misspelt solver", E + "solver anagarm\n", "unknown solver 'anagarm' (known: anagram, engd, adam, lbfgs): did you mean 'anagram'?", 5, 8),
    ("misspelt setting", E + "solver anagram(stepz = 5)\n", "did you mean 'steps'?", 5, 16),
    ("misspelt model", E + "model mpl\n", "did you mean 'mlp'?", 5, 7),
    ("misspelt sample setting", E + "sample interier = 3\n", "did you mean 'interior'?", 5, 8),
    ("value on a face", "x in [0, 1]\nunknown u(x)\nu(0) = 0\n", "'u(0)': a value on a face is a condition: write 'u = 0 on x = 0' (or 'at x = 0')", 3, 1),
    ("value inside", "x in [0, 1]\nunknown u(x)\nu(1/2) = 2\n", "'u(1/2)': a value at a point is a condition: write 'u = 2 at x = 1/2'", 3, 1),
    ("derivative on a face", "x in [0, 1]\nunknown u(x)\nu_x(1) = 3\n", "'u_x(1)': a value on a face is a condition: write 'u_x = 3 on x = 1' (or 'at x = 1')", 3, 1),
    ("value on a face in 2D", H + "u(0, y) = sin(y)\n", "write 'u = sin(y) on x = 0' (or 'at x = 0')", 4, 1),
    ("value at a corner", H + "u(1, 0) = 1\n", "write 'u = 1 at x = 1, y = 0'", 4, 1),
    ("value inside an expression", H + "u_xx + u(0, y) = 1\n", "write u or u(x, y); a value on a face is a condition: write 'u = ... on x = 0'", 4, 8),
    ("unknown without variables", "x in [0, 1]\ny in [0, 1]\nunknown k\n", "an unknown needs its variables: unknown k(x, y); for an unknown constant, write 'fit k = 1' (with a first guess)", 3, 9),
    ("exact solution too large", "const L = 1e300\nx in [0, L]\nunknown u(x)\n-u_xx = 2\n"
     "exact u = x*(L - x)\n", "the exact solution of u reaches 2.5e+599 at x = 5e+299: beyond "
     "1e+150, its squares overflow a double, so no error can be measured against it", 5, 7),
    ("target without an exact solution", "x in [0, 1]\nunknown u(x)\nu_xx = 1\nsolver anagram(steps = 3,\n"
     "  target = 1e-3)\n", "target = 0.001 stops at the error against the exact solution, and the "
     "file gives none for u", 5, 3),
    # size
    ("deep brackets", H + "u = " + "(" * 150 + "1" + ")" * 150 + "\n", "brackets nested too deeply", 4, 105),
    ("deep minus", H + "u = " + "-" * 500 + "1\n", "expression nested too deeply", 4, None),
    ("deep power", H + "u = " + "2^" * 500 + "1\n", "expression nested too deeply", 4, None),
]


@pytest.mark.parametrize("text, message, line, column", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_error(text, message, line, column):
    with pytest.raises(PdeError) as info:
        parse(text, filename="f.pde")
    error = info.value
    assert message in error.message
    assert error.filename == "f.pde"
    assert error.line == line
    if column is not None:
        assert error.column == column


def test_error_display_has_position_line_and_caret():
    with pytest.raises(PdeError) as info:
        parse(E + "u = 0 on x = 2\n", filename="square.pde")
    assert str(info.value) == (
        "square.pde:5:14: error: x = 2 is not an end of the range of x [0, 1]\n"
        "    u = 0 on x = 2\n"
        "                 ^"
    )


def test_a_long_line_is_shown_around_its_caret():
    """An error at column 10,008 of a long sum printed the whole line and 10,007 spaces."""
    sum_ = " + ".join(["x"] * 2500)
    line = "u_xx = " + sum_ + " + q"
    with pytest.raises(PdeError) as info:
        parse("x in [0, 1]\nunknown u(x)\n" + line + "\n", filename="long.pde")
    head, shown, caret = str(info.value).split("\n")
    assert head == "long.pde:3:10008: error: undeclared name 'q'"
    assert shown == "    ..." + line[-100:]
    assert caret == " " * 4 + " " * 102 + "^" and shown[len(caret) - 1] == "q"
    with pytest.raises(PdeError) as info:
        parse("x in [0, 1]\nunknown u(x)\nu_xx = q + " + sum_ + "\n")
    _, shown, caret = str(info.value).split("\n")
    assert shown == "    u_xx = q + " + sum_[:89] + "..."
    assert caret == " " * 11 + "^"


def test_face_may_be_any_constant_expression_of_an_end():
    text = "const L = 2\nx in [0, L]\nunknown u(x)\nu_xx = 0\nu = 0 on x = 2*L/2\n"
    assert parse(text).conditions[0].faces[0].side == "upper"
    with pytest.raises(PdeError, match="not an end"):
        parse(text.replace("2*L/2", "L/2"))


def test_missing_file(tmp_path):
    with pytest.raises(PdeError) as info:
        parse_file(tmp_path / "nope.pde")
    assert info.value.line is None
    assert str(info.value).endswith("nope.pde: error: no such file")


def test_directory_and_binary_file(tmp_path):
    with pytest.raises(PdeError, match="directory"):
        parse_file(tmp_path)
    binary = tmp_path / "b.pde"
    binary.write_bytes(b"\xff\xfe\x00x")
    with pytest.raises(PdeError, match="not a text file"):
        parse_file(binary)


def test_empty_file_shows_position_and_caret():
    with pytest.raises(PdeError) as info:
        parse("", filename="empty.pde")
    assert str(info.value).startswith("empty.pde:1:1: error: the file states no problem")
    assert str(info.value).endswith("\n    \n    ^")


def test_not_utf8_points_at_the_byte(tmp_path):
    path = tmp_path / "latin1.pde"
    path.write_bytes("x in [0, 1]\nconst \u00e4 = 1\n".encode("latin-1"))
    with pytest.raises(PdeError) as info:
        parse_file(path)
    assert (info.value.line, info.value.column) == (2, 7)
    assert "not a text file (UTF-8): byte 0xe4" in info.value.message
    assert str(info.value).endswith("\n          ^")


@pytest.mark.parametrize("value", ["1/0", "1e999999999", "1e400", "inf", "nan", "abc"])
def test_constant_override_must_be_a_finite_double(value):
    """`--set k=...` and `solve(k=...)` give constants new values through with_constants."""
    problem = parse("x in [0, 1]\nconst k = 1\nunknown u(x)\nu_xx = k\n")
    with pytest.raises(ValueError):
        problem.with_constants(k=value)
    assert problem.with_constants(k="0.5").constant_values()[Symbol("k")] == Rational(1, 2)


def test_huge_input_is_refused():
    with pytest.raises(PdeError, match="too large"):
        parse("# " + "a" * 1_000_001)


def test_long_sum_is_fine():
    text = "x in [0, 1]\nunknown u(x)\nu_xx = " + " + ".join(["x"] * 5000) + "\n"
    assert parse(text).equations[0].eq.rhs == 5000 * Symbol("x")


@pytest.mark.parametrize("call", ["u(x + 1, y)", "u(2*x, 0)"])
def test_a_shifted_argument_names_no_place(call):
    """The hint used to name a place that is no constant: "write 'u = ... at x = x + 1'"."""
    with pytest.raises(PdeError) as info:
        parse(H + f"laplacian(u) = {call}\n")
    assert info.value.message == "'u' is declared as u(x, y): write u or u(x, y)"
