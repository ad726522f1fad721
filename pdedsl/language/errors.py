"""The one error type of the front end: a message pinned to a place in a file."""

from __future__ import annotations


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
        if self.line is None:
            return f"{self.filename}: error: {self.message}"
        column = self.column or 1
        head = f"{self.filename}:{self.line}:{column}: error: {self.message}"
        lines = (self.text or "").splitlines() or [""]  # an empty file: an empty line
        if not 1 <= self.line <= len(lines):
            return head
        source_line = lines[self.line - 1].expandtabs(1)
        return f"{head}\n    {source_line}\n    {' ' * (column - 1)}^"
