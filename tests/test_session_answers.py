"""Session answers on an event other than the sample: the walk-up advice is the event's own
(found through its FAQ, in its words), codes are read at word boundaries, and what the data
cannot say stays unsure. The session question set (tests/data) covers the rest."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.answers import Concierge
from bot.importers import load_file
from tests.conftest import EXAMPLES

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2024, 9, 10, 9, 0, tzinfo=SEOUL)
STANDBY = "Standby lines open 20 minutes before the start; reserved seats are held until 5 minutes before."


def catalog(tmp_path) -> str:
    path = tmp_path / "summit.json"
    path.write_text(
        json.dumps(
            [
                {
                    "abbreviation": "PLT101",
                    "title": "Platform basics",
                    "type": "Workshop",
                    "level": "100 - Foundational",
                    "venue": "Convention Center",
                    "room": "Room 301",
                    "sessionTime": {"date": "2024-09-10", "time": "10:00", "length": 90},
                    "features": ["Recorded"],
                    "speakers": [{"name": "Mina Kim"}],
                    "isReservable": True,
                },
                {
                    "abbreviation": "PLT101-R",
                    "title": "Platform basics",
                    "type": "Workshop",
                    "level": "100 - Foundational",
                    "room": "Harbor Hotel | Ballroom",
                    "sessionTime": {"date": "2024-09-11", "time": "14:00", "length": 90},
                    "isReservable": True,
                },
            ]
        )
    )
    return str(path)


@pytest.fixture
def summit(fresh_db, tmp_path):
    load_file(fresh_db, EXAMPLES / "my-event.toml")
    load_file(fresh_db, catalog(tmp_path))
    return fresh_db


def with_faq(store, tmp_path, answer: str) -> None:
    text = (EXAMPLES / "my-event.toml").read_text()
    text += (
        '\n[[faq]]\nid = "standby"\nquestion = "Can I get in without a reservation?"\n'
        f'answer = "{answer}"\nkeywords = ["standby", "walk-up"]\n'
    )
    path = tmp_path / "with-faq.toml"
    path.write_text(text)
    load_file(store, path)


def test_the_walk_up_advice_is_the_events_own(summit, tmp_path):
    concierge = Concierge(summit)
    before = concierge.ask("where is PLT101?", NOW, record=False)
    assert before.confident and "Room 301" in before.text and STANDBY not in before.text
    # without such an FAQ, "can I walk in?" is not answered as if it were known
    assert not concierge.ask("when should I line up for PLT101?", NOW, record=False).confident
    with_faq(summit, tmp_path, STANDBY)
    after = concierge.ask("can I still get into PLT101?", NOW, record=False)
    assert after.confident and STANDBY in after.text
    assert concierge.ask("when should I line up for PLT101?", NOW, record=False).confident


def test_a_repeat_is_named_by_its_own_code_and_not_by_a_word(summit):
    concierge = Concierge(summit)
    repeat = concierge.ask("where is plt101-r", NOW, record=False)
    assert repeat.text.startswith("*PLT101-R") and "Harbor Hotel" in repeat.text.splitlines()[0]
    recorded = concierge.ask("is PLT101 recorded?", NOW, record=False)
    assert recorded.confident and recorded.text.startswith("*PLT101 ")  # not the "r" of recorded
    assert "Recorded" in recorded.text


@pytest.mark.parametrize(
    "ask",
    [
        "how many seats are left in PLT101?",
        "where is PLT999?",
        "parking near PLT101",
        "PLT101 좌석 몇 개 남았어요?",
        "is there a session on quantum computing?",
    ],
)
def test_what_the_catalog_cannot_say_is_unsure(summit, ask):
    assert not Concierge(summit).ask(ask, NOW, record=False).confident


def test_korean_gets_the_session_in_korean(summit):
    answer = Concierge(summit).ask("PLT101 언제 해요?", NOW, record=False)
    assert answer.confident and "오전 10:00" in answer.text and "반복 세션" in answer.text


def test_remind_me_about_a_repeat_finds_the_repeat(summit):
    from bot import reminders
    from bot.understanding import Understanding

    data = summit.load_event_data()
    found = reminders.find_item(Understanding(data), data, "remind me about PLT101-R", NOW)
    assert found.code == "PLT101-R"
    first = reminders.find_item(Understanding(data), data, "remind me about PLT101", NOW)
    assert first.code == "PLT101"


def test_a_session_is_in_the_events_time_and_the_askers(summit):
    answer = Concierge(summit).ask(
        "when is PLT101-R?", NOW, asker_zone=ZoneInfo("America/New_York"), record=False
    )
    first = answer.text.splitlines()[0]
    assert "2:00 PM - 3:30 PM KST" in first and "1:00 AM - 2:30 AM EDT" in first
