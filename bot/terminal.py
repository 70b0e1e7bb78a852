"""Answers for a terminal: Slack's mrkdwn turned into ANSI styles, or into plain text.

The answer engine writes Slack mrkdwn (``*bold*``, ``_italics_``, ``<url|label>``), the one
format every surface starts from. A terminal shows the asterisks and angle brackets as they
are, so the console and ``confbot ask`` pass answers through here first.
"""

from __future__ import annotations

import html
import os
import re
from typing import TextIO

BOLD, BOLD_OFF = "\033[1m", "\033[22m"
ITALIC, ITALIC_OFF = "\033[3m", "\033[23m"

_ANGLE = re.compile(r"<([^<>\s][^<>]*)>")
# Slack's rule: a marker opens after the start or a non-word character and closes before the
# end or one, so snake_case, 2*3*4 and file_name_v2 stay as they are.
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_SLOT = re.compile(r"\x00(\d+)\x00")


def wants_style(stream: TextIO) -> bool:
    """ANSI styles only for a terminal, and not when NO_COLOR is set or TERM is dumb
    (the conventions other command-line tools honour)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _angle(body: str) -> str:
    """One <…> token as a person reads it: a link, a channel, a person, a date."""
    target, _, label = body.partition("|")
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return f"@{label or target[1:]}"
    if target.startswith("mailto:"):
        address = target[len("mailto:") :]
        return address if not label or label == address else f"{label} ({address})"
    if label and label != target:
        return f"{label} ({target})"
    return target


def render(text: str, *, styled: bool) -> str:
    """Slack mrkdwn -> what a terminal shows: ANSI bold and italics when ``styled``, the bare
    words otherwise; links as 'label (url)'; Slack's &lt; &gt; &amp; unescaped."""
    slots: list[str] = []

    def keep(match: re.Match) -> str:  # links out of the way of the style markers
        slots.append(_angle(match.group(1)))
        return f"\x00{len(slots) - 1}\x00"

    text = _ANGLE.sub(keep, text)
    bold, bold_off = (BOLD, BOLD_OFF) if styled else ("", "")
    italic, italic_off = (ITALIC, ITALIC_OFF) if styled else ("", "")
    text = _BOLD.sub(lambda m: f"{bold}{m.group(1)}{bold_off}", text)
    text = _ITALIC.sub(lambda m: f"{italic}{m.group(1)}{italic_off}", text)
    text = _SLOT.sub(lambda m: slots[int(m.group(1))], text)
    return html.unescape(text) if "&" in text else text
