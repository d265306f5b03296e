"""Keys held while a database call is under way, replayed in order afterwards.

A mixin of `TrainerApp` (trainer.tui.app). A screen that starts a worker whose result the next keys
depend on (recording an answer, undo, suspend) calls `hold_keys()` first and `release_keys()` when
the result is on screen: a fast typist's keys then act on the next card, never on a half-changed
screen, and none is dropped. Quitting is never held.
"""

from __future__ import annotations

from textual import events

UNHELD_KEYS = frozenset({"ctrl+q", "ctrl+c"})
"""Keys never held while a database call is under way: quitting always works at once."""



class KeyHolding:
    """`hold_keys`/`release_keys` for the app (a mixin placed before `App` in the bases)."""

    _held: list[events.Key]
    _holding: int

    def hold_keys(self) -> None:
        """Hold every key (but quitting) until `release_keys`: a database call is under way and
        the keys that follow depend on its result. Held keys are never dropped."""
        self._holding += 1

    def release_keys(self) -> None:
        """Replay the held keys, in order, as if they were pressed now."""
        self._holding = max(0, self._holding - 1)
        if self._holding:
            return
        held, self._held = self._held, []
        for key in held:
            self.post_message(events.Key(key.key, key.character))

    async def on_event(self, event: events.Event) -> None:
        """Hold keys while a database call they depend on is under way (see `hold_keys`)."""
        if self._holding and isinstance(event, events.Key) and not event.is_forwarded and event.key not in UNHELD_KEYS:
            self._held.append(event)
            return
        await super().on_event(event)
