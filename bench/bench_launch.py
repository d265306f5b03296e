"""Launch and keypress latency of the trainer, measured in tmux as a student sees it.

Run from the repository root:

    .venv/bin/python bench/bench_launch.py [--runs 7]

For each run it starts, in a fresh tmux session of 100x30, one after another (interleaved, so a
busy spell of the shared machine hits every app alike):
  * a bare Textual app that shows one label (the baseline: Python + Textual + a terminal),
  * `trainer review` on a first run (no database file yet), until the first card's prompt is on
    screen (read from the shipped snapshot of the built-in decks, trainer/study/snapshot.py, while
    the store creates the database and imports the decks behind it); then, after "reading" the card,
    the answer key -> feedback, and Enter -> "Recorded" (which waits for that import),
  * `trainer review` on an existing database, until the first card's prompt is on screen (the
    read-only sqlite3 quick look, trainer/study/startup.py; the database layer is imported after
    the first paint); then the answer key -> feedback and Enter -> "Recorded" and the next card,
  * `trainer` (Home) on the existing database, until today's counts are on screen.
Each launch time is from the moment tmux is asked to start the command until `tmux capture-pane`
shows the expected text, polled every 10 ms; so it includes tmux's own overhead, the same for
both apps. Each keypress time is from the moment tmux is asked to send the key until the app has
written the expected text to its terminal, watched through `tmux pipe-pane` (a file read every
millisecond): polling `capture-pane` every few milliseconds starts a tmux client each time, which
on two cores steals CPU from the very app being timed (it added ~40 ms to each keypress figure).
The bare app's keypress (a key that relabels its label) is timed the same way, as the baseline.
Medians are printed, with the ratios to the bare app and the load average before and after. These
are information, not a test gate: a shared machine's wall clock varies too much for that.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
TRAINER = PYTHON.parent / "trainer"
SIZE = ("100", "30")
POLL_S = 0.010
"""Between looks at the pane. Each look starts a tmux client; polling faster steals a core from
the app being measured on a two-core machine."""
READ_S = 1.5
"""Seconds "spent reading" the first card before the answer is typed."""
SOCKET = f"bench-launch-{os.getpid()}"
"""A private tmux server, so the bench never touches anyone else's sessions."""
TIMEOUT_S = 30.0

BARE_APP = '''
from textual.app import App
from textual.widgets import Label


class Bare(App):
    BINDINGS = [("x", "seen", "")]

    def compose(self):
        yield Label("BARE-APP-READY")

    def action_seen(self):
        self.query_one(Label).update("BARE-KEY-SEEN")


Bare().run()
'''
"""The baseline: the smallest Textual app that paints something, and repaints on a key."""


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, text: str | tuple[str, ...], since: float, poll_s: float = POLL_S) -> float:
    """Seconds from `since` until `text` (or any of several texts) is on the pane (polling)."""
    texts = (text,) if isinstance(text, str) else text
    deadline = since + TIMEOUT_S
    while time.perf_counter() < deadline:
        screen = _screen(session)
        if any(t in screen for t in texts):
            return time.perf_counter() - since
        time.sleep(poll_s)
    raise TimeoutError(f"{text!r} did not appear within {TIMEOUT_S} s; the pane shows:\n{_screen(session)}")


class _Written:
    """What an app writes to its terminal from now on, copied to a file by `tmux pipe-pane`."""

    def __init__(self, session: str, path: Path) -> None:
        path.write_bytes(b"")
        self._file = path.open("rb")
        self._seen = b""
        _tmux("pipe-pane", "-t", session, "-o", f"cat >> {shlex.quote(str(path))}")

    def wait_for(self, text: str, since: float) -> float:
        """Seconds from `since` until the app has written `text` (since the previous wait)."""
        needle = text.encode()
        deadline = since + TIMEOUT_S
        while time.perf_counter() < deadline:
            self._seen += self._file.read()
            if needle in self._seen:
                self._seen = b""
                return time.perf_counter() - since
            self._seen = self._seen[-len(needle) :]  # a needle split across two reads is still found
            time.sleep(0.001)
        raise TimeoutError(f"{text!r} was not written within {TIMEOUT_S} s")

    def close(self) -> None:
        self._file.close()


def _launch(command: str, session: str, env: dict[str, str]) -> float:
    """Start `command` in a new tmux session; return the perf_counter instant just before."""
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    start = time.perf_counter()
    # A student's Python caches bytecode; a shell that sets PYTHONDONTWRITEBYTECODE (this sandbox
    # does) would make the trainer compile its ~50 modules from source at every launch (~70 ms),
    # while the bare app's Textual was compiled by pip at install time.
    _tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], f"env -u PYTHONDONTWRITEBYTECODE {exports} {command}")
    return start


def _kill(session: str) -> None:
    subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", session], capture_output=True)


def _first_card(db: Path) -> tuple[str, str, str]:
    """Create `db` as a first run does (import the built-in decks) and return the first card
    `trainer review` will show on it: (prompt marker, key, feedback marker).

    Reads it through the study layer with the system clock (the same session the app builds). A
    first run shows the same card (read from the shipped snapshot; tests/study/test_snapshot.py).
    """
    sys.path.insert(0, str(REPO))
    from trainer.clock import SystemClock
    from trainer.content.cards import CardKind
    from trainer.store.db import open_store, resolve_db_url
    from trainer.study.review import open_session, ensure_builtin_deck

    store = open_store(resolve_db_url(str(db)))
    try:
        ensure_builtin_deck(store, now=SystemClock().now())
        card = open_session(store, SystemClock()).next_card()
    finally:
        store.close()
    if card is None:
        raise SystemExit("The prepared database has nothing due: cannot measure the first card.")
    words = card.card.prompt.split()
    marker = " ".join(words[:4])[:40]
    if card.card.is_typed or card.card.kind == CardKind.MAP_ZONE:
        key = "typed"
    elif card.card.kind in (CardKind.CHOICE, CardKind.MAP_ROOT_OR_NERVE):
        key = "1"
    elif card.card.kind == CardKind.MAP_LOCATE:
        key = "Enter"  # answers where the map cursor starts
    else:
        key = "Space"
    return marker, key, "Not recorded yet"


def main() -> int:
    """Measure and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="launches of each app (default 7)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 1

    measure(args.runs)
    return 0


def measure(runs: int, *, quiet: bool = False) -> dict[str, float]:
    """Run the launches and keypresses `runs` times each, interleaved; the medians in ms (printed unless quiet)."""
    # As `pip install .` does for a student: the package's bytecode is compiled before the first launch.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(REPO / "trainer")], check=True)
    work = Path(tempfile.mkdtemp(prefix="bench-launch-"))
    bare = work / "bare_app.py"
    bare.write_text(BARE_APP)
    db = work / "bench.db"
    pristine = work / "pristine.db"
    env = {"TRAINER_DB": str(db), "TERM": os.environ.get("TERM", "xterm-256color")}

    # An idle session keeps the private server up between runs (it exits with its last session).
    _tmux("new-session", "-d", "-s", "anchor", "-x", SIZE[0], "-y", SIZE[1], "sleep 3600")
    try:
        return _measure(runs, work, bare, db, pristine, env, quiet=quiet)
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _answer(session: str, key: str, feedback: str, work: Path) -> tuple[float, float]:
    """Answer the card on screen, then press Enter: (key -> feedback ms, Enter -> "Recorded" ms)."""
    if key == "typed":
        _tmux("send-keys", "-t", session, "-l", "L4")
        _wait_for(session, "understood as: L4", time.perf_counter())
    written = _Written(session, work / f"{session}.out")
    try:
        sent = time.perf_counter()
        _tmux("send-keys", "-t", session, "Enter" if key == "typed" else key)
        key_ms = written.wait_for(feedback, sent) * 1000
        # Enter records the answer (a committed transaction) and shows the next card.
        sent = time.perf_counter()
        _tmux("send-keys", "-t", session, "Enter")
        return key_ms, written.wait_for("Recorded grade", sent) * 1000
    finally:
        written.close()


def _bare_key(session: str, work: Path) -> float:
    """The bare app's key -> its relabelled label written, in ms (the keypress baseline)."""
    written = _Written(session, work / f"{session}.out")
    try:
        sent = time.perf_counter()
        _tmux("send-keys", "-t", session, "x")
        return written.wait_for("BARE-KEY-SEEN", sent) * 1000
    finally:
        written.close()


def _measure(
    runs: int, work: Path, bare: Path, db: Path, pristine: Path, env: dict[str, str], *, quiet: bool = False
) -> dict[str, float]:
    """Launch each app `runs` times, interleaved (bare, first run, existing database, Home), and print medians."""
    tag = "bench"
    load_before = os.getloadavg()
    # The database every "existing database" run starts from (a copy, so the first card stays the same).
    marker, key, feedback = _first_card(pristine)
    fresh_db = work / "fresh" / "trainer.db"
    fresh_env = {**env, "TRAINER_DB": str(fresh_db)}

    bare_s: list[float] = []
    bare_key_ms: list[float] = []
    first_run_s: list[float] = []
    first_key_ms: list[float] = []
    first_record_ms: list[float] = []
    review_s: list[float] = []
    home_s: list[float] = []
    key_ms: list[float] = []
    record_ms: list[float] = []
    for run in range(runs):
        session = f"{tag}-bare{run}"
        try:
            bare_s.append(_wait_for(session, "BARE-APP-READY", _launch(f"{PYTHON} {bare}", session, env)))
            time.sleep(READ_S)
            bare_key_ms.append(_bare_key(session, work))
        finally:
            _kill(session)

        # A first run: no database file; it is created and the built-in decks imported behind the first card.
        session = f"{tag}-first{run}"
        shutil.rmtree(fresh_db.parent, ignore_errors=True)
        try:
            launched = _launch(f"{TRAINER} review", session, fresh_env)
            first_run_s.append(_wait_for(session, marker, launched))
            time.sleep(READ_S)
            # The answer may come while the import still runs: feedback at once, "Recorded" once it is done.
            pressed, recorded = _answer(session, key, feedback, work)
            first_key_ms.append(pressed)
            first_record_ms.append(recorded)
        finally:
            _kill(session)

        session = f"{tag}-review{run}"
        for stale in work.glob("bench.db*"):  # the database, its -wal/-shm, its daily backups folder
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
        shutil.copyfile(pristine, db)
        try:
            launched = _launch(f"{TRAINER} review", session, env)
            review_s.append(_wait_for(session, marker, launched))
            # A student reads the card before answering; by then the app's own store is open.
            time.sleep(READ_S)
            pressed, recorded = _answer(session, key, feedback, work)
            key_ms.append(pressed)
            record_ms.append(recorded)
        finally:
            _kill(session)

        session = f"{tag}-home{run}"
        try:
            home_s.append(_wait_for(session, "to repeat", _launch(f"{TRAINER}", session, env)))
        finally:
            _kill(session)

    # tmux's own cost of one look at the screen, included in every figure above.
    probe = f"{tag}-probe"
    _tmux("new-session", "-d", "-s", probe, "-x", SIZE[0], "-y", SIZE[1], "sleep 30")
    t0 = time.perf_counter()
    for _ in range(20):
        _screen(probe)
    capture_ms = (time.perf_counter() - t0) / 20 * 1000
    _kill(probe)

    med = statistics.median

    def spread(values: list[float], scale: float = 1000) -> str:
        return f"median {med(values) * scale:5.0f} ms  (min {min(values) * scale:.0f}, max {max(values) * scale:.0f})"

    load_after = os.getloadavg()
    figures = {
        "bare_textual_ms": med(bare_s) * 1000,
        "first_card_ms": med(review_s) * 1000,
        "first_run_ms": med(first_run_s) * 1000,
        "home_ms": med(home_s) * 1000,
        "keypress_feedback_ms": med(key_ms),
        "bare_keypress_ms": med(bare_key_ms),
        "enter_next_card_ms": med(record_ms),
        "first_run_keypress_feedback_ms": med(first_key_ms),
        "first_run_enter_recorded_ms": med(first_record_ms),
        "tmux_capture_ms": capture_ms,
    }
    if quiet:
        return figures
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {runs} runs each (interleaved), "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"load average (1/5/15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}")
    print(f"bare Textual app -> label visible:            {spread(bare_s)}")
    print(f"first run (no database) -> first card:        {spread(first_run_s)}")
    print(f"`trainer review` (existing db) -> first card: {spread(review_s)}")
    print(f"`trainer` (existing db) -> Home counts:       {spread(home_s)}")
    print(f"ratio first run / bare app:                   {med(first_run_s) / med(bare_s):.2f}x  (target <= 2x)")
    print(f"ratio first card / bare app:                  {med(review_s) / med(bare_s):.2f}x  "
          "(target <= 1.5x, goal 1.2x)")
    print(f"bare Textual app, key -> label rewritten:     {spread(bare_key_ms, 1)}")
    print(f"keypress ({key}) -> feedback written:           {spread(key_ms, 1)}  (target <= 50 ms)")
    print(f"Enter (record + commit) -> next card:         {spread(record_ms, 1)}")
    print(f"first run, keypress -> feedback:              {spread(first_key_ms, 1)}  (import may still run)")
    print(f"first run, Enter -> Recorded:                 {spread(first_record_ms, 1)}  (waits for the import)")
    print(f"tmux capture-pane, one poll:                  {capture_ms:.1f} ms (included in the figures)")
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
