"""TOML deck files -> a validated `Deck`, or a `DeckError` that lists every problem, located.

A problem names the file, the line where the item starts (when it can be found), the item (its key,
or its number when it has none) and the field, with a suggestion where one is obvious. A deck with
any problem loads nothing: there is no partial deck.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import rtoml
from pydantic import BaseModel, ValidationError

from trainer.content.schema import FACT_TABLES, FORMAT_VERSION, Deck, DeckMeta, Source, fact_key

MAX_DECK_BYTES = 32_000_000
"""The largest deck file we read: 32 MB holds a 35,000-card deck (the size of the most-used
medical-school Anki deck) exported as TOML at up to about 900 bytes a card, twice the built-in
decks' 250-500 bytes a card (a 35,000-row sheet of short cards is already 8.4 MB, over the
former 2 MB), so such a deck exported by `trainer deck export --format toml` imports back.
It still refuses a stray log file or a disk image before parsing it."""

MAX_PROBLEMS = 200
"""Stop listing after this many problems: beyond it the file is probably not a deck at all."""

_TOP_LEVEL = ("format", "deck", "sources", *FACT_TABLES)


@dataclass(frozen=True)
class DeckProblem:
    """One thing wrong with a deck file."""

    file: str
    message: str
    location: str = ""
    """The item and field, e.g. `[[dermatome]] #5 (root "L7"), field 'root'`."""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.location}: {self.message}" if self.location else f"{where}: {self.message}"
        return _one_line(text)


_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a problem line must not send to the terminal as they are: control characters (a
newline or an escape sequence in a field name would break the line or recolour the terminal),
line separators and bidi overrides (which could reorder what the author reads)."""


def _one_line(text: str) -> str:
    """`text` with the characters of `_HIDDEN` written as escapes (`\\n`, `\\x1b`, `\\u202e`)."""
    return _HIDDEN.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


class DeckError(Exception):
    """A deck file cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[DeckProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_deck(path: Path | str) -> Deck:
    """Read and validate one deck file.

    Raises:
        DeckError: the file is unreadable, too large, not UTF-8 TOML, or not a valid deck.
    """
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_DECK_BYTES:
            raise DeckError([DeckProblem(name, _too_large(size))])
        data = path.read_bytes()
    except DeckError:
        raise
    except IsADirectoryError:
        raise DeckError([DeckProblem(name, "is a directory, not a deck file")]) from None
    except FileNotFoundError:
        raise DeckError([DeckProblem(name, "no such file")]) from None
    except OSError as error:
        raise DeckError([DeckProblem(name, f"cannot be read ({error.strerror or error})")]) from None
    return load_deck_text(data, name=name)


def load_deck_text(text: str | bytes, *, name: str) -> Deck:
    """Validate a deck given as text or bytes; `name` is used in every problem.

    Raises:
        DeckError: the text is not a valid deck (every problem is listed).
    """
    document = _parse_toml(text, name)
    return validate_document(document, name=name, text=text if isinstance(text, str) else text.decode("utf-8"))


def validate_document(document: dict[str, Any], *, name: str, text: str = "") -> Deck:
    """Validate an already-parsed TOML document; `text` (the source) locates items by line.

    Raises:
        DeckError: the document is not a valid deck (every problem is listed).
    """
    problems: list[DeckProblem] = []
    lines = _ItemLines(text)

    for table in document:
        if table not in _TOP_LEVEL:
            close = get_close_matches(table, _TOP_LEVEL, n=1, cutoff=0.7)
            hint = f"; did you mean [{close[0]}]?" if close else ""
            problems.append(
                DeckProblem(name, f"unknown table [{table}]{hint}", line=lines.table(table))
            )

    fmt = document.get("format", FORMAT_VERSION)
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        problems.append(
            DeckProblem(
                name,
                f"must be a whole number, like format = {FORMAT_VERSION}",
                location="format",
                line=lines.field(None, "format") or lines.table("format"),
            )
        )
    elif fmt != FORMAT_VERSION:
        problems.append(
            DeckProblem(
                name,
                f"deck format {fmt!r} is not supported (this trainer reads format {FORMAT_VERSION})",
                location="format",
                line=lines.field(None, "format") or lines.table("format"),
            )
        )

    meta = _validate_one(DeckMeta, document.get("deck"), name, "[deck]", lines.table("deck"), problems, lines=lines)

    sources: dict[str, Source] = {}
    raw_sources = document.get("sources", {})
    if not isinstance(raw_sources, dict):
        problems.append(DeckProblem(name, "[sources] must be a table of sources", location="sources"))
        raw_sources = {}
    elif not raw_sources:
        problems.append(DeckProblem(name, "a deck needs at least one [sources.KEY] table"))
    for key, raw in raw_sources.items():
        where = f"[sources.{key}]"
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", key):
            problems.append(
                DeckProblem(
                    name,
                    "a source key uses letters, digits, - and _",
                    location=where,
                    line=lines.table(f"sources.{key}"),
                )
            )
            continue
        source = _validate_one(Source, raw, name, where, lines.table(f"sources.{key}"), problems, lines=lines)
        if source is not None:
            sources[key] = source

    context = {"source_keys": frozenset(raw_sources)}
    facts: dict[str, tuple[Any, ...]] = {}
    seen_keys: dict[str, str] = {}
    for table, model in FACT_TABLES.items():
        raw_items = document.get(table, [])
        if not isinstance(raw_items, list):
            problems.append(
                DeckProblem(name, f"write each item as [[{table}]]", location=table, line=lines.table(table))
            )
            continue
        items = []
        for index, raw in enumerate(raw_items):
            label = _item_label(table, index, raw)
            line = lines.item(table, index)
            item = _validate_one(model, raw, name, label, line, problems, context=context, lines=lines)
            if item is None:
                continue
            key = fact_key(table, item)
            if key in seen_keys:
                what = key.split(":", 1)[1]
                problems.append(
                    DeckProblem(
                        name,
                        f'duplicate id "{what}": {seen_keys[key]} already uses it',
                        location=label,
                        line=line,
                    )
                )
                continue
            seen_keys[key] = label
            items.append(item)
        if items:
            facts[table] = tuple(items)

    if meta is not None and not problems and not facts:
        problems.append(DeckProblem(name, "the deck has no facts and no cards"))
    if problems:
        # File order: an author fixes a deck top to bottom. Problems without a line come first.
        problems.sort(key=lambda p: p.line or 0)
        raise DeckError(problems[:MAX_PROBLEMS])
    assert meta is not None  # a missing [deck] is a problem above
    return Deck(meta=meta, sources=sources, facts=facts)


def unused_sources(deck: Deck) -> list[str]:
    """Source keys defined in a deck but cited by no fact or card (a likely typo or leftover)."""
    cited = {key for items in deck.facts.values() for item in items for key in item.sources}
    return [key for key in deck.sources if key not in cited]


def _too_large(size: int) -> str:
    return f"is too large for a deck ({size / 1e6:.1f} MB; the limit is {MAX_DECK_BYTES / 1e6:.0f} MB)"


def _parse_toml(text: str | bytes, name: str) -> dict[str, Any]:
    """Bytes or text -> a TOML document, or a DeckError located at the line and column."""
    if isinstance(text, bytes):
        if len(text) > MAX_DECK_BYTES:
            raise DeckError([DeckProblem(name, _too_large(len(text)))])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            line = text.count(b"\n", 0, error.start) + 1
            raise DeckError(
                [DeckProblem(name, "is not UTF-8 text (is it a deck file?)", line=line)]
            ) from None
    elif len(text) > MAX_DECK_BYTES:
        raise DeckError([DeckProblem(name, _too_large(len(text.encode("utf-8", "replace"))))])
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark from a Windows editor is not an error
    try:
        # The fast parser reads valid files (same document, same key order as tomllib); anything it
        # refuses is parsed again by tomllib, whose errors give the line and column reported below.
        return rtoml.loads(text)
    except Exception:  # noqa: BLE001 - any refusal falls back to the standard parser's verdict
        pass
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match is None and "(at end of document)" in message:
            # Point at the end of the file, where the parser ran out of input.
            last = text.rstrip("\n").split("\n")
            message = message.replace("(at end of document)", "at the end of the file").strip()
            raise DeckError(
                [DeckProblem(name, f"TOML syntax error: {message}", line=len(last), column=len(last[-1]) + 1)]
            ) from None
        if match:
            message = message[: match.start()].strip()
            raise DeckError(
                [
                    DeckProblem(
                        name,
                        f"TOML syntax error: {message}",
                        line=int(match.group(1)),
                        column=int(match.group(2)),
                    )
                ]
            ) from None
        raise DeckError([DeckProblem(name, f"TOML syntax error: {message}")]) from None
    except RecursionError:
        raise DeckError([DeckProblem(name, "TOML syntax error: nested too deeply")]) from None


def _item_label(table: str, index: int, raw: Any) -> str:
    """How a problem names an item: its key or root when it has one, else its number."""
    label = f"[[{table}]] #{index + 1}"
    if isinstance(raw, dict):
        for field in ("key", "root", "level"):
            value = raw.get(field)
            if isinstance(value, str) and value.strip():
                extra = f" {raw['herniation']}" if field == "level" and isinstance(raw.get("herniation"), str) else ""
                return f'{label} ({field} "{value}"{extra})'
    return label


_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this table",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "list_type": "must be a list, like [\"...\"]",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "literal_error": None,  # pydantic's own message lists the allowed values
    "string_pattern_mismatch": "has characters that are not allowed here",
}


def _validate_one(
    model: type[BaseModel],
    raw: Any,
    file: str,
    label: str,
    line: int | None,
    problems: list[DeckProblem],
    *,
    context: dict[str, Any] | None = None,
    lines: _ItemLines | None = None,
) -> Any:
    """Validate one item; on failure append its problems and return None.

    Each problem with a field points at the field's own line (`lines`), else at the item's `line`.
    """
    if raw is None:
        problems.append(DeckProblem(file, "is missing", location=label, line=line))
        return None
    if not isinstance(raw, dict):
        problems.append(DeckProblem(file, "must be a table", location=label, line=line))
        return None
    item, field_problems = validate_item(model, raw, context=context)
    for field, message in field_problems:
        where = f"{label}, field '{field}'" if field else label
        field_line = lines.field(line, field.split(".")[0]) if (field and lines is not None and line is not None) else None
        problems.append(DeckProblem(file, message, location=where, line=field_line or line))
    return item


def validate_item(
    model: type[BaseModel], raw: dict[str, Any], *, context: dict[str, Any] | None = None
) -> tuple[Any, list[tuple[str, str]]]:
    """Validate one item (a fact, a card, a source) given as a dict.

    Also used by the spreadsheet import, which names the row and the column instead of the item
    and the field.

    Returns:
        (the item, []) when valid; (None, [(field path or "", friendly message), ...]) otherwise.
    """
    try:
        return model.model_validate(raw, context=context), []
    except ValidationError as error:
        found: list[tuple[str, str]] = []
        fields = set(model.model_fields)
        for detail in error.errors(include_url=False):
            loc = [str(part) for part in detail["loc"]]
            message = _FRIENDLY.get(detail["type"]) or str(detail["msg"]).removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden" and loc:
                close = get_close_matches(loc[0], sorted(fields), n=1, cutoff=0.6)
                if close:
                    message += f'; did you mean "{close[0]}"?'
            if not loc and ": " in message and message.split(": ", 1)[0] in fields:
                field, message = message.split(": ", 1)
                loc = [field]
            found.append((".".join(loc), message))
        return None, found


class _ItemLines:
    """Finds the line where each `[[table]]` item or `[table]` starts, and each field inside it.

    Only the common layout (a header line per item, one `field = value` per line) is located;
    items written as inline tables get no line number, and their problems still name the item
    and field.
    """

    _HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\]\n]+?)[ \t]*\]\]?", re.MULTILINE)

    def __init__(self, text: str) -> None:
        self._text_lines = text.split("\n")
        self._items: dict[str, list[int]] = defaultdict(list)
        self._tables: dict[str, int] = {}
        self._headers: list[int] = []
        line, counted = 1, 0
        for match in self._HEADER.finditer(text):
            # Count newlines only since the previous header: one pass over the file, not one per item.
            line += text.count("\n", counted, match.start())
            counted = match.start()
            self._headers.append(line)
            name = self._normal(match.group(2))
            if match.group(1) == "[[":
                self._items[name].append(line)
            else:
                self._tables.setdefault(name, line)

    @staticmethod
    def _normal(name: str) -> str:
        return name.replace('"', "").replace("'", "").replace(" ", "")

    def item(self, table: str, index: int) -> int | None:
        lines = self._items.get(self._normal(table), [])
        return lines[index] if index < len(lines) else None

    def table(self, table: str) -> int | None:
        name = self._normal(table)
        return self._tables.get(name) or (self._items.get(name) or [None])[0]

    def field(self, header: int | None, field: str) -> int | None:
        """The line of `field = ...` in the table whose header is on line `header` (None: the top level).

        The table's body runs from its header to the line before the next header.
        """
        start = header or 0
        following = [line for line in self._headers if line > start]
        end = following[0] - 1 if following else len(self._text_lines)
        pattern = re.compile(rf"""^[ \t]*["']?{re.escape(field)}["']?[ \t]*=""")
        for number in range(start + 1, end + 1):
            if pattern.match(self._text_lines[number - 1]):
                return number
        return None
