"""The pages and the code speak of pdedsl only, not of how it was made.

A reader of the docs or of a docstring has no use for the project's working history:
no "session 4", no "issue 8", no "the contract", no talk where the ANaGRAM paper is
meant (cite Schwencke & Furtlehner, ICLR 2025), no internal files (LANGUAGE.md,
DESIGN.md, ../shared). Dates say when something was measured.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [*(ROOT / "docs").glob("*.md"), ROOT / "README.md", ROOT / "bench" / "README.md",
     ROOT / "bench" / "MEASUREMENTS.md", ROOT / "examples" / "README.md",
     *(ROOT / "pdedsl").rglob("*.py"), *(ROOT / "bench").rglob("*.py"),
     *(ROOT / "bench" / "recorded").rglob("*.md"),
     *(ROOT / "examples").glob("*.pde"),
     *(p for p in (ROOT / "tests").glob("*.py") if p.name != Path(__file__).name)]
)
# Case-insensitive, except the internal files' names: docs/language.md is a real page.
WORDS = [re.compile(pattern, re.I) for pattern in (
    r"\bsessions? \d+", r"\bsession-\d+", r"\bissues? \d+", r"\bissue's\b", r"\bthe contract\b",
    r"\btalks?\b", r"\.\./shared\b", r"/work/shared\b",
)] + [re.compile(r"\bLANGUAGE\.md\b"), re.compile(r"\bDESIGN\.md\b")]


def internal_words(text: str) -> list[str]:
    """'LINE: WORD' for every internal word in a text."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        found += [f"{number}: {m.group(0)}" for pattern in WORDS for m in pattern.finditer(line)]
    return found


def test_the_word_list_finds_what_it_should():
    text = ("In session 6 (issue 8) the talk's step, per LANGUAGE.md and ../shared.\n"
            "See docs/language.md: a talkative sessions table, tissue 3, the contractor.\n")
    assert sorted(w.split(": ", 1)[1] for w in internal_words(text)) == sorted(
        ["session 6", "issue 8", "talk", "../shared", "LANGUAGE.md"])
    assert all(w.startswith("1: ") for w in internal_words(text))


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_no_internal_words(path):
    found = internal_words(path.read_text())
    assert not found, f"{path.relative_to(ROOT)}: {found}"


PLACEHOLDER = re.compile(r"^\s*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\s*$")  # a line such as RESULTS_TABLE


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".md"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_placeholder_left_in_a_page(path):
    """A line that is one upper-case token is text meant to be filled in, not prose."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if PLACEHOLDER.match(line)]
    assert not lines, f"{path.relative_to(ROOT)}: placeholder on lines {lines}"


def test_the_placeholder_pattern_finds_what_it_should():
    assert PLACEHOLDER.match("RESULTS_TABLE") and PLACEHOLDER.match("  TABLE_2 ")
    assert not PLACEHOLDER.match("NOTE") and not PLACEHOLDER.match("use RESULTS_TABLE here")
