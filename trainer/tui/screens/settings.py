"""Settings: every setting `trainer config` knows, with its explanation, validated by the same rules.

A value is saved when Enter is pressed in its field (or the field is left); a refused value
stays in the field with the reason under it, and nothing is saved. The theme applies at once;
the daily limits and what to study apply to the next review and to Home's counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from trainer.study.settings import THEMES, describe, setting_names
from trainer.tui.literal import literal

if TYPE_CHECKING:
    from trainer.study.settings import Settings
    from trainer.tui.app import TrainerApp


class SettingsScreen(Screen[None]):
    """One field per setting."""

    DEFAULT_CSS = """
    SettingsScreen #settings-body { padding: 0 1; }
    SettingsScreen #settings-title { margin: 0 0 1 0; }
    SettingsScreen .setting-row { height: auto; }
    SettingsScreen .setting-line { height: auto; }
    SettingsScreen .setting-name { width: 16; text-style: bold; }
    SettingsScreen .setting-field { width: 24; }
    SettingsScreen Input.setting-field { width: 14; }
    SettingsScreen .setting-help { width: 1fr; padding: 0 0 0 1; color: $text-muted; }
    SettingsScreen .setting-status { height: auto; padding: 0 0 0 16; }
    SettingsScreen .setting-status { display: none; }
    SettingsScreen .setting-status.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape", "home", "Home", tooltip="Back to Home (saved settings stay saved)", id="settings.home"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._saved: dict[str, str] = {}
        self._loading = True

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """A label, a field and a status line per setting."""
        with VerticalScroll(id="settings-body", can_focus=False):
            yield Static(
                Content.assemble(("Settings", "bold $accent"), ("  Enter saves a field; Esc goes back.", "$text-muted")),
                id="settings-title",
            )
            for name in setting_names():
                with Vertical(classes="setting-row"):
                    with Horizontal(classes="setting-line"):
                        yield Static(name, classes="setting-name", markup=False)
                        if name == "theme":
                            yield Select(
                                [(theme, theme) for theme in THEMES],
                                allow_blank=False,
                                compact=True,
                                id="set-theme",
                                classes="setting-field",
                            )
                        else:
                            yield Input(id=f"set-{name}", compact=True, classes="setting-field")
                        yield Static(describe(name), classes="setting-help", markup=False)
                    yield Static(id=f"status-{name}", classes="setting-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Read the current values."""
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-read", description="Reading the settings")
    def _read(self) -> None:
        from trainer.study.review import StoreError
        from trainer.study.settings import settings_of

        app = self.trainer
        try:
            store = app.wait_store()
            assert app.profile_id is not None
            settings = settings_of(store, profile_id=app.profile_id)
        except StoreError as error:
            app.call_from_thread(self.notify, error.message, title="Settings", severity="error")
            return
        app.call_from_thread(self._fill, settings)

    def _fill(self, settings: Settings) -> None:
        from trainer.study.settings import setting_items

        for name, value, _help in setting_items(settings):
            self._saved[name] = value
            if name == "theme":
                self.query_one("#set-theme", Select).value = value
            else:
                field = self.query_one(f"#set-{name}", Input)
                field.cursor_blink = self.trainer.cursor_blink
                field.value = "" if name == "study_scope" and value == "" else value
                if name == "study_scope":
                    field.placeholder = "every deck (e.g. region:lumbosacral)"
        self._loading = False
        self.query_one(f"#set-{setting_names()[0]}", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._maybe_save(event.input)

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        self._maybe_save(event.input)

    @on(Select.Changed, "#set-theme")
    def _theme(self, event: Select.Changed) -> None:
        if not self._loading and isinstance(event.value, str) and event.value != self._saved.get("theme"):
            self.trainer.saved_theme = event.value
            self.app.theme = event.value  # at once; saved below
            self._save("theme", event.value)

    def _maybe_save(self, field: Input) -> None:
        name = (field.id or "").removeprefix("set-")
        if self._loading or not name or field.value.strip() == self._saved.get(name, "").strip():
            return
        self._save(name, field.value)

    @work(thread=True, exit_on_error=False, group="settings-save", description="Saving a setting")
    def _save(self, name: str, text: str) -> None:
        from trainer.study.review import StoreError
        from trainer.study.settings import SettingError, save_setting, setting_text

        app = self.trainer
        try:
            settings = save_setting(app.wait_store(), name, text, profile_id=app.profile_id or 1)
        except SettingError as error:
            app.call_from_thread(self._status, name, f"Not saved: {error}", "bold $text-error")
            return
        except StoreError as error:
            app.call_from_thread(self._status, name, f"Not saved: {error.message}", "bold $text-error")
            return
        value = setting_text(settings, name)
        app.call_from_thread(self._stored, name, value)

    def _stored(self, name: str, value: str) -> None:
        self._saved[name] = value
        self._status(name, f"Saved: {value or '(every deck)'}", "$text-success")

    def _status(self, name: str, text: str, style: str) -> None:
        status = self.query_one(f"#status-{name}", Static)
        status.update(literal(text, style))
        status.add_class("-shown")

    def action_home(self) -> None:
        """Back to Home."""
        self.trainer.go_home()
