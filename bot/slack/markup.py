"""Slack's markup, kept out of what users write.

Slack reads ``<…>`` in message text as markup: ``<!here>``, ``<!channel>`` and ``<!everyone>``
ping everyone, ``<@U…>`` pings a person, ``<#C…>`` links a channel and ``<https://x|label>``
shows a link under any label. Text a person wrote (a question relayed to the help channel,
a question shown with ``/conf public``) must reach Slack as plain text, so every post passes
it through ``escape_user_text`` first. Importing this module has no side effects.
"""

from __future__ import annotations

__all__ = ["escape_user_text"]

# Slack's rule: escape exactly these three, and nothing else (other entities show as typed).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape_user_text(text: str) -> str:
    """``text`` as Slack shows it literally: ``&``, ``<`` and ``>`` escaped, so no mention,
    channel ping, channel link or disguised link in it is live.

    Plain ``@here`` or ``@channel`` typed as words stay words: the bot posts without
    ``link_names``, so Slack does not turn them into pings.
    """
    return text.translate(_ESCAPES)
