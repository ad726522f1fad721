"""`python -m pdedsl`: the same as the `pdedsl` command."""

from .cli import command

command()
