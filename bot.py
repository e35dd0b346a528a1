#!/usr/bin/env python3
"""Entry point: `python bot.py [run|console|ask|check-content|backup]` (see --help)."""
import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
