"""Slack's markup, kept out of what users write.

Slack reads ``<…>`` in message text as markup: ``<!here>``, ``<!channel>`` and ``<!everyone>``
ping everyone, ``<@U…>`` pings a person, ``<#C…>`` links a channel and ``<https://x|label>``
shows a link under any label. Text a person wrote (a question relayed to the help channel,
a question shown with ``/conf public``) must reach Slack as plain text, so every post passes
it through ``escape_user_text`` first. Importing this module has no side effects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.lang.format import escape_mrkdwn

__all__ = ["as_typed", "escape_user_text", "plain_text", "unescape"]

# The answers are written in Slack's mrkdwn, so its escaping lives with their formatting
# (bot.lang.format); here it is the name every Slack surface knows it by.
escape_user_text = escape_mrkdwn


# One piece of Slack markup in a message's text: <@U1|name>, <#C1|general>, <!here>,
# <!subteam^S1|@team>, <!date^…|fallback>, <https://x|label>, <mailto:a@b|label>.
_MARKUP = re.compile(r"<([^<>]*)>")
_LOOSE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def _readable(match: re.Match[str], names: Mapping[str, str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@"):  # a person: by the name Slack sent, or that we know, else the ID
        known = names.get(target[1:])
        return "@" + (label.lstrip("@") or (escape_user_text(known) if known else target[1:]))
    if target.startswith("#"):  # a channel
        return "#" + (label or target[1:])
    if target.startswith("!"):  # @here, @channel, a user group, a date's fallback text
        return label or "@" + target[1:].split("^")[0]
    if label and label != target:  # a link under a label: say where it really goes
        return f"{label} ({target})"
    return target


def plain_text(slack_text: str, names: Mapping[str, str] | None = None) -> str:
    """A message as Slack delivered it (with its markup, and ``&``, ``<``, ``>`` escaped), as
    text that reads the same and has nothing live: mentions and channels as @name and
    #name (``names``: user ID -> name, for mentions Slack sent without one), @here as a word,
    a link as 'label (https://…)'. Ready to post (still escaped)."""
    readable = _MARKUP.sub(lambda m: _readable(m, names or {}), slack_text)
    readable = readable.replace("<", "&lt;").replace(">", "&gt;")
    return _LOOSE_AMPERSAND.sub("&amp;", readable)


def as_typed(slack_text: str) -> str:
    """A message as a person reads it, nothing escaped: for storing (a saved answer, its
    question), and escaped again wherever it is posted."""
    return unescape(plain_text(slack_text))


def unescape(text: str) -> str:
    """Slack's three escapes undone: text as a person reads it (for the terminal, a file)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
