"""Issue 15: `confbot reminders` lists what `serve` will post: channel reminders and
announcements with their time (event zone and UTC), channel and item; personal reminders
counted per item; --json. Checked against what the scheduler itself does."""

import json

import pytest

from bot.cli import main
from bot.scheduler import ReminderScheduler
from tests.conftest import vegas

CHANNEL = "C0000NEWS"
NOW = vegas("2023-11-30T07:50")  # Werner's keynote at 8:30: its 60-minute reminder is overdue


@pytest.fixture
def db(sample_db, monkeypatch):
    monkeypatch.setenv("CONFBOT_ANNOUNCE_CHANNELS", CHANNEL)
    sample_db.add_announcement(
        "C0000CREW", "Breakfast moved to Hall B", vegas("2023-11-30T08:00"), "U0ORGANIZER", NOW
    )
    for user, minutes in (("U0000001", 15), ("U0000002", 15), ("U0000003", 30)):
        sample_db.add_personal_reminder(user, "keynote-werner", minutes, NOW)
    sample_db.add_personal_reminder("U0000001", "replay", 15, NOW)
    return sample_db


def listing(db, capsys, *args) -> str:
    assert main(["--db", db.path, "reminders", "--now", NOW.isoformat(), *args]) == 0
    return capsys.readouterr().out


def test_channel_reminders_show_event_time_utc_channel_and_item(db, capsys):
    out = listing(db, capsys)
    assert "times in America/Los_Angeles" in out
    werner_10 = next(
        line for line in out.splitlines() if "(10 min before)" in line and "Werner" in line
    )
    assert "2023-11-30 Thu 08:20 PST" in werner_10 and "2023-11-30T16:20Z" in werner_10
    assert CHANNEL in werner_10
    # Overdue but still useful: serve posts it late, and the listing says so.
    werner_60 = next(
        line for line in out.splitlines() if "(60 min before)" in line and "Werner" in line
    )
    assert "posts late" in werner_60
    # Earlier keynotes are over: nothing more will be posted about them.
    assert "CEO keynote" not in out and "Monday Night Live" not in out


def test_announcements_are_listed_with_their_channel_and_words(db, capsys):
    out = listing(db, capsys)
    line = next(line for line in out.splitlines() if "Breakfast moved" in line)
    assert "2023-11-30 Thu 08:00 PST" in line and "2023-11-30T16:00Z" in line
    assert "C0000CREW" in line


def test_personal_reminders_are_counted_per_item(db, capsys):
    out = listing(db, capsys)
    assert "U0000001" not in out  # counted, not listed person by person
    werner = next(line for line in out.splitlines() if "to send" in line and "Werner" in line)
    replay = next(line for line in out.splitlines() if "to send" in line and "re:Play" in line)
    assert werner.split()[0] == "3" and replay.split()[0] == "1"


def test_reminders_json(db, capsys):
    view = json.loads(listing(db, capsys, "--json"))
    assert view["zone"] == "America/Los_Angeles" and view["channels"] == [CHANNEL]
    werner = [p for p in view["posts"] if p.get("item_id") == "keynote-werner"]
    assert {(p["minutes_before"], p["status"]) for p in werner} == {(60, "late"), (10, "ahead")}
    ten = next(p for p in werner if p["minutes_before"] == 10)
    assert ten["due_at"] == "2023-11-30T08:20:00-08:00"
    assert ten["due_at_utc"] == "2023-11-30T16:20:00+00:00"
    announcement = next(p for p in view["posts"] if p["kind"] == "announcement")
    assert announcement["channel"] == "C0000CREW" and announcement["text"].startswith("Breakfast")
    assert {p["item_id"]: p["pending"] for p in view["personal"]} == {
        "keynote-werner": 3,
        "replay": 1,
    }


def test_what_was_sent_leaves_the_list_and_all_shows_it(db, capsys):
    view = json.loads(listing(db, capsys, "--json"))
    sent = next(p for p in view["posts"] if p["status"] == "ahead")
    db.begin_delivery(sent["key"], sent["channel"], NOW)
    db.finish_delivery(sent["key"], sent["channel"], "sent", NOW)
    keys = {p["key"] for p in json.loads(listing(db, capsys, "--json"))["posts"]}
    assert sent["key"] not in keys
    everything = json.loads(listing(db, capsys, "--json", "--all"))["posts"]
    assert {"key": sent["key"], "status": "sent"}.items() <= next(
        p for p in everything if p["key"] == sent["key"]
    ).items()
    assert any(p["status"] == "gone" for p in everything)  # the keynotes already under way


class Poster:
    def __init__(self):
        self.posts = []

    async def __call__(self, target, due, late):
        self.posts.append((due.key, target, late))
        return "sent"


async def test_the_listing_is_what_the_scheduler_does(db, capsys):
    view = json.loads(listing(db, capsys, "--json"))
    poster = Poster()
    scheduler = ReminderScheduler(db, lambda: NOW, poster, (CHANNEL,))
    scheduler.scheduler.start(paused=True)
    try:
        await scheduler.tick()
        now_rows = {(p["key"], p["channel"]) for p in view["posts"] if p["status"] != "ahead"}
        assert {(key, target) for key, target, _ in poster.posts} == now_rows
        ahead = {p["key"] for p in view["posts"] if p["status"] == "ahead"}
        scheduled = {k for k in scheduler.scheduled() if not k.startswith("personal:")}
        assert scheduled == ahead
    finally:
        scheduler.scheduler.shutdown(wait=False)


def test_items_without_a_channel_are_pointed_out(sample_db, capsys, monkeypatch):
    monkeypatch.delenv("CONFBOT_ANNOUNCE_CHANNELS", raising=False)
    out = listing(sample_db, capsys)
    assert "no channel" in out and "CONFBOT_ANNOUNCE_CHANNELS" in out
    assert "Channel reminders" not in out


def test_a_bad_channel_setting_is_one_line(sample_db, capsys, monkeypatch):
    monkeypatch.setenv("CONFBOT_ANNOUNCE_CHANNELS", "general")
    assert main(["--db", sample_db.path, "reminders"]) == 2
    assert "CONFBOT_ANNOUNCE_CHANNELS" in capsys.readouterr().err
