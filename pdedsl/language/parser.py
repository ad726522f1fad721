"""Text -> lark parse tree, with syntax errors a user can read; and the public API.

`parse(text)` and `parse_file(path)` run the three steps of the front end: this
module's grammar (syntax), `build` (meaning, SymPy), `check` (the whole problem).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ..runtime import cache_folder
from .build import build
from .check import check
from .errors import PdeError, wrong_type
from .problem import Problem
from .hints import (character_hint, cut_word, juxtaposition_hint, keyword_declared, number_hint,
                    misspelt_keyword, one_variable_region_hint)
from .vocabulary import KEYWORDS, did_you_mean

MAX_CHARS = 1_000_000  # bigger input is refused before parsing
MAX_BRACKET_DEPTH = 100  # deeper nesting is refused before building

_OPEN = {"LPAR": "(", "LSQB": "["}
_CLOSE = {"RPAR": "LPAR", "RSQB": "LSQB"}


def grammar_path() -> Path:
    """The grammar inside the installed package, else the source checkout's."""
    packaged = Path(__file__).resolve().parent.parent / "grammar" / "pde.lark"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "grammar" / "pde.lark"


class _Brackets:
    """Post-lexer: drops newlines inside brackets, so a statement continues while a
    bracket is open. Its state lives in `process`, so one parser serves any thread."""

    always_accept = ("_NL",)

    def process(self, stream):
        depth = 0
        previous = None
        for token in stream:
            if _split_word(previous, token):
                raise _SplitWord(previous, token)
            previous = token
            if token.type in _OPEN:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    raise _TooDeep(token)
            elif token.type in _CLOSE and depth:
                depth -= 1
            elif token.type == "_NL" and depth:
                continue
            yield token


class _TooDeep(Exception):
    def __init__(self, token: Token):
        self.token = token


def _split_word(previous: Token | None, token: Token) -> bool:
    """Whether the lexer cut one word in two: a keyword where only keywords fit, then
    the rest of the word (`inn` read as `in` `n`, `onn` as `on` `n`)."""
    return (previous is not None and previous.type not in ("NAME", "NUMBER")
            and str(previous).isalpha() and token.type in ("NAME", "NUMBER")
            and previous.end_pos == token.start_pos)


class _SplitWord(Exception):
    def __init__(self, keyword: Token, rest: Token):
        self.keyword = keyword
        self.word = str(keyword) + str(rest)


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=_Brackets(),
        propagate_positions=True,
        maybe_placeholders=True,
        cache=_tables_file(),  # a fresh process then parses in milliseconds
    )


def _tables_file() -> str | bool:
    """Where lark keeps the LALR tables it builds from the grammar: the user's own cache
    folder (they are a pickle, never read from a folder others can write), or nowhere."""
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return str(folder / "grammar-tables")


def parse_tree(text: str, filename: str = "<input>") -> Tree:
    """The lark tree of `text`; raises PdeError on a syntax error."""
    if len(text) > MAX_CHARS:
        raise PdeError(
            f"the input is too large ({len(text)} characters; at most {MAX_CHARS})",
            filename=filename,
        )
    lark = _lark()
    try:
        return lark.parse(text + "\n")
    except _TooDeep as error:
        raise _error(
            f"brackets nested too deeply (more than {MAX_BRACKET_DEPTH} levels)",
            error.token, text, filename,
        ) from None
    except _SplitWord as error:
        hint = did_you_mean(error.word, KEYWORDS) or f" (here only '{error.keyword}' fits)"
        raise _error(f"unexpected '{error.word}'{hint}", error.keyword, text, filename) \
            from None
    except UnexpectedInput as error:
        raise _syntax_error(error, lark, text, filename) from None


def _error(message: str, token, text: str, filename: str) -> PdeError:
    return PdeError(
        message, filename=filename, text=text, line=token.line, column=token.column
    )


def _syntax_error(error, lark, text, filename) -> PdeError:
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else "?"
        return PdeError(
            f"unexpected character {char!r}{character_hint(char)}",
            filename=filename, text=text, line=error.line, column=error.column,
        )
    if not isinstance(error, UnexpectedToken):  # pragma: no cover - lark's other kinds
        return PdeError("syntax error", filename=filename, text=text,
                        line=getattr(error, "line", None), column=getattr(error, "column", None))
    token = error.token
    expected = _acceptable(error)
    end = len(text) if token.type == "$END" else token.start_pos
    still_open = [b for b in _open_brackets(text, end) if not _is_closed(text, b)]
    if still_open and (token.type == "$END" or token.line > still_open[-1].line):
        bracket = still_open[-1]
        return _error(f"'{bracket}' is never closed", bracket, text, filename)
    if token.type == "$END":
        # Only reachable at the very end; point just past the last character.
        lines = text.splitlines() or [""]
        return PdeError("unexpected end of input", filename=filename, text=text,
                        line=len(lines), column=len(lines[-1]) + 1)
    cut = cut_word(token, text)
    if cut is not None:
        keyword, word = cut
        hint = did_you_mean(word, KEYWORDS) or f" (here only '{keyword}' fits)"
        return PdeError(f"unexpected '{word}'{hint}", filename=filename, text=text,
                        line=token.line, column=token.column - len(keyword))
    if token.type in _CLOSE and not _open_brackets(text, token.start_pos):
        return _error(f"unexpected '{token}': no bracket is open", token, text, filename)
    if str(token) in KEYWORDS and "NAME" in expected:
        return _error(
            f"'{token}' is a keyword and cannot be used as a name", token, text, filename
        )
    declared = keyword_declared(token, text)
    if declared is not None:
        return _error(f"'{declared}' is a keyword and cannot be used as a name", declared,
                      text, filename)
    misspelt = misspelt_keyword(token, text)
    if misspelt is not None:
        word, keyword = misspelt
        return _error(f"unknown statement '{word}': did you mean '{keyword}'?",
                      word, text, filename)
    what = "end of line" if token.type == "_NL" else f"'{token}'"
    hint = (number_hint(token, text) or juxtaposition_hint(token, text)
            or one_variable_region_hint(token, text))
    return _error(
        f"unexpected {what}{hint or _expectation(expected, lark)}", token, text, filename
    )


def _open_brackets(text: str, end: int) -> list[Token]:
    """The brackets still open at offset `end`, as tokens (comments ignored)."""
    stack: list[Token] = []
    offset = 0
    for number, line in enumerate(text[:end].splitlines(keepends=True), start=1):
        code = line.split("#", 1)[0]
        for column, char in enumerate(code, start=1):
            if char in "([":
                stack.append(Token("BRACKET", char, offset + column - 1, number, column))
            elif char in ")]" and stack:
                stack.pop()
        offset += len(line)
    return stack


def _is_closed(text: str, bracket: Token) -> bool:
    """Whether the bracket opened at `bracket` is closed later (comments ignored)."""
    depth = 0
    for line in text[bracket.start_pos :].splitlines():
        for char in line.split("#", 1)[0]:
            depth += char in "(["
            depth -= char in ")]"
            if depth == 0:
                return True
    return False


def _acceptable(error: UnexpectedToken) -> set[str]:
    """The terminals the parser could take in place of the unexpected token.

    lark's `expected` is the table of the state it stopped in, which LALR shares
    between every place an expression ends; replaying the parse stack says what this
    place takes."""
    parser = getattr(error, "interactive_parser", None)
    if parser is None:  # pragma: no cover - lark sets it for LALR parsers
        return set(error.expected)
    return set(parser.accepts()) or set(error.expected)


ARITHMETIC = {"+", "-", "*", "/", "^"}


def _literal(name: str, lark: Lark) -> str | None:
    """The text of a terminal that is one fixed string ('^' for the power), else None."""
    if name == "_POW":
        return "^"
    try:
        pattern = lark.get_terminal(name).pattern
    except KeyError:  # pragma: no cover - '$END' and the like
        return None
    return pattern.value if pattern.type == "str" else None


def _expectation(expected: set[str], lark: Lark) -> str:
    """`, expected an expression` / `, expected '=' or 'on'`, from lark's list.

    After a complete value an operator could always follow: those are left out when
    something else could come too (`x = 0 y = 1` expects ',' or end of line)."""
    literals = {name: _literal(name, lark) for name in expected}
    if {"NAME", "NUMBER"} <= expected or "-" in literals.values() and "NUMBER" in expected:
        return ", expected an expression"
    operators = {name for name, text in literals.items() if text in ARITHMETIC}
    if expected - operators:
        expected = expected - operators
    words = []
    for name in sorted(expected):
        if name in ("$END", "_NL"):
            words.append("end of line")
        elif name == "NAME":
            words.append("a name")
        elif name == "NUMBER":
            words.append("a number")
        elif name == "STRING":
            words.append('a "string"')
        elif literals[name] is not None:
            words.append(f"'{literals[name]}'")
    words = sorted(set(words))
    if not words or len(words) > 6:
        return ""
    if len(words) == 1:
        return f", expected {words[0]}"
    return f", expected {', '.join(words[:-1])} or {words[-1]}"


def parse(text: str, filename: str = "<input>", *, read_data: bool = True) -> Problem:
    """A checked Problem from the text of a `.pde` file; raises PdeError.

    The files of `data` statements are read now (paths relative to `filename`'s
    folder), unless `read_data` is False (then the Problem holds no observations)."""
    if not isinstance(text, str):
        raise wrong_type("the text of a .pde file (a str)", text)
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write first
    tree = parse_tree(text, filename)
    try:
        problem = build(tree, text, filename, read_data=read_data)
        check(problem, text, filename)
    except RecursionError:  # a last guard: the builder limits nesting itself
        raise PdeError("the input is nested too deeply", filename=filename) from None
    except (OverflowError, MemoryError):
        raise PdeError("the input asks for numbers too large to compute", filename=filename) \
            from None
    return problem


MAX_BYTES = 4 * MAX_CHARS  # a UTF-8 character takes at most 4 bytes: more is too large
# Bytes no text file holds: the C0 controls and DEL, but for tab, the line ends and form feed.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _place(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of the byte at `offset`, columns counted in characters."""
    before = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1


def _binary(data: bytes, filename: str) -> PdeError | None:
    """A file with NUL or other control bytes (an image, an archive) is no text: said
    at FILE:LINE:COL, never with its line (its bytes would go to the terminal)."""
    found = _CONTROL.search(data)
    if found is None:
        return None
    at = data.index(b"\0") if b"\0" in data else found.start()
    what = "NUL bytes" if b"\0" in data else f"the control byte 0x{data[at]:02x}"
    line, column = _place(data, at)
    return PdeError(f"not a text file: it contains {what}", filename=filename, line=line,
                    column=column)


def _not_utf8(error: UnicodeDecodeError, data: bytes, filename: str) -> PdeError:
    """The line and column of the first byte that is not UTF-8, with that line shown."""
    line, column = _place(data, error.start)
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return PdeError(
        f"not a text file (UTF-8): byte 0x{data[error.start]:02x} ({error.reason})",
        filename=filename, text=text, line=line, column=column,
    )


def _read(name: str) -> bytes:
    """The file's bytes (at most MAX_BYTES + 1 of them); a missing or unreadable file,
    or one too large for a .pde file, is a PdeError."""
    try:
        with open(name, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PdeError("no such file", filename=name) from None
    except IsADirectoryError:
        raise PdeError("is a directory, not a file", filename=name) from None
    except OSError as error:
        raise PdeError(f"cannot read the file: {error.strerror or error}", filename=name) \
            from None
    problem = _binary(data, name)
    if problem is not None:
        raise problem
    if len(data) > MAX_BYTES:
        raise PdeError(f"the file is too large (more than {MAX_BYTES} bytes; a .pde file "
                       f"holds at most {MAX_CHARS} characters)", filename=name)
    return data


def parse_file(path: str | os.PathLike) -> Problem:
    """A checked Problem from a `.pde` file; a missing or unreadable file is a PdeError."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise wrong_type("a .pde file's path (a str or a Path)", path)
    name = os.fspath(path)
    if not name:
        raise PdeError("the path is empty: give a .pde file's path", filename="pdedsl")
    data = _read(name)
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        raise _not_utf8(error, data, name) from None
    return parse(text, filename=name)
