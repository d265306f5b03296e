"""Pydantic models of a deck file: metadata, sources, structured facts and hand-written cards.

Each item (a source, a fact, a card) is validated on its own, so one bad item does not hide the
errors in the next: the loader collects every problem in the file before it reports. Checks that
need the whole deck (source keys resolve, ids are unique) use the validation context, which the
loader fills with the deck's source keys.

The format is documented for instructors in `docs/deck-format.md`.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from difflib import get_close_matches
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from trainer.content import ais, nerves, sites
from trainer.content.roots import ALL_ROOTS, LEVELS, is_root, suggest_root

FORMAT_VERSION = 1
"""The deck format this version of the trainer reads."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
"""A non-empty piece of text (a prompt, a region, an explanation)."""

Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
"""An item key: letters, digits, '-', '_' and '.', at most 80 characters."""


def _check_root(value: str) -> str:
    if is_root(value):
        return value
    hint = suggest_root(value)
    if hint is not None and hint != value:
        raise ValueError(f'"{value}" is not a spinal root; did you mean "{hint}"?')
    raise ValueError(f'"{value}" is not a spinal root (roots are written like C6, T10, L4, S1, S4-5)')


def _check_level(value: str) -> str:
    _check_root(value)
    if value not in LEVELS:
        raise ValueError(
            f'"{value}" is not an ISNCSCI sensory level (C2..T12, L1..L5, S1, S2, S3, S4-5)'
        )
    return value


MAX_CHOICE_OPTIONS = 9
"""Options a choice card may show: one digit key each."""

ISNCSCI_MOTOR_LEVELS = ("C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")
"""The ten roots with an ISNCSCI key muscle."""

Root = Annotated[str, AfterValidator(_check_root)]
"""A canonical spinal root name, such as "L4" or "S4-5"."""

Level = Annotated[str, AfterValidator(_check_level)]
"""One of the 28 ISNCSCI sensory levels."""


def _unique(values: list[str], what: str) -> list[str]:
    if len(set(values)) == len(values):  # the usual case, checked at C speed (35,000 rows of a sheet)
        return values
    seen: set[str] = set()
    twice = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    if twice:
        raise ValueError(f"{what} {_quoted(twice)} {'is' if len(twice) == 1 else 'are'} listed twice")
    return values


def _quoted(values: list[str]) -> str:
    """'"a"', '"a" and "b"', '"a", "b" and "c"': every offending value, so one run shows them all."""
    items = [f'"{v}"' for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


RootSet = Annotated[
    list[Root], Field(min_length=1, max_length=12), AfterValidator(lambda v: _unique(v, "root"))
]
"""An accept-set of roots, the preferred root first."""


def _check_sources(keys: list[str], info: ValidationInfo) -> list[str]:
    given = (info.context or {}).get("source_keys", ())
    # Copied only when it is not a set already: a 35,000-row sheet checks one shared frozenset.
    known: AbstractSet[str] = given if isinstance(given, (set, frozenset)) else set(given)
    unknown = [k for k in keys if k not in known]
    if len(unknown) == 1:
        close = get_close_matches(unknown[0], sorted(known), n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else " (define it under [sources])"
        raise ValueError(f'unknown source key "{unknown[0]}"{hint}')
    if unknown:
        raise ValueError(f"unknown source keys {_quoted(unknown)} (define them under [sources])")
    return keys


SourceKeys = Annotated[
    list[str], Field(min_length=1), AfterValidator(lambda v: _unique(v, "source"))
]
"""The source keys an item cites; at least one."""


class _Item(BaseModel):
    """Base for every table in a deck: strict types, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Fact(_Item):
    """A fact or card: cites at least one source defined in the deck."""

    sources: SourceKeys

    @field_validator("sources")
    @classmethod
    def _sources_resolve(cls, keys: list[str], info: ValidationInfo) -> list[str]:
        return _check_sources(keys, info)


def _check_deck_id(value: str) -> str:
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", value):
        return value
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:64]
    hint = f'; try "{slug}"' if slug else ""
    raise ValueError(
        f'"{value}" is not a deck id: use lower-case letters, digits and "-" (at most 64){hint}'
    )


class DeckMeta(_Item):
    """The `[deck]` table."""

    id: Annotated[str, AfterValidator(_check_deck_id)]
    title: Text
    version: Text
    authors: list[Text] = Field(default_factory=list)
    license: str = ""
    description: str = ""


class Source(_Item):
    """One `[sources.KEY]` table."""

    citation: Text
    url: str | None = None
    strength: Literal["primary", "secondary", "weak"] = "secondary"


class Dermatome(_Fact):
    """`[[dermatome]]`: one ISNCSCI sensory level."""

    root: Level
    key_point: Text
    region: Text
    also_accept: Annotated[list[Root], AfterValidator(lambda v: _unique(v, "root"))] = Field(default_factory=list)
    """Other roots a source gives for the broader region (accepted on region cards only: the key
    point itself is ISNCSCI's and has one root)."""
    note: str = ""

    @model_validator(mode="after")
    def _also_accept_is_another_root(self) -> Dermatome:
        if self.root in self.also_accept:
            raise ValueError(f'also_accept: "{self.root}" is this dermatome\'s own root')
        return self


JointRoots = Annotated[list[Root], AfterValidator(lambda v: _unique(v, "root"))]
"""Roots that supply an item together (see `Landmark.together`)."""


def _together_within_roots(item: Any) -> Any:
    """Every root that supplies an item jointly must also be an accepted answer."""
    outside = [r for r in item.together if r not in item.roots]
    if outside:
        raise ValueError(f"together: {_quoted(outside)} must also be listed in roots (the accepted answers)")
    if len(item.together) == 1:
        raise ValueError("together: list at least two roots (they supply the item jointly), or leave it out")
    return item


class Landmark(_Fact):
    """`[[landmark]]`: a body landmark and the dermatome(s) it lies in."""

    key: Key
    name: Text
    roots: RootSet
    together: JointRoots = Field(default_factory=list)
    """The roots that supply it together (a range such as S2-S4), as opposed to `roots`, the
    accept-set where sources disagree: when set, cards ask "which roots" and never pin the item
    on the first root alone."""
    note: str = ""

    @model_validator(mode="after")
    def _together_ok(self) -> Any:
        return _together_within_roots(self)


class Myotome(_Fact):
    """`[[myotome]]`: a movement and the root(s) it tests, in a stated frame."""

    key: Key
    action: Text
    muscles: list[Text] = Field(default_factory=list)
    frame: Literal["isncsci", "isncsci-nonkey", "clinical"]
    """isncsci: a key muscle; isncsci-nonkey: an ISNCSCI 2019 non-key muscle function (used only
    for AIS B vs C); clinical: what radiculopathy tables teach."""
    roots: RootSet
    together: JointRoots = Field(default_factory=list)
    """See `Landmark.together`."""
    note: str = ""

    @model_validator(mode="after")
    def _together_ok(self) -> Any:
        return _together_within_roots(self)

    @model_validator(mode="after")
    def _isncsci_roots_have_key_muscles(self) -> Myotome:
        if self.frame in ("isncsci", "isncsci-nonkey"):
            outside = [r for r in self.roots if r not in ISNCSCI_MOTOR_LEVELS]
            if outside:
                raise ValueError(
                    f"roots: ISNCSCI has key muscles only for C5-T1 and L2-S1, not {_quoted(outside)}"
                )
        return self


class Reflex(_Fact):
    """`[[reflex]]`: a reflex and the root(s) it tests."""

    key: Key
    name: Text
    roots: RootSet
    together: JointRoots = Field(default_factory=list)
    """See `Landmark.together`."""
    note: str = ""

    @model_validator(mode="after")
    def _together_ok(self) -> Any:
        return _together_within_roots(self)


_VERTEBRA = re.compile(r"^(C|T|L|S)(\d{1,2})$")
_VERTEBRA_COUNT = {"C": 7, "T": 12, "L": 5, "S": 1}
_VERTEBRA_ORDER = [f"{r}{i}" for r in "CTLS" for i in range(1, _VERTEBRA_COUNT[r] + 1)]


def _check_disc_level(value: str) -> str:
    parts = value.split("-")
    if len(parts) != 2 or not all(_VERTEBRA.match(p) for p in parts):
        raise ValueError(
            f'"{value}" is not a disc level; write the two vertebrae, like "L4-L5" or "C7-T1"'
        )
    upper, lower = parts
    for vertebra in parts:
        if vertebra not in _VERTEBRA_ORDER:
            raise ValueError(f'"{vertebra}" is not a vertebra (there is no {vertebra} vertebra)')
    if _VERTEBRA_ORDER.index(lower) != _VERTEBRA_ORDER.index(upper) + 1:
        raise ValueError(f'"{value}" does not name two neighbouring vertebrae')
    if upper == "C1":
        raise ValueError("there is no disc between C1 and C2 (atlas and axis have none); the first disc is C2-C3")
    return value


class Disc(_Fact):
    """`[[disc]]`: a disc level, a herniation type, and the root it compresses."""

    level: Annotated[str, AfterValidator(_check_disc_level)]
    herniation: Literal["posterolateral", "far-lateral"]
    roots: RootSet
    note: str = ""


class Radiculopathy(_Fact):
    """`[[radiculopathy]]`: the typical findings when one root is compressed."""

    root: Root
    pain: Text
    sensory: Text
    weakness: Text
    reflex: Text
    note: str = ""


class Vignette(_Fact):
    """`[[vignette]]`: a short clinical story whose answer is a root."""

    key: Key
    text: Text
    roots: RootSet
    explanation: Text


class Claim(_Fact):
    """`[[claim]]`: a statement to judge true or false."""

    key: Key
    statement: Text
    verdict: bool
    explanation: Text


def _check_nerve(value: str) -> str:
    if nerves.is_nerve(value):
        return value
    parsed = nerves.parse_nerve(value)
    hint = f'; did you mean "{parsed.nerve}"?' if parsed.kind == "nerve" else ""
    raise ValueError(f'"{value}" is not a nerve name this trainer knows{hint} (see docs/deck-format.md, "Nerves")')


def _check_site(value: str) -> str:
    if sites.is_site(value):
        return value
    parsed = sites.parse_site(value)
    hint = f'; did you mean "{parsed.site}"?' if parsed.kind == "site" else ""
    raise ValueError(f'"{value}" is not a lesion site ({", ".join(sites.SITES)}){hint}')


def _check_grade(value: str) -> str:
    if ais.is_grade(value):
        return value
    raise ValueError(f'"{value}" is not an AIS grade (A, B, C, D or E)')


Nerve = Annotated[str, AfterValidator(_check_nerve)]
"""A canonical peripheral nerve name, such as "ulnar" or "common fibular"."""

Site = Annotated[str, AfterValidator(_check_site)]
"""A canonical lesion site, such as "cauda equina" or "nerve root"."""

_ANSWER_CHECKS = {"root": _check_root, "nerve": _check_nerve, "site": _check_site, "ais": _check_grade}
"""Answer kind -> the check that an answer of that kind is canonical."""


def _check_answers(values: list[str], kind: str | None) -> list[str]:
    check = _ANSWER_CHECKS.get(kind or "")
    problems = []
    if check is not None:
        for value in values:
            try:
                check(value)
            except ValueError as error:
                problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return _unique(values, "answer")


class Case(_Fact):
    """`[[case]]`: a short case or question whose answer is a root, a nerve, a site or an AIS grade."""

    key: Key
    answer_kind: Literal["root", "nerve", "site", "ais"]
    text: Text
    answers: Annotated[list[str], Field(min_length=1, max_length=16)]
    """The accept-set, canonical for the answer kind, preferred first."""
    explanation: Text
    tags: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]] = Field(default_factory=list)

    @field_validator("answers")
    @classmethod
    def _answers_fit_kind(cls, answers: list[str], info: ValidationInfo) -> list[str]:
        return _check_answers(answers, info.data.get("answer_kind"))


class NerveFact(_Fact):
    """`[[nerve]]`: a peripheral nerve, its skin territory, its muscles and its roots."""

    key: Key
    nerve: Nerve
    territory: str = ""
    """The skin it supplies ("the first web space"), if it has a cutaneous territory worth asking."""
    muscles: str = ""
    """What it moves ("serratus anterior"), if that is worth asking."""
    roots: Annotated[list[Root], Field(max_length=12), AfterValidator(lambda v: _unique(v, "root"))] = Field(default_factory=list)
    """The roots it carries, as the sources give them (leave out where no source gives them)."""
    note: str = ""


class Lesion(_Fact):
    """`[[lesion]]`: structured findings and where they localise: a site, and a nerve or roots."""

    key: Key
    label: Text
    """What the lesion is called, for the reverse card ("a common fibular nerve palsy at the fibular head")."""
    findings: Text
    site: Site
    also_sites: Annotated[list[Site], AfterValidator(lambda v: _unique(v, "site"))] = Field(default_factory=list)
    """Other sites a cited source supports for these findings, accepted after `site` (the preferred one)."""
    nerve: Annotated[list[Nerve], AfterValidator(lambda v: _unique(v, "nerve"))] = Field(default_factory=list)
    roots: Annotated[list[Root], AfterValidator(lambda v: _unique(v, "root"))] = Field(default_factory=list)
    explanation: Text


class HandCard(_Fact):
    """`[[card]]`: a hand-written card, for anything the templates do not cover."""

    key: Key
    kind: Literal["typed-root", "typed-nerve", "typed-site", "typed-ais", "choice", "reveal"]
    prompt: Text
    answer: Text
    accepted: list[Text] = Field(default_factory=list)
    distractors: list[Text] = Field(default_factory=list)
    explanation: Text
    tags: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]] = Field(
        default_factory=list
    )

    # One validator per field, so that a card with several mistakes reports all of them.

    @field_validator("answer")
    @classmethod
    def _answer_fits_kind(cls, answer: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        check = _ANSWER_CHECKS.get((kind or "").removeprefix("typed-")) if str(kind).startswith("typed-") else None
        if check is not None:
            try:
                check(answer)
            except ValueError as error:
                raise ValueError(f"a {kind} card's answer is a {kind.removeprefix('typed-')}; {error}") from None
        return answer

    @field_validator("accepted")
    @classmethod
    def _accepted_fits_kind(cls, accepted: list[str], info: ValidationInfo) -> list[str]:
        kind = info.data.get("kind")
        if kind == "reveal" and accepted:
            raise ValueError("a reveal card has only an answer, no accepted list")
        if kind == "typed-root":
            bad = [a for a in accepted if not is_root(a)]
            if bad:
                raise ValueError(f"a typed-root card accepts roots only; {_quoted(bad)} {'is not a root' if len(bad) == 1 else 'are not roots'}")
        elif kind in ("typed-nerve", "typed-site", "typed-ais"):
            _check_answers(list(accepted), kind.removeprefix("typed-"))
        _unique([a.casefold() for a in accepted], "accepted answer")
        return accepted

    @field_validator("distractors")
    @classmethod
    def _distractors_fit_kind(cls, distractors: list[str], info: ValidationInfo) -> list[str]:
        kind = info.data.get("kind")
        if kind in ("typed-root", "typed-nerve", "typed-site", "typed-ais", "reveal"):
            if distractors:
                raise ValueError(f"only choice cards have distractors (this is a {kind} card)")
            return distractors
        if kind != "choice":
            return distractors
        problems = []
        if len(distractors) < 3:
            problems.append(f"a choice card needs at least 3 (it has {len(distractors)})")
        options = 1 + len(info.data.get("accepted", [])) + len(distractors)
        if options > MAX_CHOICE_OPTIONS:
            problems.append(
                f"a choice card shows at most {MAX_CHOICE_OPTIONS} options (keys 1-9); "
                f"this one has {options} with the answer"
            )
        right = {a.casefold() for a in [info.data.get("answer", ""), *info.data.get("accepted", [])]}
        clash = [d for d in distractors if d.casefold() in right]
        if clash:
            problems.append(f"{_quoted(clash)} {'is' if len(clash) == 1 else 'are'} also an accepted answer")
        try:
            _unique([d.casefold() for d in distractors], "distractor")
        except ValueError as error:
            problems.append(str(error))
        if problems:
            raise ValueError("; ".join(problems))
        return distractors


FACT_TABLES: dict[str, type[_Fact]] = {
    "dermatome": Dermatome,
    "landmark": Landmark,
    "myotome": Myotome,
    "reflex": Reflex,
    "disc": Disc,
    "radiculopathy": Radiculopathy,
    "vignette": Vignette,
    "claim": Claim,
    "nerve": NerveFact,
    "lesion": Lesion,
    "case": Case,
    "card": HandCard,
}
"""Every array-of-tables a deck may hold, by its TOML name, in generation order."""


def fact_key(table: str, item: _Fact) -> str:
    """The stable key of a fact: what its cards' ids are derived from (never its wording)."""
    match item:
        case Dermatome(root=root) | Radiculopathy(root=root):
            return f"{table}:{root}"
        case Disc(level=level, herniation=herniation):
            return f"{table}:{level}:{herniation}"
        case _:
            return f"{table}:{item.key}"  # type: ignore[attr-defined]


class Deck(BaseModel):
    """A whole validated deck: what the generator reads."""

    model_config = ConfigDict(frozen=True)

    meta: DeckMeta
    sources: dict[str, Source]
    facts: dict[str, tuple[Any, ...]]
    """Items per table name (see FACT_TABLES), in file order."""

    def items(self, table: str) -> tuple[Any, ...]:
        """The items of one table, in file order."""
        return self.facts.get(table, ())


__all__ = [
    "ALL_ROOTS",
    "FACT_TABLES",
    "FORMAT_VERSION",
    "Claim",
    "Deck",
    "DeckMeta",
    "Dermatome",
    "Disc",
    "HandCard",
    "Landmark",
    "Myotome",
    "Radiculopathy",
    "Reflex",
    "Source",
    "Vignette",
    "fact_key",
]
