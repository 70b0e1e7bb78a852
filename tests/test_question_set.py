"""The question set: at least 95% right and none confidently wrong.

Each question in tests/data/questions.toml lists the facts its answer must hold, or that it
must say it does not know. A wrong answer is only tolerated when the bot says it is unsure.
"""

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import VEGAS

QUESTIONS = tomllib.loads((Path(__file__).parent / "data" / "questions.toml").read_text())


def grade(concierge, q: dict, default_now: str) -> tuple[str, object]:
    now = datetime.fromisoformat(q.get("now", default_now)).replace(tzinfo=VEGAS)
    zone = ZoneInfo(q["tz"]) if "tz" in q else None
    answer = concierge.ask(q["ask"], now, asker_zone=zone, record=False)
    if q.get("unknown"):
        return ("right" if not answer.confident else "confidently wrong"), answer
    missing = [fact for fact in q["expect"] if fact.lower() not in answer.text.lower()]
    if not missing:
        return ("right" if answer.confident else "unsure"), answer
    return ("confidently wrong" if answer.confident else "unsure"), answer


def test_the_set_is_big_and_varied():
    qs = QUESTIONS["questions"]
    assert len(qs) >= 150
    assert sum(1 for q in qs if any("\uac00" <= c <= "\ud7a3" for c in q["ask"])) >= 25
    assert sum(1 for q in qs if q.get("unknown")) >= 10


def test_at_least_95_percent_right_and_none_confidently_wrong(concierge):
    results = [(q, *grade(concierge, q, QUESTIONS["default_now"])) for q in QUESTIONS["questions"]]
    wrong = [
        (q["ask"], verdict, a.text) for q, verdict, a in results if verdict == "confidently wrong"
    ]
    right = sum(1 for _, verdict, _ in results if verdict == "right")
    report = "\n".join(f"{v}: {ask!r}\n    {text[:300]!r}" for ask, v, text in wrong)
    unsure = "\n".join(f"unsure: {q['ask']!r}" for q, v, _ in results if v == "unsure")
    assert not wrong, f"confidently wrong:\n{report}"
    assert right / len(results) >= 0.95, f"{right}/{len(results)} right\n{unsure}"


@pytest.mark.parametrize(
    "q", [q for q in QUESTIONS["questions"] if q.get("unknown")], ids=lambda q: q["ask"]
)
def test_unknown_questions_are_recorded_for_organizers(sample_db, q):
    from bot.answers import Concierge

    answer = Concierge(sample_db).ask(q["ask"], datetime(2023, 11, 28, 10, tzinfo=VEGAS))
    assert not answer.confident and len(answer.suggestions) == 3
    assert "don't know" in answer.text
    assert sample_db.unanswered()[0]["example"] == q["ask"]


def test_korean_askers_hear_the_unknown_and_help_in_korean(concierge):
    from tests.conftest import vegas

    unknown = concierge.ask("주차 어디서 해요?", vegas("2023-11-28T10:00"), record=False)
    assert not unknown.confident and unknown.text.startswith("죄송해요")
    assert concierge.ask("안녕", vegas("2023-11-28T10:00"), record=False).text.startswith(
        "안녕하세요"
    )
    assert concierge.ask(
        "where is parking", vegas("2023-11-28T10:00"), record=False
    ).text.startswith("I don't know")
