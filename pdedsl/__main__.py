"""`python -m pdedsl`: the same as the `pdedsl` command."""

import sys

from .cli import main

sys.exit(main())
