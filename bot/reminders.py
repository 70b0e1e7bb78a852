"""What is due and to whom: keynote and re:Play reminders for channels, personal
reminders, organizer announcements, and "moved" notices. Never posts anything itself.

Every reminder has a stable key. An item's keys include its start time, so a keynote that
moves gets new keys (and its old reminders simply stop being planned), and the delivery
ledger holds one row per (key, target): the exactly-once guarantee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.answers.base import Context, join
from bot.answers.schedule import describe
from bot.answers.transport import ride
from bot.models import EventData, ScheduleItem
from bot.store import Store

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
    lines = [
        f":alarm_clock: *{item.title}*{who} starts {when}{late_note}",
        f"{ctx.span(item.start, item.end)} at {ctx.venue(item.venue, item.where)}",
    ]
    lines.append(how_to_get_there(ctx, item))
    return "\n".join(line for line in lines if line)


def how_to_get_there(ctx: Context, item: ScheduleItem) -> str:
    if item.kind == "party":
        buses = [t for t in ctx.data.transport if t.kind == "replay-bus"]
        if buses:
            b = buses[0]
            stops = [ctx.data.venue_name(v) for v in b.stops if v != item.venue]
            return f"Buses from {join(stops)} from {ctx.time(b.first_run)}; {ride(b)}. Bring your badge: it is your ticket."
    venue = ctx.data.venue(item.venue)
    return venue.directions if venue else ""


# -- finding what a person wants to be reminded of ------------------------------------------------

_STOP = {
    "remind",
    "me",
    "about",
    "of",
    "the",
    "a",
    "to",
    "please",
    "for",
    "minutes",
    "minute",
    "min",
    "mins",
    "before",
    "keynote's",
    "s",
}
ALIASES = {
    "replay": "re:play",
    "리플레이": "re:play",
    "party": "re:play",
    "베르너": "werner",
    "키노트": "keynote",
    "스와미": "swami",
    "cto": "werner",
    "ceo": "selipsky",
}


def parse_offset(text: str) -> int | None:
    m = re.search(r"(\d{1,3})\s*(?:minutes?|mins?|m\b|분)", text)
    return int(m.group(1)) if m else None


def find_item(data: EventData, text: str, now: datetime) -> ScheduleItem | None:
    """The upcoming schedule item a request names ("Werner's keynote", "re:Play")."""
    words = {
        ALIASES.get(w, w)
        for w in re.findall(r"[\w:]+", text.lower().replace("'s", ""))
        if w not in _STOP
    }
    words = {w for w in words if not w.isdigit()}
    best, best_score = None, 0
    for item in data.schedule:
        if item.start <= now:
            continue
        haystack = set(re.findall(r"[\w:]+", f"{item.title} {item.speaker} {item.kind}".lower()))
        score = len(words & haystack) + (1 if item.remind and words & haystack else 0)
        if score > best_score or (
            score == best_score and best is not None and score and item.start < best.start
        ):
            best, best_score = item, score
    return best if best_score else None
