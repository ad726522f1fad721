"""MkDocs hook: ```pde fences are coloured by pdedsl's Pygments lexer.

An installed pdedsl registers the lexer as the Pygments plugin `pde`; this hook
registers it when the site is built from a checkout where that entry point is missing.
"""

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound


def on_config(config):
    try:
        get_lexer_by_name("pde")
    except ClassNotFound:
        from pdedsl.lexer import register

        register()
    return config
