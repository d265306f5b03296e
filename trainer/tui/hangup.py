"""A closed terminal (SIGHUP): record what is on screen, then leave even if the terminal cannot be restored.

The app quits on SIGHUP as on Ctrl+Q, recording an answer shown on screen first. But with its terminal
gone, Textual's shutdown can block for ever writing the terminal's reset sequences to a queue whose writer
is stuck on the dead terminal: the process then stays behind, holding the database open, after every
closed terminal window. So a hang-up also starts a watchdog: once no worker is running (the answer is
committed, or refused; after a hang-up `call_from_thread` no longer waits for the screen) it gives
the normal exit a moment, then ends the process. Every answer the screen
acknowledged was committed before it said so, and SQLite keeps a commit whatever happens to the process
afterwards, so nothing acknowledged is lost.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

GRACE_S = 2.0
"""How long the normal exit gets once nothing is running any more."""

LIMIT_S = 30.0
"""The longest a hung-up process waits for a database call (a busy database's retries) to end."""

EXIT_CODE = 129
"""128 + SIGHUP, as a shell reports a process ended by a hang-up."""


def exit_when_idle(app: App[object], *, grace_s: float = GRACE_S, limit_s: float = LIMIT_S) -> None:
    """Start the watchdog (a daemon thread) that ends the process once `app` has no running worker."""

    def watch() -> None:
        started = time.monotonic()
        while time.monotonic() - started < limit_s:
            # A worker recording the answer on screen (or anything else reaching the store) is let finish.
            if not any(not worker.is_finished for worker in list(app.workers)):
                break
            time.sleep(0.05)
        time.sleep(grace_s)
        os._exit(EXIT_CODE)

    threading.Thread(target=watch, name="trainer-hangup", daemon=True).start()
