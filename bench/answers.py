"""Answer latency over the question set, beside a bare FTS5 bm25 query on the same data.

    python -m bench.answers [--rounds N]

Prints p50 and p99 per question after a warm-up, on the sample event and on the sample plus
3,000 generated schedule items and FAQ entries. Goal: p99 under 10 ms and under 5 times the
bare query (measured in the same run, so the ratio holds on any machine).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from bot.answers import Concierge
from bot.clock import warm_up
from bot.importers import SAMPLE_EVENT, load_file
from bot.models import Faq, ScheduleItem
from bot.store import Store, fts_query

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "questions.toml"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def grow(store: Store, n: int) -> None:
    """Add n schedule items and n FAQ entries, spread over the event's days."""
    data = store.load_event_data()
    zone = data.event.zone
    days = data.event.days()
    topics = [
        "Serverless",
        "Containers",
        "Databases",
        "Machine learning",
        "Security",
        "Networking",
        "Analytics",
        "Storage",
    ]
    for i in range(n):
        day = days[i % len(days)]
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(
            hours=8 + i % 10
        )
        topic = topics[i % len(topics)]
        data.schedule.append(
            ScheduleItem(
                f"gen-{i}",
                "sessions",
                f"{topic} deep dive {i}",
                start,
                start + timedelta(hours=1),
                venue=data.venues[i % len(data.venues)].id,
                notes=f"Session {i} about {topic.lower()}",
                source="generated",
            )
        )
        data.faq.append(
            Faq(
                f"gen-faq-{i}",
                f"Question {i} about {topic.lower()}?",
                f"Answer {i}.",
                (topic.lower(), f"kw{i}"),
                "generated",
            )
        )
    store.save_event_data(data, replace=False)


def measure(store: Store, questions: list[dict], default_now: str, rounds: int) -> dict:
    concierge = Concierge(store)
    zone = store.event().zone
    asks = [
        (q["ask"], datetime.fromisoformat(q.get("now", default_now)).replace(tzinfo=zone))
        for q in questions
    ]
    for text, now in asks:  # warm-up: caches, dateparser, SQLite pages
        concierge.ask(text, now, record=False)
    answer_ms: list[float] = []
    for _ in range(rounds):
        for text, now in asks:
            t0 = time.perf_counter()
            concierge.ask(text, now, record=False)
            answer_ms.append((time.perf_counter() - t0) * 1000)
    bare_ms: list[float] = []
    for _ in range(rounds):
        for text, _now in asks:
            query = fts_query(text)
            t0 = time.perf_counter()
            if query:
                store.db.execute(
                    "SELECT doc_type, doc_id, bm25(search_fts) AS score FROM search_fts "
                    "WHERE search_fts MATCH ? ORDER BY score LIMIT 5",
                    [query],
                ).fetchall()
            bare_ms.append((time.perf_counter() - t0) * 1000)
    p99, bare_p99 = percentile(answer_ms, 99), percentile(bare_ms, 99)
    return {
        "questions": len(asks),
        "answer_p50_ms": round(percentile(answer_ms, 50), 3),
        "answer_p99_ms": round(p99, 3),
        "bare_fts_p50_ms": round(percentile(bare_ms, 50), 3),
        "bare_fts_p99_ms": round(bare_p99, 3),
        "p99_ratio_to_bare": round(p99 / bare_p99, 2) if bare_p99 else None,
    }


def run(rounds: int = 5, extra: int = 3000) -> dict:
    """Both measurements: the sample event, then the sample plus ``extra`` items."""
    warm_up()
    doc = tomllib.loads(QUESTIONS.read_text())
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        load_file(store, SAMPLE_EVENT)
        results["sample"] = measure(store, doc["questions"], doc["default_now"], rounds)
        grow(store, extra)
        results[f"sample+{extra}"] = measure(store, doc["questions"], doc["default_now"], rounds)
        store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results = run(args.rounds)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"{'data':<14}{'questions':>10}{'p50 ms':>9}{'p99 ms':>9}{'bare p50':>10}{'bare p99':>10}{'p99/bare':>10}"
    )
    for name, r in results.items():
        print(
            f"{name:<14}{r['questions']:>10}{r['answer_p50_ms']:>9}{r['answer_p99_ms']:>9}{r['bare_fts_p50_ms']:>10}{r['bare_fts_p99_ms']:>10}{r['p99_ratio_to_bare']:>10}"
        )
    print("goal: p99 under 10 ms and under 5x the bare FTS5 query")


if __name__ == "__main__":
    main()
