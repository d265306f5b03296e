"""Where things live on disk: the built-in decks and the user's data directory."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "dermatome-trainer"
"""The directory name under the platform's user data dir."""


def builtin_decks_dir() -> Path:
    """The directory holding the built-in decks.

    Inside an installed wheel the decks sit at `trainer/decks`; in a source checkout (editable
    install, or running from the repo) they are the top-level `decks/` beside the package.
    """
    # The package's own folder, as importlib.resources.files("trainer") gives it for an installed
    # package, without that call's ~5 ms on every launch.
    package = Path(__file__).resolve().parent
    packaged = package / "decks"
    if packaged.is_dir():
        return packaged
    return package.parent / "decks"


def builtin_deck_path() -> Path:
    """The core built-in deck file (dermatomes, myotomes, reflexes and disc levels)."""
    return builtin_decks_dir() / "dermatomes.toml"


def builtin_deck_paths() -> list[Path]:
    """Every built-in deck file: each `*.toml` directly in the decks directory, the core deck first.

    Body-map zones live in `decks/maps/`, not here: they are drawn, not studied as a deck.

    The examples under `decks/examples/` are not built-in: they are for instructors to copy.
    """
    core = builtin_deck_path()
    others = sorted(p for p in builtin_decks_dir().glob("*.toml") if p.name != core.name)
    return [core, *others]


def builtin_map_path() -> Path:
    """The built-in body-map file, the one the review, the exam report and the explorer draw."""
    return builtin_decks_dir() / "maps" / "bodymap.toml"


def builtin_map_paths() -> list[Path]:
    """Every built-in body-map file (`decks/maps/*.toml`): drawn by the map, and its cards studied.

    Each map's generated cards (`trainer.content.map_cards`) are a built-in deck of their own,
    imported with the deck files above.
    """
    return sorted(builtin_map_path().parent.glob("*.toml"))


def default_db_path() -> Path:
    """The default database file in the user's data dir (not created here)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "trainer.db"
