"""Entry point of the TUI for the command line: run the app, turn failures into exit codes.

Kept tiny on purpose: the app reads its first screen without the database layer and opens the
store behind the first paint (see `trainer.tui.app`), so the launch costs little more than a bare
Textual app's (see bench/bench_launch.py).
"""

from __future__ import annotations

import sys
from typing import Literal


def run_tui(db: str | None, *, start: Literal["home", "review"] = "home", profile: str | None = None) -> int:
    """Run the trainer until the student quits.

    Args:
        db: `--db` value (file path or SQLAlchemy URL); None for $TRAINER_DB or the default.
        start: "home" for the Home screen, "review" to open on today's first card.
        profile: `--profile` value; None for $TRAINER_PROFILE or the default profile.

    Returns:
        The process exit code: 0 after a normal quit, 2 when the database cannot be opened
        (the reason is printed to stderr, without a traceback), 1 for another startup failure.
    """
    from trainer.tui.app import make_app

    app = make_app(db, start=start, profile=profile)
    app.run()
    if app.error is not None:
        print(f"trainer: {app.error}", file=sys.stderr)
    return app.return_code or 0
