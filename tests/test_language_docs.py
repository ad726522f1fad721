"""docs/language.md stays true: every setting is listed, the examples are the files."""

from pathlib import Path

from pdedsl.language import settings as schema

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "language.md").read_text()


def test_every_setting_is_documented():
    table = DOC.split("<!-- settings table")[1].split("<!-- end of settings table")[0]
    names = {n for options in schema.SOLVERS.values() for n in options}
    names |= {n for options in schema.MODELS.values() for n in options} | set(schema.SAMPLE)
    missing = sorted(n for n in names if f"| `{n}` |" not in table)
    assert not missing, f"add to docs/language.md (pdedsl.language.show.settings_table()): {missing}"
    for choice in [c for options in schema.MODELS.values() for o in options.values()
                   for c in o.choices or ()]:
        assert f"`{choice}`" in table


def test_examples_in_the_reference_are_the_files():
    for name in ("laplace.pde", "heat.pde"):
        assert (ROOT / "examples" / name).read_text() in DOC
