"""A closed terminal: the answer on screen is recorded, and the process ends instead of lingering.

The real `trainer review` runs on a pseudo-terminal; closing the terminal's side (as closing a
window or killing a tmux session does) sends the process SIGHUP. Before the hang-up watchdog
(trainer/tui/hangup.py), the answer was recorded but Textual's shutdown blocked writing to the dead
terminal, and the process stayed behind for ever, holding the database open.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import sqlite3
import struct
import sys
import termios
import time
from pathlib import Path

TIMEOUT_S = 60.0


def _read_until(fd: int, marker: bytes, seen: bytearray) -> None:
    """Drain the terminal (the app blocks if nobody reads it) until `marker` has been written."""
    deadline = time.monotonic() + TIMEOUT_S
    while marker not in seen:
        assert time.monotonic() < deadline, f"{marker!r} never appeared; last output: {bytes(seen[-400:])!r}"
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                return


def _wait_for_exit(pid: int) -> int | None:
    # The watchdog waits up to LIMIT_S for a busy database call, then GRACE_S: a loaded CI machine
    # may need part of that; a process that never ends fails.
    from trainer.tui.hangup import GRACE_S, LIMIT_S

    deadline = time.monotonic() + LIMIT_S + GRACE_S + 10
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.1)
    return None


def test_a_closed_terminal_records_the_answer_on_screen_and_the_process_ends(tmp_path: Path) -> None:
    """Answer, see the feedback, close the terminal: one review row, and no process left behind."""
    db = tmp_path / "trainer.db"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real trainer on the pseudo-terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100x30 window
        os.environ.update({"TRAINER_DB": str(db), "TERM": "xterm-256color"})
        os.execv(sys.executable, [sys.executable, "-m", "trainer", "review"])
    seen = bytearray()
    try:
        _read_until(fd, b"done \xc2\xb7", seen)  # the progress line: the first card is on screen
        time.sleep(0.5)
        # "L4" then Enter answers a typed card; "4" picks an option; Enter reveals a recall card.
        os.write(fd, b"L4\r")
        _read_until(fd, b"Not recorded yet", seen)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    os.close(fd)  # the terminal goes away: the kernel hangs up the session
    status = _wait_for_exit(pid)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert status is not None, "the trainer was still running long after its terminal closed"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM review").fetchone() == (1,)
