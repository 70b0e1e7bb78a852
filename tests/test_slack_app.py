"""The Slack app end to end: the real bolt app on a local port, signed requests in Slack's
payload shapes, and a fake Slack Web API that records what the bot sent."""

import asyncio
import json
import logging
import socket
import time
from datetime import timedelta

import pytest

from bot.clock import fixed_clock
from bot.slack.blocks import feedback_value
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import SECRET, TOKEN, Harness, ServeProcess

NOW = vegas("2023-11-28T10:00")


@pytest.fixture
async def slack(sample_db):
    harness = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    yield harness
    await harness.stop()


def texts(calls) -> str:
    return "\n".join(str(c.params.get("text", "")) for c in calls)


async def test_url_verification_echoes_the_challenge(slack):
    body = json.dumps(
        {
            "token": "legacy",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    status, text = await slack.post(body, slack.headers(body))
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in text


async def test_a_dm_gets_an_answer_in_the_dm_in_the_askers_time(slack):
    slack.fake.users["U000ALICE"] = {"tz": "Asia/Seoul"}
    status, _ = await slack.dm("where is lunch today?")
    assert status == 200
    (call,) = await slack.fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "D000ALICE"
    assert "11:00 AM" in call.params["text"] and "KST" in call.params["text"]  # plain-text fallback
    section = call.params["blocks"][0]["text"]["text"]
    assert (
        "<!date^" in section and "11:00 AM - 2:00 PM PST" in section
    )  # each reader's own time, and the event's
    action_ids = [
        e["action_id"]
        for b in call.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert action_ids[-3:] == ["feedback_up", "feedback_down", "ask_human"]
    assert slack.fake.of("users.info")[0].params["user"] == "U000ALICE"


async def test_a_mention_is_answered_in_a_thread(slack):
    event = {
        "type": "app_mention",
        "user": "U000BOB",
        "text": "<@UBOT0001> when is werner's keynote?",
        "ts": "1700000001.000200",
        "channel": "C000GENERAL",
        "event_ts": "1700000001.000200",
    }
    await slack.send_event(event)
    (call,) = await slack.fake.wait_for("chat.postMessage")
    assert (
        call.params["channel"] == "C000GENERAL" and call.params["thread_ts"] == "1700000001.000200"
    )
    assert "Werner Vogels" in call.params["text"]


async def test_bots_edits_and_our_own_messages_are_ignored(slack):
    await slack.send_event(
        {
            "type": "message",
            "channel": "D000ALICE",
            "channel_type": "im",
            "bot_id": "BBOT0001",
            "text": "lunch?",
            "ts": "1.1",
        }
    )
    await slack.send_event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": "D000ALICE",
            "channel_type": "im",
            "message": {"text": "lunch?"},
            "ts": "1.2",
        }
    )
    await slack.send_event(
        {
            "type": "message",
            "channel": "C000GENERAL",
            "channel_type": "channel",
            "user": "U000ALICE",
            "text": "lunch?",
            "ts": "1.3",
        }
    )
    await slack.dm("coffee?")  # the one real question
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_a_retried_or_duplicated_delivery_answers_once(slack):
    await slack.dm("where is lunch?", event_id="Ev000RETRY")
    await slack.dm("where is lunch?", event_id="Ev000RETRY", retry=1)
    await slack.dm("where is lunch?", event_id="Ev000RETRY", retry=2)
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_the_slash_command_answers_privately_unless_public(slack):
    status, body = await slack.command("where do I get my hoodie")
    assert status == 200 and body == ""  # acknowledged at once, work after
    (private,) = await slack.fake.wait_for("chat.postEphemeral")
    assert private.params["user"] == "U000ALICE" and "hoodie" in private.params["text"]
    assert not slack.fake.of("chat.postMessage")
    await slack.command("public when is re:Play")
    (shared,) = await slack.fake.wait_for("chat.postMessage")
    assert shared.params["channel"] == "C000GENERAL" and "re:Play" in shared.params["text"]
    await slack.command("help", command="/reinvent")  # whatever the manifest names it
    calls = await slack.fake.wait_for("chat.postEphemeral", 2)
    assert "/conf <question>" in calls[1].params["text"]


async def test_the_command_falls_back_to_response_url_where_the_bot_is_not_a_member(slack):
    slack.fake.not_in_channel.add("C000PRIVATE")
    await slack.command("lunch?", channel="C000PRIVATE")
    (call,) = await slack.fake.wait_for("response_url")
    assert call.params["response_type"] == "ephemeral" and "Lunch" in call.params["text"]


async def test_app_home_shows_today_and_common_questions(slack):
    await slack.send_event(
        {
            "type": "app_home_opened",
            "user": "U000ALICE",
            "channel": "D000ALICE",
            "tab": "home",
            "event_ts": "1.5",
        }
    )
    (call,) = await slack.fake.wait_for("views.publish")
    view = call.params["view"]
    assert call.params["user_id"] == "U000ALICE" and view["type"] == "home"
    shown = json.dumps(view)
    assert "AWS re:Invent 2023" in shown and "Next keynote" in shown and "Swami" in shown
    assert "ask_example_0" in shown


async def test_buttons_record_feedback_and_reach_a_human(slack, sample_db):
    value = feedback_value("is there a prayer room?", "unknown")
    await slack.action("feedback_down", value)
    await slack.fake.wait_for("chat.postEphemeral")
    assert sample_db.feedback_counts() == {"down": 1}
    await slack.action("ask_human", value)
    (help_post,) = await slack.fake.wait_for("chat.postMessage")
    assert help_post.params["channel"] == "CHELP0001" and "prayer room" in help_post.params["text"]
    assert "<@U000ALICE>" in help_post.params["text"]
    told = await slack.fake.wait_for("chat.postEphemeral", 2)
    assert "Their answer will come to you in a DM from me" in told[1].params["text"]


async def test_a_common_question_button_in_app_home_answers_in_the_dm(slack):
    await slack.action("ask_example_3", "How do I get to re:Play?", channel=None)
    (call,) = await slack.fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "U000ALICE" and "re:Play" in call.params["text"]


@pytest.mark.parametrize("forgery", ["wrong secret", "stale", "unsigned"])
async def test_forged_stale_and_unsigned_requests_get_401_and_change_nothing(
    slack, sample_db, forgery
):
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": "EvFORGED",
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": "D1",
                "user": "U1",
                "text": "lunch",
                "ts": "1.1",
            },
        }
    )
    if forgery == "wrong secret":
        headers = slack.headers(body, secret="0" * 32)
    elif forgery == "stale":
        headers = slack.headers(body, timestamp=int(time.time()) - 6 * 60)
    else:
        headers = {"Content-Type": "application/json"}
    status, _ = await slack.post(body, headers)
    assert status == 401
    await asyncio.sleep(0.2)
    assert not slack.fake.of("chat.postMessage")
    assert sample_db.first_delivery("EvFORGED")  # never recorded as handled


async def test_a_429_storm_is_ridden_out_honouring_retry_after(slack):
    slack.fake.fail("chat.postMessage", 429, times=2, retry_after=1)
    started = time.monotonic()
    await slack.dm("where is lunch?")
    calls = await slack.fake.wait_for("chat.postMessage", 3, timeout=15)
    assert time.monotonic() - started >= 2  # waited as told, twice
    assert len(calls) == 3 and calls[-1].params["text"] == calls[0].params["text"]


async def test_500s_are_retried(slack):
    slack.fake.fail("chat.postMessage", 500, times=1)
    await slack.dm("coffee?")
    calls = await slack.fake.wait_for("chat.postMessage", 2, timeout=15)
    assert len(calls) == 2


async def test_an_unreachable_web_api_is_logged_and_answers_resume(sample_db, caplog):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/api/"
    fake = FakeSlack()
    harness = await Harness(sample_db, fixed_clock(NOW), fake, api_url=dead).start()
    try:
        with caplog.at_level(logging.WARNING):
            status, _ = await harness.dm("where is lunch?")
            assert status == 200  # acknowledged, though Slack's API is down
            for _ in range(200):  # the client retries lost connections before giving up
                if "chat.postMessage" in caplog.text:
                    break
                await asyncio.sleep(0.05)
        assert (await harness.health())[0] == 200  # still up
        assert "chat.postMessage" in caplog.text and TOKEN not in caplog.text
        harness.services.client.base_url = await fake.start()  # Slack is back
        await harness.dm("where is lunch?")
        (call,) = await fake.wait_for("chat.postMessage")
        assert "Lunch" in call.params["text"]
    finally:
        await harness.stop()


async def test_health_reports_the_database(slack):
    status, body = await slack.health()
    assert status == 200 and body["status"] == "ok"
    assert (
        body["database"]["event"] == "AWS re:Invent 2023"
        and body["database"]["records"]["schedule"] > 0
    )


async def test_no_token_or_secret_reaches_the_logs(slack, caplog):
    with caplog.at_level(logging.DEBUG):
        await slack.dm("where is lunch?")
        await slack.command("coffee")
        await slack.fake.wait_for("chat.postEphemeral")
        logging.getLogger("bot.test").error("leak attempt %s %s", TOKEN, SECRET)
    assert TOKEN not in caplog.text and SECRET not in caplog.text


async def test_confbot_serve_runs_the_real_process(tmp_path):
    """`confbot serve` as an operator runs it: settings from the environment, HTTP on $PORT."""
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(str(tmp_path / "c.db"), fake, env={"CONFBOT_LOG_FORMAT": "json"})
    harness = await server.start()
    try:
        await harness.dm("lunch?")
        (call,) = await fake.wait_for("chat.postMessage")
        assert "Lunch" in call.params["text"] and "being served now" in call.params["text"]
    finally:
        await server.stop(harness)
        await fake.stop()
    logged = server.stderr.decode()
    assert TOKEN not in logged and SECRET not in logged
    assert all(json.loads(line) for line in logged.splitlines() if line.startswith("{"))


async def test_a_replayed_request_changes_nothing(slack, sample_db):
    """The same signed request sent again (a replay within the 5-minute window): no second
    answer, and a replayed claim gives nothing back, not even the code it gave the first time."""
    event = {
        "type": "message",
        "channel": "D000ALICE",
        "channel_type": "im",
        "user": "U000ALICE",
        "text": "lunch?",
        "ts": "1.77",
    }
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": "Ev0REPLAY1",
            "team_id": "T000TEST",
            "api_app_id": "A000TEST",
            "event": event,
        }
    )
    headers = slack.headers(body)
    assert (await slack.post(body, headers))[0] == 200
    assert (await slack.post(body, headers))[0] == 200  # the replay, byte for byte
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert len(slack.fake.of("chat.postMessage")) == 1
    sample_db.import_codes("Replay", ["RPL-0000001", "RPL-0000002"], NOW - timedelta(hours=1))
    from urllib.parse import urlencode

    form = urlencode(
        {
            "command": "/conf",
            "text": "credits",
            "user_id": "U000ALICE",
            "channel_id": "C000GENERAL",
            "team_id": "T000TEST",
            "response_url": slack.fake.response_url,
            "trigger_id": "1.2.3",
        }
    )
    headers = slack.headers(form, content_type="application/x-www-form-urlencoded")
    first = json.loads((await slack.post(form, headers))[1])["text"]
    status, again = await slack.post(form, headers)
    assert "RPL-0000001" in first and status == 200 and again == ""  # acknowledged, no more
    assert sample_db.campaign("Replay").codes_left == 1
