"""Templates x facts -> cards.

Each fact in a deck becomes several cards, one per template that fits it, asked in both
directions where that makes sense (landmark -> root, root -> region). Every card keeps its fact's
sources and accept-set, and its id comes from (deck id, template, fact key) only, so rewording a
prompt or reordering facts keeps each student's progress.

Choice cards take their distractors from the anatomically nearest roots first (L4's distractors
are L3, L5, L2 ...), because those are the confusions worth training. Option order is a stable
pseudo-random shuffle keyed by the card id: the same card always shows the same order, and the
correct option is not always first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from hashlib import sha256
from pathlib import Path

from trainer.content.cards import Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id, card_of_fields
from trainer.content.loader import load_deck
from trainer.content.roots import distance, neighbours, position, region_of
from trainer.content.nerves import display_nerve
from trainer.content.schema import (
    FACT_TABLES,
    Case,
    Claim,
    Deck,
    Dermatome,
    Disc,
    HandCard,
    Landmark,
    Lesion,
    Myotome,
    NerveFact,
    Radiculopathy,
    Reflex,
    Vignette,
    fact_key,
)
from trainer.content.sites import SITES

CHOICE_DISTRACTORS = 3
"""Wrong options on a generated choice card (four options in all, as in most exam MCQs)."""

HERNIATION_WORDS = {
    "posterolateral": "posterolateral (paracentral)",
    "far-lateral": "far-lateral (foraminal)",
}


@dataclass(frozen=True)
class _Draft:
    """A card before ids of its siblings are known."""

    template: str
    kind: CardKind
    prompt: str
    answer: str
    accepted: tuple[str, ...]
    explanation: str
    choices: tuple[str, ...] = ()
    choice_roots: tuple[str | None, ...] = ()
    tags: tuple[str, ...] = ()
    answer_root: str | None = None


def generate_cards(deck: Deck) -> list[Card]:
    """Every card the deck's facts and hand-written cards yield, in deck order."""
    cards: list[Card] = []
    pools = _Pools.of(deck)
    for table in FACT_TABLES:
        if table == "card":
            cards.extend(map(partial(_hand_card, deck.meta.id), deck.items(table)))
            continue
        for item in deck.items(table):
            key = fact_key(table, item)
            drafts = list(_TEMPLATES[table](item, pools))
            ids = [card_id(deck.meta.id, d.template, key) for d in drafts]
            for draft, this_id in zip(drafts, ids, strict=True):
                choices, choice_roots = _shuffled(this_id, draft.kind, draft.choices, draft.choice_roots)
                cards.append(
                    Card(
                        id=this_id,
                        deck_id=deck.meta.id,
                        template=draft.template,
                        fact_key=key,
                        kind=draft.kind,
                        prompt=draft.prompt,
                        answer=draft.answer,
                        accepted=draft.accepted,
                        explanation=draft.explanation,
                        sources=tuple(item.sources),
                        choices=choices,
                        choice_roots=choice_roots,
                        tags=_tags(table, draft),
                        siblings=tuple(i for i in ids if i != this_id) if len(ids) > 1 else (),
                        answer_root=draft.answer_root,
                    )
                )
    return cards


def compile_deck(deck: Deck, *, path: str | None = None) -> CompiledDeck:
    """A validated deck -> its metadata, sources and generated cards."""
    info = DeckInfo(
        id=deck.meta.id,
        title=deck.meta.title,
        version=deck.meta.version,
        description=deck.meta.description,
        authors=tuple(deck.meta.authors),
        license=deck.meta.license,
        sources=tuple(
            SourceRef(key=k, citation=s.citation, url=s.url, strength=s.strength)
            for k, s in deck.sources.items()
        ),
    )
    return CompiledDeck(info=info, cards=tuple(generate_cards(deck)), path=path)


def load_compiled_deck(path: Path | str) -> CompiledDeck:
    """Load, validate and generate a deck file in one step.

    Raises:
        DeckError: the file is not a valid deck.
    """
    return compile_deck(load_deck(path), path=str(path))


# --- pools of facts that distractors are drawn from -------------------------------------------


@dataclass(frozen=True)
class _Pools:
    """Per-root texts from the whole deck, for choice cards whose options are not roots."""

    region: dict[str, str]
    region_accepts: dict[str, tuple[str, ...]]
    """Root -> every root accepted for its broader region (the root, then also_accept)."""
    key_point: dict[str, str]
    isncsci_action: dict[str, str]
    by_table: dict[str, list[tuple[str, tuple[str, ...], str]]]
    """Per pool name: (option text, accept-set, fact key) of every fact, for reverse choice cards."""
    first_for_root: dict[str, dict[str, str]]
    """Per pool name: preferred root -> the text of the fact that gets the reverse card."""
    territories: tuple[tuple[str, str], ...] = ()
    """(nerve, skin territory) of every `[[nerve]]` with one, in key order, for choice cards."""

    @classmethod
    def of(cls, deck: Deck) -> _Pools:
        dermatomes: Sequence[Dermatome] = deck.items("dermatome")
        isncsci = [m for m in deck.items("myotome") if m.frame == "isncsci"]
        def entry(item: object, text: str) -> tuple[str, tuple[str, ...], str]:
            return (text, tuple(item.roots), item.key if hasattr(item, "key") else item.level)  # type: ignore[attr-defined]

        discs = deck.items("disc")
        # An item several roots supply together has its own slot (its range), so it never takes
        # the place of the one-root item its first root would otherwise get.
        together_of = {
            (pool, f.key): tuple(f.together)
            for pool, table in (("landmark", "landmark"), ("reflex", "reflex"), ("clinical", "myotome"))
            for f in deck.items(table)
            if getattr(f, "together", None)
        }
        entries: dict[str, list[tuple[str, tuple[str, ...], str]]] = {
            "landmark": [entry(f, f.name) for f in deck.items("landmark")],
            "reflex": [entry(f, f.name) for f in deck.items("reflex")],
            "clinical": [entry(f, f.action) for f in deck.items("myotome") if f.frame == "clinical"],
            "nonkey": [entry(f, f.action) for f in deck.items("myotome") if f.frame == "isncsci-nonkey"],
            "disc:posterolateral": [entry(f, f.level) for f in discs if f.herniation == "posterolateral"],
            "disc:far-lateral": [entry(f, f.level) for f in discs if f.herniation == "far-lateral"],
        }
        # One reverse card per preferred root, from the fact with the smallest key: a rule that
        # does not depend on file order, so reordering a deck never adds or retires a card.
        first: dict[str, dict[str, str]] = {}
        for pool, items in entries.items():
            first[pool] = {}
            for text, roots, key in sorted(items, key=lambda e: e[2]):
                first[pool].setdefault(_slot(roots, together_of.get((pool, key), ())), text)
        return cls(
            region={d.root: d.region for d in dermatomes},
            region_accepts={d.root: (d.root, *d.also_accept) for d in dermatomes},
            key_point={d.root: d.key_point for d in dermatomes},
            isncsci_action={m.roots[0]: m.action for m in isncsci},
            by_table=entries,
            first_for_root=first,
            territories=tuple(
                (f.nerve, f.territory) for f in sorted(deck.items("nerve"), key=lambda f: f.key) if f.territory
            ),
        )

    def reverse(
        self,
        pool: str,
        template: str,
        prompt: str,
        text: str,
        roots: Sequence[str],
        why: str,
        *,
        together: Sequence[str] = (),
    ) -> Iterable[_Draft]:
        """A root -> fact choice card, for one fact of each preferred root only.

        Asking "which of these reflexes tests S2?" once per root keeps every prompt distinct;
        distractors are facts of the nearest other roots whose accept-sets exclude the root asked.
        For an item that several roots supply together (`together`), the prompt names the whole
        range, and no distractor may share a root with the range or lie one level from it (the
        S1-S2 ankle is not "wrong" beside the S2-S4 sphincter).
        """
        root = roots[0]
        if self.first_for_root[pool].get(_slot(roots, together)) != text:
            return
        near = [r for r in (*roots, *together) if r != "S4-5"]

        def clear_of_range(other: tuple[str, ...]) -> bool:
            return not together or all(distance(a, b) > 1 for a in other for b in near)

        candidates = [
            (t, r) for t, r, _ in sorted(self.by_table[pool], key=lambda e: e[2])
            if root not in r and t.casefold() != text.casefold() and clear_of_range(r)
        ]
        candidates.sort(key=lambda item: (distance(root, item[1][0]), position(item[1][0])))
        options, option_roots, used_roots = [text], [root], set()
        for other_text, other_roots in candidates:
            # one option per other root first, so the options spread over the neighbourhood
            if other_roots[0] in used_roots or other_text in options:
                continue
            used_roots.add(other_roots[0])
            options.append(other_text)
            option_roots.append(other_roots[0])
            if len(options) > CHOICE_DISTRACTORS:
                break
        if len(options) <= CHOICE_DISTRACTORS:
            return
        yield _Draft(
            template=template,
            kind=CardKind.CHOICE,
            prompt=prompt,
            answer=text,
            accepted=(text,),
            explanation=why,
            choices=tuple(options),
            choice_roots=tuple(option_roots),
            answer_root=root,
        )


# --- templates ----------------------------------------------------------------------------------


def _dermatome(fact: Dermatome, pools: _Pools) -> Iterable[_Draft]:
    root = fact.root
    why = _sentence(
        f"{root}: the ISNCSCI key sensory point lies {fact.key_point}; "
        f"the {root} dermatome covers {fact.region}",
        fact.note,
    )
    yield _typed("keypoint-to-root", f"ISNCSCI key sensory point: {fact.key_point}. Which dermatome does it test?", [root], why)
    region_why = why
    if fact.also_accept:
        region_why = _sentence(why, f"Some sources give this region to {', '.join(fact.also_accept)}, so that is accepted too")
    yield _typed("region-to-root", f"Which dermatome covers {fact.region}?", pools.region_accepts[root], region_why)
    yield from _choice_by_root(
        "root-to-region",
        f"Which skin region is the {root} dermatome?",
        root,
        pools.region,
        why,
        # a region some source gives to this root too is never offered as a wrong option
        defensible={r for r, accepted in pools.region_accepts.items() if root in accepted},
    )
    yield from _choice_by_root(
        "root-to-keypoint",
        f"Where is the ISNCSCI key sensory point for {root}?",
        root,
        pools.key_point,
        why,
    )


def _landmark(fact: Landmark, pools: _Pools) -> Iterable[_Draft]:
    if fact.together:
        span = _span(fact.together)
        why = _sentence(f"{_phrase(fact.name, capital=True)} is supplied by {span} together", fact.note)
        yield _typed("landmark-to-root", f"Which dermatomes include {fact.name}?", fact.roots, why)
        yield from pools.reverse(
            "landmark", "root-to-landmark",
            f"Which of these is supplied by the {span} dermatomes together?", fact.name, fact.roots, why,
            together=fact.together,
        )
        return
    why = _sentence(f"{_phrase(fact.name, capital=True)} lies in {_either(fact.roots)}", fact.note)
    yield _typed("landmark-to-root", f"Which dermatome includes {fact.name}?", fact.roots, why)
    yield from pools.reverse(
        "landmark", "root-to-landmark",
        f"Which of these lies in the {fact.roots[0]} dermatome?", fact.name, fact.roots, why,
    )


def _myotome(fact: Myotome, pools: _Pools) -> Iterable[_Draft]:
    muscles = f" ({', '.join(fact.muscles)})" if fact.muscles else ""
    if fact.together:
        span = _span(fact.together)
        why = _sentence(f"{_phrase(fact.action, capital=True)}{muscles} is supplied by {span} together", fact.note)
        yield _typed("action-to-root", f"Which roots supply {fact.action}{muscles}?", fact.roots, why, tags=(fact.frame,))
        yield from pools.reverse(
            "clinical", "root-to-weakness",
            f"Which of these is supplied by the {span} roots together?",
            fact.action, fact.roots, why, together=fact.together,
        )
        return
    if fact.frame == "isncsci":
        prompt = f"ISNCSCI motor exam: {fact.action}{muscles} is the key muscle function of which root?"
        frame = "In the ISNCSCI motor exam"
    elif fact.frame == "isncsci-nonkey":
        prompt = f"ISNCSCI 2019 non-key muscle functions: {fact.action}{muscles} is recorded at which root level?"
        frame = "In the ISNCSCI 2019 non-key muscle list (used only to tell AIS B from C)"
    else:
        prompt = f"In radiculopathy, weakness of {fact.action}{muscles} points to which root?"
        frame = "In clinical radiculopathy teaching"
    why = _sentence(f"{frame}, {fact.action}{muscles} is {_either(fact.roots)}", fact.note)
    yield _typed("action-to-root", prompt, fact.roots, why, tags=("isncsci" if fact.frame != "clinical" else "clinical",))
    if fact.frame == "isncsci-nonkey":
        yield from pools.reverse(
            "nonkey", "root-to-nonkey",
            f"Which of these is an ISNCSCI 2019 non-key muscle function recorded at {fact.roots[0]}?",
            fact.action, fact.roots, why,
        )
    if fact.frame == "clinical":
        yield from pools.reverse(
            "clinical", "root-to-weakness",
            f"In radiculopathy, weakness of which of these points to the {fact.roots[0]} root?",
            fact.action, fact.roots, why,
        )
    if fact.frame == "isncsci" and len(fact.roots) == 1:
        yield from _choice_by_root(
            "root-to-key-muscle",
            f"Which movement is the ISNCSCI key muscle function for {fact.roots[0]}?",
            fact.roots[0],
            pools.isncsci_action,
            why,
        )


def _reflex(fact: Reflex, pools: _Pools) -> Iterable[_Draft]:
    if fact.together:
        span = _span(fact.together)
        why = _sentence(f"{_phrase(fact.name, capital=True)} tests {span} together", fact.note)
        yield _typed("reflex-to-root", f"Which segments does {fact.name} test?", fact.roots, why)
        yield from pools.reverse(
            "reflex", "root-to-reflex",
            f"Which of these reflexes tests the {span} segments together?", fact.name, fact.roots, why,
            together=fact.together,
        )
        return
    why = _sentence(f"{_phrase(fact.name, capital=True)} tests {_either(fact.roots)}", fact.note)
    yield _typed("reflex-to-root", f"Which root does {fact.name} mainly test?", fact.roots, why)
    yield from pools.reverse(
        "reflex", "root-to-reflex",
        f"Which of these reflexes mainly tests the {fact.roots[0]} root?", fact.name, fact.roots, why,
    )


def _disc(fact: Disc, pools: _Pools) -> Iterable[_Draft]:
    kind = HERNIATION_WORDS[fact.herniation]
    why = _sentence(f"A {kind} {fact.level} disc herniation compresses {_either(fact.roots)}", fact.note)
    yield _typed("disc-to-root", f"A {kind} {fact.level} disc herniation compresses which root?", fact.roots, why)
    yield from pools.reverse(
        f"disc:{fact.herniation}", "root-to-disc",
        f"A {kind} herniation of which disc compresses the {fact.roots[0]} root?", fact.level, fact.roots, why,
    )


def _radiculopathy(fact: Radiculopathy, pools: _Pools) -> Iterable[_Draft]:
    root = fact.root
    findings = (
        f"Pain: {fact.pain}.\nSensory loss: {fact.sensory}.\n"
        f"Weakness: {fact.weakness}.\nReflex: {fact.reflex}."
    )
    why = _sentence(f"Typical {root} radiculopathy.\n{findings}", fact.note)
    yield _typed(
        "radiculopathy-vignette",
        f"One compressed root. Pain: {fact.pain}. Sensory loss: {fact.sensory}. "
        f"Weakness: {fact.weakness}. Reflex: {fact.reflex}. Which root?",
        [root],
        why,
    )
    yield _typed(
        "radiculopathy-deficit",
        f"One compressed root, found on examination. Sensory loss: {fact.sensory}. "
        f"Weakness: {fact.weakness}. Which root?",
        [root],
        why,
    )
    yield _Draft(
        template="root-to-findings",
        kind=CardKind.REVEAL,
        prompt=f"What are the typical findings of {_a(root)} radiculopathy (pain, sensory loss, weakness, reflex)?",
        answer=findings,
        accepted=(findings,),
        explanation=_sentence("", fact.note) or f"Typical findings of {root} radiculopathy.",
        answer_root=root,
    )


def _vignette(fact: Vignette, _pools: _Pools) -> Iterable[_Draft]:
    yield _typed("vignette", fact.text, fact.roots, fact.explanation)


def _claim(fact: Claim, _pools: _Pools) -> Iterable[_Draft]:
    # A true/false card has exactly one wrong option by nature; inventing extra ones would only
    # add noise, so this is the one choice template with fewer than CHOICE_DISTRACTORS distractors.
    answer = "True" if fact.verdict else "False"
    yield _Draft(
        template="true-or-false",
        kind=CardKind.CHOICE,
        prompt=f"True or false? {fact.statement}",
        answer=answer,
        accepted=(answer,),
        explanation=fact.explanation,
        choices=("True", "False"),
        choice_roots=(None, None),
    )


_ANSWER_KINDS = {
    "root": CardKind.TYPED_ROOT,
    "nerve": CardKind.TYPED_NERVE,
    "site": CardKind.TYPED_SITE,
    "ais": CardKind.TYPED_AIS,
}


def _case(fact: Case, _pools: _Pools) -> Iterable[_Draft]:
    kind = _ANSWER_KINDS[fact.answer_kind]
    yield _Draft(
        template="case",
        kind=kind,
        prompt=fact.text,
        answer=fact.answers[0],
        accepted=tuple(fact.answers),
        explanation=fact.explanation,
        tags=(fact.answer_kind, *fact.tags),
        answer_root=fact.answers[0] if kind is CardKind.TYPED_ROOT else None,
    )


def _nerve(fact: NerveFact, pools: _Pools) -> Iterable[_Draft]:
    name = display_nerve(fact.nerve)
    parts = [f"The {name}"]
    if fact.territory:
        parts.append(f"supplies the skin of {fact.territory}")
    if fact.muscles:
        parts.append(("and " if fact.territory else "") + f"moves {fact.muscles}")
    if fact.roots:
        # cranio-caudal in the sentence; the accept-set keeps the deck's order (preferred first)
        parts.append(f"({'roots' if len(fact.roots) > 1 else 'root'} {', '.join(sorted(fact.roots, key=position))})")
    why = _sentence(" ".join(parts), fact.note)
    if fact.territory:
        yield _word("territory-to-nerve", CardKind.TYPED_NERVE, f"Which peripheral nerve supplies the skin of {fact.territory}?", [fact.nerve], why, tags=("nerve",))
        others = [t for n, t in pools.territories if n != fact.nerve and t.casefold() != fact.territory.casefold()]
        if len(others) >= CHOICE_DISTRACTORS:
            # the nearest in key order: a stable choice that does not depend on file order
            start = [n for n, _ in pools.territories].index(fact.nerve)
            ring = [pools.territories[(start + i) % len(pools.territories)] for i in range(1, len(pools.territories))]
            wrong = [t for n, t in ring if n != fact.nerve and t.casefold() != fact.territory.casefold()][:CHOICE_DISTRACTORS]
            yield _Draft(
                template="nerve-to-territory",
                kind=CardKind.CHOICE,
                prompt=f"Which skin area does the {name} supply?",
                answer=fact.territory,
                accepted=(fact.territory,),
                explanation=why,
                choices=(fact.territory, *wrong),
                choice_roots=(None,) * (1 + len(wrong)),
                tags=("nerve",),
            )
    if fact.muscles:
        yield _word("muscle-to-nerve", CardKind.TYPED_NERVE, f"Which peripheral nerve supplies {fact.muscles}?", [fact.nerve], why, tags=("nerve",))
    if fact.roots:
        yield _typed("nerve-to-roots", f"Which spinal roots does the {name} carry?", fact.roots, why, tags=("nerve",))


# Every site, in pathway order, for every lesion: a list that named only some would give the answer
# away whenever the answer is one of the others (the brain, a polyneuropathy).
_SITE_CHOICES = ", ".join(SITES[:-1]) + " or " + SITES[-1]


def _lesion(fact: Lesion, _pools: _Pools) -> Iterable[_Draft]:
    yield _word(
        "findings-to-site", CardKind.TYPED_SITE,
        f"{fact.findings}\nWhere is the lesion: {_SITE_CHOICES}?",
        list(dict.fromkeys([fact.site, *fact.also_sites])), fact.explanation, tags=("localisation",),
    )
    if fact.nerve:
        yield _word("findings-to-nerve", CardKind.TYPED_NERVE, f"{fact.findings}\nWhich peripheral nerve?", fact.nerve, fact.explanation, tags=("localisation",))
    if fact.roots:
        ask = "Which root?" if len(fact.roots) == 1 else "Which roots?"
        yield _typed("findings-to-roots", f"{fact.findings}\n{ask}", fact.roots, fact.explanation, tags=("localisation",))
    yield _Draft(
        template="lesion-to-findings",
        kind=CardKind.REVEAL,
        prompt=f"What findings point to {fact.label}?",
        answer=fact.findings,
        accepted=(fact.findings,),
        explanation=fact.explanation,
        tags=("localisation",),
    )


_KIND_OF = {kind.value: kind for kind in CardKind}
"""A kind's name -> the kind (`CardKind(name)` goes through the enum's slower lookup)."""


def _hand_card(deck_id: str, fact: HandCard) -> Card:
    """A hand-written card: one card per `[[card]]`, built directly (no draft, no siblings).

    A sheet of 35,000 rows is 35,000 of them, so the steps every generated card goes through
    (a draft, a list of ids, the template's tags) are done here once, in the same way.
    """
    kind = _KIND_OF[fact.kind]
    key = fact_key("card", fact)
    this_id = card_id(deck_id, "card", key)
    if kind is CardKind.CHOICE:
        options = (fact.answer, *fact.accepted, *fact.distractors)
        choices, choice_roots = _shuffled(this_id, kind, options, (None,) * len(options))
    else:
        choices, choice_roots = (), ()
    answer_root = fact.answer if kind is CardKind.TYPED_ROOT else None
    return card_of_fields(
        {
            "id": this_id,
            "deck_id": deck_id,
            "template": "card",
            "fact_key": key,
            "kind": kind,
            "prompt": fact.prompt,
            "answer": fact.answer,
            "accepted": tuple(dict.fromkeys([fact.answer, *fact.accepted])),
            "explanation": fact.explanation,
            "sources": tuple(fact.sources),
            "choices": choices,
            "choice_roots": choice_roots,
            "tags": _card_tags("card", "card", answer_root, tuple(fact.tags)),
            "siblings": (),
            "answer_root": answer_root,
        }
    )


_TEMPLATES: dict[str, Callable[..., Iterable[_Draft]]] = {
    "dermatome": _dermatome,
    "landmark": _landmark,
    "myotome": _myotome,
    "reflex": _reflex,
    "disc": _disc,
    "radiculopathy": _radiculopathy,
    "vignette": _vignette,
    "claim": _claim,
    "nerve": _nerve,
    "lesion": _lesion,
    "case": _case,
}
"""The templates of each fact table (hand-written cards: `_hand_card`)."""


# --- helpers ------------------------------------------------------------------------------------


def _typed(template: str, prompt: str, roots: Sequence[str], why: str, *, tags: tuple[str, ...] = ()) -> _Draft:
    return _Draft(
        tags=tags,
        template=template,
        kind=CardKind.TYPED_ROOT,
        prompt=prompt,
        answer=roots[0],
        accepted=tuple(roots),
        explanation=why,
        answer_root=roots[0],
    )


def _word(template: str, kind: CardKind, prompt: str, answers: Sequence[str], why: str, *, tags: tuple[str, ...] = ()) -> _Draft:
    """A typed card whose answer is a word (a nerve, a site, an AIS grade), not a root."""
    return _Draft(
        template=template, kind=kind, prompt=prompt, answer=answers[0], accepted=tuple(answers), explanation=why, tags=tags
    )


def _choice_by_root(
    template: str,
    prompt: str,
    root: str,
    texts: dict[str, str],
    why: str,
    *,
    defensible: set[str] = frozenset(),  # type: ignore[assignment]
) -> Iterable[_Draft]:
    """A choice card whose options are texts belonging to roots (regions, key points ...).

    Distractors are the texts of the nearest roots that have one, skipping texts identical to
    the answer's so that two options never read the same. A deck too small to offer
    CHOICE_DISTRACTORS wrong options gets no such card (a two-option "choice" teaches little).
    """
    answer = texts[root]
    seen = {answer.casefold()}
    options: list[str] = [answer]
    option_roots: list[str | None] = [root]
    for other in neighbours(root, len(texts), within=tuple(texts)):
        text = texts[other]
        if text.casefold() in seen or other in defensible:
            continue
        seen.add(text.casefold())
        options.append(text)
        option_roots.append(other)
        if len(options) > CHOICE_DISTRACTORS:
            break
    if len(options) <= CHOICE_DISTRACTORS:
        return
    yield _Draft(
        template=template,
        kind=CardKind.CHOICE,
        prompt=prompt,
        answer=answer,
        accepted=(answer,),
        explanation=why,
        choices=tuple(options),
        choice_roots=tuple(option_roots),
        answer_root=root,
    )


def _shuffled(
    card_id: str, kind: CardKind, choices: tuple[str, ...], choice_roots: tuple[str | None, ...]
) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """A choice card's options (and their roots) in a stable order keyed by the card id (true/false excepted).

    Worked out before the card is built, so a big deck builds each card once (35,000 cards:
    `dataclasses.replace` of every choice card cost a fifth of the generation).
    """
    if kind is not CardKind.CHOICE or choices == ("True", "False"):
        return choices, choice_roots
    roots = choice_roots or (None,) * len(choices)
    if len(roots) != len(choices):
        raise ValueError(f"card {card_id}: {len(choices)} options but {len(roots)} option roots")
    # Sorted by the hash of (card id, option); equal options keep their order (a stable sort).
    keys = [sha256(f"{card_id}\x1f{option}".encode()).digest() for option in choices]
    order = sorted(range(len(choices)), key=keys.__getitem__)
    return tuple(choices[i] for i in order), tuple(roots[i] for i in order)


def _tags(table: str, draft: _Draft) -> tuple[str, ...]:
    return _card_tags(table, draft.template, draft.answer_root, draft.tags)


@lru_cache(maxsize=4096)
def _card_tags(table: str, template: str, answer_root: str | None, extra: tuple[str, ...]) -> tuple[str, ...]:
    """A card's tags: its table, its answer's region, ISNCSCI for key points, then its own.

    Cached: a deck repeats a few combinations over thousands of cards.
    """
    tags = [table]
    if answer_root:
        tags.append(region_of(answer_root))
    if template.startswith(("keypoint", "root-to-keypoint", "root-to-key-muscle")):
        tags.append("isncsci")
    tags.extend(extra)
    return tuple(dict.fromkeys(tags))


def _slot(roots: Sequence[str], together: Sequence[str]) -> str:
    """The reverse-card slot of an item: its preferred root, or its range if roots share it."""
    return f"together:{_span(together)}" if together else roots[0]


def _span(roots: Sequence[str]) -> str:
    """"S2 to S4": the range of roots that supply an item together, cranio-caudal."""
    ordered = sorted(roots, key=position)
    return f"{ordered[0]} to {ordered[-1]}"


def _a(root: str) -> str:
    """"a C5", "an L5", "an S1": the article as the root's letter is spoken."""
    return f"an {root}" if root[0] in "LS" else f"a {root}"


def _either(roots: Sequence[str]) -> str:
    if len(roots) == 1:
        return roots[0]
    return f"{roots[0]} (also accepted: {', '.join(roots[1:])})"


def _phrase(text: str, *, capital: bool = False) -> str:
    return text[:1].upper() + text[1:] if capital else text


def _sentence(main: str, note: str) -> str:
    parts = [p.strip() for p in (main, note) if p and p.strip()]
    return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts)
