"""The one escaping rule for user-written text in anything the bot posts."""

import importlib
import re

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from bot.slack.markup import escape_user_text

LIVE = re.compile(r"<[!@#]|<https?:|<mailto:")


def test_pings_mentions_and_disguised_links_are_shown_not_live():
    for text in ["<!here>", "<!channel>", "<!everyone>", "<@U0123ABCD>", "<#C0123ABCD|general>",
                 "<https://evil.example|your bank>", "<!subteam^S123>", "<mailto:a@b.c|x>"]:  # fmt: skip
        escaped = escape_user_text(text)
        assert "<" not in escaped and ">" not in escaped
        assert escaped.replace("&lt;", "<").replace("&gt;", ">") == text


def test_only_the_three_characters_change():
    assert escape_user_text("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape_user_text("&amp;") == "&amp;amp;"  # shown as typed, not as '&'
    assert (
        escape_user_text("*bold* _it_ `code` 점심 🍕 @here") == "*bold* _it_ `code` 점심 🍕 @here"
    )


@seed(20231203)
@settings(max_examples=500)
@given(st.text())
def test_nothing_escaped_is_live_and_slack_shows_what_was_typed(text):
    escaped = escape_user_text(text)
    assert not LIVE.search(escaped) and "<" not in escaped and ">" not in escaped
    unescaped = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == text


def test_importing_it_has_no_side_effects():
    import logging

    before = (logging.getLogRecordFactory(), list(logging.getLogger().handlers))
    importlib.reload(importlib.import_module("bot.slack.markup"))
    assert (logging.getLogRecordFactory(), list(logging.getLogger().handlers)) == before
