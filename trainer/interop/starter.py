"""`trainer deck new NAME`: a valid, commented starter deck showing each kind of item.

The template (`starter.toml` beside this module) holds a source, a dermatome fact, a typed card,
a choice card and a reveal card; its facts come from the built-in deck's references.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path


class StarterExists(Exception):
    """The target file exists; nothing was written."""


def starter_text(name: str, *, filename: str) -> str:
    """The starter deck for `name` (title as given; id a slug of it), mentioning `filename` in its help."""
    deck_id = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "my-deck"
    title = name.replace("\\", "").replace('"', "'").strip() or deck_id
    template = (files("trainer.interop") / "starter.toml").read_text(encoding="utf-8")
    return template.replace("{deck_id}", deck_id).replace("{title}", title).replace("{filename}", filename)


def write_starter(name: str, output: Path | None = None) -> Path:
    """Write the starter deck to `output` (default: NAME.toml here); never over an existing file.

    Raises:
        StarterExists: The file already exists.
        OSError: It cannot be written.
    """
    path = Path(output) if output is not None else Path(f"{name}.toml")
    text = starter_text(name, filename=str(path))
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists, atomically
            handle.write(text)
    except FileExistsError:
        raise StarterExists(f"{path} already exists; choose another name or --output (nothing was written)") from None
    return path
