"""Snapshots of the body map at 80x24 and 120x40: front and back views, one root highlighted, a confusion pair.

Updated only after looking at the pictures (`pytest tests/tui/test_map_snapshots.py --snapshot-update`).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from trainer.study.atlas import builtin_atlas
from trainer.tui.map_app import MapApp
from trainer.tui.widgets.body_map import confusion_map

from .helpers import settle

COMPACT = (80, 24)
LARGE = (120, 40)


async def _loaded(pilot: Pilot[None]) -> None:
    """Wait for the atlas worker and the first paint."""
    await settle(pilot)


class _Confusion(App[None]):
    """A feedback-like host: "you answered L4, the answer is L5"."""

    def compose(self) -> ComposeResult:
        yield confusion_map(builtin_atlas().bodymap, given="L4", expected="L5")


class TestMapSnapshots:
    """The explorer and the confusion map, at both sizes."""

    def test_explorer_l4_compact(self, snap_compare) -> None:
        """`trainer map L4` at 80x24: L4 highlighted front and back, labelled, with its facts."""
        assert snap_compare(MapApp("L4"), terminal_size=COMPACT, run_before=_loaded)

    def test_explorer_l4_large(self, snap_compare) -> None:
        """`trainer map L4` at 120x40: the larger figure."""
        assert snap_compare(MapApp("L4"), terminal_size=LARGE, run_before=_loaded)

    def test_explorer_c7_back_view_large(self, snap_compare) -> None:
        """C7 lives on the back of the hand and forearm: the back view carries the highlight and the dot."""
        assert snap_compare(MapApp("C7"), terminal_size=LARGE, run_before=_loaded)

    def test_explorer_nerve_layer_large(self, snap_compare) -> None:
        """The nerve layer: the ulnar territory beside the C8 dermatome."""
        assert snap_compare(MapApp("ulnar"), terminal_size=LARGE, run_before=_loaded)

    def test_explorer_labels_compact(self, snap_compare) -> None:
        """Labels on demand at 80x24 (colliding labels are left out, never overlapped)."""
        assert snap_compare(MapApp("T10"), terminal_size=COMPACT, press=["l"], run_before=_loaded)

    def test_confusion_pair_compact(self, snap_compare) -> None:
        """L4 answered, L5 expected: both zones, each labelled, at 80x24."""
        assert snap_compare(_Confusion(), terminal_size=COMPACT)

    def test_confusion_pair_large(self, snap_compare) -> None:
        """The same confusion at 120x40."""
        assert snap_compare(_Confusion(), terminal_size=LARGE)
