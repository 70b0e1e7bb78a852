"""Anything on the event's schedule, of any kind, asked about by name: when and where it
is, whether it is open now, when it opens next, who speaks, how to get there."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.answers.base import Answer, Context
from bot.clock import PARTS_OF_DAY, When
from bot.models import ScheduleItem

MAX_LINES = 6


def speakers(ctx: Context, item: ScheduleItem) -> str:
    """'Werner Vogels (CTO of Amazon)' from the linked speakers, else the item's text."""
    linked = [s for s in ctx.data.speakers if s.id in item.speakers]
    if not linked:
        return item.speaker
    parts = []
    for s in linked:
        name, role = ctx.name(s, "name"), ctx.text(s, "role")
        parts.append(ctx.t("speakers_of", names=name, role=role) if role else name)
    return ctx.join(parts)


def describe(ctx: Context, item: ScheduleItem, *, notes: bool = True) -> str:
    """'*Title* (with Speaker) [on now]: Thursday, Nov 30, 8:30 AM - 10:30 AM PST at Place.'"""
    who = speakers(ctx, item)
    title = ctx.name(item)
    if item.code and item.code not in title:  # a catalog's session: people look for its code
        title = f"{item.code} {title}"
    who_text = f" ({ctx.t('by_speaker', names=who)})" if who and who not in title else ""
    tag = ""
    end = item.end or item.start
    if end < ctx.now:
        tag = f" [{ctx.t('over_tag')}]"
    elif item.start <= ctx.now:
        tag = f" [{ctx.t('on_now_tag')}]"
    place = ctx.venue(item.venue, ctx.text(item, "where"))
    text = ctx.t(
        "item_line",
        title=title,
        who=who_text,
        tag=tag,
        day=ctx.day(ctx.local_day(item.start)),
        span=ctx.span(item.start, item.end),
        place=ctx.t("item_place", place=place) if place else "",
    )
    if notes:
        note = ctx.text(item, "notes")
        if note:
            text += f" {note}"
    return text


def window(ctx: Context, when: When) -> tuple[datetime, datetime]:
    """The stretch of time a question asks about: a moment, a part of a day, or a day."""
    if when.moment is not None and when.until is not None:  # "in the next 30 minutes"
        return when.moment, when.until
    if when.moment is not None:
        return when.moment, when.moment + timedelta(minutes=1)
    day = when.day
    if when.part:
        lo, hi = PARTS_OF_DAY[when.part]
    else:
        lo, hi = datetime.min.time(), datetime.max.time()
    return datetime.combine(day, lo, tzinfo=ctx.zone), datetime.combine(day, hi, tzinfo=ctx.zone)


def during(items: list[ScheduleItem], lo: datetime, hi: datetime) -> list[ScheduleItem]:
    return [i for i in items if i.start < hi and (i.end or i.start + timedelta(minutes=1)) > lo]


def asks_day(when: When | None) -> bool:
    return when is not None and bool(when.phrase) and not when.is_now


def answer(
    ctx: Context,
    items: list[ScheduleItem],
    when: When | None,
    *,
    asks_open: bool = False,
    venues: tuple[str, ...] = (),
    intent: str = "item",
) -> Answer:
    """About one thing on the schedule (one or more occurrences): the occurrence the
    question is about, or the current or next one, and the other days."""
    items = sorted(items, key=lambda i: i.start)
    if venues:
        items = [i for i in items if i.venue in venues] or items
    title = ctx.name(items[0])
    upcoming = [i for i in items if (i.end or i.start) >= ctx.now]

    if asks_day(when) or (when is not None and when.part and not when.is_now):
        lo, hi = window(ctx, when)
        chosen = during(items, lo, hi)
        if not chosen:
            text = ctx.t("item_none_on_day", title=title, day=ctx.day(when.day))
            later = [i for i in items if i.start >= lo]
            if later:
                text += " " + ctx.t("item_next", line=describe(ctx, later[0], notes=False))
            elif items:
                text += " " + ctx.t("item_was", when=describe(ctx, items[-1], notes=False))
            return Answer(text, intent=intent, title=title)
        return Answer(_lines(ctx, chosen, items), intent=intent, title=title)

    if asks_open or (when is not None and when.is_now):
        current = [i for i in items if i.start <= ctx.now < (i.end or i.start)]
        if current:
            c = current[0]
            place = ctx.venue(c.venue, ctx.text(c, "where"))
            text = ctx.t(
                "item_open_now",
                title=title,
                end=ctx.time(c.end or c.start),
                place=ctx.t("item_place", place=place) if place else "",
            )
            note = ctx.text(c, "notes")
            return Answer(text + (f" {note}" if note else ""), intent=intent, title=title)
        if upcoming:
            nxt = upcoming[0]
            place = ctx.venue(nxt.venue, ctx.text(nxt, "where"))
            text = (
                ctx.t("item_closed_now", title=title)
                + " "
                + ctx.t(
                    "item_opens_later",
                    title=title,
                    day=ctx.day(ctx.local_day(nxt.start)),
                    span=ctx.span(nxt.start, nxt.end),
                    place=ctx.t("item_place", place=place) if place else "",
                )
            )
            return Answer(text, intent=intent, title=title)
        return Answer(
            ctx.t("item_no_more", title=title, when=describe(ctx, items[-1], notes=False)),
            intent=intent,
            title=title,
        )

    if not upcoming:  # all over: say when it was
        return Answer(_lines(ctx, items[-MAX_LINES:], items), intent=intent, title=title)
    first_day = ctx.local_day(upcoming[0].start)
    chosen = [i for i in upcoming if ctx.local_day(i.start) == first_day]
    return Answer(_lines(ctx, chosen, items), intent=intent, title=title)


def _lines(ctx: Context, chosen: list[ScheduleItem], every: list[ScheduleItem]) -> str:
    """The chosen occurrences in full (notes once), then the other days in one line."""
    lines, notes_seen = [], set()
    for item in chosen[:MAX_LINES]:
        note = ctx.text(item, "notes")
        line = describe(ctx, item, notes=note not in notes_seen)
        notes_seen.add(note)
        lines.append(line)
    others = sorted(
        {ctx.local_day(i.start) for i in every if i not in chosen and (i.end or i.start) >= ctx.now}
    )
    if others:
        spans = []
        for day in others[:6]:
            first = next(i for i in every if ctx.local_day(i.start) == day)
            spans.append(f"{ctx.weekday(day)} {ctx.span(first.start, first.end)}")
        lines.append(ctx.t("item_days", days=ctx.join(spans)))
    return "\n".join(lines)
