"""The command line: a thin layer over the library (load, ask, chat, unanswered, serve …).

argparse rather than Click or Typer: the commands are few and flat, and the parts that are
not argparse's job (one-line errors, --db before or after the command, exit codes) would be
written by hand with either.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime

from bot import __version__, credits_cli, faq_cli, ics_cli, load_cli, reminders_cli
from bot.answers import Concierge
from bot.cli_support import (
    DEFAULT_DB,
    EXIT_BUG,
    EXIT_CONTENT,
    EXIT_USAGE,
    CliError,
    ContentError,
    event_zone,
    local,
    open_store,
    time_option,
    utc_hour,
    zone_option,
)
from bot.clock import demo_clock, fixed_clock, offset_clock, system_clock, warm_up
from bot.console import Asker
from bot.store import Store, StoreError
from bot.terminal import render, wants_style
from bot.unanswered import group

log = logging.getLogger("confbot")

__all__ = ["CliError", "build_parser", "main"]


def event_clock(store: Store, now_text: str | None):
    """The clock to answer by: --now, the real time during the event, or a demo clock."""
    event = store.event()
    if now_text:
        return fixed_clock(time_option(now_text, event.zone, "--now")), False
    return demo_clock(event, system_clock(event.zone))


# -- commands -------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question and exit."""
    asker_zone = zone_option(args.tz)
    store = open_store(args, create=True, sample=True)
    clock, demo = event_clock(store, args.now)
    if demo and not args.json:
        print(f"(demo clock: {clock():%A %b %d, %I:%M %p} at the event)", file=sys.stderr)
    question = " ".join(args.text)
    answer = Asker(Concierge(store))(question, clock(), asker_zone, args.user or "")
    if args.json:
        print(json.dumps(answer.as_dict(), ensure_ascii=False))
    else:
        print(render(answer.text, styled=wants_style(sys.stdout)))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to the bot in the terminal, as an attendee would in Slack."""
    from bot.console import run_console

    asker_zone = zone_option(args.tz)
    store = open_store(args, create=True, sample=True)
    clock, demo = event_clock(store, args.now)
    warm_up()
    return run_console(Concierge(store), store.event(), clock, demo, asker_zone)


def cmd_unanswered(args: argparse.Namespace) -> int:
    """List the questions the bot could not answer, grouped by similar wording (as the help
    channel's daily digest groups them), most asked first; times in the event's zone."""
    store = open_store(args)
    zone = event_zone(store)
    since = time_option(args.since, zone, "--since") if args.since else None
    groups = [g.as_dict() for g in group(store.unanswered_since(since))][: args.limit]
    for g in groups:
        g["last_asked"] = datetime_in(g["last_asked"], zone)
    if args.json:
        print(json.dumps(groups, ensure_ascii=False, indent=2))
        return 0
    if not groups:
        print("No unanswered questions" + (f" since {args.since}." if args.since else "."))
        return 0
    for g in groups:
        last = local(datetime.fromisoformat(g["last_asked"]), zone)
        people = f"{g['askers']} {'person' if g['askers'] == 1 else 'people'}"
        print(
            f"{g['times']:>4}×  {g['example']}   [{g['intent'] or '?'}, {g['language']}, "
            f"{people}, last {last}]"
        )
        for other in g["questions"][1:4]:
            if other != g["example"]:
                print(f"       also: {other}")
    return 0


def datetime_in(text: str, zone) -> str:
    """A stored UTC time as ISO 8601 in ``zone`` (the offset says which)."""
    return datetime.fromisoformat(text).astimezone(zone).isoformat()


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
    store = open_store(args, create=True, sample=True)
    zone = store.event().zone
    if args.now:  # a running clock from --now, so reminders come due as in real life
        clock, demo = offset_clock(time_option(args.now, zone, "--now")), False
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
    if os.path.exists(args.file):
        raise CliError(f"{args.file} exists: choose a new file name")
    folder = os.path.dirname(os.path.abspath(args.file))
    if not os.path.isdir(folder):
        raise CliError(f"cannot create {args.file}: the folder {folder} does not exist")
    store = open_store(args)
    store.backup(args.file)
    print(f"Backed up {args.db} to {args.file}.")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Questions per hour (in the event's zone) and the unanswered share, claims, and
    reminders sent, late, missed."""
    store = open_store(args)
    zone = event_zone(store)
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
        "zone": zone.key,
        "questions": total,
        "unanswered_share": round(unanswered / total, 3) if total else 0.0,
        "questions_per_hour": [
            {
                "hour": utc_hour(h).astimezone(zone).isoformat(),
                "hour_utc": h,
                "answered": a,
                "unanswered": u,
            }
            for h, a, u in hours
        ],
        "credits": campaigns,
        "reminders": store.delivery_counts(),
        "feedback": store.feedback_counts(),
    }
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"Questions: {total} ({stats['unanswered_share']:.0%} unanswered)")
    for h, a, u in hours[-24:]:
        print(f"  {local(utc_hour(h), zone)}  {a} answered, {u} not")
    for c in campaigns:
        print(f"Credits {c['campaign']}: {c['claimed']} of {c['total']} claimed, {c['left']} left")
    r = stats["reminders"]
    print(
        f"Reminders: {r.get('sent', 0)} sent, {r.get('late', 0)} late, {r.get('missed', 0)} missed"
    )
    return 0


# -- parser ---------------------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (and exit code 2) instead of the usage text."""

    def error(self, message: str):
        raise CliError(f"{message} (see `{self.prog} --help`)")

    def parse_args(self, args=None, namespace=None):
        # argparse reports a stray option from the top parser; point at the command's help.
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            names = (
                getattr(parsed, "command", None),
                getattr(parsed, "credits_command", None),
                getattr(parsed, "faq_command", None),
            )
            prog = " ".join([self.prog, *filter(None, names)])
            raise CliError(f"unrecognized arguments: {' '.join(extras)} (see `{prog} --help`)")
        return parsed


def _common(default: str) -> argparse.ArgumentParser:
    """The options every command takes, so they work before or after the command's name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="the SQLite database file (default: $CONFBOT_DB or ./confbot.db)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="confbot",
        description="A Slack concierge for conference attendees. Runs in Slack (serve) or in "
        "your terminal (chat, ask).",
        parents=[_common(os.environ.get("CONFBOT_DB", DEFAULT_DB))],
    )
    parser.add_argument("--version", action="version", version=f"confbot {__version__}")
    # After the command, --db is only set when given, so it never undoes one given before.
    common = [_common(argparse.SUPPRESS)]
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    load_cli.add_parser(sub, common)

    p = sub.add_parser(
        "ask", help="answer one question and exit", description=cmd_ask.__doc__, parents=common
    )
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

    p = sub.add_parser(
        "chat",
        help="talk to the bot in the terminal",
        description=cmd_chat.__doc__,
        parents=common,
    )
    p.add_argument("--now", help="start the clock at this time (ISO 8601; event zone if no offset)")
    p.add_argument("--tz", help="your own time zone, e.g. Asia/Seoul")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser(
        "backup",
        help="copy the database safely while serving",
        description=cmd_backup.__doc__,
        parents=common,
    )
    p.add_argument("file", help="the backup file to create")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "stats",
        help="questions, unanswered share, claims, reminders",
        description=cmd_stats.__doc__,
        parents=common,
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    credits_cli.add_parser(sub, common)
    reminders_cli.add_parser(sub, common)
    ics_cli.add_parser(sub, common)
    faq_cli.add_parser(sub, common)

    p = sub.add_parser(
        "serve",
        help="run the Slack app (HTTP or Socket Mode)",
        description=cmd_serve.__doc__,
        parents=common,
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
        parents=common,
    )
    p.add_argument("--since", help="only questions asked at or after this time (ISO 8601)")
    p.add_argument("--limit", type=_positive, default=50, help="how many to show (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_unanswered)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number above 0")
    return int(text)


# -- running a command -----------------------------------------------------------------------


def _say(message: str) -> None:
    if sys.stderr is not None:
        print(f"confbot: {message}", file=sys.stderr)


def _quiet_stdout() -> None:
    """The reader went away (`confbot chat | head`): send what is left nowhere, so Python's
    own flush at exit does not complain about the closed pipe either."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and an exit code (README)."""
    from bot.logs import valid_level

    level = valid_level(os.environ.get("CONFBOT_LOG_LEVEL") or "WARNING")
    if level is None:
        print(
            "confbot: CONFBOT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR", file=sys.stderr
        )
        return 2
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        try:
            args = build_parser().parse_args(argv)
            code = args.func(args)
        except SystemExit as exc:  # --help and --version
            code = exc.code if isinstance(exc.code, int) else 0
        if sys.stdout is not None:
            sys.stdout.flush()  # here, where a closed pipe can still be caught
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except CliError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except ContentError as exc:
        _say(str(exc))
        return EXIT_CONTENT
    except StoreError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except OSError as exc:  # a path the command could not use
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"{where}{exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        _say(
            f"unexpected error ({type(exc).__name__}: {exc}); "
            "CONFBOT_LOG_LEVEL=DEBUG shows where. Please report it."
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
