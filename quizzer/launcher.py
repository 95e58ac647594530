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
    import os

    # pydantic looks for plugins through every installed package's entry points the first
    # time a model is built (0.1 s at start-up); quizzer uses none. Children inherit it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from quizzer.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exc:
        _exit_now(exc.code)
    _exit_now(0)


def _exit_now(code: object) -> None:
    """End the process as soon as the command is done. Everything the command saved is
    committed and its files are closed, so after the other threads and the exit handlers
    (which stop the checker and a running backup) there is nothing left to do but tear
    down every loaded module, which takes the interpreter 0.3-0.7 s with Textual and
    pydantic loaded: most of the time quitting the TUI took."""
    import atexit
    import contextlib
    import os
    import threading

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (``quizzer bank list | head``): nothing more can be written anyway.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
