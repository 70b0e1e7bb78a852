"""The schedule by kind (keynotes, parties, the Expo, activities…) and by time: what is on
now, next, or on a day or part of a day."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from bot.answers import items as item_answers
from bot.answers.base import Answer, Context, first_upper
from bot.answers.transport import ride
from bot.clock import When
from bot.models import ScheduleItem
from bot.understanding.vocabulary import item_group

# What a person scanning "what's on" wants to see first.
KIND_RANK = ["keynote", "party", "reception", "expo", "run", "activity", "sessions", "lounge",
             "help", "facility", "badge", "other"]  # fmt: skip
MAX_LISTED = 8
BACK_WINDOW = timedelta(minutes=30)  # a way back starts before the item ends, or just after


def getting_there(ctx: Context, chosen: list[ScheduleItem]) -> str:
    """The services the event runs to these items (the party buses, the race coaches), and
    back: those leaving the item's place once it is on (the late bus from the party)."""
    there = _services_there(ctx, chosen)
    back = _services_back(ctx, chosen, there)
    lines = [
        _service_lines(ctx, chosen, there, "getting_there"),
        _service_lines(ctx, chosen, back, "getting_back"),
    ]
    return "\n".join(line for line in lines if line)


def _services_there(ctx: Context, chosen: list[ScheduleItem]) -> list:
    ids = {i.id for i in chosen}
    return [t for t in ctx.data.transport if ids & set(t.serves)]


def _services_back(ctx: Context, chosen: list[ScheduleItem], there: list) -> list:
    """Runs that stop at the item's place and start while it is on (or just after): the way
    back (not the ones that bring people there, the all-day shuttle that passes by, nor the
    tram to the next thing)."""
    taken = {t.service for t in there}
    back = []
    for item in chosen[:3]:
        if not item.venue or item.start is None:
            continue
        day = ctx.local_day(item.start)
        back += [
            t
            for t in ctx.data.transport
            if t.service not in taken
            and item.venue in t.stops
            and len(t.stops) > 1
            and t.day == day
            and item.start <= t.first_run < (item.end or item.start) + BACK_WINDOW
        ]
    return back


def _service_lines(ctx: Context, chosen: list[ScheduleItem], services: list, key: str) -> str:
    """One line per service: "*Getting there*: the Party bus from COEX…" (or "back: … to")."""
    if not services:
        return ""
    by_service: dict[str, list] = defaultdict(list)
    for t in services:
        by_service[t.service].append(t)
    lines = []
    for runs in by_service.values():
        day_runs = [t for t in runs if t.day >= ctx.today] or runs
        t = day_runs[0]
        targets = {i.venue for i in chosen}
        stops = [ctx.venue_name(v) for v in t.stops if v not in targets]
        text = ctx.t(
            "service_to_item" if key == "getting_there" else "service_from_item",
            name=ctx.name(t, "name"),
            stops=ctx.join(stops) or ctx.venue_name(t.stops[0]) if t.stops else "",
            span=ctx.span(t.first_run, t.last_run),
            ride=ride(ctx, t) or "",
        ).replace("; .", ".")
        where, note = ctx.text(t, "where"), ctx.text(t, "notes")
        if where:
            text += f" {where}."
        if note:
            text += f" {note}"
        lines.append(ctx.t(key, text=text))
    return "\n".join(lines)


def by_kind(
    ctx: Context,
    chosen: list[ScheduleItem],
    kinds: list[str],
    when: When | None,
    *,
    wants_next: bool,
    wants_all: bool,
    venues: tuple[str, ...] = (),
    intent: str = "schedule",
) -> Answer | None:
    """Items of some kinds ('the keynote', 'parties tonight'), or the given ones."""
    items = chosen or [i for i in ctx.data.schedule if i.kind in kinds]
    if not items:
        label = ctx.join([ctx.t(f"label_{k}") for k in kinds])
        return Answer(ctx.t("kind_none", label=label), intent=intent, confident=False)
    groups = {item_group(i.kind, i.title) for i in items}
    if len(groups) == 1:
        answer = item_answers.answer(ctx, items, when, venues=venues, intent=intent)
        extra = getting_there(ctx, items)
        if extra:
            answer.text += "\n" + extra
        return answer
    if item_answers.asks_day(when) or (when is not None and when.part and not when.is_now):
        lo, hi = item_answers.window(ctx, when)
        on_day = item_answers.during(items, lo, hi)
        if venues:
            on_day = [i for i in on_day if i.venue in venues] or on_day
        if not on_day:
            label = ctx.join([ctx.t(f"label_{k}") for k in kinds])
            part = ctx.t(f"part_{when.part}") if when.part else ""
            text = ctx.t("kind_none_on_day", label=label, day=ctx.day(when.day), part=part)
            later = [i for i in items if i.start >= lo]
            head, shown = ("kind_next", later[:1]) if later else ("kind_it_was", items[-1:])
            text += f" {ctx.t(head)}\n" + "\n".join(
                item_answers.describe(ctx, i, notes=False) for i in shown
            )
            return Answer(text, intent=intent)
        return Answer("\n".join(highlights(ctx, on_day)), intent=intent)
    upcoming = [i for i in items if (i.end or i.start) >= ctx.now]
    if wants_next:  # "the next keynote": the next to start, not the one on now
        upcoming = [i for i in items if i.start > ctx.now] or upcoming
    if not upcoming:
        return Answer("\n".join(highlights(ctx, items)), intent=intent)
    if wants_next or (not wants_all and kinds == ["keynote"]):
        first, rest = upcoming[0], upcoming[1:]
        label = ctx.t(f"label_{first.kind}")
        text = ctx.t("next_keynote", label=label, line=item_answers.describe(ctx, first))
        if rest and not wants_next:
            text += f"\n{ctx.t('after_that')}\n" + "\n".join(
                item_answers.describe(ctx, i, notes=False) for i in rest[:MAX_LISTED]
            )
        return Answer(text, intent=intent, title=ctx.name(first))
    lines = highlights(ctx, upcoming)
    extra = getting_there(ctx, upcoming)
    if extra:
        lines.append(extra)
    return Answer("\n".join(lines), intent=intent)


# Desks and rooms open for hours, and anything open all day: named after what happens.
DESKS = {"facility", "help", "lounge", "badge"}
DESK_HOURS, ALL_DAY_HOURS = timedelta(hours=3), timedelta(hours=10)


def _rank(item: ScheduleItem) -> tuple[bool, int]:
    length = (item.end - item.start) if item.end else timedelta(0)
    open_long = length >= ALL_DAY_HOURS or (item.kind in DESKS and length >= DESK_HOURS)
    return open_long, KIND_RANK.index(item.kind) if item.kind in KIND_RANK else len(KIND_RANK)


def highlights(ctx: Context, items: list[ScheduleItem]) -> list[str]:
    """What happens first, in time order, the same thing in several places on one line, at
    most MAX_LISTED lines and a count of the rest (on a day of 500 sessions nobody reads 500
    lines on a phone); desks and rooms open all day go last, by name only."""
    grouped: dict[tuple, list[ScheduleItem]] = defaultdict(list)
    for i in items:
        grouped[(i.kind, i.title, i.start, i.end)].append(i)
    happening = [g for g in grouped.values() if not _rank(g[0])[0]]
    open_long = [g for g in grouped.values() if _rank(g[0])[0]]
    ranked = sorted(happening, key=lambda g: (_rank(g[0]), g[0].start))
    shown = sorted(ranked[:MAX_LISTED], key=lambda g: g[0].start)
    lines = []
    for group in shown:
        line = item_answers.describe(ctx, group[0], notes=False)
        if len(group) > 1:
            places = ctx.join([ctx.venue_name(i.venue) for i in group if i.venue])
            first_place = ctx.venue(group[0].venue, ctx.text(group[0], "where"))
            if first_place:
                line = line.replace(first_place, places, 1)
        lines.append(line)
    rest = ranked[MAX_LISTED:]
    if rest:
        lines.append(ctx.t("and_more", count=len(rest)))
    if open_long and lines:
        names = list(
            dict.fromkeys(ctx.name(g[0]) for g in sorted(open_long, key=lambda g: _rank(g[0])))
        )
        lines.append(ctx.t("also_open", names=ctx.join(names[:8])))
    elif open_long:  # nothing but desks: show them in full
        for group in sorted(open_long, key=lambda g: g[0].start)[:MAX_LISTED]:
            lines.append(item_answers.describe(ctx, group[0], notes=False))
    return lines


def agenda(ctx: Context, when: When | None, venues: tuple[str, ...], wants_next: bool) -> Answer:
    """What's on now, what's next, or what's on a day or part of a day (at a venue)."""
    items = ctx.data.schedule  # in time order
    meals = ctx.data.meals
    if venues:
        items = [i for i in items if i.venue in venues]
        meals = [m for m in meals if m.venue in venues]
    if wants_next and (when is None or not when.phrase):
        upcoming = [i for i in items if i.start > ctx.now][:3]
        if not upcoming:
            return Answer(ctx.t("nothing_more"), intent="agenda")
        return Answer(
            ctx.t("coming_up")
            + "\n"
            + "\n".join(item_answers.describe(ctx, i, notes=False) for i in upcoming),
            intent="agenda",
        )
    if when is None or when.is_now or (not when.phrase and when.part is None):
        on_now = [i for i in items if i.start <= ctx.now < (i.end or i.start + timedelta(hours=1))]
        serving = sorted({m.kind for m in meals if m.start <= ctx.now < m.end})
        lines = highlights(ctx, on_now)
        if serving:
            lines.append(
                ctx.t("also_served", meals=ctx.join([ctx.t(f"label_{k}") for k in serving]))
            )
        if not lines:
            lines.append(ctx.t("nothing_now"))
        nxt = [i for i in items if i.start > ctx.now][:2]
        if nxt:
            lines.append(ctx.t("next_up"))
            lines.extend(item_answers.describe(ctx, i, notes=False) for i in nxt)
        return Answer(ctx.t("on_now") + "\n" + "\n".join(lines), intent="agenda")
    lo, hi = item_answers.window(ctx, when)
    chosen = item_answers.during(items, lo, hi)
    served = sorted({m.kind for m in meals if m.start < hi and m.end > lo})
    part = ctx.t(f"part_{when.part}") if when.part else ""
    at = f" @ {ctx.join([ctx.venue_name(v) for v in venues])}" if venues else ""
    if not chosen and not served:
        return Answer(
            ctx.t("nothing_on_day", at=at, day=ctx.day(when.day), part=part), intent="agenda"
        )
    lines = highlights(ctx, chosen)
    if served:
        lines.append(ctx.t("food_line", meals=ctx.join([ctx.t(f"label_{k}") for k in served])))
    header = ctx.t("on_day_header", day=first_upper(ctx.day(when.day)), part=part, at=at)
    return Answer(header + "\n" + "\n".join(lines), intent="agenda")
