"""Turning deck text into something safe to paint, character for character.

Deck files are written by instructors and imported from anywhere, so a prompt may contain Textual
markup (`[bold]`, `[/]`, `[link=x]`), ANSI escape sequences or other control characters. The screens
never interpret any of it: they build `Content` objects from plain strings, and this module first
swaps control characters for visible stand-ins, because a raw ESC written to the terminal could
move the cursor or recolour the screen.
"""

from __future__ import annotations

import unicodedata

from textual.content import Content

_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
"""Unicode "control pictures" (U+2400..U+241F) for the C0 controls, so ESC shows as ␛."""


def display_text(text: str) -> str:
    """The text with every control character replaced by a visible stand-in.

    Newlines are kept (prompts may have paragraphs) and tabs become a space. ESC becomes ␛,
    other C0 controls their control picture, DEL ␡, and C1 controls the replacement character.
    Invisible format characters (right-to-left and left-to-right marks, bidi overrides and
    isolates, zero-width spaces, soft hyphens, byte-order marks) are dropped: a terminal cannot
    apply them, and showing each as "�" would litter right-to-left text with junk. ZWJ and
    VS16 stay, for emoji sequences.

    Args:
        text: Untrusted text from a deck or the database.

    Returns:
        Text that is safe to paint and shows what was there.
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif code < 0x20:
            out.append(_C0_PICTURES[code])
        elif code == 0x7F:
            out.append("\u2421")
        elif 0x80 <= code <= 0x9F:
            out.append("\ufffd")
        elif unicodedata.category(ch) == "Cf" and ch not in "\u200d\ufe0f":
            # Keep ZWJ and VS16 (emoji sequences); drop bidi marks and other invisible formatting.
            continue
        else:
            out.append(ch)
    return "".join(out)


def literal(text: str, style: str = "") -> Content:
    """A `Content` that shows `text` literally (no markup), with an optional style.

    Args:
        text: Untrusted text.
        style: A Textual style string applied to all of it, e.g. "bold" or "$success".

    Returns:
        Content to hand to a `Static` or `Label`.
    """
    content = Content(display_text(text))
    return content.stylize(style) if style else content
