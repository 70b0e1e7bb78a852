"""A reminder fan-out: N personal reminders due in the same minute, against a fake Slack
that enforces a rate limit with 429 and Retry-After.

    python -m bench.fanout [--reminders N] [--limit PER_SECOND]

Prints the completion time beside the floor the rate limit allows (N / limit), and the
duplicates and lost messages (both must be zero). Goal: within 1.1 times the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bot import reminders
from bot.clock import fixed_clock
from bot.importers import SAMPLE_EVENT, load_file
from bot.scheduler import ReminderRunner
from bot.store import Store


async def run(n: int, limit: int, concurrency: int) -> dict[str, float]:
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import Harness

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "fanout.db")
        load_file(store, SAMPLE_EVENT)
        data = store.load_event_data()
        werner = next(i for i in data.schedule if i.id == "keynote-werner")
        now = werner.start - timedelta(minutes=15)
        users = [f"U{i:09d}" for i in range(n)]
        for u in users:
            store.add_personal_reminder(u, werner.id, 15, now)
        dues = [d for d in reminders.plan(store, data, ()) if d.kind == "personal"]
        fake = FakeSlack()
        fake.rate_limit("chat.postMessage", limit)
        harness = await Harness(store, fixed_clock(now), fake, post_rate=float(limit)).start()
        try:
            runner = ReminderRunner(
                store, fixed_clock(now), harness.services.reminders.post, concurrency=concurrency
            )
            t0 = time.perf_counter()
            await asyncio.gather(*(runner.fire(d) for d in dues))
            elapsed = time.perf_counter() - t0
        finally:
            await harness.stop()
        delivered = Counter(c.params["channel"] for c in fake.of("chat.postMessage"))
        refused = len(fake.of("chat.postMessage:429"))
        store.close()
    floor = n / limit
    return {
        "reminders": n,
        "limit_per_s": limit,
        "seconds": round(elapsed, 2),
        "floor_seconds": round(floor, 2),
        "ratio_to_floor": round(elapsed / floor, 3),
        "duplicates": sum(c - 1 for c in delivered.values() if c > 1),
        "lost": sum(1 for u in users if u not in delivered),
        "refused_429": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reminders", type=int, default=5000, help="personal reminders due at once"
    )
    parser.add_argument(
        "--limit", type=int, default=500, help="the fake Slack's chat.postMessage limit per second"
    )
    parser.add_argument("--concurrency", type=int, default=50, help="posts in flight at once")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    r = asyncio.run(run(args.reminders, args.limit, args.concurrency))
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(
        f"{r['reminders']} DMs at {r['limit_per_s']}/s: {r['seconds']} s, floor {r['floor_seconds']} s, "
        f"ratio {r['ratio_to_floor']} (goal <= 1.1); duplicates {r['duplicates']}, lost {r['lost']}, 429s {r['refused_429']}"
    )


if __name__ == "__main__":
    main()
