"""Sessions in Slack, end to end against the fake Web API: lists in Block Kit five at a time
with More, Remind me and Add to calendar on each; a one-session .ics in the DM that
icalendar reads back in the event's zone; App Home's My calendar; `confbot ics`."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.clock import fixed_clock
from bot.importers import load_file
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness

CATALOG = Path(__file__).resolve().parent / "data" / "reinvent2023-sessions.json"
NOW = vegas("2023-11-28T10:00")


@pytest.fixture
async def slack(sample_db):
    load_file(sample_db, CATALOG)
    harness = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    yield harness
    await harness.stop()


def actions(blocks: list[dict]) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e["value"])
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def events_in(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


async def test_a_list_shows_five_with_buttons_and_more_pages_on(slack):
    await slack.dm("sessions at the venetian on thursday")
    (call,) = await slack.fake.wait_for("chat.postMessage")
    blocks = call.params["blocks"]
    pressed = actions(blocks)
    reminds = [v for a, v in pressed if a == "remind_me"]
    calendars = [v for a, v in pressed if a == "add_to_calendar"]
    assert len(reminds) == 5 and reminds == calendars
    assert [a for a, _ in pressed][-3:] == ["feedback_up", "feedback_down", "ask_human"]
    (more,) = [v for a, v in pressed if a == "sessions_more"]
    assert json.loads(more) == {"q": "sessions at the venetian on thursday", "o": 5}
    first_page = reminds

    await slack.action("sessions_more", more, channel="D000ALICE")
    (page,) = await slack.fake.wait_for("chat.postEphemeral")
    second = [v for a, v in actions(page.params["blocks"]) if a == "remind_me"]
    assert second and not set(second) & set(first_page)
    data = slack.store.load_event_data()
    items = {i.id: i for i in data.schedule}
    days = {items[i].start.astimezone(ZoneInfo("America/Los_Angeles")).date() for i in second}
    assert {items[i].venue for i in second} == {"venetian"} and {d.day for d in days} == {30}


async def test_one_session_gets_its_buttons_and_remind_me_works(slack):
    await slack.dm("where is DOP321?")
    (call,) = await slack.fake.wait_for("chat.postMessage")
    assert "DOP321" in call.params["text"] and "Lido 3005" in call.params["text"]
    pressed = actions(call.params["blocks"])
    assert ("remind_me", "session-dop321") in pressed
    assert ("add_to_calendar", "session-dop321") in pressed
    await slack.action("remind_me", "session-dop321", channel="D000ALICE")
    (reply,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "15 minutes before *DOP321" in reply.params["text"]
    assert slack.store.personal_reminders("U000ALICE")[0]["item_id"] == "session-dop321"


async def test_add_to_calendar_sends_an_ics_in_the_dm_in_the_event_zone(slack):
    await slack.action("add_to_calendar", "session-svs402", channel="C000GENERAL")
    await slack.fake.wait_for("files.completeUploadExternal")
    assert slack.fake.of("conversations.open")[0].params["users"] == "U000ALICE"
    ((params, content),) = slack.fake.uploaded()
    assert params["channel_id"] == "D000ALICE"  # the DM, never the channel
    (event,) = events_in(content)
    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "America/Los_Angeles"
    assert start == vegas("2023-11-28T14:30") and start.tzinfo.key == "America/Los_Angeles"
    assert str(event["summary"]).startswith("SVS402 ") and "Mandalay Bay" in str(event["location"])
    zones = [str(z["TZID"]) for z in Calendar.from_ical(content).walk("VTIMEZONE")]
    assert zones == ["America/Los_Angeles"]


async def test_my_calendar_in_app_home_holds_every_item_with_a_reminder(slack):
    await slack.action("my_calendar", "U000ALICE", channel=None)
    (nothing,) = await slack.fake.wait_for("chat.postMessage")
    assert "no reminders yet" in nothing.params["text"]
    for item in ("session-dop321", "session-svs402", "keynote-werner"):
        slack.store.add_personal_reminder("U000ALICE", item, 15, NOW)
    await slack.send_event({"type": "app_home_opened", "user": "U000ALICE", "tab": "home"})
    (home,) = await slack.fake.wait_for("views.publish")
    assert ("my_calendar", "U000ALICE") in actions(home.params["view"]["blocks"])
    await slack.action("my_calendar", "U000ALICE", channel=None)
    await slack.fake.wait_for("files.completeUploadExternal")
    ((_, content),) = slack.fake.uploaded()
    summaries = [str(e["summary"]) for e in events_in(content)]
    assert len(summaries) == 3 and any(s.startswith("DOP321") for s in summaries)


def test_confbot_ics_writes_one_file(sample_db, tmp_path, capsys):
    from bot.cli import main

    load_file(sample_db, CATALOG)
    out = tmp_path / "picked.ics"
    code = main(
        ["--db", sample_db.path, "ics", "--codes", "dop321,SVS402,DOP328", "--out", str(out)]
    )
    assert code == 0 and "Wrote 2 items" in capsys.readouterr().out
    events = events_in(out.read_bytes())
    assert [str(e["summary"]).split()[0] for e in events] == ["SVS402", "DOP321"]  # in time order
    assert all(e["dtstart"].params["TZID"] == "America/Los_Angeles" for e in events)
    assert main(["--db", sample_db.path, "ics", "--codes", "DOP322"]) == 1
    assert "did you mean 'DOP32" in capsys.readouterr().err
    keynotes = tmp_path / "k.ics"
    assert main(["--db", sample_db.path, "ics", "--keynotes", "-o", str(keynotes)]) == 0
    assert len(events_in(keynotes.read_bytes())) == 4
    sample_db.add_personal_reminder("U0000ALICE", "session-dop321", 15, NOW)
    mine = tmp_path / "mine.ics"
    assert main(["--db", sample_db.path, "ics", "--user", "U0000ALICE", "-o", str(mine)]) == 0
    (event,) = events_in(mine.read_bytes())
    assert event.decoded("dtstart").astimezone(ZoneInfo("UTC")) == datetime(
        2023, 11, 29, 21, 0, tzinfo=ZoneInfo("UTC")
    )
