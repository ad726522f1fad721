"""The documentation stays true: the site builds, its code runs, the language page is complete.

- `mkdocs build --strict` succeeds (a warning, such as a broken link, is an error);
- every keyword, operator, terminal and statement of grammar/pde.lark is named in
  docs/language.md, so the reference cannot drift from the grammar;
- every ```python block of docs/*.md and README.md runs: the blocks of one page in
  order, as one script, in a scratch folder holding a copy of examples/;
- every `pdedsl ...` line of a ```bash or ```console block runs (through the installed
  command) with exit status 0, or the one its comment states (`# exit status 2`).

A code block with a title (```pde title="square.pde") is a file the page asks the
reader to write: it is written into the scratch folder before the page's code runs.
A block marked `.not-run` (```{.python .not-run}) is another library's code, shown
for comparison (docs/coming-from.md), and is not run.
Pages whose code trains a network are `slow`; `pdedsl check` lines and the pages
whose Python does not train run by default.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import lark
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.S | re.M)
TRAINS = re.compile(r"\b(solve|load|prepare|resolve|green_function)\(|\bpdedsl (solve|compare)\b")
FAST_COMMANDS = ("check", "--help", "-h", "--version")
NOT_RUN = ".not-run"  # a block of another library's code, shown for comparison
TIMEOUT = 900  # seconds for one command or one page's Python (a slow test)
# A page's Adam and L-BFGS runs take their 20 000 steps in bench/theory.py, which records their
# numbers; here, where only the command's working is checked, they stop after this many.
FIRST_ORDER_STEPS = 300


# ------------------------------------------------------------------ extraction
def code_blocks(page: Path) -> list[tuple[str, str, str]]:
    """(language, title, body) of every fenced block of `page`, in order."""
    blocks = []
    for match in FENCE.finditer(page.read_text()):
        info = match["info"].strip()
        language = info.split()[0].lstrip("{.").rstrip("}") if info else ""
        if NOT_RUN in info:
            language = "not-run"
        title = re.search(r'title="([^"]+)"', info)
        body = "\n".join(line[len(match["indent"]):] for line in match["body"].splitlines())
        blocks.append((language, title[1] if title else "", body))
    return blocks


def python_script(page: Path) -> str:
    return "\n\n".join(body for language, _, body in code_blocks(page) if language in ("python", "py"))



def commands(page: Path) -> list[tuple[list[str], int]]:
    """(argv, expected exit status) of each `pdedsl` line in the page's shell blocks."""
    found = []
    for language, _, body in code_blocks(page):
        if language not in ("bash", "console", "shell", "sh"):
            continue
        for line in body.splitlines():
            line = line.strip()
            if language == "console":
                if not line.startswith("$ "):
                    continue  # output, not a command
                line = line[2:].strip()
            if not line.startswith("pdedsl "):
                continue
            status = re.search(r"#.*exit status (\d+)", line)
            found.append((shlex.split(line, comments=True), int(status[1]) if status else 0))
    return found


def files(page: Path) -> dict[str, str]:
    """{name: text} of the titled blocks: files the reader is asked to write."""
    return {title: body + "\n" for _, title, body in code_blocks(page) if title}


def scratch(tmp_path: Path, page: Path) -> Path:
    """A working folder like the repository's root: examples/ and the page's files."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for name, text in files(page).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def pdedsl_command() -> list[str]:
    installed = Path(sys.executable).parent / "pdedsl"
    if installed.exists():
        return [str(installed)]
    found = shutil.which("pdedsl")
    return [found] if found else [sys.executable, "-m", "pdedsl"]


def capped(argv: list[str]) -> list[str]:
    """`argv`, with FIRST_ORDER_STEPS steps if it trains with a first-order solver and sets none."""
    first_order = any(a == "--solver" and b in ("adam", "lbfgs") for a, b in zip(argv, argv[1:]))
    return argv + ["--steps", str(FIRST_ORDER_STEPS)] if first_order and "--steps" not in argv else argv


def run_commands(page: Path, folder: Path, which) -> int:
    ran = 0
    for argv, expected in commands(page):
        if not which(argv):
            continue
        done = subprocess.run(pdedsl_command() + capped(argv)[1:], cwd=folder, capture_output=True,
                              text=True, timeout=TIMEOUT)
        assert done.returncode == expected, (
            f"{page.name}: `{shlex.join(argv)}` exited {done.returncode}, not {expected}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        ran += 1
    return ran


def run_python(page: Path, folder: Path) -> None:
    script = folder / f"{page.stem}_blocks.py"
    script.write_text(python_script(page))
    done = subprocess.run([sys.executable, script.name], cwd=folder, capture_output=True,
                          text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{page.name}: its Python blocks failed\n{done.stderr[-4000:]}"


def trains(page: Path) -> bool:
    return bool(TRAINS.search(python_script(page)))


def is_fast(argv: list[str]) -> bool:
    return len(argv) > 1 and argv[1] in FAST_COMMANDS


def _ids(pages):
    return [p.relative_to(ROOT).as_posix() for p in pages]


FAST_PYTHON = [p for p in PAGES if python_script(p) and not trains(p)]
SLOW_PYTHON = [p for p in PAGES if python_script(p) and trains(p)]
FAST_SHELL = [p for p in PAGES if any(is_fast(a) for a, _ in commands(p))]
SLOW_SHELL = [p for p in PAGES if any(not is_fast(a) for a, _ in commands(p))]


# ----------------------------------------------------------------------- tests
def test_site_builds_without_warnings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "WARNING" not in done.stderr, done.stderr[-4000:]
    for page in ("index", "getting-started", "theory", "gallery", "api", "language"):
        target = tmp_path / "site" / ("index.html" if page == "index" else f"{page}/index.html")
        assert target.is_file(), page
    start = (tmp_path / "site" / "getting-started" / "index.html").read_text()
    assert '<span class="k">unknown</span>' in start, "```pde blocks are not coloured by pdedsl.lexer"
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    for name in ("api.solve", "api.load", "language.parser.parse_file", "solution.Solution",
                 "language.problem.Problem", "language.errors.PdeError", "solvers.anagram.Anagram"):
        assert f'id="pdedsl.{name}"' in api, f"docs/api.md does not render pdedsl.{name}"


def test_every_page_is_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        assert f" {page.name}" in config, f"add docs/{page.name} to the nav of mkdocs.yml"


def test_the_extractor_finds_the_code():
    """Guards the extractor itself: the pages that must have runnable code have it."""
    readme = ROOT / "README.md"
    assert "from pdedsl import solve" in python_script(readme)
    assert any(a[:2] == ["pdedsl", "solve"] for a, _ in commands(readme))
    start = ROOT / "docs" / "getting-started.md"
    assert python_script(start) and commands(start)
    assert any(is_fast(a) for a, _ in commands(start))


@pytest.mark.parametrize("page", FAST_PYTHON, ids=_ids(FAST_PYTHON))
def test_python_blocks_that_do_not_train(page, tmp_path):
    run_python(page, scratch(tmp_path, page))


@pytest.mark.slow
@pytest.mark.parametrize("page", SLOW_PYTHON, ids=_ids(SLOW_PYTHON))
def test_python_blocks_that_train(page, tmp_path):
    run_python(page, scratch(tmp_path, page))


@pytest.mark.parametrize("page", FAST_SHELL, ids=_ids(FAST_SHELL))
def test_pdedsl_check_lines(page, tmp_path):
    assert run_commands(page, scratch(tmp_path, page), is_fast) > 0


@pytest.mark.slow
@pytest.mark.parametrize("page", SLOW_SHELL, ids=_ids(SLOW_SHELL))
def test_pdedsl_commands(page, tmp_path):
    """Every command of the page, in order (a `pdedsl plot DIR` needs the solve before it)."""
    assert run_commands(page, scratch(tmp_path, page), lambda argv: True) > 0


def test_docstring_examples():
    """The `>>>` examples in the docstrings that docs/api.md renders run (or are skipped)."""
    api = (ROOT / "docs" / "api.md").read_text()
    modules = {_module_of(path) for path in re.findall(r"^::: *(pdedsl[\w.]*)", api, re.M)}
    assert modules
    failed = sum(doctest.testmod(m, optionflags=doctest.ELLIPSIS).failed for m in modules)
    assert failed == 0


def _module_of(path: str):
    """The module that `path` (`pdedsl.solvers.Anagram`, `pdedsl.solve`) lives in."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        try:
            return importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
    raise ImportError(path)


# ------------------------------------------------------- language.md vs the grammar
GRAMMAR = (ROOT / "grammar" / "pde.lark").read_text()
LANGUAGE = (ROOT / "docs" / "language.md").read_text()
# What a user writes for each named terminal, and the words docs/language.md uses for it.
TERMINALS = {"NAME": "Names", "NUMBER": "Numbers", "STRING": '"', "COMMENT": "#"}
INTERNAL = {"_NL", "_POW"}  # line ends; `^`/`**` are checked as literals below


def grammar_literals() -> set[str]:
    """Every literal a user can type: keywords and punctuation, `^` and `**` included."""
    parser = lark.Lark(GRAMMAR, parser="lalr")
    literals = {t.pattern.value for t in parser.terminals if isinstance(t.pattern, lark.lexer.PatternStr)}
    for line in GRAMMAR.splitlines():
        if re.match(r"^_?[A-Z][A-Z_]*\s*:", line) and "/" not in line:
            literals |= set(re.findall(r'"([^"]+)"', line))
    return literals


def code_spans(text: str) -> set[str]:
    """The words and symbols inside `code spans` and code blocks of a page."""
    spans = re.findall(r"`([^`\n]+(?:\n[^`\n]+)?)`", text)
    spans += [body for _, _, body in code_blocks(ROOT / "docs" / "language.md")]
    return {token for span in spans for token in re.findall(r"[A-Za-z_]\w*|\*\*|[^\sA-Za-z_\d]", span)}


def test_every_keyword_and_operator_of_the_grammar_is_documented():
    literals = grammar_literals()
    assert {"in", "time", "on", "exact", "^", "**", "="} <= literals  # the extraction works
    documented = code_spans(LANGUAGE)
    missing = sorted(lit for lit in literals if lit not in documented)
    assert not missing, f"grammar/pde.lark literals not shown in docs/language.md: {missing}"


def test_every_terminal_of_the_grammar_is_documented():
    parser = lark.Lark(GRAMMAR, parser="lalr")
    named = {t.name for t in parser.terminals
             if not isinstance(t.pattern, lark.lexer.PatternStr) and not t.name.startswith("__")}
    unknown = sorted(named - set(TERMINALS) - INTERNAL)
    assert not unknown, f"new terminals {unknown}: document them in docs/language.md and here"
    for name, word in TERMINALS.items():
        assert word in LANGUAGE, f"docs/language.md does not describe {name} ({word!r})"


def test_every_statement_of_the_grammar_is_documented():
    parser = lark.Lark(GRAMMAR, parser="lalr")
    kinds = [r.expansion[0].name for r in parser.rules if r.origin.name == "statement"]
    assert "time_variable" in kinds and "condition" in kinds
    missing = [k for k in kinds
               if not re.search(rf"\b{k.replace('_', ' ')}", LANGUAGE, re.I)]
    assert not missing, f"statements of grammar/pde.lark not in docs/language.md: {missing}"
