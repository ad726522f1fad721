"""Input that is not a .pde problem at all (a binary file, an empty path, a number
given as the text): one clear error, never a traceback, never the raw bytes echoed."""

import os
import subprocess
import sys

from pathlib import Path

import pytest

from pdedsl.language import PdeError, parse, parse_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def _check(*args: str, cwd=None, command="check") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pdedsl", command, *args], cwd=cwd,
                          capture_output=True, text=True, errors="replace")


@pytest.mark.parametrize("data, at, said", [
    (PNG, "3:1", "not a text file: it contains NUL bytes"),
    (bytes(range(256)), "1:1", "not a text file: it contains NUL bytes"),
    (b"x in [0, 1]\nunknown \x1b[31mu(x)\n", "2:9",
     "not a text file: it contains the control byte 0x1b"),
])
def test_a_binary_file_is_named_so_without_its_bytes(tmp_path, data, at, said):
    """FILE:LINE:COL of the first such byte, and no source line: its bytes would go to
    the terminal."""
    path = tmp_path / "picture.png"
    path.write_bytes(data)
    with pytest.raises(PdeError) as info:
        parse_file(path)
    assert str(info.value) == f"{path}:{at}: error: {said}"
    assert info.value.text is None


def test_random_bytes_on_the_command_line(tmp_path):
    path = tmp_path / "noise.pde"
    path.write_bytes(os.urandom(4096) + b"\x00")
    result = _check(str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}:")
    assert ": error: not a text file: it contains " in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_line_shown_holds_no_control_characters():
    """A character the terminal would act on (a C1 control, a bidirectional override)
    is shown as U+FFFD, one column wide like the character, so the caret stays put."""
    with pytest.raises(PdeError) as info:
        parse("x in [0, 1]\nunknown \u009b\u202eu(x)\n")
    shown = str(info.value).splitlines()
    assert shown[1:] == ["    unknown \ufffd\ufffdu(x)", "            ^"]


def test_an_enormous_file_is_not_read_whole(tmp_path):
    path = tmp_path / "big.pde"
    path.write_bytes(b"# " + b"a" * 5_000_000 + b"\n")
    with pytest.raises(PdeError, match="the file is too large"):
        parse_file(path)


def test_an_empty_path_is_named_so(tmp_path):
    with pytest.raises(PdeError) as info:
        parse_file("")
    assert str(info.value) == "pdedsl: error: the path is empty: give a .pde file's path"
    for command in ("check", "solve", "compare"):
        result = _check("", cwd=tmp_path, command=command)
        assert (result.returncode, result.stderr) == (
            2, "pdedsl: error: the path is empty: give a .pde file's path\n"), command


@pytest.mark.parametrize("value, said", [
    (3, "expected the text of a .pde file (a str), not int 3"),
    (None, "expected the text of a .pde file (a str), not NoneType None"),
    (b"x in [0, 1]\n", "expected the text of a .pde file (a str), not bytes b'x in [0, 1]\\n'"),
])
def test_parse_takes_text_only(value, said):
    import pdedsl

    with pytest.raises(PdeError) as info:
        pdedsl.parse(value)
    assert str(info.value) == f"pdedsl: error: {said}"


@pytest.mark.parametrize("value", [3, None, ["a.pde"], b"a.pde"])
def test_parse_file_takes_a_path_only(value):
    with pytest.raises(PdeError) as info:
        parse_file(value)
    assert info.value.message.startswith("expected a .pde file's path (a str or a Path), not ")
    assert info.value.filename == "pdedsl"


@pytest.mark.parametrize("empty", [[], ()])
def test_no_measurements_in_place_of_the_files(empty):
    """`data=[]` would train an inverse problem on no measurements at all, the file's
    dropped without a word: refused, naming what it would drop."""
    import pdedsl

    with pytest.raises(PdeError) as info:
        pdedsl.prepare(EXAMPLES / "inverse_heat.pde", data=empty, steps=1)
    assert info.value.filename == "pdedsl"
    assert info.value.message.startswith(
        "data gives no measurements, in place of those of the file's data statement "
        "(line 14: data \"data/heat.csv\"): give measurements, or leave data out to train on the file's")


def test_an_empty_data_path_is_named_so(capsys):
    from pdedsl.cli import main

    assert main(["solve", str(EXAMPLES / "inverse_heat.pde"), "--data", ""]) == 2
    assert capsys.readouterr().err == (
        "pdedsl: error: --data: the path is empty: give a CSV file's path\n")


PARTIAL = """\
x in [0, 1]
unknown u(x)
unknown v(x)
-u_xx = 1
-v_xx = u
u = 0 on x = 0, x = 1
v = 0 on x = 0, x = 1
exact u = x*(1 - x)/2
"""


def test_solve_repeats_the_warning_of_a_partial_exact_solution(tmp_path, capsys):
    """`check` warned that v has no exact solution (no error of v is reported); `solve`
    said nothing of it."""
    from pdedsl.cli import main

    pde = tmp_path / "partial.pde"
    pde.write_text(PARTIAL)
    assert main(["check", str(pde)]) == 0
    warned = capsys.readouterr().err
    assert "an exact solution is given for u but not for v" in warned
    assert main(["solve", str(pde), "--steps", "1", "--set", "width=4", "--set", "depth=1",
                 "--no-plots", "--quiet", "--out", str(tmp_path / "run")]) == 0
    assert warned in capsys.readouterr().err
