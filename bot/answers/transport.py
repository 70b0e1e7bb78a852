"""Shuttles and getting around: routes, hours, the next departure, re:Play buses, the 5K
coaches, the monorail and rideshare."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.answers.base import Answer, Context, join
from bot.models import Route, Transport
from bot.understand import Question

SPECIAL = {
    "replay-bus": ("replay", "리플레이", "party", "파티"),
    "coach": ("5k", "race", "run", "달리기", "마라톤"),
    "monorail": ("monorail", "모노레일"),
    "rideshare": ("uber", "lyft", "taxi", "cab", "rideshare", "택시", "우버", "리프트"),
}


def next_departure(service: Transport, moment: datetime) -> datetime | None:
    """The next run at or after ``moment`` on that day, or None when the last has left."""
    if moment > service.last_run:
        return None
    if moment <= service.first_run:
        return service.first_run
    if not service.every_min:
        return moment  # runs continuously: there is one whenever you get there
    step = timedelta(minutes=service.every_min)
    runs = -(-(moment - service.first_run) // step)  # ceiling division
    departure = service.first_run + runs * step
    return departure if departure <= service.last_run else None


def ride(service: Transport) -> str:
    if service.ride_min and service.ride_max and service.ride_min != service.ride_max:
        return f"the ride is {service.ride_min} to {service.ride_max} minutes"
    if service.ride_min:
        return f"the ride is about {service.ride_min} minutes"
    return ""


def _day_services(ctx: Context, kind: str, day) -> list[Transport]:
    return [t for t in ctx.data.transport if t.kind == kind and t.day == day]


def _route(ctx: Context, a: str, b: str) -> Route | None:
    for r in ctx.data.routes:
        if {r.origin, r.destination} == {a, b}:
            return r
    return None


def _schedule_line(ctx: Context, service: Transport, moment: datetime) -> str:
    """'Next: 9:10 AM PST, then every 10 minutes until 8:00 PM PST.' or 'no more today'."""
    nxt = next_departure(service, moment)
    if nxt is None:
        later = sorted(
            (t for t in ctx.data.transport if t.service == service.service and t.day > service.day),
            key=lambda t: t.day,
        )
        text = f"The last {service.name.lower()} {ctx.day(service.day)} left at {ctx.time(service.last_run)}: no more that day."
        if later:
            text += f" Next: {ctx.day(later[0].day)} from {ctx.time(later[0].first_run)}."
        return text
    every = f"every {service.every_min} minutes" if service.every_min else "continuously"
    if nxt == moment and service.every_min is None:
        return f"Running now, {every} until {ctx.time(service.last_run)}."
    return f"Next: {ctx.time(nxt)}, then {every} until {ctx.time(service.last_run)}."


def _special(q: Question, ctx: Context, kind: str, day, moment: datetime) -> Answer | None:
    services = _day_services(ctx, kind, day)
    if not services:
        any_day = sorted((t for t in ctx.data.transport if t.kind == kind), key=lambda t: t.day)
        if not any_day:
            return None
        upcoming = [t for t in any_day if t.day >= ctx.today] or any_day
        services, day = [upcoming[0]], upcoming[0].day
    s = services[0]
    stops = [ctx.data.venue_name(v) for v in s.stops if v not in {"festival-grounds", "airport"}]
    if kind == "rideshare":
        text = f"*{s.name}*: {s.where}." + (f" {s.notes}" if s.notes else "")
        return Answer(text, intent="transport", title=s.name)
    lines = [f"*{s.name}* {ctx.day(day)}: {ctx.span(s.first_run, s.last_run)}"]
    if stops:
        lines.append(f"From {join(stops)}." + (f" {s.where}." if s.where else ""))
    details = ride(s)
    if details:
        lines.append(details[0].upper() + details[1:] + ".")
    if day == ctx.today:
        lines.append(_schedule_line(ctx, s, moment))
    if s.notes:
        lines.append(s.notes)
    return Answer("\n".join(lines), intent="transport", title=s.name)


def answer(q: Question, ctx: Context) -> Answer | None:
    when = q.when
    day = when.day if when and when.day else ctx.today
    moment = when.moment if when and when.moment else (ctx.now if day == ctx.today else None)
    if moment is None:
        moment = datetime.combine(day, datetime.min.time(), tzinfo=ctx.zone)

    for kind, words in SPECIAL.items():
        if q.has(*words) and (kind != "coach" or not q.origin):
            special = _special(q, ctx, kind, day, moment)
            if special:
                return special

    origin, destination = q.origin, q.destination
    if destination is None and len(q.venues) == 1:
        destination = q.venues[0]
    shuttles = [t for t in _day_services(ctx, "shuttle", day)]

    if destination and origin and origin != destination:
        route = _route(ctx, origin, destination)
        a, b = ctx.data.venue_name(origin), ctx.data.venue_name(destination)
        lines = []
        if route and route.mode == "walk":
            lines.append(
                f"*{a} → {b}*: walk it, about {route.minutes} minutes. {route.notes}".strip()
            )
        else:
            minutes = f", about {route.minutes} minutes" if route and route.minutes else ""
            notes = route.notes if route else ""
            if "walk" not in notes.lower():
                notes = f"It is not walkable. {notes}".strip()
            lines.append(f"*{a} → {b}*: take the campus shuttle{minutes}. {notes}".strip())
        serving = [t for t in shuttles if origin in t.stops and destination in t.stops]
        if serving:
            lines.append(_schedule_line(ctx, serving[0], moment))
        elif shuttles:
            lines.append("The campus shuttle does not stop at both; ask at a shuttle stop.")
        else:
            lines.append(f"No campus shuttle runs {ctx.day(day)}.")
        return Answer("\n".join(lines), intent="transport", title=f"{a} → {b}")

    if destination:
        venue = ctx.data.venue(destination)
        serving = [t for t in shuttles if destination in t.stops]
        lines = [f"*Getting to {venue.name}*: {venue.directions}"]
        if serving:
            lines.append(_schedule_line(ctx, serving[0], moment))
        elif shuttles:
            lines.append(f"The campus shuttle does not go to {venue.name}.")
        for r in ctx.data.routes:
            if destination in (r.origin, r.destination) and r.mode not in {"walk", "shuttle"}:
                other = ctx.data.venue_name(r.destination if r.origin == destination else r.origin)
                minutes = f", about {r.minutes} minutes" if r.minutes else ""
                lines.append(
                    f"From {other}: {r.mode.replace('-', ' ')}{minutes}. {r.notes}".strip()
                )
        return Answer("\n".join(lines), intent="transport", title=f"Getting to {venue.name}")

    if not shuttles:
        later = sorted({t.day for t in ctx.data.transport if t.kind == "shuttle" and t.day > day})
        text = f"No campus shuttle runs {ctx.day(day)}."
        if later:
            text += f" It runs again {ctx.day(later[0])}."
        return Answer(text, intent="transport")
    s = shuttles[0]
    lines = [
        f"*{s.name}* {ctx.day(day)}: {ctx.span(s.first_run, s.last_run)}, "
        f"{'every ' + str(s.every_min) + ' minutes' if s.every_min else 'continuously'} "
        f"between {join([ctx.data.venue_name(v) for v in s.stops])}.",
    ]
    if ride(s):
        lines.append(ride(s)[0].upper() + ride(s)[1:] + ".")
    if day == ctx.today:
        lines.append(_schedule_line(ctx, s, moment))
    if s.notes:
        lines.append(s.notes)
    return Answer("\n".join(lines), intent="transport", title=s.name)
