"""Acknowledgements while another process loads a large event into the same database.

    python -m bench.load [--rows N] [--clients C]

`confbot serve` takes mixed traffic (DMs, App Home, buttons, claims) from C clients; after a
few seconds another process replaces the event with one of N rows (half schedule items, half
FAQ entries: what `confbot load big.toml --replace` writes once it has read the file). Prints
ack p50/p99 before the load (the baseline, same run) and while it runs, the load's duration,
and the HTTP statuses. Goal: ack p99 under 1 s while the load runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.answers import percentile
from bench.mixed import traffic
from bench.serving import serve_with_codes

MOST = 60_000  # requests built beforehand: more than fit in the load's window

LOADER = """
import sys, time
from dataclasses import replace
from datetime import timedelta
from bot.models import Faq, ScheduleItem
from bot.store import Store

store = Store(sys.argv[1])
data = store.load_event_data()
half = int(sys.argv[2]) // 2
start = min(item.start for item in data.schedule)
data = replace(
    data,
    schedule=data.schedule + [
        ScheduleItem(f"big-{i}", "sessions", f"Deep dive {i}", start + timedelta(minutes=i % 3000))
        for i in range(half)
    ],
    faq=data.faq + [Faq(f"big-faq-{i}", f"Question {i}?", f"Answer {i}.", (f"kw{i}",)) for i in range(half)],
)
print("ready", flush=True)
sys.stdin.readline()
t0 = time.perf_counter()
store.save_event_data(data, replace=True)
print(f"loaded {time.perf_counter() - t0:.2f}", flush=True)
"""


async def run(path: Path, rows: int, clients: int, before: float = 4.0) -> dict:
    fake, server, harness = await serve_with_codes(path, "LOAD", 200_000)
    loader = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LOADER, str(path), str(rows),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert (await loader.stdout.readline()).startswith(b"ready")  # data built, nothing written
    window: dict[str, float] = {}
    t0 = time.perf_counter()

    async def load_later() -> None:
        await asyncio.sleep(before)
        window["start"] = time.perf_counter() - t0
        loader.stdin.write(b"go\n")
        await loader.stdin.drain()
        line = (await loader.stdout.readline()).decode()
        window["end"] = time.perf_counter() - t0
        window["seconds"] = float(line.split()[1])

    try:
        await harness.command("help")
        loading = asyncio.ensure_future(load_later())
        result = await traffic(harness, MOST, clients, until=lambda: "end" in window)
        await loading
        await loader.wait()
        health = (await harness.health())[1]
    finally:
        await server.stop(harness)
        await fake.stop()
    # the traffic's own clock started a moment after t0: near enough for seconds-long windows
    during = [ms for at, ms, _ in result["samples"] if window["start"] <= at <= window["end"]]
    earlier = [ms for at, ms, _ in result["samples"] if at < window["start"]]
    return {
        "rows": rows,
        "clients": clients,
        "load_seconds": window["seconds"],
        "requests_during_load": len(during),
        "ack_p50_ms_during_load": round(percentile(during, 50), 1),
        "ack_p99_ms_during_load": round(percentile(during, 99), 1),
        "ack_p50_ms_before": round(percentile(earlier, 50), 1),
        "ack_p99_ms_before": round(percentile(earlier, 99), 1),
        "statuses": result["statuses"],
        "records_after": health["database"]["records"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000, help="rows in the loaded event")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(run(Path(tmp) / "load.db", args.rows, args.clients))
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(
        f"{r['rows']} rows loaded in {r['load_seconds']} s under {r['clients']} clients: ack p50 "
        f"{r['ack_p50_ms_during_load']} ms, p99 {r['ack_p99_ms_during_load']} ms during the load "
        f"({r['requests_during_load']} requests) vs p50 {r['ack_p50_ms_before']} ms, p99 "
        f"{r['ack_p99_ms_before']} ms before it (goal: p99 < 1 s); statuses {r['statuses']}"
    )


if __name__ == "__main__":
    main()
