"""The command line: output shapes, exit codes, help text, the console."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_has_help_text_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    for name, sub in subcommands().items():
        assert helps.get(name), f"'{name}' has no help line"
        assert sub.description, f"'{name}' has no description"
        for option in sub._actions:
            if isinstance(option, argparse._SubParsersAction):  # credits import, stats, ...
                nested = {c.dest: c.help for c in option._choices_actions}
                for child_name, child in option.choices.items():
                    assert nested.get(child_name) and child.description, (
                        f"'{name} {child_name}' has no help"
                    )
                    assert all(o.help for o in child._actions if o.dest != "help"), (
                        f"'{name} {child_name}' option without help"
                    )
                    assert f"confbot {name} {child_name}" in readme, (
                        f"README does not mention '{name} {child_name}'"
                    )
            elif option.dest != "help":
                assert option.help, f"'{name} {option.option_strings or option.dest}' has no help"
        assert f"confbot {name}" in readme, f"README does not mention 'confbot {name}'"


def test_ask_json_has_the_documented_shape(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    code = main(
        [
            "--db",
            db,
            "ask",
            "--json",
            "--now",
            "2023-11-28T10:00",
            "--tz",
            "Asia/Seoul",
            "where",
            "is",
            "lunch",
            "today",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    answer = json.loads(out)
    assert set(answer) >= {"text", "intent", "confident", "suggestions"}
    assert (
        answer["intent"] == "meals"
        and answer["confident"] is True
        and isinstance(answer["suggestions"], list)
    )
    assert "11:00 AM" in answer["text"] and "KST" in answer["text"]
    assert "bundled sample event" in err  # an empty database says it loaded the sample


def test_unknown_questions_are_not_confident_and_are_listed(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    for _ in range(2):
        main(
            [
                "--db",
                db,
                "ask",
                "--json",
                "--now",
                "2023-11-28T10:00",
                "is",
                "there",
                "a",
                "prayer",
                "room",
            ]
        )
    answer = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert answer["confident"] is False and len(answer["suggestions"]) == 3
    assert main(["--db", db, "unanswered"]) == 0
    listing = capsys.readouterr().out
    assert "2×" in listing and "prayer room" in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "--now", "yesterday-ish", "lunch"], "--now"),
        (["ask", "--tz", "Mars/Base", "lunch"], "--tz"),
        (["unanswered", "--since", "soon"], "--since"),
    ],
)
def test_bad_options_exit_2_with_one_clear_line(tmp_path, capsys, args, message):
    Store(tmp_path / "c.db").close()
    assert main(["--db", str(tmp_path / "c.db"), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("confbot: ") and message in err


def test_load_exit_codes(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Time,Event\n2023-11-28,noonish,Lunch\n")
    assert main(["--db", db, "load", str(bad), "--tz", "America/Los_Angeles"]) == 1
    assert "line 2, field 'Time'" in capsys.readouterr().err
    good = ROOT / "examples" / "agenda.csv"
    assert main(["--db", db, "load", str(good), "--tz", "America/Los_Angeles", "--name", "Ex"]) == 0
    assert "Loaded" in capsys.readouterr().out


def test_python_dash_m_and_help():
    result = run("--help")
    assert result.returncode == 0 and "chat" in result.stdout and "ask" in result.stdout


def test_console_answers_on_a_demo_clock_and_leaves_on_eof(tmp_path):
    result = run(
        "--db",
        str(tmp_path / "c.db"),
        "chat",
        stdin="when is werner's keynote\n내일 점심 어디야?\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Demo clock" in result.stdout or "It is " in result.stdout
    assert "Werner Vogels" in result.stdout and "점심" in result.stdout  # Korean in, Korean out


def test_console_with_now_has_no_demo_banner(tmp_path):
    result = run(
        "--db", str(tmp_path / "c.db"), "chat", "--now", "2023-11-29T12:00", stdin="lunch?\n"
    )
    assert "Demo clock" not in result.stdout and "Wednesday, Nov 29" in result.stdout
    assert "being served now" in result.stdout


def test_backup_and_stats(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    main(["--db", db, "ask", "--now", "2023-11-28T10:00", "where is lunch"])
    main(["--db", db, "ask", "--now", "2023-11-28T10:05", "is there a prayer room"])
    capsys.readouterr()
    assert main(["--db", db, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["questions"] == 2 and stats["unanswered_share"] == 0.5
    assert stats["zone"] == "America/Los_Angeles"
    assert stats["questions_per_hour"] == [
        {
            "hour": "2023-11-28T10:00:00-08:00",
            "hour_utc": "2023-11-28T18",
            "answered": 1,
            "unanswered": 1,
        }
    ]
    copy = tmp_path / "backup.db"
    assert main(["--db", db, "backup", str(copy)]) == 0
    assert Store(copy).counts() == Store(db).counts()
    assert main(["--db", db, "backup", str(copy)]) == 2  # never overwrites


def test_asking_for_a_person_in_the_terminal_says_nobody_is_there(sample_db, capsys):
    assert (
        main(["--db", sample_db.path, "ask", "--now", "2023-11-28T10:00", "talk to a person"]) == 0
    )
    assert "nobody to hand it to" in capsys.readouterr().out
    assert (
        main(["--db", sample_db.path, "ask", "--now", "2023-11-28T10:00", "사람 연결해 주세요"])
        == 0
    )
    assert "전달받을 사람이 없어요" in capsys.readouterr().out
    assert sample_db.unanswered() == []  # not a question for the organizers
