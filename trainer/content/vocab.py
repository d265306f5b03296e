"""Shared machinery for the word-answer vocabularies (nerves, lesion sites, AIS grades).

A vocabulary maps every spelling a student may type to one canonical name. Matching is forgiving
in the same ways as the root parser: case, Unicode width, dashes, edge punctuation, invisible
characters, "the", a trailing "nerve"/"lesion" and British/American spellings are all ignored.

Pure: no I/O, no UI; the tables are built once, at import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from difflib import get_close_matches

__all__ = ["Vocabulary", "fold_words"]

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d_/]")
_NON_WORD = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"'s\b")
_MAX_LEN = 160
"""Longer text is not an attempt at one name; refusing it keeps every keystroke cheap."""


def fold_words(text: str) -> str:
    """Lower-case words separated by single spaces: the form vocabularies are compared in.

    Args:
        text: Anything.

    Returns:
        "common peroneal" for " The Common-Peroneal. ", "" for punctuation only.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    text = _POSSESSIVE.sub("", text.replace("\u2019", "'")).replace("'", "")
    text = _DASHES.sub(" ", text)
    text = _NON_WORD.sub(" ", text).replace("-", " ")
    return _SPACES.sub(" ", text).strip()


class Vocabulary:
    """Canonical names and the spellings that mean each of them.

    Args:
        names: Canonical name -> its other spellings (the canonical name is a spelling too).
        filler: Words dropped wherever they stand ("the", "a", ...).
        suffixes: Words dropped at the end ("nerve", "lesion", ...), tried after exact matching.
    """

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        *,
        filler: Iterable[str] = ("the", "a", "an", "in", "of", "at"),
        suffixes: Iterable[str] = (),
    ) -> None:
        self.canonical: tuple[str, ...] = tuple(names)
        self._filler = frozenset(filler)
        self._suffixes = tuple(fold_words(s) for s in suffixes)
        self._spellings: dict[str, str] = {}
        for name, others in names.items():
            for spelling in (name, *others):
                key = self._key(fold_words(spelling))
                owner = self._spellings.setdefault(key, name)
                if owner != name:
                    raise ValueError(f"spelling {spelling!r} means both {owner!r} and {name!r}")

    def _key(self, folded: str) -> str:
        return " ".join(w for w in folded.split() if w not in self._filler)

    def lookup(self, text: str) -> str | None:
        """The canonical name `text` spells, or None.

        Args:
            text: What the student typed.

        Returns:
            The canonical name, or None if no spelling matches (after dropping suffixes).
        """
        if not isinstance(text, str) or len(text) > _MAX_LEN:
            return None
        key = self._key(fold_words(text))
        if not key:
            return None
        found = self._spellings.get(key)
        if found is not None:
            return found
        for suffix in self._suffixes:
            if key.endswith(" " + suffix):
                found = self._spellings.get(key[: -len(suffix) - 1].strip())
                if found is not None:
                    return found
        return None

    def suggest(self, text: str) -> str | None:
        """The canonical name whose spelling is closest to a misspelling ("ulner" -> "ulnar"), or None."""
        if not isinstance(text, str) or len(text) > _MAX_LEN:
            return None
        key = self._key(fold_words(text))
        if len(key) < 3:
            return None
        close = get_close_matches(key, list(self._spellings), n=1, cutoff=0.8)
        return self._spellings[close[0]] if close else None

    def folded_spellings(self) -> frozenset[str]:
        """Every spelling, folded: for "could this be the start of a name?" previews."""
        return frozenset(self._spellings)
