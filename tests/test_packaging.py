"""The wheel carries the built-in decks and the stylesheet, so `pip install .` works anywhere."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO_ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("dermatome_trainer-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_builtin_decks_and_the_stylesheet(wheel: Path) -> None:
    """Decks live at the repo top for authors and inside the package once built."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "trainer/decks/dermatomes.toml" in names
    assert "trainer/decks/builtin-snapshot.json" in names  # a first run paints from it
    assert any(n.startswith("trainer/decks/examples/") and n.endswith(".toml") for n in names)
    assert "trainer/tui/app.tcss" in names


@pytest.mark.slow
def test_non_editable_install_in_a_fresh_venv_finds_the_builtin_deck(wheel: Path, tmp_path: Path) -> None:
    """Installed (not editable) and run from elsewhere, the package finds its own copy of the deck."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = "from trainer.paths import builtin_deck_path as p; print(p()); print(p().is_file())"
    run = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    path, exists = run.stdout.split()
    assert exists == "True", run.stderr
    assert str(env_dir) in path and "site-packages" in path
