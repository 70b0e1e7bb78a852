"""Typed records for one event, shared by the loaders, the store and the answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The values the event file's `kind` and `mode` fields may take (docs/event-file.md).
MEAL_KINDS = ("breakfast", "lunch", "dinner", "coffee", "snacks")
TRANSPORT_KINDS = ("shuttle", "bus", "coach", "monorail", "train", "metro", "tram", "ferry",
                   "taxi", "rideshare")  # fmt: skip
ROUTE_MODES = ("walk", *TRANSPORT_KINDS, "car")
SCHEDULE_KINDS = ("keynote", "sessions", "party", "reception", "expo", "run", "badge", "help",
                  "lounge", "activity", "facility", "other")  # fmt: skip

# Text in other languages, per record: {"ko": {"title": "물품보관소", "notes": "…"}}.
Translations = dict[str, dict[str, str]]


def translated(record: Any, name: str, language: str) -> str:
    """A text field of a record in ``language`` when the event gives it, else as written."""
    texts = getattr(record, "translations", None) or {}
    return texts.get(language, {}).get(name) or getattr(record, name)


@dataclass(frozen=True)
class Event:
    name: str
    tz: str
    first_day: date
    last_day: date
    source: str = ""
    translations: Translations = field(default_factory=dict, compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def days(self) -> list[date]:
        from datetime import timedelta

        n = (self.last_day - self.first_day).days
        return [self.first_day + timedelta(days=i) for i in range(n + 1)]


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    directions: str = ""
    notes: str = ""
    source: str = ""
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Route:
    """A way to get from one venue to another (walkway, shuttle, monorail, rideshare)."""

    id: str
    origin: str
    destination: str
    mode: str
    minutes: int | None = None
    notes: str = ""
    source: str = ""
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Meal:
    id: str
    venue: str | None
    day: date
    kind: str
    start: datetime
    end: datetime
    where: str = ""
    notes: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Transport:
    """One day of one transport service: its first and last run on that day."""

    id: str
    service: str
    kind: str
    name: str
    stops: tuple[str, ...]
    day: date
    first_run: datetime
    last_run: datetime
    every_min: int | None = None
    ride_min: int | None = None
    ride_max: int | None = None
    where: str = ""
    notes: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()
    serves: tuple[str, ...] = ()  # schedule item ids it takes people to (the party buses)
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Swag:
    id: str
    item: str
    venue: str | None
    where: str = ""
    start: datetime | None = None
    end: datetime | None = None
    eligible: str = ""  # who can get it, as the event says; nothing when it does not
    notes: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ScheduleItem:
    """Anything with a time and a place. Sessions from a catalog carry the catalog's code,
    format, level and tags too; one whose time is not set yet has ``start`` None and lives
    in ``EventData.unscheduled``, never in ``EventData.schedule``."""

    id: str
    kind: str
    title: str
    start: datetime | None
    end: datetime | None = None
    speaker: str = ""
    venue: str | None = None
    where: str = ""
    notes: str = ""
    remind: bool = False
    channels: tuple[str, ...] = ()
    source: str = ""
    aliases: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # ids of [[speakers]] records
    translations: Translations = field(default_factory=dict, compare=False)
    code: str = ""  # a catalog's session code ("DOP321", "DOP321-R" for a repeat)
    format: str = ""  # "Breakout session", "Workshop", "Chalk talk"…
    level: str = ""  # "300 - Advanced"
    topics: tuple[str, ...] = ()  # the catalog's tags: topics, services, areas, roles
    abstract: str = ""
    reservable: bool = False
    day: date | None = None  # a session's day when its time is not announced yet

    @property
    def series(self) -> str:
        """The code without its repeat suffix: a session and its repeats share it."""
        return series_of(self.code)


# A repeat's code is its session's code plus "-R" or "-R1", "-R2"… ("DOP321-R").
REPEAT_SUFFIX = re.compile(r"(?i)(?<=\d)[-\s]?R\d*$")


def series_of(code: str) -> str:
    """'DOP321-R1' -> 'DOP321'; '' for no code."""
    return REPEAT_SUFFIX.sub("", code.strip().upper())


@dataclass(frozen=True)
class Speaker:
    """A person on the programme: their role lets people say "the CTO's keynote"."""

    id: str
    name: str
    role: str = ""
    aliases: tuple[str, ...] = ()
    notes: str = ""
    source: str = ""
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Faq:
    id: str
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    source: str = ""
    questions: tuple[str, ...] = ()  # other ways people ask it
    translations: Translations = field(default_factory=dict, compare=False)


@dataclass
class EventData:
    """Everything known about one event: what a loader produces and the store keeps."""

    event: Event
    venues: list[Venue] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    meals: list[Meal] = field(default_factory=list)
    transport: list[Transport] = field(default_factory=list)
    swag: list[Swag] = field(default_factory=list)
    schedule: list[ScheduleItem] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    faq: list[Faq] = field(default_factory=list)
    # Sessions whose time is not announced yet: stored with the schedule, kept apart here
    # so that everything walking the schedule in time order can rely on a start.
    unscheduled: list[ScheduleItem] = field(default_factory=list)

    def venue(self, venue_id: str | None) -> Venue | None:
        if venue_id is None:
            return None
        for v in self.venues:
            if v.id == venue_id:
                return v
        return None

    def venue_name(self, venue_id: str | None) -> str:
        v = self.venue(venue_id)
        return v.name if v else ""


@dataclass(frozen=True)
class Campaign:
    """A promo credit campaign: what the codes are worth, how to redeem, when, for whom."""

    id: int
    name: str
    opens_at: datetime
    closes_at: datetime | None = None
    value: str = ""
    redeem_text: str = ""
    redeem_url: str = ""
    eligibility: str = "everyone"  # everyone | channel | allowlist
    eligible_channel: str = ""
    allowlist: tuple[str, ...] = ()
    codes_total: int = 0
    codes_left: int = 0
    alerts_sent: tuple[int, ...] = ()  # stock thresholds (percent) already announced


@dataclass(frozen=True)
class ClaimResult:
    """What one claim did: 'claimed' a new code, 'already' had one, or 'none_left'."""

    status: str
    code: str | None = None
    claimed_at: datetime | None = None
    alerts: tuple[int, ...] = ()  # stock thresholds this claim crossed
    left: int | None = None  # codes left after this claim
