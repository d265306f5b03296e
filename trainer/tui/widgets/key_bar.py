"""The key bar at the bottom of every screen: the keys that mean something now, drawn as one line.

It shows what Textual's `Footer` shows (each shown binding's key and description, keys the screen
greys out dimmed, the command palette's key on the right) and reads the same source, the screen's
`active_bindings`, so it can never disagree with what the keys do. It differs in one way that a
student feels: `Footer` rebuilds a widget per key whenever the bindings change, and the review
screen changes them on every answer (typing -> grading -> next card), which cost 10-15 ms of
restyling per keypress on this machine before the feedback could paint. The bar is one widget
whose text is re-rendered instead. A click on a key presses it, as with `Footer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text
from textual import events
from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeyBar"]

class ShownKey(NamedTuple):
    """A key on the bar as last drawn."""

    start: int
    end: int
    """Its columns on the bar: start inclusive, end exclusive."""
    key: str
    """The key to press (the binding's first key)."""
    display: str
    description: str
    enabled: bool


class KeyBar(Widget):
    """One line of keys, docked at the bottom of its screen."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled", "key-bar--rule"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--disabled {
            text-style: dim;
        }
        & > .key-bar--rule {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._keys: list[ShownKey] = []
        self._drawn: tuple[object, ...] | None = None
        """What the latest render drew the keys from (see `_bindings_changed`)."""
        self._renders: dict[tuple[object, ...], tuple[Content, list[ShownKey], bool]] = {}
        """Each drawing so far, by keys, width and theme (see `render`)."""
        self.cut_off = False
        """True when the latest render did not fit the width (keys at the right were cut)."""

    def on_mount(self) -> None:
        """Re-render whenever the screen's bindings change (a mode change, a focus change)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # The screen signals after every focus or mode change, often several times for one key
        # press; redrawing an unchanged bar cost a few ms in each of the frames that follow it.
        if self.is_attached and screen is self.screen and self._signature() != self._drawn:
            self.refresh()

    def _signature(self) -> tuple[object, ...]:
        """What the bar shows, as comparable values: each active binding's key, action, text and state."""
        return tuple(
            (key, binding.action, binding.description, binding.show, enabled)
            for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items()
        )

    @property
    def shown(self) -> list[tuple[str, str, bool]]:
        """What the bar showed at its latest render: (key as shown, description, enabled), left to right."""
        return [(key.display, key.description, key.enabled) for key in self._keys]

    def render(self) -> Content:
        """The keys of the screen's shown bindings, one entry per action, the palette's on the right.

        A screen shows a handful of key sets (typing, grading, ...), so each drawing is kept, by
        keys, width and theme: most renders after the first few cards cost one dictionary lookup.
        """
        signature = self._signature()
        cache_key = (signature, self.size.width, self.app.theme)
        drawn = self._renders.get(cache_key)
        if drawn is None:
            if len(self._renders) > 32:
                self._renders.clear()
            text, keys, cut_off = self._draw()
            drawn = self._renders[cache_key] = (Content.from_rich_text(text, console=self.app.console), keys, cut_off)
        content, self._keys, self.cut_off = drawn
        self._drawn = signature
        return content

    def _draw(self) -> tuple[Text, list[ShownKey], bool]:
        """Draw the bar: its text, the keys where they are, and whether keys at the right were cut."""
        app = self.app
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        dim = self.get_component_rich_style("key-bar--disabled")

        def entry(key_text: str, description: str, enabled: bool) -> Text:
            piece = Text.assemble((key_text, key_style), (description, description_style))
            if not enabled:
                piece.stylize(dim)
            return piece

        text = Text(no_wrap=True, overflow="crop", end="")
        keys: list[ShownKey] = []
        palette = None
        seen: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if app.ENABLE_COMMAND_PALETTE and key == app.COMMAND_PALETTE_BINDING:
                palette = (binding, enabled)  # shown on the right whether or not the binding says show
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            display, start = app.get_key_display(binding), len(text)
            text.append_text(entry(f" {display} ", f"{binding.description} " if binding.description else "", enabled))
            keys.append(ShownKey(start, len(text), binding.key, display, binding.description, enabled))
        cut_off = len(text) > self.size.width
        if palette is not None:
            # As Footer draws it: docked right after a thin rule, one cell from the edge.
            binding, enabled = palette
            display = app.get_key_display(binding)
            piece = entry(display, f" {binding.description} ", enabled)
            gap = self.size.width - len(text) - len(piece) - 1
            if gap >= 0:
                text.append(" " * gap)
                text.append("▏", self.get_component_rich_style("key-bar--rule"))
                start = len(text)
                text.append_text(piece)
                keys.append(ShownKey(start, len(text), binding.key, display, binding.description, enabled))
        return text, keys, cut_off

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it (a greyed-out key only rings the bell)."""
        for shown in self._keys:
            if shown.start <= event.x < shown.end:
                if shown.enabled:
                    self.app.simulate_key(shown.key.split(",")[0])
                else:
                    self.app.bell()
                return
