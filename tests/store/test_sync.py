"""Deck sync: upsert by stable id, progress kept across rewording, retirement, idempotence."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from trainer.content.cards import CompiledDeck
from tests.conftest import reader_of
from trainer.store import repo
from trainer.store.db import open_store
from trainer.store.models import Card, CardState, Deck, Review, Source

LATER = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)


def _sync(store, deck: CompiledDeck, *, now: datetime = LATER) -> repo.SyncReport:
    with store.session() as session:
        report = repo.sync_deck(session=session, deck=deck, now=now)
        session.commit()
    return report


def _reword(deck: CompiledDeck, index: int, prompt: str) -> CompiledDeck:
    cards = list(deck.cards)
    cards[index] = dataclasses.replace(cards[index], prompt=prompt)
    return dataclasses.replace(deck, cards=tuple(cards))


def _progress(store, card_id: str) -> CardState:
    with store.session() as session:
        state = session.get(CardState, (1, card_id))
        state.repetitions, state.easiness, state.interval = 3, 2.36, 15
        state.due_day = state.introduced_day = state.last_day = date(2026, 1, 20)
        state.lapses = 2
        session.add(
            Review(
                profile_id=1,
                card_id=card_id, reviewed_at=datetime(2026, 1, 20, 8, tzinfo=UTC), study_day=date(2026, 1, 20),
                quality=4, queue="due", repetitions_before=2, easiness_before=2.36, interval_before=6,
                drill_before=False, repetitions_after=3, easiness_after=2.36, interval_after=15, drill_after=False,
                due_day_after=date(2026, 2, 4),
            )
        )
        session.commit()
        session.refresh(state)
        return state


class TestSyncDeck:
    """Importing a compiled deck into the store."""

    def test_a_first_import_adds_every_card_as_new_in_deck_order(self, store, make_deck) -> None:
        """Cards, a state per card, the deck row and its sources are written."""
        deck = make_deck(5)
        assert _sync(store, deck) == repo.SyncReport(added=5, updated=0, retired=0, unchanged=0)
        with store.session() as session:
            assert reader_of(session).new_card_ids(limit=10) == [c.id for c in deck.cards]
            assert session.get(Deck, "test").title == "Test deck"
            assert session.get(Deck, "test").imported_at == LATER
            assert session.get(Source, ("test", "SRC")).citation == "A citation."
            stored = session.get(Card, deck.cards[2].id)
            assert reader_of(session).study_row(stored.id).card == deck.cards[2]

    def test_a_new_cards_state_is_a_fresh_schedule(self, store, make_deck) -> None:
        """Never answered, easiness 2.5, not suspended, buried, flagged or due: the model's defaults."""
        deck = make_deck(3)
        _sync(store, deck)
        with store.session() as session:
            state = session.get(CardState, (1, deck.cards[1].id))
            fresh = CardState(profile_id=1, card_id=deck.cards[1].id, position=1, new_rank=state.new_rank)
            assert state.model_dump() == fresh.model_dump()
            assert (state.repetitions, state.easiness, state.due_day, state.suspended, state.flag) == (0, 2.5, None, False, "")

    def test_reimporting_an_unchanged_deck_writes_nothing(self, store, make_deck, import_deck) -> None:
        """The deck hash matches, so not one INSERT, UPDATE or DELETE is run."""
        deck = make_deck(5)
        import_deck(store, deck)
        writes: list[str] = []

        def spy(conn, cursor, statement, *args) -> None:
            if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                writes.append(statement)

        event.listen(store.engine, "before_cursor_execute", spy)
        try:
            assert _sync(store, deck) == repo.SyncReport(added=0, updated=0, retired=0, unchanged=5)
        finally:
            event.remove(store.engine, "before_cursor_execute", spy)
        assert writes == []

    def test_a_reworded_card_keeps_its_progress(self, store, make_deck, import_deck) -> None:
        """Same id, new wording: the text changes, the schedule does not."""
        deck = make_deck(3)
        import_deck(store, deck)
        before = _progress(store, deck.cards[1].id)
        report = _sync(store, _reword(deck, 1, "Which root, exactly?"))
        assert report == repo.SyncReport(added=0, updated=1, retired=0, unchanged=2)
        with store.session() as session:
            assert session.get(Card, deck.cards[1].id).prompt == "Which root, exactly?"
            assert session.get(CardState, (1, deck.cards[1].id)) == before

    def test_a_removed_card_is_retired_with_its_history_kept(self, store, make_deck, import_deck) -> None:
        """Missing from the deck: retired_at set, reviews kept, no longer queued."""
        deck = make_deck(3)
        import_deck(store, deck)
        gone = deck.cards[0].id
        _progress(store, gone)
        report = _sync(store, dataclasses.replace(deck, cards=deck.cards[1:]))
        assert report == repo.SyncReport(added=0, updated=2, retired=1, unchanged=0)  # the others moved up
        with store.session() as session:
            assert session.get(Card, gone).retired_at == LATER
            assert session.exec(select(func.count()).select_from(Review).where(Review.card_id == gone)).one() == 1
            today = date(2026, 3, 1)
            assert gone not in reader_of(session).due_card_ids(today=today, limit=10)
            assert repo.count_due_on_or_before(session, profile_id=1, day=today) == 0

    def test_a_re_added_card_comes_back_with_its_progress(self, store, make_deck, import_deck) -> None:
        """A retired card that reappears is un-retired and keeps its state."""
        deck = make_deck(3)
        import_deck(store, deck)
        before = _progress(store, deck.cards[2].id)
        _sync(store, dataclasses.replace(deck, cards=deck.cards[:2]))
        report = _sync(store, deck)
        assert report == repo.SyncReport(added=0, updated=1, retired=0, unchanged=2)
        with store.session() as session:
            assert session.get(Card, deck.cards[2].id).retired_at is None
            assert session.get(CardState, (1, deck.cards[2].id)) == before
            assert reader_of(session).due_card_ids(today=date(2026, 2, 4), limit=10) == [deck.cards[2].id]

    def test_a_new_card_in_an_existing_deck_is_added_as_new(self, store, make_deck, import_deck) -> None:
        """Growing a deck adds the new cards and leaves the rest alone."""
        import_deck(store, make_deck(3))
        assert _sync(store, make_deck(4)) == repo.SyncReport(added=1, updated=0, retired=0, unchanged=3)

    def test_changed_sources_replace_the_old_ones(self, store, make_deck, import_deck) -> None:
        """A deck's sources follow the file."""
        deck = make_deck(2)
        import_deck(store, deck)
        info = dataclasses.replace(deck.info, sources=(dataclasses.replace(deck.info.sources[0], citation="New."),))
        _sync(store, dataclasses.replace(deck, info=info))
        with store.session() as session:
            assert session.get(Source, ("test", "SRC")).citation == "New."

    def test_an_uncommitted_sync_leaves_nothing_behind(self, store, make_deck) -> None:
        """The sync is one unit of work owned by the caller: a rollback undoes all of it."""
        with store.session() as session:
            repo.sync_deck(session=session, deck=make_deck(4), now=LATER)
            session.rollback()
        with store.session() as session:
            assert session.exec(select(func.count()).select_from(Card)).one() == 0
            assert session.get(Deck, "test") is None

    def test_every_profile_gets_the_mixed_new_card_order_over_every_deck(self, store, make_deck, import_deck) -> None:
        """New cards are ranked as they are stored: after imports that add, reword, retire and
        bring back cards of two decks, each profile's ranks are the mixed order of the active
        cards read back from the database (the order Home and the queue introduce them in)."""
        from trainer.scheduling.new_order import NewCard, mixed_ranks

        def regions(deck: CompiledDeck) -> CompiledDeck:
            tags = ("cervical", "thoracic", "lumbar", "sacral")
            cards = [dataclasses.replace(c, tags=(tags[i % 4],), template=f"t{i % 3}") for i, c in enumerate(deck.cards)]
            return dataclasses.replace(deck, cards=tuple(cards))

        first, second = regions(make_deck(40)), regions(make_deck(30, deck_id="other", title="Other"))
        import_deck(store, first)
        with store.session() as session:
            repo.add_profile(session=session, name="ana", pseudonym="s-ana", now=LATER)
            session.commit()
        edition = dataclasses.replace(first, cards=(*_reword(first, 3, "Reworded?").cards[5:], *make_deck(45).cards[40:]))
        for deck in (second, edition, first):
            import_deck(store, deck)
            with store.session() as session:
                active = [
                    NewCard(id=c.id, deck_id=c.deck_id, template=c.template, kind=c.kind, fact_key=c.fact_key, tags=tuple(c.tags), position=c.position)
                    for c in session.exec(select(Card).where(Card.retired_at.is_(None))).all()
                ]  # fmt: skip
                for profile in (1, 2):
                    expected = mixed_ranks(active, f"profile/{profile}")
                    stored = dict(session.exec(select(CardState.card_id, CardState.new_rank).where(CardState.profile_id == profile)).all())
                    assert {card_id: stored[card_id] for card_id in expected} == expected
                    assert len(stored) == session.exec(select(func.count()).select_from(Card)).one()


def _hash_as_earlier_versions(card) -> str:  # noqa: ANN001 - a content card
    import hashlib
    import json

    text = json.dumps(dataclasses.asdict(card), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_card_hash_is_the_hash_of_its_fields_as_sorted_json() -> None:
    """The stored hash of a card stays what earlier versions stored, so an upgrade does not
    report (and rewrite) every card of every deck as updated on the next import: every built-in
    card (each template and kind, the body map's too) and cards whose text needs JSON escapes."""
    from trainer.content.bodymap import load_bodymap
    from trainer.content.cards import CardKind
    from trainer.content.generate import load_compiled_deck
    from trainer.content.map_cards import compile_map_deck
    from trainer.paths import builtin_deck_paths, builtin_map_paths
    from tests.conftest import make_deck

    # The field-by-field writer is the one in use (it falls back to the JSON encoder only if
    # the card's fields change), so this test checks the code that imports run.
    assert repo._CARD_JSON is repo._card_json
    cards = [*make_deck(3).cards]
    cards += [card for path in builtin_deck_paths() for card in load_compiled_deck(path).cards]
    cards += [card for path in builtin_map_paths() for card in compile_map_deck(load_bodymap(path)).cards]
    odd = dataclasses.replace(
        cards[0], prompt='Quote " backslash \\ tab\t line\nbreak \x01 \u2028 é 🦴', explanation="",
        kind=CardKind.CHOICE, choices=("a", '"b"', "c\nd"), choice_roots=("L4", None, "S1"), answer_root=None,
        siblings=("x", "y"), tags=(), accepted=("ä",),
    )  # fmt: skip
    cards.append(odd)
    assert {card.kind for card in cards} >= {CardKind.TYPED_ROOT, CardKind.CHOICE, CardKind.REVEAL}
    for card in cards:
        assert repo.card_content_hash(card) == _hash_as_earlier_versions(card), card.id


def test_a_big_first_import_on_postgresql_leaves_the_indexes_alone(pg_url, make_deck, monkeypatch) -> None:
    """The bulk path is SQLite's: PostgreSQL gets no DROP INDEX, and its cards are all there."""
    monkeypatch.setattr(repo, "_BULK_ROWS", 20)
    store = open_store(pg_url)
    try:
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda conn, cursor, statement, *args: statements.append(statement))
        assert _sync(store, make_deck(60)).added == 60
        assert not [s for s in statements if "DROP INDEX" in s]
    finally:
        store.close()


def _indexes(store) -> list[tuple[str, str]]:
    """The secondary indexes of the card and card-state tables, as SQLite stores them."""
    with store.session() as session:
        return session.connection().exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('card', 'cardstate') ORDER BY name"
        ).all()


class TestBulkImport:
    """A big import into a smaller collection builds the indexes after the rows (repo._indexes_built_after).

    SQLite only (the class's own `store`); on PostgreSQL the indexes are never touched.
    """

    @pytest.fixture
    def store(self, tmp_path):
        opened = open_store(f"sqlite:///{tmp_path / 'bulk.db'}")
        yield opened
        opened.close()

    def _dropped(self, store) -> list[str]:
        statements: list[str] = []
        event.listen(
            store.engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *args: statements.append(statement) if statement.startswith("DROP INDEX") else None,
        )
        return statements

    def test_a_big_first_import_leaves_every_index_and_the_text_search_as_a_new_database_has_them(
        self, store, make_deck, monkeypatch
    ) -> None:
        from trainer.store.text_index import check_text_index

        monkeypatch.setattr(repo, "_BULK_ROWS", 20)
        before = _indexes(store)
        dropped = self._dropped(store)
        deck = make_deck(60)
        assert _sync(store, deck).added == 60
        assert len(dropped) == len(before) >= 11  # the bulk path ran, over both tables
        assert _indexes(store) == before
        with store.session() as session:
            assert reader_of(session).new_card_ids(limit=100) == [c.id for c in deck.cards]
            raw = session.connection().connection.dbapi_connection
            assert check_text_index(raw) is None
            plan = " ".join(
                str(row[-1]) for row in session.connection().exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT card_id FROM cardstate WHERE profile_id = 1 AND due_day <= '2026-03-01'"
                )
            )
            assert "ix_cardstate_due" in plan

    def test_a_failed_big_import_adds_nothing_and_keeps_every_index(self, store, make_deck, monkeypatch) -> None:
        monkeypatch.setattr(repo, "_BULK_ROWS", 20)
        before = _indexes(store)
        with store.session() as session:
            repo.sync_deck(session=session, deck=make_deck(60), now=LATER)
            session.rollback()
        assert _indexes(store) == before
        with store.session() as session:
            assert session.exec(select(func.count()).select_from(Card)).one() == 0

    def test_a_deck_smaller_than_the_collection_is_written_into_the_indexes_in_place(
        self, store, make_deck, import_deck, monkeypatch
    ) -> None:
        """Rebuilding the indexes of a big collection for a smaller deck would cost more than it saves."""
        import_deck(store, make_deck(60))
        monkeypatch.setattr(repo, "_BULK_ROWS", 20)
        dropped = self._dropped(store)
        assert _sync(store, make_deck(30, deck_id="other", title="Other")).added == 30
        assert dropped == []

    def test_a_big_new_edition_moves_the_old_cards_through_the_indexes_then_adds_the_new_ones(
        self, store, make_deck, import_deck, monkeypatch
    ) -> None:
        """60 new cards ahead of 30 stored ones: the 30 are moved (found by index, before any
        index is dropped), the 60 added in bulk, and every state holds its card's new place."""
        old = make_deck(30)
        import_deck(store, old)
        monkeypatch.setattr(repo, "_BULK_ROWS", 20)
        before = _indexes(store)
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda conn, cursor, statement, *args: statements.append(statement))
        new = make_deck(90).cards[30:]
        edition = dataclasses.replace(old, cards=(*new, *old.cards))
        assert _sync(store, edition) == repo.SyncReport(added=60, updated=30, retired=0, unchanged=0)
        first_drop = next(i for i, statement in enumerate(statements) if statement.startswith("DROP INDEX"))
        moves = [i for i, statement in enumerate(statements) if statement.startswith("UPDATE cardstate SET position")]
        assert moves and max(moves) < first_drop
        assert _indexes(store) == before
        with store.session() as session:
            positions = dict(session.exec(select(CardState.card_id, CardState.position)).all())
        assert positions == {card.id: i for i, card in enumerate(edition.cards)}

    def test_a_caller_that_commits_after_a_failed_big_import_still_has_every_index(
        self, store, make_deck, monkeypatch
    ) -> None:
        """The indexes are made again before the error leaves sync_deck, whatever the caller does next."""
        monkeypatch.setattr(repo, "_BULK_ROWS", 20)
        before = _indexes(store)

        def broken(dialect):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(repo, "_insert_new_state", broken)
        with store.session() as session:
            with pytest.raises(RuntimeError, match="disk on fire"):
                repo.sync_deck(session=session, deck=make_deck(60), now=LATER)
            session.commit()  # a careless caller
        assert _indexes(store) == before
