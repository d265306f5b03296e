"""Fixtures shared by the whole suite.

Every test runs with its own data directory and database location, so a developer's real
progress can never leak into (or be damaged by) a test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The source checkout: decks/, docs/ and pyproject.toml live here."""


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point $TRAINER_DB and the platformdirs lookups at the test's temporary directory."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("TRAINER_DB", raising=False)
