"""Observation files: every mistake at its line and column, the happy paths, paths
relative to the `.pde` file, arrays from Python, and the example data against the
closed forms and ODE solves they were made from."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import sympy
from scipy.integrate import solve_ivp

from pdedsl.language import PdeError, parse
from pdedsl.language.data import Observations, read_observations, resolve_path
from pdedsl.language.problem import Location
from pdedsl.language.tables import observations_for, observations_from_table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"
VARIABLES, UNKNOWNS = ("t", "x"), ("u", "v")
BOX = [(0.0, 1.0), (0.0, 2.0)]


def read(tmp_path, text, name="obs.csv", **options):
    """Write `text` as a data file next to a .pde file and read it back."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    options.setdefault("bounds", BOX)
    return read_observations(name, VARIABLES, UNKNOWNS, pde_file=tmp_path / "p.pde",
                             **options)


ERRORS = [
    # (what, file text, message fragment, line, column)
    ("unknown column", "t,x,uu\n0,1,2\n",
     "column 'uu' is not a variable or unknown of the problem (did you mean 'u'?)", 1, 5),
    ("unknown column, nothing close", "t,x,pressure\n0,1,2\n",
     "column 'pressure' is not a variable or unknown of the problem (one of t, x, u, v)",
     1, 5),
    ("quoted names with a comma", '"t","x","u,v"\n0,1,2\n',
     "column 'u,v' is not a variable or unknown of the problem", 1, 9),
    ("quoted number with a comma", 'u,t,x\n1,0,"0,5"\n',
     "'0,5' in column 'x' is not a number", 2, 5),
    ("unterminated quote", 't,x,u\n0,"1,2\n', "unterminated quote: a quoted cell must end",
     2, 3),
    ("unterminated quote after a doubled quote", 't,x,u\n0,1,"2""\n', "unterminated quote",
     2, 5),
    ("semicolons", "t;x;u\n0;1;2\n", "separated by commas, not ';'", 1, 2),
    ("tabs", "t\tx\tu\n0\t1\t2\n", "separated by commas, not tabs", 1, 2),
    ("after quoted numbers", 't,x,u\n"0.5","3",1\n', "x = 3.0 is outside the domain", 2, 7),
    ("empty column name", "t,,u\n0,1,2\n", "empty column name", 1, 3),
    ("numbers in the header", "0,1,2\n0,1,2\n",
     "the first row must name the columns (e.g. t,x,u), not hold numbers", 1, 1),
    ("variable missing", "t,u\n0,1\n",
     "no column for the variable 'x', which the observed unknown u(t, x) depends on", 1, 1),
    ("no unknown", "t,x\n0,1\n",
     "no column for an unknown: name at least one of u, v", 1, 1),
    ("duplicate column", "t,x,u,x\n0,1,2,3\n",
     "the header names 'x' twice (column 2 and column 4)", 1, 7),
    ("empty cell", "t,x,u\n0,1,2\n0,,3\n",
     "missing value for column 'x' (every row needs a number in every column", 3, 3),
    ("empty last cell", "t,x,u\n0,1,\n", "missing value for column 'u'", 2, 5),
    ("short row", "t,x,u\n0,1\n",
     "missing value for column 'u': the row has 2 values and the header names 3", 2, 4),
    ("long row", "t,x,u\n0,1,2,3\n", "too many values: the header names 3 columns", 2, 7),
    ("text in a number column", "t,x,u\n0,1,high\n",
     "'high' in column 'u' is not a number", 2, 5),
    ("control character in a number", "t,x,u\n0,1,\x002\n",
     "'\\x002' in column 'u' is not a number", 2, 5),
    ("python-only numeral", "t,x,u\n0,1,1_000\n", "'1_000' in column 'u' is not a number",
     2, 5),
    ("nan", "t,x,u\n0,1,NaN\n", "'NaN' in column 'u' is not a finite number", 2, 5),
    ("inf", "t,x,u\n0,-inf,2\n", "'-inf' in column 'x' is not a finite number", 2, 3),
    ("overflow", "t,x,u\n0,1,1e400\n", "'1e400' in column 'u' is too large for a float",
     2, 5),
    ("below the range", "t,x,u\n0,1,2\n-0.5,1,2\n",
     "t = -0.5 is outside the domain (t in [0, 1])", 3, 1),
    ("above the range", "u,x,t\n1,  2.5,0\n", "x = 2.5 is outside the domain (x in [0, 2])",
     2, 5),
    ("empty file", "", "the data file is empty: its first row must name the columns", 1, 1),
    ("blank file", "\n  \n", "the data file is empty", 1, 1),
    ("header only", "t,x,u\n", "the data file has a header but no observations", 1, 1),
    ("header only after blank lines", "\n\nt,x,u\n\n",
     "the data file has a header but no observations", 3, 1),
]


@pytest.mark.parametrize("what,text,message,line,column", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_points_at_the_data_file(tmp_path, what, text, message, line, column):
    with pytest.raises(PdeError) as caught:
        read(tmp_path, text)
    error = caught.value
    assert message in error.message
    assert (error.line, error.column) == (line, column)
    assert error.filename == str(tmp_path / "obs.csv")


def test_error_display_has_the_data_line_and_a_caret(tmp_path):
    with pytest.raises(PdeError) as caught:
        read(tmp_path, "t,x,u\n0, 1, abc\n")
    assert str(caught.value) == (
        f"{tmp_path / 'obs.csv'}:2:7: error: 'abc' in column 'u' is not a number\n"
        "    0, 1, abc\n"
        "          ^"
    )


def test_not_utf8(tmp_path):
    (tmp_path / "obs.csv").write_bytes(b"t,x,u\n0,1,\xff\n")
    with pytest.raises(PdeError) as caught:
        read_observations("obs.csv", VARIABLES, UNKNOWNS, pde_file=tmp_path / "p.pde")
    assert "not a text file (UTF-8): byte 0xff" in caught.value.message
    assert (caught.value.line, caught.value.column) == (2, 5)


def test_point_outside_a_region(tmp_path):
    def disk(points):  # the unit disk around (0.5, 1)
        return (points[:, 0] - 0.5) ** 2 + (points[:, 1] - 1) ** 2 <= 1

    text = "t,x,u\n0.5,1,0\n0.5,1.9,0\n0,0,0\n"
    with pytest.raises(PdeError) as caught:
        read(tmp_path, text, inside=disk)
    assert caught.value.message == "the point (t = 0.0, x = 0.0) is outside the domain"
    assert (caught.value.line, caught.value.column) == (4, 1)


DISK_TIME = ("time t in [0, 1]\n(y, x) in disk((0, 0), 1)\nunknown u(t, x, y)\n"
             "u_t = laplacian(u)\ndata \"obs.csv\"\n")


def test_a_point_outside_the_region_of_a_pde_file(tmp_path):
    """(0.9, 0.9) is inside the ranges of the unit disk but not in it: it was accepted."""
    (tmp_path / "obs.csv").write_text("x,t,y,u\n0.5,0,0,1\n0.9,0,0.9,1\n1,1,0,2\n")
    with pytest.raises(PdeError) as caught:
        parse(DISK_TIME, filename=str(tmp_path / "p.pde"))
    assert caught.value.message == "the point (t = 0.0, y = 0.9, x = 0.9) is outside the domain"
    assert (caught.value.line, caught.value.column) == (3, 5)  # the row's first variable
    (tmp_path / "obs.csv").write_text("x,t,y,u\n0.5,0,0,1\n1,1,0,2\n")  # on the circle: in
    assert len(parse(DISK_TIME, filename=str(tmp_path / "p.pde")).observations[0].points) == 2


def test_a_point_outside_the_region_from_python(tmp_path):
    (tmp_path / "obs.csv").write_text("x,t,y,u\n0.5,0,0,1\n")
    problem = parse(DISK_TIME, filename=str(tmp_path / "p.pde"))
    with pytest.raises(PdeError, match=r"row 0 \(from 0\): the point \(t = 0.0, y = 0.9, x = 0.9\) is outside"):
        observations_for(problem, {"t": [0.0], "x": [0.9], "y": [0.9], "u": [1.0]})


def test_missing_file_names_the_absolute_path_tried(tmp_path):
    pde = tmp_path / "sub" / "p.pde"
    with pytest.raises(PdeError) as caught:
        read_observations("obs/none.csv", VARIABLES, UNKNOWNS, pde_file=pde)
    error = caught.value
    tried = tmp_path / "sub" / "obs" / "none.csv"
    assert error.message == (f"no such data file: {tried} (a data path is relative to the "
                             f"folder of the .pde file, {tmp_path / 'sub'})")
    assert error.filename == str(pde) and error.line is None


def test_missing_file_points_at_the_statement(tmp_path):
    source = 'x in [0, 1]\nunknown u(x)\ndata "none.csv"\n'

    def at_statement(message):
        return PdeError(message, filename="p.pde", text=source, line=3, column=6)

    with pytest.raises(PdeError) as caught:
        read_observations("none.csv", ["x"], ["u"], pde_file=tmp_path / "p.pde",
                          statement_error=at_statement)
    assert str(caught.value).splitlines()[1:] == ['    data "none.csv"', "         ^"]
    assert str(caught.value).startswith("p.pde:3:6: error: no such data file: ")


def test_missing_file_without_a_pde_file_is_relative_to_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PdeError) as caught:
        read_observations("none.csv", ["x"], ["u"])
    assert caught.value.message == (
        f"no such data file: {tmp_path / 'none.csv'} (a data path is relative to the "
        "working directory when the problem is not read from a file)")
    assert caught.value.filename == "<input>"


def test_a_directory_is_not_a_data_file(tmp_path):
    (tmp_path / "obs.csv").mkdir()
    with pytest.raises(PdeError, match="is a directory, not a file"):
        read_observations("obs.csv", ["x"], ["u"], pde_file=tmp_path / "p.pde")


def test_columns_in_any_order(tmp_path):
    obs = read(tmp_path, "v,x,u,t\n7,0.5,3,0.25\n8,2,4,1\n")
    assert isinstance(obs, Observations)
    np.testing.assert_array_equal(obs.points, [[0.25, 0.5], [1.0, 2.0]])
    assert obs.variables == ("t", "x") and obs.unknowns == ("u", "v")
    np.testing.assert_array_equal(obs.values["u"], [3, 4])
    np.testing.assert_array_equal(obs.values["v"], [7, 8])
    assert obs.count == 2 and obs.path == str(tmp_path / "obs.csv")


def test_only_some_unknowns_observed(tmp_path):
    obs = read(tmp_path, "t,x,v\n0,0,-1.5e-3\n")
    assert obs.unknowns == ("v",) and set(obs.values) == {"v"}
    assert obs.values["v"][0] == -1.5e-3


def test_forgiving_layout(tmp_path):
    """Quotes, spaces, CRLF, a byte-order mark, blank lines, no final newline, points on
    the boundary (the domain is closed) and every numeral form of the language."""
    text = '\ufeff"t", x ,u\r\n\r\n0, 2 ,"1"\r\n1,.5,-2E+2\r\n  \r\n+0.,1e-3,3.'
    obs = read(tmp_path, text, location=Location(4, 1))
    np.testing.assert_array_equal(obs.points, [[0, 2], [1, 0.5], [0, 1e-3]])
    np.testing.assert_array_equal(obs.values["u"], [1, -200, 3])
    assert obs.location == Location(4, 1)


def test_equal_by_value(tmp_path):
    first = read(tmp_path, "t,x,u\n0,1,2\n")
    assert first == read(tmp_path, "x,u,t\n1,2,0\n")
    assert first != read(tmp_path, "x,u,t\n1,2.5,0\n")
    assert first != read(tmp_path, "t,x,v\n0,1,2\n")
    assert first != read(tmp_path, "t,x,u\n0,1,2\n", location=Location(3, 1))


def test_arrays_are_read_only(tmp_path):
    obs = read(tmp_path, "t,x,u\n0,1,2\n")
    with pytest.raises(ValueError):
        obs.points[0, 0] = 5
    with pytest.raises(ValueError):
        obs.values["u"][0] = 5


def test_path_relative_to_the_pde_file_from_another_cwd(tmp_path, monkeypatch):
    folder = tmp_path / "problem"
    (folder / "measured").mkdir(parents=True)
    (folder / "measured" / "obs.csv").write_text("x,u\n0.5,1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    obs = read_observations("measured/obs.csv", ["x"], ["u"], pde_file="../problem/p.pde")
    assert obs.path == str(folder / "measured" / "obs.csv")
    assert obs.values["u"][0] == 1.0
    assert resolve_path("obs.csv", None) == elsewhere / "obs.csv"
    assert resolve_path("obs.csv", "<input>") == elsewhere / "obs.csv"
    assert resolve_path(str(tmp_path / "a.csv"), "../problem/p.pde") == tmp_path / "a.csv"


# -------------------------------------------------------------- from Python
class Frame:
    """The least a DataFrame-like table offers: `.columns` and `frame[name]`."""

    def __init__(self, data):
        self.data = data
        self.columns = list(data)

    def __getitem__(self, name):
        return self.data[name]


@pytest.mark.parametrize("kind", ["dict", "frame", "array"])
def test_table_kinds(kind):
    data = {"u": [3.0, 4.0], "x": [0.5, 2.0], "t": [0.25, 1.0]}
    table = {"dict": data, "frame": Frame(data),
             "array": np.array([data["u"], data["x"], data["t"]]).T}[kind]
    columns = ["u", "x", "t"] if kind == "array" else None
    obs = observations_from_table(table, VARIABLES, UNKNOWNS, columns=columns, bounds=BOX)
    np.testing.assert_array_equal(obs.points, [[0.25, 0.5], [1.0, 2.0]])
    np.testing.assert_array_equal(obs.values["u"], [3.0, 4.0])
    assert obs.unknowns == ("u",) and obs.path == "<data>"


TABLE_ERRORS = [
    ({"t": [0.0], "x": [0.0], "w": [1.0]}, "column 'w' is not a variable or unknown"),
    ({"t": [0.0], "u": [1.0]}, "no column for the variable 'x'"),
    ({"t": [0.0], "x": [0.0]}, "no column for an unknown"),
    ({"t": [0.0], "x": [0.0], "u": [1.0, 2.0]}, "the columns have different lengths"),
    ({"t": [0.0], "x": [0.0], "u": ["a"]}, "column 'u' is not numeric"),
    ({"t": [], "x": [], "u": []}, "the data have no rows"),
    ({"t": [0.0, 0.5], "x": [0.0, 1.0], "u": [1.0, np.inf]},
     "column 'u' row 1 (from 0): inf is not a finite number"),
    ({"t": [0.0, 0.5], "x": [0.0, 3.0], "u": [1.0, 2.0]},
     "row 1 (from 0): x = 3.0 is outside the domain (x in [0, 2])"),
]


@pytest.mark.parametrize("table,message", TABLE_ERRORS)
def test_table_errors(table, message):
    with pytest.raises(PdeError) as caught:
        observations_from_table(table, VARIABLES, UNKNOWNS, bounds=BOX)
    assert message in caught.value.message
    assert caught.value.filename == "<data>"


def test_array_needs_column_names():
    with pytest.raises(PdeError, match=r"a 3x3 array of observations needs a list of its 3 "
                                       r"column names: data=\(array, \['x', ..., 'u'\]\)"):
        observations_from_table(np.zeros((3, 3)), VARIABLES, UNKNOWNS)


@pytest.mark.parametrize("data, message", [
    (5, "data: expected a CSV path, a dict of columns, a table with columns, a pair (2-D "
        "array, column names) or a list of these, not int 5"),
    ([5], "expected a CSV path"),
    ((np.zeros((3, 3)), "txu"), "a 3x3 array of observations needs a list of its 3 column names"),
    ("none.csv", "no such data file (a path given to data= or --data is relative to the "
                 "working directory"),
])
def test_data_from_python_that_is_not_data(data, message, tmp_path, monkeypatch):
    from pdedsl import prepare

    monkeypatch.chdir(tmp_path)
    with pytest.raises(PdeError) as caught:
        prepare(ROOT / "examples" / "inverse_heat.pde", data=data)
    assert message in caught.value.message


# --------------------------------------------------- the examples' data files
def load(name):
    header, *rows = (DATA / name).read_text().splitlines()
    return header.split(","), np.array([[float(v) for v in row.split(",")] for row in rows])


def test_heat_data_match_the_exact_solution():
    header, table = load("heat.csv")
    assert header == ["t", "x", "u"] and table.shape == (50, 3)
    t, x, u = table.T
    assert np.all((0 < t) & (t < 1) & (0 < x) & (x < 1))
    np.testing.assert_allclose(u, np.exp(-0.25 * np.pi**2 * t) * np.sin(np.pi * x),
                               rtol=0, atol=1e-12)


def test_reaction_data_are_the_solution_plus_one_percent_noise():
    header, table = load("reaction.csv")
    assert header == ["x", "u"] and table.shape == (50, 2)
    x, u = table.T
    peak = max(np.exp(s) * np.sin(np.pi * s) for s in np.linspace(0, 1, 10001))
    standardised = (u - np.exp(x) * np.sin(np.pi * x)) / (0.01 * peak)
    assert abs(standardised.mean()) < 3 / np.sqrt(50)  # a 3-standard-error band
    assert 0.7 < standardised.std(ddof=1) < 1.3  # chi-square, 49 dof: outside p < 0.01
    assert np.all(np.diff(x) > 0) and np.all((0 < x) & (x < 1))


def test_lorenz_data_match_a_second_solver():
    header, table = load("lorenz.csv")
    assert header == ["t", "x", "y", "z"] and table.shape == (61, 4)
    np.testing.assert_array_equal(table[0], [0, -8, 7, 27])

    def rhs(_, s):
        return [10 * (s[1] - s[0]), s[0] * (15 - s[2]) - s[1], s[0] * s[1] - 8 / 3 * s[2]]

    other = solve_ivp(rhs, (0, 3), [-8, 7, 27], method="Radau", t_eval=table[:, 0],
                      rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(table[:, 1:], other.y.T, rtol=0, atol=1e-6)


def test_make_data_reproduces_the_committed_files(tmp_path):
    spec = importlib.util.spec_from_file_location("make_data", DATA / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("heat.csv", "reaction.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    # An ODE integrator's last digits follow the machine's floating point (SciPy's DOP853
    # differs in the 15th digit across builds): the Lorenz table is compared to 1e-12.
    made, committed = (np.loadtxt(f / "lorenz.csv", delimiter=",", skiprows=1)
                       for f in (tmp_path, DATA))
    np.testing.assert_allclose(made, committed, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,variables,unknowns,bounds", [
    ("heat.csv", ["t", "x"], ["u"], [(0, 1), (0, 1)]),
    ("reaction.csv", ["x"], ["u"], [(0, 1)]),
    ("lorenz.csv", ["t"], ["x", "y", "z"], [(0, 3)]),
])
def test_example_data_files_read(name, variables, unknowns, bounds):
    obs = read_observations(f"data/{name}", variables, unknowns,
                            pde_file=ROOT / "examples" / "any.pde", bounds=bounds)
    _, table = load(name)
    np.testing.assert_array_equal(obs.points, table[:, : len(variables)])
    for j, unknown in enumerate(unknowns):
        np.testing.assert_array_equal(obs.values[unknown], table[:, len(variables) + j])


# ------------------------------------- the inverse examples as forward problems
def as_forward(path: Path) -> str:
    """The file with each `fit NAME = guess` made `const NAME = <its exact value>` and
    the `data` and constants' `exact` lines dropped: a forward problem today's parser
    reads, so the rest of each inverse example is checked before fitting exists."""
    lines = path.read_text().splitlines()
    fitted = [line.split()[1] for line in lines if line.startswith("fit ")]
    truth = {line.split()[1]: line.split("=", 1)[1].strip()
             for line in lines if line.startswith("exact ") and line.split()[1] in fitted}
    assert set(truth) == set(fitted), "every fitted constant states its exact value"
    out = []
    for line in lines:
        words = line.split()
        if words[:1] == ["fit"]:
            out.append(f"const {words[1]} = {truth[words[1]]}")
        elif words[:1] == ["data"] or words[:1] == ["exact"] and words[1] in fitted:
            continue
        else:
            out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("name", ["inverse_heat", "inverse_reaction", "eigenvalue"])
def test_inverse_example_exact_solution_solves_it(name):
    problem = parse(as_forward(ROOT / "examples" / f"{name}.pde"), filename=f"{name}.pde")
    values = problem.constant_values()

    def with_exact(expr):
        for unknown in problem.unknowns:
            expr = expr.subs(unknown.applied, problem.exact[unknown.name])
        return sympy.simplify(expr.doit().subs(values))

    for equation in problem.equations:
        assert with_exact(equation.residual) == 0
    for condition in problem.conditions:
        for face in condition.faces:
            on_face = with_exact(condition.on_face(face)).subs(
                sympy.Symbol(face.variable), problem.face_value(face))
            assert sympy.simplify(on_face) == 0, (condition, face)


def test_lorenz_example_states_the_lorenz_system():
    problem = parse(as_forward(ROOT / "examples" / "lorenz.pde"), filename="lorenz.pde")
    t = sympy.Symbol("t")
    fields = {u.name: u.applied for u in problem.unknowns}
    x, y, z, dx, dy, dz = sympy.symbols("X Y Z DX DY DZ")
    plain = {sympy.Derivative(fields["x"], t): dx, sympy.Derivative(fields["y"], t): dy,
             sympy.Derivative(fields["z"], t): dz}
    plain_fields = {fields["x"]: x, fields["y"]: y, fields["z"]: z}
    residuals = [e.residual.subs(plain).subs(plain_fields).subs(problem.constant_values())
                 for e in problem.equations]
    expected = [dx - 10 * (y - x), dy - (x * (15 - z) - y),
                dz - (x * y - sympy.Rational(8, 3) * z)]
    assert all(sympy.expand(r - e) == 0 for r, e in zip(residuals, expected))
    _, table = load("lorenz.csv")
    starts = {c.eq.lhs.func.__name__: float(c.eq.rhs) for c in problem.conditions}
    assert starts == dict(zip("xyz", table[0, 1:]))
    assert all(c.faces[0].variable == "t" and c.faces[0].side == "lower"
               for c in problem.conditions)
