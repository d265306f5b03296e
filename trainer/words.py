"""Words for counts, shared by the command line and the TUI: "1 card", "2 cards"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` followed by `noun`, in the plural unless the count is exactly one.

    Args:
        count: How many.
        noun: The singular ("card").
        plural: The plural when it is not `noun` + "s".

    Returns:
        "1 card", "0 cards", "2 cards".
    """
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"
