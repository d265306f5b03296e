"""Fixtures shared by the whole suite.

Every test runs with its own data directory and database location, so a developer's real
progress can never leak into (or be damaged by) a test run. The store and review-session tests
share a temporary store, a deck builder and a fixed clock (the TUI tests add their own below
tests/tui/).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from trainer.clock import FixedClock
from trainer.content.cards import Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id
from trainer.store import repo
from trainer.store.db import Store, open_store

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The source checkout: decks/, docs/ and pyproject.toml live here."""


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point $TRAINER_DB and the platformdirs lookups at the test's temporary directory."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("TRAINER_DB", raising=False)


LONDON = ZoneInfo("Europe/London")
"""The student's zone in most tests (has DST, and is UTC in winter)."""


def make_card(
    deck_id: str,
    fact: str,
    *,
    template: str = "keypoint-to-root",
    root: str = "L4",
    siblings: tuple[str, ...] = (),
    prompt: str | None = None,
    explanation: str | None = None,
    tags: tuple[str, ...] = ("lumbar",),
) -> Card:
    """A typed-root card about `fact` (the prompt and explanation say so unless given)."""
    return Card(
        id=card_id(deck_id, template, fact),
        deck_id=deck_id,
        template=template,
        fact_key=fact,
        kind=CardKind.TYPED_ROOT,
        prompt=f"Which root supplies {fact}?" if prompt is None else prompt,
        answer=root,
        accepted=(root,),
        explanation=f"{fact} is {root}." if explanation is None else explanation,
        sources=("SRC",),
        tags=tags,
        siblings=siblings,
        answer_root=root,
    )


def make_deck(n: int, *, deck_id: str = "test", title: str = "Test deck", roots: tuple[str, ...] = ("L4", "L5", "S1")) -> CompiledDeck:
    """A deck of `n` independent typed-root cards (fact i answers roots[i % len])."""
    cards = tuple(make_card(deck_id, f"fact:{i}", root=roots[i % len(roots)]) for i in range(n))
    info = DeckInfo(id=deck_id, title=title, version="1.0.0", sources=(SourceRef(key="SRC", citation="A citation."),))
    return CompiledDeck(info=info, cards=cards)


def import_deck(store: Store, deck: CompiledDeck) -> repo.SyncReport:
    """Sync a deck and commit."""
    with store.session() as session:
        report = repo.sync_deck(session=session, deck=deck, now=datetime(2026, 1, 1, tzinfo=UTC))
        session.commit()
    return report


def reader_of(session, *, profile_id: int = 1):  # session: a SQLModel Session or Connection
    """The study layer's reader over an open session of the full store (the default profile)."""
    from trainer.store.readers import Reader, SqlAlchemyExecutor

    connection = session.connection() if hasattr(session, "connection") else session
    return Reader(SqlAlchemyExecutor(connection), profile_id=profile_id)


@pytest.fixture(name="make_card")
def _make_card_fixture():
    """The `make_card` builder."""
    return make_card


@pytest.fixture(name="make_deck")
def _make_deck_fixture():
    """The `make_deck` builder."""
    return make_deck


@pytest.fixture(name="import_deck")
def _import_deck_fixture():
    """The `import_deck` helper."""
    return import_deck


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for this pytest process (tests/pg.py), started on first use."""
    from tests.pg import PgServer

    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def backend() -> str:
    """The kind of database `db_url` and `store` give: SQLite here; tests/store and tests/study
    override it to run each of their tests on SQLite and on PostgreSQL."""
    return "sqlite"


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """The URL of a fresh, empty database of kind `backend`: a SQLite file under tmp_path, or a new
    database on the test PostgreSQL server (dropped after the test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'trainer.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def pg_url(pg_server):
    """The URL of a fresh, empty database on the test PostgreSQL server (dropped after the test)."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def store(db_url: str):
    """A fresh store for one test (a SQLite file unless `backend` says otherwise)."""
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FixedClock:
    """Noon in London on a winter day (UTC = local time)."""
    return FixedClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tz=LONDON)
