"""A big session catalog: load time, answer latency beside a bare FTS5 query, serve memory.

    python -m bench.sessions [--sessions N] [--rounds N]

Generates a catalog of N sessions (default 5,000) in the catalog export's format (codes with
repeats, rooms with and without the hotel, ragged records, tags, speakers) over the sample
event's venues, then measures, each beside a baseline from the same run:

- loading it into the sample event (`confbot load`'s code path), beside the bare SQLite
  inserts of the same rows; goal: at most 5 s;
- answering session questions (the session question set's, and generated ones about the
  generated sessions), p50 and p99, beside a bare FTS5 bm25 query for the same text over the
  same sessions; goal: p99 at most 5 times the bare query's;
- the resident memory of a `confbot serve` process with the catalog loaded, after it has
  answered questions, beside one serving the sample alone; goal: at most 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

from bench.answers import percentile
from bot.answers import Concierge
from bot.clock import warm_up
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store, fts_query

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "reinvent2023-sessions.questions.toml"

PREFIXES = ["ANT", "ARC", "CMP", "CON", "DAT", "DEV", "DOP", "NET", "SEC", "STG", "SVS", "AIM",
            "IOT", "OPN", "COP", "ENT", "SUS", "MAE", "FSI", "WPS"]  # fmt: skip
TOPICS = ["Analytics", "Architecture", "Compute", "Containers", "Databases", "Developer Tools",
          "DevOps", "Networking", "Security", "Storage", "Serverless", "Machine Learning",
          "Internet of Things", "Open Source", "Cloud Operations", "Migration", "Sustainability",
          "Media", "Financial Services", "Public Sector"]  # fmt: skip
SERVICES = ["Amazon S3", "AWS Lambda", "Amazon EKS", "Amazon DynamoDB", "Amazon Aurora",
            "Amazon EC2", "Amazon VPC", "AWS IAM", "Amazon Bedrock", "Amazon SageMaker",
            "AWS CDK", "Amazon Kinesis", "AWS Glue", "Amazon ECS", "AWS Step Functions"]  # fmt: skip
WORDS = ["building", "scaling", "securing", "observing", "migrating", "optimizing", "designing",
         "operating", "automating", "testing", "modernizing", "deploying"]  # fmt: skip
THINGS = ["event-driven systems", "data lakes", "multi-tenant platforms", "global applications",
          "streaming pipelines", "zero trust networks", "golden paths", "chaos experiments",
          "vector search", "batch workloads", "edge devices", "cost dashboards"]  # fmt: skip
TYPES = ["Breakout session", "Chalk talk", "Workshop", "Code talk", "Builders' session",
         "Lightning talk"]  # fmt: skip
LEVELS = ["100 - Foundational", "200 - Intermediate", "300 - Advanced", "400 - Expert"]
VENUES = ["Venetian", "Caesars Forum", "Wynn", "Encore", "MGM Grand", "Mandalay Bay"]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gia", "Hugo", "Ines", "Jun", "Kai",
         "Lena", "Mo", "Nia", "Omar", "Pia", "Quinn", "Ravi", "Sara", "Tomas"]  # fmt: skip
LAST = ["Abbott", "Bauer", "Costa", "Diaz", "Eze", "Fischer", "Garcia", "Haddad", "Ito",
        "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quint",
        "Rossi", "Silva", "Tanaka", "Ueda", "Vargas", "Weber", "Xu", "Yilmaz", "Zhou"]  # fmt: skip


def catalog(n: int, seed: int = 14) -> list[dict]:
    """n sessions over the sample event's days and venues, about one in six a repeat."""
    rng = random.Random(seed)
    days = [date(2023, 11, 27) + timedelta(days=d) for d in range(5)]
    records: list[dict] = []
    number = 100
    while len(records) < n:
        number += 1
        prefix = rng.choice(PREFIXES)
        code = f"{prefix}{number % 900 + 100}{'' if number < 1000 else chr(65 + number % 26)}"
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(THINGS)} with {rng.choice(SERVICES)}"
        record = {
            "sessionUid": f"uid-{number}",
            "abbreviation": code,
            "title": f"{title} ({number})",
            "abstract": f"How teams approach {rng.choice(THINGS)} when {rng.choice(WORDS)} "
            f"{rng.choice(THINGS)}. Session {number}.",
            "type": rng.choice(TYPES),
            "level": rng.choice(LEVELS),
            "topics": rng.sample(TOPICS, 2),
            "services": rng.sample(SERVICES, 2),
            "speakers": [
                {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
                for _ in range(rng.randint(1, 3))
            ],
            "isReservable": rng.random() < 0.9,
            "lastModified": "2023-11-20T10:00:00Z",
        }
        venue = rng.choice(VENUES)
        room = f"Level {rng.randint(1, 5)} | Room {rng.randint(100, 599)}"
        if rng.random() < 0.2:
            record["room"] = f"{venue} | {room}"  # the hotel in the room, no venue field
        else:
            record["venue"], record["room"] = venue, room
        if rng.random() < 0.02:
            record["sessionTime"] = None  # time to be announced
        else:
            record["sessionTime"] = {
                "date": rng.choice(days).isoformat(),
                "time": f"{rng.randint(8, 17):02d}:{rng.choice(['00', '30'])}",
                "length": rng.choice([20, 60, 60, 60, 120]),
            }
        records.append(record)
        if rng.random() < 0.15 and len(records) < n:  # a repeat, another day and place
            repeat = json.loads(json.dumps(record))
            repeat["abbreviation"] = f"{code}-R"
            repeat["venue"] = rng.choice(VENUES)
            repeat["room"] = room
            repeat["sessionTime"] = {
                "date": rng.choice(days).isoformat(),
                "time": f"{rng.randint(8, 17):02d}:00",
                "length": 60,
            }
            records.append(repeat)
    return records[:n]


def questions(records: list[dict]) -> list[str]:
    """The session question set's questions, and questions about the generated sessions."""
    doc = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    asks = [q["ask"] for q in doc["questions"]]
    rng = random.Random(7)
    for r in rng.sample(records, 40):
        asks += [
            f"where is {r['abbreviation']}?",
            f"{r['topics'][0].lower()} sessions tomorrow afternoon",
        ]
    asks += [f"{t.lower()} workshops on thursday" for t in TOPICS[:10]]
    asks += [f"sessions at {v} at 3 pm" for v in VENUES]
    return asks


def load_seconds(db: Path, path: Path, records: list[dict]) -> dict:
    """The catalog into the sample event, beside inserting its rows into a bare table."""
    store = Store(db)
    load_file(store, SAMPLE_EVENT)
    t0 = time.perf_counter()
    load_file(store, path)
    seconds = time.perf_counter() - t0
    store.close()
    bare = sqlite3.connect(db.with_name("bare.db"), isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("CREATE TABLE s (id TEXT PRIMARY KEY, title TEXT, body TEXT, start TEXT)")
    t0 = time.perf_counter()
    rows = json.loads(path.read_text())
    bare.execute("BEGIN")
    bare.executemany(
        "INSERT INTO s VALUES (?, ?, ?, ?)",
        [(r["abbreviation"], r["title"], r["abstract"], str(r.get("sessionTime"))) for r in rows],
    )
    bare.execute("COMMIT")
    baseline = time.perf_counter() - t0
    bare.close()
    return {
        "sessions": len(records),
        "load_s": round(seconds, 2),
        "bare_insert_s": round(baseline, 3),
        "ratio_to_bare": round(seconds / baseline, 1) if baseline else None,
    }


def answer_latency(db: Path, asks: list[str], rounds: int) -> dict:
    store = Store(db)
    concierge = Concierge(store)
    zone = store.event().zone
    from datetime import datetime

    now = datetime(2023, 11, 28, 10, 0, tzinfo=zone)
    t0 = time.perf_counter()
    concierge.ask("where is lunch", now, record=False)  # builds the indexes once per load
    index_s = time.perf_counter() - t0
    for text in asks:  # warm-up: caches, dateparser, SQLite pages
        concierge.ask(text, now, record=False)
    answer_ms: list[float] = []
    for _ in range(rounds):
        for text in asks:
            t0 = time.perf_counter()
            concierge.ask(text, now, record=False)
            answer_ms.append((time.perf_counter() - t0) * 1000)
    bare_ms: list[float] = []
    for _ in range(rounds):
        for text in asks:
            query = fts_query(text)
            t0 = time.perf_counter()
            if query:
                store.db.execute(
                    "SELECT doc_type, doc_id, bm25(search_fts) AS score FROM search_fts "
                    "WHERE search_fts MATCH ? ORDER BY score LIMIT 5",
                    [query],
                ).fetchall()
            bare_ms.append((time.perf_counter() - t0) * 1000)
    store.close()
    p99, bare_p99 = percentile(answer_ms, 99), percentile(bare_ms, 99)
    return {
        "questions": len(asks),
        "index_build_s": round(index_s, 2),
        "answer_p50_ms": round(percentile(answer_ms, 50), 2),
        "answer_p99_ms": round(p99, 2),
        "bare_fts_p50_ms": round(percentile(bare_ms, 50), 2),
        "bare_fts_p99_ms": round(bare_p99, 2),
        "p99_ratio_to_bare": round(p99 / bare_p99, 2) if bare_p99 else None,
    }


def _rss_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


async def serve_rss(db: Path, asks: list[str]) -> dict:
    """A `confbot serve` process on ``db``, after it has answered ``asks`` as DMs."""
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import ServeProcess

    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(str(db), fake, now="2023-11-28T10:00")
    harness = await server.start()
    try:
        for n, text in enumerate(asks):
            await harness.dm(text, user=f"U{n % 50:08d}")
            if n % 50 == 49:  # a steady stream, not one burst
                await fake.wait_for("chat.postMessage", n + 1, timeout=120)
        await fake.wait_for("chat.postMessage", len(asks), timeout=120)
        now, peak = _rss_mb(server.proc.pid)
    finally:
        await server.stop(harness)
        await fake.stop()
    return {"rss_mb": round(now, 1), "peak_rss_mb": round(peak, 1)}


def run(n: int = 5000, rounds: int = 3, serve: bool = True) -> dict:
    warm_up()
    records = catalog(n)
    asks = questions(records)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.json"
        path.write_text(json.dumps(records))
        db = Path(tmp) / "sessions.db"
        results["load"] = load_seconds(db, path, records)
        results["answers"] = answer_latency(db, asks, rounds)
        if serve:
            sample = Path(tmp) / "sample.db"
            store = Store(sample)
            load_file(store, SAMPLE_EVENT)
            store.close()
            # every question, and one about each of 400 sessions: the caches as after a day
            many = asks + [f"when is {r['abbreviation']}?" for r in records[:400]]
            results["serve"] = {
                "sample": asyncio.run(serve_rss(sample, many)),
                f"sample+{n}": asyncio.run(serve_rss(db, many)),
            }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5000, help="sessions in the catalog")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve memory figure")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results = run(args.sessions, args.rounds, serve=not args.no_serve)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(markdown_rows(results))


def markdown_rows(r: dict) -> str:
    load, a = r["load"], r["answers"]
    lines = [
        f"| catalog load, {load['sessions']} sessions | {load['load_s']} s | bare inserts "
        f"{load['bare_insert_s']} s | {load['ratio_to_bare']} | ≤ 5 s |",
        f"| session answers, {a['questions']} questions | p50 {a['answer_p50_ms']} ms, p99 "
        f"{a['answer_p99_ms']} ms (indexes built once per load: {a['index_build_s']} s) | bare "
        f"FTS5 p99 {a['bare_fts_p99_ms']} ms | {a['p99_ratio_to_bare']} | ≤ 5× |",
    ]
    if "serve" in r:
        names = list(r["serve"])
        base, big = r["serve"][names[0]], r["serve"][names[1]]
        lines.append(
            f"| serve memory, {names[1]} | RSS {big['rss_mb']} MB (peak {big['peak_rss_mb']} MB) "
            f"| sample alone {base['rss_mb']} MB | {round(big['rss_mb'] / base['rss_mb'], 2)} "
            f"| ≤ 200 MB |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
