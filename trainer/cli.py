"""Command line: parses arguments, calls study/store/content, prints. No logic of its own.

Bare `trainer` opens the TUI on the Home screen. Heavy modules (Textual, the database layer) are
imported inside the commands that need them, so `trainer --help` and `trainer deck validate`
stay fast and the TUI's first paint is not delayed by code it does not need yet.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from trainer.words import counted

DB_HELP = "Database: a file path or any SQLAlchemy URL. Default: $TRAINER_DB, else the user data dir."

PROFILE_HELP = "Profile (one student) in the database. Default: $TRAINER_PROFILE, else 'default'."


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
@click.option("--profile", "profile", metavar="NAME", default=None, help=PROFILE_HELP)
@click.version_option(package_name="dermatome-trainer", prog_name="trainer")
@click.pass_context
def main(ctx: click.Context, db: str | None, profile: str | None) -> None:
    """Dermatome Trainer: drill dermatomes, myotomes, reflexes and disc levels.

    Run with no command to open the trainer on today's cards.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    ctx.obj["profile"] = profile
    if ctx.invoked_subcommand is None:
        _run_tui(db, start="home", profile=profile)


def _run_tui(db: str | None, *, start: str, profile: str | None = None) -> None:
    """Open the TUI."""
    from trainer.tui.run import run_tui

    sys.exit(run_tui(db, start=start, profile=profile))


def _fail_with(prefix: str, message: str) -> None:
    """One clear line on stderr (`prefix: message`), exit status 1, no traceback."""
    click.echo(f"{prefix}: {message}", err=True)
    sys.exit(1)


def _nearest_db(ctx: click.Context, db: str | None) -> str | None:
    """The nearest --db: the command's own, else its group's (`config --db`), else `trainer --db`."""
    while db is None and ctx is not None:
        db = (ctx.params or {}).get("db")
        ctx = ctx.parent  # type: ignore[assignment]
    return db


def _open_store(ctx: click.Context, db: str | None, prefix: str, *, read_only: bool = False):  # -> Store
    """Open the database the nearest --db names (or its defaults), or exit 1 with one `prefix: reason` line.

    `read_only` for commands that only read: nothing is created, and a read-only file can be read.
    """
    from trainer.store.db import StoreError, open_store, resolve_db_url

    try:
        return open_store(resolve_db_url(_nearest_db(ctx, db)), read_only=read_only)
    except StoreError as error:
        _fail_with(prefix, error.message)


@contextmanager
def _command_store(ctx: click.Context, db: str | None, prefix: str, *, read_only: bool = False) -> Iterator[Any]:
    """The database for one command, closed afterwards; a refusal (the database's, or a setting's or
    profile's) becomes one `prefix: reason` line and exit status 1, never a traceback."""
    from trainer.store.db import StoreError
    from trainer.study.profiles import ProfileError
    from trainer.study.settings import SettingError

    store = _open_store(ctx, db, prefix, read_only=read_only)
    try:
        yield store
    except StoreError as error:
        _fail_with(prefix, error.message)
    except (SettingError, ProfileError) as error:
        _fail_with(prefix, str(error))
    finally:
        store.close()


def _profile_id(ctx: click.Context, store, fail) -> int:  # store: trainer.store.db.Store
    """The id of the profile `--profile`/$TRAINER_PROFILE names (the default one otherwise), or fail cleanly."""
    from trainer.store.db import StoreError
    from trainer.store.location import requested_profile
    from trainer.study.profiles import ProfileError, resolve_profile

    root = ctx.find_root()
    try:
        return resolve_profile(store, requested_profile((root.obj or {}).get("profile")))
    except (ProfileError, ValueError) as error:
        store.close()
        fail(str(error))
    except StoreError as error:
        store.close()
        fail(error.message)
    raise AssertionError("unreachable")  # fail() exits


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
        from trainer.interop.json_export import cards_as_json

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
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD", help="Spreadsheets: read COLUMN as FIELD (key, prompt, answer, kind, accepted, distractors, explanation, source, tags). Repeatable.")
@click.option("--write", "write", default=None, type=click.Path(dir_okay=False, path_type=str), metavar="DECK.toml", help="Spreadsheets: write a deck file instead of importing.")
@click.option("--deck-id", "deck_id", default=None, help="Spreadsheets: the deck id (default: from the file name).")
@click.option("--title", "title", default=None, help="Spreadsheets: the deck title (default: the file name).")
@click.option("--source", "source", default=None, metavar="CITATION", help="Spreadsheets: the citation for rows with no source cell.")
@click.option(
    "--yes",
    "-y",
    "yes",
    is_flag=True,
    help="Import without asking, even a file that would retire cards of a deck already in your collection.",
)
@_db_option
@click.pass_context
def deck_import(
    ctx: click.Context,
    paths: tuple[str, ...],
    mapping: tuple[str, ...],
    write: str | None,
    deck_id: str | None,
    title: str | None,
    source: str | None,
    yes: bool,
    db: str | None,
) -> None:
    """Import deck files (.toml) or spreadsheets (.csv, .tsv, Anki's .txt export) into your collection.

    Each file is validated first and imported whole or not at all. Re-importing an edited deck
    keeps progress on its cards (ids come from the deck id and fact keys, or a sheet's id
    column, not the wording); a card no longer there is retired. A deck file that reuses the id
    of a deck in your collection and would retire some of its cards is imported only after you
    say yes (or with --yes). Exits 1 if any file could not be imported.
    """
    from trainer.clock import SystemClock
    from trainer.content.loader import DeckError
    from trainer.interop.sheet_import import SheetOptions, import_sheet, is_sheet, parse_mapping, write_sheet_deck
    from trainer.store.db import StoreError
    from trainer.study.decks import import_deck_file

    try:
        options = SheetOptions(mapping=parse_mapping(mapping), deck_id=deck_id, title=title, source=source)
    except ValueError as error:
        click.echo(f"trainer deck import: {error}", err=True)
        sys.exit(2)
    if write is not None:
        if len(paths) != 1 or not is_sheet(paths[0]):
            click.echo("trainer deck import: --write takes exactly one spreadsheet (.csv, .tsv or .txt)", err=True)
            sys.exit(2)
        try:
            count = write_sheet_deck(paths[0], options, write)
        except DeckError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{paths[0]}: nothing written", err=True)
            sys.exit(1)
        except OSError as error:
            click.echo(f"trainer deck import: cannot write {write}: {error.strerror or error}", err=True)
            sys.exit(1)
        click.echo(f"{write}: {count} cards written from {paths[0]}; check it with `trainer deck validate {write}`")
        return

    store = _deck_store(ctx, db, "import")
    failed = False
    try:
        for path in paths:
            try:
                now = SystemClock().now()
                if is_sheet(path):
                    report = import_sheet(store, path, options, now=now)
                else:
                    report = import_deck_file(store, path, now=now, confirm=None if yes else _confirm_retiring)
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


@deck.command("new")
@click.argument("name")
@click.option("--output", "-o", "output", default=None, type=click.Path(dir_okay=False, path_type=str), help="Where to write it (default: NAME.toml here).")
def deck_new(name: str, output: str | None) -> None:
    """Write a commented starter deck (NAME.toml) showing every kind of item; never overwrites a file."""
    from pathlib import Path

    from trainer.interop.starter import StarterExists, write_starter

    try:
        path = write_starter(name, Path(output) if output else None)
    except StarterExists as error:
        click.echo(f"trainer deck new: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"trainer deck new: cannot write {output or name + '.toml'}: {error.strerror or error}", err=True)
        sys.exit(1)
    click.echo(f"{path}: starter deck written. Edit it, then: trainer deck validate {path}")


def _deck_store(ctx: click.Context, db: str | None, command: str, *, read_only: bool = False):  # -> Store
    """The database for `trainer deck COMMAND` (see `_open_store`)."""
    return _open_store(ctx, db, f"trainer deck {command}", read_only=read_only)


@deck.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the decks as a JSON list.")
@_db_option
@click.pass_context
def deck_list(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """List your decks: id, title, version, cards, and today's new, due and suspended counts."""
    import json
    from dataclasses import asdict

    from trainer.clock import SystemClock
    from trainer.store.db import StoreError
    from trainer.study.deck_admin import list_decks

    store = _deck_store(ctx, db, "list", read_only=True)
    try:
        profile_id = _profile_id(ctx, store, lambda message: _fail_with("trainer deck list", message))
        rows = list_decks(store, SystemClock(), profile_id=profile_id)
    except StoreError as error:
        click.echo(f"trainer deck list: {error.message}", err=True)
        sys.exit(1)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No decks yet: `trainer` imports the built-in deck; `trainer deck import FILE` adds yours.")
        return
    from trainer.tui.literal import display_text  # deck titles are shown literally, without escape codes

    header = ("id", "title", "version", "cards", "new", "due", "suspended")
    table = [header] + [
        (r.id, display_text(r.title), display_text(r.version), str(r.cards), str(r.new), str(r.due), str(r.suspended)) for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo("  ".join(cell.rjust(w) if i >= 3 else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))).rstrip())


@deck.command("remove")
@click.argument("deck_id", metavar="ID")
@click.option("--purge", is_flag=True, help="Also delete the cards' progress and review history (cannot be undone).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@_db_option
@click.pass_context
def deck_remove(ctx: click.Context, deck_id: str, purge: bool, yes: bool, db: str | None) -> None:
    """Remove a deck from study: its cards are retired, their review history kept.

    Importing the deck's file again brings the cards back with their progress. With --purge the
    cards, their progress and their history are deleted. Built-in decks cannot be removed.
    """
    from trainer.clock import SystemClock
    from trainer.store.db import StoreError
    from trainer.study.deck_admin import DeckAdminError, remove_deck
    from trainer.study.decks import builtin_deck_files

    if deck_id in builtin_deck_files():
        click.echo(f'trainer deck remove: "{deck_id}" is a built-in deck; it cannot be removed (suspend its cards instead)', err=True)
        sys.exit(1)
    what = "delete its cards, their progress and their review history" if purge else "retire its cards (review history is kept)"
    if not yes and not click.confirm(f'Remove deck "{deck_id}" and {what}?', default=False):
        click.echo("Nothing removed.")
        return
    store = _deck_store(ctx, db, "remove")
    try:
        count = remove_deck(store, deck_id, now=SystemClock().now(), purge=purge)
    except DeckAdminError as error:
        click.echo(f"trainer deck remove: {error}", err=True)
        sys.exit(1)
    except StoreError as error:
        click.echo(f"trainer deck remove: {error.message}", err=True)
        sys.exit(1)
    finally:
        store.close()
    done = "deleted with their history" if purge else "retired (history kept; import the deck again to bring them back)"
    click.echo(f'Deck "{deck_id}": {count} cards {done}.')


@deck.command("export")
@click.argument("deck_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["apkg", "csv", "toml"]), required=True, help="apkg: Anki package; csv: Anki's CSV import; toml: a deck file.")
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=str), help="The file to write (replaced if it exists).")
@_db_option
@click.pass_context
def deck_export(ctx: click.Context, deck_id: str, fmt: str, output: str, db: str | None) -> None:
    """Export a deck of your collection (see `trainer deck list` for the ids).

    Anki notes get GUIDs from the card ids, so importing a newer export into Anki updates the
    notes instead of adding duplicates. A TOML export imports back to the same cards and ids.
    """
    from pathlib import Path

    from trainer.clock import SystemClock
    from trainer.content.loader import DeckError
    from trainer.interop.deck_export import export_deck
    from trainer.store.db import StoreError
    from trainer.study.deck_admin import DeckAdminError

    store = _deck_store(ctx, db, "export")
    try:
        count = export_deck(store, deck_id, fmt=fmt, output=Path(output), now=SystemClock().now())
    except DeckAdminError as error:
        click.echo(f"trainer deck export: {error}", err=True)
        sys.exit(1)
    except DeckError as error:
        click.echo(f"trainer deck export: the deck's kept source no longer validates:\n{error}", err=True)
        sys.exit(1)
    except StoreError as error:
        click.echo(f"trainer deck export: {error.message}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"trainer deck export: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(1)
    finally:
        store.close()
    click.echo(f"{output}: {count} cards of deck '{deck_id}' exported as {fmt}")


# --- class commands (instructors) ---------------------------------------------------------------


@main.group("class")
def class_() -> None:
    """Instructors: combine students' exam report files."""


@class_.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--md", "fmt", flag_value="md", default=True, help="Markdown (the default).")
@click.option("--csv", "fmt", flag_value="csv", help="One CSV table; the first column names the section.")
@click.option("--json", "fmt", flag_value="json", help="One JSON object.")
@click.option("--output", "-o", "output", default=None, type=click.Path(dir_okay=False, path_type=str), help="Write to FILE instead of the screen.")
@click.option("--threshold", default=60.0, show_default=True, type=click.FloatRange(0, 100), help="List students whose latest score is below this percent.")
def class_report(paths: tuple[str, ...], fmt: str, output: str | None, threshold: float) -> None:
    """Combine exam report files (`trainer exam --report`) from DIRs (every *.json) or FILES.

    Shows per-question difficulty, accuracy per root, the class's common confusions and the
    students below the threshold. Files that are not exam reports, malformed or duplicates are
    listed and skipped. Exits 1 if no file could be read.
    """
    from trainer.interop.class_report import build_report, load_reports, to_csv, to_json, to_markdown

    attempts, skipped = load_reports(list(paths))
    for item in skipped:
        click.echo(f"{item.path}: skipped: {item.reason}", err=True)
    if not attempts:
        click.echo("trainer class report: no exam report could be read", err=True)
        sys.exit(1)
    report = build_report(attempts, skipped, threshold=threshold)
    text = {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](report)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        click.echo(f"trainer class report: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(1)
    click.echo(f"{output}: class report of {report.attempts} attempts ({len(skipped)} files skipped)")


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
    _fail_with("trainer config", message)


_config_db_option = _db_option
"""`--db` on `config` and on each of its commands, so it may follow either."""


@main.group(invoke_without_command=True)
@_config_db_option
@click.pass_context
def config(ctx: click.Context, db: str | None) -> None:
    """Show or change settings (daily limits, rollover hour, leech threshold, grading, zone).

    With no command, list every setting and its value.
    """
    if ctx.invoked_subcommand is not None:
        return
    from trainer.store.db import store_errors
    from trainer.study.settings import load_settings, setting_items

    with _command_store(ctx, db, "trainer config", read_only=True) as store:
        profile_id = _profile_id(ctx, store, _config_fail)
        with store_errors("read the settings"), store.session() as session:
            items = setting_items(load_settings(session, profile_id=profile_id))
    width = max(len(name) for name, _, _ in items)
    for name, value, help_text in items:
        click.echo(f"{name:<{width}}  {value:<8}  {help_text}")


@config.command("get")
@click.argument("name")
@_config_db_option
@click.pass_context
def config_get(ctx: click.Context, name: str, db: str | None) -> None:
    """Print one setting's value."""
    from trainer.store.db import store_errors
    from trainer.study.settings import load_settings, setting_text

    with _command_store(ctx, db, "trainer config", read_only=True) as store:
        profile_id = _profile_id(ctx, store, _config_fail)
        with store_errors("read the settings"), store.session() as session:
            value = setting_text(load_settings(session, profile_id=profile_id), name)
    click.echo(value)


@config.command("set", context_settings={"ignore_unknown_options": True})  # so "-1" is a value, not an option
@click.argument("name")
@click.argument("value")
@_config_db_option
@click.pass_context
def config_set(ctx: click.Context, name: str, value: str, db: str | None) -> None:
    """Change one setting (validated; saved at once)."""
    from trainer.store.db import store_errors
    from trainer.study.settings import normalise_name, set_setting, setting_text

    with _command_store(ctx, db, "trainer config") as store:
        profile_id = _profile_id(ctx, store, _config_fail)
        with store_errors("save the setting"), store.session() as session:
            settings = set_setting(session, name, value, profile_id=profile_id)
            session.commit()
        canonical = normalise_name(name)
    click.echo(f"{canonical} = {setting_text(settings, canonical)}")


# --- review command (TUI) ----------------------------------------------------------------------


@main.command()
@_db_option
@click.pass_context
def review(ctx: click.Context, db: str | None) -> None:
    """Open the trainer straight on the first card of today's review."""
    _run_tui(db or ctx.obj.get("db"), start="review", profile=ctx.obj.get("profile"))


# --- exam and statistics ----------------------------------------------------------------------


@main.command()
@click.option("--questions", type=click.IntRange(min=1), default=None, help="How many questions (default 40).")
@click.option("--minutes", type=click.IntRange(min=1), default=None, help="Time allowed (default: a minute per question).")
@click.option("--scope", default="all", show_default=True, metavar="SCOPE",
              help="all, cervical, thoracic, lumbosacral, tag:NAME or deck:ID.")
@click.option("--seed", type=int, default=None, help="The same seed gives the same questions.")
@click.option("--weak", is_flag=True, help="Ask more about the roots you miss most.")
@click.option("--report", "report", metavar="FILE", default=None, help="Write the report here when done (.json, .md or .csv).")
@click.option("--resume", is_flag=True, help="Go back to the exam left unfinished, with its time left.")
@_db_option
@click.pass_context
def exam(ctx: click.Context, questions: int | None, minutes: int | None, scope: str, seed: int | None, weak: bool,
         report: str | None, resume: bool, db: str | None) -> None:  # fmt: skip
    """Sit a timed self-assessment: no feedback until the end, then a report of what to review."""
    from pathlib import Path

    from trainer.study.exam import parse_scope
    from trainer.study.exams import DEFAULT_QUESTIONS, ExamOptions

    try:
        scope = parse_scope(scope)
    except ValueError as error:
        _fail_with("trainer exam", str(error))
    if report is not None and Path(report).suffix.lower() not in (".json", ".md", ".csv"):
        _fail_with("trainer exam", f"--report {report}: name the file .json, .md or .csv.")
    options = ExamOptions(
        questions=questions or DEFAULT_QUESTIONS, minutes=minutes, scope=scope, seed=seed, weak=weak,
        resume=resume, report=report,
    )  # fmt: skip
    from trainer.tui.app import make_app

    app = make_app(db or ctx.obj.get("db"), start="exam", profile=ctx.obj.get("profile"), exam=options)
    app.run()
    if app.error is not None:
        click.echo(f"trainer: {app.error}", err=True)
    sys.exit(app.return_code or 0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Period for retention, accuracy, confusions and time (default: all history).")
@_db_option
@click.pass_context
def stats(ctx: click.Context, as_json: bool, days: int | None, db: str | None) -> None:
    """Statistics: due forecast, reviews per day, streak, retention, per-root mastery, confusions, time."""
    import json

    from trainer.study.stats import stats_json
    from trainer.study.stats_store import quick_stats

    def fail(message: str) -> None:
        _fail_with("trainer stats", message)

    # First a read-only look through the stdlib (no SQLAlchemy to import: most of the command's
    # time); the full store when that cannot answer (no cache for the closed days yet, another
    # schema, not a SQLite file, an unknown profile...), which also says what is wrong.
    figures = _quick_stats(ctx, db, days, quick_stats)
    if figures is None:
        from trainer.clock import SystemClock
        from trainer.store.db import StoreError, open_store, resolve_db_url
        from trainer.study.settings import settings_of
        from trainer.study.stats_store import load_stats

        try:
            store = open_store(resolve_db_url(db or ctx.obj.get("db")))
        except StoreError as error:
            fail(error.message)
        profile_id = _profile_id(ctx, store, fail)
        try:
            clock = SystemClock(settings_of(store, profile_id=profile_id).timezone)
            figures = load_stats(store, clock, profile_id=profile_id, days=days)
        except StoreError as error:
            store.close()
            fail(error.message)
        store.close()
    if as_json:
        click.echo(json.dumps(stats_json(figures), indent=2))
        return
    from trainer.study.stats_text import stats_lines

    click.echo("\n".join(stats_lines(figures)))


def _quick_stats(ctx: click.Context, db: str | None, days: int | None, quick_stats):  # noqa: ANN001, ANN202
    """`trainer stats` through `trainer.store.quick` (read-only sqlite3), or None for the full path."""
    import sqlite3

    from trainer.clock import SystemClock
    from trainer.store.location import requested_profile
    from trainer.store.quick import open_quick
    from trainer.store.readers import Reader, profile_id_of
    from trainer.study.settings import settings_from_rows

    executor = open_quick(db or ctx.obj.get("db"))
    if executor is None:
        return None
    try:
        profile_id = profile_id_of(executor, requested_profile((ctx.find_root().obj or {}).get("profile")))
        if profile_id is None:
            return None
        settings = settings_from_rows(Reader(executor, profile_id=profile_id).stored_settings())
        return quick_stats(executor, SystemClock(settings.timezone), profile_id=profile_id, days=days)
    except (sqlite3.Error, ValueError):
        return None  # the full path reads it again and reports what is wrong
    finally:
        executor.close()


# --- profile commands --------------------------------------------------------------------------


@main.group()
def profile() -> None:
    """List, add and rename profiles: one student each, with their own schedule and settings."""


@profile.command("list")
@_db_option
@click.pass_context
def profile_list(ctx: click.Context, db: str | None) -> None:
    """Show every profile with its number of answers."""
    from trainer.study.profiles import list_profiles

    with _command_store(ctx, db, "trainer profile") as store:
        found = list_profiles(store)
    width = max(len(p.name) for p in found)
    for p in found:
        click.echo(f"{p.name:<{width}}  {p.reviews} answer{'s' if p.reviews != 1 else ''}  (student id {p.pseudonym})")


@profile.command("add")
@click.argument("name")
@_db_option
@click.pass_context
def profile_add(ctx: click.Context, name: str, db: str | None) -> None:
    """Add a profile with a fresh schedule (every card new)."""
    from trainer.clock import SystemClock
    from trainer.study.profiles import add_profile

    with _command_store(ctx, db, "trainer profile") as store:
        add_profile(store, name, now=SystemClock().now())
    click.echo(f"Added profile {name.strip()!r}; study with: trainer --profile {name.strip()!r}")


@profile.command("rename")
@click.argument("old")
@click.argument("new")
@_db_option
@click.pass_context
def profile_rename(ctx: click.Context, old: str, new: str, db: str | None) -> None:
    """Rename a profile (its schedule, answers and settings stay with it)."""
    from trainer.study.profiles import rename_profile

    with _command_store(ctx, db, "trainer profile") as store:
        rename_profile(store, old, new)
    click.echo(f"Renamed profile {old!r} to {new.strip()!r}")


# --- map command (TUI explorer; no database) ---------------------------------------------------


@main.command("map")
@click.argument("target", required=False, metavar="[ROOT|NERVE]")
@click.option("--check", "check", metavar="FILE", default=None, help="Validate a body-map file instead of opening the map.")
def map_command(target: str | None, check: str | None) -> None:
    """Explore the body map: dermatomes (and cutaneous nerves) drawn in the terminal.

    ROOT is a spinal level such as L4 or "S4-5"; NERVE is a nerve's id or name, such as ulnar or
    "lateral femoral cutaneous". Arrow keys browse, n shows nerve territories, l labels, q quits.
    """
    from trainer.content.bodymap import load_bodymap
    from trainer.content.loader import DeckError
    from trainer.paths import builtin_map_path

    try:
        bodymap = load_bodymap(check or builtin_map_path())
    except DeckError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    if check is not None:
        click.echo(f"{check}: ok ({len(bodymap.zones)} zones, {len(bodymap.key_points)} key points, {len(bodymap.nerves)} nerves)")
        return
    resolved = None
    if target is not None:
        resolved = _map_target(bodymap, target)
    from trainer.tui.map_app import MapApp

    MapApp(resolved).run()


def _map_target(bodymap, text: str) -> str:  # bodymap: trainer.content.bodymap.BodyMap
    """The root or nerve id `text` names, or exit 2 with a hint."""
    from trainer.content.roots import LEVELS, parse_root

    parsed = parse_root(text)
    if parsed.kind == "root":
        root = parsed.roots[0]
        if root in LEVELS:
            return root
        click.echo(f"trainer map: {root} has no zone on the map (the map shows the ISNCSCI levels C2 to S4-5).", err=True)
        sys.exit(2)
    nerve = bodymap.find_nerve(text)
    if nerve is not None:
        return nerve.id
    hint = bodymap.suggest_nerve(text)
    if parsed.kind == "disc":
        disc = parsed.text.removesuffix(" disc")
        click.echo(f"trainer map: {disc} names a disc, not a root; try one of {', '.join(parsed.roots)}.", err=True)
        sys.exit(2)
    if parsed.note.startswith("not a spinal root"):
        reason = f'"{text}" is {parsed.note}'
    else:
        reason = f'"{text}" is neither a root (like L4) nor a nerve on the map'
    extra = f'; did you mean "{hint}"?' if hint else ". Nerves: " + ", ".join(n.id for n in bodymap.nerves)
    click.echo(f"trainer map: {reason}{extra}", err=True)
    sys.exit(2)


# --- collection commands (cards search, backup, restore, check), in their own module -----------

from trainer.cli_collection import COMMANDS as _COLLECTION_COMMANDS  # noqa: E402

for _command in _COLLECTION_COMMANDS:
    main.add_command(_command)
