"""Peripheral nerves as answers: canonical names, forgiving spellings, and what counts as close.

Pure: no I/O, no clock, no UI; cheap enough for every keystroke. The shape follows `roots.py`:
a vocabulary (`NERVES`), a parser (`parse_nerve`) that never raises, and a notion of "one level
off" (`near_miss`) for the feedback:

- a nerve one step along the same branch (the common fibular nerve for its deep branch, the
  femoral nerve for the saphenous) is close, not simply wrong;
- a root that the nerve's pattern is classically told apart from (C8 for the ulnar nerve, L5 for
  the common fibular nerve), or that the nerve carries, is close too: the student localised to the
  right region but to a root instead of a nerve.

The branch and root tables restate `shared/reference/localisation.md` sections 4 to 6 and
`dermatomes.md` section 1 (source keys beside each entry); decks cite those sources on their cards.
Spellings follow reference usage: "fibular" and "peroneal" are the same nerves, and "LFCN", "lateral
cutaneous nerve of the thigh" and "lateral femoral cutaneous" are one nerve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from trainer.content.roots import parse_root
from trainer.content.vocab import Vocabulary, fold_words

__all__ = [
    "NERVES",
    "ParsedNerve",
    "display_nerve",
    "is_nerve",
    "looks_incomplete_nerve",
    "near_miss",
    "parse_nerve",
]

_SPELLINGS: dict[str, tuple[str, ...]] = {
    "median": (),
    "anterior interosseous": ("ain", "anterior interosseous branch of the median"),
    "ulnar": (),
    "radial": (),
    "posterior interosseous": ("pin", "deep radial", "deep branch of the radial"),
    "axillary": ("circumflex", "circumflex humeral"),
    "musculocutaneous": ("musculocutaneous nerve of the arm",),
    "lateral antebrachial cutaneous": ("lateral cutaneous nerve of the forearm", "lacn", "lateral antebrachial"),
    "medial antebrachial cutaneous": ("medial cutaneous nerve of the forearm", "macn", "medial antebrachial"),
    "long thoracic": ("long thoracic nerve of bell", "nerve of bell", "external respiratory nerve of bell"),
    "phrenic": (),
    "great auricular": ("greater auricular",),
    "supraclavicular": ("supraclavicular nerves",),
    "intercostobrachial": ("intercosto brachial",),
    "ilioinguinal": ("ilio inguinal",),
    "genitofemoral": ("genito femoral", "genital branch of the genitofemoral"),
    "pudendal": (),
    "lateral femoral cutaneous": (
        "lfcn", "lateral cutaneous nerve of the thigh", "lateral cutaneous nerve of thigh",
        "lateral femoral cutaneous nerve of the thigh", "lateral cutaneous femoral", "lateral femoral",
    ),
    "femoral": (),
    "saphenous": (),
    "obturator": (),
    "sciatic": (),
    "tibial": ("posterior tibial", "medial popliteal"),
    "common fibular": ("common peroneal", "cpn", "cfn", "peroneal", "fibular", "lateral popliteal", "common fibular (peroneal)"),
    "superficial fibular": ("superficial peroneal", "musculocutaneous nerve of the leg", "superficial fibular (peroneal)"),
    "deep fibular": ("deep peroneal", "anterior tibial", "deep fibular (peroneal)"),
    "sural": (),
    "medial plantar": (),
    "lateral plantar": (),
}  # fmt: skip

NERVES: tuple[str, ...] = tuple(_SPELLINGS)
"""Canonical nerve names, as a deck writes them (without the word "nerve")."""

_DISPLAY = {
    "common fibular": "common fibular (peroneal) nerve",
    "superficial fibular": "superficial fibular (peroneal) nerve",
    "deep fibular": "deep fibular (peroneal) nerve",
    "supraclavicular": "supraclavicular nerves",
}

_VOCAB = Vocabulary(
    _SPELLINGS,
    suffixes=("nerve", "nerves", "nerve palsy", "palsy", "neuropathy", "nerve lesion", "lesion", "nerve injury", "branch"),
)

# Parent -> branches, one step each ([WHEELESS-LEG] [SP-FOOT] [ASJ2020] [WIKEM-MC] localisation.md 4-5).
_BRANCHES: dict[str, tuple[str, ...]] = {
    "radial": ("posterior interosseous",),
    "median": ("anterior interosseous",),
    "musculocutaneous": ("lateral antebrachial cutaneous",),
    "femoral": ("saphenous",),
    "sciatic": ("tibial", "common fibular"),
    "common fibular": ("superficial fibular", "deep fibular", "sural"),
    "tibial": ("medial plantar", "lateral plantar", "sural"),
}

# Nerve -> the roots it carries or whose lesion it is classically told apart from
# (localisation.md section 4: median/C6, ulnar/C8-T1, radial and PIN/C7, axillary/C5,
# musculocutaneous/C6; section 5: femoral/L3-L4, common fibular/L5, sciatic/L5-S1, LFCN L2-L3,
# obturator L2-L4; section 6: long thoracic C5-C7; section 2: pudendal S2-S4; section 14: great
# auricular C2-C3; dermatomes.md 1: phrenic C3-C5).
_NEAR_ROOTS: dict[str, frozenset[str]] = {
    "median": frozenset({"C6"}),
    "ulnar": frozenset({"C8", "T1"}),
    "radial": frozenset({"C7"}),
    "posterior interosseous": frozenset({"C7"}),
    "axillary": frozenset({"C5"}),
    "musculocutaneous": frozenset({"C6"}),
    "lateral antebrachial cutaneous": frozenset({"C6"}),
    "long thoracic": frozenset({"C5", "C6", "C7"}),
    "phrenic": frozenset({"C3", "C4", "C5"}),
    "great auricular": frozenset({"C2", "C3"}),
    "ilioinguinal": frozenset({"L1"}),
    "genitofemoral": frozenset({"L1", "L2"}),
    "pudendal": frozenset({"S2", "S3", "S4"}),
    "lateral femoral cutaneous": frozenset({"L2", "L3"}),
    "femoral": frozenset({"L2", "L3", "L4"}),
    "saphenous": frozenset({"L4"}),
    "obturator": frozenset({"L2", "L3", "L4"}),
    "sciatic": frozenset({"L5", "S1"}),
    "common fibular": frozenset({"L5"}),
}

_LOCATION = re.compile(r"\s(?:at|in|behind|across|around|near|below|above|through)\s.*$")


def is_nerve(name: str) -> bool:
    """Whether `name` is exactly a canonical nerve name ("ulnar", "common fibular")."""
    return name in _SPELLINGS


def display_nerve(name: str) -> str:
    """How a canonical nerve is shown: "ulnar nerve", "common fibular (peroneal) nerve"."""
    return _DISPLAY.get(name, f"{name} nerve")


@dataclass(frozen=True)
class ParsedNerve:
    """What `parse_nerve` understood.

    `note` says why an "unknown" result is not a nerve; it is excluded from comparisons.
    """

    kind: Literal["nerve", "root", "roots", "empty", "unknown"]
    nerve: str | None
    """The canonical nerve, for kind "nerve"."""
    roots: tuple[str, ...]
    """The roots named instead of a nerve, for kinds "root" and "roots"."""
    text: str
    """What to show back: "ulnar nerve", "C8", "C5, C6", or the cleaned input."""
    note: str = field(default="", compare=False)


def parse_nerve(text: str) -> ParsedNerve:
    """Read what a student typed as a peripheral nerve, a root, or nothing usable. Never raises.

    - Case, hyphens, possessives, "the", and a trailing "nerve", "palsy", "neuropathy" are
      forgiven; "fibular" and "peroneal" are the same; abbreviations such as "LFCN", "CPN", "PIN"
      and older names ("lateral popliteal", "circumflex") are understood.
    - A site after the name ("ulnar nerve at the elbow") is allowed and ignored.
    - A root or set of roots ("C8", "L4-L5 roots") is reported as such, so that the feedback can
      say it is a root, not a nerve.

    Args:
        text: Anything the student typed.

    Returns:
        A `ParsedNerve`.
    """
    if not isinstance(text, str):
        return ParsedNerve("unknown", None, (), "")
    shown = fold_words(text)[:160]
    if not shown:
        return ParsedNerve("empty", None, (), "")
    nerve = _VOCAB.lookup(text)
    if nerve is None:
        trimmed = _LOCATION.sub("", shown)
        if trimmed != shown:
            nerve = _VOCAB.lookup(trimmed)
    if nerve is not None:
        return ParsedNerve("nerve", nerve, (), display_nerve(nerve))
    root = parse_root(text)
    if root.kind == "root":
        return ParsedNerve("root", None, root.roots, root.text, "a spinal root, not a peripheral nerve")
    if root.kind in ("roots", "disc"):
        return ParsedNerve("roots", None, root.roots, root.text.removesuffix(" disc"), "spinal roots, not a peripheral nerve")
    hint = _VOCAB.suggest(text)
    note = f"did you mean the {display_nerve(hint)}?" if hint else ""
    return ParsedNerve("unknown", None, (), shown, note)


def near_miss(given: ParsedNerve, accepted: str) -> str | None:
    """Why an answer is close to the accepted nerve, or None if it is not close.

    Args:
        given: A parsed answer (a nerve or roots).
        accepted: A canonical nerve the card accepts.

    Returns:
        A short sentence for the student, or None.
    """
    if given.kind == "nerve" and given.nerve is not None and given.nerve != accepted:
        if given.nerve in _BRANCHES.get(accepted, ()) or accepted in _BRANCHES.get(given.nerve, ()):
            return f"Close: the {display_nerve(given.nerve)} is one branch away; the findings fit another part of the same nerve."
        return None
    if given.kind in ("root", "roots") and set(given.roots) & _NEAR_ROOTS.get(accepted, frozenset()):
        return f"Close: {given.text} is a root whose pattern overlaps here, but the findings point to a peripheral nerve. Which nerve?"
    return None


def looks_incomplete_nerve(text: str) -> bool:
    """Whether unparsable text may be a nerve name still being typed ("uln", "common fib")."""
    if not isinstance(text, str) or len(text) > 160:
        return False
    low = fold_words(text)
    if not low:
        return False
    return any(spelling.startswith(low) for spelling in _VOCAB.folded_spellings())
