"""The event file: a TOML file organizers write by hand (documented in docs/event-file.md)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importers.common import (
    LoadError,
    choice,
    parse_clock,
    parse_day,
    parse_moment,
    slug,
    span_on,
    with_estimate,
)
from bot.lang import DEFAULT, LANGUAGES
from bot.models import (
    MEAL_KINDS,
    ROUTE_MODES,
    SCHEDULE_KINDS,
    TRANSPORT_KINDS,
    Event,
    EventData,
    Faq,
    Meal,
    Route,
    ScheduleItem,
    Speaker,
    Swag,
    Translations,
    Transport,
    Venue,
)

SECTIONS = ("venues", "routes", "meals", "transport", "swag", "schedule", "speakers", "faq")
# Text fields that may also be given in another language: `title_ko = "…"`.
TRANSLATABLE = {
    "event": ("name",),
    "venues": ("name", "directions", "notes"),
    "routes": ("notes",),
    "meals": ("where", "notes"),
    "transport": ("name", "where", "notes"),
    "swag": ("item", "where", "eligible", "notes"),
    "schedule": ("title", "where", "notes"),
    "speakers": ("name", "role", "notes"),
    "faq": ("question", "answer"),
}
KNOWN_FIELDS = {
    "event": {"name", "tz", "first_day", "last_day", "source"},
    "venues": {"id", "name", "aliases", "features", "directions", "notes", "source"},
    "routes": {"id", "from", "to", "mode", "minutes", "notes", "source", "estimate"},
    "meals": {"venue", "venues", "kind", "days", "start", "end", "where", "notes", "source",
              "estimate", "aliases"},
    "transport": {"id", "kind", "name", "stops", "days", "first", "last", "every_minutes",
                  "ride_minutes", "where", "notes", "source", "estimate", "hours", "aliases",
                  "serves"},
    "swag": {"id", "item", "venue", "where", "days", "start", "end", "eligible", "notes",
             "source", "estimate", "aliases"},
    "schedule": {"id", "kind", "title", "speaker", "speakers", "venue", "where", "start", "end",
                 "days", "notes", "remind", "channels", "source", "estimate", "aliases"},
    "speakers": {"id", "name", "role", "aliases", "notes", "source"},
    "faq": {"id", "question", "questions", "answer", "keywords", "source"},
}  # fmt: skip
for _section, _fields in TRANSLATABLE.items():
    KNOWN_FIELDS[_section] |= {f"{f}_{lang}" for f in _fields for lang in LANGUAGES}


ALL_DAY = (time(0), time(23, 59))


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

    def translations(self) -> Translations:
        """The section's text fields given in other languages: {"ko": {"title": "…"}}."""
        found: Translations = {}
        for lang in LANGUAGES:
            if lang == DEFAULT:
                continue
            texts = {f: self.text(f"{f}_{lang}") for f in TRANSLATABLE[self.section]}
            texts = {f: v for f, v in texts.items() if v}
            if texts:
                found[lang] = texts
        return found

    def choice(self, field: str, valid: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(field, required=default is None, default=default or "")
        try:
            return choice(value, valid, field)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from None

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
    event = Event(
        head.text("name", required=True),
        tz,
        first_day,
        last_day,
        head.text("source"),
        head.translations(),
    )
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
                translations=r.translations(),
            )
        )
    venues = set(known_venues) | {v.id for v in data.venues}

    for r in records("routes"):
        origin, destination = r.venue("from", venues), r.venue("to", venues)
        mode = r.choice("mode", ROUTE_MODES)
        data.routes.append(
            Route(
                id=r.text("id") or f"{origin}-{destination}-{slug(mode)}",
                origin=origin,
                destination=destination,
                mode=mode,
                minutes=r.integer("minutes"),
                notes=with_estimate(r.text("notes"), r.flag("estimate")),
                source=r.text("source"),
                translations=r.translations(),
            )
        )

    for r in records("meals"):
        kind = r.choice("kind", MEAL_KINDS)
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
                        aliases=r.texts("aliases"),
                        translations=r.translations(),
                    )
                )

    services: list[tuple[_Record, list[Transport]]] = []
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
        kind = r.choice("kind", TRANSPORT_KINDS, default="shuttle")
        runs = []
        for day in r.days(event):
            first, last = span_on(day, *overrides.get(day, (first_default, last_default)), zone)
            runs.append(
                Transport(
                    id=f"{service}@{day}",
                    service=service,
                    kind=kind,
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
                    aliases=r.texts("aliases"),
                    translations=r.translations(),
                )
            )
        services.append((r, runs))

    for r in records("swag"):
        item = r.text("item", required=True)
        base_id = r.text("id") or slug(item)
        venue = r.venue("venue", venues) if r.raw.get("venue") else None
        notes = with_estimate(r.text("notes"), r.flag("estimate"))
        common = dict(
            item=item,
            venue=venue,
            where=r.text("where"),
            eligible=r.text("eligible", default=""),  # said only when the event says it
            notes=notes,
            source=r.text("source"),
            aliases=r.texts("aliases"),
            translations=r.translations(),
        )
        if "days" in r.raw:
            start, end = r.convert("start", parse_clock), r.convert("end", parse_clock)
            for day in r.days(event):
                first, last = span_on(day, start, end, zone)
                data.swag.append(Swag(id=f"{base_id}@{day}", start=first, end=last, **common))
        else:
            data.swag.append(Swag(id=base_id, **common))

    for r in records("speakers"):
        name = r.text("name", required=True)
        data.speakers.append(
            Speaker(
                id=r.text("id") or slug(name),
                name=name,
                role=r.text("role"),
                aliases=r.texts("aliases"),
                notes=r.text("notes"),
                source=r.text("source"),
                translations=r.translations(),
            )
        )
    speaker_ids = {key.lower(): s.id for s in data.speakers for key in (s.id, s.name, *s.aliases)}

    for r in records("schedule"):
        title = r.text("title", required=True)
        venue = r.venue("venue", venues) if r.raw.get("venue") else None
        base_id = r.text("id")
        kind = r.choice("kind", SCHEDULE_KINDS, default="other")
        who = [*r.texts("speaker"), *r.texts("speakers")]
        linked = tuple(
            dict.fromkeys(speaker_ids[w.lower()] for w in who if w.lower() in speaker_ids)
        )
        names = {s.id: s.name for s in data.speakers}
        speaker = " and ".join(names.get(speaker_ids.get(w.lower(), ""), w) for w in who)
        if "days" in r.raw:  # the same hours on several days: one item a day
            if "start" not in r.raw and "end" not in r.raw:  # open all day
                start_t, end_t = ALL_DAY
            else:
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
                    kind=kind,
                    title=title,
                    start=start,
                    end=end,
                    speaker=speaker,
                    venue=venue,
                    where=r.text("where"),
                    notes=with_estimate(r.text("notes"), r.flag("estimate")),
                    remind=r.flag("remind"),
                    channels=r.texts("channels"),
                    source=r.text("source"),
                    aliases=r.texts("aliases"),
                    speakers=linked,
                    translations=r.translations(),
                )
            )

    # What each service takes people to ("the buses to the party"), by item id or title.
    items: dict[str, list[str]] = {}
    for i in data.schedule:
        for key in {i.id, i.id.split("@")[0], i.title}:
            items.setdefault(key.lower(), []).append(i.id)
    for r, runs in services:
        serves: list[str] = []
        for name in r.texts("serves"):
            if name.lower() not in items:
                raise r.fail("serves", f"names '{name}', which is not a [[schedule]] id or title")
            serves += items[name.lower()]
        data.transport += [replace(run, serves=tuple(dict.fromkeys(serves))) for run in runs]

    for r in records("faq"):
        question = r.text("question", required=True)
        data.faq.append(
            Faq(
                id=r.text("id") or slug(question)[:60],
                question=question,
                answer=r.text("answer", required=True),
                keywords=r.texts("keywords"),
                source=r.text("source"),
                questions=r.texts("questions"),
                translations=r.translations(),
            )
        )
    return data
