"""Spreadsheets (CSV/TSV) and Anki's text export -> a validated deck of hand-written cards.

Each row becomes one `[[card]]`. Its id comes from a key column (an `id`/`key`/`guid` column,
or the column named with `--map COLUMN=key`), never from the row's position or wording, so an
edited sheet imported again keeps every student's progress, and a deleted row retires its card.
Every problem names the row (the file's line number, the header being row 1) and the column.

Columns are matched to card fields by name (case-insensitive; see `COLUMN_NAMES`) or by
`--map COLUMN=FIELD`. The fields:
    key          the card's stable id (required)
    prompt       the question (required)
    answer       a root (typed card), the right option (choice card) or the back (reveal card)
    kind         typed-root | choice | reveal; when absent: choice if there are distractors,
                 typed-root if the answer is a spinal root, else reveal
    accepted     other accepted answers, separated by ";"
    distractors  wrong options of a choice card, separated by ";"
    explanation  why (shown after answering)
    source       the full citation of the card's source (identical citations share one source)
    tags         separated by spaces, "," or ";"
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from trainer.content.loader import MAX_PROBLEMS, DeckError, DeckProblem, validate_item
from trainer.content.roots import parse_root
from trainer.content.schema import Deck, DeckMeta, HandCard, Source

FIELDS = ("key", "prompt", "answer", "kind", "accepted", "distractors", "explanation", "source", "tags")
"""The card fields a column may fill."""

COLUMN_NAMES: dict[str, str] = {
    "id": "key", "key": "key", "guid": "key", "card id": "key",
    "prompt": "prompt", "question": "prompt", "front": "prompt",
    "answer": "answer", "back": "answer",
    "kind": "kind", "type": "kind",
    "accepted": "accepted", "also accepted": "accepted",
    "distractors": "distractors", "wrong answers": "distractors", "wrong options": "distractors",
    "explanation": "explanation", "why": "explanation", "extra": "explanation",
    "source": "source", "sources": "source", "citation": "source", "reference": "source",
    "tags": "tags",
}  # fmt: skip
"""Column names understood without `--map` (compared case-insensitively)."""

KINDS = {"typed-root": "typed-root", "typed": "typed-root", "typed root": "typed-root", "choice": "choice",
         "multiple choice": "choice", "reveal": "reveal", "recall": "reveal", "basic": "reveal"}  # fmt: skip
"""What a kind cell may say."""

SHEET_SUFFIXES = (".csv", ".tsv", ".txt")
"""Files `trainer deck import` reads as spreadsheets (.txt: Anki's "Notes in Plain Text")."""

WRITTEN_HEADER = "Written by `trainer deck import"
"""The first line of a TOML file this module wrote (such a file may be overwritten by a re-run)."""

_ANKI_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}


@dataclass(frozen=True)
class SheetOptions:
    """How to read a sheet."""

    mapping: Mapping[str, str]
    """COLUMN -> FIELD, over the default names (a column mapped to "" or "-" is ignored)."""
    deck_id: str | None = None
    """The deck id; default: from the file name."""
    title: str | None = None
    """The deck title; default: from the file name."""
    source: str | None = None
    """A citation for rows without a source cell."""


def is_sheet(path: str | Path) -> bool:
    """True if `deck import` should read this file as a spreadsheet rather than a TOML deck."""
    return Path(path).suffix.lower() in SHEET_SUFFIXES


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` values -> {COLUMN: FIELD}.

    Raises:
        ValueError: A pair is not COLUMN=FIELD, or FIELD is not a card field.
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        column, field = column.strip(), field.strip().lower()
        if not sep or not column:
            raise ValueError(f'--map "{pair}": write COLUMN=FIELD, like --map "Question=prompt"')
        if field not in FIELDS and field not in ("", "-"):
            raise ValueError(f'--map "{pair}": "{field}" is not a card field (fields: {", ".join(FIELDS)})')
        mapping[column] = field
    return mapping


def read_sheet(path: str | Path, options: SheetOptions) -> Deck:
    """Read a spreadsheet into a validated deck of hand-written cards.

    Raises:
        DeckError: The file cannot be read, a required column is missing, or rows are invalid;
            every problem names the row and the column.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DeckError([DeckProblem(name, "no such file")]) from None
    except UnicodeDecodeError:
        raise DeckError([DeckProblem(name, "is not UTF-8 text (save the sheet as CSV UTF-8)")]) from None
    except OSError as error:
        raise DeckError([DeckProblem(name, f"cannot be read ({error.strerror or error})")]) from None
    sheet = _Sheet.parse(text, path)
    columns = _columns_to_fields(sheet, options.mapping, name)
    return _build_deck(sheet, columns, options, name)


@dataclass
class _Sheet:
    """The rows of a file with their line numbers and the column names."""

    names: list[str]
    rows: list[tuple[int, list[str]]]
    html: bool

    @classmethod
    def parse(cls, text: str, path: Path) -> _Sheet:
        lines = text.splitlines(keepends=True)
        headers: dict[str, str] = {}
        skipped = 0
        while skipped < len(lines) and lines[skipped].startswith("#") and ":" in lines[skipped]:
            key, _, value = lines[skipped][1:].partition(":")
            headers[key.strip().lower()] = value.strip()
            skipped += 1
        body = "".join(lines[skipped:])
        delimiter = _ANKI_SEPARATORS.get(headers.get("separator", "").lower()) or headers.get("separator") or _sniff(body, path)
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        records: list[tuple[int, list[str]]] = []
        start = skipped + 1
        for record in reader:
            records.append((start, record))
            start = skipped + reader.line_num + 1
        html = headers.get("html", "false").lower() == "true"
        if "columns" in headers:
            names = next(csv.reader([headers["columns"]], delimiter=delimiter))
        elif headers:
            # Anki's "Notes in Plain Text": no header row; columns named by the header lines,
            # the note fields in between numbered "field 1", "field 2", ...
            width = max((len(r) for _, r in records), default=0)
            special = {}
            for label in ("guid", "notetype", "deck", "tags"):
                number = headers.get(f"{label} column", "")
                if number.isdigit():
                    special[int(number) - 1] = label
            names, n = [], 0
            for index in range(width):
                if index in special:
                    names.append(special[index])
                else:
                    n += 1
                    names.append(f"field {n}")
        else:
            if not records:
                return cls(names=[], rows=[], html=html)
            names = [cell.strip() for cell in records[0][1]]
            records = records[1:]
        rows = [(line, record) for line, record in records if any(cell.strip() for cell in record)]
        return cls(names=names, rows=rows, html=html)


def _sniff(body: str, path: Path) -> str:
    """The delimiter of a sheet without Anki headers: tab for .tsv, else guessed among , ; tab."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(body[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


_ANKI_FIELD_DEFAULTS = {"field 1": "prompt", "field 2": "answer", "field 3": "explanation"}


def _columns_to_fields(sheet: _Sheet, mapping: Mapping[str, str], name: str) -> dict[int, str]:
    """Column index -> field, from --map, else the default names; checks the key and prompt columns."""
    problems: list[DeckProblem] = []
    by_name = {column.strip().casefold(): i for i, column in enumerate(sheet.names)}
    fields: dict[int, str] = {}
    for column, field in mapping.items():
        index = by_name.get(column.strip().casefold())
        if index is None and column.isdigit() and 1 <= int(column) <= len(sheet.names):
            index = int(column) - 1
        if index is None:
            problems.append(DeckProblem(name, f'--map "{column}={field}": there is no column "{column}" (columns: {_listed(sheet.names)})'))
            continue
        fields[index] = field
    taken = set(fields.values())
    for index, column in enumerate(sheet.names):
        if index in fields:
            continue
        field = COLUMN_NAMES.get(column.strip().casefold()) or _ANKI_FIELD_DEFAULTS.get(column)
        if field and field not in taken:
            fields[index] = field
            taken.add(field)
    fields = {i: f for i, f in fields.items() if f not in ("", "-")}
    present = set(fields.values())
    if "key" not in present:
        problems.append(
            DeckProblem(
                name,
                "no id column: name the column whose values never change with --map COLUMN=key "
                f"(so that re-importing the edited sheet keeps progress); columns: {_listed(sheet.names)}",
            )
        )
    if "prompt" not in present:
        problems.append(DeckProblem(name, f"no question column: name it with --map COLUMN=prompt; columns: {_listed(sheet.names)}"))
    if "answer" not in present:
        problems.append(DeckProblem(name, f"no answer column: name it with --map COLUMN=answer; columns: {_listed(sheet.names)}"))
    if problems:
        raise DeckError(problems)
    return fields


def _listed(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names) or "none"


def _build_deck(sheet: _Sheet, columns: dict[int, str], options: SheetOptions, name: str) -> Deck:
    """Validate every row and assemble the deck; all problems at once."""
    problems: list[DeckProblem] = []
    column_of = {field: sheet.names[index] for index, field in columns.items()}
    stem = Path(name).stem
    deck_id = options.deck_id or (re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64] or "sheet")
    meta, meta_problems = validate_item(
        DeckMeta, {"id": deck_id, "title": options.title or stem, "version": "1.0.0"}
    )
    for field, message in meta_problems:
        option = {"id": "--deck-id", "title": "--title"}.get(field, field)
        problems.append(DeckProblem(name, message, location=option))

    sources: dict[str, Source] = {}
    context = {"source_keys": frozenset(["-"])}  # rebuilt only when a row brings a new source
    cards: list[HandCard] = []
    first_row: dict[str, int] = {}
    last_column = max(columns, default=-1)
    for line, record in sheet.rows:
        cells = _cells(record, columns, sheet.html, last_column)
        where = lambda field: f"row {line}, column '{column_of.get(field, field)}'"  # noqa: E731
        raw_key = cells.get("key", "")
        if not raw_key:
            problems.append(DeckProblem(name, "the id is empty (every row needs one, so its progress can be kept)", location=where("key")))
            continue
        key = _key(raw_key)
        if key in first_row:
            problems.append(DeckProblem(name, f'id "{raw_key}" is also on row {first_row[key]}', location=where("key")))
            continue
        first_row[key] = line
        citation = cells.get("source") or options.source or ""
        if citation:
            source_key = _source_key(citation)
            if source_key not in sources:
                sources[source_key] = Source(citation=citation)
                context = {"source_keys": frozenset([*sources, "-"])}
        else:
            source_key = "-"  # reported here; the rest of the row is still checked
            problems.append(
                DeckProblem(name, "no source: every card cites one (add a source column, or give --source CITATION)", location=where("source"))
            )
        raw = _card_dict(cells, key, source_key)
        if isinstance(raw, str):
            problems.append(DeckProblem(name, raw, location=where("kind")))
            continue
        card, card_problems = validate_item(HandCard, raw, context=context)
        for field, message in card_problems:
            problems.append(DeckProblem(name, message, location=where(field.split(".")[0] or "key")))
        if card is not None:
            cards.append(card)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not sheet.rows and not problems:
        problems.append(DeckProblem(name, "has no rows below the header"))
    if problems:
        raise DeckError(problems[:MAX_PROBLEMS])
    assert meta is not None
    return Deck(meta=meta, sources=sources, facts={"card": tuple(cards)})


@lru_cache(maxsize=1024)
def _source_key(citation: str) -> str:
    """The key of a citation's source; cached: most rows of a sheet cite one of a few sources."""
    return "src-" + hashlib.sha256(citation.encode("utf-8")).hexdigest()[:8]


_VALID_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
_LIST_SEPARATOR = re.compile(r"[;|]")
_TAG_SEPARATOR = re.compile(r"[\s,;]+")
_NOT_TAG = re.compile(r"[^a-z0-9-]+")


def _key(value: str) -> str:
    """A card key from an id cell: as it is when it is a valid key, else a stable hash of it."""
    if _VALID_KEY.fullmatch(value):
        return value
    return "k-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def _split(value: str) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in _LIST_SEPARATOR.split(value) if part.strip()]


@lru_cache(maxsize=1024)
def _tags(value: str) -> tuple[str, ...]:
    """The tags of a tags cell; cached: a sheet repeats its tag cells."""
    tags: list[str] = []
    for word in _TAG_SEPARATOR.split(value.lower()):
        tag = _NOT_TAG.sub("-", word.replace("::", "-")).strip("-")[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _card_dict(cells: dict[str, str], key: str, source_key: str) -> dict[str, Any] | str:
    """The `[[card]]` table of one row, or a message when its kind is unknown."""
    answer = cells.get("answer", "")
    distractors = _split(cells.get("distractors", ""))
    accepted = _split(cells.get("accepted", ""))
    kind_cell = cells.get("kind", "").strip().lower()
    if kind_cell:
        kind = KINDS.get(kind_cell)
        if kind is None:
            return f'"{cells["kind"]}" is not a kind (typed-root, choice or reveal)'
    elif distractors:
        kind = "choice"
    else:
        kind = "typed-root" if _root_of(answer) is not None else "reveal"
    if kind == "typed-root":
        answer = _canonical_root(answer)
        accepted = [_canonical_root(a) for a in accepted]
    raw: dict[str, Any] = {"key": key, "kind": kind, "prompt": cells.get("prompt", ""), "answer": answer}
    if accepted:
        raw["accepted"] = accepted
    if distractors:
        raw["distractors"] = distractors
    raw["explanation"] = cells.get("explanation") or f"The answer is {answer}."
    tags = _tags(cells.get("tags", ""))
    if tags:
        raw["tags"] = list(tags)
    raw["sources"] = [source_key]
    return raw


@lru_cache(maxsize=1024)
def _root_of(text: str) -> str | None:
    """The one root a cell names ("l4" -> "L4"), or None; cached: a sheet repeats its answers."""
    parsed = parse_root(text)
    return parsed.roots[0] if parsed.kind == "root" else None


def _canonical_root(text: str) -> str:
    """ "l4" -> "L4" when it is one root; otherwise unchanged (the validator then names it)."""
    return _root_of(text) or text


def _cell(record: list[str], index: int, html: bool) -> str:
    value = record[index] if index < len(record) else ""
    return (_html_to_text(value) if html else value).strip()


def _cells(record: list[str], columns: dict[int, str], html: bool, last: int) -> dict[str, str]:
    """A row's cells by field: stripped, HTML turned to text when the sheet says so.

    Args:
        record: The row's cells.
        columns: Column index -> field.
        html: The sheet's cells are HTML.
        last: The highest index in `columns` (computed once per sheet, not per row).
    """
    if html or len(record) <= last:
        return {field: _cell(record, index, html) for index, field in columns.items()}
    return {field: record[index].strip() for index, field in columns.items()}


class _TextOf(HTMLParser):
    """Anki's HTML fields as plain text: tags dropped, <br> and block ends as line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "div", "p", "li", "tr"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_to_text(value: str) -> str:
    if "<" not in value and "&" not in value:
        return value
    parser = _TextOf()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def import_sheet(store: Any, path: str | Path, options: SheetOptions, *, now: Any) -> Any:
    """Read a sheet and import it into the collection (all of it or nothing), keeping its TOML.

    Args:
        store: The open `trainer.store.db.Store`.
        path: The sheet.
        options: How to read it.
        now: The import instant (aware datetime, from the face's clock).

    Returns:
        The `SyncReport` (cards added, updated, retired, unchanged).

    Raises:
        DeckError: The sheet is not valid (rows and columns named), or its deck id is the built-in one.
    """
    from trainer.content.generate import compile_deck
    from trainer.interop.toml_export import deck_to_toml
    from trainer.study.decks import bulk_work, import_compiled_deck

    with bulk_work():
        deck = read_sheet(path, options)
        compiled = compile_deck(deck, path=str(path))
        return import_compiled_deck(store, compiled, now=now, source=deck_to_toml(deck, header=_written_header(path)))


def write_sheet_deck(path: str | Path, options: SheetOptions, output: str | Path) -> int:
    """Read a sheet and write it as a TOML deck file, to review, edit and import later.

    An existing file is replaced only if this command wrote it (its first line says so), so a
    hand-edited deck is never overwritten.

    Returns:
        The number of cards written.

    Raises:
        DeckError: The sheet is not valid, or `output` is a deck this command did not write.
        OSError: The file cannot be written.
    """
    from trainer.content.generate import compile_deck
    from trainer.interop.toml_export import deck_to_toml
    from trainer.study.decks import bulk_work

    with bulk_work():
        deck = read_sheet(path, options)
    output = Path(output)
    if output.exists():
        try:
            first = output.read_text(encoding="utf-8").split("\n", 1)[0]
        except (OSError, UnicodeDecodeError):
            first = ""
        if WRITTEN_HEADER not in first:
            raise DeckError([DeckProblem(str(output), "already exists and was not written by `trainer deck import`; choose another --write file")])
    with bulk_work():
        text = deck_to_toml(deck, header=_written_header(path))
        cards = len(compile_deck(deck).cards)
    output.write_text(text, encoding="utf-8")
    return cards


def _written_header(path: str | Path) -> str:
    return (
        f"{WRITTEN_HEADER} {Path(path).name}`. Card ids come from the sheet's id column:\n"
        "keep the ids when you edit, and students keep their progress."
    )
