"""The measured numbers the pages state are the recorded ones.

Every number in scientific notation with two or more significant digits (2.3e-9,
3.716e-12) and every timing written "N s" (20 s, 0.86 s) in the pages below must be
found, to the digits the page gives, among the numbers of a recorded file: the files
under bench/recorded/ or a docs/*.json written by a bench script (gallery.json,
theory.json, green.json, start.json), each page checked against its own (SOURCES). Constants that were never measured (√ε, the
paper code's one run quoted as a target) are listed in ALLOWED with their reason.

Read: prose, and the ```text and ```console transcripts; not the ```pde, ```python or
```bash inputs, and not the lines where NumPy prints an array (values of a function).
When a rerun changes a number, the page must change with its recorded file.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = sorted(p for p in (ROOT / "bench" / "recorded").rglob("*") if p.is_file())
DOCS = ROOT / "docs"
# Each page and the recorded files its numbers come from (a page's own, not any file:
# with hundreds of recorded numbers, a stale one would too often match by chance).
SOURCES = {
    ROOT / "README.md": [DOCS / "start.json", DOCS / "theory.json", DOCS / "gallery.json"],
    DOCS / "index.md": [DOCS / "theory.json", DOCS / "gallery.json"],
    DOCS / "getting-started.md": [DOCS / "start.json", DOCS / "gallery.json"],
    DOCS / "solvers.md": BENCH,
    DOCS / "theory.md": [DOCS / "theory.json", *BENCH],
    DOCS / "green.md": [DOCS / "green.json"],
    DOCS / "scale.md": [*sorted((ROOT / "bench" / "recorded").glob("scale*")),
                        ROOT / "bench" / "recorded" / "device.json"],
    DOCS / "troubleshooting.md": [ROOT / "bench" / "recorded" / "residual-ratio.json",
                                  ROOT / "bench" / "recorded" / "accuracy.json"],
    DOCS / "examples.md": [],
}
ALLOWED = {
    "1.5e-8": "√ε of float64, the σ below which ENGD's squared Jacobian is noise",
    "4.9e-9": "the ANaGRAM paper's code on Laplace 2D, one run: the reference target",
    "3.2e-6": "the ANaGRAM paper's code on heat 1+1D, one run: the reference target",
}
FENCE = re.compile(r"^ *```([^\n]*)\n(.*?)^ *```", re.S | re.M)
SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+-]?\d+)(?![\w.])")
TIMING = re.compile(r"(?<![\w./])(\d+(?:\.\d+)?) s\b")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
ARRAY_LINE = re.compile(r"^\s*\[?\s*-?\d\.\d+e[+-]\d+(\s+-?\d\.\d+e[+-]\d+)*\]?\s*$")


def readable(text: str) -> str:
    """The page without its input blocks and array prints."""
    def keep(match):
        language = match[1].strip().split()[0].lstrip("{.") if match[1].strip() else ""
        return match[2] if language in ("text", "console") else ""

    text = FENCE.sub(keep, text)
    return "\n".join(line for line in text.splitlines() if not ARRAY_LINE.match(line))


def significant(mantissa: str) -> int:
    return len(mantissa.replace(".", "").lstrip("0"))


def stated(text: str) -> list[tuple[str, float, int, str]]:
    """(as written, value, digits, kind) of every number the test checks."""
    found = []
    for m in SCIENTIFIC.finditer(text):
        digits = significant(m[1])
        if digits >= 2:
            found.append((m[0], float(m[0]), digits, "scientific"))
    for m in TIMING.finditer(text):
        decimals = len(m[1].split(".")[1]) if "." in m[1] else 0
        found.append((m[0], float(m[1]), decimals, "timing"))
    return found


def recorded_values(files: list[Path]) -> list[float]:
    values = []

    def walk(item):
        if isinstance(item, bool):
            return
        if isinstance(item, (int, float)):
            values.append(float(item))
        elif isinstance(item, str):
            values.extend(float(n) for n in NUMBER.findall(item))
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(key)
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    for path in files:
        text = path.read_text(errors="replace")
        if path.suffix == ".json":
            walk(json.loads(text))
        else:
            walk(text)
    return [v for v in values if math.isfinite(v)]


def matches(value: float, digits: int, kind: str, values: list[float]) -> bool:
    if kind == "scientific":
        return any(v != 0 and float(f"{v:.{digits - 1}e}") == value for v in values)
    return any(round(v, digits) == value for v in values)


def test_the_reader_finds_the_numbers():
    text = ("It ends at 2.3e-9 in 20 s (1e-7, 0.40 s), 3.716e-12\n"
            "```python\nsolve(rcond=1.5e-6)\n```\n```text\n[1.00000000e+00 7.07106781e-01]\nloss 2.095e+01\n```\n")
    assert [(w, d) for w, _, d, _ in stated(readable(text))] == [
        ("2.3e-9", 2), ("3.716e-12", 4), ("2.095e+01", 4), ("20 s", 0), ("0.40 s", 2)]
    assert matches(2.3e-9, 2, "scientific", [2.2524641715672774e-09])
    assert not matches(2.3e-9, 2, "scientific", [2.2e-09])
    assert matches(88.0, 0, "timing", [87.6476])


@pytest.mark.parametrize("page", list(SOURCES), ids=[p.name for p in SOURCES])
def test_every_measured_number_is_recorded(page):
    values = recorded_values(SOURCES[page])
    unknown = [written for written, value, digits, kind in stated(readable(page.read_text()))
               if written not in ALLOWED and not matches(value, digits, kind, values)]
    assert not unknown, (f"{page.relative_to(ROOT)}: numbers found in none of its recorded "
                         f"files {[p.name for p in SOURCES[page]][:4]}: {unknown}")
