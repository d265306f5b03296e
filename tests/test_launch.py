"""The `trainer` script: daily launches skip the parser, everything else reaches the CLI unchanged."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trainer import launch


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, str]]:
    """Record what the TUI would have been opened with, instead of opening it."""
    calls: list[tuple[str | None, str]] = []

    def fake_run_tui(db: str | None, *, start: str = "home", profile: str | None = None) -> int:
        calls.append((db, start))
        return 0

    monkeypatch.setattr("trainer.tui.run.run_tui", fake_run_tui)
    return calls


@pytest.mark.parametrize(("argv", "expected"), [([], (None, "home")), (["review"], (None, "review"))])
def test_bare_trainer_and_trainer_review_open_the_tui(argv, expected, opened) -> None:
    """`trainer` opens Home, `trainer review` the first card."""
    with pytest.raises(SystemExit) as exited:
        launch.main(argv)
    assert exited.value.code == 0
    assert opened == [expected]


def test_options_go_through_the_command_line_parser(opened) -> None:
    """`trainer --db X review` is parsed by click and still opens the TUI on that database."""
    with pytest.raises(SystemExit):
        launch.main(["--db", "/tmp/other.db", "review"])
    assert opened == [("/tmp/other.db", "review")]


def test_subcommands_reach_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    """`trainer deck validate` is the CLI's, exit codes included."""
    with pytest.raises(SystemExit) as exited:
        launch.main(["deck", "validate", "/nonexistent.toml"])
    assert exited.value.code == 1
    assert "/nonexistent.toml: no such file" in capsys.readouterr().err


def test_the_daily_launch_does_not_import_the_parser() -> None:
    """Reaching the TUI for `trainer` costs no click import (about 30 ms of the launch)."""
    probe = (
        "import sys, trainer.tui.run as r; r.run_tui = lambda db, start: 0\n"
        "from trainer import launch\n"
        "try:\n    launch.main([])\nexcept SystemExit:\n    pass\n"
        "print('click' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "False", run.stderr


def test_the_first_card_paints_without_the_answer_checker() -> None:
    """The modules that paint the first card leave the answer parsers (~40 ms) for later.

    The review screen imports them in a worker a moment after it is shown (ReviewScreen._warm_up);
    a typed or chosen answer imports them on first use in any case.
    """
    probe = (
        "import sys, trainer.tui.app, trainer.tui.screens.review, trainer.study.startup, trainer.store.quick\n"
        "print(sorted(m for m in ('trainer.content.answers', 'trainer.content.roots', 'sqlalchemy') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr
