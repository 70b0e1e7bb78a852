"""Issue 15: the console renders answers for a terminal (ANSI on a TTY, plain text otherwise,
links as 'label (url)'); a read-only database still answers; CLI times in the event's zone."""

import io
import json
import sqlite3

import pytest

from bot.answers import Concierge
from bot.cli import main
from bot.clock import fixed_clock
from bot.console import run_console
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store
from bot.terminal import BOLD, BOLD_OFF, ITALIC, ITALIC_OFF, render, wants_style
from tests.conftest import vegas


class Terminal(io.StringIO):
    def isatty(self):
        return True


def converse(store, out, text="where is lunch today?\nhi\n"):
    clock = fixed_clock(vegas("2023-11-28T10:00"))
    run_console(
        Concierge(store), store.event(), clock, False, None, stdin=io.StringIO(text), stdout=out
    )
    return out.getvalue()


def test_the_console_shows_bold_and_italics_with_ansi_on_a_terminal(sample_db, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = converse(sample_db, Terminal())
    assert f"{BOLD}Lunch{BOLD_OFF}" in out and "*Lunch*" not in out
    assert ITALIC in out and ITALIC_OFF in out  # help's examples are in italics
    assert "_where" not in out


def test_the_console_prints_plain_text_when_not_a_terminal(sample_db):
    out = converse(sample_db, io.StringIO())
    assert "Lunch is served" in out
    assert "\033[" not in out and "*Lunch*" not in out and "_where" not in out


def test_no_color_and_dumb_terminals_get_plain_text(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_style(Terminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not wants_style(Terminal())


@pytest.mark.parametrize(
    ("mrkdwn", "plain"),
    [
        ("See <https://example.com/map|the map>.", "See the map (https://example.com/map)."),
        ("<https://example.com/a_b_c>", "https://example.com/a_b_c"),
        ("Ask in <#C0123ABCD|help-desk>, <@U0123ABCD>", "Ask in #help-desk, @U0123ABCD"),
        ("*Lunch* at _Hall B_ &amp; more &lt;3", "Lunch at Hall B & more <3"),
        ("snake_case and 2*3*4 stay", "snake_case and 2*3*4 stay"),
        ("<!date^1701187200^{time}|10:00 AM>", "10:00 AM"),
    ],
)
def test_links_render_as_label_and_url_and_markup_as_words(mrkdwn, plain):
    assert render(mrkdwn, styled=False) == plain


def test_ask_prints_plain_text_into_a_pipe(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "c.db"), "ask", "--now", "2023-11-28T10:00", "lunch?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Lunch is served") and "*" not in out


@pytest.fixture
def read_only(tmp_path):
    db = tmp_path / "ro.db"
    store = Store(db)
    load_file(store, SAMPLE_EVENT)
    store.close()
    return db, f"file:{db}?mode=ro"


def unanswered_rows(db) -> int:
    return sqlite3.connect(db).execute("SELECT count(*) FROM unanswered").fetchone()[0]


def test_a_read_only_database_still_answers_ask_with_one_warning(read_only, capsys):
    db, uri = read_only
    assert main(["--db", uri, "ask", "--now", "2023-11-28T10:00", "is there a prayer room"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip()  # an answer (it does not know, and says so)
    warning = captured.err.strip().splitlines()
    assert len(warning) == 1 and "read-only" in warning[0] and "without recording" in warning[0]
    assert unanswered_rows(db) == 0


def test_a_read_only_database_still_answers_chat_with_one_warning(read_only, capsys, monkeypatch):
    db, uri = read_only
    monkeypatch.setattr("sys.stdin", io.StringIO("where is lunch?\nprayer room?\nwifi?\n"))
    assert main(["--db", uri, "chat", "--now", "2023-11-28T10:00"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("bot> ") == 3 and "Lunch is served" in captured.out
    assert len(captured.err.strip().splitlines()) == 1 and "read-only" in captured.err
    assert unanswered_rows(db) == 0


def test_an_empty_read_only_database_says_there_is_nothing_to_answer_from(tmp_path, capsys):
    db = tmp_path / "empty.db"
    Store(db).close()
    assert main(["--db", f"file:{db}?mode=ro", "ask", "lunch"]) == 2
    assert "read-only" in capsys.readouterr().err


def test_stats_and_unanswered_times_are_in_the_event_zone_named(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    main(["--db", db, "ask", "--now", "2023-11-28T10:05", "is there a prayer room"])
    store = Store(db)
    campaign, _ = store.import_codes("AWS $25", ["AWS25-00001"], vegas("2023-11-28T09:00"))
    store.claim(campaign.id, "U0123ABCD", vegas("2023-11-28T10:20"))
    capsys.readouterr()
    assert main(["--db", db, "unanswered"]) == 0
    assert "last 2023-11-28 Tue 10:05 PST" in capsys.readouterr().out
    assert main(["--db", db, "unanswered", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["last_asked"] == "2023-11-28T10:05:00-08:00"
    assert main(["--db", db, "stats"]) == 0
    out = capsys.readouterr().out
    assert "2023-11-28 Tue 10:00 PST" in out and "UTC" not in out
    assert main(["--db", db, "credits", "stats"]) == 0
    assert "2023-11-28 Tue 10:00 PST  1 claimed" in capsys.readouterr().out
