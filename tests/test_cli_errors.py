"""Issue 15: no traceback from any command, on a bad path, a closed stdout or a bad option: one
line on stderr and the README's exit codes. And --db before or after the command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store
from tests.conftest import EXAMPLES, vegas

ROOT = Path(__file__).resolve().parent.parent
AGENDA = str(EXAMPLES / "agenda.csv")
CODES = str(EXAMPLES / "codes.csv")

# Every command, run in a way that succeeds and writes to stdout. `serve` runs until stopped,
# so it is only in the bad path and bad option cases.
COMMANDS = {
    "load": ["load", AGENDA],
    "ask": ["ask", "--now", "2023-11-28T10:00", "where", "is", "lunch"],
    "chat": ["chat", "--now", "2023-11-28T10:00"],
    "unanswered": ["unanswered"],
    "backup": ["backup", "{tmp}/copy.db"],
    "stats": ["stats"],
    "reminders": ["reminders", "--now", "2023-11-28T07:00", "--all"],
    "credits import": ["credits", "import", "Builders", CODES, "--create"],
    "credits campaign": ["credits", "campaign", "AWS $25"],
    "credits stats": ["credits", "stats"],
    "credits revoke": ["credits", "revoke", "AWS25-00001"],
    "credits reissue": ["credits", "reissue", "U0123ABCD"],
    "credits export": ["credits", "export", "AWS $25", "{tmp}/audit.csv"],
    "ics": ["ics", "--keynotes", "--out", "{tmp}/keynotes.ics"],
    "faq list": ["faq", "list"],
    "faq show": ["faq", "show", "1"],
    "faq edit": ["faq", "edit", "1", "--add-question", "is there a prayer room"],
    "faq delete": ["faq", "delete", "2", "--yes"],  # another than the others read: they run at once
    "faq export": ["faq", "export"],
}
ALL = {**COMMANDS, "serve": ["serve"]}


def test_the_list_covers_every_command():
    parser = build_parser()
    names = set()
    for action in parser._subparsers._group_actions:
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            names |= {f"{name} {child}" for a in nested for child in a.choices} or {name}
    assert names == set(ALL)


def make_db(folder: Path) -> str:
    """The sample event, a campaign with a claimed code, a question asked, two saved answers."""
    db = folder / "c.db"
    store = Store(db)
    load_file(store, SAMPLE_EVENT)
    campaign, _ = store.import_codes(
        "AWS $25", [f"AWS25-{i:05d}" for i in range(5)], vegas("2023-11-27T09:00")
    )
    store.claim(campaign.id, "U0123ABCD", vegas("2023-11-28T10:00"))
    store.record_unanswered("prayer room?", "prayer room", vegas("2023-11-28T10:00"), "", "en")
    for answer in ("Room 301, Level 3.", "Ask at the help desk."):
        store.save_answer("prayer room?", answer, now=vegas("2023-11-28T11:00"))
    store.close()
    return str(db)


def argv(name: str, tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in ALL[name]]


def one_line(capsys) -> str:
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert "Traceback" not in captured.err + captured.out
    assert len(err) == 1 and err[0].startswith("confbot: "), err
    assert "unexpected error" not in err[0]
    return err[0]


@pytest.fixture(autouse=True)
def slack_settings(monkeypatch):
    """`serve` checks its settings first; these get it as far as the database."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "0" * 32)


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_traceback_on_a_bad_database_path(name, tmp_path, capsys):
    for db, says in (
        (tmp_path / "missing" / "c.db", "does not exist"),
        (tmp_path, "is a folder"),
    ):
        assert main(["--db", str(db), *argv(name, tmp_path)]) == 2
        assert says in one_line(capsys)
    assert [p.name for p in tmp_path.iterdir()] == []  # and nothing was created


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["load", "{tmp}/nope.toml"], "no such file"),
        (["load", "{tmp}"], "is a folder"),
        (["backup", "{tmp}/no/copy.db"], "does not exist"),
        (["backup", "{tmp}"], "exists"),
        (["credits", "import", "AWS $25", "{tmp}/nope.csv"], "no such file"),
        (["credits", "export", "AWS $25", "{tmp}"], "is a folder"),
        (["credits", "export", "AWS $25", "{tmp}/no/audit.csv"], "cannot write"),
        (["stats", "--db", "{tmp}/typo.db"], "no database at"),
        (["faq", "edit", "1", "--answer-file", "{tmp}/nope.txt"], "no such file"),
        (["faq", "edit", "1", "--answer-file", "{tmp}"], "is a folder"),
        (["faq", "export", "{tmp}"], "is a folder"),
        (["faq", "export", "{tmp}/no/faq.toml"], "cannot write"),
    ],
)
def test_no_traceback_on_a_bad_file_path(args, says, tmp_path, capsys):
    db = make_db(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["--db", db, *args]) == 2
    assert says in one_line(capsys)
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_traceback_on_a_bad_option(name, tmp_path, capsys):
    db = make_db(tmp_path)
    assert main(["--db", db, *argv(name, tmp_path), "--bogus"]) == 2
    line = one_line(capsys)
    assert "unrecognized arguments: --bogus" in line and f"`confbot {name} --help`" in line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["ask", "--tz", "Asia/Seol", "lunch"], "did you mean 'Asia/Seoul'"),
        (["chat", "--now", "noonish"], "--now: 'noonish' is not a date and time"),
        (["unanswered", "--limit", "0"], "--limit"),
        (["reminders", "--now", "soon"], "--now"),
        (["credits", "campaign", "AWS $25", "--opens", "tomorrow"], "--opens"),
        (["credits", "campaign", "AWS $25", "--channel", "general"], "--channel"),
        (["faq", "show", "one"], "'one' is not a saved answer's id"),
        (["faq", "edit", "1"], "nothing to change"),
        (["lod", "x.toml"], "invalid choice: 'lod'"),
        ([], "required: COMMAND"),
    ],
)
def test_no_traceback_on_a_bad_option_value(args, says, tmp_path, capsys):
    db = make_db(tmp_path)
    assert main(["--db", db, *args]) == 2
    assert says in one_line(capsys)


def test_no_traceback_on_a_closed_stdout(tmp_path):
    """`confbot chat | head` and the like: the reader leaves; the command ends quietly."""
    db = make_db(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = {}
    for name in [*COMMANDS, "--help"]:
        read_end, write_end = os.pipe()
        os.close(read_end)  # nobody will read: the first write meets a closed pipe
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        running[name] = subprocess.Popen(
            [sys.executable, "-m", "bot", "--db", db, *argv(name, folder)]
            if name in COMMANDS
            else [sys.executable, "-m", "bot", name],
            stdin=subprocess.PIPE,
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            text=True,
        )
        os.close(write_end)
    for name, process in running.items():
        _, err = process.communicate("where is lunch\nwhat about dinner\n", timeout=60)
        assert "Traceback" not in err and "Exception ignored" not in err, f"{name}: {err}"
        assert process.returncode == 0, f"{name}: {err}"


def test_db_is_valid_before_or_after_the_command(tmp_path, capsys, monkeypatch):
    first, second = make_db(tmp_path), str(tmp_path / "other.db")
    Store(second).close()  # empty: no campaigns
    monkeypatch.setenv("CONFBOT_DB", second)
    for args in (
        ["--db", first, "credits", "stats"],
        ["credits", "stats", "--db", first],
        ["credits", "--db", first, "stats"],
        ["--db", second, "credits", "stats", "--db", first],  # the later one wins
    ):
        assert main(args) == 0, args
        assert "AWS $25: 5 codes" in capsys.readouterr().out, args
    assert main(["credits", "stats"]) == 0  # CONFBOT_DB when --db is not given
    assert "No campaigns yet" in capsys.readouterr().out
