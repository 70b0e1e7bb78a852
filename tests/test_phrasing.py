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
