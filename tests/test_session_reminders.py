"""Reminders for sessions: early enough to get there from the previous session of the day,
and a session that moves moves its reminders and tells each person once, across restarts."""

import json
from datetime import timedelta

from bot import reminders
from bot.answers.base import Context
from bot.importers import load_file
from bot.scheduler import ReminderScheduler
from tests.conftest import vegas

CHANNELS = ("C0000NEWS",)


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


class Poster:
    def __init__(self):
        self.posts: list[tuple[str, str]] = []
        self.dues = []

    async def __call__(self, target, due, late) -> str:
        self.posts.append((target, due.key))
        self.dues.append(due)
        return "sent"


def catalog(tmp_path, *, b_time="10:30", b_room="Level 1 | Room 116", name="c.json"):
    """Two sessions on Tuesday: one at Caesars Forum, the next at MGM Grand (the sample's
    routes: 15 minutes by shuttle between them)."""
    path = tmp_path / name
    path.write_text(
        json.dumps(
            [
                {
                    "abbreviation": "AAA101",
                    "title": "First of the day",
                    "venue": "Caesars Forum",
                    "room": "Level 1 | Forum 111",
                    "sessionTime": {"date": "2023-11-28", "time": "09:00", "length": 60},
                },
                {
                    "abbreviation": "BBB202",
                    "title": "Second of the day",
                    "venue": "MGM Grand",
                    "room": b_room,
                    "sessionTime": {"date": "2023-11-28", "time": b_time, "length": 60},
                },
            ]
        )
    )
    return path


def personal(store, user, code, at="2023-11-27T12:00"):
    item = next(i for i in store.load_event_data().schedule if i.code == code)
    store.add_personal_reminder(user, item.id, 15, vegas(at))
    reminders.watch(store, item)
    return item


def test_a_reminder_leaves_time_for_the_route_from_the_previous_session(sample_db, tmp_path):
    load_file(sample_db, catalog(tmp_path))
    personal(sample_db, "U0000ALICE", "AAA101")
    second = personal(sample_db, "U0000ALICE", "BBB202")
    personal(sample_db, "U0000BOB", "BBB202")  # Bob has nothing before it
    data = sample_db.load_event_data()
    planned = {
        (d.targets[0], d.item.code): d
        for d in reminders.plan(sample_db, data, CHANNELS)
        if d.kind == "personal"
    }
    alice, bob = planned[("U0000ALICE", "BBB202")], planned[("U0000BOB", "BBB202")]
    # 15 minutes before, plus the 15-minute shuttle from Caesars Forum
    assert alice.due_at == second.start - timedelta(minutes=30)
    assert bob.due_at == second.start - timedelta(minutes=15) and not bob.extra
    assert planned[("U0000ALICE", "AAA101")].due_at == vegas("2023-11-28T08:45")
    ctx = Context(data, alice.due_at)
    text = reminders.message(ctx, alice, late=False)
    assert "*BBB202 Second of the day* starts in 30 minutes" in text
    assert "From Caesars Forum that is about 15 minutes by shuttle: leave by 10:10 AM PST" in text
    assert "Caesars Forum" not in reminders.message(ctx, bob, late=False)


def test_no_walk_within_one_venue_or_without_a_route(sample_db, tmp_path):
    load_file(sample_db, catalog(tmp_path))
    data = sample_db.load_event_data()
    first, second = (next(i for i in data.schedule if i.code == c) for c in ("AAA101", "BBB202"))
    assert reminders.walk_to(data, second, [first, second]).minutes == 15
    assert reminders.walk_to(data, second, [second]) is None  # nothing before it that day
    from dataclasses import replace

    assert reminders.walk_to(data, second, [replace(first, venue="mgm-grand")]) is None
    assert reminders.walk_to(data, second, [replace(first, venue="airport")]) is None  # no route


async def tick(store, clock, poster):
    """A scheduler as `serve` runs it (a fresh one: as after a restart)."""
    scheduler = ReminderScheduler(store, clock, poster, CHANNELS)
    scheduler.scheduler.start(paused=True)
    try:
        await scheduler.tick()
    finally:
        scheduler.scheduler.shutdown(wait=False)
        store.release_lease("reminders", scheduler.holder)
    return scheduler


async def test_a_moved_session_tells_each_person_once_across_restarts(sample_db, tmp_path):
    clock = Clock(vegas("2023-11-27T12:00"))
    poster = Poster()
    load_file(sample_db, catalog(tmp_path))
    item = personal(sample_db, "U0000ALICE", "BBB202")
    personal(sample_db, "U0000BOB", "BBB202")
    await tick(sample_db, clock, poster)
    assert not [p for p in poster.posts if p[1].startswith("moved:")]
    old_keys = {d.key for d in reminders.plan(sample_db, sample_db.load_event_data(), CHANNELS)}

    load_file(sample_db, catalog(tmp_path, b_time="11:30", name="moved.json"))  # an hour later
    await tick(sample_db, clock, poster)
    await tick(sample_db, clock, poster)  # a restart: nobody is told twice
    moved = [p for p in poster.posts if p[1].startswith(f"moved:{item.id}@")]
    assert sorted(target for target, _ in moved) == ["U0000ALICE", "U0000BOB"]
    notice = reminders.message(
        Context(sample_db.load_event_data(), clock()), poster.dues[0], late=False
    )
    assert "*BBB202 Second of the day* has moved" in notice and "11:30 AM" in notice
    assert "(was 10:30 AM PST)" in notice
    # the personal reminders moved with it: new keys, due 15 minutes before the new time
    personal_dues = [
        d
        for d in reminders.plan(sample_db, sample_db.load_event_data(), CHANNELS)
        if d.kind == "personal"
    ]
    assert {d.due_at for d in personal_dues} == {vegas("2023-11-28T11:15")}
    assert not {d.key for d in personal_dues} & old_keys

    # someone who asks after the move is not told it moved; a new room is a new move
    clock.moment = vegas("2023-11-27T12:10")
    personal(sample_db, "U0000CAROL", "BBB202", at="2023-11-27T12:05")
    load_file(
        sample_db,
        catalog(tmp_path, b_time="11:30", b_room="Level 3 | Premier 318", name="room.json"),
    )
    await tick(sample_db, clock, poster)
    room = [p for p in poster.posts if p[1].startswith("moved:") and p not in moved]
    assert sorted(target for target, _ in room) == ["U0000ALICE", "U0000BOB", "U0000CAROL"]
    assert "at MGM Grand (Level 1 | Room 116)" in reminders.message(
        Context(sample_db.load_event_data(), clock()), poster.dues[-1], late=False
    )
    assert len(poster.posts) == len(set(poster.posts))


async def test_a_move_noticed_before_a_crash_is_still_told_after_the_restart(sample_db, tmp_path):
    clock = Clock(vegas("2023-11-27T12:00"))
    poster = Poster()
    load_file(sample_db, catalog(tmp_path))
    personal(sample_db, "U0000ALICE", "BBB202")
    load_file(sample_db, catalog(tmp_path, b_time="11:30", name="moved.json"))
    # The serving process notices the move, then dies before posting anything.
    reminders.moves(sample_db, sample_db.load_event_data(), clock())
    assert not poster.posts
    await tick(sample_db, clock, poster)  # the restarted process tells Alice
    await tick(sample_db, clock, poster)  # and never again
    assert [target for target, key in poster.posts if key.startswith("moved:")] == ["U0000ALICE"]
