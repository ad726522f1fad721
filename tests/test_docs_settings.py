"""docs/solvers.md is the settings table: its tables are generated from
pdedsl/language/settings.py, and its sampling table is what pdedsl/geometry.py does."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from pdedsl import geometry
from pdedsl.language import settings
from pdedsl.language.problem import Face
from pdedsl.language.show import defaults_table

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "solvers.md").read_text()
BLOCK = re.compile(r"<!-- defaults: (\w+) -->\n(.*?)\n<!-- end of defaults -->", re.S)
TABLES = {**settings.SOLVERS, **settings.MODELS, "sample": settings.SAMPLE}


def test_every_settings_table_is_shown_and_generated():
    shown = dict(BLOCK.findall(PAGE))
    assert sorted(shown) == sorted(TABLES), "docs/solvers.md: one <!-- defaults: NAME --> block per table"
    for name, options in TABLES.items():
        absent = "by dimension" if name in ("sample", "mlp") else "none"
        assert shown[name] == defaults_table(options, absent), (
            f"docs/solvers.md's {name} table is stale: paste pdedsl.language.show.defaults_table")


def test_the_table_says_what_the_defaults_are():
    anagram = dict(BLOCK.findall(PAGE))["anagram"]
    for name, value in settings.defaults(settings.SOLVERS["anagram"]).items():
        cell = re.search(rf"^\| `{name}` \| ([^|]+) \|", anagram, re.M)[1].strip()
        assert cell.strip("`") == str(value) or float(cell.replace("∞", "inf")) == value, name


def test_the_sampling_table_is_what_the_points_are():
    rows = re.findall(r"^\| (\d)(?: and more)? \| (\d+) \| (\d+) \| `(\w+)` \| (\d+)[^|]* \| (\d+) ",
                      PAGE, re.M)
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
    for d, interior, boundary, method, got_interior, got_boundary in rows:
        d = int(d)
        assert geometry.default_counts(d) == (int(interior), int(boundary))
        assert geometry.default_method(d) == method
        names = [f"x{i}" for i in range(d)]
        faces = [None] + [Face(n, side) for n in names for side in ("lower", "upper")]
        points = geometry.collocation_points(np.array([[0.0, 1.0]] * d), names, faces,
                                             interior=int(interior), boundary=int(boundary),
                                             method=method, seed=0)
        assert len(points[0]) == int(got_interior), d
        assert sum(len(p) for p in points[1:]) == int(got_boundary), d
    assert "13³ = 2197" in PAGE


def test_the_memory_table_of_coming_from_is_n_times_p_times_8():
    """docs/coming-from.md: Φ̂ takes N·P·8 bytes, and its examples' N and P are the files'."""
    from pdedsl import prepare
    from pdedsl.least_squares import flatten

    page = (ROOT / "docs" / "coming-from.md").read_text()
    units = {"KB": 1e3, "MB": 1e6, "GB": 1e9}
    rows = re.findall(r"^\| ([\d⁰¹²³⁴⁵]+) \| ([\d⁰¹²³⁴⁵]+) \| ([\d.]+) (KB|MB|GB) \| (.*) \|$", page, re.M)
    assert len(rows) >= 6

    def number(text: str) -> int:
        if "10" in text and text != "1020" and any(c in text for c in "⁰¹²³⁴⁵"):
            return 10 ** "⁰¹²³⁴⁵".index(text[-1])
        return int(text)

    for n, p, size, unit, example in rows:
        n, p = number(n), number(p)
        assert float(size) * units[unit] == pytest.approx(n * p * 8, rel=0.05), (n, p)
        file = re.search(r"`(\w+\.pde)`", example)
        if file:
            prepared = prepare(ROOT / "examples" / file[1])
            assert sum(len(x) for x in prepared.points) == n, file[1]
            assert flatten(prepared.model)[0].size == p, file[1]
