"""Observations for inverse problems: measured values of unknowns at points.

A `data "obs.csv"` statement names a CSV file whose first row names the columns
(one or more unknowns and the variables they depend on, in any order; the problem's
other variables may have one too) and whose other rows are observations, one per row.
`read_observations` turns it into plain NumPy arrays; a mistake inside the file is
reported at the file's own line and column. Tables given from Python are read by
`tables.py`, by the same rules.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, NamedTuple, Sequence

import numpy as np

from .errors import PdeError
from .problem import Location

# A decimal number as a measurement file writes it; `float` alone would also take
# '1_000', 'infinity' and 'nan', which are refused (the last two with their own message).
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
NOT_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)

Inside = Callable[[np.ndarray], np.ndarray]  # (n, d) points -> (n,) bools
Bounds = Sequence[tuple[float, float]]
# The unknowns: their names (each over every variable) or name -> its variables.
Unknowns = Sequence[str] | Mapping[str, Sequence[str]]
Fail = Callable[[str, int], PdeError]  # (message, column index) -> the error to raise


@dataclass(frozen=True, eq=False)
class Observations:
    """The rows of one data source.

    `points` is (n, d) in the problem's variable order; `values[name]` is (n,) for each
    observed unknown, listed in `unknowns` in the problem's order. `measured`: the
    variables with a column (default all); the others, which no observed unknown reads,
    hold the middle of their range. `path` is the file read (absolute), or a name for
    data given from Python; `location` is where the `data` statement was, if it was.
    """

    path: str
    variables: tuple[str, ...]
    unknowns: tuple[str, ...]
    points: np.ndarray
    values: Mapping[str, np.ndarray] = field(default_factory=dict)
    location: Location | None = None
    measured: tuple[str, ...] | None = None

    def __post_init__(self):
        if self.measured is None:
            object.__setattr__(self, "measured", tuple(self.variables))

    @property
    def count(self) -> int:
        return int(self.points.shape[0])

    def __eq__(self, other) -> bool:
        """Equal when every field is, arrays compared by value (so Problems compare)."""
        if not isinstance(other, Observations):
            return NotImplemented
        plain = [(o.path, o.variables, o.unknowns, o.location, o.measured)
                 for o in (self, other)]
        return (plain[0] == plain[1] and np.array_equal(self.points, other.points)
                and all(np.array_equal(self.values[u], other.values[u])
                        for u in self.unknowns))

    __hash__ = None  # holds arrays

    def to_json(self) -> dict:
        """Plain JSON data (floats written exactly by `repr`), for a saved run."""
        return {"path": self.path, "variables": list(self.variables),
                "unknowns": list(self.unknowns), "points": self.points.tolist(),
                "values": {u: self.values[u].tolist() for u in self.unknowns},
                "location": [self.location.line, self.location.column] if self.location
                else None, "measured": list(self.measured)}

    @classmethod
    def from_json(cls, data: dict) -> Observations:
        points = np.array(data["points"], dtype=float).reshape(-1, len(data["variables"]))
        values = {u: np.array(data["values"][u], dtype=float) for u in data["unknowns"]}
        for array in (points, *values.values()):
            array.setflags(write=False)
        location = Location(*data["location"]) if data.get("location") else None
        measured = tuple(data.get("measured") or data["variables"])  # older runs: all
        return cls(data["path"], tuple(data["variables"]), tuple(data["unknowns"]), points,
                   values, location, measured)


def region_inside(variables: Sequence[str], region) -> Inside | None:
    """Whether points (columns in `variables` order, time included) lie in the
    problem's region (its boundary included); None for a box, whose ranges suffice.
    Its `variables` are the region's: points of a source without a column for one of
    them are checked against the ranges only."""
    if region is None:
        return None
    columns = [list(variables).index(v) for v in region.variables]

    def inside(points: np.ndarray) -> np.ndarray:
        return region.shape.contains(np.asarray(points)[:, columns])

    inside.variables = tuple(region.variables)
    return inside


def resolve_path(written: str, pde_file: str | os.PathLike | None) -> Path:
    """The absolute path of a data file: relative paths start at the `.pde` file's
    folder, or at the working directory for text that came from no file."""
    path = Path(written)
    if not path.is_absolute():
        base = _base_folder(pde_file)
        path = (base or Path.cwd()) / path
    return Path(os.path.abspath(path))


def _base_folder(pde_file: str | os.PathLike | None) -> Path | None:
    """The folder of a real file; None for no file or a placeholder like '<input>'."""
    if pde_file is None:
        return None
    name = os.fspath(pde_file)
    if not name or name.startswith("<"):
        return None
    return Path(os.path.abspath(name)).parent


def read_observations(
    written: str,
    variables: Sequence[str],
    unknowns: Unknowns,
    *,
    pde_file: str | os.PathLike | None = None,
    bounds: Bounds | None = None,
    inside: Inside | None = None,
    location: Location | None = None,
    statement_error: Callable[[str], PdeError] | None = None,
) -> Observations:
    """The observations in the CSV file `written` (the path as the `.pde` file says it).

    `unknowns`: each with its variables (a name alone depends on every variable).
    `bounds` (one (lower, upper) per variable) and `inside` (points -> bools, for
    regions) say where the domain is; a point outside it is an error. Errors about the
    statement itself (no such file) are made by `statement_error(message)`, so they can
    point at the `data` statement; without it they name the `.pde` file only.
    """
    path = resolve_path(written, pde_file)
    text = _read_text(path, pde_file, statement_error)
    name = str(path)

    def fail(message: str, line: int, column: int) -> PdeError:
        return PdeError(message, filename=name, text=text, line=line, column=column)

    rows = _rows(text, fail)
    if not rows:
        raise fail("the data file is empty: its first row must name the columns, "
                   f"e.g. {_example(variables, unknowns)}", 1, 1)
    header = rows[0]
    _check_separator(header, fail)
    names = [cell.strip() for cell, _ in header.cells]
    check_header(names, variables, unknowns,
                  lambda message, j: fail(message, header.line, _caret(header.cells[j])))
    if len(rows) == 1:
        raise fail("the data file has a header but no observations: "
                   "write one observation per row after it", header.line, 1)
    table = np.array([_numbers(row, names, fail) for row in rows[1:]])

    def fail_cell(message: str, row: int, j: int) -> PdeError:
        line, cells, _ = rows[row + 1]
        return fail(message, line, _caret(cells[j]))

    return make_observations(name, table, names, variables, unknowns, bounds, inside,
                         fail_cell, location)


def _read_text(path: Path, pde_file, statement_error) -> str:
    """The file's text with newlines normalised; a missing file is the statement's error."""

    def fail(message: str) -> PdeError:
        if statement_error is not None:
            return statement_error(message)
        return PdeError(message, filename=os.fspath(pde_file or "<input>"))

    folder = _base_folder(pde_file)
    relative = (f"a data path is relative to the folder of the .pde file, {folder}"
                if folder else "a data path is relative to the working directory "
                "when the problem is not read from a file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail(f"no such data file: {path} ({relative})") from None
    except IsADirectoryError:
        raise fail(f"the data path {path} is a directory, not a file") from None
    except OSError as error:
        raise fail(f"cannot read the data file {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise PdeError(f"not a text file (UTF-8): byte 0x{data[error.start]:02x}",
                       filename=str(path), text=data.decode("utf-8", "replace"),
                       line=line, column=column) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


Cell = tuple[str, int]  # the cell's text (unquoted) and the column it starts at


class Row(NamedTuple):
    """One non-blank line of the file: its number, its cells, the column past its end."""

    line: int
    cells: list[Cell]
    end: int


def _rows(text: str, fail) -> list[Row]:
    """The lines that are not blank, split into cells. A quoted cell must close on its
    own line: the csv module would silently end it at the line's end instead."""
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            starts, open_quote = _field_starts(line)
            if open_quote is not None:
                raise fail('unterminated quote: a quoted cell must end with " on the '
                           "same line", number, open_quote)
            values = next(csv.reader([line]))
            cells = [(v, starts[k] if k < len(starts) else 1) for k, v in enumerate(values)]
            rows.append(Row(number, cells, len(line) + 1))
    return rows


def _field_starts(line: str) -> tuple[list[int], int | None]:
    """The column where each field of a CSV line starts, by the csv module's rules:
    a quote opens a quoted field only at the field's start; `""` inside is a quote.
    Also the column of a quote still open at the line's end, or None."""
    starts, state, opened = [1], "start", 0
    for index, char in enumerate(line):
        if state == "quoted":
            state = "closing" if char == '"' else "quoted"
        elif char == ",":
            starts.append(index + 2)
            state = "start"
        elif state == "start" and char == '"':
            state, opened = "quoted", index + 1
        elif state == "closing" and char == '"':
            state = "quoted"
        else:
            state = "field"
    return starts, (opened if state == "quoted" else None)


def _check_separator(header: Row, fail) -> None:
    """A header of one cell with ';' or a tab in it: a file written with another
    separator, which the check of the names would report as one odd column name."""
    if len(header.cells) != 1:
        return
    text, start = header.cells[0]
    for separator, said in ((";", "';'"), ("\t", "tabs")):
        if separator in text:
            raise fail(f"the cells of a data file are separated by commas, not {said}",
                       header.line, start + text.index(separator))


def _caret(cell: Cell) -> int:
    """The column of a cell's first non-blank character (its start if it is blank)."""
    text, start = cell
    return start + len(text) - len(text.lstrip()) if text.strip() else start


def depends(variables: Sequence[str], unknowns: Unknowns) -> dict[str, tuple[str, ...]]:
    """Each unknown's variables, in the problem's order (a name alone: all of them)."""
    if isinstance(unknowns, Mapping):
        return {u: tuple(v for v in variables if v in over) for u, over in unknowns.items()}
    return {u: tuple(variables) for u in unknowns}


def _example(variables: Sequence[str], unknowns: Unknowns) -> str:
    """A header for the first unknown: 't,x,u'."""
    name, over = next(iter(depends(variables, unknowns).items()))
    return ",".join([*over, name])


def check_header(names: list[str], variables, unknowns: Unknowns, fail: Fail) -> None:
    """Check the header's names: at least one unknown must be observed, each variable
    an observed unknown depends on needs a column, and nothing else may be named (a
    variable no observed unknown depends on may be)."""
    over = depends(variables, unknowns)
    known = [*variables, *over]
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if not name:
            raise fail("empty column name: name each column after a variable or an "
                       f"unknown ({', '.join(known)})", j)
        if NUMBER.fullmatch(name):
            raise fail("the first row must name the columns "
                       f"(e.g. {_example(variables, unknowns)}), not hold numbers", j)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"one of {', '.join(known)}"
            raise fail(f"column '{_shown(name)}' is not a variable or unknown of the problem "
                       f"({hint})", j)
        if name in seen:
            raise fail(f"the header names '{name}' twice (column {seen[name] + 1} and "
                       f"column {j + 1})", j)
        seen[name] = j
    observed = [u for u in over if u in seen]
    if not observed:
        raise fail("no column for an unknown: name at least one of "
                   f"{', '.join(over)}", 0)
    for variable in variables:
        needs = [f"{u}({', '.join(over[u])})" for u in observed if variable in over[u]]
        if variable not in seen and needs:
            raise fail(f"no column for the variable '{variable}', which the observed "
                       f"unknown {needs[0]} depends on: a data file needs a column for "
                       "each variable of the unknowns it observes", 0)


def _numbers(row: Row, names: list[str], fail) -> list[float]:
    """One row's values, in header order."""
    if len(row.cells) > len(names):
        raise fail(f"too many values: the header names {len(names)} columns",
                   row.line, _caret(row.cells[len(names)]))
    values = []
    for j, name in enumerate(names):
        if j >= len(row.cells):
            raise fail(f"missing value for column '{name}': the row has {len(row.cells)} "
                       f"values and the header names {len(names)}", row.line, row.end)
        text, column = row.cells[j][0].strip(), _caret(row.cells[j])
        if not text:
            raise fail(f"missing value for column '{name}' (every row needs a number in "
                       "every column; observations of different unknowns at different "
                       "points go in separate data files)", row.line, column)
        if NOT_FINITE.fullmatch(text):
            raise fail(f"'{text}' in column '{name}' is not a finite number",
                       row.line, column)
        if not NUMBER.fullmatch(text):
            raise fail(f"'{_shown(text)}' in column '{name}' is not a number", row.line, column)
        value = float(text)
        if not np.isfinite(value):
            raise fail(f"'{text}' in column '{name}' is too large for a float",
                       row.line, column)
        values.append(value)
    return values


def _shown(text: str) -> str:
    """A cell's text for a message, control characters escaped ('\\x00'): printed as
    they are, they vanish and the message names something that looks fine."""
    return text if text.isprintable() else repr(text)[1:-1]


def make_observations(path, table, names, variables, unknowns, bounds, inside,
                      fail_cell, location) -> Observations:
    """Observations from an (n, columns) table named by `names`, after the domain check.
    `fail_cell(message, row, column index)` makes the error for one value. A variable
    without a column (no observed unknown depends on it) takes the middle of its range."""
    column = {name: j for j, name in enumerate(names)}
    measured = tuple(v for v in variables if v in column)
    middle = [0.0] * len(variables) if bounds is None else [(a + b) / 2 for a, b in bounds]
    points = np.empty((len(table), len(variables)))
    for i, v in enumerate(variables):
        points[:, i] = table[:, column[v]] if v in column else middle[i]
    _check_domain(points, variables, measured, bounds, inside,
                  lambda message, row, i: fail_cell(message, row, column[variables[i]]))
    observed = tuple(u for u in depends(variables, unknowns) if u in column)
    values = {u: np.ascontiguousarray(table[:, column[u]], dtype=float) for u in observed}
    points.setflags(write=False)
    for array in values.values():
        array.setflags(write=False)
    return Observations(path, tuple(variables), observed, points, values, location,
                        measured)


def _check_domain(points, variables, measured, bounds, inside, fail) -> None:
    """Every point in the closed domain: each measured coordinate within its range,
    then the whole point inside the region when every variable of the region is
    measured (`fail(message, row, variable index)`)."""
    if bounds is not None:
        for i, (name, (lower, upper)) in enumerate(zip(variables, bounds)):
            out = np.flatnonzero((points[:, i] < lower) | (points[:, i] > upper))
            if name in measured and out.size:
                row = int(out[0])
                raise fail(f"{name} = {float(points[row, i])!r} is outside the domain "
                           f"({name} in [{lower:g}, {upper:g}])", row, i)
    if inside is not None and set(getattr(inside, "variables", variables)) <= set(measured):
        out = np.flatnonzero(~np.asarray(inside(points), dtype=bool))
        if out.size:
            row = int(out[0])
            where = ", ".join(f"{v} = {float(x)!r}" for v, x in zip(variables, points[row])
                              if v in measured)
            raise fail(f"the point ({where}) is outside the domain", row,
                       variables.index(measured[0]))
