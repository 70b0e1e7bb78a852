"""Loading event data: validate a whole file first, then write it in one transaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.importers.agenda_csv import read_agenda_csv
from bot.importers.common import LoadError
from bot.importers.event_file import read_event_file
from bot.models import EventData
from bot.store import Store

SAMPLE_EVENT = Path(__file__).resolve().parent.parent / "data" / "reinvent2023.toml"

__all__ = ["LoadError", "SAMPLE_EVENT", "load_file", "read_file"]


def read_file(
    path: str | Path, existing: EventData | None, *, name: str | None = None, tz: str | None = None
) -> EventData:
    """Read an event file (.toml) or agenda CSV (.csv) without touching the store."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_agenda_csv(path, existing, name=name, tz=tz)
    if suffix == ".toml":
        known = {v.id for v in existing.venues} if existing else set()
        return read_event_file(path, known)
    raise LoadError(
        str(path), "the file", None, "must be an event file (.toml) or an agenda CSV (.csv)"
    )


def load_file(
    store: Store,
    path: str | Path,
    *,
    replace_all: bool = False,
    name: str | None = None,
    tz: str | None = None,
) -> dict[str, int]:
    """Load a file into the store, all or nothing. Returns the count of each kind of record.

    Without ``replace_all`` records are added or updated by their stable ids; an agenda CSV
    widens the event's days to cover its rows.
    """
    existing = None if replace_all else store.load_event_data()
    data = read_file(path, existing, name=name, tz=tz)
    if existing is not None and Path(path).suffix.lower() == ".toml":
        # An additive event file may not shrink the days that loaded records fall on.
        data.event = replace(
            data.event,
            first_day=min(data.event.first_day, existing.event.first_day),
            last_day=max(data.event.last_day, existing.event.last_day),
        )
    return store.save_event_data(data, replace=replace_all)
