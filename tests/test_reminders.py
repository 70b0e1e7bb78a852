"""Reminders below Slack: what is planned, exactly-once delivery across restarts, late and
missed, moved and removed items, two processes on one database."""

import asyncio
from datetime import timedelta

import pytest

from bot import reminders
from bot.clock import offset_clock
from bot.importers import SAMPLE_EVENT, load_file
from bot.scheduler import ReminderRunner, ReminderScheduler
from tests.conftest import vegas

CHANNELS = ("C0000NEWS",)
WERNER = vegas("2023-11-30T08:30")


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


class Poster:
    def __init__(self, fail: int = 0):
        self.posts: list[tuple[str, str, bool]] = []
        self.fail = fail

    async def __call__(self, target, due, late) -> bool:
        if self.fail:
            self.fail -= 1
            return "failed"
        self.posts.append((target, due.key, late))
        return "sent"


def werner_reminders(store, minutes=10):
    data = store.load_event_data()
    return next(
        d
        for d in reminders.plan(store, data, CHANNELS)
        if d.item and d.item.id == "keynote-werner" and d.minutes_before == minutes
    )


def test_every_keynote_and_replay_gets_two_channel_reminders(sample_db):
    planned = [
        d
        for d in reminders.plan(sample_db, sample_db.load_event_data(), CHANNELS)
        if d.kind == "item"
    ]
    assert {d.item.id for d in planned} == {
        "keynote-mnl",
        "keynote-selipsky",
        "keynote-swami",
        "keynote-werner",
        "replay",
    }
    assert {d.minutes_before for d in planned} == {60, 10} and all(
        d.targets == CHANNELS for d in planned
    )
    werner = werner_reminders(sample_db, 60)
    assert werner.due_at == WERNER - timedelta(minutes=60)


async def test_a_reminder_fires_once_even_when_fired_again_or_by_a_new_process(sample_db):
    due = werner_reminders(sample_db)
    poster = Poster()
    clock = Clock(due.due_at)
    assert await ReminderRunner(sample_db, clock, poster).fire(due) == {"sent": 1}
    assert await ReminderRunner(sample_db, clock, poster).fire(due) == {"already": 1}  # a restart
    assert poster.posts == [("C0000NEWS", due.key, False)]


async def test_late_while_useful_then_missed_and_quiet(sample_db):
    due = werner_reminders(sample_db)
    poster = Poster()
    await ReminderRunner(sample_db, Clock(due.due_at + timedelta(minutes=5)), poster).fire(due)
    assert poster.posts == [("C0000NEWS", due.key, True)]  # posted, marked late
    other = werner_reminders(sample_db, 60)
    assert await ReminderRunner(sample_db, Clock(WERNER + timedelta(minutes=1)), poster).fire(
        other
    ) == {"missed": 1}
    assert len(poster.posts) == 1 and sample_db.delivered(other.key) == {"C0000NEWS": "missed"}


async def test_a_failed_post_is_tried_again_not_lost(sample_db):
    due = werner_reminders(sample_db)
    poster = Poster(fail=1)
    runner = ReminderRunner(sample_db, Clock(due.due_at), poster)
    assert await runner.fire(due) == {"failed": 1}
    assert await runner.fire(due) == {"sent": 1}


@pytest.mark.parametrize(
    ("restart_at", "expected"), [(-30, []), (0, [False]), (+3, [True]), (+11, [])]
)
async def test_restarts_before_at_and_after_the_due_time(sample_db, restart_at, expected):
    """A fresh scheduler (as after a restart) posts what is due, late if late, never twice."""
    due = werner_reminders(sample_db)
    poster = Poster()
    clock = Clock(due.due_at + timedelta(minutes=restart_at))
    scheduler = ReminderScheduler(sample_db, clock, poster, CHANNELS)
    scheduler.scheduler.start(paused=True)
    try:
        await scheduler.tick()
        assert [late for _, key, late in poster.posts if key == due.key] == expected
        if restart_at < 0:
            assert due.key in scheduler.scheduled()  # waiting for its time
        again = ReminderScheduler(sample_db, clock, poster, CHANNELS)  # and restart once more
        again.scheduler.start(paused=True)
        sample_db.release_lease("reminders", scheduler.holder)
        await again.tick()
        again.scheduler.shutdown(wait=False)
        assert [late for _, key, late in poster.posts if key == due.key] == expected
    finally:
        scheduler.scheduler.shutdown(wait=False)


async def test_apscheduler_fires_the_job_on_time(sample_db):
    due = werner_reminders(sample_db)
    poster = Poster()
    clock = offset_clock(due.due_at - timedelta(seconds=1.5))
    scheduler = ReminderScheduler(sample_db, clock, poster, CHANNELS)
    await scheduler.start()
    try:
        assert not [p for p in poster.posts if p[1] == due.key]
        for _ in range(60):
            if any(p[1] == due.key for p in poster.posts):
                break
            await asyncio.sleep(0.1)
        assert [p for p in poster.posts if p[1] == due.key] == [("C0000NEWS", due.key, False)]
    finally:
        await scheduler.stop()


async def test_only_one_of_two_processes_posts(sample_db, tmp_path):
    from bot.store import Store

    due = werner_reminders(sample_db)
    poster = Poster()
    clock = Clock(due.due_at)
    first = ReminderScheduler(sample_db, clock, poster, CHANNELS)
    second = ReminderScheduler(Store(sample_db.path), clock, poster, CHANNELS)
    for s in (first, second):
        s.scheduler.start(paused=True)
    await first.tick()
    await second.tick()
    assert first.leader and not second.leader
    await first._fire_key(due.key)
    await second._fire_key(due.key)
    sample_db.release_lease("reminders", first.holder)  # the first stops renewing...
    await second.tick()  # ...and the second takes over
    assert second.leader
    await second.runner.fire(due)
    assert [p for p in poster.posts if p[1] == due.key] == [("C0000NEWS", due.key, False)]
    for s in (first, second):
        s.scheduler.shutdown(wait=False)


async def test_a_moved_keynote_is_rescheduled_with_one_notice_and_a_removed_one_cancelled(
    sample_db, tmp_path
):
    clock = Clock(vegas("2023-11-28T12:00"))
    poster = Poster()
    scheduler = ReminderScheduler(sample_db, clock, poster, CHANNELS)
    scheduler.scheduler.start(paused=True)
    await scheduler.tick()
    old_key = werner_reminders(sample_db).key
    assert old_key in scheduler.scheduled()
    sample_db.add_personal_reminder("U0000ALICE", "keynote-swami", 15, clock())
    moved = tmp_path / "moved.toml"
    text = SAMPLE_EVENT.read_text().replace(
        "start = 2023-11-30T08:30:00", "start = 2023-11-30T09:00:00"
    )
    text = text.replace('id = "keynote-swami"', 'id = "keynote-swami-gone"')
    moved.write_text(text)
    load_file(sample_db, moved, replace_all=True)
    await scheduler.tick()  # a new data load: re-planned
    await scheduler.tick()  # and a second look posts no second notice
    new_key = werner_reminders(sample_db).key
    assert (
        new_key != old_key
        and new_key in scheduler.scheduled()
        and old_key not in scheduler.scheduled()
    )
    notices = [p for p in poster.posts if p[1].startswith("moved:keynote-werner")]
    assert len(notices) == 1
    assert not sample_db.personal_reminders("U0000ALICE")  # its item is gone: cancelled
    scheduler.scheduler.shutdown(wait=False)


def test_find_item_and_offsets(sample_db):
    from bot.understanding import Understanding

    data = sample_db.load_event_data()
    understanding = Understanding(data)
    now = vegas("2023-11-28T12:00")

    def find(text: str):
        return reminders.find_item(understanding, data, text, now)

    assert find("werner's keynote").id == "keynote-werner"
    assert find("remind me about the CTO keynote 30 minutes before").id == "keynote-werner"
    assert find("re:play").id == "replay"
    assert find("리플레이 20분 전").id == "replay"
    assert find("the party").id == "replay"  # by kind
    assert find("monday night live") is None  # already over
    assert find("the wifi password") is None
    assert reminders.parse_offset("werner 30 minutes before") == 30
    assert reminders.parse_offset("리플레이 20분 전") == 20


async def test_two_serve_processes_on_one_database_post_once(tmp_path):
    """Two `confbot serve` processes, one database, a keynote reminder coming due: one post."""
    from bot.store import Store
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import ServeProcess

    db = str(tmp_path / "two.db")
    load_file(Store(db), SAMPLE_EVENT)
    fake = FakeSlack()
    await fake.start()
    start = (WERNER - timedelta(minutes=10, seconds=3)).isoformat()  # 3 s before the 10-minute one
    env = {"CONFBOT_ANNOUNCE_CHANNELS": "C0000NEWS"}
    servers = [
        ServeProcess(db, fake, now=start, env=env),
        ServeProcess(db, fake, now=start, env=env),
    ]
    harnesses = [await s.start() for s in servers]
    try:
        await fake.wait_for("chat.postMessage", 2, timeout=20)
        await asyncio.sleep(2)  # time for a duplicate, were there one
        posts = [
            c.params["text"] for c in fake.of("chat.postMessage") if "Werner" in c.params["text"]
        ]
        # the 60-minute one, overdue at start: posted late; the 10-minute one on time; once each
        assert len(posts) == 2 and {c.params["channel"] for c in fake.of("chat.postMessage")} == {
            "C0000NEWS"
        }
        assert "late" in posts[0] and "starts in 10 minutes" in posts[1] and "late" not in posts[1]
    finally:
        for server, harness in zip(servers, harnesses, strict=True):
            await server.stop(harness)
        await fake.stop()
