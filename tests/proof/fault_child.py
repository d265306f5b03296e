"""A student's process under a fault that a test cannot impose on itself (run by tests/proof/test_faults.py).

    python fault_child.py FAULT ACTION URL [ARG...]

FAULT:
- `read-only`: the database's folder is read-only (the test made it 0o555). Under root, which
  ignores permissions, every capability is dropped first, so the folder's mode binds this process
  as it binds a student's (the test suite runs as root in CI).
- `full-disk`: no file may grow (RLIMIT_FSIZE 0, SIGXFSZ ignored, so a write fails with EFBIG as
  the disk's ENOSPC would). Applied once the store is open for `answer` (the disk fills up
  mid-session), before anything for `cli`.
- `none`: no fault (the same student once the disk is freed).

ACTION:
- `answer`: open the store and a session, answer the first card with grade 4; print one JSON line
  {"recorded": card id} or {"refused": the StoreError's message}.
- `cli`: run the `trainer` command line with the ARGs (`--db URL` first), as the installed script does.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import resource
import signal
import sys
from datetime import UTC, datetime

CAPSET_SYSCALL = {"x86_64": 126, "aarch64": 91}
"""capset(2)'s number on the Linux machines CI runs on."""


def drop_capabilities() -> None:
    """Give up every capability (root stays uid 0 but obeys file permissions, as a student does)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3, all zero
    if libc.syscall(CAPSET_SYSCALL[platform.machine()], ctypes.byref(header), ctypes.byref(data)) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def fill_the_disk() -> None:
    """From now on no file of this process can grow."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))


def answer(url: str, fault: str) -> dict[str, str]:
    """One answer to the first card of today's session, under `fault` once the store is open."""
    from trainer.clock import FixedClock
    from trainer.store.db import StoreError, open_store
    from trainer.study.session import open_session

    try:
        store = open_store(url)
    except StoreError as error:
        return {"refused": error.message}
    try:
        session = open_session(store, FixedClock(datetime(2026, 1, 10, 12, tzinfo=UTC)))
        card = session.next_card()
        assert card is not None
        if fault == "full-disk":
            fill_the_disk()
        try:
            session.answer(card.card.id, 4, 1500)
        except StoreError as error:
            return {"refused": error.message}
        return {"recorded": card.card.id}
    finally:
        store.close()


def main() -> None:
    """Apply the fault and run the action."""
    fault, action, url, *args = sys.argv[1:]
    if fault == "read-only" and os.geteuid() == 0:
        drop_capabilities()
    if action == "answer":
        print(json.dumps(answer(url, fault)), flush=True)
        return
    if fault == "full-disk":
        fill_the_disk()
    from trainer.launch import main as trainer

    trainer(["--db", url, *args])


if __name__ == "__main__":
    main()
