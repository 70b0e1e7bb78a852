"""Claims per second: end to end over signed HTTP, and at the store beside raw SQLite.

    python -m bench.claims [--codes N] [--clients C]

End to end: `confbot serve` in its own process, C concurrent clients sending signed
`/conf credits` slash commands for N distinct users, a fake Slack Web API receiving the
private answers. It prints acknowledged claims per second and delivered codes per second.

Store: `Store.claim` in a loop on a database file, beside the raw floor measured in the same
run on the same file: a bare single-row UPDATE per BEGIN IMMEDIATE transaction.
Goal on a 2-core machine: 1,000 claims per second end to end, store at half the floor or better.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.serving import serve_with_codes
from bot.store import Store


def store_rate(path: Path, n: int, rounds: int = 5) -> dict[str, float]:
    """Store.claim beside a bare one-row UPDATE per transaction, in alternating rounds on the
    same file, so a disk that slows down mid-run weighs on both alike."""
    now = datetime.now(UTC)
    store = Store(path)
    campaign, _ = store.import_codes("bench-store", [f"BENCH-{i:07d}" for i in range(n)], now)
    conn = store.db.conn
    conn.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, v TEXT)")
    conn.executemany("INSERT INTO bench_floor (v) VALUES (NULL)", [()] * n)
    per_round = n // rounds
    claim_s = floor_s = 0.0
    for r in range(rounds):
        t0 = time.perf_counter()
        for i in range(r * per_round, (r + 1) * per_round):
            store.claim(campaign.id, f"U{i:09d}", now)
        claim_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(r * per_round + 1, (r + 1) * per_round + 1):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE bench_floor SET v = ? WHERE id = ?", [str(i), i])
            conn.execute("COMMIT")
        floor_s += time.perf_counter() - t0
    store.close()
    done = per_round * rounds
    return {
        "store_claims_per_s": round(done / claim_s),
        "raw_update_tx_per_s": round(done / floor_s),
        "ratio_to_floor": round(floor_s / claim_s, 2),
    }


async def http_rate(path: Path, n: int, clients: int) -> dict[str, float]:
    fake, server, harness = await serve_with_codes(path, "HTTP", n)
    users = iter(f"U{i:09d}" for i in range(n))
    delivered = 0

    async def client() -> None:
        nonlocal delivered
        for user in users:  # shared iterator: each user claims once
            status, body = await harness.command("credits", user=user)
            delivered += status == 200 and "`HTTP-" in body  # the code, in the private ack

    try:
        await harness.command("help")  # warm: auth.test, first request paths
        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - t0
    finally:
        await server.stop(harness)
        await fake.stop()
    return {
        "clients": clients,
        "claims": n,
        "codes_delivered": delivered,
        "claims_per_s": round(n / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=3000, help="claims to make")
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[50, 200], help="concurrent clients"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["store"] = store_rate(Path(tmp) / "store.db", args.codes)
        results["http"] = [
            asyncio.run(http_rate(Path(tmp) / f"http{c}.db", args.codes, c)) for c in args.clients
        ]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    s = results["store"]
    print(
        f"store: {s['store_claims_per_s']} claims/s; raw UPDATE floor {s['raw_update_tx_per_s']} tx/s; ratio {s['ratio_to_floor']} (goal >= 0.5)"
    )
    for h in results["http"]:
        print(
            f"http:  {h['clients']:>4} clients: {h['claims_per_s']} claims/s, {h['codes_delivered']} of {h['claims']} codes delivered (goal >= 1000/s)"
        )


if __name__ == "__main__":
    main()
