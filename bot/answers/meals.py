"""Meals, coffee and snacks: where and when, on a given day or right now."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from bot.answers.base import Answer, Context
from bot.answers.items import describe
from bot.clock import When
from bot.models import Meal


def label(ctx: Context, kind: str, meals: list[Meal] = ()) -> str:
    """'Lunch' / '점심', or the name the event gives these meals in the asker's script."""
    script = ctx.cat.script
    if script is not None:
        for m in meals:
            for alias in m.aliases:
                if script.search(alias):
                    return alias
    return ctx.t(f"label_{kind}")


def _group(ctx: Context, meals: list[Meal]) -> list[str]:
    """One line per time slot and place: '11:00 AM - 2:00 PM PST at A, B and C (Hall)'."""
    slots: dict[tuple[datetime, datetime, str], list[Meal]] = defaultdict(list)
    for m in meals:
        slots[(m.start, m.end, ctx.text(m, "where"))].append(m)
    lines = []
    for (start, end, where), group in sorted(slots.items()):
        places = ctx.join([ctx.venue_name(m.venue) for m in group if m.venue])
        span = ctx.span(start, end)
        if not places:
            lines.append(f"{span} ({where})" if where else span)
        elif where:
            lines.append(ctx.t("meal_slot_where", span=span, places=places, where=where))
        else:
            lines.append(ctx.t("meal_slot", span=span, places=places))
    return lines


def _notes(ctx: Context, meals: list[Meal], limit: int = 2) -> list[str]:
    seen: list[str] = []
    for m in meals:
        note = ctx.text(m, "notes")
        if note and note not in seen:
            seen.append(note)
    return seen[:limit]


def answer(
    ctx: Context,
    kind: str | None,
    when: When | None,
    venues: tuple[str, ...],
    food_words: set[str],
) -> Answer:
    """``food_words``: what the lexicon calls food and drink, to find evening events that
    serve it when the event lists no dinner."""
    meals = ctx.data.meals
    now = ctx.now
    venue_filter = set(venues)

    if kind is not None and not any(m.kind == kind for m in meals):
        text = ctx.t("meal_never", meal=label(ctx, kind))
        evening = [
            i
            for i in ctx.data.schedule
            if i.end
            and i.end >= now
            and i.start.astimezone(ctx.zone).hour >= 17
            and _serves_food(ctx, i, food_words)
        ]
        if evening:
            text += f"\n{ctx.t('evening_food')}\n" + "\n".join(
                describe(ctx, i) for i in evening[:3]
            )
        return Answer(text, intent="meals", confident=True)

    # "Where can I eat now?", "coffee near Mandalay Bay", "is lunch still on?"
    if when is None or when.is_now or (when.moment and not kind):
        moment = when.moment if when and when.moment else now
        serving = [m for m in meals if m.start <= moment < m.end and (not kind or m.kind == kind)]
        if venue_filter:
            serving = [m for m in serving if m.venue in venue_filter] or serving
        if serving and (when is not None or not kind):
            by_kind: dict[str, list[Meal]] = defaultdict(list)
            for m in serving:
                by_kind[m.kind].append(m)
            lines = [
                ctx.t(
                    "serving_line",
                    meal=label(ctx, k, ms),
                    end=ctx.time(ms[0].end),
                    places=ctx.join([ctx.venue(m.venue, ctx.text(m, "where")) for m in ms]),
                )
                for k, ms in by_kind.items()
            ]
            head = (
                ctx.t("serving_now")
                if moment == now
                else ctx.t("serving_at", time=ctx.time(moment))
            )
            return Answer(head + "\n" + "\n".join(lines), intent="meals", title=head)
        if not kind:
            upcoming = sorted((m for m in meals if m.start > moment), key=lambda m: m.start)
            if venue_filter:
                upcoming = [m for m in upcoming if m.venue in venue_filter] or upcoming
            on = [
                i
                for i in ctx.data.schedule
                if i.start <= moment < (i.end or i.start) and _serves_food(ctx, i, food_words)
            ]
            if on:
                return Answer(
                    ctx.t("evening_food") + "\n" + "\n".join(describe(ctx, i) for i in on[:3]),
                    intent="meals",
                )
            if upcoming:
                nxt = upcoming[0]
                same = [m for m in upcoming if m.start == nxt.start and m.kind == nxt.kind]
                return Answer(
                    ctx.t(
                        "nothing_served",
                        meal=label(ctx, nxt.kind, same),
                        day=ctx.day(nxt.day),
                        span=ctx.span(nxt.start, nxt.end),
                        places=ctx.join([ctx.venue(m.venue, ctx.text(m, "where")) for m in same]),
                    ),
                    intent="meals",
                )
            return Answer(ctx.t("no_more_meals"), intent="meals")

    kind = kind or "lunch"
    of_kind = [m for m in meals if m.kind == kind]
    name = label(ctx, kind, of_kind)
    day = when.day if when and when.day else ctx.today
    todays = [m for m in of_kind if m.day == day]
    if venue_filter:
        at_venue = [m for m in todays if m.venue in venue_filter]
        if todays and not at_venue:
            names = ctx.join([ctx.venue_name(v) for v in venues])
            return Answer(
                ctx.t("meal_not_at", meal=name, venues=names, day=ctx.day(day))
                + "\n"
                + "\n".join(_group(ctx, todays)),
                intent="meals",
            )
        todays = at_venue or todays
    if not todays:
        text = _other_days(ctx, of_kind, name, day)
        served = _food_that_day(ctx, kind, day, food_words)
        if served:
            text += f"\n{ctx.t('evening_food')}\n" + "\n".join(describe(ctx, i) for i in served)
        return Answer(text, intent="meals")

    past = day < ctx.today or (day == ctx.today and max(m.end for m in todays) <= now)
    verb = ctx.t("meal_was_served" if past else "meal_is_served")
    text = ctx.t("meal_served", meal=name, verb=verb, day=ctx.day(day))
    text += "\n" + "\n".join(_group(ctx, todays))
    if day == ctx.today and not past and min(m.start for m in todays) <= now:
        text += "\n" + ctx.t("meal_being_served", end=ctx.time(max(m.end for m in todays)))
    notes = _notes(ctx, todays)
    if notes:
        text += "\n" + " ".join(notes)
    return Answer(text, intent="meals", title=f"{name} {ctx.day(day)}")


def _other_days(ctx: Context, of_kind: list[Meal], name: str, day: date) -> str:
    other_days = sorted({m.day for m in of_kind})
    later = [d for d in other_days if d > day]
    text = ctx.t("meal_none_on_day", meal=name, day=ctx.day(day))
    if later:
        nxt = [m for m in of_kind if m.day == later[0]]
        slots = "; ".join(_group(ctx, nxt))
        text += " " + ctx.t("meal_next_day", meal=name, day=ctx.day(later[0]), slots=slots)
    elif other_days:
        days = ctx.join([ctx.weekday(d) for d in other_days])
        text += " " + ctx.t("meal_served_days", meal=name, days=days)
    return text


# When each meal is eaten (event time): a day without a dinner may still have a reception
# with food in the evening.
MEAL_HOURS = {"breakfast": (6, 11), "lunch": (11, 15), "dinner": (17, 24)}


def _food_that_day(ctx: Context, kind: str, day: date, food_words: set[str]) -> list:
    if kind not in MEAL_HOURS:
        return []
    first, last = MEAL_HOURS[kind]
    found = []
    for i in ctx.data.schedule:
        local = i.start.astimezone(ctx.zone)
        if local.date() == day and first <= local.hour < last and _serves_food(ctx, i, food_words):
            found.append(i)
    return found[:3]


def _serves_food(ctx: Context, item, food_words: set[str]) -> bool:
    """An item whose notes say it has food or drinks ('food trucks until midnight')."""
    text = f"{item.notes} {ctx.text(item, 'notes')}".lower()
    words = set(text.replace(",", " ").replace(".", " ").replace(";", " ").split())
    return bool(food_words & words) or any(w in text for w in food_words if not w.isascii())
