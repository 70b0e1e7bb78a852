"""Reminders through Slack: the channel post, "Remind me personally", /conf remind, the
DM request, organizer announcements, and a 429 storm during a fan-out."""

import asyncio
import json

import pytest

from bot import reminders
from bot.clock import fixed_clock
from bot.scheduler import ReminderRunner
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness

NOW = vegas("2023-11-28T12:00")


@pytest.fixture
async def slack(sample_db):
    harness = await Harness(
        sample_db,
        fixed_clock(NOW),
        FakeSlack(),
        admins=("U0000ADMIN",),
        announce_channels=("C0000NEWS",),
        post_rate=1000.0,
    ).start()
    yield harness
    await harness.stop()


async def test_a_keynote_reminder_in_the_channel(slack, sample_db):
    data = sample_db.load_event_data()
    due = next(
        d
        for d in reminders.plan(sample_db, data, ("C0000NEWS",))
        if d.item and d.item.id == "replay" and d.minutes_before == 60
    )
    slack.services.clock = fixed_clock(due.due_at)  # one clock for the runner and the message
    runner = ReminderRunner(sample_db, slack.services.clock, slack.services.reminders.post)
    assert await runner.fire(due) == {"sent": 1}
    (call,) = await slack.fake.wait_for("chat.postMessage")
    text = call.params["blocks"][0]["text"]["text"]
    assert (
        call.params["channel"] == "C0000NEWS"
        and "re:Play" in text
        and "starts in 60 minutes" in text
    )
    assert "<!date^" in text and "6:30 PM PST" in text  # the reader's own time and the event's
    assert "re:Play bus" in text and "20 to 30 minutes" in text  # how to get there
    assert "badge" in text  # the buses' notes: the badge is the ticket
    button = call.params["blocks"][1]["elements"][0]
    assert button["action_id"] == "remind_me" and button["value"] == "replay"


async def test_remind_me_personally_list_and_cancel(slack, sample_db):
    await slack.action("remind_me", "keynote-werner", user="U0000ALICE")
    (ok,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "15 minutes before *Dr. Werner Vogels keynote*" in ok.params["text"]
    (mine,) = sample_db.personal_reminders("U0000ALICE")
    await slack.command("remind list", user="U0000ALICE")
    listing = (await slack.fake.wait_for("chat.postEphemeral", 2))[1].params["text"]
    assert f"#{mine['id']}" in listing and "Werner" in listing
    await slack.command(f"remind cancel {mine['id']}", user="U0000MALLORY")  # not hers to cancel
    refused = (await slack.fake.wait_for("chat.postEphemeral", 3))[2].params["text"]
    assert "no reminder" in refused and sample_db.personal_reminders("U0000ALICE")
    await slack.command(f"remind cancel {mine['id']}", user="U0000ALICE")
    await slack.fake.wait_for("chat.postEphemeral", 4)
    assert not sample_db.personal_reminders("U0000ALICE")


async def test_remind_by_slash_command_and_by_dm(slack, sample_db):
    await slack.command("remind re:Play 30 minutes before", user="U0000BOB")
    (reply,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "30 minutes before *re:Play*" in reply.params["text"]
    await slack.dm("remind me about Werner's keynote", user="U0000BOB")
    (dm,) = await slack.fake.wait_for("chat.postMessage")
    assert "Werner" in dm.params["text"] and dm.params["channel"] == "D000ALICE"
    assert {r["item_id"] for r in sample_db.personal_reminders("U0000BOB")} == {
        "replay",
        "keynote-werner",
    }
    await slack.command("remind the moon landing", user="U0000BOB")
    assert "couldn't find" in (await slack.fake.wait_for("chat.postEphemeral", 2))[1].params["text"]


@pytest.mark.parametrize(
    ("words", "answer"),
    [
        ("announce yesterday 9am <#C0000NEWS|news> Old news", "in the past"),
        ("announce whenever <#C0000NEWS|news> Soon", "couldn't read a time"),
        ("announce tomorrow 9am Soon", "Name the channel"),
    ],
)
async def test_bad_announcement_times_get_a_clear_error(slack, sample_db, words, answer):
    await slack.command(f"admin {words}", user="U0000ADMIN")
    (reply,) = await slack.fake.wait_for("chat.postEphemeral")
    assert answer in reply.params["text"] and not sample_db.announcements()


async def test_announcements_for_admins_only(slack, sample_db):
    await slack.command(
        "admin announce tomorrow 7:45am <#C0000NEWS|news> Breakfast moved to Hall B",
        user="U0000ALICE",
    )
    (refused,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "for the organizers" in refused.params["text"] and not sample_db.announcements()
    await slack.command(
        "admin announce tomorrow 7:45am <#C0000NEWS|news> Breakfast moved to Hall B",
        user="U0000ADMIN",
    )
    (ok,) = (await slack.fake.wait_for("chat.postEphemeral", 2))[1:]
    assert "will go to <#C0000NEWS>" in ok.params["text"]
    (a,) = sample_db.announcements()
    assert a["due_at"].startswith("2023-11-29T15:45")  # 7:45 AM PST
    await slack.command("admin announcements", user="U0000ADMIN")
    assert (
        "Breakfast moved" in (await slack.fake.wait_for("chat.postEphemeral", 3))[2].params["text"]
    )
    await slack.command(f"admin announce cancel {a['id']}", user="U0000ADMIN")
    await slack.fake.wait_for("chat.postEphemeral", 4)
    assert not sample_db.announcements()


async def test_a_429_storm_during_a_fan_out_drops_nothing_and_doubles_nothing(slack, sample_db):
    users = [f"U{n:08d}" for n in range(300)]
    for u in users:
        sample_db.add_personal_reminder(u, "keynote-werner", 15, NOW)
    data = sample_db.load_event_data()
    dues = [d for d in reminders.plan(sample_db, data, ()) if d.kind == "personal"]
    slack.fake.fail("chat.postMessage", 429, times=40, retry_after=1)
    runner = ReminderRunner(
        sample_db, fixed_clock(dues[0].due_at), slack.services.reminders.post, concurrency=20
    )
    results = await asyncio.gather(*(runner.fire(d) for d in dues))
    assert sum(r.get("sent", 0) for r in results) == 300
    ok = [c for c in slack.fake.of("chat.postMessage") if c.params["channel"].startswith("U")]
    delivered = [c.params["channel"] for c in ok][-300:]
    assert sorted(delivered) == sorted(users)  # every one, once
    assert sample_db.delivery_counts() == {"sent": 300}
    assert len(slack.fake.of("chat.postMessage")) == 340  # 40 refused, then each once


async def test_app_home_shows_my_reminders(slack, sample_db):
    sample_db.add_personal_reminder("U0000ALICE", "replay", 15, NOW)
    await slack.send_event(
        {"type": "app_home_opened", "user": "U0000ALICE", "tab": "home", "event_ts": "1.1"}
    )
    (call,) = await slack.fake.wait_for("views.publish")
    assert "Your reminders" in json.dumps(call.params["view"]) and "re:Play" in json.dumps(
        call.params["view"]
    )
