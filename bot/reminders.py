"""What is due and to whom: reminders in channels for items marked `remind`, personal
reminders, organizer announcements, and "moved" notices. Never posts anything itself.

Every reminder has a stable key. An item's keys include its start time, so a keynote that
moves gets new keys (and its old reminders simply stop being planned), and the delivery
ledger holds one row per (key, target): the exactly-once guarantee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.answers.base import Context
from bot.answers.items import describe
from bot.answers.schedule import getting_there
from bot.models import EventData, ScheduleItem
from bot.store import Store
from bot.understanding import Understanding
from bot.understanding.vocabulary import item_group

DEFAULT_OFFSETS = (60, 10)  # minutes before an item starts
PERSONAL_DEFAULT = 15
ON_TIME = timedelta(minutes=2)  # later than this after its due time, a reminder says it is late
ANNOUNCEMENT_LATE_LIMIT = timedelta(minutes=30)  # an announcement later than this is dropped


@dataclass(frozen=True)
class Due:
    """One reminder: when, for whom, about what."""

    key: str
    kind: str  # item | personal | announcement | moved
    due_at: datetime
    targets: tuple[str, ...]
    item: ScheduleItem | None = None
    minutes_before: int = 0
    text: str = ""  # announcements: the organizer's words
    extra: dict = field(default_factory=dict, compare=False)


def _start_key(item: ScheduleItem) -> str:
    return item.start.strftime("%Y%m%dT%H%MZ")


def remindable(data: EventData) -> list[ScheduleItem]:
    return [i for i in data.schedule if i.remind]


def plan(
    store: Store,
    data: EventData,
    channels: tuple[str, ...],
    offsets: tuple[int, ...] = DEFAULT_OFFSETS,
) -> list[Due]:
    """Every reminder the store implies, past or future (the runner decides what to do)."""
    due: list[Due] = []
    items = {i.id: i for i in data.schedule}
    for item in remindable(data):
        targets = item.channels or channels
        if not targets:
            continue
        for minutes in offsets:
            due.append(
                Due(
                    f"item:{item.id}@{_start_key(item)}:{minutes}",
                    "item",
                    item.start - timedelta(minutes=minutes),
                    tuple(targets),
                    item,
                    minutes,
                )
            )
    for r in store.personal_reminders():
        item = items.get(r["item_id"])
        if item is None:
            continue
        due.append(
            Due(
                f"personal:{r['id']}@{_start_key(item)}",
                "personal",
                item.start - timedelta(minutes=r["offset_min"]),
                (r["user_id"],),
                item,
                r["offset_min"],
            )
        )
    for a in store.announcements():
        due.append(
            Due(
                f"announce:{a['id']}",
                "announcement",
                datetime.fromisoformat(a["due_at"]),
                (a["channel"],),
                text=a["text"],
            )
        )
    return due


def fate(due: Due, now: datetime) -> str:
    """What posting ``due`` at ``now`` does: 'ahead' (not due yet), 'on time', 'late' (posted,
    marked late), or 'missed' (no longer useful: recorded, never posted). The scheduler acts
    on it and `confbot reminders` shows it, so the two cannot disagree."""
    if due.item is not None and now >= due.item.start:  # never about an item in the past
        return "missed"
    if due.kind == "announcement" and now - due.due_at > ANNOUNCEMENT_LATE_LIMIT:
        return "missed"
    if now < due.due_at:
        return "ahead"
    return "late" if now - due.due_at > ON_TIME else "on time"


def moves(store: Store, data: EventData, channels: tuple[str, ...], now: datetime) -> list[Due]:
    """Notices for remindable items whose start changed since the last look (and records
    the starts now seen). A removed item's personal reminders are cancelled."""
    seen = store.item_starts()
    current = {i.id: i.start.astimezone(now.tzinfo).isoformat() for i in remindable(data)}
    notices = []
    for item in remindable(data):
        before = seen.get(item.id)
        if (
            before
            and before != current[item.id]
            and item.start > now
            and (item.channels or channels)
        ):
            notices.append(
                Due(
                    f"moved:{item.id}@{_start_key(item)}",
                    "moved",
                    now,
                    tuple(item.channels or channels),
                    item,
                    extra={"was": datetime.fromisoformat(before)},
                )
            )
    for item_id in set(seen) - set(current):
        store.cancel_reminders_for_item(item_id)
    if current != seen:
        store.set_item_starts(current)
    return notices


def message(ctx: Context, due: Due, *, late: bool) -> str:
    """The reminder as a person reads it (Slack mrkdwn; times through ctx)."""
    late_note = " _(late: the bot was away when this was due)_" if late else ""
    if due.kind == "announcement":
        return f":mega: {due.text}{late_note}"
    item = due.item
    if due.kind == "moved":
        was = due.extra["was"]
        return f":arrows_counterclockwise: *{item.title}* has moved: now {describe(ctx, item, notes=False).split(': ', 1)[1]} (was {ctx.time(was)})."
    minutes = round((item.start - ctx.now).total_seconds() / 60)
    when = f"in {minutes} minutes" if minutes > 0 else "now"
    who = f" with {item.speaker}" if item.speaker and item.speaker not in item.title else ""
    place = ctx.venue(item.venue, item.where)
    lines = [
        f":alarm_clock: *{item.title}*{who} starts {when}{late_note}",
        f"{ctx.span(item.start, item.end)}" + (f" at {place}" if place else ""),
    ]
    lines.append(how_to_get_there(ctx, item))
    return "\n".join(line for line in lines if line)


def how_to_get_there(ctx: Context, item: ScheduleItem) -> str:
    """The services the event runs to it (the party buses), else its venue's directions."""
    services = getting_there(ctx, [item])
    if services:
        return services
    venue = ctx.data.venue(item.venue)
    return ctx.text(venue, "directions") if venue else ""


# -- finding what a person wants to be reminded of ------------------------------------------------


def parse_offset(text: str) -> int | None:
    m = re.search(r"(\d{1,3})\s*(?:minutes?|mins?|m\b|분)", text)
    return int(m.group(1)) if m else None


def find_item(
    understanding: Understanding, data: EventData, text: str, now: datetime
) -> ScheduleItem | None:
    """The next upcoming schedule item a request names, through the same understanding as
    questions: by its name or alias ("Monday Night Live"), a speaker or their role ("the
    CTO's keynote"), or its kind ("the party")."""
    text = re.sub(r"(?i)\bremind\s+me\s+(?:about|of|to)?\b", " ", text)
    text = re.sub(r"\d{1,3}\s*(?:minutes?|mins?|m\b|분)\s*(?:before|early|전)?", " ", text)
    q = understanding.understand(text, now)
    upcoming = [i for i in data.schedule if i.start > now]
    for m in q.mentions:
        if m.ref.kind == "item" and (m.exact or m.distinctive):
            found = [i for i in upcoming if item_group(i.kind, i.title) == m.ref.key]
        elif m.ref.kind == "speaker":
            found = [i for i in upcoming if m.ref.key in i.speakers]
        else:
            continue
        if found:
            return found[0]
    from bot.understanding.lexicon import CONCEPTS

    kinds = {CONCEPTS[h.name][1] for h in q.concepts if CONCEPTS[h.name][0] == "schedule"}
    named = [m.ref.key for m in q.mentions if m.ref.kind == "item"]
    for i in upcoming:
        if i.kind in kinds or item_group(i.kind, i.title) in named:
            return i
    return None
