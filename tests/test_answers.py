"""Answers, by behaviour: Korean in Korean out, times in zones, saying what is known and
what is not, showing the sentence that answers, and the rules that keep neighbours out."""

import json
import subprocess
import sys
from datetime import datetime

import pytest

from tests.conftest import SEOUL, vegas

NOW = vegas("2023-11-28T10:00")


def ask(concierge, text, now=NOW, **kw):
    return concierge.ask(text, now, record=False, **kw)


def test_korean_answers_are_korean_to_the_last_word(concierge):
    answer = ask(concierge, "베르너 키노트 언제야?")
    assert answer.confident and answer.language == "ko"
    assert "오전 8:30" in answer.text and "11월 30일 (목)" in answer.text  # Babel's Korean formats
    assert "베르너 보겔스 키노트" in answer.text  # the event's own Korean title
    assert " AM" not in answer.text and "Thursday" not in answer.text


def test_times_show_the_askers_zone_and_name_both_days_across_midnight(concierge):
    answer = ask(concierge, "when is re:Play", asker_zone=SEOUL)
    assert "6:30 PM - 11:00 PM PST" in answer.text
    # in Seoul it runs from Friday morning: the asker's part names the day
    assert "11:30 AM - 4:00 PM KST on Friday" in answer.text


def test_a_time_asked_in_another_zone_is_computed(concierge):
    answer = ask(concierge, "8 am here is what time in seoul?")
    assert answer.confident and answer.intent == "timezone"
    assert "8:00 AM PST" in answer.text and "1:00 AM KST" in answer.text and "Seoul" in answer.text


def test_korea_time_in_a_question_about_an_item_shows_that_zone(concierge):
    answer = ask(concierge, "when is werner's keynote in korea time?")
    assert answer.confident and "8:30 AM - 10:30 AM PST" in answer.text
    assert "1:30 AM - 3:30 AM KST" in answer.text


def test_what_the_record_does_not_say_is_not_answered_confidently(concierge):
    """The hoodie's record says nothing of sizes: say what is known, and that sizes are not."""
    answer = ask(concierge, "what sizes does the hoodie come in?")
    assert not answer.confident
    assert "sizes" in answer.text and "hoodie" in answer.text.lower()


def test_a_how_much_needs_a_number_in_the_text(concierge):
    assert ask(concierge, "how much is the pass").confident  # "$1,799"
    answer = ask(concierge, "how much is the monorail")  # its notes give no fare
    assert not answer.confident


def test_the_sentence_that_accounts_for_a_word_is_shown(concierge):
    answer = ask(concierge, "expo map")
    assert answer.confident and "The Expo map is in the AWS Events app." in answer.text


def test_one_facility_is_not_another(concierge):
    """'prayer room' names one thing among facilities; the sample has none."""
    assert not ask(concierge, "is there a prayer room").confident
    assert not ask(concierge, "is there a mothers room").confident


def test_everyday_words_are_neither_refused_nor_corrected(concierge):
    late = ask(concierge, "running late, is lunch still on?", vegas("2023-11-28T13:30"))
    assert late.confident and late.intent == "meals"  # 'late' is not 'latte'
    folks = ask(concierge, "how many folks come to this thing")
    assert folks.confident and "50,000" in folks.text  # an FAQ by its synonyms


def test_text_speak(concierge):
    answer = ask(concierge, "wen is lunch tmrw pls")
    assert answer.confident and "Wednesday" in answer.text and "11:00 AM" in answer.text


@pytest.mark.parametrize("text", ["Where is lunch today?", "점심 어디서 먹어요?"])
def test_ask_json_keeps_its_shape(sample_db, text):
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--db", sample_db.path, "ask", "--json", "--now",
         "2023-11-28T10:00", text],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    answer = json.loads(out.stdout)
    assert set(answer) == {"text", "intent", "confident", "suggestions"}
    korean = any("\uac00" <= c <= "\ud7a3" for c in answer["text"])
    assert korean == any("\uac00" <= c <= "\ud7a3" for c in text)


def test_a_transport_word_in_an_items_own_name_asks_for_no_way_there(tmp_path):
    from pathlib import Path

    from tests.question_sets import QuestionSet

    qset = QuestionSet.read(Path(__file__).parent / "data" / "amsterdam2027.questions.toml")
    concierge = qset.concierge(tmp_path / "a.db")
    now = datetime.fromisoformat(qset.default_now).replace(tzinfo=concierge.store.event().zone)
    when = concierge.ask("when is the canal boat tour?", now, record=False)
    assert "4:00 PM" in when.text and "shuttle" not in when.text.lower()
    how = concierge.ask("how do I get to the canal boat tour?", now, record=False)
    assert "Hotel shuttle" in how.text
    concierge.store.close()


def test_an_faq_answer_to_a_question_naming_one_item_shows_that_item_too(tmp_path, fresh_db):
    from bot.answers import Concierge
    from bot.importers import load_file

    event = tmp_path / "e.toml"
    event.write_text(
        """
[event]
name = "Tiny Conf"
tz = "America/New_York"
first_day = 2027-06-08
last_day = 2027-06-09

[[venues]]
id = "cc"
name = "Convention Center"

[[schedule]]
kind = "sessions"
title = "Tutorial: Django from zero"
venue = "cc"
where = "Room 301"
start = 2027-06-08T09:00:00
end = 2027-06-08T12:00:00

[[schedule]]
kind = "sessions"
title = "Tutorial: Pandas in practice"
venue = "cc"
where = "Room 302"
start = 2027-06-08T13:30:00
end = 2027-06-08T16:30:00

[[faq]]
question = "How do I sign up for tutorials?"
answer = "Sign up on the app's Tutorials page by June 7."
keywords = ["tutorial", "sign up"]
""",
        encoding="utf-8",
    )
    load_file(fresh_db, event)
    concierge = Concierge(fresh_db)
    now = datetime.fromisoformat("2027-06-07T09:00-04:00")
    one = concierge.ask("how do i sign up for the django tutorial", now, record=False)
    assert one.confident and "Tutorials page" in one.text and "Room 301" in one.text
    assert "Room 302" not in one.text
    general = concierge.ask("how do I sign up for tutorials", now, record=False)
    assert "Tutorials page" in general.text and "Room 30" not in general.text


def test_the_way_back_from_a_party_is_the_run_leaving_while_it_is_on(tmp_path):
    from pathlib import Path

    from tests.question_sets import QuestionSet

    qset = QuestionSet.read(Path(__file__).parent / "data" / "seoul-summit2027.questions.toml")
    concierge = qset.concierge(tmp_path / "s.db")
    now = datetime.fromisoformat("2027-05-12T21:00").replace(tzinfo=concierge.store.event().zone)
    answer = concierge.ask("how do i get back from the party", now, record=False)
    assert "*Getting back*: Late bus to Gangnam Skyline Hotel" in answer.text
    assert "*Getting there*: Party bus" in answer.text
    concierge.store.close()
