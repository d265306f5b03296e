"""The Stats screen: charts (plotext, through Textual's textual-plotext) with every figure also as text.

Due forecast as a bar chart, reviews per day over 16 weeks as a calendar heatmap (plotext's
matrix plot: weekdays by weeks), then streak, retention, the per-root mastery table, confusions
explained by place and time studied. Each chart is followed by the same numbers in lines
(`trainer.study.stats_text`), for screen readers and for students who cannot tell colours apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from trainer.tui.literal import literal

if TYPE_CHECKING:
    from trainer.study.stats import Stats
    from trainer.tui.app import TrainerApp


def _mastery_table(stats: Stats) -> Table:
    table = Table(title="Per-root mastery", title_justify="left", box=None, pad_edge=False)
    for name, justify in (("Root", "left"), ("Cards", "right"), ("Seen", "right"), ("Mature", "right"), ("Accuracy", "right")):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for r in stats.per_root:
        accuracy = "–" if r.accuracy is None else f"{r.accuracy:.0%} of {r.reviews}"
        table.add_row(Text(r.root), str(r.cards), str(r.seen), f"{r.mature} ({r.mastery:.0%})", accuracy)
    return table


class StatsScreen(Screen[None]):
    """Progress over time, and the confusions that keep coming back."""

    BINDINGS = [
        Binding("down", "scroll('down')", "Scroll", key_display="↑↓", id="stats.scroll"),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("q,escape", "home", "Home", id="stats.home"),
    ]

    DEFAULT_CSS = """
    StatsScreen #stats-body { padding: 0 1; }
    StatsScreen PlotextPlot { height: 12; }
    StatsScreen .stats-text { margin-bottom: 1; }
    """

    @dataclass
    class Loaded(Message):
        """The worker has read the statistics."""

        stats: Stats

    def compose(self) -> ComposeResult:
        """Text summary first, then each chart with its numbers."""
        with VerticalScroll(id="stats-body"):
            yield Static(Content("Statistics: reading…").stylize("italic $text-muted"), id="stats-summary", classes="stats-text")
            yield PlotextPlot(id="stats-forecast")
            yield Static(id="stats-forecast-text", classes="stats-text", markup=False)
            yield PlotextPlot(id="stats-heatmap")
            yield Static(id="stats-heatmap-text", classes="stats-text", markup=False)
            yield Static(id="stats-roots", classes="stats-text")
            yield Static(id="stats-confusions", classes="stats-text", markup=False)
        yield Footer()

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        """Read the figures in a worker."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats", description="Reading the statistics")
    def _load(self) -> None:
        from trainer.study.review import StoreError
        from trainer.study.stats_store import load_stats

        app = self.trainer
        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            stats = load_stats(store, app.clock, profile_id=app.profile_id)
        except StoreError as error:
            app.call_from_thread(self._failed, error.message)
            return
        self.post_message(self.Loaded(stats))

    def _failed(self, message: str) -> None:
        self.query_one("#stats-summary", Static).update(literal(f"Could not read the statistics: {message}", "$text-error"))

    @on(Loaded)
    def _paint(self, message: Loaded) -> None:
        from trainer.study.stats_store import habits
        from trainer.study.stats_text import calendar_rows, forecast_lines, summary_lines

        stats = message.stats
        summary = [Content(f"Statistics on {stats.today:%A %d %B %Y}").stylize("bold $accent")]
        summary += [literal(line) for line in summary_lines(stats)]
        summary += [literal(f"Habit: {h}", "$text-warning") for h in habits(stats)[:3]]
        self.query_one("#stats-summary", Static).update(Content("\n").join(summary))

        forecast = self.query_one("#stats-forecast", PlotextPlot)
        plt = forecast.plt
        plt.clear_figure()
        plt.title("Due forecast, next 30 days")
        plt.bar([i for i in range(len(stats.forecast))], [d.count for d in stats.forecast], marker="hd")
        top = max((d.count for d in stats.forecast), default=0)
        step = max(1, -(-top // 4))
        plt.yticks(list(range(0, top + step, step)))
        plt.xticks([0, 7, 14, 21, 28], [f"{stats.forecast[i].day:%d %b}" for i in (0, 7, 14, 21, 28)])
        forecast.refresh()
        self.query_one("#stats-forecast-text", Static).update("Due forecast\n" + "\n".join(forecast_lines(stats)))

        rows = calendar_rows(stats)
        heat = self.query_one("#stats-heatmap", PlotextPlot)
        plt = heat.plt
        plt.clear_figure()
        plt.title("Reviews per day, last 16 weeks (rows Mon-Sun, weeks left to right)")
        plt.matrix_plot([[c or 0 for c in cells] for _name, cells in rows])
        plt.yticks(list(range(7)), [name for name, _cells in rows])
        heat.refresh()
        text_rows = [f"{name} " + " ".join(f"{'' if c is None else ('·' if c == 0 else c):>3}" for c in cells) for name, cells in rows]
        self.query_one("#stats-heatmap-text", Static).update(
            "Reviews per day (· = none; weeks oldest first)\n" + "\n".join(text_rows)
        )
        self.query_one("#stats-roots", Static).update(_mastery_table(stats))
        lines = ["Confusions (reviews and exams)"]
        for c in stats.confusions[:8]:
            days = stats.confusion_days.get((c.expected, c.given), 0)
            lines.append(f"• {c.explanation}" + (f"; on {days} days" if days > 1 else ""))
        if not stats.confusions:
            lines.append("none yet")
        self.query_one("#stats-confusions", Static).update("\n".join(lines))

    def action_scroll(self, direction: str) -> None:
        """Scroll the figures."""
        getattr(self.query_one("#stats-body", VerticalScroll), f"scroll_{direction}")(animate=False)

    def action_home(self) -> None:
        """Back to Home."""
        self.app.pop_screen()
