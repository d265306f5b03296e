"""Command line for the collection: `trainer cards search`, `trainer backup`, `trainer restore`, `trainer check`.

Registered on the main group by `trainer.cli` (kept apart so that the CLI module stays readable).
Like every command: one clear line on stderr and exit status 1 on bad input, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from trainer.cli import _db_option, _profile_id, _stdin_is_interactive
from trainer.content.query import QUERY_HELP
from trainer.words import counted


def _fail(prefix: str):  # noqa: ANN202
    def fail(message: str) -> None:
        click.echo(f"trainer {prefix}: {message}", err=True)
        sys.exit(1)

    return fail


def _root_db(ctx: click.Context, db: str | None) -> str | None:
    return db or (ctx.find_root().obj or {}).get("db")


def _database_file(ctx: click.Context, db: str | None, fail) -> Path:  # noqa: ANN001
    """The SQLite file `--db` names (backups and checks work on files, not server URLs)."""
    from trainer.store.location import requested_database

    where = requested_database(_root_db(ctx, db))
    if isinstance(where, str):
        if where.startswith("sqlite:///"):
            return Path(where.removeprefix("sqlite:///")).expanduser().resolve()
        fail("backups and checks work on a SQLite database file; use your database server's own tools for a URL.")
    return where  # type: ignore[return-value]


@click.group("cards")
def cards() -> None:
    """Look cards up in the collection."""


@cards.command("search", epilog=QUERY_HELP)
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the cards found as a JSON list.")
@click.option("--sort", type=click.Choice(["deck", "due", "interval", "ease", "lapses"]), default="deck", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=500, show_default=True, help="Print at most this many cards.")
@_db_option
@click.pass_context
def cards_search(ctx: click.Context, query: tuple[str, ...], as_json: bool, sort: str, limit: int, db: str | None) -> None:
    """Find cards: e.g. trainer cards search root:L5 tag:myotome is:due

    QUERY is any number of terms; a card must match all of them (see below).
    """
    from trainer.clock import SystemClock
    from trainer.content.query import QueryError
    from trainer.store.db import StoreError, open_store, resolve_db_url
    from trainer.study.collection import search

    fail = _fail("cards search")
    text = " ".join(query)
    try:
        store = open_store(resolve_db_url(_root_db(ctx, db)), read_only=True)
    except StoreError as error:
        fail(error.message)
    profile_id = _profile_id(ctx, store, fail)
    try:
        result = search(store, SystemClock(), text, profile_id=profile_id, sort=sort, limit=limit)
    except QueryError as error:
        click.echo(f"trainer cards search: {error.message}", err=True)
        click.echo(f"  {error.pointer().replace(chr(10), chr(10) + '  ')}", err=True)
        sys.exit(1)
    except StoreError as error:
        fail(error.message)
    finally:
        store.close()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": row.card_id,
                        "deck": row.deck_id,
                        "prompt": row.prompt,
                        "answer": row.answer,
                        "due": row.due_day.isoformat() if row.due_day else None,
                        "interval": row.interval,
                        "ease": row.easiness,
                        "lapses": row.lapses,
                        "state": _states(row),
                        "flag": row.flag or None,
                    }
                    for row in result.rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    from trainer.tui.literal import display_text

    for row in result.rows:
        due = row.due_day.isoformat() if row.due_day else "new"
        click.echo(f"{row.card_id}  {due:<10}  {', '.join(_states(row)) or '-':<12}  {display_text(row.prompt)}")
    shown = f" (showing {len(result.rows)})" if len(result.rows) < result.total else ""
    click.echo(f"{counted(result.total, 'card')} found{shown}.", err=True)


def _states(row) -> list[str]:  # noqa: ANN001 - a trainer.store.search.SearchRow
    """The state words of a found card."""
    words = []
    if not row.introduced:
        words.append("new")
    for flag, word in ((row.suspended, "suspended"), (row.leech, "leech"), (row.buried, "buried")):
        if flag:
            words.append(word)
    return words


@click.command("backup")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the backup here (default: a dated file in the database's backups folder).")  # fmt: skip
@_db_option
@click.pass_context
def backup(ctx: click.Context, output: Path | None, db: str | None) -> None:
    """Back the database up now (safe while the trainer is open in another window)."""
    from trainer.clock import SystemClock
    from trainer.store.backup import BackupError, make_backup

    fail = _fail("backup")
    database = _database_file(ctx, db, fail)
    try:
        made = make_backup(database, now=SystemClock().now(), output=output)
    except BackupError as error:
        fail(error.message)
    click.echo(f"Backed up {database} to {made}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@_db_option
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool, db: str | None) -> None:
    """Replace the database with a backup FILE (the current database is backed up first)."""
    from trainer.clock import SystemClock
    from trainer.store.backup import BackupError, check_database, restore_backup

    fail = _fail("restore")
    database = _database_file(ctx, db, fail)
    report = check_database(file, text_index=False)
    if not report.ok:
        fail(f"{file} cannot be restored: {' '.join(report.lines[1:2])} The current database was left untouched.")
    if not yes:
        if not _stdin_is_interactive():
            fail("restoring replaces the database; confirm with --yes when running from a script.")
        if not click.confirm(f"Replace {database} with {file}? (the current database is backed up first)", default=False):
            click.echo("Nothing was restored.")
            return
    try:
        safety = restore_backup(database, file.resolve(), now=SystemClock().now())
    except BackupError as error:
        fail(error.message)
    kept = f"; the previous database is kept as {safety}" if safety else ""
    click.echo(f"Restored {file} into {database}{kept}.")


@click.command("check")
@click.option("--repair", is_flag=True, help="Rebuild the index of the cards' text (Browse's search) from the cards first.")
@_db_option
@click.pass_context
def check(ctx: click.Context, repair: bool, db: str | None) -> None:
    """Check the database for damage (SQLite's full integrity check) and say what was found."""
    from trainer.store.backup import BackupError, check_database

    fail = _fail("check")
    try:
        report = check_database(_database_file(ctx, db, fail), repair=repair)
    except BackupError as error:
        fail(error.message)
    for line in report.lines:
        click.echo(line)
    sys.exit(0 if report.ok else 1)


COMMANDS = (cards, backup, restore, check)
"""The commands `trainer.cli` adds to the main group."""
