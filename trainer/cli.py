"""Command line: parses arguments, calls study/store/content, prints. No logic of its own.

Bare `trainer` opens the TUI on the Home screen. Heavy modules (Textual, the database layer) are
imported inside the commands that need them, so `trainer --help` and `trainer deck validate`
stay fast and the TUI's first paint is not delayed by code it does not need yet.
"""

from __future__ import annotations

import sys

import click

from trainer.words import counted

DB_HELP = "Database: a file path or any SQLAlchemy URL. Default: $TRAINER_DB, else the user data dir."


def _db_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Refuse `--db ''`: an empty value is a mistake (an unset variable), never "use the default"."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give a database file path or URL, or leave --db out for the default.")
    return value


def _db_option(function):  # type: ignore[no-untyped-def]
    """The `--db` option, as every command that opens the database takes it."""
    return click.option("--db", "db", metavar="PATH|URL", default=None, help=DB_HELP, callback=_db_value)(function)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@_db_option
@click.version_option(package_name="dermatome-trainer", prog_name="trainer")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Dermatome Trainer: drill dermatomes, myotomes, reflexes and disc levels.

    Run with no command to open the trainer on today's cards.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        _run_tui(db, start="home")


def _run_tui(db: str | None, *, start: str) -> None:
    """Open the TUI (section owned by the TUI work)."""
    from trainer.tui.run import run_tui

    sys.exit(run_tui(db, start=start))


# --- deck commands (content layer) -------------------------------------------------------------


@main.group()
def deck() -> None:
    """Validate, preview and import deck files."""


@deck.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
def deck_validate(paths: tuple[str, ...]) -> None:
    """Check deck files; print one line per problem (file:line: item: message).

    Exits 0 when every file is a valid deck, 1 otherwise.
    """
    from trainer.content.generate import load_compiled_deck
    from trainer.content.loader import DeckError

    from trainer.content.generate import compile_deck
    from trainer.content.loader import load_deck, unused_sources

    failed = False
    for path in paths:
        try:
            deck = load_deck(path)
        except DeckError as error:
            failed = True
            for problem in error.problems:
                click.echo(str(problem), err=True)
            continue
        for key in unused_sources(deck):
            click.echo(f"{path}: warning: [sources.{key}] is never cited", err=True)
        compiled = compile_deck(deck, path=path)
        click.echo(f"{path}: ok ({counted(len(compiled.cards), 'card')} from deck '{compiled.info.id}')")
    sys.exit(1 if failed else 0)


@deck.command("preview")
@click.argument("path", type=click.Path(dir_okay=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the cards as a JSON list.")
def deck_preview(path: str, as_json: bool) -> None:
    """Show the cards a deck file generates."""
    from trainer.content.generate import load_compiled_deck
    from trainer.content.loader import DeckError

    try:
        compiled = load_compiled_deck(path)
    except DeckError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    if as_json:
        from trainer.content.export import cards_as_json

        click.echo(cards_as_json(compiled))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from trainer.tui.literal import display_text  # escape codes in a deck must not reach the terminal

    # Text(...) everywhere: deck text is shown literally, square brackets are not Rich markup.
    title = f"{compiled.info.title} ({counted(len(compiled.cards), 'card')})"
    table = Table(title=Text(display_text(title)), show_lines=True)
    for column in ("id", "kind", "prompt", "answer"):
        table.add_column(column, overflow="fold")
    for card in compiled.cards:
        answer = card.answer
        if len(card.accepted) > 1 and card.kind != "reveal":
            answer += f"  (also: {', '.join(card.accepted[1:])})"
        table.add_row(card.id, card.kind.value, Text(display_text(card.prompt)), Text(display_text(answer)))
    Console().print(table)


@deck.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--yes",
    "-y",
    "yes",
    is_flag=True,
    help="Import without asking, even a file that would retire cards of a deck already in your collection.",
)
@_db_option
@click.pass_context
def deck_import(ctx: click.Context, paths: tuple[str, ...], yes: bool, db: str | None) -> None:
    """Import deck files into your collection, to study them with the built-in deck.

    Each file is validated first and imported whole or not at all. Re-importing an edited deck
    keeps progress on its cards (ids come from the deck id and fact keys, not the wording). A
    file that reuses the id of a deck in your collection and would retire some of its cards is
    imported only after you say yes (or with --yes). Exits 1 if any file was not imported.
    """
    from trainer.clock import SystemClock
    from trainer.content.loader import DeckError
    from trainer.store.db import StoreError, open_store, resolve_db_url
    from trainer.study.decks import import_deck_file

    try:
        store = open_store(resolve_db_url(db or ctx.obj.get("db")))
    except StoreError as error:
        click.echo(f"trainer deck import: {error.message}", err=True)
        sys.exit(1)
    failed = False
    try:
        for path in paths:
            try:
                report = import_deck_file(
                    store, path, now=SystemClock().now(), confirm=None if yes else _confirm_retiring
                )
            except DeckError as error:
                failed = True
                for problem in error.problems:
                    click.echo(str(problem), err=True)
                click.echo(f"{path}: not imported", err=True)
                continue
            except StoreError as error:
                failed = True
                click.echo(f"{path}: not imported: {error.message}", err=True)
                continue
            if report is None:
                failed = True
                continue
            click.echo(
                f"{path}: imported ({report.added} new, {report.updated} updated, "
                f"{report.retired} retired, {counted(report.unchanged, 'unchanged card')})"
            )
    finally:
        store.close()
    sys.exit(1 if failed else 0)


def _stdin_is_interactive() -> bool:
    """True when a person can answer a question on stdin (not a pipe, a file or a script)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _confirm_retiring(preview) -> bool:  # preview: trainer.study.decks.ImportPreview
    """Ask before a file retires cards of a deck already in the collection; never ask a script."""
    from trainer.tui.literal import display_text  # deck text must not reach the terminal as escape codes

    retired = preview.report.retired
    stored = display_text(preview.stored_title or "")
    what = (
        f"{preview.path}: deck id '{display_text(preview.deck_id)}' is already in your collection (\"{stored}\"); "
        f"importing this file retires {retired} of its cards "
        "(kept with their progress, no longer asked)."
    )
    if not _stdin_is_interactive():
        click.echo(f"{what} Not imported: run again with --yes to import it anyway.", err=True)
        return False
    if click.confirm(f"{what} Import it?", default=False, err=True):
        return True
    click.echo(f"{preview.path}: not imported", err=True)
    return False


# --- config commands (study settings) ----------------------------------------------------------


def _config_fail(message: str) -> None:
    """One clear line on stderr, exit status 1, no traceback."""
    click.echo(f"trainer config: {message}", err=True)
    sys.exit(1)


_config_db_option = _db_option
"""`--db` on `config` and on each of its commands, so it may follow either."""


def _config_db(ctx: click.Context, db: str | None) -> str | None:
    """The nearest --db: the command's own, else `config --db`, else `trainer --db`."""
    while db is None and ctx is not None:
        db = (ctx.params or {}).get("db")
        ctx = ctx.parent  # type: ignore[assignment]
    return db


def _config_store(ctx: click.Context, db: str | None, *, read_only: bool = False):  # -> trainer.store.db.Store
    """Open the database named by the nearest --db (or its defaults), or fail cleanly.

    `read_only` for commands that only read: nothing is created, and a read-only file can be read.
    """
    from trainer.store.db import StoreError, open_store, resolve_db_url

    try:
        return open_store(resolve_db_url(_config_db(ctx, db)), read_only=read_only)
    except StoreError as error:
        _config_fail(error.message)


@main.group(invoke_without_command=True)
@_config_db_option
@click.pass_context
def config(ctx: click.Context, db: str | None) -> None:
    """Show or change settings (daily limits, rollover hour, leech threshold, grading, zone).

    With no command, list every setting and its value.
    """
    if ctx.invoked_subcommand is not None:
        return
    from trainer.store.db import StoreError, store_errors
    from trainer.study.settings import load_settings, setting_items

    store = _config_store(ctx, db, read_only=True)
    try:
        with store_errors("read the settings"), store.session() as session:
            items = setting_items(load_settings(session))
    except StoreError as error:
        _config_fail(error.message)
    finally:
        store.close()
    width = max(len(name) for name, _, _ in items)
    for name, value, help_text in items:
        click.echo(f"{name:<{width}}  {value:<8}  {help_text}")


@config.command("get")
@click.argument("name")
@_config_db_option
@click.pass_context
def config_get(ctx: click.Context, name: str, db: str | None) -> None:
    """Print one setting's value."""
    from trainer.store.db import StoreError, store_errors
    from trainer.study.settings import SettingError, load_settings, setting_text

    store = _config_store(ctx, db, read_only=True)
    try:
        with store_errors("read the settings"), store.session() as session:
            value = setting_text(load_settings(session), name)
    except SettingError as error:
        _config_fail(str(error))
    except StoreError as error:
        _config_fail(error.message)
    finally:
        store.close()
    click.echo(value)


@config.command("set", context_settings={"ignore_unknown_options": True})  # so "-1" is a value, not an option
@click.argument("name")
@click.argument("value")
@_config_db_option
@click.pass_context
def config_set(ctx: click.Context, name: str, value: str, db: str | None) -> None:
    """Change one setting (validated; saved at once)."""
    from trainer.store.db import StoreError, store_errors
    from trainer.study.settings import SettingError, normalise_name, set_setting, setting_text

    store = _config_store(ctx, db)
    try:
        with store_errors("save the setting"), store.session() as session:
            settings = set_setting(session, name, value)
            session.commit()
        canonical = normalise_name(name)
    except SettingError as error:
        _config_fail(str(error))
    except StoreError as error:
        _config_fail(error.message)
    finally:
        store.close()
    click.echo(f"{canonical} = {setting_text(settings, canonical)}")


# --- review command (TUI) ----------------------------------------------------------------------


@main.command()
@_db_option
@click.pass_context
def review(ctx: click.Context, db: str | None) -> None:
    """Open the trainer straight on the first card of today's review."""
    _run_tui(db or ctx.obj.get("db"), start="review")
