"""The statistics as plain lines: `trainer stats` prints them, and the Stats screen shows them beside
each chart, so every figure can be read by a screen reader and without telling colours apart."""

from __future__ import annotations

from datetime import timedelta

from trainer.study.stats import Stats

__all__ = ["calendar_rows", "forecast_lines", "stats_lines", "summary_lines"]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60:02d} s"


def summary_lines(stats: Stats) -> list[str]:
    """Due today, streak, retention, time studied."""
    period = f"last {stats.period_days} days" if stats.period_days else "all history"
    mp, mn = stats.retention_mature_counts
    yp, yn = stats.retention_young_counts
    return [
        f"Due today        {stats.due_today}",
        f"Streak           {stats.streak_days} day{'s' if stats.streak_days != 1 else ''}",
        f"Retention        mature {_pct(stats.retention_mature)} ({mp}/{mn}) · young {_pct(stats.retention_young)} ({yp}/{yn})  [{period}]",
        f"Time studied     {_duration(stats.time_studied_s)} over {stats.reviews_total} answers  [{period}]",
    ]


def forecast_lines(stats: Stats) -> list[str]:
    """The due forecast: the next 7 days one by one, then the rest by week."""
    days = stats.forecast
    lines = [f"  {d.day:%a %d %b}  {d.count}" + ("  (today, overdue included)" if i == 0 else "") for i, d in enumerate(days[:7])]
    for start in range(7, len(days), 7):
        chunk = days[start : start + 7]
        lines.append(f"  {chunk[0].day:%d %b}–{chunk[-1].day:%d %b}  {sum(d.count for d in chunk)}")
    return lines


def calendar_rows(stats: Stats) -> list[tuple[str, list[int | None]]]:
    """Reviews per day as a calendar: one row per weekday (Mon..Sun), one column per week, oldest first.

    Days after today, or before the 16 weeks, are None.
    """
    first = stats.reviews_by_day[0].day
    start = first - timedelta(days=first.weekday())
    counts = {d.day: d.count for d in stats.reviews_by_day}
    weeks = (stats.today - start).days // 7 + 1
    rows = []
    for weekday in range(7):
        name = (start + timedelta(days=weekday)).strftime("%a")
        cells = [counts.get(start + timedelta(days=7 * w + weekday)) for w in range(weeks)]
        rows.append((name, cells))
    return rows


def stats_lines(stats: Stats) -> list[str]:
    """Every figure, as `trainer stats` prints it."""
    lines = [f"Statistics on {stats.today.isoformat()}", *summary_lines(stats), "", "Due forecast (next 30 days)"]
    lines += forecast_lines(stats)
    lines += ["", "Reviews per day, last 16 weeks (weeks left to right, oldest first; · = no answers)"]
    first = stats.reviews_by_day[0].day
    monday = first - timedelta(days=first.weekday())
    lines.append(f"  weeks from {monday:%d %b %Y}")
    for name, cells in calendar_rows(stats):
        lines.append(f"  {name} " + " ".join(f"{'' if c is None else ('·' if c == 0 else c):>3}" for c in cells))
    lines += ["", "Per root: cards, seen, mature, accuracy of answers"]
    for r in stats.per_root:
        accuracy = "–" if r.accuracy is None else f"{r.accuracy:.0%} of {r.reviews}"
        lines.append(f"  {r.root:<4} {r.cards:>4} cards  {r.seen:>4} seen  {r.mature:>4} mature ({r.mastery:.0%})  {accuracy}")
    lines += ["", "Confusions (reviews and exams)"]
    if not stats.confusions:
        lines.append("  none")
    for c in stats.confusions[:10]:
        days = stats.confusion_days.get((c.expected, c.given), 0)
        lines.append(f"  {c.explanation}" + (f"; on {days} days" if days > 1 else ""))
    return lines
