"""The daily automatic backup, as the app makes it when it opens (never stopping the app)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trainer.clock import Clock
from trainer.study.settings import settings_of, study_zone

if TYPE_CHECKING:
    from trainer.store.db import Store


def daily_backup(store: Store, clock: Clock, *, profile_id: int) -> tuple[Path | None, str | None]:
    """Back the database up if no backup was made today, keeping the newest `backups_kept`.

    Args:
        store: The open store (a SQLite file; other databases are left to their server's tools).
        clock: The clock (the day is the student's calendar day).
        profile_id: Whose `backups_kept` setting counts.

    Returns:
        (the new backup or None, a problem to show or None): a failed backup is reported, never raised.
    """
    from trainer.store.backup import BackupError, auto_backup
    from trainer.store.db import StoreError

    if store.path is None:
        return None, None
    try:
        settings = settings_of(store, profile_id=profile_id)
        made = auto_backup(store.path, now=clock.now(), zone=study_zone(settings, clock), keep=settings.backups_kept)
    except (BackupError, StoreError) as error:
        return None, f"The daily backup was not made: {error.message}"
    except OSError as error:
        return None, f"The daily backup was not made: {error.strerror or error}."
    return made, None
