"""Time the review feedback with its body map: the map must never hold back the feedback's paint.

Run: `.venv/bin/python bench/bench_feedback_map.py [--runs N]`. In a headless app (Textual's
Pilot) on a temporary database, each run answers a card with a wrong root and times, from the
moment the answer's Enter is sent:
- Enter -> frame with the feedback: the first frame written to the (headless) terminal in which
  the verdict is shown;
- Enter -> frame with the map: the first frame in which the map beside it shows the answer's zones;
- `MapPanel.show_answer`, the only map work done before the feedback's frame (it decides whether the
  column shows and schedules the drawing);
- the map's own drawing (`BodyMap._build`) in the review's column.
Cases: a typed-root card at 120x40 (map shown on every feedback) and a map-zone card at 80x24 and
120x40 (the map is the question). The map file is loaded once before timing (as after the first
map of a session). Frame times include Pilot's own overhead on a shared machine: read the medians.
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
from trainer.content.cards import CardKind, CompiledDeck
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
    path = folder / f"{deck.info.id}-{len(list(folder.iterdir()))}.db"
    store = open_store(resolve_db_url(str(path)))
    try:
        with store.session() as session:
            repo.sync_deck(session=session, deck=deck, now=NOW)
            set_setting(session, "new_order", "deck")
            set_setting(session, "new_per_day", "100")
            session.commit()
    finally:
        store.close()
    return path


def _wrong_root(root: str) -> str:
    return "C5" if root != "C5" else "C6"


async def _run(kind: str, size: tuple[int, int], runs: int, folder: Path) -> dict[str, list[float]]:
    from trainer.tui.app import make_app
    from trainer.tui.widgets.body_map import BodyMap
    from trainer.tui.widgets.feedback import FeedbackView
    from trainer.tui.widgets.map_answer import MapPanel

    deck = _deck(kind, runs)
    db = _database(deck, folder)
    clock = FixedClock(NOW, tz=ZoneInfo("Europe/London"))
    app = make_app(str(db), clock=clock, cursor_blink=False, deck_ids=[deck.info.id], import_builtin=False)
    times: dict[str, list[float]] = {"Enter -> feedback frame": [], "Enter -> map frame": [], "show_answer": [], "map drawing": []}
    frames: list[tuple[float, bool, bool]] = []

    real_display = app._display

    def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        real_display(screen, renderable)
        feedback = next(iter(screen.query(FeedbackView)), None)
        figure = next(iter(screen.query("#map-figure")), None)
        shown = feedback is not None and feedback.display
        drawn = figure is not None and figure.display and figure._lines is not None and any("answer" in h.label for h in figure.figure.highlights)
        frames.append((time.perf_counter(), shown, drawn))

    app._display = display  # type: ignore[method-assign]
    real_show, real_build = MapPanel.show_answer, BodyMap._build

    def show_answer(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        real_show(self, *args, **kwargs)
        times["show_answer"].append((time.perf_counter() - start) * 1000)

    def build(self):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        lines = real_build(self)
        if any("answer" in h.label for h in self.figure.highlights):
            times["map drawing"].append((time.perf_counter() - start) * 1000)
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
                await pilot.press(*_wrong_root(card.answer_root or "L4"))
                frames.clear()
                sent = time.perf_counter()
                await pilot.press("enter")
                for _ in range(20):
                    await app.workers.wait_for_complete()
                    await pilot.pause(0.01)
                    if any(drawn for _, _, drawn in frames):
                        break
                shown_at = next((t for t, shown, _ in frames if shown), None)
                drawn_at = next((t for t, _, drawn in frames if drawn), None)
                if shown_at is not None:
                    times["Enter -> feedback frame"].append((shown_at - sent) * 1000)
                if drawn_at is not None:
                    times["Enter -> map frame"].append((drawn_at - sent) * 1000)
                await pilot.press("enter")  # record; the next card
    finally:
        MapPanel.show_answer, BodyMap._build = real_show, real_build  # type: ignore[method-assign]
    return times


def main() -> None:
    """Run every case and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="answers per case (default 15)")
    args = parser.parse_args()
    builtin_bodymap()  # loaded once per process, before any feedback, as after a session's first map
    with tempfile.TemporaryDirectory(prefix="bench-feedback-map-") as folder:
        for kind, size in (("typed", (120, 40)), ("map", (80, 24)), ("map", (120, 40))):
            times = asyncio.run(_run(kind, size, args.runs, Path(folder)))
            print(f"\n{kind} card at {size[0]}x{size[1]}")
            for name, samples in times.items():
                if samples:
                    samples.sort()
                    print(
                        f"  {name:<26} median {statistics.median(samples):7.2f} ms   "
                        f"min {samples[0]:7.2f}   max {samples[-1]:7.2f}   (n={len(samples)})"
                    )


if __name__ == "__main__":
    main()
