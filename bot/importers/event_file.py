"""The event file: a TOML file organizers write by hand (documented in docs/event-file.md)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importers.common import (
    LoadError,
    parse_clock,
    parse_day,
    parse_moment,
    slug,
    span_on,
    with_estimate,
)
from bot.models import Event, EventData, Faq, Meal, Route, ScheduleItem, Swag, Transport, Venue

SECTIONS = ("venues", "routes", "meals", "transport", "swag", "schedule", "faq")
KNOWN_FIELDS = {
    "event": {"name", "tz", "first_day", "last_day", "source"},
    "venues": {"id", "name", "aliases", "features", "directions", "notes", "source"},
    "routes": {"id", "from", "to", "mode", "minutes", "notes", "source", "estimate"},
    "meals": {"venue", "venues", "kind", "days", "start", "end", "where", "notes", "source",
              "estimate"},
    "transport": {"id", "kind", "name", "stops", "days", "first", "last", "every_minutes",
                  "ride_minutes", "where", "notes", "source", "estimate", "hours"},
    "swag": {"id", "item", "venue", "where", "days", "start", "end", "eligible", "notes",
             "source", "estimate"},
    "schedule": {"id", "kind", "title", "speaker", "venue", "where", "start", "end", "days",
                 "notes", "remind", "channels", "source", "estimate"},
    "faq": {"id", "question", "answer", "keywords", "source"},
}  # fmt: skip


class _Record:
    """One table of the file, with errors that say which one and which field."""

    def __init__(self, file: str, section: str, index: int, line: int | None, raw: Any):
        self.file, self.section = file, section
        self.where = f"[[{section}]] number {index + 1}" + (f" (line {line})" if line else "")
        if section == "event":
            self.where = "[event]" + (f" (line {line})" if line else "")
        if not isinstance(raw, dict):
            raise LoadError(file, self.where, None, "must be a table of fields")
        self.raw = raw
        unknown = sorted(set(raw) - KNOWN_FIELDS[section])
        if unknown:
            raise LoadError(
                file, self.where, unknown[0], "is not a known field (see docs/event-file.md)"
            )

    def fail(self, field: str | None, problem: str) -> LoadError:
        return LoadError(self.file, self.where, field, problem)

    def text(self, field: str, required: bool = False, default: str = "") -> str:
        value = self.raw.get(field)
        if value is None:
            if required:
                raise self.fail(field, "is required")
            return default
        if not isinstance(value, str):
            raise self.fail(field, f"must be text, got {value!r}")
        if required and not value.strip():
            raise self.fail(field, "must not be empty")
        return value.strip()

    def texts(self, field: str) -> tuple[str, ...]:
        value = self.raw.get(field, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(field, "must be a list of text")
        return tuple(v.strip() for v in value if v.strip())

    def integer(self, field: str) -> int | None:
        value = self.raw.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(field, f"must be a whole number of minutes, got {value!r}")
        return value

    def flag(self, field: str) -> bool:
        value = self.raw.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false, got {value!r}")
        return value

    def convert(self, field: str, fn: Callable[[Any], Any], required: bool = True) -> Any:
        value = self.raw.get(field)
        if value is None:
            if required:
                raise self.fail(field, "is required")
            return None
        try:
            return fn(value)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from None

    def days(self, event: Event) -> list[date]:
        value = self.raw.get("days")
        if not isinstance(value, list) or not value:
            raise self.fail("days", "must be a non-empty list of dates like 2023-11-28")
        days = []
        for item in value:
            try:
                day = parse_day(item)
            except ValueError as exc:
                raise self.fail("days", str(exc)) from None
            self.inside(event, day, "days")
            days.append(day)
        return days

    def inside(self, event: Event, day: date, field: str) -> None:
        if not event.first_day <= day <= event.last_day:
            raise self.fail(
                field,
                f"{day} is outside the event ({event.first_day} to {event.last_day})",
            )

    def venue(self, field: str, venues: set[str], value: str | None = None) -> str:
        name = value if value is not None else self.text(field, required=True)
        if name not in venues:
            raise self.fail(field, f"names venue '{name}', which is not defined in [[venues]]")
        return name


def _header_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of each ``[[section]]`` header, so errors can point at the line."""
    lines: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"\s*\[\[\s*([a-z_]+)\s*\]\]", line)
        if m:
            lines.setdefault(m.group(1), []).append(number)
        elif re.match(r"\s*\[\s*event\s*\]", line):
            lines.setdefault("event", []).append(number)
    return lines


def read_event_file(path: str | Path, known_venues: set[str] = frozenset()) -> EventData:
    """Read and validate an event file. Raises LoadError naming the table, field and problem.

    ``known_venues`` are venue ids already in the store, which the file may refer to.
    """
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(file, f"byte {exc.start}", None, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise LoadError(file, "the file", None, f"cannot be read: {exc.strerror}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(file, "the file", None, f"is not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - {"event", *SECTIONS})
    if unknown:
        raise LoadError(
            file, f"[{unknown[0]}]", None, "is not a known section (see docs/event-file.md)"
        )
    lines = _header_lines(text)
    if "event" not in doc:
        raise LoadError(
            file,
            "the file",
            "event",
            "an [event] table with name, tz, first_day and last_day is required",
        )

    head = _Record(file, "event", 0, (lines.get("event") or [None])[0], doc["event"])
    tz = head.text("tz", required=True)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise head.fail("tz", f"'{tz}' is not a time zone name like America/Los_Angeles") from None
    first_day = head.convert("first_day", parse_day)
    last_day = head.convert("last_day", parse_day)
    if last_day < first_day:
        raise head.fail("last_day", "is before first_day")
    event = Event(head.text("name", required=True), tz, first_day, last_day, head.text("source"))
    data = EventData(event=event)

    def records(section: str) -> list[_Record]:
        raw = doc.get(section, [])
        if not isinstance(raw, list):
            raise LoadError(file, f"[{section}]", None, f"must be written as [[{section}]] tables")
        heads = lines.get(section, [])
        return [
            _Record(file, section, i, heads[i] if i < len(heads) else None, r)
            for i, r in enumerate(raw)
        ]

    for r in records("venues"):
        name = r.text("name", required=True)
        data.venues.append(
            Venue(
                id=r.text("id") or slug(name),
                name=name,
                aliases=r.texts("aliases"),
                features=r.texts("features"),
                directions=r.text("directions"),
                notes=r.text("notes"),
                source=r.text("source"),
            )
        )
    venues = set(known_venues) | {v.id for v in data.venues}

    for r in records("routes"):
        origin, destination = r.venue("from", venues), r.venue("to", venues)
        mode = r.text("mode", required=True)
        data.routes.append(
            Route(
                id=r.text("id") or f"{origin}-{destination}-{slug(mode)}",
                origin=origin,
                destination=destination,
                mode=mode,
                minutes=r.integer("minutes"),
                notes=with_estimate(r.text("notes"), r.flag("estimate")),
                source=r.text("source"),
            )
        )

    for r in records("meals"):
        kind = r.text("kind", required=True).lower()
        names = list(r.texts("venues")) or [r.text("venue", required=True)]
        meal_venues = [r.venue("venues", venues, n) for n in names]
        start, end = r.convert("start", parse_clock), r.convert("end", parse_clock)
        notes = with_estimate(r.text("notes"), r.flag("estimate"))
        for day in r.days(event):
            first, last = span_on(day, start, end, zone)
            for venue in meal_venues:
                data.meals.append(
                    Meal(
                        id=f"{venue}-{slug(kind)}-{day}",
                        venue=venue,
                        day=day,
                        kind=kind,
                        start=first,
                        end=last,
                        where=r.text("where"),
                        notes=notes,
                        source=r.text("source"),
                    )
                )

    for r in records("transport"):
        name = r.text("name", required=True)
        service = r.text("id") or slug(name)
        stops = tuple(r.venue("stops", venues, s) for s in r.texts("stops"))
        first_default, last_default = (
            r.convert("first", parse_clock),
            r.convert("last", parse_clock),
        )
        hours = r.raw.get("hours", {})
        if not isinstance(hours, dict):
            raise r.fail("hours", "must be a table of day = [first, last]")
        overrides: dict[date, tuple[Any, Any]] = {}
        for key, pair in hours.items():
            try:
                day = parse_day(key)
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ValueError(f'{key} must be [first, last], like ["6:30 AM", "8:00 PM"]')
                overrides[day] = (parse_clock(pair[0]), parse_clock(pair[1]))
            except ValueError as exc:
                raise r.fail("hours", str(exc)) from None
        ride = r.raw.get("ride_minutes")
        if isinstance(ride, int) and not isinstance(ride, bool):
            ride = [ride, ride]
        if ride is not None and (
            not isinstance(ride, list)
            or len(ride) != 2
            or not all(isinstance(x, int) for x in ride)
        ):
            raise r.fail("ride_minutes", "must be minutes, or [least, most] minutes")
        notes = with_estimate(r.text("notes"), r.flag("estimate"))
        for day in r.days(event):
            first, last = span_on(day, *overrides.get(day, (first_default, last_default)), zone)
            data.transport.append(
                Transport(
                    id=f"{service}@{day}",
                    service=service,
                    kind=r.text("kind", default="shuttle").lower(),
                    name=name,
                    stops=stops,
                    day=day,
                    first_run=first,
                    last_run=last,
                    every_min=r.integer("every_minutes"),
                    ride_min=ride[0] if ride else None,
                    ride_max=ride[1] if ride else None,
                    where=r.text("where"),
                    notes=notes,
                    source=r.text("source"),
                )
            )

    for r in records("swag"):
        item = r.text("item", required=True)
        base_id = r.text("id") or slug(item)
        venue = r.venue("venue", venues) if r.raw.get("venue") else None
        notes = with_estimate(r.text("notes"), r.flag("estimate"))
        common = dict(
            item=item,
            venue=venue,
            where=r.text("where"),
            eligible=r.text("eligible", default="Everyone with a badge"),
            notes=notes,
            source=r.text("source"),
        )
        if "days" in r.raw:
            start, end = r.convert("start", parse_clock), r.convert("end", parse_clock)
            for day in r.days(event):
                first, last = span_on(day, start, end, zone)
                data.swag.append(Swag(id=f"{base_id}@{day}", start=first, end=last, **common))
        else:
            data.swag.append(Swag(id=base_id, **common))

    for r in records("schedule"):
        title = r.text("title", required=True)
        venue = r.venue("venue", venues) if r.raw.get("venue") else None
        base_id = r.text("id")
        if "days" in r.raw:  # the same hours on several days: one item a day
            start_t, end_t = r.convert("start", parse_clock), r.convert("end", parse_clock)
            spans = [span_on(day, start_t, end_t, zone) for day in r.days(event)]
        else:
            start = r.convert("start", lambda v: parse_moment(v, zone))
            end = r.convert("end", lambda v: parse_moment(v, zone), required=False)
            r.inside(event, start.date(), "start")
            if end is not None and end < start:
                raise r.fail("end", "is before start")
            spans = [(start, end)]
        for start, end in spans:
            item_id = base_id or f"{slug(title)}-{start.date()}"
            if len(spans) > 1:
                item_id = f"{base_id or slug(title)}@{start.date()}"
            data.schedule.append(
                ScheduleItem(
                    id=item_id,
                    kind=r.text("kind", default="other").lower(),
                    title=title,
                    start=start,
                    end=end,
                    speaker=r.text("speaker"),
                    venue=venue,
                    where=r.text("where"),
                    notes=with_estimate(r.text("notes"), r.flag("estimate")),
                    remind=r.flag("remind"),
                    channels=r.texts("channels"),
                    source=r.text("source"),
                )
            )

    for r in records("faq"):
        question = r.text("question", required=True)
        data.faq.append(
            Faq(
                id=r.text("id") or slug(question)[:60],
                question=question,
                answer=r.text("answer", required=True),
                keywords=r.texts("keywords"),
                source=r.text("source"),
            )
        )
    return data
