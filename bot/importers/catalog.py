"""The session catalog: the event app's JSON export, or a plain CSV of sessions.

Each session becomes a schedule item of kind ``sessions`` (``keynote`` when the catalog
says it is one) with the catalog's code, format, level, tags, abstract and whether seats
are reserved. Real exports are ragged: a session may lack a time ("time to be announced" is
an answer, not an error), a room, a level or tags, and fields this reader does not know are
ignored. What cannot be used stops the load, naming the record (or line) and the field.

Venues are matched to the event's own by name or alias; a venue never seen before is
created. Speakers are matched to the event's speakers by name or alias, so a session by a
keynote speaker is found under the name people already use.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importers.agenda_csv import VenueMatcher
from bot.importers.classify import classify
from bot.importers.common import LoadError, parse_clock, parse_day, parse_moment, slug
from bot.models import Event, EventData, ScheduleItem, Speaker
from bot.understanding.normalize import normalize

CSV_COLUMNS = ("code", "title", "start", "end", "venue", "room", "type", "level", "topics",
               "speakers")  # fmt: skip
CSV_REQUIRED = ("code", "title")
# The catalog's tag lists, all found the same way ("serverless sessions", "hands-on
# workshops", "sessions for data engineers"); the sponsor's name is a tag too.
TAG_FIELDS = ("topics", "services", "areasOfInterest", "roles", "features", "industry", "sponsor")
_LIST_SEPARATORS = re.compile(r"\s*[;|]\s*")
_MAX_LENGTH = 24 * 60  # minutes: a session longer than a day is a typo


def is_session_csv(path: str | Path) -> bool:
    """Whether a CSV is a session catalog (a ``code`` and a ``title`` column) rather than
    an agenda sheet."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    names = {h.strip().lower() for h in header}
    return all(c in names for c in CSV_REQUIRED)


class _Reader:
    """What both catalog formats share: the event's zone, venues, speakers, and records."""

    def __init__(self, file: str, existing: EventData | None, name: str | None, tz: str | None):
        self.file = file
        self.existing = existing
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
            self.zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise LoadError(
                file, "the file", None, f"'{zone_name}' is not a time zone name"
            ) from None
        self.event = Event(name or Path(file).stem, zone_name, date.max, date.min, source=file)
        self.venues = VenueMatcher(existing.venues if existing else [], source="session catalog")
        self.speaker_ids: dict[str, str] = {}
        for s in existing.speakers if existing else []:
            for text in (s.name, *s.aliases, s.id):
                self.speaker_ids.setdefault(_person_key(text), s.id)
        self.speakers: dict[str, Speaker] = {}
        self.items: dict[str, tuple[str, ScheduleItem]] = {}  # id -> (where, item)

    def speaker(self, name: str, role: str = "") -> str:
        """The id of a speaker by name: the event's own when it knows them, else a new one
        (with their job title and company as their role)."""
        key = _person_key(name)
        if key not in self.speaker_ids:
            speaker = Speaker(slug(name), name.strip(), role=role, source=self.file)
            self.speaker_ids[key] = speaker.id
            self.speakers[speaker.id] = speaker
        return self.speaker_ids[key]

    def place(self, venue: str, room: str) -> tuple[str | None, str]:
        """The venue id and the room: "Level 2 | Room 204", sometimes after the hotel's
        name ("MGM Grand | Level 1 | Room 116"), which then names the venue."""
        parts = [p.strip() for p in room.split("|") if p.strip()]
        venue_id = self.venues.find(venue) if venue.strip() else None
        if parts:
            first = self.venues.known(parts[0])
            if first is not None and (venue_id is None or first == venue_id):
                venue_id = first
                parts = parts[1:]
        return venue_id, " | ".join(parts)

    def add(self, where: str, item: ScheduleItem) -> None:
        """One session; the same one twice is loaded once, two different ones under one
        code are an error."""
        before = self.items.get(item.id)
        if before is not None:
            if _same(before[1], item):
                return
            raise LoadError(
                self.file,
                where,
                "code" if item.code else "title",
                f"'{item.code or item.title}' is also {before[0]}, with other details: "
                "a code names one session",
            )
        self.items[item.id] = (where, item)

    def data(self) -> EventData:
        if not self.items:
            raise LoadError(self.file, "the file", None, "holds no sessions")
        items = [item for _, item in self.items.values()]
        days = [i.start.astimezone(self.zone).date() for i in items if i.start is not None]
        event = self.existing.event if self.existing is not None else self.event
        if days:
            event = replace(
                event,
                first_day=min([*days, event.first_day]),
                last_day=max([*days, event.last_day]),
            )
        elif self.existing is None:
            raise LoadError(
                self.file,
                "the file",
                None,
                "no session has a date, so the event's days are unknown: load the event first",
            )
        return EventData(
            event=event,
            venues=self.venues.created,
            schedule=[i for i in items if i.start is not None],
            unscheduled=[i for i in items if i.start is None],
            speakers=list(self.speakers.values()),
        )

    def session(
        self,
        where: str,
        *,
        code: str,
        title: str,
        start: datetime | None,
        end: datetime | None,
        venue: str,
        room: str,
        format: str,
        level: str,
        tags: tuple[str, ...],
        speakers: tuple[str, ...],
        abstract: str = "",
        reservable: bool = False,
        day: date | None = None,
        roles: dict[str, str] | None = None,
    ) -> ScheduleItem:
        if not title and not code:
            raise LoadError(self.file, where, "title", "is empty: every session needs a title")
        venue_id, room_text = self.place(venue, room)
        names = list(dict.fromkeys(s.strip() for s in speakers if s.strip()))
        ids = tuple(dict.fromkeys(self.speaker(s, (roles or {}).get(s, "")) for s in names))
        # Without a code, the title and start keep the id stable across loads.
        key = code or (f"{title}-{start:%Y%m%dT%H%M}" if start else f"{title}-tba")
        return ScheduleItem(
            id=f"session-{slug(key)}",
            kind="keynote" if format and classify(format).kind == "keynote" else "sessions",
            title=title or code,
            start=start,
            end=end,
            speaker=", ".join(names),
            venue=venue_id,
            where=room_text,
            source=f"{self.file}:{where}",
            speakers=ids,
            code=code.strip().upper(),
            format=format,
            level=level,
            topics=tuple(dict.fromkeys(t for t in tags if t)),
            abstract=abstract,
            reservable=reservable,
            day=day if start is None else None,
        )


def _person_key(name: str) -> str:
    return " ".join(normalize(name).split())


def _same(a: ScheduleItem, b: ScheduleItem) -> bool:
    return replace(a, source="") == replace(b, source="")


# -- the JSON export ---------------------------------------------------------------------------


def read_catalog_json(
    path: str | Path, existing: EventData | None, *, name: str | None = None, tz: str | None = None
) -> EventData:
    """Read the catalog's JSON export (a list of session objects). Raises LoadError naming
    the record and the field."""
    file = str(path)
    text = _read_text(file)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(file, f"line {exc.lineno}", None, f"is not valid JSON: {exc.msg}") from None
    records = _records(file, doc)
    reader = _Reader(file, existing, name, tz)
    for n, record in enumerate(records, start=1):
        where = f"record {n}"
        if not isinstance(record, dict):
            raise LoadError(file, where, None, f"is {_kind(record)}, not a session object")
        code = _text(file, where, record, "abbreviation")
        if code:
            where = f"record {n} ({code})"
        start, end, day = _session_time(file, where, record.get("sessionTime"), reader.zone)
        tags: list[str] = []
        for field in TAG_FIELDS:
            tags += _names(file, where, record, field)
        reader.add(
            where,
            reader.session(
                where,
                code=code,
                title=_text(file, where, record, "title"),
                start=start,
                end=end,
                venue=_text(file, where, record, "venue"),
                room=_text(file, where, record, "room"),
                format=_text(file, where, record, "type"),
                level=_text(file, where, record, "level"),
                tags=tuple(tags),
                speakers=tuple(_names(file, where, record, "speakers")),
                abstract=_text(file, where, record, "abstract"),
                reservable=_flag(file, where, record, "isReservable"),
                day=day,
                roles=_roles(record.get("speakers")),
            ),
        )
    return reader.data()


def _roles(value: Any) -> dict[str, str]:
    """Speakers' job titles and companies ({"name", "jobTitle", "company"}), when given."""
    roles = {}
    for s in value if isinstance(value, list) else []:
        if isinstance(s, dict) and isinstance(s.get("name"), str):
            parts = [s.get(k) for k in ("jobTitle", "company")]
            role = ", ".join(" ".join(p.split()) for p in parts if isinstance(p, str) and p.strip())
            if role:
                roles[s["name"].strip()] = role
    return roles


def _read_text(file: str) -> str:
    try:
        text = Path(file).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(file, f"byte {exc.start}", None, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise LoadError(file, "the file", None, f"cannot be read: {exc.strerror}") from None
    if "\x00" in text:
        raise LoadError(file, "the file", None, "holds NUL bytes: it is not a text file")
    return text


def _records(file: str, doc: Any) -> list:
    """The list of sessions: the whole document, or the one list inside it
    ({"sessions": […]})."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    raise LoadError(file, "the file", None, "expected a list of sessions (a JSON array)")


def _kind(value: Any) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _text(file: str, where: str, record: dict, field: str) -> str:
    value = record.get(field)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise LoadError(file, where, field, f"is {_kind(value)}; expected text")
    return " ".join(str(value).split())


def _names(file: str, where: str, record: dict, field: str) -> list[str]:
    """A list of names: ["Serverless", …], [{"name": "Jane Doe"}, …], one object with a
    name, or one string."""
    value = record.get(field)
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):
        return [p for p in _LIST_SEPARATORS.split(value.strip()) if p]
    if not isinstance(value, list):
        raise LoadError(file, where, field, f"is {_kind(value)}; expected a list of names")
    names = []
    for element in value:
        if isinstance(element, dict):
            element = element.get("name")
            if element is None:
                continue
        if not isinstance(element, str):
            raise LoadError(file, where, field, f"holds {_kind(element)}; expected names (text)")
        if element.strip():
            names.append(" ".join(element.split()))
    return names


def _flag(file: str, where: str, record: dict, field: str) -> bool:
    value = record.get(field)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false", "yes", "no", ""}:
        return value.strip().lower() in {"true", "yes"}
    raise LoadError(file, where, field, f"is {_kind(value)}; expected true or false")


def _session_time(
    file: str, where: str, value: Any, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None, date | None]:
    """sessionTime {date, time, length}: a start and end in the event's zone, or no start
    when the time is not set yet (then the day, if that is known)."""
    if value is None:
        return None, None, None
    if not isinstance(value, dict):
        raise LoadError(file, where, "sessionTime", f"is {_kind(value)}; expected an object")
    raw_day, raw_time = value.get("date"), value.get("time")
    try:
        day = parse_day(raw_day) if raw_day not in (None, "") else None
    except ValueError as exc:
        raise LoadError(file, where, "sessionTime.date", str(exc)) from None
    try:
        clock = parse_clock(raw_time) if raw_time not in (None, "") else None
    except ValueError as exc:
        raise LoadError(file, where, "sessionTime.time", str(exc)) from None
    minutes = _length(file, where, value.get("length"))
    if day is None or clock is None:
        return None, None, day
    start = datetime.combine(day, clock, tzinfo=zone)
    return start, (start + timedelta(minutes=minutes)) if minutes else None, None


def _length(file: str, where: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        minutes = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        minutes = None
    if minutes is None or not 0 < minutes <= _MAX_LENGTH:
        raise LoadError(
            file, where, "sessionTime.length", f"{value!r} is not a length in minutes (1 to 1440)"
        )
    return int(minutes)


# -- the plain CSV -------------------------------------------------------------------------------


def read_catalog_csv(
    path: str | Path, existing: EventData | None, *, name: str | None = None, tz: str | None = None
) -> EventData:
    """Read a session catalog CSV (code, title, start, end, venue, room, type, level, topics,
    speakers; abstract and reservable if present). Raises LoadError naming the line and
    column."""
    file = str(path)
    text = _read_text(file)
    reader = _Reader(file, existing, name, tz)
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise LoadError(file, "line 1", None, "the file is empty") from None
    except csv.Error as exc:
        raise LoadError(file, "line 1", None, f"is not valid CSV: {exc}") from None
    columns = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise LoadError(
                file, f"line {rows.line_num}", None, f"is not valid CSV: {exc}"
            ) from None
        if not any(cell.strip() for cell in row):
            continue
        where = f"line {rows.line_num}"

        def cell(column: str, row: list[str] = row) -> str:
            i = columns.get(column)
            return " ".join(row[i].split()) if i is not None and i < len(row) else ""

        start, end, day = _csv_times(file, where, cell("start"), cell("end"), reader.zone)
        reservable = _flag(file, where, {"reservable": cell("reservable")}, "reservable")
        reader.add(
            where,
            reader.session(
                where,
                code=cell("code"),
                title=cell("title"),
                start=start,
                end=end,
                venue=cell("venue"),
                room=cell("room"),
                format=cell("type"),
                level=cell("level"),
                tags=tuple(p for p in _LIST_SEPARATORS.split(cell("topics")) if p),
                speakers=tuple(p for p in _LIST_SEPARATORS.split(cell("speakers")) if p),
                abstract=cell("abstract"),
                reservable=reservable,
                day=day,
            ),
        )
    return reader.data()


def _csv_times(
    file: str, where: str, start_text: str, end_text: str, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None, date | None]:
    """'2023-11-28 10:30' (or with a T); an end as a date and time or a time of day; an
    empty start, or a day without a time, is a time not announced yet."""
    if not start_text:
        return None, None, None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", start_text):
        try:
            return None, None, parse_day(start_text)
        except ValueError as exc:
            raise LoadError(file, where, "start", str(exc)) from None
    try:
        start = parse_moment(start_text.replace(" ", "T", 1), zone)
    except ValueError as exc:
        raise LoadError(file, where, "start", str(exc)) from None
    if not end_text:
        return start, None, None
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?", end_text, re.I):
            end = datetime.combine(start.date(), parse_clock(end_text), tzinfo=zone)
        else:
            end = parse_moment(end_text.replace(" ", "T", 1), zone)
    except ValueError as exc:
        raise LoadError(file, where, "end", str(exc)) from None
    if end <= start:
        raise LoadError(file, where, "end", f"'{end_text}' is not after the start")
    return start, end, None
