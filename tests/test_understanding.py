"""Understanding, stage by stage: normalize, words, the event's vocabulary, the lexicon, and
the slots (time, places, zone, unknown words). Each stage is tested on its own."""

import pytest

from bot.lang import catalog, catalogs, detect
from bot.understanding import Understanding
from bot.understanding.lexicon import CONCEPTS, Lexicon
from bot.understanding.normalize import normalize
from bot.understanding.words import WordReader, cut_ending, lemmas
from bot.understanding.zones import find_zone
from tests.conftest import vegas

NOW = vegas("2023-11-28T10:00")


@pytest.fixture(scope="module")
def understanding(sample_store):
    return Understanding(sample_store.load_event_data())


# -- 1. normalize ---------------------------------------------------------------------------


def test_slack_markup_and_emoji_are_stripped():
    text = normalize("<@U0123ABC> *where* is <https://x.example|lunch> :pizza: 🍕 today?")
    assert text == "where is lunch today?"


def test_texting_jamo_is_no_word():
    assert normalize("지갑 잃어버렸어요 ㅠㅠ") == "지갑 잃어버렸어요"
    assert normalize("ㅋㅋ 점심 어디") == "점심 어디"


def test_slacks_escapes_read_as_typed():
    # Slack sends what people type with &, < and > escaped; the words are what was typed
    assert normalize("is there a Q&amp;A after the keynote? &lt;3") == (
        "is there a q&a after the keynote? 3"
    )
    assert normalize("a &lt;b&gt; &amp;amp;") == "a b &amp;"  # once: an escaped escape stays


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("What's on at re:Play?", "what is on at replay?"),
        ("Werner's keynote", "werner keynote"),
        ("Wi-Fi", "wifi"),
        ("T-shirt", "tshirt"),
        ("don't", "do not"),
    ],
)
def test_contractions_and_punctuation_inside_words(typed, plain):
    assert normalize(typed) == plain


def test_huge_and_hostile_text_is_cut_and_survives():
    assert len(normalize("lunch " * 20000 + "\x00\x1b[31m")) <= 2000


# -- 2. words -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader():
    return WordReader(Lexicon().words | {"venetian", "mandalay"})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("shutle", "shuttle"), ("lunhc", "lunch"), ("brekfast", "breakfast"), ("keynot", "keynote"),
     ("venitian", "venetian"), ("tody", "today")],
)  # fmt: skip
def test_typos_are_put_right(reader, typed, meant):
    assert reader.correct(typed) == meant


@pytest.mark.parametrize("word", ["late", "slack", "parking", "lounges", "which", "there"])
def test_common_words_are_never_typos(reader, word):
    """wordfreq: 'late' is a word (Zipf 5.3), not a typo of 'latte' (3.3)."""
    assert reader.correct(word) == word


@pytest.mark.parametrize(("typed", "meant"), [("wen", "when"), ("tmrw", "tomorrow"), ("pls", "please"), ("nite", "night"), ("hrs", "hours")])  # fmt: skip
def test_text_speak_comes_from_the_catalog(reader, typed, meant):
    assert reader.words(typed)[0].word == meant


@pytest.mark.parametrize(("word", "lemma"), [("staying", "stay"), ("won", "win"), ("buses", "bus"), ("recorded", "record")])  # fmt: skip
def test_lemmas(word, lemma):
    assert lemma in lemmas(word)


def test_korean_words_lose_their_particles():
    ko = catalog("ko")
    assert cut_ending("점심은", ko) == "점심" and cut_ending("어디예요", ko) == "어디"
    assert cut_ending("윈", ko) == "윈"  # never empty


# -- 3. the event's vocabulary --------------------------------------------------------------


def refs(understanding, text):
    return [(m.ref.kind, m.ref.key) for m in understanding.understand(text, NOW).mentions]


def test_records_are_found_by_name_alias_korean_name_and_typo(understanding):
    assert ("item", "keynote:monday night live keynote") in refs(
        understanding, "monday night live?"
    )
    assert ("item", "party:replay") in refs(understanding, "리플레이는 언제?")  # alias + particle
    assert ("speaker", "werner") in refs(understanding, "werner's keynote")
    assert ("venue", "venetian") in refs(understanding, "the venitian")  # a typo


def test_a_role_names_a_speaker(understanding):
    assert ("speaker", "werner") in refs(understanding, "when is the CTO speaking")


def test_korean_names_need_a_word_boundary(understanding):
    assert understanding.understand("윈까지 걸어서", NOW).venues == ("wynn",)
    assert understanding.understand("윈도우 어디서 사요", NOW).venues == ()


# -- 4. the lexicon -------------------------------------------------------------------------


def test_every_catalog_has_every_message_and_only_known_concepts():
    english = catalog("en")
    for cat in catalogs():
        assert set(cat.messages) == set(english.messages), cat.code
        assert set(cat.concepts) <= set(CONCEPTS), cat.code


def test_languages_are_told_apart_by_script():
    assert detect("점심 어디") == "ko" and detect("where is lunch") == "en"


@pytest.mark.parametrize(
    ("text", "concept"),
    [("where is lunch", "lunch"), ("셔틀버스는 몇시", "shuttle"), ("any yoga?", "activity"),
     ("is there a cloakroom", "facility"), ("what's on now", "agenda")],
)  # fmt: skip
def test_concepts(understanding, text, concept):
    assert concept in understanding.understand(text, NOW).concept_names()


def test_one_syllable_korean_words_match_whole_words_only(understanding):
    """물 (water) is not in 물품보관소, 술 (drinks) is not in 기술 (technology)."""
    assert "drinks" not in understanding.understand("물품보관소 기술", NOW).concept_names()


# -- 5. slots -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("shuttle from mandalay bay to the venetian", "mandalay-bay", "venetian"),
        ("to the venetian from mandalay bay", "mandalay-bay", "venetian"),
        ("베네시안에서 만달레이베이까지", "venetian", "mandalay-bay"),
        ("venitian to mandaly bay", "venetian", "mandalay-bay"),
    ],
)
def test_origin_and_destination(understanding, text, origin, destination):
    q = understanding.understand(text, NOW)
    assert (q.origin, q.destination) == (origin, destination)


def test_a_name_that_holds_time_words_is_not_a_time(understanding):
    assert understanding.understand("when is monday night live", NOW).when is None


def test_unknown_words_are_the_ones_nothing_knows(understanding):
    assert understanding.understand("lunch options for falconers", NOW).unknown == ["falconers"]
    # "vegans" is a word the catalogs know (a dietary need): counted, and only an answer
    # that says it accounts for it
    vegans = understanding.understand("lunch options for vegans", NOW)
    assert vegans.unknown == [] and any(vegans.words[i].typed == "vegans" for i in vegans.content)
    assert understanding.understand("when is the keynote", NOW).unknown == []


def test_asked_properties_always_count(understanding):
    """'how much' is plain English, but a price is asked: it must be accounted for."""
    q = understanding.understand("how much is lunch", NOW)
    assert {q.words[i].typed for i in q.content} == {"how", "much", "lunch"}


@pytest.mark.parametrize(
    ("text", "zone"),
    [("8 am here is what time in seoul", "Asia/Seoul"), ("korea time", "Asia/Seoul"),
     ("kst", "Asia/Seoul"), ("뉴욕 시간으로", "America/New_York"), ("pst", "America/Los_Angeles")],
)  # fmt: skip
def test_zones_from_cldr_city_and_country_names(text, zone):
    """Babel's CLDR data, in English and Korean; abbreviations from zoneinfo."""
    assert find_zone(text)[0] == zone
