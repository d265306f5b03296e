"""The layering of docs/architecture is enforced, not just described."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_in_pyproject_hold() -> None:
    """Pure layers import no UI or storage; the store and sessions never reach up; screens hold no SQL."""
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_pure_layers_load_without_textual_or_the_database() -> None:
    """Importing content and scheduling pulls in neither Textual nor SQLAlchemy (fast, testable, reusable)."""
    probe = (
        "import sys, trainer.content.generate, trainer.content.answers, trainer.scheduling.sm2;"
        "print(sorted(m for m in ('textual', 'sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr
