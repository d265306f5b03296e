"""The student's settings: daily limits, rollover hour, leech threshold, grading thresholds, zone, new-card order.

Settings are stored as text in the database (`Setting` rows) and typed and validated here, so
the CLI (`trainer config get|set`) and the TUI share one set of rules and messages. A stored value
that no longer validates (hand-edited, or from an older version) falls back to its default rather
than stopping the app.

The parsing imports no database layer (`settings_from_rows` works on plain name/value rows), so
the TUI's quick start (`trainer.store.quick`) types its settings with the same rules; only
`load_settings`, `settings_of` and `set_setting` reach the store, and they import it when called.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from trainer.clock import Clock, resolve_zone
from trainer.scheduling.grading import FAST_MS, SLOW_MS
from trainer.scheduling.new_order import NEW_ORDERS
from trainer.store.location import DEFAULT_PROFILE_ID

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlmodel import Session

    from trainer.store.db import Store


class SettingError(ValueError):
    """A setting name or value was refused; `str()` is one clear sentence for the user."""


@dataclass(frozen=True)
class Settings:
    """The student's settings, typed, with their defaults."""

    new_per_day: int = 20
    """New cards introduced per study day, across all sessions of that day."""
    reviews_per_day: int = 200
    """Due reviews per study day (the most overdue first)."""
    rollover_hour: int = 4
    """Local hour at which a new study day starts (as in Anki: late-night study counts for the evening)."""
    leech_threshold: int = 8
    """Lapses after which a card is flagged as a leech and suspended."""
    fast_ms: int = FAST_MS
    """A correct answer within this many milliseconds suggests quality 5."""
    slow_ms: int = SLOW_MS
    """A correct answer within this many milliseconds suggests quality 4 (slower: 3)."""
    timezone: str | None = None
    """IANA zone for study days; None follows the system's local zone."""
    new_order: str = "mixed"
    """Order of new cards: "mixed" (kinds and regions interleaved, siblings apart) or "deck" (as authored)."""
    theme: str = "textual-dark"
    """The colour theme of the terminal app (applied at launch, and at once when changed)."""
    backups_kept: int = 20
    """Automatic daily backups kept beside the database (the oldest are deleted); 0 = none made."""
    study_scope: str = ""
    """What today's session studies: a search-style filter of deck:, tag: and region: terms
    ("region:lumbosacral"); empty = every deck."""


@dataclass(frozen=True)
class _Spec:
    """How one setting is parsed and what it means."""

    parse: Callable[[str], Any]
    help: str


def _integer(low: int, high: int) -> Callable[[str], int]:
    """A parser for a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise SettingError(f"must be a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise SettingError(f"must be from {low} to {high}, not {value}")
        return value

    return parse


def _choice(values: Sequence[str]) -> Callable[[str], str]:
    """A parser for one of a few words."""

    def parse(text: str) -> str:
        word = text.strip().lower()
        if word not in values:
            raise SettingError(f"must be one of {', '.join(values)}, not {text.strip()!r}")
        return word

    return parse


def _zone(text: str) -> str | None:
    """A parser for an IANA zone name; empty, "system" or "none" means the system zone."""
    name = text.strip()
    if name.lower() in ("", "system", "none", "local"):
        return None
    try:
        resolve_zone(name)
    except ValueError:
        raise SettingError(f"must be an IANA time zone such as Europe/London, not {name!r}") from None
    return name


THEMES = (
    "textual-dark", "textual-light", "nord", "gruvbox", "catppuccin-mocha", "dracula", "tokyo-night", "monokai",
    "flexoki", "catppuccin-latte", "catppuccin-frappe", "catppuccin-macchiato", "solarized-light", "solarized-dark",
    "rose-pine", "rose-pine-moon", "rose-pine-dawn", "atom-one-dark", "atom-one-light", "ansi-dark", "ansi-light",
)  # fmt: skip
"""The themes the app offers (Textual's built-in ones; tests/study/test_settings.py keeps them in step)."""


def _theme(text: str) -> str:
    """A parser for a theme name."""
    name = text.strip().lower()
    if name not in THEMES:
        close = difflib.get_close_matches(name, THEMES, n=1)
        hint = f"did you mean {close[0]}?" if close else f"one of {', '.join(THEMES)}"
        raise SettingError(f"must be a theme the app knows ({hint}), not {text.strip()!r}")
    return name


def _scope(text: str) -> str:
    """A parser for the study scope: deck:, tag: and region: terms of the search syntax."""
    if not text.strip():
        return ""  # everything; and the launch need not import the query parser (and its root parser)
    from trainer.content.query import QueryError, scope_of

    try:
        scope_of(text)
    except QueryError as error:
        raise SettingError(f"is not a study filter: {error.message} (column {error.column + 1})") from None
    return " ".join(text.split())


SPECS: dict[str, _Spec] = {
    "new_per_day": _Spec(_integer(0, 9999), "new cards per study day"),
    "reviews_per_day": _Spec(_integer(0, 99999), "due reviews per study day"),
    "rollover_hour": _Spec(_integer(0, 23), "local hour at which the study day starts"),
    "leech_threshold": _Spec(_integer(1, 999), "lapses that make a card a leech (suspended)"),
    "fast_ms": _Spec(_integer(100, 600_000), "a correct answer faster than this (ms) suggests quality 5"),
    "slow_ms": _Spec(_integer(100, 600_000), "a correct answer faster than this (ms) suggests quality 4"),
    "timezone": _Spec(_zone, "IANA time zone for study days (system = the computer's zone)"),
    "new_order": _Spec(_choice(NEW_ORDERS), "order of new cards: mixed (kinds and regions interleaved) or deck"),
    "theme": _Spec(_theme, "colour theme of the app (textual-dark, textual-light, nord, dracula...)"),
    "backups_kept": _Spec(_integer(0, 999), "automatic daily backups kept beside the database (0 = none)"),
    "study_scope": _Spec(
        _scope, "limit today's study, e.g. region:lumbosacral, tag:myotome, deck:ID (empty = every deck)"
    ),
}
"""Every setting name (as `trainer config` shows it) with its parser and help."""


def setting_names() -> list[str]:
    """Every setting name, in the order `trainer config` lists them."""
    return [f.name for f in fields(Settings)]


def describe(name: str) -> str:
    """One line of help for a setting."""
    return SPECS[normalise_name(name)].help


def normalise_name(name: str) -> str:
    """The canonical name of a setting ("new-per-day" -> "new_per_day").

    Raises:
        SettingError: For an unknown name, with a did-you-mean suggestion when one is close.
    """
    canonical = name.strip().lower().replace("-", "_")
    if canonical in SPECS:
        return canonical
    close = difflib.get_close_matches(canonical, list(SPECS), n=1)
    hint = f" Did you mean {close[0]}?" if close else f" Known settings: {', '.join(SPECS)}."
    raise SettingError(f"Unknown setting {name!r}.{hint}")


def format_value(value: object) -> str:
    """How a value is shown and stored ("system" for no zone)."""
    return "system" if value is None else str(value)


def parse_setting(name: str, text: str) -> tuple[str, Any]:
    """Validate a setting's text.

    Args:
        name: The setting's name (dashes or underscores).
        text: The value as typed.

    Returns:
        The canonical name and the typed value.

    Raises:
        SettingError: Unknown name, wrong type or out of range, as one sentence.
    """
    canonical = normalise_name(name)
    try:
        return canonical, SPECS[canonical].parse(text)
    except SettingError as error:
        raise SettingError(f"{canonical} {error}.") from None


def load_settings(session: Session, *, profile_id: int = DEFAULT_PROFILE_ID) -> Settings:
    """A profile's stored settings, with defaults for anything unset or no longer valid.

    Args:
        session: An open session.
        profile_id: The student (the default profile unless named).
    """
    from trainer.store import repo

    return settings_from_rows(repo.stored_settings(session=session, profile_id=profile_id))


def settings_of(store: Store, *, profile_id: int = DEFAULT_PROFILE_ID) -> Settings:
    """A profile's settings, read in a session of their own (for faces that hold a store, not a session).

    Args:
        store: The open store.
        profile_id: The student (the default profile unless named).

    Raises:
        trainer.store.db.StoreError: If the database cannot be read.
    """
    from trainer.store.db import store_errors

    with store_errors("read the settings"), store.session() as session:
        return load_settings(session, profile_id=profile_id)


def settings_from_rows(rows: Mapping[str, str]) -> Settings:
    """Type stored settings (name -> text), with defaults for anything unset or no longer valid.

    Args:
        rows: The stored settings as text, as the `setting` table holds them.
    """
    values: dict[str, Any] = {}
    for name, text in rows.items():
        if name not in SPECS:
            continue
        try:
            values[name] = SPECS[name].parse(text)
        except SettingError:
            continue  # a hand-edited or outdated value: keep the default rather than refuse to start
    settings = replace(Settings(), **values)
    if settings.fast_ms >= settings.slow_ms:
        settings = replace(settings, fast_ms=Settings.fast_ms, slow_ms=Settings.slow_ms)
    return settings


def set_setting(session: Session, name: str, text: str, *, profile_id: int = DEFAULT_PROFILE_ID) -> Settings:
    """Validate and store one setting; the caller commits.

    Args:
        session: An open session.
        name: The setting's name.
        text: Its new value as typed.
        profile_id: The student (the default profile unless named).

    Returns:
        The settings with the new value.

    Raises:
        SettingError: The name is unknown, or the value has the wrong type, is out of range, or
            would make fast_ms not less than slow_ms.
    """
    from trainer.store import repo

    canonical, value = parse_setting(name, text)
    current = load_settings(session, profile_id=profile_id)
    updated = replace(current, **{canonical: value})
    if updated.fast_ms >= updated.slow_ms:
        raise SettingError(
            f"fast_ms ({updated.fast_ms}) must be less than slow_ms ({updated.slow_ms}); change the other one first."
        )
    repo.put_setting(session=session, profile_id=profile_id, name=canonical, value=format_value(value))
    return updated


def save_setting(store: Store, name: str, text: str, *, profile_id: int = DEFAULT_PROFILE_ID) -> Settings:
    """Validate and store one setting in a transaction of its own (for faces holding a store, not a session).

    Raises:
        SettingError: As `set_setting`.
        trainer.store.db.StoreError: If the database cannot be written.
    """
    from trainer.store.db import store_errors

    with store_errors("save the setting"), store.session() as session:
        settings = set_setting(session, name, text, profile_id=profile_id)
        session.commit()
    return settings


def setting_text(settings: Settings, name: str) -> str:
    """One setting's value as `trainer config get` prints it.

    Raises:
        SettingError: For an unknown name (with a did-you-mean suggestion).
    """
    return format_value(getattr(settings, normalise_name(name)))


def setting_items(settings: Settings) -> list[tuple[str, str, str]]:
    """Every setting as (name, value text, help), for `trainer config`."""
    return [(name, format_value(getattr(settings, name)), SPECS[name].help) for name in setting_names()]


def study_zone(settings: Settings, clock: Clock) -> tzinfo:
    """The zone study days are counted in, the same for every face: the `timezone` setting if
    set (and known), else the clock's zone (the computer's, for the real clock).

    Args:
        settings: The student's settings.
        clock: The clock in use.
    """
    if settings.timezone:
        try:
            return resolve_zone(settings.timezone)
        except ValueError:
            pass
    return clock.tz

