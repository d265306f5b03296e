"""ASIA Impairment Scale (AIS) grades as answers: A to E, forgiving spellings, neighbouring grades.

Pure: no I/O, no clock, no UI. Same shape as `roots.py`: canonical names (`GRADES`), a parser
(`parse_ais`) that never raises, and "one level off": two neighbouring grades are close, and the
feedback names the rule that separates them (ISNCSCI 2019 worksheet, as reproduced in
praxis-isncsci/ionic-app [IONIC-WS]; see `shared/reference/localisation.md` section 1c).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from trainer.content.vocab import fold_words

__all__ = ["GRADES", "ParsedAis", "is_grade", "looks_incomplete_ais", "near_miss", "parse_ais"]

GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E")
"""The five AIS grades, from complete (A) to normal (E)."""

_WORDS: dict[str, tuple[str, ...]] = {
    "complete": ("A",),
    "sensory incomplete": ("B",),
    "motor incomplete": ("C", "D"),
    "incomplete": ("B", "C", "D"),
    "normal": ("E",),
}
"""Descriptions students type instead of a letter; "motor incomplete" covers two grades."""

# The rule that separates each pair of neighbouring grades (IONIC-WS; localisation.md 1c).
_BOUNDARY: dict[tuple[str, str], str] = {
    ("A", "B"): "B keeps sensory but no motor function in the sacral segments S4-5; A keeps none.",
    ("B", "C"): "C needs voluntary anal contraction, or motor function more than three levels below the motor level on either side (key or non-key muscles).",
    ("C", "D"): "D needs at least half of the key muscle functions below the single neurological level graded 3 or more; fewer than half is C.",
    ("D", "E"): "E means every segment is normal, in someone who had deficits before.",
}

_PREFIX = re.compile(
    r"^(?:(?:american spinal injury association|asia)\s+)?(?:(?:impairment\s+)?scale\s+)?"
    r"(?:ais|asia|grade|class|type)?\s*(?:grade\s*)?"
)
_GRADE = re.compile(r"^([a-e])(?:\s*(?:or|and|,)\s*([a-e]))?$")


def is_grade(name: str) -> bool:
    """Whether `name` is exactly a canonical grade ("A" .. "E")."""
    return name in GRADES


@dataclass(frozen=True)
class ParsedAis:
    """What `parse_ais` understood; `note` is excluded from comparisons."""

    kind: Literal["grade", "grades", "empty", "unknown"]
    grades: tuple[str, ...]
    text: str
    """What to show back: "AIS C", "AIS C or D", or the cleaned input."""
    note: str = field(default="", compare=False)


def parse_ais(text: str) -> ParsedAis:
    """Read an AIS grade. Never raises.

    - "C", "c", "AIS C", "AIS-C", "ASIA C", "grade C", "(C)", "AIS grade C" are all C.
    - Words: "complete" is A, "sensory incomplete" B, "normal" E; "motor incomplete" names C and
      D together (kind "grades"), as does "C or D".
    - Any other letter or word is "unknown"; the note says that grades run from A to E.

    Args:
        text: Anything the student typed.

    Returns:
        A `ParsedAis`.
    """
    if not isinstance(text, str):
        return ParsedAis("unknown", (), "")
    folded = fold_words(text)[:160]
    if not folded:
        return ParsedAis("empty", (), "")
    words = _PREFIX.sub("", folded).strip()
    if words in _WORDS:
        grades = _WORDS[words]
    else:
        match = _GRADE.match(words)
        if match is None:
            if re.fullmatch(r"[f-z]", words):
                return ParsedAis("unknown", (), folded, "AIS grades run from A to E")
            return ParsedAis("unknown", (), folded)
        grades = tuple(dict.fromkeys(g.upper() for g in match.groups() if g))
    if len(grades) == 1:
        return ParsedAis("grade", grades, f"AIS {grades[0]}")
    return ParsedAis("grades", grades, "AIS " + " or ".join(grades))


def near_miss(given: str, accepted: str) -> str | None:
    """The rule between two neighbouring grades, or None if they are not neighbours.

    Args:
        given: A grade the student named.
        accepted: A grade the card accepts.

    Returns:
        "Close: …" with the rule that separates them, or None.
    """
    if given not in GRADES or accepted not in GRADES:
        return None
    pair = tuple(sorted((given, accepted)))
    rule = _BOUNDARY.get(pair)  # type: ignore[arg-type]
    return f"Close: {given} and {accepted} are neighbouring grades. {rule}" if rule else None


def looks_incomplete_ais(text: str) -> bool:
    """Whether unparsable text may be a grade still being typed ("AIS", "grade", "asia")."""
    if not isinstance(text, str) or len(text) > 160:
        return False
    low = fold_words(text)
    return bool(low) and any(w.startswith(low) for w in ("ais", "asia", "grade", "complete", "sensory incomplete", "motor incomplete", "normal", "incomplete"))
