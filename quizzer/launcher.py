"""The console entry point, kept tiny so ``quizzer --version`` never imports typer, textual,
sympy, numpy or torch."""

from __future__ import annotations

import sys

from quizzer import __version__


def main() -> None:
    """Answer ``--version`` at once; hand everything else to the typer app."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"quizzer {__version__}")
        return
    from quizzer.cli import main as cli_main

    cli_main()
