"""Question sets: an event (file or agenda CSV) and the questions attendees ask about it.

A set file (``*.questions.toml``) names its event file relative to itself, a default moment
and the questions, each with the facts its answer must hold or ``unknown = true``. The
bundled sample's set (``questions.toml``) has no ``event`` key: it is the sample. A set may
also name session catalogs (``catalogs = [...]``, relative to itself), loaded into the event
in that order.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.answers import Concierge
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store

DATA = Path(__file__).resolve().parent / "data"
SETS = sorted(DATA.glob("questions.toml")) + sorted(DATA.rglob("*.questions.toml"))


@dataclass
class QuestionSet:
    path: Path
    event: Path
    name: str | None
    tz: str | None
    default_now: str
    questions: list[dict]
    catalogs: tuple[Path, ...] = ()

    @classmethod
    def read(cls, path: Path) -> QuestionSet:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        event = path.parent / doc["event"] if "event" in doc else SAMPLE_EVENT
        catalogs = tuple(path.parent / c for c in doc.get("catalogs", []))
        return cls(
            path,
            event,
            doc.get("name"),
            doc.get("tz"),
            doc["default_now"],
            doc["questions"],
            catalogs,
        )

    def concierge(self, db: Path) -> Concierge:
        store = Store(db)
        load_file(store, self.event, name=self.name, tz=self.tz)
        for catalog in self.catalogs:  # sessions join the event
            load_file(store, catalog)
        return Concierge(store)


def grade(concierge: Concierge, q: dict, default_now: str) -> tuple[str, object]:
    """'right', 'unsure' or 'confidently wrong', and the answer."""
    zone = concierge.store.event().zone
    now = datetime.fromisoformat(q.get("now", default_now)).replace(tzinfo=zone)
    asker = ZoneInfo(q["tz"]) if "tz" in q else None
    answer = concierge.ask(q["ask"], now, asker_zone=asker, record=False)
    if q.get("unknown"):
        return ("right" if not answer.confident else "confidently wrong"), answer
    missing = [fact for fact in q["expect"] if fact.lower() not in answer.text.lower()]
    if not missing:
        return ("right" if answer.confident else "unsure"), answer
    return ("confidently wrong" if answer.confident else "unsure"), answer


def score(qset: QuestionSet, db: Path) -> tuple[Counter, list[tuple[dict, str, object]]]:
    concierge = qset.concierge(db)
    results = [(q, *grade(concierge, q, qset.default_now)) for q in qset.questions]
    concierge.store.close()
    return Counter(verdict for _, verdict, _ in results), results


if __name__ == "__main__":  # python -m tests.question_sets [--show] [SET...]
    import sys
    import tempfile

    show = "--show" in sys.argv
    wanted = [a for a in sys.argv[1:] if not a.startswith("--")]
    for path in SETS:
        if wanted and not any(w in str(path) for w in wanted):
            continue
        qset = QuestionSet.read(path)
        held_out = "heldout" in path.parts
        with tempfile.TemporaryDirectory() as tmp:
            counts, results = score(qset, Path(tmp) / "q.db")
        total = sum(counts.values())
        print(
            f"{path.relative_to(DATA)}: {counts['right']}/{total} right, "
            f"{counts['unsure']} unsure, {counts['confidently wrong']} confidently wrong"
        )
        if show and not held_out:
            for q, verdict, answer in results:
                if verdict != "right":
                    want = "unknown" if q.get("unknown") else q["expect"]
                    print(f"  {verdict}: {q['ask']!r} now={q.get('now', '')} want={want}")
                    print(f"    {answer.text[:300]!r}")
