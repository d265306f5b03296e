"""Command line: parses arguments, calls study/store/content, prints. No logic of its own.

Bare `trainer` opens the TUI on the Home screen. Heavy modules (Textual, the database layer) are
imported inside the commands that need them, so `trainer --help` and `trainer deck validate`
stay fast and the TUI's first paint is not delayed by code it does not need yet.
"""

from __future__ import annotations

import sys

import click

DB_HELP = "Database: a file path or any SQLAlchemy URL. Default: $TRAINER_DB, else the user data dir."


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH|URL", default=None, help=DB_HELP)
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
    """Validate, preview and export deck files."""


# --- config commands (study settings) ----------------------------------------------------------

# --- review command (TUI) ----------------------------------------------------------------------
