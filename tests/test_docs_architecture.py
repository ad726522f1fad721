"""docs/architecture.md names every module of the package, and only modules that exist.

Its tables' first cells name files: `pdedsl/solvers/anagram.py`, `engd.py` (a name
without a folder is in the folder of the cell's first name). A module added without a
line there, or a line left behind by a module removed or renamed, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"
ROW = re.compile(r"^\| (?P<cell>[^|]*`[^|]*) \|", re.M)
NAME = re.compile(r"`([^`]+)`")


def named_files(text: str) -> set[str]:
    """The paths (from the repository's root) the tables' first cells name."""
    found = set()
    for row in ROW.finditer(text):
        names = NAME.findall(row["cell"])
        folder = names[0].rsplit("/", 1)[0] if "/" in names[0] else ""
        for name in names:
            found.add(name if "/" in name or not folder else f"{folder}/{name}")
    return found


def modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "pdedsl").rglob("*.py")}


def test_the_reader_of_the_tables_resolves_names():
    text = ("| module | job |\n|---|---|\n| `pdedsl/solvers/anagram.py`, `engd.py` | a |\n"
            "| `pdedsl/cli.py`, `__main__.py` | b |\n| `grammar/pde.lark` | c |\n")
    assert named_files(text) == {"pdedsl/solvers/anagram.py", "pdedsl/solvers/engd.py",
                                 "pdedsl/cli.py", "pdedsl/__main__.py", "grammar/pde.lark"}


def test_every_module_is_in_the_architecture_page():
    missing = sorted(modules() - named_files(PAGE.read_text()))
    assert not missing, f"docs/architecture.md: add a line for {missing}"


def test_every_file_the_page_names_exists():
    stale = sorted(n for n in named_files(PAGE.read_text()) if not (ROOT / n).is_file())
    assert not stale, f"docs/architecture.md names files that do not exist: {stale}"
