"""The command line: a thin layer over the library (load, ask, chat, unanswered, serve)."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import __version__, credits_cli
from bot.answers import Concierge
from bot.clock import demo_clock, fixed_clock, offset_clock, parse_iso, system_clock, warm_up
from bot.importers import SAMPLE_EVENT, LoadError, load_file
from bot.store import Store, StoreError

log = logging.getLogger("confbot")

DEFAULT_DB = "./confbot.db"


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(f"--tz: '{name}' is not a time zone name like Asia/Seoul") from None


def open_store(args: argparse.Namespace, *, load_sample: bool = True) -> Store:
    """Open the database; an empty one gets the bundled sample event, and says so."""
    try:
        store = Store(args.db)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    if load_sample and store.is_empty():
        load_file(store, SAMPLE_EVENT)
        event = store.event()
        print(
            f"confbot: the database {args.db} was empty, so it now holds the bundled sample "
            f"event ({event.name}). Load your own with `confbot load FILE --replace`.",
            file=sys.stderr,
        )
    return store


def event_clock(store: Store, now_text: str | None):
    """The clock to answer by: --now, the real time during the event, or a demo clock."""
    event = store.event()
    if now_text:
        try:
            return fixed_clock(parse_iso(now_text, event.zone)), False
        except ValueError:
            raise CliError(
                f"--now: '{now_text}' is not an ISO 8601 time like 2023-11-28T12:00"
            ) from None
    return demo_clock(event, system_clock(event.zone))


# -- commands -------------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace) -> int:
    """Load an event file (.toml) or an agenda CSV (.csv), all or nothing."""
    store = open_store(args, load_sample=False)
    try:
        counts = load_file(store, args.file, replace_all=args.replace, name=args.name, tz=args.tz)
    except LoadError as exc:
        print(f"confbot: not loaded, nothing changed: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        raise CliError(str(exc)) from None
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    event = store.event()
    print(
        f"Loaded {args.file} into {event.name} ({'replaced' if args.replace else 'added or updated'}): {summary or 'no records'}."
    )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question and exit."""
    store = open_store(args)
    clock, demo = event_clock(store, args.now)
    if demo and not args.json:
        print(f"(demo clock: {clock():%A %b %d, %I:%M %p} at the event)", file=sys.stderr)
    question = " ".join(args.text)
    answer = Concierge(store).ask(
        question, clock(), asker_zone=_zone(args.tz), user_id=args.user or ""
    )
    if args.json:
        print(json.dumps(answer.as_dict(), ensure_ascii=False))
    else:
        print(answer.text)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to the bot in the terminal, as an attendee would in Slack."""
    from bot.console import run_console

    store = open_store(args)
    clock, demo = event_clock(store, args.now)
    warm_up()
    return run_console(Concierge(store), store.event(), clock, demo, _zone(args.tz))


def cmd_unanswered(args: argparse.Namespace) -> int:
    """List the questions the bot could not answer, most frequent first."""
    store = open_store(args, load_sample=False)
    since = None
    event = store.event()
    if args.since:
        try:
            since = parse_iso(args.since, event.zone if event else ZoneInfo("UTC"))
        except ValueError:
            raise CliError(
                f"--since: '{args.since}' is not an ISO 8601 time like 2023-11-28"
            ) from None
    rows = store.unanswered(since, limit=args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("No unanswered questions" + (f" since {args.since}." if args.since else "."))
        return 0
    for row in rows:
        print(
            f"{row['times']:>4}×  {row['example']}   [{row['intent'] or '?'}, {row['languages']}, last {row['last_asked'][:16]}]"
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Slack app: HTTP on $PORT (/slack/events, /health), or Socket Mode when
    SLACK_APP_TOKEN is set."""
    import asyncio

    from bot.config import ConfigError, Settings
    from bot.logs import setup_logging
    from bot.slack.app import serve

    env = {**os.environ, "CONFBOT_DB": args.db}  # --db wins over the environment
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    setup_logging(settings.log_level, settings.log_format)
    store = open_store(args)
    zone = store.event().zone
    if args.now:  # a running clock from --now, so reminders come due as in real life
        try:
            clock, demo = offset_clock(parse_iso(args.now, zone)), False
        except ValueError:
            raise CliError(
                f"--now: '{args.now}' is not an ISO 8601 time like 2023-11-28T12:00"
            ) from None
    elif args.demo_clock:
        clock, demo = demo_clock(store.event(), system_clock(zone))
    else:
        clock, demo = system_clock(zone), False
    if demo:
        log.warning("running on a demo clock inside the event: %s", clock().isoformat())
    if args.workers != "1":
        from bot.workers import supervise, worker_command, worker_count

        try:
            n = worker_count(args.workers)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        if n > 1:
            store.close()  # each worker opens its own
            now = clock().isoformat() if args.now else None  # one clock for all of them
            return supervise(n, worker_command(args.db, now, args.demo_clock))
    back = None
    if not settings.socket_mode and not args.back:  # HTTP: a front that acks, a back that works
        from bot.workers import back_command

        back = back_command(
            args.db, lambda: clock().isoformat() if args.now else None, args.demo_clock
        )
    warm_up()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                settings, store, clock, reuse_port=args.reuse_port, back_command=back,
                back_socket=args.back,
            )
        )  # fmt: skip
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database to FILE with SQLite's online backup; safe while `serve` runs."""
    store = open_store(args, load_sample=False)
    if os.path.exists(args.file):
        raise CliError(f"{args.file} exists: choose a new file name")
    store.backup(args.file)
    print(f"Backed up {args.db} to {args.file}.")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Questions per hour and the unanswered share, claims, and reminders sent, late, missed."""
    store = open_store(args, load_sample=False)
    hours = store.question_counts()
    answered = sum(a for _, a, _ in hours)
    unanswered = sum(u for _, _, u in hours)
    total = answered + unanswered
    campaigns = [
        {
            "campaign": c.name,
            "total": c.codes_total,
            "claimed": c.codes_total - c.codes_left,
            "left": c.codes_left,
        }
        for c in store.campaigns()
    ]
    stats = {
        "questions": total,
        "unanswered_share": round(unanswered / total, 3) if total else 0.0,
        "questions_per_hour": [
            {"hour_utc": h, "answered": a, "unanswered": u} for h, a, u in hours
        ],
        "credits": campaigns,
        "reminders": store.delivery_counts(),
        "feedback": store.feedback_counts(),
    }
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"Questions: {total} ({stats['unanswered_share']:.0%} unanswered)")
    for row in stats["questions_per_hour"][-24:]:
        print(f"  {row['hour_utc']}:00 UTC  {row['answered']} answered, {row['unanswered']} not")
    for c in campaigns:
        print(f"Credits {c['campaign']}: {c['claimed']} of {c['total']} claimed, {c['left']} left")
    r = stats["reminders"]
    print(
        f"Reminders: {r.get('sent', 0)} sent, {r.get('late', 0)} late, {r.get('missed', 0)} missed"
    )
    return 0


# -- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="confbot",
        description="A Slack concierge for conference attendees. Runs in Slack (serve) or in "
        "your terminal (chat, ask).",
    )
    parser.add_argument("--version", action="version", version=f"confbot {__version__}")
    parser.add_argument(
        "--db",
        default=os.environ.get("CONFBOT_DB", DEFAULT_DB),
        help="the SQLite database file (default: $CONFBOT_DB or ./confbot.db)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "load", help="load an event file (.toml) or an agenda CSV", description=cmd_load.__doc__
    )
    p.add_argument("file", help="the event file (.toml) or agenda CSV (.csv)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the whole event instead of adding or updating records",
    )
    p.add_argument("--name", help="the event's name, for a CSV loaded into an empty database")
    p.add_argument("--tz", help="the event's time zone, for a CSV loaded into an empty database")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("ask", help="answer one question and exit", description=cmd_ask.__doc__)
    p.add_argument("text", nargs="+", help="the question")
    p.add_argument(
        "--now", help="answer as if it were this time (ISO 8601; event zone if no offset)"
    )
    p.add_argument("--tz", help="the asker's own time zone, e.g. Asia/Seoul")
    p.add_argument("--user", help="the asker's user id (recorded with unanswered questions)")
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: text, intent, confident, suggestions",
    )
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="talk to the bot in the terminal", description=cmd_chat.__doc__)
    p.add_argument("--now", help="start the clock at this time (ISO 8601; event zone if no offset)")
    p.add_argument("--tz", help="your own time zone, e.g. Asia/Seoul")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser(
        "backup", help="copy the database safely while serving", description=cmd_backup.__doc__
    )
    p.add_argument("file", help="the backup file to create")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "stats",
        help="questions, unanswered share, claims, reminders",
        description=cmd_stats.__doc__,
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    credits_cli.add_parser(sub, open_store, CliError)

    p = sub.add_parser(
        "serve", help="run the Slack app (HTTP or Socket Mode)", description=cmd_serve.__doc__
    )
    p.add_argument(
        "--now", help="run on a fixed clock at this time (ISO 8601), for demos and tests"
    )
    p.add_argument(
        "--demo-clock",
        action="store_true",
        help="outside the event's dates, run on a demo clock inside it",
    )
    p.add_argument(
        "--workers",
        default="1",
        metavar="N",
        help="serving processes sharing the port, or 'auto' for one per CPU core (default 1)",
    )
    p.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)  # for workers
    p.add_argument("--back", help=argparse.SUPPRESS)  # the work process's socket (bot.slack.relay)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "unanswered",
        help="list questions the bot could not answer",
        description=cmd_unanswered.__doc__,
    )
    p.add_argument("--since", help="only questions asked at or after this time (ISO 8601)")
    p.add_argument("--limit", type=int, default=50, help="how many to show (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_unanswered)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.logs import valid_level

    level = valid_level(os.environ.get("CONFBOT_LOG_LEVEL") or "WARNING")
    if level is None:
        print(
            "confbot: CONFBOT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR", file=sys.stderr
        )
        return 2
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"confbot: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"confbot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
