"""How people phrase things that name no record: asking who to tell, saying they ordered
something, a lost thing named in slang. A small event written for these (not held out)."""

from datetime import datetime
from pathlib import Path

import pytest

from bot.answers import Concierge
from bot.importers import load_file

EVENT = Path(__file__).parent / "data" / "phrasing" / "pittsburgh-small.toml"
NOW = datetime.fromisoformat("2027-06-08T08:30-04:00")


@pytest.fixture(scope="module")
def concierge(tmp_path_factory):
    from bot.store import Store

    store = Store(tmp_path_factory.mktemp("phrasing") / "p.db")
    load_file(store, EVENT)
    yield Concierge(store)
    store.close()


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("who do i tell if someone is making me uncomfortable", "safety hotline"),
        ("who do i talk to about harassment", "safety hotline"),  # a contact, not talks
        ("i ordered a kosher meal, where do i pick it up", "Special Meals table"),
        ("wheres lost n found? i left my scarf somewhere", "Registration desk"),
        ("next shuttle from the omni to the lc", "8:30 AM"),
    ],
)
def test_answered_confidently(concierge, question, fact):
    answer = concierge.ask(question, NOW, record=False)
    assert answer.confident and fact in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    ["when does the talk start", "who is the keynote speaker", "can I order a pizza to my room"],
)
def test_still_not_made_up(concierge, question):
    assert not concierge.ask(question, NOW, record=False).confident


CSV = Path(__file__).parent / "data" / "phrasing" / "agenda-small.csv"
CSV_NOW = datetime.fromisoformat("2027-10-19T10:00+11:00")


@pytest.fixture(scope="module")
def agenda(tmp_path_factory):
    """An agenda spreadsheet's quirks: talks as 'Title — Speaker', an all-day barista cart,
    an afternoon tea with a Korean alias."""
    from bot.store import Store

    store = Store(tmp_path_factory.mktemp("agenda") / "a.db")
    load_file(store, CSV, name="Agenda Conf", tz="Australia/Melbourne")
    yield Concierge(store)
    store.close()


def test_a_title_ending_in_a_byline_is_a_talk_by_that_person(agenda):
    data = agenda.store.load_event_data()
    talks = {i.title: (i.kind, i.speaker) for i in data.schedule}
    assert talks["Streaming pipelines with Kafka — Sam Lee"] == ("sessions", "Sam Lee")
    assert talks["Keynote: Data at scale — Mia Tran"] == ("keynote", "Mia Tran")


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("where is the kafka talk", "Room 210"),
        ("when is ana ruiz speaking", "11:00 AM"),
        ("where can i get coffee now", "until 5:00 PM"),  # the barista cart, open all day
        ("간식 언제예요?", "오후 3:00"),  # the afternoon tea's own alias, not "no snacks"
        ("where do i sign up for the hands on dbt lab", "Room 213"),  # "hands-on" typed apart
        ("what time does the swag counter open tomorrow", "9:30 AM"),  # a desk by another word
    ],
)
def test_agenda_rows_answered(agenda, question, fact):
    answer = agenda.ask(question, CSV_NOW, record=False)
    assert answer.confident and fact in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("when's the last shuttle back from networking drinks tonight", "until 9:00 PM"),
        ("루프탑 가는 다음 셔틀 언제예요?", "오후 6:00"),  # by the drinks' Korean alias
    ],
)
def test_the_shuttle_of_an_item_named(agenda, question, fact):
    evening = datetime.fromisoformat("2027-10-19T18:00+11:00")
    answer = agenda.ask(question, evening, record=False)
    assert answer.confident and fact in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "wifi password?",  # "Networking drinks" and "neural networks" say nothing of Wi-Fi
        "is lunch kosher?",  # its notes say vegetarian and halal: not kosher
        "is there parking",  # "parking" is no mention of a talk by Jun Park
        "is there a kiosk",
        "주차장 어디예요?",
    ],
)
def test_agenda_questions_the_data_cannot_answer(agenda, question):
    assert not agenda.ask(question, CSV_NOW, record=False).confident


def test_a_dietary_need_the_notes_name_is_answered(agenda):
    tomorrow = datetime.fromisoformat("2027-10-20T10:00+11:00")
    answer = agenda.ask("is lunch halal?", tomorrow, record=False)
    assert answer.confident and "halal" in answer.text


def test_a_person_is_named_by_their_name_as_typed(agenda):
    answer = agenda.ask("when is jun park's talk", CSV_NOW, record=False)
    assert answer.confident and "Room 210" in answer.text
    (talk,) = [i for i in agenda.store.load_event_data().schedule if "Jun Park" in i.title]
    assert talk.speaker == "Jun Park"  # a byline, whatever kind the title reads as
