"""Decks for Anki: an `.apkg` package (genanki) and a CSV file with Anki's header lines.

Both give every note a GUID derived from the trainer's card id (never from its wording), so that
importing a newer export into Anki updates the notes it already has instead of adding duplicates,
and the student's Anki progress stays with the card.

What a note shows:
- front: the prompt; a choice card lists its numbered options; a typed card asks for the root in
  Anki's type-in box (Anki compares it with the canonical answer);
- back: the answer, the other accepted answers, the explanation and every source's full citation.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from trainer.content.cards import Card, CardKind, CompiledDeck

FIELDS = ("Prompt", "Options", "Answer", "Accepted", "Explanation", "Sources", "Card id")
"""The note fields of both note types (the .apkg's); the card id is kept for reference."""

CSV_NOTETYPE = "Basic"
"""The CSV uses the note type every Anki collection has, so Anki imports it with no set-up."""

CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background-color: white; }
.options { margin-top: 0.8em; }
.answer { font-weight: bold; }
.accepted, .explanation { margin-top: 0.6em; }
.sources { margin-top: 0.8em; font-size: 14px; color: #555; }
"""

_PLAIN_FRONT = '<div class="prompt">{{Prompt}}</div>{{#Options}}<div class="options">{{Options}}</div>{{/Options}}'
_BACK = (
    '<hr id="answer"><div class="answer">{{Answer}}</div>'
    '{{#Accepted}}<div class="accepted">Also accepted: {{Accepted}}</div>{{/Accepted}}'
    '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
    '{{#Sources}}<div class="sources">{{Sources}}</div>{{/Sources}}'
)
_TYPED_FRONT = '<div class="prompt">{{Prompt}}</div>{{type:Answer}}'
# Anki's type-in comparison is shown where {{type:Answer}} sits on the back.
_TYPED_BACK = '<div class="prompt">{{Prompt}}</div>{{type:Answer}}' + _BACK.replace(
    '<div class="answer">{{Answer}}</div>', ""
)


def _stable_int(*parts: str) -> int:
    """A 31-bit positive id from text: Anki model and deck ids must never change between exports."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


def note_guid(card_id: str) -> str:
    """The Anki note GUID of a trainer card: derived from its id only, so rewording keeps it."""
    import genanki

    return str(genanki.guid_for("dermatome-trainer", card_id))


def _text(value: str) -> str:
    """Plain card text as HTML: escaped (card text is never markup), line breaks kept."""
    return html.escape(value, quote=False).replace("\n", "<br>")


def _options(card: Card) -> str:
    if card.kind != CardKind.CHOICE:
        return ""
    items = "".join(f"<li>{_text(option)}</li>" for option in card.choices)
    return f"<ol>{items}</ol>"


def _accepted(card: Card) -> str:
    if card.kind == CardKind.REVEAL:
        return ""
    return ", ".join(_text(answer) for answer in card.accepted[1:])


def _sources(card: Card, deck: CompiledDeck) -> str:
    """Every source the card cites, in full (citation and link), one per line."""
    lines = []
    for key in card.sources:
        ref = deck.info.source(key)
        if ref is None:
            lines.append(_text(key))
            continue
        line = _text(ref.citation)
        if ref.url:
            line += f' <a href="{html.escape(ref.url, quote=True)}">{_text(ref.url)}</a>'
        lines.append(line)
    return "<br>".join(lines)


def note_fields(card: Card, deck: CompiledDeck) -> list[str]:
    """The values of `FIELDS` for one card, as HTML."""
    return [
        _text(card.prompt),
        _options(card),
        _text(card.answer),
        _accepted(card),
        _text(card.explanation),
        _sources(card, deck),
        html.escape(card.id),
    ]


def _tags(card: Card) -> list[str]:
    """The card's tags and its deck id (Anki tags have no spaces)."""
    return [tag.replace(" ", "_") for tag in (card.deck_id, *card.tags)]


def write_apkg(deck: CompiledDeck, path: Path, *, exported_at: datetime) -> int:
    """Write the deck as an Anki package.

    Args:
        deck: The deck (its active cards).
        path: Where to write the .apkg.
        exported_at: The notes' modification time; Anki updates an existing note from a package
            only if the package's note is newer, so a later export must carry a later time.

    Returns:
        The number of notes written (one card each).
    """
    import genanki

    plain = genanki.Model(
        _stable_int("dermatome-trainer", "model", "plain"),
        "Dermatome Trainer",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": _PLAIN_FRONT, "afmt": "{{FrontSide}}" + _BACK}],
        css=CSS,
    )
    typed = genanki.Model(
        _stable_int("dermatome-trainer", "model", "typed"),
        "Dermatome Trainer (type the root)",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": _TYPED_FRONT, "afmt": _TYPED_BACK}],
        css=CSS,
    )
    anki_deck = genanki.Deck(_stable_int("dermatome-trainer", "deck", deck.info.id), deck.info.title)
    anki_deck.description = _text(deck.info.description)
    for card in deck.cards:
        anki_deck.add_note(
            genanki.Note(
                model=typed if card.kind == CardKind.TYPED_ROOT else plain,
                fields=note_fields(card, deck),
                guid=note_guid(card.id),
                tags=_tags(card),
            )
        )
    genanki.Package(anki_deck).write_to_file(str(path), timestamp=exported_at.timestamp())
    return len(deck.cards)


def _basic_front(card: Card) -> str:
    return _text(card.prompt) + (f"<br>{_options(card)}" if card.kind == CardKind.CHOICE else "")


def _basic_back(card: Card, deck: CompiledDeck) -> str:
    parts = [f"<b>{_text(card.answer)}</b>"]
    if accepted := _accepted(card):
        parts.append(f"Also accepted: {accepted}")
    if card.explanation:
        parts.append(_text(card.explanation))
    if sources := _sources(card, deck):
        parts.append(f"<small>{sources}</small>")
    return "<br><br>".join(parts)


def csv_rows(deck: CompiledDeck) -> Iterable[list[str]]:
    """The CSV's data rows: GUID, Front, Back, Tags."""
    for card in deck.cards:
        yield [note_guid(card.id), _basic_front(card), _basic_back(card, deck), " ".join(_tags(card))]


def write_anki_csv(deck: CompiledDeck, path: Path) -> int:
    """Write the deck as a CSV that Anki's File > Import takes as it is (Basic notes, HTML fields).

    The header lines tell Anki the separator, that fields are HTML, the note type and deck, and
    which columns hold the GUID and the tags.

    Returns:
        The number of notes written.
    """
    deck_name = deck.info.title.replace("\n", " ")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("#separator:Comma\n#html:true\n")
        handle.write(f"#notetype:{CSV_NOTETYPE}\n#deck:{deck_name}\n")
        handle.write("#columns:GUID,Front,Back,Tags\n#guid column:1\n#tags column:4\n")
        # Every field quoted: a row must never start with "#", which Anki reads as a header line
        # (GUIDs may begin with "#").
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerows(csv_rows(deck))
    return len(deck.cards)
