"""The theory page's experiments (docs/theory.md, written by bench/theory.py) stay true.

Fast, no training: the page's generated region is exactly what bench/theory.py renders
from docs/theory.json, the JSON holds the runs the script makes, every image the page
shows exists, and the theory-* images in docs/img are the ones the script writes, each
shown by the page (none left over from an older version).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGE = DOCS / "theory.md"
STATED = DOCS / "theory.json"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def script():
    """bench/theory.py as a module (it imports bench/gallery.py as `gallery`)."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.append(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_theory", ROOT / "bench" / "theory.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_region_is_rendered_from_the_json():
    theory, text = script(), PAGE.read_text()
    assert text.count(theory.BEGIN) == 1 and text.count(theory.END) == 1
    region = text[text.index(theory.BEGIN):text.index(theory.END) + len(theory.END) + 1]
    assert region == theory.render(json.loads(STATED.read_text()))


def test_the_json_holds_the_runs_the_script_makes():
    theory, stated = script(), json.loads(STATED.read_text())
    assert list(stated["runs"]) == list(theory.RUNS)
    for name, (problem, file, overrides) in theory.RUNS.items():
        run = stated["runs"][name]
        assert (run["problem"], run["file"], run["overrides"]) == (problem, file, overrides)
        assert run["error"] is not None and run["error"] > 0
    assert stated["figures"] == theory.FIGURES
    assert sorted(stated["heat"]["kernels"]) == sorted(theory.KERNELS)


def test_every_image_of_the_page_exists():
    images = IMAGE.findall(PAGE.read_text())
    assert images
    assert not [link for link in images if not (DOCS / link).is_file()]


def test_the_theory_images_are_the_scripts_and_all_shown():
    theory = script()
    written = sorted(p.name for p in (DOCS / "img").glob("theory-*"))
    shown = sorted(Path(link).name for link in IMAGE.findall(PAGE.read_text())
                   if Path(link).name.startswith("theory-"))
    assert written == sorted(theory.IMAGES) == sorted(json.loads(STATED.read_text())["images"])
    assert shown == written
