"""The agenda CSV: the sheet organizers and attendees keep (Date, Time, Event, Location, Notes).

Each row becomes meals, transport, swag, keynotes, parties, Expo hours and so on by its
text. A row that fits no kind is kept as a schedule item, never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importers.common import LoadError, parse_clock, parse_day, slug, span_on
from bot.models import Event, EventData, Meal, ScheduleItem, Swag, Transport, Venue

REQUIRED = ("date", "time", "event")
ALL_LOCATIONS = {"all locations", "all venues", "all", "everywhere"}

MEAL_WORDS = {
    "breakfast": "breakfast",
    "lunch": "lunch",
    "dinner": "dinner",
    "coffee": "coffee",
    "snack": "snacks",
    "grab and go": "lunch",
}
TRANSPORT_WORDS = (
    "shuttle",
    "bus",
    "buses",
    "coach",
    "monorail",
    "rideshare",
    "taxi",
    "transportation",
)
SCHEDULE_KINDS = [
    ("keynote", "keynote"),
    ("re:play", "party"),
    ("replay", "party"),
    ("party", "party"),
    ("expo", "expo"),
    ("reception", "reception"),
    ("pub crawl", "reception"),
    ("happy hour", "reception"),
    ("5k", "run"),
    ("badge", "badge"),
    ("registration", "badge"),
    ("help desk", "help"),
    ("info desk", "help"),
    ("information", "help"),
    ("lounge", "lounge"),
    ("session", "sessions"),
]


def _split_items(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _classify(item: str) -> tuple[str, str]:
    """(record type, kind) for one item of the Event column."""
    low = item.lower()
    if "swag" in low or "hoodie" in low or "giveaway" in low:
        return "swag", "swag"
    if any(re.search(rf"\b{w}\b", low) for w in TRANSPORT_WORDS):
        if "re:play" in low or "replay" in low:
            return "transport", "replay-bus"
        if "5k" in low or "coach" in low:
            return "transport", "coach"
        if "monorail" in low:
            return "transport", "monorail"
        if "rideshare" in low or "taxi" in low:
            return "transport", "rideshare"
        return "transport", "shuttle"
    for word, kind in MEAL_WORDS.items():
        if word in low:
            return "meal", kind
    for word, kind in SCHEDULE_KINDS:
        if word in low:
            return "schedule", kind
    return "schedule", "other"


def _speaker(item: str) -> str:
    m = re.search(r"(?:keynote)\s*(?:with|by|:|-|–)\s*(.+)$", item, re.I) or re.search(
        r"^(.+?)\s*(?:'s)?\s+keynote$", item, re.I
    )
    return m.group(1).strip() if m else ""


def _times(text: str) -> tuple[time, time | None]:
    text = text.strip()
    if not text or text.lower() in {"all day", "tbd"}:
        return time(0), time(23, 59)
    parts = re.split(r"\s*(?:-|–|—|to)\s*", text)
    if len(parts) == 1:
        return parse_clock(parts[0]), None
    if len(parts) == 2:
        return parse_clock(parts[0]), parse_clock(parts[1])
    raise ValueError(f"'{text}' is not a time or a range like '07:00 AM - 11:59 PM'")


class VenueMatcher:
    """Finds a venue by name or alias, creating one for a name never seen before."""

    def __init__(self, venues: list[Venue]):
        self.venues = {v.id: v for v in venues}
        self.created: list[Venue] = []
        self.names: dict[str, str] = {}
        for v in venues:
            for name in (v.name, *v.aliases, v.id):
                self.names.setdefault(self._key(name), v.id)

    @staticmethod
    def _key(name: str) -> str:
        return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", name.strip().lower()))

    def find(self, name: str) -> str:
        key = self._key(name)
        if key in self.names:
            return self.names[key]
        venue = Venue(id=slug(key), name=name.strip(), source="agenda CSV")
        self.names[key] = venue.id
        self.venues[venue.id] = venue
        self.created.append(venue)
        return venue.id


def read_agenda_csv(
    path: str | Path, existing: EventData | None, *, name: str | None = None, tz: str | None = None
) -> EventData:
    """Read an agenda CSV into event records. Raises LoadError naming the row and column.

    The event's time zone comes from the store (``existing``), or ``tz`` for a new event.
    """
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            file, f"byte {exc.start}", None, "the file is not UTF-8 text (save it as CSV UTF-8)"
        ) from None
    except OSError as exc:
        raise LoadError(file, "the file", None, f"cannot be read: {exc.strerror}") from None
    if "\x00" in text:
        raise LoadError(file, "the file", None, "holds NUL bytes: it is not a CSV text file")

    if existing is not None:
        zone_name = existing.event.tz
    elif tz:
        zone_name = tz
    else:
        raise LoadError(
            file,
            "the file",
            None,
            "the database has no event yet: pass --tz ZONE (and --name) to create one",
        )
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise LoadError(file, "the file", None, f"'{zone_name}' is not a time zone name") from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError(
            file,
            "line 1",
            None,
            "the file is empty: expected a header row Date, Time, Event, Location, Notes",
        ) from None
    except csv.Error as exc:
        raise LoadError(file, "line 1", None, f"is not valid CSV: {exc}") from None
    columns = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise LoadError(
            file, "line 1", missing[0].capitalize(), "this column is missing from the header row"
        )

    venues = VenueMatcher(existing.venues if existing else [])
    data = EventData(event=Event(name or Path(file).stem, zone_name, date.max, date.min))
    seen: set[str] = set()
    days: list[date] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise LoadError(
                file, f"line {reader.line_num}", None, f"is not valid CSV: {exc}"
            ) from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue

        def cell(column: str, row: list[str] = row) -> str:
            i = columns.get(column)
            return row[i].strip() if i is not None and i < len(row) else ""

        where = f"line {line}"
        try:
            day = parse_day(cell("date"))
        except ValueError as exc:
            raise LoadError(file, where, "Date", str(exc)) from None
        try:
            start_t, end_t = _times(cell("time"))
        except ValueError as exc:
            raise LoadError(file, where, "Time", str(exc)) from None
        items = _split_items(cell("event"))
        if not items:
            raise LoadError(file, where, "Event", "is empty: say what happens")
        days.append(day)
        notes = cell("notes")
        location = cell("location")
        sub_location = ""
        if "|" in location:
            location, sub_location = (p.strip() for p in location.split("|", 1))
        if location.lower() in ALL_LOCATIONS:
            venue_ids: list[str | None] = [None]
            sub_location = sub_location or "All locations"
        else:
            venue_ids = [venues.find(n) for n in _split_items(location)] or [None]
        start, end = span_on(day, start_t, end_t or start_t, zone)
        if end_t is None:
            end = None

        for item in items:
            record_type, kind = _classify(item)
            if record_type == "meal" and end is not None:
                for venue in venue_ids:
                    key = f"{venue or 'all'}-{slug(kind)}-{day}"
                    if key not in seen:
                        seen.add(key)
                        data.meals.append(
                            Meal(
                                key,
                                venue,
                                day,
                                kind,
                                start,
                                end,
                                sub_location,
                                notes,
                                f"{file}:{line}",
                            )
                        )
            elif record_type == "transport" and end is not None:
                stops = tuple(v for v in venue_ids if v)
                service = slug(f"{item}-{location}") if stops else slug(item)
                key = f"{service}@{day}"
                if key not in seen:
                    seen.add(key)
                    data.transport.append(
                        Transport(
                            key,
                            service,
                            kind,
                            item,
                            stops,
                            day,
                            start,
                            end,
                            where=sub_location,
                            notes=notes,
                            source=f"{file}:{line}",
                        )
                    )
            elif record_type == "swag":
                for venue in venue_ids:
                    key = f"{slug(item)}-{venue or 'all'}@{day}"
                    if key not in seen:
                        seen.add(key)
                        data.swag.append(
                            Swag(
                                key,
                                item,
                                venue,
                                sub_location,
                                start,
                                end,
                                notes=notes,
                                source=f"{file}:{line}",
                            )
                        )
            else:
                if record_type != "schedule":  # a meal or shuttle without an end time
                    kind = "other"
                for venue in venue_ids:
                    key = f"{slug(item)}-{start:%Y%m%dT%H%M}-{venue or 'all'}"
                    if key not in seen:
                        seen.add(key)
                        data.schedule.append(
                            ScheduleItem(
                                key,
                                kind,
                                item,
                                start,
                                end,
                                _speaker(item) if kind == "keynote" else "",
                                venue,
                                sub_location,
                                notes,
                                kind in {"keynote", "party"},
                                (),
                                f"{file}:{line}",
                            )
                        )
    if not days:
        raise LoadError(file, "the file", None, "has a header but no rows")
    first, last = min(days), max(days)
    if existing is not None:
        first, last = min(first, existing.event.first_day), max(last, existing.event.last_day)
        data.event = replace(existing.event, first_day=first, last_day=last)
    else:
        data.event = replace(data.event, first_day=first, last_day=last, source=file)
    data.venues = venues.created
    return data
