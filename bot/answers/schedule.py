"""The schedule: keynotes, re:Play, the Expo, the 5K, badge pickup, and what is on when."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from bot.answers.base import Answer, Context, join
from bot.answers.transport import ride
from bot.clock import PARTS_OF_DAY
from bot.models import ScheduleItem
from bot.understand import Question

TOPIC_KINDS = {
    "keynote": ("keynote",),
    "party": ("party", "reception"),
    "expo": ("expo",),
    "run": ("run",),
    "badge": ("badge",),
}
# Other ways people name a keynote: Korean spellings and roles.
NAME_ALIASES = {
    "베르너": "werner", "보겔스": "vogels", "셀립스키": "selipsky", "아담": "adam",
    "스와미": "swami", "데산티스": "desantis", "피터": "peter", "cto": "werner",
    "ceo": "selipsky", "mnl": "monday", "werners": "werner", "vogel": "vogels",
}  # fmt: skip
GENERIC_TITLE_WORDS = {"keynote", "keynotes", "and", "the", "dr", "of"}


LABELS = {
    "keynote": "keynote",
    "party": "party",
    "expo": "Expo",
    "run": "5K",
    "badge": "badge pickup",
}


def _window(ctx: Context, day, part: str) -> tuple[datetime, datetime]:
    start, end = PARTS_OF_DAY[part]
    return datetime.combine(day, start, tzinfo=ctx.zone), datetime.combine(
        day, end, tzinfo=ctx.zone
    )


def describe(ctx: Context, item: ScheduleItem, *, notes: bool = True) -> str:
    """'*Title* (Speaker): Thursday, Nov 30, 8:30 AM - 10:30 AM PST at The Venetian (Hall).'"""
    start_day = item.start.astimezone(ctx.zone).date()
    who = f" ({item.speaker})" if item.speaker and item.speaker not in item.title else ""
    tense = ""
    end = item.end or item.start
    if end < ctx.now:
        tense = " [over]"
    elif item.start <= ctx.now:
        tense = " [on now]"
    text = f"*{item.title}*{who}{tense}: {ctx.day(start_day)}, {ctx.span(item.start, item.end)}"
    place = ctx.venue(item.venue, item.where)
    if place:
        text += f" at {place}"
    text += "."
    if notes and item.notes:
        text += f" {item.notes}"
    return text


def _match_speaker(q: Question, items: list[ScheduleItem]) -> list[ScheduleItem]:
    """Keynotes whose speaker or title the question names ('Werner', '베르너', 'the CEO')."""
    wanted = {NAME_ALIASES.get(w, w) for w in q.words}
    wanted |= {english for korean, english in NAME_ALIASES.items() if korean in q.text}
    chosen = []
    for item in items:
        words = re.findall(r"\w+", f"{item.title} {item.speaker}".lower())
        if wanted & (set(words) - GENERIC_TITLE_WORDS):
            chosen.append(item)
    return chosen


def _on_day(ctx: Context, items: list[ScheduleItem], day) -> list[ScheduleItem]:
    return [
        i
        for i in items
        if i.start.astimezone(ctx.zone).date()
        <= day
        <= (i.end or i.start).astimezone(ctx.zone).date()
    ]


def _replay_buses(ctx: Context) -> str:
    buses = [t for t in ctx.data.transport if t.kind == "replay-bus"]
    if not buses:
        return ""
    b = buses[0]
    stops = [ctx.data.venue_name(v) for v in b.stops if v != "festival-grounds"]
    return (
        f"*Getting there*: re:Play buses from {join(stops)}, {ctx.span(b.first_run, b.last_run)}; "
        f"{ride(b)}. {b.where}."
    )


def _run_coaches(ctx: Context) -> str:
    coaches = [t for t in ctx.data.transport if t.kind == "coach"]
    if not coaches:
        return ""
    c = coaches[0]
    return f"*Coaches*: from {join([ctx.data.venue_name(v) for v in c.stops])} starting {ctx.time(c.first_run)}. {c.where}."


def _topic_answer(q: Question, ctx: Context, topic: str) -> Answer | None:
    kinds = TOPIC_KINDS[topic]
    items = [i for i in ctx.data.schedule if i.kind in kinds]  # the store keeps them in time order
    if not items:
        return None
    chosen: list[ScheduleItem] = []
    if topic == "keynote":
        chosen = _match_speaker(q, items)
    day_given = q.when is not None and q.when.phrase and not q.when.is_now
    if day_given:
        on_day = _on_day(ctx, chosen or items, q.when.day)
        if venue_items := [i for i in on_day if not q.venues or i.venue in q.venues]:
            on_day = venue_items
        part = ""
        if q.when.part:  # "tonight", "tomorrow morning": only what overlaps that window
            part = f" {q.when.part}"
            lo, hi = _window(ctx, q.when.day, q.when.part)
            on_day = [i for i in on_day if i.start < hi and (i.end or i.start) > lo]
        if not on_day:
            label = LABELS[topic]
            text = f"There is no {label} {ctx.day(q.when.day)}{part}."
            later = [
                i
                for i in items
                if i.start.astimezone(ctx.zone).date() >= q.when.day and i.start > ctx.now
            ]
            others = later[:1] if later else items
            lead = "Next" if later else "It was"
            text += f" {lead}:\n" + "\n".join(describe(ctx, i, notes=False) for i in others)
            return Answer(text, intent=topic)
        chosen = on_day
    if not chosen and q.venues and topic == "badge":
        chosen = [i for i in items if i.venue in q.venues]
    if not chosen:
        upcoming = [i for i in items if (i.end or i.start) >= ctx.now]
        if topic in {"keynote", "expo"} and not q.has("all", "every", "모든", "전체", "list"):
            chosen = upcoming[:1] if "next" in q.flags or upcoming else []
            if chosen and topic == "keynote":
                rest = [i for i in upcoming[1:]]
                text = "Next keynote: " + describe(ctx, chosen[0])
                if rest:
                    text += "\nAfter that:\n" + "\n".join(
                        describe(ctx, i, notes=False) for i in rest
                    )
                return Answer(text, intent=topic, title=chosen[0].title)
        chosen = chosen or items
    lines = [describe(ctx, i) for i in chosen]
    for item in chosen:
        if (item.end or item.start) < ctx.now and item.kind == "keynote":
            lines.append("It is recorded: watch it on YouTube or in the AWS Events app.")
            break
    if topic == "party":
        buses = _replay_buses(ctx)
        if q.has("bus", "buses", "shuttle", "get", "버스", "셔틀", "가는", "가요"):
            lines.insert(0, buses)
        else:
            lines.append(buses)
    if topic == "run":
        lines.append(_run_coaches(ctx))
    return Answer("\n".join(line for line in lines if line), intent=topic, title=chosen[0].title)


# What a person scanning "what's on" wants to see first.
KIND_RANK = ["keynote", "party", "expo", "run", "reception", "badge", "help", "lounge"]
MAX_LISTED = 8


def highlights(ctx: Context, items: list[ScheduleItem]) -> list[str]:
    """The most notable items first, at most MAX_LISTED lines, and a count of the rest: on
    a day of 500 sessions nobody reads 500 lines on a phone."""
    ranked = sorted(
        items,
        key=lambda i: (KIND_RANK.index(i.kind) if i.kind in KIND_RANK else len(KIND_RANK), i.start),
    )
    shown = sorted(ranked[:MAX_LISTED], key=lambda i: i.start)
    lines = [describe(ctx, i, notes=False) for i in shown]
    rest = ranked[MAX_LISTED:]
    if rest:
        kinds = sorted({i.kind for i in rest})
        lines.append(f"…and {len(rest)} more ({join(kinds)}): ask me about one by name or topic.")
    return lines


def agenda(q: Question, ctx: Context) -> Answer:
    """What's on now, what's next, or what's on a day or part of a day (at a venue, if named)."""
    items = ctx.data.schedule  # in time order
    meals_all = ctx.data.meals
    if q.venues:
        items = [i for i in items if i.venue in q.venues]
        meals_all = [m for m in meals_all if m.venue in q.venues]
    when = q.when
    if "next" in q.flags and (when is None or not when.phrase):
        upcoming = [i for i in items if i.start > ctx.now][:3]
        if not upcoming:
            return Answer("Nothing more is scheduled at this event.", intent="agenda")
        return Answer(
            "Coming up:\n" + "\n".join(describe(ctx, i, notes=False) for i in upcoming),
            intent="agenda",
        )
    if when is None or when.is_now or (not when.phrase and when.part is None):
        on_now = [i for i in items if i.start <= ctx.now < (i.end or i.start + timedelta(hours=1))]
        meals = [m for m in meals_all if m.start <= ctx.now < m.end]
        kinds = sorted({m.kind for m in meals})
        lines = highlights(ctx, on_now)
        if kinds:
            lines.append(f"Also being served: {join(kinds)}.")
        nxt = [i for i in items if i.start > ctx.now][:2]
        if not lines:
            lines.append("Nothing is scheduled right now.")
        if nxt:
            lines.append("Next:")
            lines.extend(describe(ctx, i, notes=False) for i in nxt)
        return Answer("On now:\n" + "\n".join(lines), intent="agenda")
    day = when.day
    start, end = time(0), time(23, 59)
    if when.part:
        start, end = PARTS_OF_DAY[when.part]
    lo = datetime.combine(day, start, tzinfo=ctx.zone)
    hi = datetime.combine(day, end, tzinfo=ctx.zone)
    if when.moment:
        lo, hi = when.moment, when.moment + timedelta(minutes=1)
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)  # same tzinfo as the items: fast compare
    chosen = [i for i in items if i.start < hi and (i.end or i.start + timedelta(hours=1)) > lo]
    meals = sorted({m.kind for m in meals_all if m.start < hi and m.end > lo})
    part = f" {when.part}" if when.part else ""
    at = f" at {join([ctx.data.venue_name(v) for v in q.venues])}" if q.venues else ""
    if not chosen and not meals:
        return Answer(f"Nothing is scheduled{at} {ctx.day(day)}{part}.", intent="agenda")
    lines = highlights(ctx, chosen)
    if meals:
        lines.append(f'Food: {join(meals)} (ask me "where is {meals[0]}" for places and hours).')
    return Answer(
        f"On {ctx.day(day).replace('on ', '')}{part}{at}:\n" + "\n".join(lines), intent="agenda"
    )


def answer(q: Question, ctx: Context, topic: str) -> Answer | None:
    if topic == "agenda":
        return agenda(q, ctx)
    return _topic_answer(q, ctx, topic)
