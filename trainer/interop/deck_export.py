"""`trainer deck export`: a deck from the collection to a file, as Anki .apkg, Anki CSV or TOML."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from trainer.store.db import Store
from trainer.study.deck_admin import deck_structure, stored_deck

FORMATS = ("apkg", "csv", "toml")
"""The formats `deck export` writes."""


def export_deck(store: Store, deck_id: str, *, fmt: str, output: Path, now: datetime) -> int:
    """Write one deck of the collection to `output`; the file is replaced only once fully written.

    Args:
        store: The open store.
        deck_id: The deck to export.
        fmt: "apkg", "csv" or "toml".
        output: The file to write.
        now: The export instant (from the face's clock): the .apkg notes' modification time,
            and the date in the TOML header.

    Returns:
        The number of cards exported.

    Raises:
        trainer.study.deck_admin.DeckAdminError: No such deck, or its source was not kept (toml).
        OSError: The file cannot be written (nothing is left half-written).
    """
    from trainer.interop.anki_export import write_anki_csv, write_apkg

    if fmt == "toml":
        from trainer.content.generate import compile_deck
        from trainer.interop.toml_export import deck_to_toml

        deck = deck_structure(store, deck_id)
        header = (
            f"Deck \"{deck.meta.id}\" version {deck.meta.version}, exported by `trainer deck export` "
            f"on {now.date().isoformat()}.\nImporting this file keeps every card's id (and so students' progress)."
        )
        text = deck_to_toml(deck, header=header)
        _write_atomically(output, lambda path: path.write_text(text, encoding="utf-8"))
        return len(compile_deck(deck).cards)
    compiled = stored_deck(store, deck_id)
    if fmt == "apkg":
        _write_atomically(output, lambda path: write_apkg(compiled, path, exported_at=now))
    elif fmt == "csv":
        _write_atomically(output, lambda path: write_anki_csv(compiled, path))
    else:
        raise ValueError(f"unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")
    return len(compiled.cards)


def _write_atomically(output: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside `output`, then rename it over `output`."""
    output = Path(output)
    handle, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent or ".")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
