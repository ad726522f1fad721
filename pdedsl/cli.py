"""The `pdedsl` command. One function per subcommand; `main` only dispatches.

Each subcommand imports what it needs inside its own function, so that
`pdedsl check` never imports JAX and answers at once.
"""

from __future__ import annotations

import argparse
import sys

from .language import PdeError


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 an error in the input)."""
    parser = argparse.ArgumentParser(
        prog="pdedsl", description="Write a PDE in a small language; get a PINN trained by ANaGRAM."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_check(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except PdeError as error:
        print(error, file=sys.stderr)
        return 2


# ------------------------------------------------------------------------- check
def add_check(commands) -> None:
    check = commands.add_parser(
        "check", help="parse and check a .pde file, print the problem it states"
    )
    check.add_argument("file", help="the .pde file")
    check.add_argument("--latex", action="store_true", help="print LaTeX instead of Unicode")
    check.set_defaults(run=run_check)


def run_check(args) -> int:
    from .language import parse_file
    from .language.show import show

    problem = parse_file(args.file)
    unicode = _can_print_unicode(sys.stdout)
    print(show(problem, latex=args.latex, unicode=unicode))
    return 0


def _can_print_unicode(stream) -> bool:
    try:
        "∂∈ₙ²".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
