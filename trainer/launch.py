"""The `trainer` console script: the common launches skip the command-line parser.

A student types `trainer` (or `trainer review`) every day, and importing click costs about 30 ms
of a ~400 ms launch. Exactly those two command lines, with no options, go straight to the TUI;
every other command line (options, `deck`, `config`, `--help`, ...) goes to `trainer.cli`, so no
argument is parsed in two places. `$TRAINER_DB` still applies: the TUI resolves it itself.
"""

from __future__ import annotations

import sys

_DIRECT = {(): "home", ("review",): "review"}
"""Command lines (after the program name) that open the TUI without the parser."""


def main(argv: list[str] | None = None) -> None:
    """Run the trainer for this command line (`sys.argv[1:]` by default)."""
    args = tuple(sys.argv[1:] if argv is None else argv)
    start = _DIRECT.get(args)
    if start is not None:
        from trainer.tui.run import run_tui

        sys.exit(run_tui(None, start=start))  # type: ignore[arg-type]
    from trainer.cli import main as cli_main

    cli_main(args=list(args))
