"""`confbot serve` killed with SIGKILL in the middle of a reminder fan-out, then restarted:
nobody gets a reminder twice, and the rest are delivered after the restart."""

import asyncio
from collections import Counter
from datetime import timedelta

from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import ServeProcess

WERNER = vegas("2023-11-30T08:30")


async def test_sigkill_during_a_fan_out(tmp_path):
    db = str(tmp_path / "fanout.db")
    store = Store(db)
    load_file(store, SAMPLE_EVENT)
    users = [f"U{n:08d}" for n in range(400)]
    for u in users:
        store.add_personal_reminder(u, "keynote-werner", 15, WERNER - timedelta(hours=2))
    store.close()
    fake = FakeSlack()
    await fake.start()
    start = (WERNER - timedelta(minutes=15, seconds=2)).isoformat()  # due 2 s after start
    env = {"CONFBOT_POST_RATE": "150"}  # about 3 s for the whole fan-out
    server = ServeProcess(db, fake, now=start, env=env)
    harness = await server.start()

    def dms() -> Counter:
        return Counter(
            c.params["channel"]
            for c in fake.of("chat.postMessage")
            if str(c.params.get("channel", "")).startswith("U")
        )

    for _ in range(1500):  # wait until part of the fan-out is out, then SIGKILL
        if len(dms()) >= 60:
            break
        await asyncio.sleep(0.01)
    await server.stop(harness, kill=True)
    sent_before = len(dms())
    assert 60 <= sent_before < 400

    server = ServeProcess(db, fake, now=start, env=env)  # restart
    harness = await server.start()
    try:
        for _ in range(600):
            if len(dms()) >= 400 - 20:  # at most the posts in flight at the kill are unsure
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
    finally:
        await server.stop(harness)
        await fake.stop()
    counts = dms()
    assert max(counts.values()) == 1, "someone got the reminder twice"
    assert len(counts) >= 380
    ledger = Store(db).delivery_counts()
    assert ledger.get("sent", 0) + ledger.get("late", 0) >= 380
