"""docs/examples.md lists every example file, and only files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "examples.md").read_text()
LISTED = re.findall(r"^\| `(\w+\.pde)` \|", PAGE, re.M)


def test_every_example_is_listed_once():
    files = sorted(p.name for p in (ROOT / "examples").glob("*.pde"))
    assert sorted(set(LISTED)) == sorted(LISTED), "docs/examples.md lists a file twice"
    missing = sorted(set(files) - set(LISTED))
    assert not missing, f"docs/examples.md: add a row for {missing}"


def test_every_listed_example_exists():
    stale = sorted(n for n in LISTED if not (ROOT / "examples" / n).is_file())
    assert not stale, f"docs/examples.md lists files that do not exist: {stale}"
