"""The agenda CSV: the sheet organizers and attendees keep (Date, Time, Event, Location,
Notes, and optionally Aliases).

Each row becomes meals, transport, swag or schedule items by its title, read with the
bot's own lexicon (bot.importers.classify). A row that fits no kind is kept as a schedule
item of kind `other`, found by its title and aliases, never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importers.classify import byline, classify, frequency, is_note, speaker
from bot.importers.common import LoadError, parse_clock, parse_day, slug, span_on
from bot.models import Event, EventData, Meal, ScheduleItem, Swag, Transport, Venue
from bot.understanding.normalize import normalize

REQUIRED = ("date", "time", "event")
ALL_LOCATIONS = {"all locations", "all venues", "all", "everywhere"}


def _split_items(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


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

    def __init__(self, venues: list[Venue], source: str = "agenda CSV"):
        self.source = source
        self.venues = {v.id: v for v in venues}
        self.created: list[Venue] = []
        self.names: dict[str, str] = {}
        for v in venues:
            for name in (v.name, *v.aliases, v.id):
                self.names.setdefault(self._key(name), v.id)

    @staticmethod
    def _key(name: str) -> str:
        return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", name.strip().lower()))

    def known(self, name: str) -> str | None:
        return self.names.get(self._key(name))

    def find(self, name: str) -> str:
        key = self._key(name)
        if key in self.names:
            return self.names[key]
        venue = Venue(id=slug(key), name=name.strip(), source=self.source)
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
        aliases = tuple(a.strip() for a in cell("aliases").split(";") if a.strip())
        venue_ids, sub_location = _location(cell("location"), venues)
        start, end = span_on(day, start_t, end_t or start_t, zone)
        if end_t is None:
            end = None

        for item in items:
            what = classify(item)
            if what.kind == "other":  # "re:Play" says nothing; its alias "Closing party" does
                for alias in aliases:
                    other = classify(alias)
                    if other.record == "schedule" and other.kind != "other":
                        what = other
                        break
            record_type, kind = what.record, what.kind
            if record_type == "meal" and end is not None:
                for venue in venue_ids:
                    # two coffee breaks a day at one place are two: the key holds the time
                    key = f"{venue or 'all'}-{slug(kind)}-{day}-{start:%H%M}"
                    if key not in seen:
                        seen.add(key)
                        data.meals.append(
                            Meal(key, venue, day, kind, start, end, sub_location, notes,
                                 f"{file}:{line}", aliases)
                        )  # fmt: skip
            elif record_type == "transport" and end is not None:
                more, boarding = _more_stops(sub_location, venues)
                stops = tuple(dict.fromkeys([*(v for v in venue_ids if v), *more]))
                service = slug(item)  # one service by its name, whichever stops a day lists
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
                            every_min=frequency(notes),
                            where=boarding,
                            notes=notes,
                            source=f"{file}:{line}",
                            aliases=aliases,
                            serves=_wanted(what.rest),  # matched to items once all are read
                        )
                    )
            elif record_type == "swag":
                for venue in venue_ids:
                    key = f"{slug(item)}-{venue or 'all'}@{day}"
                    if key not in seen:
                        seen.add(key)
                        data.swag.append(
                            Swag(key, item, venue, sub_location, start, end, notes=notes,
                                 source=f"{file}:{line}", aliases=aliases)
                        )  # fmt: skip
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
                                # a talk's speaker; any row's byline ("… — Jun Park")
                                speaker(item) if kind in {"keynote", "sessions"} else byline(item),
                                venue,
                                sub_location,
                                notes,
                                kind in {"keynote", "party"},
                                (),
                                f"{file}:{line}",
                                aliases=aliases,
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
    _link_services(data, existing)
    return data


def _location(cell: str, venues: VenueMatcher) -> tuple[list[str | None], str]:
    """The venues a Location cell names, and the rest as where-text: "Venetian | Level 2",
    "Venetian, MGM Grand", "Congress Centre, Level 1", "All locations"."""
    location, inside = cell, ""
    if "|" in cell:
        location, inside = (p.strip() for p in cell.split("|", 1))
    if location.lower() in ALL_LOCATIONS:
        return [None], inside or "All locations"
    venue_ids: list[str | None] = []
    notes: list[str] = []
    for part in _split_items(location):
        known = venues.known(part)
        if known:
            venue_ids.append(known)
        elif is_note(part) and (venue_ids or len(notes) or _split_items(location)[0] != part):
            notes.append(part)  # "Level 1", "Race starts at 7:00 AM": not a venue
        elif is_note(part) and any(c.isdigit() for c in part):
            notes.append(part)  # a sheet whose Location is only "Room 204"
        else:
            venue_ids.append(venues.find(part))
    where = ", ".join([p for p in (inside, *notes) if p])
    return venue_ids or [None], where


def _more_stops(where: str, venues: VenueMatcher) -> tuple[list[str], str]:
    """A service's where-text may name further stops after the boarding place ("Tram stop
    Europaplein, Centraal Station"): the stops (created when new), and the rest."""
    stops, rest = [], []
    for part in _split_items(where):
        known = venues.known(part)
        if known or not is_note(part):
            stops.append(known or venues.find(part))
        else:
            rest.append(part)
    return stops, ", ".join(rest)


def _wanted(rest: str) -> tuple[str, ...]:
    """What a service's title names besides the service ("re:Play" in "re:Play shuttle
    buses"): kept as words until the items it serves are known."""
    return (f"?{rest}",) if rest else ()


def _link_services(data: EventData, existing: EventData | None) -> None:
    """Services whose title names an item ("re:Play shuttle buses", "Party buses") serve
    it: the items of that name or kind on the service's day."""
    from bot.importers.classify import classify as kind_of

    items = list(data.schedule) + (list(existing.schedule) if existing else [])
    for n, t in enumerate(data.transport):
        wanted = [s[1:] for s in t.serves if s.startswith("?")]
        if not wanted:
            continue
        words = set(normalize(" ".join(wanted)).split())
        kind = kind_of(" ".join(wanted)).kind
        served = [
            i.id
            for i in items
            if i.start.date() == t.day or i.start.astimezone(t.first_run.tzinfo).date() == t.day
            if words & set(normalize(" ".join((i.title, *i.aliases))).split())
            or i.kind == kind != "other"
        ]
        data.transport[n] = replace(t, serves=tuple(served))
