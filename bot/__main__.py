"""``python -m bot``: the same command line as ``confbot``."""

import sys

from bot.cli import main

sys.exit(main())
