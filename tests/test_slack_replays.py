"""A captured signed request sent again within Slack's five minutes (or Slack retrying it):
a slash command or a button press has no second effect, like an event (same event_id). The
record is in SQLite, so a restart in between changes nothing."""

import asyncio
import json
from urllib.parse import urlencode

import pytest

from bot.clock import fixed_clock
from bot.slack.blocks import feedback_value
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness

NOW = vegas("2023-11-28T10:00")


@pytest.fixture
async def slack(sample_db):
    harness = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    yield harness
    await harness.stop()


def command_form(slack, text: str) -> str:
    return urlencode(
        {
            "command": "/conf", "text": text, "user_id": "U000ALICE", "channel_id": "C000GENERAL",
            "team_id": "T000TEST", "response_url": slack.fake.response_url,
            "trigger_id": "13345224609.738474920.replayed",
        }
    )  # fmt: skip


def action_form(slack, action_id: str, value: str) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": "U000ALICE"},
        "team": {"id": "T000TEST"},
        "trigger_id": f"13345224609.738474921.{action_id}",  # one press
        "response_url": slack.fake.response_url,
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C000GENERAL"},
        "channel": {"id": "C000GENERAL"},
        "actions": [{"action_id": action_id, "value": value, "action_ts": "1700000000.123456"}],
    }
    return urlencode({"payload": json.dumps(payload)})


async def send_twice(slack, form: str) -> None:
    headers = slack.headers(form, content_type="application/x-www-form-urlencoded")
    assert (await slack.post(form, headers))[0] == 200
    await slack.services.drain()
    assert (await slack.post(form, headers))[0] == 200  # byte for byte, signature and all
    await slack.services.drain()


async def test_a_replayed_conf_public_posts_once(slack):
    await send_twice(slack, command_form(slack, "public when is re:Play"))
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_a_replayed_ask_a_human_posts_once_and_says_nothing_more(slack):
    form = action_form(slack, "ask_human", feedback_value("is there a prayer room?", "unknown"))
    await send_twice(slack, form)
    assert len(slack.fake.of("chat.postMessage")) == 1
    assert len(slack.fake.of("chat.postEphemeral")) == 1  # not even "already passed on"


async def test_a_replayed_vote_and_reminder_button_count_once(slack, sample_db):
    await send_twice(slack, action_form(slack, "feedback_up", feedback_value("lunch?", "meals")))
    await send_twice(slack, action_form(slack, "remind_me", "keynote-werner"))
    assert sample_db.feedback_counts() == {"up": 1}
    assert len(slack.fake.of("chat.postEphemeral")) == 2


async def test_a_replay_after_a_restart_still_has_no_effect(sample_db):
    first = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    form = command_form(first, "public where is lunch")
    headers = first.headers(form, content_type="application/x-www-form-urlencoded")
    try:
        await first.post(form, headers)
        await first.fake.wait_for("chat.postMessage")
    finally:
        await first.stop()
    second = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    try:
        # the same command (its trigger_id); only the fake's address changed with the restart
        form = command_form(second, "public where is lunch")
        headers = second.headers(form, content_type="application/x-www-form-urlencoded")
        assert (await second.post(form, headers))[0] == 200
        await second.services.drain()
        await asyncio.sleep(0.1)
        assert not second.fake.of("chat.postMessage")
    finally:
        await second.stop()
