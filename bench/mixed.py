"""Mixed traffic against `confbot serve` over signed HTTP: questions by DM, App Home opens,
button presses and credit claims together, at rising concurrency, beside the bare floor.

    python -m bench.mixed [--requests N] [--clients 50 200 1000] [--workers N]

Prints, at each concurrency, p50 and p99 acknowledgement time (what Slack waits for: it
wants 3 s at most), acknowledgements per second, and requests per second completed (the
answer posted, App Home published). In the same run the same traffic goes to the floor
(bench.floor: aiohttp and the signature check alone), and the ratios are printed: ack
throughput against the floor's (goal >= 0.5 at 200 clients) and ack p99 against the floor's
(goal <= 2). Goal at 1,000 clients: ack p99 <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.answers import percentile
from bench.serving import serve_with_codes, start_floor

QUESTIONS = [
    "where is lunch today",
    "next shuttle from venetian to mandalay bay",
    "when is werner's keynote",
    "내일 점심 어디",
    "how do I get to re:Play",
    "where do I get my hoodie",
]
KINDS = ["dm", "dm", "home", "button", "claim"]


async def prepare(harness, total: int) -> list[tuple[str, str, dict[str, str]]]:
    """``total`` signed requests, built before the clock starts: the load generator runs on
    the same cores, and what it spends building and signing is not the server's time."""
    built: list[tuple[str, str, dict[str, str]]] = []
    send = harness.post

    async def keep(body: str, headers: dict[str, str]) -> tuple[int, str]:
        built.append((KINDS[len(built) % len(KINDS)], body, headers))
        return 200, ""

    harness.post = keep
    try:
        for n in range(total):
            kind, user = KINDS[n % len(KINDS)], f"U{n:09d}"
            if kind == "dm":
                await harness.dm(QUESTIONS[n % len(QUESTIONS)], user=user)
            elif kind == "home":
                await harness.send_event(
                    {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": f"{n}.0"}
                )
            elif kind == "button":
                await harness.action("ask_example_0", "Where is lunch today?", user=user)
            else:
                await harness.command("credits", user=user)
    finally:
        harness.post = send
    return built


async def traffic(harness, total: int, clients: int, *, until=None) -> dict:
    """``total`` requests (DMs, App Home opens, buttons, claims, in turn) from ``clients``
    concurrent clients, or as many as fit before ``until()`` is true. Latencies in ms, with
    the moment each was sent (seconds from the start)."""
    requests = iter(await prepare(harness, total))
    samples: list[tuple[float, float, str]] = []
    statuses: dict[int, int] = {}
    sent = dict.fromkeys(KINDS, 0)
    t_start = time.perf_counter()

    async def client() -> None:
        for kind, body, headers in requests:  # shared: each request is sent once
            if until and until():
                return
            t0 = time.perf_counter()
            status, _ = await harness.post(body, headers)
            samples.append((t0 - t_start, (time.perf_counter() - t0) * 1000, kind))
            sent[kind] += 1
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - t_start
    latencies = [ms for _, ms, _ in samples]
    by_kind = {
        kind: round(percentile([ms for _, ms, k in samples if k == kind] or [0.0], 99), 1)
        for kind in sent
    }
    return {
        "samples": samples,
        "sent": sent,
        "elapsed": elapsed,
        "requests": len(samples),
        "ack_p50_ms": round(percentile(latencies, 50), 1),
        "ack_p99_ms": round(percentile(latencies, 99), 1),
        "requests_per_s": round(len(samples) / elapsed),
        "statuses": statuses,
        "ack_p99_ms_by_kind": by_kind,
    }


async def run(path: Path, total: int, clients: int, workers: int = 1) -> dict:
    """Mixed traffic against `confbot serve`, and the time until every answer was posted."""
    args = ("--workers", str(workers)) if workers > 1 else ()
    fake, server, harness = await serve_with_codes(path, "MIX", total, args)
    try:
        await harness.command("help")  # warm up
        t0 = time.perf_counter()
        result = await traffic(harness, total, clients)
        sent = result["sent"]
        # and the work after the acks: every answer posted, every App Home published
        await fake.wait_for("chat.postMessage", sent["dm"], timeout=300)
        await fake.wait_for("views.publish", sent["home"], timeout=300)
        await fake.wait_for("chat.postEphemeral", sent["button"] + 1, timeout=300)
        done = time.perf_counter() - t0
    finally:
        await server.stop(harness)
        await fake.stop()
    result.pop("samples")
    return {
        "clients": clients,
        "workers": workers,
        **result,
        "completed_per_s": round(total / done),
    }


async def floor(path: Path, total: int, clients: int) -> dict:
    """The same traffic against the bare floor (bench.floor)."""
    fake, server, harness = await start_floor(path)
    try:
        await harness.command("help")
        result = await traffic(harness, total, clients)
    finally:
        await server.stop(harness)
        await fake.stop()
    result.pop("samples")
    return {"clients": clients, **result}


def _median(rows: list[dict]) -> dict:
    """Each figure's median over the rounds (the other keys from the first round)."""
    out = dict(rows[0])
    for key, value in rows[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = statistics.median(r[key] for r in rows)
        elif isinstance(value, dict) and all(isinstance(v, int | float) for v in value.values()):
            out[key] = {k: statistics.median(r[key].get(k, 0) for r in rows) for k in value}
    return out


def measure(tmp: Path, total: int, clients: list[int], workers: int, rounds: int = 3) -> list[dict]:
    """At each concurrency, rounds of the floor and `confbot serve` in turn (the machine's
    other load weighs on both alike), each figure the median of its rounds, and each ratio
    the median of the rounds' ratios."""
    rows = []
    for c in clients:
        bares, serveds = [], []
        for n in range(rounds):
            bares.append(asyncio.run(floor(tmp / f"floor{c}-{n}.db", total, c)))
            serveds.append(asyncio.run(run(tmp / f"mixed{c}-{n}.db", total, c, workers)))
        pairs = list(zip(serveds, bares, strict=True))
        rows.append(
            {
                **_median(serveds),
                "rounds": rounds,
                "floor": _median(bares),
                "throughput_ratio": round(
                    statistics.median(s["requests_per_s"] / b["requests_per_s"] for s, b in pairs),
                    2,
                ),
                "p99_ratio": round(
                    statistics.median(s["ack_p99_ms"] / b["ack_p99_ms"] for s, b in pairs), 2
                ),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level")
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[50, 200, 1000], help="concurrency levels"
    )
    parser.add_argument("--workers", type=int, default=1, help="`serve --workers N`")
    parser.add_argument("--rounds", type=int, default=3, help="floor and serve rounds, in turn")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(Path(tmp), args.requests, args.clients, args.workers, args.rounds)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        f = r["floor"]
        print(
            f"{r['clients']:>5} clients, {r['workers']} worker(s): ack p50 {r['ack_p50_ms']} ms, "
            f"p99 {r['ack_p99_ms']} ms; {r['requests_per_s']} acks/s, {r['completed_per_s']} "
            f"completed/s | floor: p99 {f['ack_p99_ms']} ms, {f['requests_per_s']} acks/s | "
            f"throughput {r['throughput_ratio']}x floor (goal >= 0.5), p99 {r['p99_ratio']}x "
            f"floor (goal <= 2); statuses {r['statuses']}"
        )


if __name__ == "__main__":
    main()
