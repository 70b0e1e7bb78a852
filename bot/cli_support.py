"""What every `confbot` command shares: its errors and exit codes, the database, times."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store, StoreReadOnly
from bot.suggest import zone_problem

DEFAULT_DB = "./confbot.db"
EXIT_CONTENT = 1  # a file, or what is in it, cannot be used
EXIT_USAGE = 2  # the command line: an option, a path, a name
EXIT_BUG = 3  # an error confbot did not foresee


class CliError(Exception):
    """A problem with the command line (an option, a path, a name): one line, exit 2."""


class ContentError(Exception):
    """A file or the data in it that cannot be used: one line, exit 1."""


def is_plain_path(db: str) -> bool:
    """A file path, as opposed to ':memory:' or a 'file:' URI (which SQLite interprets)."""
    return db != ":memory:" and not db.startswith("file:")


def check_db_path(db: str) -> None:
    """A --db that can never be a database file, said in words before SQLite says less."""
    if not is_plain_path(db):
        return
    if os.path.isdir(db):
        raise CliError(f"--db: {db} is a folder, not a database file")
    parent = os.path.dirname(os.path.abspath(db))
    if not os.path.isdir(parent):
        raise CliError(f"--db: the folder {parent} does not exist")


def open_store(args: argparse.Namespace, *, create: bool = False, sample: bool = False) -> Store:
    """Open the database named by --db.

    Only commands that write (load, ask, chat, serve, new campaigns) create a missing file;
    the rest say there is none instead of reporting on an empty database made by a typo.
    With ``sample``, an empty database gets the bundled sample event, and says so.
    """
    db = args.db
    check_db_path(db)
    if not create and is_plain_path(db) and not os.path.exists(db):
        raise CliError(
            f"no database at {db}: name it with --db (or CONFBOT_DB), or create one with "
            "`confbot load FILE`"
        )
    store = Store(db)
    if sample and store.is_empty():
        try:
            load_file(store, SAMPLE_EVENT)
        except StoreReadOnly:
            raise CliError(
                f"the database {db} holds no event and is read-only: nothing to answer from"
            ) from None
        print(
            f"confbot: the database {db} was empty, so it now holds the bundled sample "
            f"event ({store.event().name}). Load your own with `confbot load FILE --replace`.",
            file=sys.stderr,
        )
    return store


def zone_option(text: str | None, option: str = "--tz") -> ZoneInfo | None:
    """A time zone named on the command line, with the nearest real name when misspelt."""
    if not text:
        return None
    problem = zone_problem(text)
    if problem:
        raise CliError(f"{option}: {problem}")
    return ZoneInfo(text)


def time_option(text: str, zone: ZoneInfo, option: str) -> datetime:
    """An ISO 8601 time from the command line; without an offset it is in ``zone``."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            f"{option}: '{text}' is not a date and time like 2023-11-28T09:00 "
            f"(ISO 8601; {zone.key} unless it has an offset like -08:00)"
        ) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def event_zone(store: Store) -> ZoneInfo:
    """The zone the command line shows times in: the event's, or UTC before there is one."""
    event = store.event()
    return event.zone if event else ZoneInfo("UTC")


def local(moment: datetime, zone: ZoneInfo) -> str:
    """'2023-11-28 Tue 10:00 PST': sortable, and the zone named."""
    here = moment.astimezone(zone)
    return f"{here:%Y-%m-%d %a %H:%M} {here.tzname()}"


def utc_hour(text: str) -> datetime:
    """A stored hour bucket ('2023-11-28T18', UTC) as a moment."""
    return datetime.strptime(text, "%Y-%m-%dT%H").replace(tzinfo=UTC)
