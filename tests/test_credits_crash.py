"""A `confbot serve` process killed with SIGKILL in the middle of a claim rush, restarted:
no code half-given, none lost, nobody with two, and everyone who got a code keeps it."""

import asyncio
import json
import re
from datetime import timedelta

from bot.store import Store
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import ServeProcess

CODE = re.compile(r"`([A-Z0-9-]{6,})`")
NOW = vegas("2023-11-28T12:00")


def check_invariants(db: str) -> dict[str, str]:
    store = Store(db)
    q = lambda sql: store.db.execute(sql).fetchall()  # noqa: E731
    held = q("SELECT user_id, code FROM promo_codes WHERE user_id IS NOT NULL AND revoked = 0")
    assert len({u for u, _ in held}) == len(held), "someone holds two codes"
    claims = q("SELECT user_id, code_id FROM claim_audit WHERE action = 'claim'")
    given = q("SELECT user_id, id FROM promo_codes WHERE user_id IS NOT NULL")
    assert sorted(claims) == sorted(given), "a code given without its audit row, or the reverse"
    ((total, left),) = q("SELECT codes_total, codes_left FROM campaigns")
    ((unclaimed,),) = q("SELECT count(*) FROM promo_codes WHERE user_id IS NULL AND revoked = 0")
    assert left == unclaimed and total == 400, "the stock counter drifted"
    assert q("PRAGMA integrity_check") == [("ok",)]
    store.close()
    return dict(held)


async def test_sigkill_during_a_claim_rush(tmp_path):
    db = str(tmp_path / "rush.db")
    setup = Store(db)
    setup.import_codes("AWS $25", [f"AWS25-{i:05d}" for i in range(400)], NOW - timedelta(hours=1))
    setup.close()
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(db, fake)
    harness = await server.start()
    users = [f"U{n:08d}" for n in range(600)]
    rush = [asyncio.ensure_future(harness.command("credits", user=u)) for u in users]
    for _ in range(600):  # let part of the rush through, then SIGKILL mid-rush
        if sum(t.done() for t in rush) >= 150:
            break
        await asyncio.sleep(0.01)
    await server.stop(harness, kill=True)
    results = await asyncio.gather(*rush, return_exceptions=True)
    told = {
        u: CODE.findall(json.loads(r[1])["text"])
        for u, r in zip(users, results, strict=True)
        if isinstance(r, tuple) and r[0] == 200 and r[1]
    }
    assert server.proc.returncode == -9 and len(told) < 600

    held = check_invariants(db)
    assert 150 <= len(held) < 600
    for user, codes in told.items():  # whoever was shown a code holds exactly that code
        if codes:
            assert held[user] == codes[0]

    server = ServeProcess(db, fake)  # restart: claims go on where they stopped
    harness = await server.start()
    try:
        results = await asyncio.gather(*(harness.command("credits", user=u) for u in users[:50]))
        again = {
            u: CODE.findall(json.loads(body)["text"])
            for u, (_, body) in zip(users[:50], results, strict=True)
        }
        for user in users[:50]:
            if user in held:
                assert again[user] == [held[user]]  # the same code as before the crash
    finally:
        await server.stop(harness)
        await fake.stop()
    check_invariants(db)
