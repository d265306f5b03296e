"""The spinal-root vocabulary: canonical names, cranio-caudal order, adjacency, and a forgiving parser.

Pure: no I/O, no clock, no UI. Everything here is cheap enough to run on every keystroke (the
regular expressions are compiled once, at import).

Canonical names are `C1`..`C8`, `T1`..`T12`, `L1`..`L5`, `S1`..`S5`, `Co1`, plus `S4-5`, the single
combined level that the ISNCSCI examination scores for the perianal skin. `LEVELS` holds the 28
ISNCSCI sensory levels (`C2`..`S4-5`); `ALL_ROOTS` holds every name, in cranio-caudal order.

Positions (see `position`): `C1` is 1 and each following root is one more, down to `S3` at 28. The
sacral tail is packed in half steps so that both views of it work: `S4` 28.5, `S4-5` 29, `S5` 29.5,
`Co1` 30.5. So consecutive ISNCSCI levels always differ by exactly 1 (`S3` and `S4-5` are adjacent,
as they are on the worksheet), `S4-5` is 0.5 from `S4` and from `S5`, and `S4` and `S5` are still
adjacent to each other when a deck uses them separately.

`parse_root` reads what a student types (reference section 7); see its docstring for every rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "ALL_ROOTS",
    "LEVELS",
    "ParsedRoot",
    "distance",
    "is_adjacent",
    "is_root",
    "looks_incomplete",
    "neighbours",
    "parse_root",
    "position",
    "region_of",
    "suggest_root",
]

# --- the vocabulary --------------------------------------------------------------------------------

_REGION_SIZES: tuple[tuple[str, int], ...] = (("C", 8), ("T", 12), ("L", 5), ("S", 5), ("Co", 1))
"""How many roots each region has: 31 pairs of spinal nerves in all (reference section 0)."""

_SEGMENTS: tuple[str, ...] = tuple(f"{p}{n}" for p, size in _REGION_SIZES for n in range(1, size + 1))
"""The 31 real roots, C1..Co1, without the combined ISNCSCI level S4-5."""

ALL_ROOTS: tuple[str, ...] = (*_SEGMENTS[: _SEGMENTS.index("S4")], "S4", "S4-5", "S5", "Co1")
"""Every canonical root name, cranio-caudal: C1..C8, T1..T12, L1..L5, S1, S2, S3, S4, S4-5, S5, Co1."""

LEVELS: tuple[str, ...] = (*_SEGMENTS[1 : _SEGMENTS.index("S4")], "S4-5")
"""The 28 ISNCSCI sensory levels, C2..S3 then S4-5 (scored as one level)."""

_POSITIONS: dict[str, float] = {root: float(i) for i, root in enumerate(_SEGMENTS[: _SEGMENTS.index("S4")], 1)}
_POSITIONS.update({"S4": 28.5, "S4-5": 29.0, "S5": 29.5, "Co1": 30.5})

_REGIONS: dict[str, str] = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral", "Co": "coccygeal"}
_PREFIX = re.compile(r"^(Co|C|T|L|S)")

_VERTEBRAE: tuple[str, ...] = (
    *(f"C{n}" for n in range(1, 8)),
    *(f"T{n}" for n in range(1, 13)),
    *(f"L{n}" for n in range(1, 6)),
    "S1",
)
"""Vertebrae that bound a mobile segment, C1..S1. There is no C8 vertebra, and below S1 the
sacrum is fused, so a pair such as "C8-T1" or "S2-3" can only mean roots, never a disc."""


def is_root(name: str) -> bool:
    """Whether `name` is exactly a canonical root name.

    Args:
        name: Any text.

    Returns:
        True for "L4" or "S4-5"; False for "l4", "L 4" or "L6" (use `parse_root` for typed text).
    """
    return name in _POSITIONS


def _require(root: str) -> float:
    try:
        return _POSITIONS[root]
    except (KeyError, TypeError):
        raise ValueError(f"{root!r} is not a canonical root name") from None


def position(root: str) -> float:
    """The cranio-caudal rank of a root; consecutive ISNCSCI levels differ by exactly 1.

    Args:
        root: A canonical root name.

    Returns:
        1.0 for C1 up to 28.0 for S3; then S4 28.5, S4-5 29.0, S5 29.5, Co1 30.5.

    Raises:
        ValueError: If `root` is not canonical.
    """
    return _require(root)


def distance(a: str, b: str) -> float:
    """How many levels apart two roots are.

    Args:
        a: A canonical root name.
        b: Another canonical root name.

    Returns:
        `abs(position(a) - position(b))`: 1.0 for L4 and L5, 0.5 for S4-5 and S5.

    Raises:
        ValueError: If either name is not canonical.
    """
    return abs(_require(a) - _require(b))


def is_adjacent(a: str, b: str) -> bool:
    """Whether two different roots are at most one level apart.

    Args:
        a: A canonical root name.
        b: Another canonical root name.

    Returns:
        True for L4 and L5, C8 and T1, S3 and S4-5; False for L4 and S1, and for a root and itself.

    Raises:
        ValueError: If either name is not canonical.
    """
    return 0 < distance(a, b) <= 1


def neighbours(root: str, n: int, *, within: Sequence[str] = LEVELS) -> list[str]:
    """The roots nearest to `root`, for distractors.

    Args:
        root: A canonical root name (it need not be in `within`).
        n: How many to return at most; 0 or less gives an empty list.
        within: The roots to choose from; names that are not canonical are ignored.

    Returns:
        Up to `n` roots from `within`, other than `root`, nearest first; at equal distance the
        more cranial one comes first.

    Raises:
        ValueError: If `root` is not canonical.
    """
    here = _require(root)
    if n <= 0:
        return []
    pool = {r for r in within if r in _POSITIONS and r != root}
    return sorted(pool, key=lambda r: (abs(_POSITIONS[r] - here), _POSITIONS[r]))[:n]


def region_of(root: str) -> str:
    """The region a root belongs to.

    Args:
        root: A canonical root name.

    Returns:
        "cervical", "thoracic", "lumbar", "sacral" (S1..S5 and S4-5) or "coccygeal".

    Raises:
        ValueError: If `root` is not canonical.
    """
    _require(root)
    match = _PREFIX.match(root)
    assert match is not None  # every canonical name starts with a region prefix
    return _REGIONS[match.group(1)]


# --- parsing what a student types --------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedRoot:
    """What `parse_root` understood.

    `note` is an extra, not part of the contract's equality: a short lower-case phrase saying why
    a "disc" or "unknown" result is not a root ("not a spinal root (L5?)"), for previews and
    messages. It is excluded from comparisons so that results compare by kind, roots and text.
    """

    kind: Literal["root", "roots", "disc", "empty", "unknown"]
    roots: tuple[str, ...]
    """Canonical roots: one for "root", several for "roots", the two bounding roots for "disc"."""
    text: str
    """The normalised form to show back: "L4", "S2–S4", "C5, C6", "L4-5 disc"; the cleaned input when unknown."""
    note: str = field(default="", compare=False)


_MAX_LEN = 160
"""Longer input is not an attempt at naming a root; refusing it keeps every keystroke cheap."""

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), 1
    )
}
_ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), 1
    )
}

_REGION_WORDS = {
    "cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S", "coccygeal": "Co",
    "c": "C", "t": "T", "th": "T", "d": "T", "l": "L", "s": "S", "co": "Co", "cx": "Co",
}  # fmt: skip
# "Th" is the European thoracic prefix and "D" (dorsal) the older one; both mean T (reference 7).

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SLASHES = "\u2044\u2215\uff0f\\"
_TRANSLATE = str.maketrans({**{c: "-" for c in _DASHES}, **{c: "/" for c in _SLASHES}})

_WS = re.compile(r"\s+")
# Invisible format characters (zero-width space, soft hyphen, BOM) that a paste can carry.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
# Punctuation a student leaves around an answer: quotes, brackets, a full stop, a question mark.
_EDGE = re.compile(r"^[\s\"'`“”‘’«»()\[\]{}<>*.,;:!?]+|[\s\"'`“”‘’«»()\[\]{}<>*.,;:!?]+$")

# Words around the root expression. Each is (pattern, flag); the flag records what the word tells
# us: "plural" (the student names roots, so a pair is not a disc), "disc", "bone", or "" (no news).
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    (r"nerve roots|spinal nerves|roots|nerves|dermatomes|myotomes", "plural"),
    (r"nerve root|spinal nerve|spinal root|root|nerve|dermatome|myotome|segment|segments|level|levels"
     r"|spinal|the|a|an|at|either|both|left|right|bilateral|bilaterally|distribution|territory", ""),
    (r"intervertebral discs?|intervertebral disks?|disc spaces?|disk spaces?|discs?|disks?"
     r"|interspaces?|intervertebral|space", "disc"),
    (r"vertebral bod(?:y|ies)|vertebral levels?|vertebrae|vertebra|vertebral|bod(?:y|ies)|bone|bones", "bone"),
)  # fmt: skip
_QUAL_ALT = "|".join(f"(?P<q{i}>{pattern})" for i, (pattern, _) in enumerate(_QUALIFIERS))
_LEADING = re.compile(rf"^(?:{_QUAL_ALT})(?![a-z])[\s\-.,:]*")
_TRAILING = re.compile(rf"(?<![a-z])(?:{_QUAL_ALT})$")

_NUM_WORD_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_ORD_ALT = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))
_REGION_WORD_ALT = "cervical|thoracic|dorsal|lumbar|sacral|coccygeal"
_REGION_ALT = f"{_REGION_WORD_ALT}|co|cx|th|c|t|d|l|s"

# One token at a time, tried in this order at each position.
_ROOT_TOKEN = re.compile(
    rf"(?:(?P<ord>{_ORD_ALT}|\d+(?:st|nd|rd|th))\s*[-\s]\s*(?P<oreg>{_REGION_WORD_ALT})"
    rf"|(?P<reg>{_REGION_ALT})\s*[-._]?\s*(?P<num>\d+)"
    # A number word needs a gap ("lumbar four", "L four"), or "cone" and "done" would read as roots.
    rf"|(?P<wreg>{_REGION_ALT})(?:\s+|\s*[-._]\s*)(?P<wnum>(?:{_NUM_WORD_ALT})(?![a-z])))"
)
_SEP_TOKEN = re.compile(r"\s*(?:(?P<range>-|to(?![a-z])|through(?![a-z])|thru(?![a-z])|/)"
                        r"|(?P<list>,|&|\+|and(?![a-z])|or(?![a-z])|_))\s*")  # fmt: skip
_NUM_TOKEN = re.compile(rf"(?P<num>\d+|(?:{_NUM_WORD_ALT})(?![a-z]))")
_SPACE = re.compile(r"\s+")

_RANGE_SEPS = frozenset({"-", "/", "to", "through", "thru"})
_DISC_SEPS = frozenset({"-", "/"})

# What a bare word might be the start of while the student is still typing (for previews).
_INCOMPLETE = re.compile(
    r"^(?:[a-z]+|.*(?:[-/,&+_]|\s(?:and|or|to|through|thru)))$"
)


def _clean(text: str) -> str:
    """NFKC (full-width letters and digits, odd spaces), one kind of dash and slash, no edge punctuation."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(_TRANSLATE))
    text = _WS.sub(" ", text)
    return _EDGE.sub("", text)


def _strip_qualifiers(low: str) -> tuple[str, set[str]]:
    """Peel off words such as "the", "nerve root", "disc", "vertebra"; say what they told us."""
    flags: set[str] = set()
    for _ in range(12):  # bounded: each pass removes at least one word or stops
        before = low
        for pattern in (_LEADING, _TRAILING):
            match = pattern.search(low)
            if match:
                flags.update(_QUALIFIERS[int(k[1:])][1] for k, v in match.groupdict().items() if v)
                low = (low[: match.start()] + low[match.end() :]).strip(" -.,:")
        if low == before:
            break
    flags.discard("")
    return low, flags


def _number(word: str) -> int | None:
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    digits = word.rstrip("stndrh")
    try:
        # int() reads every Unicode decimal digit; a very long run is nonsense, not a root.
        return int(digits) if 0 < len(digits) <= 4 else None
    except ValueError:
        return None


# A token stream is a list of items (prefix, number) and separators ("range" or "list", text).
_Item = tuple[str | None, int]


def _tokenise(low: str) -> list[tuple[str, object]] | None:
    tokens: list[tuple[str, object]] = []
    pos = 0
    while pos < len(low):
        prev = tokens[-1][0] if tokens else None
        if prev == "item":
            sep = _SEP_TOKEN.match(low, pos)
            if sep:
                kind = "range" if sep.group("range") else "list"
                tokens.append((kind, (sep.group("range") or sep.group("list"))))
                pos = sep.end()
                continue
            space = _SPACE.match(low, pos)
            if space:
                # Two items side by side ("C5 C6", "s4 5") are a list.
                tokens.append(("list", " "))
                pos = space.end()
                continue
            return None
        root = _ROOT_TOKEN.match(low, pos)
        if root:
            if root.group("ord"):
                prefix, num = _REGION_WORDS[root.group("oreg")], _number(root.group("ord"))
            elif root.group("reg"):
                prefix, num = _REGION_WORDS[root.group("reg")], _number(root.group("num"))
            else:
                prefix, num = _REGION_WORDS[root.group("wreg")], _number(root.group("wnum"))
            if num is None:
                return None
            tokens.append(("item", (prefix, num)))
            pos = root.end()
            continue
        bare = _NUM_TOKEN.match(low, pos) if prev is not None else None
        if bare:
            num = _number(bare.group("num"))
            if num is None:
                return None
            tokens.append(("item", (None, num)))  # region inherited from the item before
            pos = bare.end()
            continue
        return None
    if not tokens or tokens[-1][0] != "item":
        return None
    return tokens


def _name(prefix: str, num: int) -> str | None:
    """The canonical root for a region prefix and a number, or None if there is no such root."""
    name = f"{prefix}{num}"
    return name if name in _POSITIONS and name != "S4-5" else None


def _suggest(prefix: str, num: int) -> str:
    """The nearest real root in the same region: L7 -> L5, T13 -> T12, C0 -> C1."""
    size = dict(_REGION_SIZES)[prefix]
    return f"{prefix}{min(max(num, 1), size)}"


def _label(a: str, b: str) -> str:
    """A two-root label as clinicians write it: "L4-5" within a region, "L5-S1" across."""
    pa, pb = _PREFIX.match(a), _PREFIX.match(b)
    assert pa is not None and pb is not None
    if pa.group(1) == pb.group(1):
        return f"{a}-{b[len(pb.group(1)) :]}"
    return f"{a}-{b}"


def _unknown(shown: str, note: str = "") -> ParsedRoot:
    return ParsedRoot("unknown", (), shown, note)


def _span(a: str, b: str) -> list[str]:
    """Every real root from a to b inclusive, in cranio-caudal order (either way round)."""
    i, j = sorted((_SEGMENTS.index(a), _SEGMENTS.index(b)))
    return list(_SEGMENTS[i : j + 1])


def parse_root(text: str) -> ParsedRoot:
    """Read whatever a student typed as a root, a set of roots, a disc, or nothing usable.

    Never raises, whatever the text. The rules (reference section 7):

    - Case, spacing and Unicode variants are forgiven: "l4", "L 4", "L-4", "L.4", "L_4", "L４",
      "Ｌ４", non-breaking spaces, surrounding quotes, brackets and trailing punctuation.
    - Words: "fourth lumbar", "lumbar 4", "lumbar four", "the L4 nerve root", "L4 dermatome",
      "L4 myotome", "L4 segment", "first sacral", "sacral one". "Th10", "D10" and "dorsal 10" mean T10.
    - S4-5 in every spelling ("S4-5", "S4–5", "S4/5", "S4-S5", "S45", "S4,5", "S4 and S5", "S4_5",
      "s4 5") is the single root "S4-5". Plain "S4" and "S5" stay the separate roots S4 and S5.
    - Two vertebral neighbours joined by a dash or slash ("L4-5", "L4/L5", "L5-S1", "T12/L1",
      "C7-T1") name a disc, kind "disc" with the two roots of the label, never a single root, unless
      the student says "roots" ("L4-L5 roots"). Sacral pairs other than L5-S1 and pairs around C8
      ("C8-T1", "C7-8") are roots, because no disc (no C8 vertebra, a fused sacrum) exists there.
    - Wider ranges ("S2-S4", "S2–4", "C5 to C7") and lists ("C5, C6", "C5 and C6", "L4 or L5") are
      kind "roots" with every root covered, cranio-caudal. Ranges never include the combined S4-5.
    - Nonexistent roots ("L6", "C9", "T13", "S6", "L0", "C0") are "unknown", with a note naming the
      nearest real root. Roman numerals are not supported (no source uses them for roots).
    - Decision: any mention of the bone ("L5 vertebra", "L5 vertebral body") is "unknown": it names
      a vertebra, not a root, and below C7 a vertebra and the root of the same number are not even
      at the same level. A disc word with a single root ("L5 disc") is "unknown" too: it is ambiguous;
      so is a disc word on a pair that bounds no disc ("C8-T1 disc", "S4-5 disc", "C3-5 disc").
    - Empty or whitespace-only text (and bare punctuation such as "?") is "empty".

    Args:
        text: Anything the student typed.

    Returns:
        A `ParsedRoot`. Its `text` is the normalised form to show back; for "unknown" it is the
        cleaned input.
    """
    if not isinstance(text, str):
        return _unknown("")
    try:
        return _parse(text)
    except Exception:  # noqa: BLE001 - a keystroke must never crash the app; fail as "unknown"
        return _unknown(text.strip()[:_MAX_LEN])


def _parse(text: str) -> ParsedRoot:
    if len(text) > 4 * _MAX_LEN:
        return _unknown(text.strip()[:_MAX_LEN], "too long to be a root")
    shown = _clean(text)
    if not shown:
        return ParsedRoot("empty", (), "")
    if len(shown) > _MAX_LEN:
        return _unknown(shown[:_MAX_LEN], "too long to be a root")
    low, flags = _strip_qualifiers(shown.casefold())
    tokens = _tokenise(low) if low else None
    if tokens is None:
        return _unknown(shown)

    items: list[_Item] = []
    seps: list[tuple[str, str]] = []
    for kind, value in tokens:
        if kind == "item":
            items.append(value)  # type: ignore[arg-type]
        else:
            seps.append((kind, value))  # type: ignore[arg-type]

    # Resolve each item to a canonical root; a bare number takes the region of the item before.
    names: list[str] = []
    prefix: str | None = None
    for item_prefix, num in items:
        prefix = item_prefix or prefix
        assert prefix is not None  # the tokeniser only accepts a bare number after an item
        if prefix == "S" and num == 45:  # "S45": the ISNCSCI level with its dash left out
            names.append("S4-5")
            continue
        name = _name(prefix, num)
        if name is None:
            suggestion = _suggest(prefix, num)
            return _unknown(shown, f"not a spinal root ({suggestion}?)")
        names.append(name)

    if "bone" in flags:
        return _unknown(shown, "a vertebra (bone), not a root")

    if len(names) == 1:
        if "disc" in flags:
            return _unknown(shown, "a disc lies between two vertebrae: name both, like L4-5")
        return ParsedRoot("root", (names[0],), names[0])

    if len(names) == 2 and len(seps) == 1:
        a, b = names
        sep = seps[0][1]
        if (a, b) == ("S4", "S5") and sep != "or" and "disc" not in flags:
            return ParsedRoot("root", ("S4-5",), "S4-5")
        vertebral = a in _VERTEBRAE and b in _VERTEBRAE
        neighbours_ = vertebral and _VERTEBRAE.index(b) - _VERTEBRAE.index(a) == 1
        if "disc" in flags or (sep in _DISC_SEPS and neighbours_ and "plural" not in flags):
            if not neighbours_:
                return _unknown(shown, "not a disc level (a disc lies between two neighbouring vertebrae)")
            return ParsedRoot("disc", (a, b), f"{_label(a, b)} disc", "a disc, not a root")

    if "disc" in flags:
        return _unknown(shown, "not a disc level (a disc lies between two neighbouring vertebrae)")

    # Ranges and lists: union of every root named or spanned, cranio-caudal.
    covered: set[str] = set()
    one_range = len(names) == 2 and seps[0][1] in _RANGE_SEPS
    for i, name in enumerate(names):
        in_range_before = i > 0 and seps[i - 1][1] in _RANGE_SEPS
        in_range_after = i < len(seps) and seps[i][1] in _RANGE_SEPS
        if not (in_range_before or in_range_after):
            covered.add(name)
        if in_range_before:
            # A range spans real roots: S4-5 stands for S4 at its start and S5 at its end.
            start = "S4" if names[i - 1] == "S4-5" else names[i - 1]
            covered.update(_span(start, "S5" if name == "S4-5" else name))
    roots = tuple(sorted(covered, key=_POSITIONS.__getitem__))
    if len(roots) == 1:
        return ParsedRoot("root", roots, roots[0])
    if one_range and len(roots) > 2:
        shown_roots = f"{roots[0]}\u2013{roots[-1]}"
    else:
        shown_roots = ", ".join(roots)
    return ParsedRoot("roots", roots, shown_roots)


def suggest_root(text: str) -> str | None:
    """The root someone probably meant, for "not a spinal root" errors in decks and answers.

    Args:
        text: A name that may not be canonical: "L7", "T13", "C9", "S6", "l4", "S4/5", "Th10".

    Returns:
        The canonical root it reads as ("l4" -> "L4", "S4/5" -> "S4-5"), or the nearest real root
        of the same region when the number is out of range ("L7" -> "L5", "T13" -> "T12",
        "C9" -> "C8", "S6" -> "S5", "L0" -> "L1"), or None when it is not one root at all
        (garbage, discs, ranges, lists).
    """
    parsed = parse_root(text)
    if parsed.kind == "root":
        return parsed.roots[0]
    if parsed.kind != "unknown" or not parsed.note.startswith("not a spinal root ("):
        return None
    # Only a single out-of-range root earns a suggestion; "L5-L6" is not one root.
    low, _flags = _strip_qualifiers(_clean(text).casefold())
    tokens = _tokenise(low) if low else None
    if tokens is None or len(tokens) != 1:
        return None
    prefix, num = tokens[0][1]  # type: ignore[misc]
    return _suggest(prefix, num)


def looks_incomplete(text: str) -> bool:
    """Whether unparsable text may just be unfinished ("L", "lum", "L4-", "C5 and").

    Used by live previews so that a half-typed answer is not announced as an error.

    Args:
        text: Text that `parse_root` could not read as a root.

    Returns:
        True if it ends with a separator ("L4-", "C5 and") or is a bare word that starts a region
        word, an ordinal or "the" ("L", "lum", "fourt"); False otherwise, and for empty text.
    """
    low = _clean(text).casefold() if isinstance(text, str) and len(text) <= _MAX_LEN else ""
    if not low:
        return False
    raw = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold().rstrip()
    if raw and raw[-1] in "-/,&+_.":
        return True
    if _INCOMPLETE.match(low) is None:
        return False
    if low.isalpha():
        words = (*_REGION_WORDS, *_ORDINAL_WORDS, "the")
        return any(w.startswith(low) for w in words)
    return True
