"""Meals, coffee and snacks: where and when, on a given day or right now."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.answers.base import Answer, Context, join
from bot.models import Meal
from bot.understand import Question

LABEL = {
    "breakfast": "Breakfast",
    "lunch": "Lunch",
    "coffee": "Coffee",
    "snacks": "Snacks",
    "dinner": "Dinner",
}


def _group(ctx: Context, meals: list[Meal]) -> list[str]:
    """One line per time slot: '11:00 AM - 2:00 PM PST at A, B and C'."""
    slots: dict[tuple[datetime, datetime], list[Meal]] = defaultdict(list)
    for m in meals:
        slots[(m.start, m.end)].append(m)
    lines = []
    for (start, end), group in sorted(slots.items()):
        places = join([ctx.venue(m.venue) for m in group])
        where = group[0].where
        lines.append(f"{ctx.span(start, end)} at {places}" + (f" ({where})" if where else ""))
    return lines


def _notes(meals: list[Meal], limit: int = 2) -> list[str]:
    seen: list[str] = []
    for m in meals:
        if m.notes and m.notes not in seen:
            seen.append(m.notes)
    return seen[:limit]


def answer(q: Question, ctx: Context) -> Answer | None:
    meals = ctx.data.meals
    kind = q.meal_kind
    when = q.when
    now = ctx.now
    venue_filter = set(q.venues)

    if kind == "dinner":
        return Answer(
            "Dinner is not on the conference schedule: only breakfast, lunch, coffee and "
            "snacks are served. Evening receptions and re:Play have food and drinks.",
            intent="meals",
            confident=True,
        )

    # "Where can I eat now?", "coffee near Mandalay Bay", "is lunch still on?"
    if when is None or when.is_now or (when.moment and not kind):
        moment = when.moment if when and when.moment else now
        serving = [m for m in meals if m.start <= moment < m.end and (not kind or m.kind == kind)]
        if venue_filter:
            near = [m for m in serving if m.venue in venue_filter]
            serving = near or serving
        if serving and (when is not None or not kind):
            by_kind: dict[str, list[Meal]] = defaultdict(list)
            for m in serving:
                by_kind[m.kind].append(m)
            lines = [
                f"*{LABEL.get(k, k.title())}* until {ctx.time(ms[0].end)} at {join([ctx.venue(m.venue) for m in ms])}"
                for k, ms in by_kind.items()
            ]
            head = "Serving now" if moment == now else f"Serving at {ctx.time(moment)}"
            return Answer(f"{head}:\n" + "\n".join(lines), intent="meals", title=head)
        if not kind:
            upcoming = sorted((m for m in meals if m.start > moment), key=lambda m: m.start)
            if upcoming:
                nxt = upcoming[0]
                same = [m for m in upcoming if m.start == nxt.start and m.kind == nxt.kind]
                return Answer(
                    f"Nothing is being served right now. Next: *{LABEL.get(nxt.kind, nxt.kind)}* "
                    f"{ctx.day(nxt.day)}, {ctx.span(nxt.start, nxt.end)} at "
                    f"{join([ctx.venue(m.venue) for m in same])}.",
                    intent="meals",
                )
            return Answer("No more meals are served at this event.", intent="meals")

    kind = kind or "lunch"
    day = when.day if when and when.day else ctx.today
    todays = [m for m in meals if m.kind == kind and m.day == day]
    if venue_filter:
        at_venue = [m for m in todays if m.venue in venue_filter]
        if todays and not at_venue:
            names = join([ctx.data.venue_name(v) for v in q.venues])
            return Answer(
                f"{LABEL[kind]} is not served at {names} {ctx.day(day)}. It is served at:\n"
                + "\n".join(_group(ctx, todays)),
                intent="meals",
            )
        todays = at_venue or todays
    if not todays:
        other_days = sorted({m.day for m in meals if m.kind == kind})
        later = [d for d in other_days if d > day]
        text = f"No {kind} is served {ctx.day(day)}."
        if later:
            nxt = [m for m in meals if m.kind == kind and m.day == later[0]]
            text += f" Next {kind}: {ctx.day(later[0])}, " + "; ".join(_group(ctx, nxt)) + "."
        elif other_days:
            text += f" {LABEL[kind]} was served {join([d.strftime('%A') for d in other_days])}."
        return Answer(text, intent="meals")

    past = day < ctx.today or (day == ctx.today and max(m.end for m in todays) <= now)
    verb = "was served" if past else "is served"
    lines = _group(ctx, todays)
    text = f"*{LABEL[kind]}* {verb} {ctx.day(day)}:\n" + "\n".join(lines)
    if day == ctx.today and not past:
        start = min(m.start for m in todays)
        if start <= now:
            text += f"\nIt is being served now, until {ctx.time(max(m.end for m in todays))}."
    notes = _notes(todays)
    if notes:
        text += "\n" + " ".join(notes)
    return Answer(text, intent="meals", title=f"{LABEL[kind]} {ctx.day(day)}")
