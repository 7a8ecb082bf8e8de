"""The ``amhp`` command line: one module for the commands, one for the terminal views."""

from amhp.cli.app import app

__all__ = ["app"]
