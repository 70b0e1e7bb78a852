"""Mixed traffic against `confbot serve` over signed HTTP: questions by DM, App Home opens,
button presses and credit claims together, at rising concurrency.

    python -m bench.mixed [--requests N] [--clients 50 200 1000]

Prints p50 and p99 acknowledgement time (what Slack waits for: it wants 3 s at most),
acknowledgements per second, and requests per second completed (the answer posted, App Home
published), at each concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from pathlib import Path

from bench.answers import percentile
from bench.serving import serve_with_codes

QUESTIONS = [
    "where is lunch today",
    "next shuttle from venetian to mandalay bay",
    "when is werner's keynote",
    "내일 점심 어디",
    "how do I get to re:Play",
    "where do I get my hoodie",
]


async def run(path: Path, total: int, clients: int) -> dict[str, float]:
    fake, server, harness = await serve_with_codes(path, "MIX", total)
    kinds = itertools.cycle(["dm", "dm", "home", "button", "claim"])
    counter = itertools.count()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent = {"dm": 0, "home": 0, "button": 0, "claim": 0}

    async def one(kind: str, n: int) -> None:
        user = f"U{n:09d}"
        t0 = time.perf_counter()
        if kind == "dm":
            status, _ = await harness.dm(QUESTIONS[n % len(QUESTIONS)], user=user)
        elif kind == "home":
            status, _ = await harness.send_event(
                {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": f"{n}.0"}
            )
        elif kind == "button":
            status, _ = await harness.action("ask_example_0", "Where is lunch today?", user=user)
        else:
            status, _ = await harness.command("credits", user=user)
        latencies.append((time.perf_counter() - t0) * 1000)
        sent[kind] += 1
        statuses[status] = statuses.get(status, 0) + 1

    async def client() -> None:
        while (n := next(counter)) < total:
            await one(next(kinds), n)

    try:
        await harness.command("help")  # warm up
        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - t0
        # and the work after the acks: every answer posted, every App Home published
        await fake.wait_for("chat.postMessage", sent["dm"], timeout=300)
        await fake.wait_for("views.publish", sent["home"], timeout=300)
        await fake.wait_for("chat.postEphemeral", sent["button"] + 1, timeout=300)
        done = time.perf_counter() - t0
    finally:
        await server.stop(harness)
        await fake.stop()
    return {
        "clients": clients,
        "requests": total,
        "ack_p50_ms": round(percentile(latencies, 50), 1),
        "ack_p99_ms": round(percentile(latencies, 99), 1),
        "requests_per_s": round(total / elapsed),
        "completed_per_s": round(total / done),
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level")
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[50, 200, 1000], help="concurrency levels"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in args.clients:
            results.append(asyncio.run(run(Path(tmp) / f"mixed{c}.db", args.requests, c)))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        print(
            f"{r['clients']:>5} clients: ack p50 {r['ack_p50_ms']} ms, p99 {r['ack_p99_ms']} ms; {r['requests_per_s']} acks/s, {r['completed_per_s']} completed/s; statuses {r['statuses']}"
        )


if __name__ == "__main__":
    main()
