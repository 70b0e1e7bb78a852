"""No live markup from users, anywhere the bot posts: pings (<!here>, <!channel>,
<!everyone>), mentions (<@U…>), channel links (<#C…>) and disguised links (<https://x|label>)
that a person typed reach Slack escaped. Ask a human is one post per question and at most one
a minute per person."""

import asyncio
import itertools
import json
import re
from datetime import time

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.clock import fixed_clock
from bot.slack.blocks import feedback_value
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness

NOW = vegas("2023-11-28T10:00")
LIVE = re.compile(r"<(?:[!@#]|https?:|mailto:)[^>]*>", re.I)
# What the bot writes itself: the asker's and the organizer's mentions and the channels' links
# from Slack's own payload, the <!date^…> tokens of its time formatter, and the link to where
# a question was asked (from chat.getPermalink).
BOT_WRITTEN = re.compile(
    r"<@U\d{3}[A-Z]+\d*>|<#(?:CHELP0001|C000GENERAL)>|<!date\^\d+\^\{time\}\|[^<>|]*>"
    r"|<https://test\.slack\.com/archives/C000GENERAL/p\d+\|the message>"
)
INJECTIONS = st.sampled_from(
    [
        "<!here>", "<!channel>", "<!everyone>", "<!subteam^S0123|team>", "<@U0EVIL01>",
        "<@W0EVIL02|boss>", "<#C0EVIL03|general>", "<https://evil.example|your bank>",
        "<http://evil.example>", "<mailto:x@evil.example|support>", "<!date^1700000000^{date}|x>",
        "&lt;!here&gt;", "<", ">", "&", "|", "lunch", "where is", "keynote", "점심", "\n",
    ]
)  # fmt: skip
USER_TEXT = st.lists(st.one_of(INJECTIONS, st.text(max_size=8)), min_size=1, max_size=8).map(
    " ".join
)


def rendered(params: dict) -> list[str]:
    """Every string Slack renders as mrkdwn in a message or view: its text and the mrkdwn
    text objects of its blocks (plain_text is shown as typed; button values not at all)."""
    out = [str(params.get("text", ""))]

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(params.get("blocks"))
    walk(params.get("view"))
    return out


def live_markup_not_ours(fake: FakeSlack) -> list[str]:
    found = []
    for call in fake.calls:
        if call.method in {
            "chat.postMessage",
            "chat.postEphemeral",
            "response_url",
            "views.publish",
            "views.open",
            "chat.update",
        }:
            for text in rendered(call.params):
                found += [m for m in LIVE.findall(text) if not BOT_WRITTEN.fullmatch(m)]
    return found


@pytest.fixture
def sync_slack(sample_db):
    loop = asyncio.new_event_loop()
    # the digest is due at once (9:00, the clock says 10:00): it shows what people asked
    harness = Harness(sample_db, fixed_clock(NOW), FakeSlack(), digest_time=time(9, 0))
    harness = loop.run_until_complete(harness.start())
    yield loop, harness
    loop.run_until_complete(harness.stop())
    loop.close()


USERS = (f"U{n:03d}ASKER" for n in itertools.count())


@seed(20231204)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=USER_TEXT)
def test_nothing_the_bot_posts_carries_live_markup_a_user_wrote(sync_slack, text):
    loop, slack = sync_slack
    user = next(USERS)

    async def every_surface() -> None:
        slack.fake.calls.clear()
        await slack.command(f"public {text}", user=user)
        await slack.command(text, user=user)
        await slack.command(f"remind {text}", user=user)
        await slack.dm(text, user=user)
        await slack.send_event(
            {"type": "app_mention", "user": user, "text": f"<@UBOT0001> {text}", "ts": "1.1",
             "channel": "C000GENERAL"}
        )  # fmt: skip
        await slack.action("ask_human", feedback_value(text, "unknown"), user=user)
        await slack.action("ask_example_0", text, user=user, channel=None)
        await slack.action("feedback_down", feedback_value(text, "unknown"), user=user)
        await slack.services.drain(timeout=20)
        # the hand-off's loop: an organizer's reply relayed to the asker, the asker's back
        help_post = [
            c for c in slack.fake.of("chat.postMessage") if c.params["channel"] == "CHELP0001"
        ]
        if help_post:
            thread = help_post[-1].result["ts"]
            await slack.message("CHELP0001", "U000ORG", text, thread_ts=thread)
            await slack.services.drain(timeout=20)
            relayed = [
                c
                for c in slack.fake.of("chat.postMessage")
                if c.params["channel"] == f"D{user[1:]}"
            ]
            await slack.message(f"D{user[1:]}", user, text, thread_ts=relayed[-1].result["ts"])
            await slack.services.drain(timeout=20)
        await slack.dm(text, user=f"{user}2")  # someone nobody answered: in the digest
        await slack.services.drain(timeout=20)
        slack.store.db.execute("DELETE FROM digests")  # each example its own day's digest
        await slack.services.digest.tick()

    loop.run_until_complete(every_surface())
    assert slack.fake.of("chat.postMessage"), "nothing was posted: the check would be empty"
    assert live_markup_not_ours(slack.fake) == []


def test_the_relay_loop_is_exercised_by_the_property_test(sync_slack):
    """The property above only means something if its relays happen: one example, checked."""
    test_nothing_the_bot_posts_carries_live_markup_a_user_wrote.hypothesis.inner_test(
        sync_slack, text="<!channel> is there a nap room <https://evil.example|here>?"
    )
    _, slack = sync_slack
    posted = slack.fake.of("chat.postMessage")
    assert any(
        c.params["channel"] == "CHELP0001"
        and c.params.get("thread_ts")
        and "replied" in c.params["text"]
        for c in posted
    )  # the asker's reply, in the help thread
    assert any(
        c.params["channel"].startswith("D") and "answered your question" in c.params["text"]
        for c in posted
    )  # the organizer's reply, in the asker's DM
    assert any("could not answer" in c.params["text"] for c in posted)  # and the digest


@pytest.fixture
async def slack(sample_db):
    harness = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    yield harness
    await harness.stop()


async def test_conf_public_shows_the_question_in_its_blocks_escaped(slack):
    await slack.command("public <!channel> where is lunch <https://evil.example|today>?")
    (post,) = await slack.fake.wait_for("chat.postMessage")
    shown = post.params["blocks"][0]["text"]["text"]
    assert shown == (
        "<@U000ALICE> asked: &lt;!channel&gt; where is lunch &lt;https://evil.example|today&gt;?"
    )
    assert "Lunch" in json.dumps(post.params["blocks"][1:])  # and the answer after it
    assert live_markup_not_ours(slack.fake) == []


async def test_ask_a_human_25_presses_are_one_escaped_post(slack):
    value = feedback_value("<!here> is there a prayer room?", "unknown")
    for _ in range(25):
        await slack.action("ask_human", value)
    await slack.services.drain(timeout=20)
    (help_post,) = slack.fake.of("chat.postMessage")
    assert help_post.params["channel"] == "CHELP0001"
    assert "> @here is there a prayer room?" in help_post.params["text"]  # as Slack showed it
    assert "<!here>" not in help_post.params["text"]
    told = [c.params["text"] for c in slack.fake.of("chat.postEphemeral")]
    assert len(told) == 25 and sum("already passed this question" in t for t in told) == 24


async def test_ask_a_human_one_question_a_minute_per_person(sample_db):
    moment = [NOW]
    harness = await Harness(sample_db, lambda: moment[0], FakeSlack()).start()
    try:
        await harness.action("ask_human", feedback_value("is there a prayer room?", "unknown"))
        await harness.services.drain()
        await harness.action("ask_human", feedback_value("where can I nap?", "unknown"))
        await harness.services.drain()
        assert len(harness.fake.of("chat.postMessage")) == 1
        (_, wait) = [c.params["text"] for c in harness.fake.of("chat.postEphemeral")]
        assert "please wait a minute" in wait
        moment[0] = NOW.replace(minute=1, second=1)  # a minute later
        await harness.action("ask_human", feedback_value("where can I nap?", "unknown"))
        await harness.services.drain()
        assert len(harness.fake.of("chat.postMessage")) == 2
        await harness.action("ask_human", feedback_value("Is there a  PRAYER room?", "unknown"))
        await harness.services.drain()
        assert len(harness.fake.of("chat.postMessage")) == 2  # the same question, once
    finally:
        await harness.stop()
