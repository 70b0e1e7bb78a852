"""`confbot faq list | show | edit | delete | export`: the organizers' saved answers on the
command line, through the real CLI; the export loads back through the event-file importer."""

import io
import json
import re
import tomllib

import pytest

from bot.answers import Concierge
from bot.cli import main
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store
from tests.conftest import EXAMPLES, vegas

SAVED_AT = vegas("2023-11-29T10:00")
ASKED_AT = vegas("2023-11-29T12:00")
DOG = "Can I bring my dog to the venue?"
DOG_ANSWER = "Only service animals are allowed in the venues.\nAsk the help desk for a water bowl."
DOG_KO = "반려견을 데려갈 수 있나요?"
DOG_KO_ANSWER = "안내견만 입장할 수 있어요."
LONG = "Is there somewhere quiet to take a phone call between sessions on the second day?"


@pytest.fixture
def db(sample_db):
    """The sample event with two saved answers: one in English from a Slack message, one in
    Korean saved without one."""
    sample_db.save_answer(
        DOG,
        DOG_ANSWER,
        questions=("are pets allowed",),
        source=("C0HELPDSK", "1700000000.000100"),
        saved_by="U0ORGANIZER",
        now=SAVED_AT,
    )
    sample_db.save_answer(DOG_KO, DOG_KO_ANSWER, language="ko", saved_by="U0ORGKR", now=SAVED_AT)
    return sample_db


def run(db, capsys, *args) -> str:
    assert main(["--db", db.path, "faq", *args]) == 0
    return capsys.readouterr().out


def refused(db, capsys, *args) -> str:
    """The one error line of a command that must fail with exit 2, without a traceback."""
    assert main(["--db", db.path, "faq", *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("confbot: "), err
    assert "Traceback" not in captured.err + captured.out
    return err[0]


def answer_to(store, question: str) -> str:
    return Concierge(store).ask(question, ASKED_AT, record=False).text


# -- list and show ----------------------------------------------------------------------------


def test_list_gives_id_language_time_in_the_event_zone_who_and_question(db, capsys):
    lines = run(db, capsys, "list").splitlines()
    assert len(lines) == 2
    assert re.split(r"\s{2,}", lines[0]) == [
        "1",
        "en",
        "2023-11-29 Wed 10:00 PST",
        "U0ORGANIZER",
        DOG,
    ]
    assert re.split(r"\s{2,}", lines[1]) == [
        "2",
        "ko",
        "2023-11-29 Wed 10:00 PST",
        "U0ORGKR",
        DOG_KO,
    ]
    assert lines[0].index(DOG) == lines[1].index(DOG_KO)  # the questions line up


def test_list_shortens_a_long_question_to_one_line(db, capsys):
    db.save_answer(LONG + "\nAnd can I charge my phone there?", "Level 2 lounge.", now=SAVED_AT)
    line = run(db, capsys, "list").splitlines()[-1]
    assert line.endswith("…") and "Is there somewhere quiet" in line
    assert "charge" not in line and "(unknown)" in line  # saved by no one recorded


def test_list_says_so_when_nothing_was_saved(sample_db, capsys):
    out = run(sample_db, capsys, "list")
    assert out.startswith("No saved answers yet")
    assert json.loads(run(sample_db, capsys, "list", "--json")) == []


def test_list_json_has_every_field_with_event_zone_times(db, capsys):
    rows = json.loads(run(db, capsys, "list", "--json"))
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["questions"] == ["are pets allowed"] and rows[0]["answer"] == DOG_ANSWER
    assert rows[0]["created_at"] == "2023-11-29T10:00:00-08:00"
    assert rows[1]["language"] == "ko" and rows[1]["saved_by"] == "U0ORGKR"


def test_show_prints_everything_about_one(db, capsys):
    out = run(db, capsys, "show", "1")
    assert "Saved answer 1 (en)" in out
    assert f"Question: {DOG}" in out and "  - are pets allowed" in out
    assert "  Only service animals are allowed in the venues.\n  Ask the help desk" in out
    assert "Saved by: U0ORGANIZER" in out
    assert "Saved: 2023-11-29 Wed 10:00 PST" in out
    assert "channel C0HELPDSK, message ts 1700000000.000100" in out


def test_show_json(db, capsys):
    row = json.loads(run(db, capsys, "show", "2", "--json"))
    assert row["question"] == DOG_KO and row["answer"] == DOG_KO_ANSWER
    assert row["language"] == "ko" and row["source_ts"] == ""
    assert row["updated_at"] == "2023-11-29T10:00:00-08:00"


# -- unknown ids and --help -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("show", "42"), ("edit", "42", "--answer", "x"), ("delete", "42", "--yes")],
)
def test_an_unknown_id_is_named_with_the_ids_there_are(db, capsys, args):
    err = refused(db, capsys, *args)
    assert "no saved answer with id 42" in err and "saved answers: 1, 2" in err
    assert len(db.saved_answers()) == 2


def test_an_id_that_is_not_a_number_is_one_line(db, capsys):
    err = refused(db, capsys, "show", "dog")
    assert "'dog' is not a saved answer's id" in err


def test_unknown_id_in_an_empty_database_says_none_are_saved(sample_db, capsys):
    assert "none saved yet" in refused(sample_db, capsys, "show", "1")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "kept apart from the event"),
        (("list",), "List every saved answer"),
        (("show",), "Show one saved answer in full"),
        (("edit",), "No editor is started"),
        (("delete",), "it needs --yes"),
        (("export",), "[[faq]]"),
    ],
)
def test_every_faq_command_has_help(capsys, args, words):
    assert main(["faq", *args, "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the description
    assert out.startswith(f"usage: confbot faq {' '.join(args)}".rstrip())
    assert words in out


# -- edit -------------------------------------------------------------------------------------


def test_edit_without_an_option_is_refused(db, capsys):
    err = refused(db, capsys, "edit", "1")
    assert "nothing to change" in err and "--answer" in err
    assert db.saved_answer(1)["answer"] == DOG_ANSWER


def test_edit_changes_what_the_bot_answers(db, capsys):
    assert "Ask the help desk" in answer_to(db, "are pets allowed")
    out = run(
        db,
        capsys,
        "edit",
        "1",
        "--answer",
        "Service animals only, in every venue.",
        "--question",
        "Can I bring my pet?",
        "--add-question",
        "is my cat allowed",
        "--add-question",
        "Is my CAT allowed",  # the same phrasing again: kept once
        "--remove-question",
        "Are  pets allowed",  # case and spacing aside
    )
    assert out.startswith("Changed saved answer 1. It is now:")
    assert "Question: Can I bring my pet?" in out and "  - is my cat allowed" in out
    assert "are pets allowed" not in out and "Saved by: U0ORGANIZER" in out
    row = db.saved_answer(1)
    assert row["questions"] == ["is my cat allowed"]
    assert row["created_at"] == "2023-11-29T18:00:00+00:00"  # 10:00 PST: saved stays put
    assert answer_to(db, "is my cat allowed").startswith("Service animals only, in every venue.")


def test_edit_reads_the_answer_from_a_file_or_standard_input(db, capsys, tmp_path, monkeypatch):
    answer = tmp_path / "answer.txt"
    answer.write_text("Dogs stay home.\nService animals are welcome.\n", encoding="utf-8")
    run(db, capsys, "edit", "1", "--answer-file", str(answer))
    assert db.saved_answer(1)["answer"] == "Dogs stay home.\nService animals are welcome."
    monkeypatch.setattr("sys.stdin", io.StringIO("강아지는 안 돼요.\n"))
    run(db, capsys, "edit", "2", "--answer-file", "-")
    assert db.saved_answer(2)["answer"] == "강아지는 안 돼요."


def test_edit_refuses_what_it_cannot_use_and_changes_nothing(db, capsys, tmp_path):
    assert "no such file" in refused(
        db, capsys, "edit", "1", "--answer-file", str(tmp_path / "nope.txt")
    )
    assert "the text is empty" in refused(db, capsys, "edit", "1", "--answer", "  ")
    assert "more than the 4000" in refused(db, capsys, "edit", "1", "--answer", "x" * 4001)
    err = refused(db, capsys, "edit", "1", "--remove-question", "dogs?")
    assert "not asked as 'dogs?'" in err and "'are pets allowed'" in err
    err = refused(db, capsys, "edit", "1", "--answer", "a", "--answer-file", "b")
    assert "not allowed with argument" in err
    assert db.saved_answer(1)["answer"] == DOG_ANSWER
    assert db.saved_answer(1)["questions"] == ["are pets allowed"]


# -- delete -----------------------------------------------------------------------------------


class Terminal(io.StringIO):
    """Standard input that is a terminal, with what the person types."""

    def isatty(self) -> bool:
        return True


def test_delete_without_a_terminal_or_yes_is_refused(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # piped, not typed: not a yes
    err = refused(db, capsys, "delete", "1")
    assert "not deleted" in err and "--yes" in err
    assert db.saved_answer(1) is not None


def test_delete_asks_on_a_terminal(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    out = run(db, capsys, "delete", "1")
    assert f'Delete saved answer 1 ("{DOG}")? [y/N]' in out and "Kept saved answer 1." in out
    assert db.saved_answer(1) is not None
    monkeypatch.setattr("sys.stdin", Terminal(""))  # Ctrl-D: no
    assert "Kept saved answer 1." in run(db, capsys, "delete", "1")
    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    assert "Deleted saved answer 1." in run(db, capsys, "delete", "1")
    assert db.saved_answer(1) is None


def test_delete_with_yes_stops_the_answer(db, capsys):
    assert "Ask the help desk" in answer_to(db, "are pets allowed")
    assert run(db, capsys, "delete", "1", "--yes") == "Deleted saved answer 1.\n"
    assert [r["id"] for r in db.saved_answers()] == [2]
    assert "Ask the help desk" not in answer_to(db, "are pets allowed")


# -- export -----------------------------------------------------------------------------------


def test_export_writes_faq_tables_with_the_korean_fields(db, capsys):
    text = run(db, capsys, "export")  # standard output
    tables = tomllib.loads(text)["faq"]
    assert tables[0] == {
        "id": "can-i-bring-my-dog-to-the-venue",
        "question": DOG,
        "answer": DOG_ANSWER,
        "questions": ["are pets allowed"],
        "source": "saved in Slack by U0ORGANIZER on 2023-11-29 (saved answer 1)",
    }
    korean = tables[1]
    assert korean["question_ko"] == DOG_KO and korean["answer_ko"] == DOG_KO_ANSWER
    assert korean["question"] == DOG_KO  # the event file requires one; no English to give
    assert "questions" not in korean and "keywords" not in korean
    assert text.startswith("# Saved answers exported by `confbot faq export`")


def test_export_round_trips_through_the_event_file_importer(db, capsys, tmp_path):
    exported = tmp_path / "saved.toml"
    out = run(db, capsys, "export", str(exported))
    assert out == f"Wrote 2 saved answers to {exported} as [[faq]] tables.\n"
    event_file = tmp_path / "next-year.toml"
    event_file.write_text(
        (EXAMPLES / "my-event.toml").read_text(encoding="utf-8")
        + "\n"
        + exported.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    store = Store(tmp_path / "next-year.db")  # no saved answers: only the event file answers
    try:
        assert "Ask the help desk" not in answer_to(store, "are pets allowed")
        load_file(store, event_file)
        assert store.saved_answers() == []
        answer = answer_to(store, "are pets allowed")
        assert answer == DOG_ANSWER  # in full, and the event's own voice, not a saved answer's
        assert answer_to(store, DOG_KO) == DOG_KO_ANSWER
    finally:
        store.close()


def test_export_with_two_answers_to_one_question_keeps_both(db, capsys):
    db.save_answer(DOG, "Ask at the help desk.", now=SAVED_AT)
    ids = [t["id"] for t in tomllib.loads(run(db, capsys, "export"))["faq"]]
    assert ids[0] == "can-i-bring-my-dog-to-the-venue" and len(set(ids)) == 3
    assert ids[2] == "can-i-bring-my-dog-to-the-venue-3"


def test_export_never_overwrites_a_file(db, capsys, tmp_path):
    event_file = tmp_path / "event.toml"
    event_file.write_text("[event]\n", encoding="utf-8")
    err = refused(db, capsys, "export", str(event_file))
    assert "event.toml exists" in err and "confbot faq export >>" in err
    assert event_file.read_text(encoding="utf-8") == "[event]\n"


def test_export_of_nothing_writes_nothing(sample_db, capsys, tmp_path):
    assert main(["--db", sample_db.path, "faq", "export", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no saved answers" in captured.err
    assert "not written" in run(sample_db, capsys, "export", str(tmp_path / "faq.toml"))
    assert not (tmp_path / "faq.toml").exists()


# -- saved answers are not event data ---------------------------------------------------------


def test_a_saved_answer_survives_load_replace(db, capsys):
    assert main(["--db", db.path, "load", str(SAMPLE_EVENT), "--replace"]) == 0
    capsys.readouterr()
    lines = run(db, capsys, "list").splitlines()
    assert len(lines) == 2 and lines[0].endswith(DOG)
    assert answer_to(db, "are pets allowed").startswith(DOG_ANSWER)
