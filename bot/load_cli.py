"""`confbot load`: an event file or agenda CSV into the database, never a silent merge."""

from __future__ import annotations

import contextlib
import os
from datetime import date

from bot.cli_support import CliError, ContentError, check_db_path, is_plain_path, open_store
from bot.importers import LoadError, LoadRefused, describe_event, load
from bot.models import EventData


def add_parser(sub, common: list) -> None:
    p = sub.add_parser(
        "load",
        help="load an event file (.toml) or an agenda CSV",
        description=cmd_load.__doc__,
        parents=common,
    )
    p.add_argument("file", help="the event file (.toml) or agenda CSV (.csv)")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--replace",
        action="store_true",
        help="replace the whole event in the database with this one",
    )
    how.add_argument(
        "--merge",
        action="store_true",
        help="add this file's records to the event in the database, though the file is for "
        "another event",
    )
    p.add_argument("--name", help="the event's name, for an agenda CSV that starts a new event")
    p.add_argument("--tz", help="the event's time zone, for an agenda CSV that starts a new event")
    p.set_defaults(func=cmd_load)


def cmd_load(args) -> int:
    """Load an event file (.toml) or an agenda CSV (.csv), all or nothing. Into the event
    already in the database, records are added or updated by id; a file for another event
    is refused unless you say --replace (swap the whole event) or --merge (add its records
    to the event in the database)."""
    if not os.path.exists(args.file):
        raise CliError(f"{args.file}: no such file")
    if os.path.isdir(args.file):
        raise CliError(f"{args.file} is a folder: name an event file (.toml) or agenda CSV (.csv)")
    check_db_path(args.db)
    new_db = is_plain_path(args.db) and not os.path.exists(args.db)
    mode = "replace" if args.replace else "merge" if args.merge else "update"
    store = open_store(args, create=True)
    try:
        loaded = load(store, args.file, mode=mode, name=args.name, tz=args.tz)
    except BaseException as exc:
        if new_db:  # leave no empty database behind: `chat` would fill it with the sample
            store.close()
            remove_database(args.db)
        if isinstance(exc, LoadRefused):
            raise CliError(f"not loaded, nothing changed: {exc}") from None
        if isinstance(exc, LoadError):
            raise ContentError(f"not loaded, nothing changed: {exc}") from None
        raise
    how = {
        "new": "a new event",
        "replace": "replaced the whole event",
        "update": "added or updated",
        "merge": "merged in",
    }[loaded.mode]
    print(
        f"Loaded {args.file} into {describe_event(loaded.event)}, {how}: "
        f"{records_written(loaded.data)}."
    )
    return 0


def remove_database(db: str) -> None:
    for path in (db, f"{db}-wal", f"{db}-shm", f"{db}-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _days(days: set[date]) -> str:
    return f" on {_count(len(days), 'day')}" if len(days) > 1 else ""


def records_written(data: EventData) -> str:
    """What the file held, counted as people think of it: the store keeps a shuttle that runs
    on three days as three rows, and that is one transport service, not '3 transport'."""
    zone = data.event.zone
    parts = []
    if data.venues:
        parts.append(_count(len(data.venues), "venue"))
    if data.routes:
        parts.append(_count(len(data.routes), "route"))
    if data.meals:
        days = {m.day for m in data.meals}
        parts.append(
            f"{_count(len(data.meals), 'meal serving')} (a meal at one place on one day)"
            + _days(days)
        )
    if data.transport:
        services = {t.service for t in data.transport}
        days = {t.day for t in data.transport}
        parts.append(_count(len(services), "transport service") + _days(days))
    if data.swag:
        # Items offered on several days are stored once a day, as 'id@day'.
        items = {s.id.partition("@")[0] for s in data.swag}
        days = {s.start.astimezone(zone).date() for s in data.swag if s.start}
        parts.append(_count(len(items), "swag item") + _days(days))
    sessions = [s for s in [*data.schedule, *data.unscheduled] if s.code]
    others = [s for s in data.schedule if not s.code]
    if sessions:  # a catalog: its sessions, and how many still have no time
        days = {s.start.astimezone(zone).date() for s in sessions if s.start}
        tba = sum(1 for s in sessions if s.start is None)
        parts.append(
            _count(len(sessions), "session")
            + _days(days)
            + (f" ({tba} with the time to be announced)" if tba else "")
        )
    if others:
        items = {s.id.partition("@")[0] for s in others}
        days = {s.start.astimezone(zone).date() for s in others}
        parts.append(_count(len(items), "schedule item") + _days(days))
    if data.speakers and sessions:
        parts.append(_count(len(data.speakers), "new speaker"))
    if data.faq:
        parts.append(_count(len(data.faq), "FAQ answer"))
    return ", ".join(parts) or "no records"
