"""The ``quizzer`` command line. Every subcommand is thin and calls the core.

User errors print one line (``quizzer: error: ...``) and exit non-zero, never a traceback;
the exit codes are listed in :mod:`quizzer.errors`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from quizzer import __version__
from quizzer.errors import ExitCode, QuizzerError, format_error
from quizzer.model import Status

if TYPE_CHECKING:
    from quizzer.bank.loader import Bank
    from quizzer.bank.validate import Problem
    from quizzer.context import DrillOptions
    from quizzer.tui.app import QuizzerApp
    from quizzer.workspace import Workspace

app = typer.Typer(
    name="quizzer",
    help="Drill the math behind ML interviews: checked answers, FSRS scheduling, PyTorch demos.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
bank_app = typer.Typer(help="Inspect and validate question banks.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")
config_app = typer.Typer(help="Show or change the settings.", invoke_without_command=True)
app.add_typer(config_app, name="config")


def echo(message: str, err: bool = False) -> None:
    """Print a line whose parts may come from a bank, the database or the user: control
    characters are shown escaped (see :mod:`quizzer.safe_text`)."""
    from quizzer.safe_text import clean

    typer.echo(clean(message), err=err)


def fail(message: str, code: int = ExitCode.USER_ERROR) -> NoReturn:
    """Print one clear error line to stderr and exit with ``code``."""
    typer.echo(format_error(message), err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        echo(f"quizzer {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Database file [env: QUIZZER_DB; default: platform data dir]."),
    ] = None,
    bank: Annotated[
        list[str] | None,
        typer.Option(
            "--bank",
            help="Bank directory; repeat to combine, 'default' names the shipped bank "
            "[env: QUIZZER_BANK].",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Open the trainer on the questions due today (or run a subcommand)."""
    from quizzer.workspace import Workspace

    ctx.obj = Workspace.resolve(db, bank)
    if ctx.invoked_subcommand is None:
        _run_tui(ctx.obj)


def _start_checker() -> None:
    """Start the checker's process (it imports sympy for a second or more) while the TUI
    loads, so an answer typed as soon as the first question shows is not kept waiting."""
    import threading

    from quizzer.check import warm_up

    threading.Thread(target=warm_up, name="quizzer-warm-up", daemon=True).start()


def _run_tui(ws: Workspace, options: DrillOptions | None = None) -> None:
    """Open the TUI; a bad database is reported as one line before any screen is drawn."""
    _start_checker()
    from quizzer.tui.app import QuizzerApp

    ws.store().close()
    _exit_with(QuizzerApp(ws, options))


def _exit_with(tui: QuizzerApp) -> None:
    """Run the TUI and exit with its return code (1 when it could not open)."""
    tui.run()
    if tui.return_code:
        raise typer.Exit(tui.return_code)


@app.command()
def drill(
    ctx: typer.Context,
    plain: Annotated[
        bool, typer.Option("--plain", help="Plain lines on stdin/stdout, no full-screen UI.")
    ] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after N questions.")] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(help="Only this topic (prefix allowed); repeat for several."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for the drawn parameters.")] = None,
    cram: Annotated[
        bool, typer.Option("--cram", help="Drill now regardless of due dates; schedule unchanged.")
    ] = False,
    more_new: Annotated[
        int, typer.Option(min=0, help="Study N more new questions today, beyond new_per_day.")
    ] = 0,
) -> None:
    """Drill the due questions, new ones in the bank's topic order. In plain mode an empty
    answer shows the solution and an empty rating accepts the suggested one; end of input
    ends the session."""
    from quizzer.context import DrillOptions
    from quizzer.session import DrillSession

    ws: Workspace = ctx.obj
    bank = ws.bank()
    for name in topic or []:
        if not bank.select(name):
            fail(f"no topic matches {name!r} (topics: {', '.join(bank.topics())})")
    options = DrillOptions(
        topic=tuple(topic) if topic else None,
        limit=limit,
        seed=seed,
        cram=cram,
        more_new=more_new,
    )
    if not plain:
        _run_tui(ws, options)
        return
    from quizzer.plain import format_summary, run_plain

    with ws.open() as context:
        session = DrillSession(context, options)
        if session.finished:
            due = session.next_due()
            when = f"; next question due {due.astimezone():%Y-%m-%d %H:%M}" if due else ""
            echo(f"Nothing is due{when}.")
            if (unlock := session.new_unlock()) is not None:
                echo(
                    f"New questions unlock {unlock.astimezone():%Y-%m-%d %H:%M}; to study "
                    "some now: quizzer drill --more-new 10"
                )
            return
        count = run_plain(session, sys.stdin, sys.stdout)
        echo(f"Session over: {count} review{'s' if count != 1 else ''} saved.")
        for line in format_summary(session.summary()):
            echo(line)


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show progress: heatmap, streaks, retention by topic, due forecast, weakest questions."""
    from quizzer.stats.summary import compute

    ws: Workspace = ctx.obj
    with ws.open() as c:
        data = compute(c.store, c.bank, c.clock(), c.settings)
    if as_json:
        echo(json.dumps(data.as_json(), indent=2))
        return
    from rich.console import Console

    from quizzer.stats.render import stats_page

    Console(soft_wrap=True).print(stats_page(data))


@app.command("export")
def export_reviews(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or json.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (default: stdout).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only reviews from this date or instant on (ISO 8601, local time)."),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="CSV cells exactly as stored: no ' before a leading = + - @ (see README).",
        ),
    ] = False,
) -> None:
    """Export every review (question, topic, time in UTC, rating, answer, duration, seed,
    due before/after); JSON also holds the current card states. CSV text cells that a
    spreadsheet would run as a formula get a leading ' unless --raw."""
    from quizzer.clock import parse_instant, to_ms
    from quizzer.safe_text import SafeStream
    from quizzer.stats.export import FORMATS, export
    from quizzer.stats.output import output_file

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}", ExitCode.USAGE)
    since_ms = to_ms(parse_instant(since, "--since")) if since else None
    ws: Workspace = ctx.obj
    # A progress bar on stderr when it is a terminal the data does not go to; silent in a pipe.
    show = sys.stderr.isatty() and (output is not None or not sys.stdout.isatty())
    with ws.open() as c:
        store, bank = c.store, c.bank
        if output is None:
            # On a terminal the data is shown, so stored text is shown escaped there too.
            out = SafeStream(sys.stdout) if sys.stdout.isatty() else sys.stdout
            try:
                with _progress(show, store.reviews_total()) as progress:
                    export(store, bank, out, fmt, since_ms, progress, raw)  # type: ignore[arg-type]
                sys.stdout.flush()
            except BrokenPipeError:  # `quizzer export | head`: the reader has all it wanted
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
            except OSError as exc:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                fail(f"cannot write to standard output: {exc.strerror}")
            return
        with output_file(output) as out, _progress(show, store.reviews_total()) as progress:
            count = export(store, bank, out, fmt, since_ms, progress, raw)
    echo(f"{count} review{'s' if count != 1 else ''} written to {output}", err=True)


@contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    """A callback that advances a progress bar on stderr, or None when ``show`` is false."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("exporting", total=total)
        yield lambda n: bar.update(task, completed=n)


@config_app.callback()
def config_show(ctx: typer.Context) -> None:
    """Show every setting, its value and what it means (edit with `quizzer config set`)."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console
    from rich.table import Table

    from quizzer.config import DESCRIPTIONS

    ws: Workspace = ctx.find_root().obj
    settings = ws.settings()
    table = Table("setting", "value", "meaning", box=None, pad_edge=False)
    for key, meaning in DESCRIPTIONS.items():
        value = getattr(settings, key)
        shown = ", ".join(f"{v:.4g}" for v in value) if isinstance(value, list) else str(value)
        table.add_row(key, shown or "(defaults)", meaning)
    console = Console(soft_wrap=True)
    console.print(f"config file: {ws.config_path}", markup=False)
    console.print(table)


@config_app.command("set", context_settings={"ignore_unknown_options": True})
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting name (see `quizzer config`).")],
    value: Annotated[str, typer.Argument(help="New value; a list as '0.2, 1.3, ...'.")],
) -> None:
    """Change one setting and save the config file."""
    from quizzer.config import save_settings

    ws: Workspace = ctx.find_root().obj
    updated = ws.settings().with_value(key, value)
    save_settings(ws.config_path, updated)
    echo(f"{key} = {getattr(updated, key)} (saved to {ws.config_path})")


@app.command()
def optimize(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Save without asking.")] = False,
) -> None:
    """Fit the FSRS parameters to your own reviews; shows old and new parameters and the
    log-loss of each, then asks before saving them to the config file."""
    from rich.console import Console
    from rich.table import Table

    from quizzer.schedule.optimize import (
        OptimizeError,
        default_parameters,
        fit,
        log_loss,
        review_logs,
    )

    ws: Workspace = ctx.obj
    settings = ws.settings()
    with ws.store() as store:
        logs = review_logs(store)
    old = settings.fsrs_parameters or default_parameters()
    console = Console(stderr=True)
    try:
        with console.status(f"fitting FSRS to {len(logs)} reviews…"):
            new = fit(logs)
            before, after = log_loss(logs, old), log_loss(logs, new)
    except OptimizeError as exc:
        fail(str(exc))
    table = Table("#", "current", "fitted", box=None)
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        table.add_row(str(i), f"{a:.4f}", f"{b:.4f}")
    out = Console(soft_wrap=True)
    out.print(table)
    out.print(f"log-loss: {before:.4f} with the current parameters, {after:.4f} fitted")
    if after >= before:
        out.print("The fitted parameters predict your reviews no better; keeping the current.")
        return
    if not yes and not typer.confirm(f"Save the fitted parameters to {ws.config_path}?"):
        out.print("Not saved.")
        return
    from dataclasses import replace

    from quizzer.config import save_settings

    save_settings(ws.config_path, replace(settings, fsrs_parameters=new))
    out.print(f"Saved to {ws.config_path}.", markup=False)


CHECK_EXIT = {
    Status.CORRECT: ExitCode.OK,
    Status.INCORRECT: ExitCode.USER_ERROR,
    Status.INVALID: ExitCode.USAGE,
    Status.TIMEOUT: ExitCode.USAGE,
}
"""``quizzer check``'s exit status for each verdict (ungraded answers exit 1)."""


@app.command("check", context_settings={"ignore_unknown_options": True})
def check_answer(
    ctx: typer.Context,
    question_id: Annotated[str, typer.Argument(metavar="ID", help="Question id.")],
    answer: Annotated[str | None, typer.Argument(help="Your answer, as you would type it.")] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            "-f",
            metavar="F",
            help="Read the answer from file F ('-' for stdin): a derivation, one step per line.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the question's parameters.")] = 0,
) -> None:
    """Check an answer without recording it. Exit 0 correct, 1 incorrect, 2 invalid."""
    from quizzer.bank.params import draw
    from quizzer.check import check
    from quizzer.plain import format_marks

    if (answer is None) == (file is None):
        fail("give the answer as an argument or with --file F (not both)", ExitCode.USAGE)
    if file is not None:
        answer = _read_answer_file(file)
    assert answer is not None
    bank = ctx.obj.bank()
    question = bank.questions.get(question_id)
    if question is None:
        fail(f"no question with id {question_id!r} (see `quizzer bank list`)", ExitCode.USAGE)
    params = draw(question, seed)
    verdict = check(question.answer, answer, params, mistakes=question.mistakes)
    if params:
        echo("params: " + ", ".join(f"{k} = {v}" for k, v in params.items()))
    if verdict.lines:
        echo("\n".join(format_marks(verdict.lines)))
    elif verdict.interpreted:
        echo(f"read as: {verdict.interpreted}")
    echo(f"{verdict.status}: {verdict.feedback}".rstrip(": "))
    raise typer.Exit(CHECK_EXIT.get(verdict.status, ExitCode.USER_ERROR))


ANSWER_FILE_LIMIT = 64 * 1024
"""Bytes read from an answer file; the checker's own caps are far lower."""


def _read_answer_file(name: str) -> str:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(ANSWER_FILE_LIMIT + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(ANSWER_FILE_LIMIT + 1)
    except OSError as exc:
        fail(f"cannot read the answer file {name}: {exc.strerror or exc}", ExitCode.USAGE)
    if len(data) > ANSWER_FILE_LIMIT:
        fail(
            f"the answer file {name} is larger than {ANSWER_FILE_LIMIT // 1024} KiB", ExitCode.USAGE
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"the answer file {name} is not UTF-8 text", ExitCode.USAGE)


@app.command()
def demo(
    ctx: typer.Context,
    question_id: Annotated[str, typer.Argument(metavar="ID", help="Question id.")],
    device: Annotated[
        str, typer.Option(help="auto (cuda, then mps, then cpu), cpu, cuda or mps.")
    ] = "auto",
    seed: Annotated[int, typer.Option(help="Seed for the question's parameters.")] = 0,
) -> None:
    """Run the question's PyTorch snippet (in a subprocess) and stream its output; exits with
    the snippet's status, non-zero when its tensors disagree with the bank."""
    from quizzer.demos.commands import run_demo
    from quizzer.demos.runner import DEVICES

    if device not in DEVICES:
        fail(f"--device must be one of {', '.join(DEVICES)}, not {device!r}", ExitCode.USAGE)
    ws: Workspace = ctx.obj
    python = ws.settings().demo_python or None
    raise typer.Exit(run_demo(ws.bank(), question_id, device, seed, ask=_ask, python=python))


def _ask(question: str) -> bool:
    """A yes/no question on stderr, answered on stdin; no (the default) at end of input."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not answer:
        sys.stderr.write("\n")
    return answer.strip().lower() in ("y", "yes")


@app.command()
def plots(
    out: Annotated[Path, typer.Option("--out", help="Folder for the PNG files.")] = Path("."),
) -> None:
    """Write the notes' seven figures (cross-entropy, perplexity, KL, activations, chain
    rule, loss landscape) as PNG files."""
    from quizzer.demos.commands import write_plots

    write_plots(out)


@app.command()
def backup(ctx: typer.Context) -> None:
    """Copy the database into the backups folder next to it, now."""
    with ctx.obj.store() as store:
        path = store.backup()
    echo(f"Backed up {store.path} to {path}")


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A backup to restore.")],
) -> None:
    """Replace the database with a backup (the current one is saved first). Close other
    quizzer windows before restoring."""
    from quizzer.store.backup import restore_file

    db_path = ctx.obj.db_path
    safety = restore_file(db_path, file)
    saved = f"; the database it replaced is saved as {safety}" if safety else ""
    echo(f"Restored {file} into {db_path}{saved}")


@bank_app.command("list")
def bank_list(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Option(help="Only this topic (prefix allowed).")] = None,
) -> None:
    """List question ids, topics and answer kinds."""
    bank = ctx.obj.bank()
    questions = bank.select(topic)
    if not questions:
        fail(f"no topic matches {topic!r} (topics: {', '.join(bank.topics())})")
    from quizzer.safe_text import clean

    rows = [(clean(q.id), clean(q.topic), q.kind, "yes" if q.demo else "") for q in questions]
    sys.stdout.writelines(_columns([("id", "topic", "kind", "demo"), *rows]))


def _columns(rows: list[tuple[str, ...]]) -> Iterator[str]:
    """``rows`` as lines of left-aligned columns two spaces apart. Plain text, not a rich
    table: rich measured and styled every cell, minutes for a bank of 200,000 questions."""
    from rich.cells import cell_len

    def width(text: str) -> int:
        return len(text) if text.isascii() else cell_len(text)

    widths = [max(map(width, column)) for column in zip(*rows, strict=True)]
    for row in rows:
        cells = [cell + " " * (size - width(cell)) for cell, size in zip(row, widths, strict=True)]
        yield "  ".join(cells).rstrip() + "\n"


@bank_app.command("check")
def bank_check(
    ctx: typer.Context,
    directories: Annotated[
        list[Path] | None,
        typer.Argument(help="Bank directories (default: the banks in effect)."),
    ] = None,
) -> None:
    """Validate a bank: schema, unique ids, demo files, and that every reference answer is
    graded correct by its own checker and every predicted mistake incorrect."""
    from quizzer import paths
    from quizzer.bank.loader import load_bank

    dirs = directories or ctx.obj.bank_dirs
    bank = load_bank(dirs, cache=paths.cache_dir())
    found = _validate_with_progress(bank)
    problems = [str(e) for e in bank.errors] + [str(p) for p in found if not p.warning]
    warnings = [str(p) for p in found if p.warning]
    for line in warnings + problems:
        echo(line, err=True)
    if problems:
        fail(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    noted = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
    echo(f"ok: {len(bank.questions)} questions in {', '.join(str(d) for d in dirs)}{noted}")


def _validate_with_progress(bank: Bank) -> list[Problem]:
    """Validate, with a progress bar on a terminal (silent in a pipe)."""
    from rich.console import Console
    from rich.progress import Progress

    from quizzer.bank.validate import validate_bank

    console = Console(stderr=True)
    if not console.is_terminal:
        return validate_bank(bank)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("checking every reference answer", total=len(bank.questions))
        return validate_bank(
            bank, on_progress=lambda done, _: progress.update(task, completed=done)
        )


def _backup_notices() -> None:
    """Tell the person about damage an automatic backup of this run found (once)."""
    backup = sys.modules.get("quizzer.store.backup")
    if backup is not None:
        for notice in backup.finish():
            echo(f"warning: {notice}", err=True)


def main() -> None:
    """Run the app, turning user errors into one line instead of a traceback."""
    try:
        try:
            app()
        finally:
            _backup_notices()
    except QuizzerError as exc:
        typer.echo(format_error(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:
        if os.environ.get("QUIZZER_DEBUG"):
            raise
        echo(
            f"quizzer: internal error: {type(exc).__name__}: {exc} "
            "(set QUIZZER_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
