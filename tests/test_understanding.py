"""Understanding pieces: markup stripped, typos put right (and real words left alone),
venues found in English and Korean, and which venue is the origin."""

import pytest

from bot.understand import Lexicon, correct, normalize, tokens, understand
from tests.conftest import vegas

NOW = vegas("2023-11-28T10:00")


@pytest.fixture(scope="module")
def lexicon(sample_store):
    return Lexicon(sample_store.load_event_data())


def ask(sample_store, lexicon, text):
    return understand(text, NOW, sample_store.load_event_data(), lexicon)


def test_slack_markup_and_emoji_are_stripped():
    text = normalize("<@U0123ABC> *where* is <https://x.example|lunch> :pizza: 🍕 today?")
    assert text == "where is lunch today?"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("shutle", "shuttle"), ("lunhc", "lunch"), ("brekfast", "breakfast"), ("keynot", "keynote")],
)
def test_typos_are_put_right(typed, meant):
    assert correct(typed) == meant


@pytest.mark.parametrize("word", ["slack", "lounges", "hotels", "which", "there"])
def test_real_words_are_not_typos(word, lexicon):
    assert tokens(word, lexicon.known) == (word,)


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("shuttle from mandalay bay to the venetian", "mandalay-bay", "venetian"),
        ("to the venetian from mandalay bay", "mandalay-bay", "venetian"),
        ("베네시안에서 만달레이베이까지", "venetian", "mandalay-bay"),
        ("만달레이베이로 가는 셔틀 베네시안에서", "venetian", "mandalay-bay"),
        ("venitian to mandaly bay", "venetian", "mandalay-bay"),
    ],
)
def test_origin_and_destination(sample_store, lexicon, text, origin, destination):
    q = ask(sample_store, lexicon, text)
    assert (q.origin, q.destination) == (origin, destination)


def test_korean_venue_names_need_a_word_boundary(sample_store, lexicon):
    assert ask(sample_store, lexicon, "윈까지 걸어서").venues == ("wynn",)
    assert ask(sample_store, lexicon, "윈도우 어디서 사요").venues == ()


def test_a_place_word_after_near_counts_for_less(sample_store, lexicon):
    q = ask(sample_store, lexicon, "lunch near the expo")
    assert q.topic == "meals"


def test_capitalized_unknown_names_are_collected(sample_store, lexicon):
    assert "seattle" in ask(sample_store, lexicon, "what's the weather in Seattle").names
    assert ask(sample_store, lexicon, "When is Werner's keynote").names == ("werner",)


def test_huge_and_hostile_text_is_cut_and_survives(sample_store, lexicon):
    q = ask(sample_store, lexicon, "lunch " * 20000 + "\x00\x1b[31m")
    assert q.topic == "meals" and len(q.normalized) <= 2000
