"""The error and warning types of the front end: a message pinned to a place in a file."""

from __future__ import annotations

from dataclasses import dataclass


class PdeError(Exception):
    """A mistake in a `.pde` file (or in an override of one of its settings).

    `str(error)` is `FILE:LINE:COL: error: MESSAGE`, then the offending line and a
    caret under the column: what the command line prints, with no traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: str = "<input>",
        text: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.text = text
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return located("error", self.message, self.filename, self.text, self.line, self.column)


@dataclass(frozen=True)
class PdeWarning:
    """Something in a valid file that is probably not what its author meant (an exact
    solution that does not satisfy an equation, a missing initial condition, ...).

    `str(warning)` is `FILE:LINE:COL: warning: MESSAGE`, the line and a caret.
    """

    message: str
    line: int | None = None
    column: int | None = None
    filename: str = "<input>"
    text: str | None = None

    def __str__(self) -> str:
        return located("warning", self.message, self.filename, self.text, self.line,
                       self.column)

    def as_error(self) -> PdeError:
        return PdeError(self.message, filename=self.filename, text=self.text,
                        line=self.line, column=self.column)


def located(kind: str, message: str, filename: str, text: str | None, line: int | None,
            column: int | None) -> str:
    """`FILE:LINE:COL: KIND: MESSAGE`, then the line and a caret under the column."""
    if line is None:
        return f"{filename}: {kind}: {message}"
    column = column or 1
    head = f"{filename}:{line}:{column}: {kind}: {message}"
    lines = None if text is None else text.splitlines() or [""]  # an empty file: an empty line
    if lines is None or not 1 <= line <= len(lines):
        return head
    source_line = "".join(c if c.isprintable() else "\ufffd"  # nothing a terminal acts on
                          for c in lines[line - 1].expandtabs(1))
    shown, caret = _window(source_line, column)
    return f"{head}\n    {shown}\n    {' ' * (caret - 1)}^"


SHOWN = 100  # the most characters of a source line shown under a message


def _window(source_line: str, column: int) -> tuple[str, int]:
    """The part of a long line around `column`, with `...` where it is cut, and the
    caret's column in it: a line of 10,000 characters, and as many spaces before its
    caret, would bury the message."""
    if len(source_line) <= SHOWN:
        return source_line, column
    start = max(0, min(column - 1 - SHOWN // 2, len(source_line) - SHOWN))
    end = start + SHOWN
    before = "..." if start else ""
    after = "..." if end < len(source_line) else ""
    return before + source_line[start:end] + after, column - start + len(before)


def wrong_type(expected: str, value: object) -> PdeError:
    """An argument of the wrong kind given from Python (`parse(3)`):
    `pdedsl: error: expected EXPECTED, not int 3`."""
    return PdeError(f"expected {expected}, not {type(value).__name__} {value!r:.40}",
                    filename="pdedsl")
