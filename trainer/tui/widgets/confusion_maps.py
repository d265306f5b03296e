"""ConfusionMaps: an exam report's confusion pairs drawn on the body map, both zones of each labelled.

"You answered L4 where L5 was expected": one map per pair (the most frequent first, up to
`LIMIT`), the given root's zone labelled "A  L4  your answer" and the expected one's "B  L5  the
answer", with a caption saying the same in words, so nothing depends on colour. Pairs whose roots
have no zone on the map (C1, a disc) are left to the report's text. The map file is read in a
worker (once per process, `trainer.study.atlas.builtin_bodymap`), after the report is on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.containers import Vertical
from textual.widgets import Static

from trainer.content.bodymap import confusion_figure
from trainer.tui.literal import literal
from trainer.tui.widgets.body_map import BodyMap

if TYPE_CHECKING:
    from trainer.content.bodymap import BodyMap as MapData

__all__ = ["LIMIT", "ConfusionMaps"]

LIMIT = 3
"""At most this many pairs get a map (the report's text lists them all)."""


class ConfusionMaps(Vertical):
    """One labelled map per confusion pair, under the report's list of confusions."""

    DEFAULT_CSS = """
    ConfusionMaps {
        height: auto;
        .confusion-caption {
            margin-top: 1;
        }
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    def __init__(self, pairs: Sequence[tuple[str, str, int]], *, id: str | None = None) -> None:  # noqa: A002
        """Maps for `pairs`: (given root, expected root, times), most frequent first."""
        super().__init__(id=id)
        self.pairs = tuple(pairs)
        self.display = bool(self.pairs)

    def on_mount(self) -> None:
        """Read the map behind the first paint of the report."""
        if self.pairs:
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="confusion-maps", description="Loading the body map")
    def _load(self) -> None:
        from trainer.content.loader import DeckError
        from trainer.study.atlas import builtin_bodymap

        try:
            bodymap = builtin_bodymap()
        except (DeckError, OSError):
            return  # the report's text names every pair; the pictures are a help, not the record
        self.app.call_from_thread(self._show, bodymap)

    def _show(self, bodymap: MapData) -> None:
        drawn = [(g, e, n) for g, e, n in self.pairs if bodymap.zones_of(g) and bodymap.zones_of(e)][:LIMIT]
        if not drawn:
            self.display = False
            return
        # Tall enough to read, never taller than the screen: the report scrolls from map to map.
        height = max(14, min(26, self.app.size.height - 6))
        widgets = []
        for given, expected, count in drawn:
            times = "once" if count == 1 else f"{count} times"
            caption = f"On the map: you answered {given} where {expected} was expected ({times}): A is {given}, B is {expected}."
            widgets.append(Static(literal(caption, "bold"), classes="confusion-caption"))
            body_map = BodyMap(bodymap, confusion_figure(given, expected), classes="confusion-map")
            body_map.styles.height = height
            widgets.append(body_map)
        self.mount_all(widgets)
