"""Lesion sites as answers: where along the pathway a lesion lies, with forgiving spellings.

Pure: no I/O, no clock, no UI. Same shape as `roots.py`: a vocabulary (`SITES`, ordered from the
brain outwards), a parser (`parse_site`) that never raises, and a notion of "one level off": two
sites next to each other on the pathway (conus medullaris and cauda equina; nerve root and
plexus) are close, and the feedback says so instead of a bare "wrong".

A student who names a particular nerve ("ulnar") or root ("C8") has named a site too: the answer
is read as "peripheral nerve" or "nerve root", and the feedback shows both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from trainer.content.nerves import parse_nerve
from trainer.content.vocab import Vocabulary, fold_words

__all__ = ["SITES", "ParsedSite", "is_site", "looks_incomplete_site", "near_miss", "parse_site"]

_SPELLINGS: dict[str, tuple[str, ...]] = {
    "brain": (
        "brain", "brainstem", "brain stem", "above the pons", "above pons", "cerebral", "cerebrum",
        "intracranial", "cortex", "cortical", "supranuclear", "above the spinal cord",
    ),
    "spinal cord": (
        "cord", "myelopathy", "spinal cord lesion", "cord lesion", "cervical cord", "thoracic cord",
        "cervical spinal cord", "thoracic spinal cord", "cord compression", "spinal cord compression",
    ),
    "conus medullaris": ("conus", "conus medullaris syndrome", "conus syndrome", "cms", "conus lesion"),
    "cauda equina": ("cauda", "cauda equina syndrome", "ces", "cauda equina lesion", "cauda equina compression"),
    "nerve root": (
        "root", "roots", "nerve roots", "spinal root", "spinal nerve root", "radiculopathy",
        "radicular", "root lesion", "root compression", "nerve root compression",
    ),
    "plexus": (
        "brachial plexus", "lumbosacral plexus", "lumbar plexus", "plexopathy", "brachial plexopathy",
        "plexus lesion", "trunk", "upper trunk", "lower trunk", "middle trunk",
    ),
    "peripheral nerve": (
        "nerve", "peripheral nerve lesion", "mononeuropathy", "nerve entrapment", "entrapment",
        "entrapment neuropathy", "single nerve", "one nerve", "peripheral nerve entrapment",
    ),
    "polyneuropathy": (
        "peripheral neuropathy", "length dependent polyneuropathy", "distal symmetric polyneuropathy",
        "glove and stocking", "polyneuropathy", "many nerves", "neuropathy",
    ),
}  # fmt: skip

SITES: tuple[str, ...] = tuple(_SPELLINGS)
"""Canonical sites, from the brain outwards: neighbours in this order are "one level off"."""

_VOCAB = Vocabulary(_SPELLINGS, suffixes=("lesion", "syndrome", "level"))


def is_site(name: str) -> bool:
    """Whether `name` is exactly a canonical site ("cauda equina", "nerve root")."""
    return name in _SPELLINGS


@dataclass(frozen=True)
class ParsedSite:
    """What `parse_site` understood; `note` is excluded from comparisons."""

    kind: Literal["site", "empty", "unknown"]
    site: str | None
    text: str
    """What to show back: "cauda equina", "peripheral nerve (ulnar nerve)", or the cleaned input."""
    note: str = field(default="", compare=False)


def parse_site(text: str) -> ParsedSite:
    """Read what a student typed as a lesion site. Never raises.

    - Synonyms: "radiculopathy" or "root" = nerve root; "CES" = cauda equina; "conus" = conus
      medullaris; "myelopathy" or "cord" = spinal cord; "plexopathy" or "lower trunk" = plexus;
      "above the pons" or "brainstem" = brain.
    - A named nerve ("ulnar", "common peroneal") is a peripheral nerve; a root or set of roots
      ("C8", "L4 and L5") is a nerve root.

    Args:
        text: Anything the student typed.

    Returns:
        A `ParsedSite`.
    """
    if not isinstance(text, str):
        return ParsedSite("unknown", None, "")
    shown = fold_words(text)[:160]
    if not shown:
        return ParsedSite("empty", None, "")
    site = _VOCAB.lookup(text)
    if site is not None:
        return ParsedSite("site", site, site)
    nerve = parse_nerve(text)
    if nerve.kind == "nerve":
        return ParsedSite("site", "peripheral nerve", f"peripheral nerve ({nerve.text})")
    if nerve.kind in ("root", "roots"):
        return ParsedSite("site", "nerve root", f"nerve root ({nerve.text})")
    hint = _VOCAB.suggest(text)
    note = f"did you mean {hint}?" if hint else ""
    return ParsedSite("unknown", None, shown, note)


def near_miss(given: str, accepted: str) -> str | None:
    """Why a site is close to the accepted one, or None.

    Args:
        given: A canonical site the student named.
        accepted: A canonical site the card accepts.

    Returns:
        A short sentence, or None when the two are not neighbours on the pathway.
    """
    if given == accepted or given not in _SPELLINGS or accepted not in _SPELLINGS:
        return None
    if abs(SITES.index(given) - SITES.index(accepted)) == 1:
        return f"Close: the {given} lies next to the answer along the pathway; look again at what tells them apart."
    return None


def looks_incomplete_site(text: str) -> bool:
    """Whether unparsable text may be a site still being typed ("cau", "conus med")."""
    if not isinstance(text, str) or len(text) > 160:
        return False
    low = fold_words(text)
    return bool(low) and any(s.startswith(low) for s in _VOCAB.folded_spellings())
