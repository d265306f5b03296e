"""Profiles: one student each, in one database (a class server holds a whole class).

A profile has its own schedule, daily limits, streak and settings; deck content is shared. The
default profile exists in every database, so a student alone never has to name one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from trainer.store.location import DEFAULT_PROFILE

if TYPE_CHECKING:
    from trainer.store.db import Store
    from trainer.store.repo import ProfileInfo

__all__ = ["DEFAULT_PROFILE", "ProfileError", "add_profile", "list_profiles", "rename_profile", "resolve_profile"]

NAME_MAX = 100
"""The longest profile name (the column's size)."""


class ProfileError(ValueError):
    """A profile was not found, or a name was refused; `str()` is one sentence for the user."""


def _check_name(name: str) -> str:
    """A profile name, trimmed; refused if empty, too long or made of control characters."""
    cleaned = name.strip()
    if not cleaned:
        raise ProfileError("A profile name cannot be empty.")
    if len(cleaned) > NAME_MAX:
        raise ProfileError(f"A profile name has at most {NAME_MAX} characters.")
    if any(not ch.isprintable() for ch in cleaned):
        raise ProfileError("A profile name cannot contain control characters.")
    return cleaned


def resolve_profile(store: Store, name: str) -> int:
    """The id of the profile called `name`.

    Raises:
        ProfileError: No such profile (with the list of profiles and how to add one).
        trainer.store.db.StoreError: The database cannot be read.
    """
    from trainer.store import repo
    from trainer.store.db import store_errors

    with store_errors("read the profiles"), store.session() as session:
        found = repo.profile_id(session=session, name=name)
        if found is not None:
            return found
        names = [p.name for p in repo.profiles(session=session)]
    raise ProfileError(
        f"There is no profile {name!r} in this database (profiles: {', '.join(names)}); "
        f"add it with: trainer profile add {name}"
    )


def list_profiles(store: Store) -> list[ProfileInfo]:
    """Every profile, by name, with its number of answers."""
    from trainer.store import repo
    from trainer.store.db import store_errors

    with store_errors("read the profiles"), store.session() as session:
        return repo.profiles(session=session)


def add_profile(store: Store, name: str, *, now: datetime) -> int:
    """Add a profile with a fresh schedule (every card new); returns its id.

    Raises:
        ProfileError: The name is empty, too long, or taken.
    """
    from trainer.store import repo
    from trainer.store.db import new_pseudonym, store_errors

    cleaned = _check_name(name)
    with store_errors("add the profile"), store.session() as session:
        if repo.profile_id(session=session, name=cleaned) is not None:
            raise ProfileError(f"There is already a profile {cleaned!r}.")
        profile_id = repo.add_profile(session=session, name=cleaned, pseudonym=new_pseudonym(), now=now)
        session.commit()
    return profile_id


def rename_profile(store: Store, old: str, new: str) -> None:
    """Rename a profile (its schedule, reviews and settings stay with it).

    Raises:
        ProfileError: No profile `old`, or `new` is refused or taken.
    """
    from trainer.store import repo
    from trainer.store.db import store_errors

    cleaned = _check_name(new)
    with store_errors("rename the profile"), store.session() as session:
        if repo.profile_id(session=session, name=old) is None:
            raise ProfileError(f"There is no profile {old!r}.")
        if repo.profile_id(session=session, name=cleaned) is not None:
            raise ProfileError(f"There is already a profile {cleaned!r}.")
        repo.rename_profile(session=session, old=old, new=cleaned)
        session.commit()
