"""Calendar files (.ics, with the icalendar library): one session, a person's reminders, the
keynotes, or sessions chosen by code, in one file that calendar apps import.

Times are written in the event's zone (DTSTART;TZID=America/Los_Angeles) with its VTIMEZONE,
so a calendar shows them right wherever its owner is; items without a time yet are left out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from bot.importers.common import slug
from bot.models import EventData, ScheduleItem

PRODUCT = "-//confbot//session calendar//EN"


def item_title(item: ScheduleItem) -> str:
    return f"{item.code} {item.title}" if item.code else item.title


def calendar(data: EventData, items: list[ScheduleItem], name: str, now: datetime) -> bytes:
    """One .ics file holding ``items`` (those with a time), named ``name``."""
    zone = data.event.zone
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", data.event.tz)
    domain = f"{slug(data.event.name)}.confbot"
    for item in items:
        if item.start is None:
            continue
        event = Event()
        event.add("uid", f"{item.id}@{domain}")  # stable: importing again updates, not doubles
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", item.start.astimezone(zone))
        if item.end is not None:
            event.add("dtend", item.end.astimezone(zone))
        event.add("summary", item_title(item))
        place = ", ".join(p for p in (data.venue_name(item.venue), item.where) if p)
        if place:
            event.add("location", place)
        description = [
            ", ".join(p for p in (item.format, item.level) if p),
            item.speaker,
            item.abstract or item.notes,
        ]
        text = "\n".join(p for p in description if p)
        if text:
            event.add("description", text)
        if item.topics:
            event.add("categories", list(item.topics))
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for the event's zone: TZIDs resolve anywhere
    return cal.to_ical()


def for_person(store, data: EventData, user: str) -> list[ScheduleItem]:
    """The items a person asked to be reminded of, in time order."""
    mine = {r["item_id"] for r in store.personal_reminders(user)}
    return [i for i in data.schedule if i.id in mine]


def keynotes(data: EventData) -> list[ScheduleItem]:
    return [i for i in data.schedule if i.kind == "keynote"]


def by_codes(data: EventData, codes: list[str]) -> tuple[list[ScheduleItem], list[str], list[str]]:
    """Sessions by code (any case): those found in time order, codes of sessions with no time
    yet, and codes the catalog does not hold."""
    wanted = [c.strip().upper() for c in codes if c.strip()]
    timed = {i.code: i for i in data.schedule if i.code}
    unscheduled = {i.code for i in data.unscheduled if i.code}
    found = [timed[c] for c in dict.fromkeys(wanted) if c in timed]
    return (
        sorted(found, key=lambda i: i.start),
        [c for c in wanted if c in unscheduled],
        [c for c in wanted if c not in timed and c not in unscheduled],
    )
