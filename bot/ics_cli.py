"""`confbot ics`: one calendar file with a person's sessions, the keynotes, or sessions by
code."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

from bot import ics
from bot.cli_support import CliError, ContentError, open_store
from bot.suggest import did_you_mean


def add_parser(sub, common: list) -> None:
    p = sub.add_parser(
        "ics",
        help="write a calendar file (.ics): a person's reminders, the keynotes, or sessions",
        description=cmd_ics.__doc__,
        parents=common,
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--user", metavar="ID", help="the items a Slack user set reminders for")
    which.add_argument("--keynotes", action="store_true", help="every keynote")
    which.add_argument(
        "--codes", metavar="CODE,CODE", help="sessions by code, comma-separated: DOP321,SVS402"
    )
    p.add_argument(
        "--out", "-o", metavar="FILE", help="the file to write (default: confbot-….ics here)"
    )
    p.set_defaults(func=cmd_ics)


def cmd_ics(args) -> int:
    """Write one calendar file (.ics, times in the event's zone) that calendar apps import:
    the items a Slack user asked to be reminded of (--user U0123ABCD), every keynote
    (--keynotes), or sessions by code (--codes DOP321,SVS402). Sessions whose time is not
    announced yet are left out, and named."""
    store = open_store(args)
    data = store.load_event_data()
    if data is None:
        raise CliError(f"the database {args.db} holds no event: load one with `confbot load`")
    notes = []
    if args.user:
        if not re.fullmatch(r"[UW][A-Z0-9]{6,}", args.user):
            raise CliError(f"--user: '{args.user}' is not a Slack user ID (like U0123ABCD)")
        items, what = ics.for_person(store, data, args.user), args.user
    elif args.keynotes:
        items, what = ics.keynotes(data), "keynotes"
    else:
        items, tba, unknown = ics.by_codes(data, args.codes.split(","))
        if unknown:
            known = [i.code for i in [*data.schedule, *data.unscheduled] if i.code]
            hint = did_you_mean(unknown[0], known)
            raise ContentError(
                f"--codes: no session {', '.join(unknown)} in the catalog"
                + (f" ({hint})" if hint else "")
                + "; nothing written"
            )
        if tba:
            notes.append(f"left out, time to be announced: {', '.join(tba)}")
        what = "sessions"
    if not items:
        raise ContentError(f"nothing to put in a calendar for {what}; nothing written")
    out = args.out or f"confbot-{re.sub(r'[^A-Za-z0-9]+', '-', what).strip('-').lower()}.ics"
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise CliError(f"--out: the folder {folder} does not exist")
    name = f"{data.event.name}: {what}"
    with open(out, "wb") as f:
        f.write(ics.calendar(data, items, name, datetime.now(UTC)))
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    print(f"Wrote {count} to {out} (times in {data.event.tz}).")
    for note in notes:
        print(f"  {note}")
    return 0
