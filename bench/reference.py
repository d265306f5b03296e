"""How fast the shared machine is right now: a fixed workload that runs no trainer code.

The machine's speed varies up to twofold from hour to hour, and the load average does not show it
(another tenant's work does). The benches print this figure at the start and the end of a sitting,
so that figures from two sittings, or a figure and its target, are read against the machine's
speed at the time.
"""

from __future__ import annotations

import json
import statistics
import time


def cpu_reference_ms(runs: int = 5) -> float:
    """Median milliseconds of a fixed workload (no trainer code): how fast the machine is now."""
    import hashlib
    import sqlite3

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = []
        for i in range(35_000):
            row = {"id": f"card-{i}", "prompt": f"Question {i}: which root supplies landmark {i}?", "tags": ["bench"]}
            text = json.dumps(row, sort_keys=True)
            rows.append((row["id"], text, hashlib.sha256(text.encode()).hexdigest()))
        connection = sqlite3.connect(":memory:")
        connection.execute("CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT, hash TEXT)")
        connection.execute("CREATE INDEX t_hash ON t (hash)")
        connection.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        connection.commit()
        connection.close()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
