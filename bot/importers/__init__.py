"""Loading event data: validate a whole file first, then write it in one transaction.

One database holds one event. A file for another event (another name or time zone, or an
agenda CSV dated nowhere near it) is refused unless the caller says what it wants: replace
the event, or merge the file's records into it on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from bot.importers.agenda_csv import read_agenda_csv
from bot.importers.catalog import is_session_csv, read_catalog_csv, read_catalog_json
from bot.importers.common import LoadError
from bot.importers.event_file import read_event_file
from bot.models import Event, EventData
from bot.store import Store
from bot.suggest import zone_problem

SAMPLE_EVENT = Path(__file__).resolve().parent.parent / "data" / "reinvent2023.toml"
MODES = ("update", "replace", "merge")
# Files that name no event (agenda and session CSVs, catalog exports): --tz and --name say
# which event they start, and their dates say whether they belong to the one loaded.
SHEETS = (".csv", ".json")
# An agenda CSV names no event, so its dates are the only sign that it belongs to another
# one: a sheet for the same event may add a day or two around it (badge pickup on Sunday),
# but not land weeks away.
CSV_DATE_MARGIN = timedelta(days=7)

__all__ = [
    "LoadError",
    "LoadRefused",
    "Loaded",
    "MODES",
    "SAMPLE_EVENT",
    "load",
    "load_file",
    "read_file",
]


class LoadRefused(LoadError):
    """Not loaded because of how it was asked: the file is for another event than the one in
    the database, or an option does not apply. Fixed on the command line, not in the file."""

    def __init__(self, file: str, problem: str):
        Exception.__init__(self, f"{file}: {problem}")
        self.file, self.where, self.field, self.problem = file, "the command line", None, problem


@dataclass(frozen=True)
class Loaded:
    """What a load did: how (new, replace, update, merge), the event now, the records."""

    mode: str
    event: Event
    data: EventData
    counts: dict[str, int]


def read_file(
    path: str | Path, existing: EventData | None, *, name: str | None = None, tz: str | None = None
) -> EventData:
    """Read an event file (.toml), an agenda CSV or session catalog CSV (.csv), or a session
    catalog's JSON export (.json) without touching the store."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv" and is_session_csv(path):
        return read_catalog_csv(path, existing, name=name, tz=tz)
    if suffix == ".csv":
        return read_agenda_csv(path, existing, name=name, tz=tz)
    if suffix == ".json":
        return read_catalog_json(path, existing, name=name, tz=tz)
    if suffix == ".toml":
        known = {v.id for v in existing.venues} if existing else set()
        return read_event_file(path, known)
    raise LoadError(
        str(path),
        "the file",
        None,
        "must be an event file (.toml), an agenda or session CSV (.csv) or a session catalog "
        "(.json)",
    )


def load(
    store: Store,
    path: str | Path,
    *,
    mode: str = "update",
    name: str | None = None,
    tz: str | None = None,
) -> Loaded:
    """Load a file into the store, all or nothing.

    ``update`` adds or updates records by their stable ids, for the event already in the
    database (or starts one in an empty database); ``replace`` swaps the whole event;
    ``merge`` adds the records of another event's file to the one in the database. ``name``
    and ``tz`` name the event an agenda CSV belongs to. Raises LoadError for a file that
    cannot be loaded and LoadRefused when the file or an option does not fit the database.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    file, suffix = str(path), Path(path).suffix.lower()
    current = store.event()
    _check_options(file, suffix, current, mode, name, tz)
    existing = None if mode == "replace" else store.load_event_data()
    data = read_file(path, existing, name=name, tz=tz)
    if existing is not None:
        if mode == "update" and suffix == ".toml":
            _same_event(file, data.event, existing.event)
        elif mode == "update":
            _near_in_time(file, data, existing.event)
        # The loaded records may not fall outside the event's days; a merge keeps the
        # database's event (its name and zone) and only widens its days.
        base = existing.event if mode == "merge" else data.event
        data.event = replace(
            base,
            first_day=min(data.event.first_day, existing.event.first_day),
            last_day=max(data.event.last_day, existing.event.last_day),
        )
    counts = store.save_event_data(data, replace=mode == "replace")
    return Loaded("new" if current is None else mode, data.event, data, counts)


def load_file(
    store: Store,
    path: str | Path,
    *,
    replace_all: bool = False,
    merge: bool = False,
    name: str | None = None,
    tz: str | None = None,
) -> dict[str, int]:
    """``load`` for callers that only want the count of each kind of record."""
    mode = "replace" if replace_all else "merge" if merge else "update"
    return load(store, path, mode=mode, name=name, tz=tz).counts


# -- what does not fit --------------------------------------------------------------------


def describe_event(event: Event) -> str:
    """'AWS re:Invent 2023 (America/Los_Angeles, 2023-11-26 to 2023-12-01)'."""
    return f"{event.name} ({event.tz}, {event.first_day} to {event.last_day})"


def _options(name: str | None, tz: str | None, one: str, several: str) -> str:
    """'--tz applies', '--name and --tz apply': the options given, with their verb."""
    given = [o for o, v in (("--name", name), ("--tz", tz)) if v]
    return f"{' and '.join(given)} {one if len(given) == 1 else several}"


def _check_options(
    file: str, suffix: str, current: Event | None, mode: str, name: str | None, tz: str | None
) -> None:
    """Refuse an option that would otherwise be ignored, before reading the file."""
    if tz and (problem := zone_problem(tz)):
        raise LoadRefused(file, f"--tz: {problem}")
    if suffix not in SHEETS and (name or tz):
        raise LoadRefused(
            file,
            f"{_options(name, tz, 'only applies', 'only apply')} to an agenda CSV or a session catalog: an event file names its event "
            "and time zone in its [event] table",
        )
    if mode == "merge":
        if current is None:
            raise LoadRefused(
                file,
                "--merge adds records to the event in the database, and it holds none yet: "
                "leave --merge out",
            )
        if name or tz:
            raise LoadRefused(
                file,
                f"{_options(name, tz, 'does not apply', 'do not apply')} with --merge: the records join "
                f"{describe_event(current)} as they are",
            )
    if suffix not in SHEETS:
        return
    if (current is None or mode == "replace") and not tz:
        sheet = suffix == ".csv" and not is_session_csv(file)
        what = "an agenda CSV" if sheet else "a session catalog"
        raise LoadRefused(
            file, f"{what} that starts a new event needs its time zone: add --tz ZONE"
        )
    if current is not None and mode == "update":
        other_name = name is not None and not _same_name(name, current.name)
        other_zone = tz is not None and tz != current.tz
        if other_name or other_zone:
            raise _different(file, f"is for {name or current.name} ({tz or current.tz})", current)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _different(file: str, theirs: str, current: Event) -> LoadRefused:
    return LoadRefused(
        file,
        f"this file {theirs}, but the database holds {describe_event(current)}. "
        f"Add --replace to swap the whole event for this one, or --merge to add these "
        f"records to {current.name} on purpose",
    )


def _same_event(file: str, theirs: Event, current: Event) -> None:
    if not _same_name(theirs.name, current.name) or theirs.tz != current.tz:
        raise _different(file, f"is for {theirs.name} ({theirs.tz})", current)


def _record_days(data: EventData, event: Event) -> set[date]:
    zone = event.zone
    days = {m.day for m in data.meals} | {t.day for t in data.transport}
    days |= {s.start.astimezone(zone).date() for s in data.schedule}
    days |= {s.start.astimezone(zone).date() for s in data.swag if s.start}
    return days


def _near_in_time(file: str, data: EventData, current: Event) -> None:
    """An agenda CSV whose every row is weeks away from the event is for another event."""
    days = _record_days(data, current)
    first, last = current.first_day - CSV_DATE_MARGIN, current.last_day + CSV_DATE_MARGIN
    if not days or any(first <= d <= last for d in days):
        return
    raise _different(file, f"is dated {min(days)} to {max(days)}", current)
