"""`confbot faq …`: the answers organizers saved in Slack: list, show, edit, delete, export.

Saved answers are not event data: they live in their own table (bot.store.handoffs), outlive
`confbot load --replace`, and the bot folds them into its FAQ as soon as they change. `export`
writes them as the event file's `[[faq]]` tables, so next year's event file can start with them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime

import tomli_w

from bot.cli_support import CliError, event_zone, local, open_store
from bot.importers.common import slug
from bot.lang import DEFAULT, LANGUAGES

# What the store keeps of a saved answer (bot.store.handoffs cuts longer text): longer text is
# refused here, since an edit that silently lost its end would be worse than none.
ANSWER_LIMIT = 4000
QUESTION_LIMIT = 1000
QUESTION_WIDTH = 60  # how much of a question a `faq list` line shows


def add_parser(sub, common: list) -> None:
    """Register `faq` and its subcommands on the top-level parser."""
    faq = sub.add_parser(
        "faq",
        help="answers organizers saved in Slack: list, show, edit, delete, export",
        description="The answers organizers saved from their replies in Slack, which the bot "
        "gives 'from the organizers'. They are kept apart from the event: loading an event "
        "file, even with --replace, leaves them as they are.",
        parents=common,
    )
    fsub = faq.add_subparsers(dest="faq_command", metavar="SUBCOMMAND", required=True)

    p = fsub.add_parser(
        "list", help="every saved answer, one a line", description=cmd_list.__doc__, parents=common
    )
    p.add_argument("--json", action="store_true", help="print JSON, every field of each")
    p.set_defaults(func=cmd_list)

    p = fsub.add_parser(
        "show", help="one saved answer in full", description=cmd_show.__doc__, parents=common
    )
    p.add_argument("id", type=answer_id, metavar="ID", help="its id, as `confbot faq list` shows")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_show)

    p = fsub.add_parser(
        "edit",
        help="change a saved answer's text or questions",
        description=cmd_edit.__doc__,
        parents=common,
    )
    p.add_argument("id", type=answer_id, metavar="ID", help="its id, as `confbot faq list` shows")
    text = p.add_mutually_exclusive_group()
    text.add_argument("--answer", metavar="TEXT", help="the new answer")
    text.add_argument(
        "--answer-file",
        metavar="PATH",
        help="read the new answer from a file ('-': standard input)",
    )
    p.add_argument("--question", metavar="TEXT", help="the new question, as people ask it")
    p.add_argument(
        "--add-question",
        metavar="TEXT",
        action="append",
        default=[],
        help="another way people ask it (repeatable)",
    )
    p.add_argument(
        "--remove-question",
        metavar="TEXT",
        action="append",
        default=[],
        help="drop one of the other ways people ask it (repeatable)",
    )
    p.set_defaults(func=cmd_edit)

    p = fsub.add_parser(
        "delete", help="remove a saved answer", description=cmd_delete.__doc__, parents=common
    )
    p.add_argument("id", type=answer_id, metavar="ID", help="its id, as `confbot faq list` shows")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_delete)

    p = fsub.add_parser(
        "export",
        help="write the saved answers as the event file's [[faq]] tables",
        description=cmd_export.__doc__,
        parents=common,
    )
    p.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="a new file to write; standard output when left out or '-'",
    )
    p.set_defaults(func=cmd_export)


def answer_id(text: str) -> int:
    """A saved answer's id from the command line (argparse turns the error into one line)."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a saved answer's id: a number, as `confbot faq list` shows"
        )
    return int(text)


def _now() -> datetime:
    return datetime.now(UTC)


def _saved(store, id_: int) -> dict:
    """The saved answer, or an error that names the id and the ids there are."""
    row = store.saved_answer(id_)
    if row is None:
        ids = [str(r["id"]) for r in store.saved_answers()]
        known = f"saved answers: {', '.join(ids)}" if ids else "none saved yet"
        raise CliError(f"no saved answer with id {id_} ({known}; see `confbot faq list`)")
    return row


def _one_line(text: str, width: int = QUESTION_WIDTH) -> str:
    """A question on one line, cut to ``width`` with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else f"{text[: width - 1]}…"


def _when(stored: str, zone) -> str:
    return local(datetime.fromisoformat(stored), zone)


def _as_json(row: dict, zone) -> dict:
    """A saved answer for --json: its stored fields, times in the event's zone."""
    out = dict(row)
    for field in ("created_at", "updated_at"):
        out[field] = datetime.fromisoformat(row[field]).astimezone(zone).isoformat()
    return out


def _print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


# -- list and show ----------------------------------------------------------------------------


def cmd_list(args) -> int:
    """List every saved answer: its id, question, language, when it was saved (in the event's
    time zone) and who saved it. `confbot faq show ID` shows one in full."""
    store = open_store(args)
    zone = event_zone(store)
    rows = store.saved_answers()
    if args.json:
        _print_json([_as_json(r, zone) for r in rows])
        return 0
    if not rows:
        print("No saved answers yet: organizers save one from their reply to a question in Slack.")
        return 0
    id_width = len(str(rows[-1]["id"]))
    who_width = max(len(_who(r)) for r in rows)
    for r in rows:
        # The question last: Hangul is two columns wide on a terminal, so padding it would
        # put the columns after it out of line.
        print(
            f"{r['id']:>{id_width}}  {r['language']}  {_when(r['created_at'], zone)}  "
            f"{_who(r):<{who_width}}  {_one_line(r['question'])}"
        )
    return 0


def _who(row: dict) -> str:
    return row["saved_by"] or "(unknown)"


def cmd_show(args) -> int:
    """Show one saved answer in full: its question and the other ways people ask it, its
    language, the answer, who saved it, when it was saved and last changed (in the event's
    time zone), and the Slack message it was saved from."""
    store = open_store(args)
    zone = event_zone(store)
    row = _saved(store, args.id)
    if args.json:
        _print_json(_as_json(row, zone))
    else:
        _print_answer(row, zone)
    return 0


def _print_answer(row: dict, zone) -> None:
    print(f"Saved answer {row['id']} ({row['language']})")
    print(f"Question: {row['question']}")
    if row["questions"]:
        print("Also asked as:")
        for phrasing in row["questions"]:
            print(f"  - {phrasing}")
    print("Answer:")
    for line in row["answer"].splitlines() or [""]:
        print(f"  {line}")
    print(f"Saved by: {_who(row)}")
    print(f"Saved: {_when(row['created_at'], zone)}")
    print(f"Changed: {_when(row['updated_at'], zone)}")
    if row["source_ts"]:
        print(f"From Slack: channel {row['source_channel']}, message ts {row['source_ts']}")
    else:
        print("From Slack: (no message recorded)")
    if row["handoff_id"] is not None:
        print(f"Hand-off: {row['handoff_id']}")


# -- edit -------------------------------------------------------------------------------------


def cmd_edit(args) -> int:
    """Change a saved answer: its answer (--answer, or --answer-file to paste a longer one from
    a file or standard input), its question, and the other ways people ask it. No editor is
    started. Prints the answer as it is now; the bot gives the new text from its next question
    on, `serve` included."""
    if not (
        args.answer is not None
        or args.answer_file
        or args.question is not None
        or args.add_question
        or args.remove_question
    ):
        raise CliError(
            "nothing to change: give --answer, --answer-file, --question, --add-question or "
            "--remove-question (see `confbot faq edit --help`)"
        )
    answer = _new_answer(args)  # before the database: an unreadable file changes nothing
    question = _checked(args.question, "--question", QUESTION_LIMIT)
    store = open_store(args)
    row = _saved(store, args.id)
    phrasings = _new_phrasings(row, args.add_question, args.remove_question)
    store.edit_saved_answer(
        args.id, answer=answer, question=question, questions=phrasings, now=_now()
    )
    edited = _saved(store, args.id)  # deleted in between (by another organizer): said so
    print(f"Changed saved answer {args.id}. It is now:")
    _print_answer(edited, event_zone(store))
    return 0


def _new_answer(args) -> str | None:
    if args.answer_file is None:
        return _checked(args.answer, "--answer", ANSWER_LIMIT)
    return _checked(_read_answer_file(args.answer_file), "--answer-file", ANSWER_LIMIT)


def _read_answer_file(path: str) -> str:
    if path == "-":
        return sys.stdin.read() if sys.stdin is not None else ""
    if os.path.isdir(path):
        raise CliError(f"--answer-file: {path} is a folder: name a text file")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise CliError(f"--answer-file: no such file: {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"--answer-file: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"--answer-file: cannot read {path}: {exc.strerror}") from None


def _checked(text: str | None, option: str, limit: int) -> str | None:
    """Text for the store, trimmed; empty or longer than the store keeps is refused."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        raise CliError(f"{option}: the text is empty: nothing changed")
    if len(text) > limit:
        raise CliError(
            f"{option}: {len(text)} characters, more than the {limit} a saved answer keeps: "
            "nothing changed"
        )
    return text


def _same(a: str, b: str) -> bool:
    """Phrasings compared as people read them: case and spacing aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _new_phrasings(row: dict, add: list[str], remove: list[str]) -> tuple[str, ...] | None:
    """The other ways people ask it after removing and adding; None when neither is asked."""
    if not add and not remove:
        return None
    phrasings = list(row["questions"])
    for text in remove:
        kept = [p for p in phrasings if not _same(p, text)]
        if len(kept) == len(phrasings):
            listing = "; ".join(f"'{p}'" for p in phrasings) or "none"
            raise CliError(
                f"--remove-question: saved answer {row['id']} is not asked as '{text}' "
                f"(its other phrasings: {listing}): nothing changed"
            )
        phrasings = kept
    for text in add:
        text = _checked(text, "--add-question", QUESTION_LIMIT)
        if not any(_same(p, text) for p in phrasings):  # adding one twice keeps one
            phrasings.append(text)
    return tuple(phrasings)


# -- delete -----------------------------------------------------------------------------------


def cmd_delete(args) -> int:
    """Delete a saved answer; the bot stops giving it from its next question on. Asks first
    on a terminal; elsewhere (a script, cron) it needs --yes."""
    store = open_store(args)
    row = _saved(store, args.id)
    if not args.yes:
        if not _on_terminal():
            raise CliError(
                f"not deleted: saved answer {args.id} is only deleted after a yes on a "
                "terminal, and there is none here: add --yes"
            )
        if not _confirmed(f'Delete saved answer {args.id} ("{_one_line(row["question"])}")?'):
            print(f"Kept saved answer {args.id}.")
            return 0
    store.delete_saved_answer(args.id)
    print(f"Deleted saved answer {args.id}.")
    return 0


def _on_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _confirmed(question: str) -> bool:
    try:
        reply = input(f"{question} [y/N] ")
    except EOFError:
        print()
        return False
    return reply.strip().lower() in ("y", "yes")


# -- export -----------------------------------------------------------------------------------


def cmd_export(args) -> int:
    """Write the saved answers as `[[faq]]` tables of the event file (docs/event-file.md), to
    a new FILE or to standard output, so they can join next year's event file:
    `confbot faq export >> event.toml`. A Korean answer goes in question_ko and answer_ko, and
    also in question and answer, which the event file requires: put the English there when
    there is one. Each table's source says who saved it and when."""
    store = open_store(args)
    rows = store.saved_answers()
    to_stdout = args.file == "-"
    if not rows:
        if to_stdout:  # standard output stays empty, so `>> event.toml` adds nothing
            print("confbot: no saved answers: nothing to export", file=sys.stderr)
        else:
            print(f"No saved answers: {args.file} not written.")
        return 0
    text = export_text(rows, event_zone(store))
    if to_stdout:
        sys.stdout.write(text)
        return 0
    _write_new(args.file, text)
    print(f"Wrote {len(rows)} saved answers to {args.file} as [[faq]] tables.")
    return 0


def export_text(rows: list[dict], zone) -> str:
    """The saved answers as TOML `[[faq]]` tables, with a comment saying where they came from."""
    taken: set[str] = set()
    tables = [_faq_table(row, zone, taken) for row in rows]
    header = [
        "# Saved answers exported by `confbot faq export`: [[faq]] tables of the event file",
        "# (docs/event-file.md).",
    ]
    if any(row["language"] != DEFAULT for row in rows):
        header += [
            "# A saved answer in another language is in question and answer too, which the",
            "# event file requires: put the English there when there is one.",
        ]
    # tomli-w writes the tables; multi-line strings keep a long answer readable in the file.
    return "\n".join(header) + "\n\n" + tomli_w.dumps({"faq": tables}, multiline_strings=True)


def _faq_table(row: dict, zone, taken: set[str]) -> dict:
    """One saved answer as the fields the event file's `[[faq]]` table accepts."""
    table = {
        "id": _unique_id(row, taken),
        # The event file requires these even for a Korean answer; the bot itself treats a
        # saved answer the same way (Store.saved_faqs): the text as written, in both places.
        "question": row["question"],
        "answer": row["answer"],
    }
    if row["questions"]:
        table["questions"] = list(row["questions"])
    language = row["language"]
    if language != DEFAULT and language in LANGUAGES:  # other languages: the `_ko` fields
        table[f"question_{language}"] = row["question"]
        table[f"answer_{language}"] = row["answer"]
    saved_on = datetime.fromisoformat(row["created_at"]).astimezone(zone).date().isoformat()
    who = f" by {row['saved_by']}" if row["saved_by"] else ""
    # Not "organizers": that source marks the live saved answers, answered "from the organizers".
    table["source"] = f"saved in Slack{who} on {saved_on} (saved answer {row['id']})"
    return table


def _unique_id(row: dict, taken: set[str]) -> str:
    """The id the event file would derive from the question, made unique within the export
    (two saved answers to one question would otherwise overwrite each other on load)."""
    base = slug(row["question"])[:60]
    id_ = base if base not in taken else f"{base}-{row['id']}"
    taken.add(id_)
    return id_


def _write_new(path: str, text: str) -> None:
    """Write a file that does not exist yet: an export never overwrites an event file."""
    if os.path.isdir(path):
        raise CliError(f"{path} is a folder: name a new file to write, like saved-faq.toml")
    try:
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise CliError(
            f"{path} exists: name a new file, or add to it with `confbot faq export >> {path}`"
        ) from None
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
