"""Run every benchmark and write one report: bench/report.md and bench/report.json.

    python -m bench [--quick]

Each figure stands beside its baseline measured in the same run, with the machine it ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import answers, claims, fanout, load, mixed, sessions, tools

HERE = Path(__file__).resolve().parent


def machine() -> dict[str, object]:
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a minute, not several)")
    args = parser.parse_args()
    n_claims, n_dms, rate = (1500, 1000, 100) if args.quick else (6000, 5000, 100)
    report: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    report["answers"] = answers.run(rounds=3 if args.quick else 5)
    report["tools"] = tools.run()
    report["sessions"] = sessions.run(2000 if args.quick else 5000, rounds=2 if args.quick else 3)
    with tempfile.TemporaryDirectory() as tmp:
        report["claims_store"] = claims.store_rate(Path(tmp) / "store.db", n_claims)
        report["claims_http"] = [
            asyncio.run(claims.http_rate(Path(tmp) / f"http{c}.db", n_claims, c)) for c in (50, 200)
        ]
    report["fanout"] = asyncio.run(fanout.run(n_dms, rate, 50))
    with tempfile.TemporaryDirectory() as tmp:
        report["mixed"] = mixed.measure(
            Path(tmp), 1000 if args.quick else 3000, [50, 200, 1000], 1, 1 if args.quick else 3
        )
        report["load"] = asyncio.run(
            load.run(Path(tmp) / "load.db", 30_000 if args.quick else 150_000, 200)
        )
    (HERE / "report.json").write_text(json.dumps(report, indent=2))
    (HERE / "report.md").write_text(markdown(report))
    print(markdown(report))


def markdown(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"# confbot benchmarks, {r['when']}",
        "",
        f"Machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}, SQLite {m['sqlite']}.",
        "",
        "| benchmark | figure | baseline (same run) | ratio | goal |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, a in r["answers"].items():
        lines.append(
            f"| answers, {name} | p50 {a['answer_p50_ms']} ms, p99 {a['answer_p99_ms']} ms | bare FTS5 p99 {a['bare_fts_p99_ms']} ms | {a['p99_ratio_to_bare']} | p99 < 10 ms and < 5× |"
        )
    t = r["tools"]
    lines.append(
        f"| typo repair, rapidfuzz | {t['typos']['rapidfuzz_us']} µs a word over {t['typos']['vocabulary']} words, same best match {t['typos']['same_best_match']}/{t['typos']['typos']} | difflib {t['typos']['difflib_us']} µs | {t['typos']['speedup']}× faster | faster than difflib |"
    )
    a = t["ask_ready"]
    lines.append(
        f"| `confbot ask`, cold (wordfreq {t['first_use_ms']['wordfreq']} ms, lemminflect {t['first_use_ms']['lemminflect']} ms, Babel {t['first_use_ms']['babel']} ms on first use) | {a['ask_s']} s | `python -c pass` {a['python_s']} s | n/a | ≤ {a['goal_s']} s |"
    )
    lines.append(sessions.markdown_rows(r["sessions"]))
    s = r["claims_store"]
    lines.append(
        f"| claims, store | {s['store_claims_per_s']}/s | raw UPDATE {s['raw_update_tx_per_s']} tx/s | {s['ratio_to_floor']} | ≥ 0.5 |"
    )
    for h in r["claims_http"]:
        lines.append(
            f"| claims, HTTP, {h['clients']} clients | {h['claims_per_s']}/s ({h['codes_delivered']}/{h['claims']} delivered) | n/a | n/a | ≥ 1,000/s |"
        )
    f = r["fanout"]
    lines.append(
        f"| fan-out, {f['reminders']} DMs at {f['limit_per_s']}/s | {f['seconds']} s, {f['duplicates']} dup, {f['lost']} lost | floor {f['floor_seconds']} s | {f['ratio_to_floor']} | ≤ 1.1× |"
    )
    for x in r["mixed"]:
        f = x["floor"]
        goal = {200: "≥ 0.5 / ≤ 2", 1000: "p99 ≤ 1 s"}.get(x["clients"], "ack within 3 s")
        lines.append(
            f"| mixed traffic, {x['clients']} clients | {x['requests_per_s']} acks/s, {x['completed_per_s']} completed/s, ack p50 {x['ack_p50_ms']} ms, p99 {x['ack_p99_ms']} ms | bare endpoint {f['requests_per_s']} acks/s, p99 {f['ack_p99_ms']} ms | acks/s {x['throughput_ratio']}, p99 {x['p99_ratio']} | {goal} |"
        )
    d = r["load"]
    lines.append(
        f"| {d['rows']:,}-row load during traffic ({d['clients']} clients) | ack p50 {d['ack_p50_ms_during_load']} ms, p99 {d['ack_p99_ms_during_load']} ms while it ran ({d['load_seconds']} s) | p99 {d['ack_p99_ms_before']} ms before it | n/a | p99 < 1 s |"
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
