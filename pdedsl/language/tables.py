"""Observations given from Python: a dict of arrays, a DataFrame-like table, a 2-D
array with its column names, or a list of these (and paths to CSV files), checked by
the same rules as a data file; errors name the row (from 0) instead of a line."""

from __future__ import annotations

import os
from typing import Mapping, Sequence

import numpy as np

from .data import (Bounds, Inside, Observations, Unknowns, check_header,
                   make_observations, read_observations, region_inside)
from .errors import PdeError


def observations_from_table(
    table,
    variables: Sequence[str],
    unknowns: Unknowns,
    *,
    columns: Sequence[str] | None = None,
    bounds: Bounds | None = None,
    inside: Inside | None = None,
    name: str = "<data>",
) -> Observations:
    """Observations given from Python: a dict of arrays, a DataFrame-like object (it has
    `.columns` and `table[column]`), or a 2-D array with `columns` naming its columns.
    Same rules as a file; errors name the row index (from 0)."""
    names, arrays = _table_columns(table, columns, name)

    def fail(message: str) -> PdeError:
        return PdeError(message, filename=name)

    check_header(names, variables, unknowns, lambda message, j: fail(message))
    matrix = np.column_stack(arrays)
    if matrix.shape[0] == 0:
        raise fail("the data have no rows")
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        row, j = (int(k) for k in bad[0])
        raise fail(f"column '{names[j]}' row {row} (from 0): {matrix[row, j]} is not a finite number")
    return make_observations(name, matrix, names, variables, unknowns, bounds, inside,
                         lambda message, row, j: fail(f"row {row} (from 0): {message}"), None)


def observations_for(problem, data) -> tuple[Observations, ...]:
    """The observations `data` gives for `problem`, in place of its `data` statements:
    a path to a CSV file (relative to the working directory), a table (a dict of
    arrays, a DataFrame-like object), a pair (2-D array, column names), Observations,
    or a list of these."""
    if not _single(data) and not isinstance(data, (list, tuple)):
        raise PdeError(f"data: expected {KINDS}, not {_what(data)}", filename="<data>")
    items = [data] if _single(data) else list(data)
    variables = [v.name for v in problem.variables]
    unknowns = {u.name: u.variables for u in problem.unknowns}
    bounds = problem.bounds()
    inside = region_inside(variables, problem.region)
    found = []
    for k, item in enumerate(items, start=1):
        if isinstance(item, Observations):
            found.append(item)
        elif isinstance(item, (str, os.PathLike)):
            _check_path(os.fspath(item))
            found.append(read_observations(os.fspath(item), variables, unknowns,
                                           bounds=bounds, inside=inside))
        elif isinstance(item, tuple) and len(item) == 2 and _names(item[1]):
            found.append(observations_from_table(item[0], variables, unknowns,
                                                 columns=item[1], bounds=bounds,
                                                 inside=inside, name=f"<data {k}>"))
        else:
            found.append(observations_from_table(item, variables, unknowns, bounds=bounds,
                                                 inside=inside, name=f"<data {k}>"))
    return tuple(found)


KINDS = ("a CSV path, a dict of columns, a table with columns, a pair (2-D array, column "
         "names) or a list of these")


def _what(value) -> str:
    return f"{type(value).__name__} {value!r:.40}"


def _check_path(path: str) -> None:
    """A data path given from Python or --data is relative to the working directory."""
    if not os.path.exists(path):
        raise PdeError(f"no such data file (a path given to data= or --data is relative to "
                       f"the working directory, {os.getcwd()})", filename=path)
    if os.path.isdir(path):
        raise PdeError("the data path is a directory, not a file", filename=path)


def _single(data) -> bool:
    """Whether `data` is one source (else a list of sources)."""
    if isinstance(data, (str, os.PathLike, Observations, Mapping)) or hasattr(data, "columns"):
        return True
    if isinstance(data, tuple) and len(data) == 2 and _names(data[1]):
        return True
    return isinstance(data, np.ndarray)


def _names(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and all(isinstance(v, str) for v in value))


def _table_columns(table, columns, name) -> tuple[list[str], list[np.ndarray]]:
    """(column names, one float array per column) from any of the accepted kinds."""
    if isinstance(table, Mapping):
        names = [str(key) for key in table]
        raw = [table[key] for key in table]
    elif hasattr(table, "columns") and columns is None:
        names = [str(key) for key in table.columns]
        raw = [table[key] for key in table.columns]
    else:
        array = np.asarray(table) if isinstance(table, (np.ndarray, list, tuple)) else None
        if array is None or array.ndim != 2:
            raise PdeError(f"expected {KINDS}, not {_what(table)}", filename=name)
        if columns is None or array.shape[1] != len(columns):
            raise PdeError(f"a {array.shape[0]}x{array.shape[1]} array of observations needs "
                           f"a list of its {array.shape[1]} column names: data=(array, "
                           f"['x', ..., 'u'])", filename=name)
        names = [str(c) for c in columns]
        raw = list(array.T)
    arrays = []
    for column, values in zip(names, raw):
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise PdeError(f"column '{column}' is not numeric", filename=name) from None
        if array.ndim != 1:
            raise PdeError(f"column '{column}' is not one-dimensional", filename=name)
        arrays.append(array)
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise PdeError(f"the columns have different lengths ({sorted(lengths)})",
                       filename=name)
    return names, arrays
