"""docs/troubleshooting.md covers how a run can end and every refusal outside the file.

Each status and each reason the training loop writes, and each input error that the
command line and the run's configuration raise (cli.py, cli_compare.py, config.py, run.py, sharding.py,
constraint.py), is on the page: a new refusal or stop reason fails here until the page
says what it means and what to do.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "troubleshooting.md").read_text()
RAISERS = ["cli.py", "cli_compare.py", "config.py", "run.py", "sharding.py", "constraint.py"]
LITERAL = re.compile(r"PdeError\(\s*f?\"([^\"]+)\"")
# refusals of settings that config.py raises from the file's checks (for --set too)
SHARED = ("language/check.py", re.compile(r"return \(f?\"([^\"]+)\""))
# a reason: the string after a status, one that `result.reason` is set to, or a failure's
REASON = re.compile(r"(?:\"(?:converged|max_steps|diverged|interrupted)\",\s*\(?|"
                    r"result\.reason = (?=f)|return (?=f))f?\"([^\"]+)\"")


def fixed_text(template: str) -> str:
    """The longest piece of an f-string template without a replacement field."""
    pieces = [p.strip(" :;,(") for p in re.split(r"\{[^}]*\}", template)]
    return max(pieces, key=len)


def messages() -> list[tuple[str, str]]:
    found = []
    for name, pattern in [*((name, LITERAL) for name in RAISERS), SHARED]:
        for m in pattern.finditer((ROOT / "pdedsl" / name).read_text()):
            text = fixed_text(m[1])
            if len(text) >= 5:  # not a bare "{name}: {error}", which passes another's on
                found.append((name, text))
    return found


def reasons() -> list[str]:
    from pdedsl.train import STATUSES

    source = (ROOT / "pdedsl" / "train.py").read_text()
    found = {fixed_text(m[1]) for m in REASON.finditer(source)}
    return sorted(found - set(STATUSES))  # the tuple of statuses reads like a pair


def test_the_templates_are_read():
    assert fixed_text("the floor: {self.patience} steps without progress (loss") == \
        "steps without progress (loss"
    assert len(reasons()) >= 7 and len(messages()) >= 15


def test_every_status_is_explained():
    from pdedsl.train import STATUSES

    for status in STATUSES:
        assert f"{status}: `" in PAGE or f"| {status} " in PAGE, status


@pytest.mark.parametrize("reason", reasons())
def test_every_stop_reason_is_explained(reason):
    assert reason in PAGE, f"docs/troubleshooting.md: say what '{reason}' means and what to do"


@pytest.mark.parametrize("where, message", messages(), ids=[m for _, m in messages()])
def test_every_refusal_outside_the_file_is_explained(where, message):
    assert message in PAGE, f"docs/troubleshooting.md: add pdedsl/{where}'s '{message}'"
