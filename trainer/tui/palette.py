"""The app's command palette (each screen's actions first, then Textual's) and its screenshots.

A mixin of `TrainerApp` (trainer.tui.app): the palette lists the current screen's keys by what they
do, and a screenshot goes to the Downloads folder, created when missing, with a reason when it fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

_MODE_MARKERS = {("typing",), ("esc",)}
"""Action parameters that only say which key ran the action (the same action, not a different one)."""


class PaletteAndScreenshots(App[None]):
    """The palette's entries and screenshot delivery for `TrainerApp`."""

    _screenshot_folder = "the Downloads folder"
    """Where the latest screenshot was being saved, to name it if saving fails."""

    # --- screenshots (the palette's "Screenshot") ---------------------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen in the Downloads folder, creating the folder if it is missing.

        Textual saves into `platformdirs.user_downloads_path()` and, when that folder does not
        exist (a fresh account, a server), fails with "Failed to save screenshot" and no reason.
        Its own toast says where the file went once it is saved.
        """
        if path is None:
            from platformdirs import user_downloads_path

            folder = user_downloads_path()
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self.notify(
                    f"Could not create {folder} for the screenshot: {error.strerror or error}.",
                    title="Screenshot",
                    severity="error",
                )
                return None
            path = str(folder)
        self._screenshot_folder = path
        return super().deliver_screenshot(filename, path, time_format)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        """Say why a screenshot was not saved, and where it was meant to go (Textual gives no reason)."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        error = event.exception
        reason = getattr(error, "strerror", None) or str(error)
        self.notify(
            f"Could not save the screenshot in {self._screenshot_folder}: {reason}.", title="Screenshot", severity="error"
        )

    # --- the command palette -----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: the current screen's actions first, then Textual's own.

        A key that stands for a family of actions (1-9 choose an option, 0-5 set a grade) is
        never offered as one entry: its footer binding is only the first of the family, so the
        palette would run `choose(1)` or `grade(0)` under a bare "Choose" or "Grade". A screen
        that wants such actions in the palette names each one itself (`palette_commands`).
        """
        from textual.actions import parse

        seen: set[str] = set()
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            for title, help_text, callback in extra():
                seen.add(title)
                yield SystemCommand(title, help_text, callback)
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.show or not binding.description or binding.system:
                continue
            if binding.action in ("quit", "app.quit", "command_palette"):
                continue
            _, _, parameters = parse(binding.action)
            if parameters and parameters not in _MODE_MARKERS:
                continue
            title = binding.description
            if title in seen:
                continue
            seen.add(title)
            help_text = binding.tooltip or f"Key: {binding.key_display or binding.key}"
            yield SystemCommand(title, help_text, partial(self._run_screen_action, binding.action, active.node))
        yield from super().get_system_commands(screen)

    async def _run_screen_action(self, action: str, node: Any) -> None:
        await self.run_action(action, node)
