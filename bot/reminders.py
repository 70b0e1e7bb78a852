"""What is due and to whom: reminders in channels for items marked `remind`, personal
reminders, organizer announcements, and "moved" notices. Never posts anything itself.

Every reminder has a stable key. An item's keys include its start time, so a keynote that
moves gets new keys (and its old reminders simply stop being planned), and the delivery
ledger holds one row per (key, target): the exactly-once guarantee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.answers.base import Context
from bot.answers.items import describe
from bot.answers.schedule import getting_there
from bot.answers.sessions import named_code
from bot.importers.common import slug
from bot.models import EventData, Route, ScheduleItem
from bot.store import Store
from bot.understanding import Understanding
from bot.understanding.vocabulary import item_group

DEFAULT_OFFSETS = (60, 10)  # minutes before an item starts
PERSONAL_DEFAULT = 15  # CONFBOT_REMIND_MINUTES changes it for `serve`
ARRIVE_EARLY = 5  # minutes to find the room once at the venue: "leave by" allows for them
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


@dataclass(frozen=True)
class Walk:
    """How far a person's previous session that day is from the next one."""

    origin: str  # venue id
    minutes: int
    mode: str  # a route mode: walk, shuttle…
    leave_by: datetime


def route(data: EventData, a: str | None, b: str | None) -> Route | None:
    """The quickest of the event's routes between two venues (a route goes both ways)."""
    if not a or not b or a == b:
        return None
    found = [
        r for r in data.routes if {r.origin, r.destination} == {a, b} and r.minutes is not None
    ]
    return min(found, key=lambda r: r.minutes) if found else None


def walk_to(data: EventData, item: ScheduleItem, theirs: list[ScheduleItem]) -> Walk | None:
    """From the venue of the person's previous item that day (among those they asked to be
    reminded of) to this one's, by the event's routes; None when it is the same venue, there
    is none before it, or the event knows no way between them."""
    zone = data.event.zone
    day = item.start.astimezone(zone).date()
    before = [
        i
        for i in theirs
        if i.id != item.id and i.start < item.start and i.start.astimezone(zone).date() == day
    ]
    if not before:
        return None
    previous = max(before, key=lambda i: (i.end or i.start, i.start))
    way = route(data, previous.venue, item.venue)
    if way is None:
        return None
    leave = item.start - timedelta(minutes=way.minutes + ARRIVE_EARLY)
    return Walk(previous.venue, way.minutes, way.mode, leave)


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
    personal = store.personal_reminders()
    theirs: dict[str, list[ScheduleItem]] = {}
    for r in personal:
        if r["item_id"] in items:
            theirs.setdefault(r["user_id"], []).append(items[r["item_id"]])
    for r in personal:
        item = items.get(r["item_id"])
        if item is None:
            continue
        # Early enough to get there: the route from their previous session that day too.
        walk = walk_to(data, item, theirs[r["user_id"]])
        lead = r["offset_min"] + (walk.minutes if walk else 0)
        due.append(
            Due(
                f"personal:{r['id']}@{_start_key(item)}",
                "personal",
                item.start - timedelta(minutes=lead),
                (r["user_id"],),
                item,
                r["offset_min"],
                extra={"walk": walk} if walk else {},
            )
        )
    due += _move_notices(store, data, channels, personal)
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


def _place(item: ScheduleItem) -> str:
    return f"{item.venue or ''}|{item.where}"


def moves(store: Store, data: EventData, now: datetime) -> None:
    """Notice the items that moved (start, venue or room) since the last look: the items
    with channel reminders and those someone asked to be reminded of. Each move is written
    down (``item_moves``) until the people concerned are told (``plan`` plans the notices),
    so a restart in between still tells them, once. A removed item's personal reminders
    are cancelled."""
    seen = store.item_places()
    watched = {i.id for i in remindable(data)} | {r["item_id"] for r in store.personal_reminders()}
    scheduled = {i.id: i for i in data.schedule}
    current = {
        i.id: (i.start.astimezone(UTC).isoformat(), _place(i))
        for i in data.schedule
        if i.id in watched
    }
    found = []
    for item_id, (start, place) in current.items():
        before = seen.get(item_id)
        # A place not known from before (written by an older confbot) is no move.
        if before is None or (_same_start(before[0], start) and before[1] in (place, "")):
            continue
        item = scheduled[item_id]
        if item.start <= now:
            continue
        key = f"moved:{item.id}@{_start_key(item)}/{slug(place)}"
        found.append((key, item.id, before[0], before[1]))
    known = scheduled.keys() | {i.id for i in data.unscheduled}
    for item_id in set(seen) - known:
        store.cancel_reminders_for_item(item_id)
    if current != seen or found:
        store.record_moves(current, found, now)


def _same_start(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


def _move_notices(
    store: Store, data: EventData, channels: tuple[str, ...], personal: list[dict]
) -> list[Due]:
    """The moves written down, each to the item's channels (remindable items) and to every
    person who had asked to be reminded of it before it moved."""
    items = {i.id: i for i in data.schedule}
    out = []
    for move in store.item_moves():
        item = items.get(move["item_id"])
        if item is None:
            continue
        targets = list(item.channels or channels) if item.remind else []
        targets += [
            r["user_id"]
            for r in personal
            if r["item_id"] == item.id and r["created_at"] <= move["noticed_at"]
        ]
        if not targets:
            continue
        out.append(
            Due(
                move["key"],
                "moved",
                datetime.fromisoformat(move["noticed_at"]),
                tuple(dict.fromkeys(targets)),
                item,
                extra={
                    "was": datetime.fromisoformat(move["was_start"]),
                    "was_place": move["was_place"],
                },
            )
        )
    return out


def watch(store: Store, item: ScheduleItem) -> None:
    """Watch an item someone asked to be reminded of, from now: a later move is noticed."""
    store.watch_item(item.id, item.start.astimezone(UTC).isoformat(), _place(item))


def message(ctx: Context, due: Due, *, late: bool) -> str:
    """The reminder as a person reads it (Slack mrkdwn; times through ctx)."""
    late_note = " _(late: the bot was away when this was due)_" if late else ""
    if due.kind == "announcement":
        return f":mega: {due.text}{late_note}"
    item = due.item
    if due.kind == "moved":
        return moved_message(ctx, due)
    minutes = round((item.start - ctx.now).total_seconds() / 60)
    when = f"in {minutes} minutes" if minutes > 0 else "now"
    who = f" with {item.speaker}" if item.speaker and item.speaker not in item.title else ""
    place = ctx.venue(item.venue, item.where)
    title = f"{item.code} {item.title}" if item.code else item.title
    lines = [
        f":alarm_clock: *{title}*{who} starts {when}{late_note}",
        f"{ctx.span(item.start, item.end)}" + (f" at {place}" if place else ""),
    ]
    walk = due.extra.get("walk")
    if walk is not None:
        lines.append(walk_line(ctx, walk))
    lines.append(how_to_get_there(ctx, item))
    return "\n".join(line for line in lines if line)


def walk_line(ctx: Context, walk: Walk) -> str:
    """'From Caesars Forum that is about 20 minutes by shuttle: leave by 12:35 PM PST.'"""
    how = (
        ctx.t("reminder_on_foot")
        if walk.mode == "walk"
        else ctx.t("reminder_by", mode=ctx.t(f"label_{walk.mode}"))
    )
    return ctx.t(
        "reminder_walk",
        origin=ctx.venue_name(walk.origin),
        minutes=walk.minutes,
        how=how,
        leave=ctx.time(walk.leave_by),
    )


def moved_message(ctx: Context, due: Due) -> str:
    """':arrows_counterclockwise: *DOP321 Title* has moved: now … (was 1:00 PM PST at …).'"""
    item = due.item
    title = f"{item.code} {item.title}" if item.code else item.title
    now_text = describe(ctx, item, notes=False).split(": ", 1)[1].rstrip(".")
    was, was_place = due.extra["was"], due.extra.get("was_place", "")
    before = ctx.time(was)
    if was_place and was_place != _place(item):
        venue, _, where = was_place.partition("|")
        before += ctx.t("item_place", place=ctx.venue(venue or None, where))
    return ctx.t("reminder_moved", title=title, now=now_text, was=before)


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
        if found:  # "DOP321-R": the repeat itself, not the first of its title
            return named_code(q, found) or found[0]
    from bot.understanding.lexicon import CONCEPTS

    kinds = {CONCEPTS[h.name][1] for h in q.concepts if CONCEPTS[h.name][0] == "schedule"}
    named = [m.ref.key for m in q.mentions if m.ref.kind == "item"]
    for i in upcoming:
        if i.kind in kinds or item_group(i.kind, i.title) in named:
            return i
    return None
