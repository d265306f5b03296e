"""MapPanel: the body map beside a review card: the question's map, the cursor, and the answer's zone.

The review screen keeps one panel to the right of the card and tells it what happens:

- `ask(card)` when a card is shown. A map card's question is drawn on the map (map-zone: the zone
  highlighted, labelled "?"; map-root-or-nerve: areas A and B; map-locate: a cursor to move, which
  posts `MapCursor.Picked` on Enter). Any other card leaves the panel empty: on a wide terminal it
  keeps its column (so the feedback does not reflow when the map appears), on a small one it hides.
- `show_answer(card, given_root, correct)` when the feedback is shown: the answer's zone, or both
  zones of a confusion, each labelled ("A L4 your answer", "B L5 the answer").
- `toggle()` (the review's `m` key): show or hide the map beside the feedback.

Where it fits: a map card always shows its map (it is the question); at 80x24 the panel is
compact (36 columns for a map card, two views of 16 by 16 rows; 32 for another card's feedback). For other cards the feedback text (verdict, answer,
explanation, sources) already fills 80x24, so the map is shown there only on demand (`m`); from
`WIDE` up it is shown on every feedback, in a column of 40% of the width.

Cheap on the answer path: the map file is read once, in a worker, the first time a map is needed
(`trainer.study.atlas.builtin_bodymap`), and the feedback figure is set once the feedback has been
painted and the screen is idle again (`call_after_refresh`; a short timer was tried and could fire
before a slow frame). Drawing the map therefore never delays the verdict
(bench/bench_feedback_map.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from trainer.content.cards import MAP_KINDS, CardKind
from trainer.tui.literal import literal

if TYPE_CHECKING:
    from trainer.content.bodymap import BodyMap as MapData
    from trainer.content.cards import Card
    from trainer.tui.widgets.body_map import BodyMap
    from trainer.tui.widgets.map_cursor import MapCursor

# The map modules (trainer.content.bodymap and its pydantic schema, the raster, the widgets) are
# imported where a map is first drawn, in a worker or after a frame: importing them with the review
# screen cost ~270 ms of every launch before the first card.

__all__ = ["WIDE", "MapPanel"]

WIDE = (120, 36)
"""(columns, rows) from which the map is shown on every feedback, not only on demand. Below it the
column would narrow the card and the feedback on every answer for a figure the student did not ask
for: at 100x30 it cost 15-20 ms of layout per keypress (UI-thread CPU, key -> feedback 85 -> 70 ms
under load), against a 50 ms target."""


class MapPanel(Vertical):
    """The review's body-map column: a map card's question and every feedback's zone."""

    DEFAULT_CSS = """
    MapPanel {
        width: 40%;
        min-width: 30;
        max-width: 64;
        height: 1fr;
        padding: 0 0 0 1;
        &.-map-card {
            width: 46%;
        }
        #map-note {
            color: $text-muted;
            padding: 1 1;
        }
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's own parameter name
        super().__init__(id=id)
        self.bodymap: MapData | None = None
        """The loaded map (None until the first card that needs it)."""
        self.pinned = False
        """The student asked for the map with `m` (kept for the next feedbacks until `m` again)."""
        self._card: Card | None = None
        self._answered = False
        self._answer: tuple[str | None, bool] = (None, True)
        """(given root, correct) of the answer on screen."""
        self._pending: Callable[[], None] | None = None
        self._figure_map: BodyMap | None = None
        self._cursor: MapCursor | None = None

    def compose(self) -> ComposeResult:
        """A note; the maps are mounted once the map file is loaded."""
        yield Static(id="map-note", markup=False)

    # --- what the review screen calls --------------------------------------------------------------

    def ask(self, card: Card) -> None:
        """A new card is shown: draw its question (map cards) or keep the column empty."""
        self._card, self._answered, self._answer = card, False, (None, True)
        self._show_maps(figure=False, cursor=False)
        # The map is the question: a wider column (at 80 columns the figure is otherwise width-bound).
        self.set_class(card.kind in MAP_KINDS, "-map-card")
        if card.kind in MAP_KINDS:
            self.display = True
            self._note("Loading the body map…" if self.bodymap is None else "")
            self._when_loaded(self._ask_map)
        else:
            self.display = self._wide()
            self._note("The answer's zone is shown here after you answer.")

    def show_answer(self, card: Card, given_root: str | None, correct: bool) -> None:
        """The feedback is on screen: show the answer's zone (or both zones of a confusion) beside it.

        Whether the column shows is settled now, with the feedback's own layout; the map itself is
        drawn after that frame.
        """
        self._card, self._answered, self._answer = card, True, (given_root, correct)
        self.display = card.kind in MAP_KINDS or self._wide() or self.pinned
        if self.display:
            self.call_after_refresh(self._when_loaded, self._answer_map)

    def toggle(self) -> None:
        """Show or hide the map beside the feedback (remembered for the next feedbacks)."""
        if not self._answered or self._card is None:
            return
        self.pinned = not self.display
        self.display = self.pinned
        if self.display:
            self._note("Loading the body map…" if self.bodymap is None else "")
            self._when_loaded(self._answer_map)

    @property
    def figure_map(self) -> BodyMap | None:
        """The map showing highlights (None before the map is loaded)."""
        return self._figure_map

    @property
    def cursor_map(self) -> MapCursor | None:
        """The map with a cursor for map-locate cards (None before the map is loaded)."""
        return self._cursor

    # --- drawing -----------------------------------------------------------------------------------

    def _ask_map(self) -> None:
        card = self._card
        if card is None or self._answered or self.bodymap is None or card.kind not in MAP_KINDS:
            return
        self._note("")
        if card.kind == CardKind.MAP_LOCATE:
            assert self._cursor is not None
            self._show_maps(figure=False, cursor=True)
            self._cursor.reset_cursor()
            self._cursor.focus()
            return
        from trainer.content.map_cards import figure_of

        figure = figure_of(card, self.bodymap)
        assert self._figure_map is not None and figure is not None
        self._figure_map.show_figure(figure)
        self._show_maps(figure=True, cursor=False)

    def _answer_map(self) -> None:
        card = self._card
        if card is None or not self._answered or self.bodymap is None:
            return
        from trainer.content.map_cards import feedback_figure

        given_root, correct = self._answer
        figure = feedback_figure(card, self.bodymap, given_root, correct=correct)
        if figure is None:
            self._show_maps(figure=False, cursor=False)
            self._note("This card names no zone of the body map.")
            return
        assert self._figure_map is not None
        self._figure_map.show_figure(figure)
        self._note("")
        self._show_maps(figure=True, cursor=False)

    def _show_maps(self, *, figure: bool, cursor: bool) -> None:
        if self._figure_map is not None and self._cursor is not None:
            self._figure_map.display = figure
            self._cursor.display = cursor

    def _note(self, text: str) -> None:
        note = self.query_one("#map-note", Static)
        note.update(literal(text))
        note.display = bool(text)

    def _wide(self) -> bool:
        width, height = self.app.size
        return width >= WIDE[0] and height >= WIDE[1]

    # --- loading the map once ----------------------------------------------------------------------

    def _when_loaded(self, then: Callable[[], None]) -> None:
        """Run `then` now if the map is loaded; otherwise load it (once) and run the latest `then` after."""
        if self.bodymap is not None:
            then()
            return
        first = self._pending is None
        self._pending = then
        if first:
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="map-load", description="Loading the body map")
    def _load(self) -> None:
        from trainer.content.loader import DeckError
        # The map modules load here, in the worker, with the map file.
        import trainer.content.map_cards  # noqa: F401
        import trainer.tui.widgets.map_cursor  # noqa: F401
        from trainer.study.atlas import builtin_bodymap

        try:
            bodymap = builtin_bodymap()
        except (DeckError, OSError) as error:
            self.app.call_from_thread(self._not_loaded, f"The body map could not be loaded: {error}")
            return
        self.app.call_from_thread(self._loaded, bodymap)

    def _not_loaded(self, message: str) -> None:
        self._pending = None  # the next card that needs the map tries again
        self._note(message)

    def _loaded(self, bodymap: MapData) -> None:
        from trainer.tui.widgets.body_map import BodyMap
        from trainer.tui.widgets.map_cursor import MapCursor

        self.bodymap = bodymap
        self._figure_map = BodyMap(bodymap, id="map-figure")
        self._cursor = MapCursor(bodymap, id="map-cursor")
        self._figure_map.display = self._cursor.display = False
        self.mount(self._figure_map, self._cursor)
        then, self._pending = self._pending, None
        if then is not None:
            self.call_after_refresh(then)
