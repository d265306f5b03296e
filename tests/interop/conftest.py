"""Fixtures for the outside formats: a fresh Anki collection (Anki's own library) in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def anki_collection(tmp_path: Path):
    """An empty Anki collection, as a new Anki user has, closed after the test."""
    from anki.collection import Collection

    folder = tmp_path / "anki"
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    yield collection
    collection.close()
