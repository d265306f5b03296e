"""Time the review feedback with its body map: the map must never hold back the feedback's paint.

Run: `.venv/bin/python bench/bench_feedback_map.py [--runs N]`. Two parts:

1. In tmux, as a student sees it (`trainer review` on a temporary database, the pane polled as in
   bench_launch.py): each run types a wrong root and times, from the moment Enter is sent, until
   the feedback is on the pane ("Not recorded yet") and until the map beside it names both zones
   ("your answer"). Cases: a typed-root card at 120x40 (the map shown on every feedback) and a
   map-zone card at 80x24 and 120x40 (the map is the question).
2. In a headless app (Pilot), the map work on the answer path: `MapPanel.show_answer` (the only
   map work before the feedback's frame: it decides whether the column shows and sets a timer)
   and the map's own drawing (`BodyMap._build`) in the review's column.
The map file is loaded once per process, when first needed; the first answer of each run of the
app includes that load (reported apart). A shared two-core machine: read the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from trainer.clock import FixedClock
from trainer.content.cards import Card, CardKind, CompiledDeck
from trainer.content.generate import load_compiled_deck
from trainer.content.map_cards import compile_map_deck
from trainer.paths import builtin_deck_path
from trainer.store import repo
from trainer.store.db import open_store, resolve_db_url
from trainer.study.atlas import builtin_bodymap
from trainer.study.settings import set_setting

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def _deck(kind: str, runs: int) -> CompiledDeck:
    """`runs` cards of one kind that name a root with a zone, with no two siblings."""
    if kind == "typed":
        source = load_compiled_deck(builtin_deck_path())
        cards = [c for c in source.cards if c.kind == CardKind.TYPED_ROOT and c.answer_root in builtin_bodymap().roots()]
    else:
        source = compile_map_deck(builtin_bodymap())
        cards = [c for c in source.cards if c.kind == CardKind.MAP_ZONE]
    picked, seen = [], set()
    for card in cards:
        if card.fact_key not in seen:
            picked.append(card)
            seen.add(card.fact_key)
    return CompiledDeck(info=source.info, cards=tuple(picked[:runs]))


def _database(deck: CompiledDeck, folder: Path) -> Path:
    """A database where only `deck`'s cards are studied, in deck order.

    The built-in decks are imported first (so `trainer review` finds them current and imports
    nothing); every card outside `deck` is then retired or suspended.
    """
    from sqlmodel import select

    from trainer.store.models import CardState
    from trainer.study.decks import ensure_builtin_deck

    path = folder / f"{deck.info.id}-{len(list(folder.iterdir()))}.db"
    store = open_store(resolve_db_url(str(path)))
    try:
        ensure_builtin_deck(store, now=NOW)
        wanted = {c.id for c in deck.cards}
        with store.session() as session:
            repo.sync_deck(session=session, deck=deck, now=NOW)
            for card_id in session.exec(select(CardState.card_id)).all():
                if card_id not in wanted:
                    repo.set_suspended(session, profile_id=1, card_id=card_id, suspended=True)
            set_setting(session, "new_order", "deck")
            set_setting(session, "new_per_day", "100")
            session.commit()
    finally:
        store.close()
    return path


def _wrong_root(card: Card) -> str:
    """A root with a zone that the card does not accept (so the feedback shows a confusion)."""
    return next(r for r in ("T6", "C5", "L2") if r not in card.accepted and r != card.answer_root)


def _tmux_run(kind: str, size: tuple[int, int], runs: int, folder: Path) -> dict[str, list[float]]:
    """Answer `runs` cards wrong in `trainer review` under tmux; Enter -> feedback and -> map, in ms."""
    import bench_launch as tmux  # the pane helpers and the private tmux server of bench_launch.py

    deck = _deck(kind, runs)
    db = _database(deck, folder)
    session = f"feedback-map-{kind}-{size[0]}"
    times: dict[str, list[float]] = {"Enter -> feedback on the pane": [], "Enter -> map on the pane": [], "first map (file load)": []}
    command = f"env TRAINER_DB={db} TERM=xterm-256color {tmux.TRAINER} review"
    tmux._tmux("new-session", "-d", "-s", session, "-x", str(size[0]), "-y", str(size[1]), command)
    try:
        for index, card in enumerate(deck.cards[:runs]):
            wrong = _wrong_root(card)
            tmux._wait_for(session, "understood as: …", time.perf_counter())
            tmux._tmux("send-keys", "-t", session, "-l", wrong)
            tmux._wait_for(session, f"understood as: {wrong}", time.perf_counter())
            sent = time.perf_counter()
            tmux._tmux("send-keys", "-t", session, "Enter")
            feedback = tmux._wait_for(session, "Not recorded yet", sent, tmux.KEY_POLL_S) * 1000
            drawn = tmux._wait_for(session, "your answer", sent, tmux.KEY_POLL_S) * 1000
            times["Enter -> feedback on the pane"].append(feedback)
            times["first map (file load)" if index == 0 else "Enter -> map on the pane"].append(drawn)
            tmux._tmux("send-keys", "-t", session, "Enter")
            tmux._wait_for(session, "Recorded grade", time.perf_counter())
    finally:
        tmux._kill(session)
    return times


async def _costs(kind: str, size: tuple[int, int], runs: int, folder: Path) -> dict[str, list[float]]:
    """The map work on the answer path, in a headless app: show_answer and the drawing, in ms."""
    from trainer.tui.app import make_app
    from trainer.tui.widgets.body_map import BodyMap
    from trainer.tui.widgets.map_answer import MapPanel

    deck = _deck(kind, runs)
    db = _database(deck, folder)
    clock = FixedClock(NOW, tz=ZoneInfo("Europe/London"))
    app = make_app(str(db), clock=clock, cursor_blink=False, deck_ids=[deck.info.id], import_builtin=False)
    times: dict[str, list[float]] = {"show_answer (before the frame)": [], "map drawing (after it)": []}
    real_show, real_build = MapPanel.show_answer, BodyMap._build

    def show_answer(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        real_show(self, *args, **kwargs)
        times["show_answer (before the frame)"].append((time.perf_counter() - start) * 1000)

    def build(self):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        lines = real_build(self)
        if any("answer" in h.label for h in self.figure.highlights):
            times["map drawing (after it)"].append((time.perf_counter() - start) * 1000)
        return lines

    MapPanel.show_answer, BodyMap._build = show_answer, build  # type: ignore[method-assign]
    try:
        async with app.run_test(size=size) as pilot:
            for _ in range(8):
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.press("enter")
            for card in deck.cards[:runs]:
                for _ in range(4):
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                await pilot.press(*_wrong_root(card), "enter")
                for _ in range(4):
                    await app.workers.wait_for_complete()
                    await pilot.pause(0.05)
                await pilot.press("enter")  # record; the next card
    finally:
        MapPanel.show_answer, BodyMap._build = real_show, real_build  # type: ignore[method-assign]
    return times


def main() -> None:
    """Run every case and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12, help="answers per case (default 12)")
    args = parser.parse_args()
    builtin_bodymap()
    with tempfile.TemporaryDirectory(prefix="bench-feedback-map-") as folder:
        for kind, size in (("typed", (120, 40)), ("map", (80, 24)), ("map", (120, 40))):
            times = _tmux_run(kind, size, args.runs, Path(folder))
            times.update(asyncio.run(_costs(kind, size, args.runs, Path(folder))))
            print(f"\n{kind} card at {size[0]}x{size[1]}")
            for name, samples in times.items():
                if samples:
                    samples.sort()
                    print(
                        f"  {name:<32} median {statistics.median(samples):7.2f} ms   "
                        f"min {samples[0]:7.2f}   max {samples[-1]:7.2f}   (n={len(samples)})"
                    )


if __name__ == "__main__":
    main()
