"""Getting around: from A to B, to a venue, and the event's services (shuttles, buses,
trains…) with their hours, the next departure and the last."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from bot.answers.base import Answer, Context
from bot.models import Route, Transport


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


def ride(ctx: Context, service: Transport) -> str:
    if service.ride_min and service.ride_max and service.ride_min != service.ride_max:
        return ctx.t("ride_range", low=service.ride_min, high=service.ride_max)
    if service.ride_min:
        return ctx.t("ride_about", minutes=service.ride_min)
    return ""


def _route(ctx: Context, a: str, b: str) -> Route | None:
    for r in ctx.data.routes:
        if {r.origin, r.destination} == {a, b}:
            return r
    return None


def _runs_on(ctx: Context, services: list[Transport], day: date) -> list[Transport]:
    return [t for t in services if t.day == day]


def schedule_line(ctx: Context, service: Transport, moment: datetime) -> str:
    """'Next shuttle: 9:10 AM PST, then every 10 minutes until 8:00 PM PST.' or 'no more'."""
    name = ctx.name(service, "name")
    nxt = next_departure(service, moment)
    if nxt is None:
        later = sorted(
            (t for t in ctx.data.transport if t.service == service.service and t.day > service.day),
            key=lambda t: t.day,
        )
        text = ctx.t(
            "service_last_left",
            name=name,
            day=ctx.day(service.day),
            last=ctx.time(service.last_run),
        )
        if later:
            text += " " + ctx.t(
                "service_again", day=ctx.day(later[0].day), first=ctx.time(later[0].first_run)
            )
        return text
    if nxt == moment and service.every_min is None:
        return ctx.t("service_running", name=name, last=ctx.time(service.last_run))
    every = (
        ctx.t("service_every", minutes=service.every_min)
        if service.every_min
        else ctx.t("service_continuous")
    )
    return ctx.t(
        "service_next", name=name, time=ctx.time(nxt), every=every, last=ctx.time(service.last_run)
    )


def service_answer(
    ctx: Context, runs: list[Transport], day: date, moment: datetime, *, wants_last: bool = False
) -> Answer:
    """One service on one day: hours, stops, where to board, the ride, the next departure."""
    on_day = _runs_on(ctx, runs, day)
    if not on_day:
        later = sorted((t for t in runs if t.day > day), key=lambda t: t.day)
        name = ctx.name(runs[0], "name")
        text = ctx.t("service_none_on_day", name=name, day=ctx.day(day))
        if later:
            text += " " + ctx.t(
                "service_again", day=ctx.day(later[0].day), first=ctx.time(later[0].first_run)
            )
            on_day, day = [later[0]], later[0].day
        else:
            return Answer(text, intent="transport", title=name)
        prefix = text + "\n"
    else:
        prefix = ""
    s = on_day[0]
    name = ctx.name(s, "name")
    every = (
        ctx.t("service_every", minutes=s.every_min) if s.every_min else ctx.t("service_continuous")
    )
    lines = [
        ctx.t(
            "service_day",
            name=name,
            day=ctx.day(day),
            span=ctx.span(s.first_run, s.last_run),
            every=every,
        )
    ]
    stops = [ctx.venue_name(v) for v in s.stops]
    if len(stops) > 1:
        lines.append(ctx.t("service_stops", stops=ctx.join(stops)))
    where = ctx.text(s, "where")
    if where:
        lines.append(ctx.t("service_board", where=where))
    if ride(ctx, s):
        lines.append(ctx.t("service_ride", ride=ride(ctx, s)))
    if day == ctx.today and not wants_last:
        lines.append(schedule_line(ctx, s, moment))
    note = ctx.text(s, "notes")
    if note:
        lines.append(note)
    return Answer(prefix + "\n".join(lines), intent="transport", title=name)


def services_of(ctx: Context, kinds: list[str]) -> dict[str, list[Transport]]:
    """The event's services of some kinds, each with its runs (one per day)."""
    by_service: dict[str, list[Transport]] = defaultdict(list)
    for t in ctx.data.transport:
        if not kinds or t.kind in kinds:
            by_service[t.service].append(t)
    return by_service


def _every(ctx: Context, s: Transport) -> str:
    return (
        ctx.t("service_every", minutes=s.every_min) if s.every_min else ctx.t("service_continuous")
    )


def _serving(ctx: Context, day: date, stops: list[str], kinds: list[str]) -> list[Transport]:
    """Services running that day that stop at every one of ``stops``: the kinds asked for
    first, then any ('bus' finds the shuttle when that is what runs)."""
    runs = [t for t in ctx.data.transport if t.day == day and all(s in t.stops for s in stops)]
    runs = [
        t
        for t in runs
        if t.kind not in {"taxi", "rideshare"} or (set(kinds) & {"taxi", "rideshare"})
    ]
    return sorted(runs, key=lambda t: (bool(kinds) and t.kind not in kinds, t.first_run))


def _departures(ctx: Context, s: Transport, day: date, moment: datetime) -> str:
    if (
        day == ctx.today
        or moment.astimezone(ctx.zone).date() == day
        and moment != datetime.combine(day, datetime.min.time(), tzinfo=ctx.zone)
    ):
        return schedule_line(ctx, s, moment)
    return ctx.t(
        "service_day",
        name=ctx.name(s, "name"),
        day=ctx.day(day),
        span=ctx.span(s.first_run, s.last_run),
        every=_every(ctx, s),
    )


def route_answer(
    ctx: Context, origin: str, destination: str, day: date, moment: datetime, kinds: list[str]
) -> Answer:
    """From one venue to another: walk or ride, how long, and the next departure."""
    route = _route(ctx, origin, destination)
    a, b = ctx.venue_name(origin), ctx.venue_name(destination)
    rides = [k for k in kinds if k != "walk"]
    lines = []
    if route is None:
        legs = _two_legs(ctx, origin, destination)
        if legs:
            return _legs_answer(ctx, legs, day, moment)
        connecting = _connecting(ctx, day, [origin, destination], rides)
        if connecting is not None:  # no route, but a service runs between them
            return _by_service(ctx, connecting, a, b, day, moment)
        lines.append(ctx.t("route_unknown", a=a, b=b))
        for venue_id in (origin, destination):  # what the event says of each end
            venue = ctx.data.venue(venue_id)
            directions = ctx.text(venue, "directions") if venue else ""
            if directions:
                lines.append(f"*{ctx.venue_name(venue_id)}*: {directions}")
    elif route.mode == "walk":
        key = "route_walk" if route.minutes else "route_walk_no_minutes"
        lines.append(ctx.t(key, a=a, b=b, minutes=route.minutes))
    else:
        minutes = ctx.t("route_minutes", minutes=route.minutes) if route.minutes else ""
        lines.append(
            ctx.t("route_mode", a=a, b=b, mode=ctx.t(f"label_{route.mode}"), minutes=minutes)
        )
        if "walk" in kinds:
            lines.append(ctx.t("route_not_walkable"))
    if route is not None:
        note = ctx.text(route, "notes")
        if note:
            lines.append(note)
    if route is not None and route.mode == "walk" and not [k for k in kinds if k != "walk"]:
        return Answer("\n".join(lines), intent="transport", title=f"{a} → {b}")
    serving = _serving(ctx, day, [origin, destination], [k for k in kinds if k != "walk"])
    if serving:
        s = serving[0]
        lines.append(_departures(ctx, s, day, moment))
        if ride(ctx, s) and not (route and route.minutes):
            lines.append(ctx.t("service_ride", ride=ride(ctx, s)))
    elif rides:  # a kind was asked for ("the shuttle from A to B"): say why it is no help
        for runs in services_of(ctx, rides).values():
            if any(origin in t.stops for t in runs) != any(destination in t.stops for t in runs):
                lines.append(ctx.t("service_not_both", name=ctx.name(runs[0], "name"), a=a, b=b))
                break
    return Answer("\n".join(lines), intent="transport", title=f"{a} → {b}")


def nearest_runs(ctx: Context, day: date, stops: list[str], kinds: list[str]) -> list[Transport]:
    """Each service that stops at all of ``stops``, by its run nearest to ``day`` (that day's,
    else a later day's, else an earlier one's), the nearest first."""
    runs = [t for t in ctx.data.transport if all(s in t.stops for s in stops)]
    runs = [t for t in runs if t.kind not in {"taxi", "rideshare"} or kinds]
    if kinds and any(t.kind in kinds for t in runs):
        runs = [t for t in runs if t.kind in kinds]
    best: dict[str, Transport] = {}
    for t in sorted(runs, key=lambda t: (t.day < day, abs((t.day - day).days), t.first_run)):
        best.setdefault(t.service, t)
    return list(best.values())


def _connecting(ctx: Context, day: date, stops: list[str], kinds: list[str]) -> Transport | None:
    """A service that stops at both ends, on its nearest day."""
    runs = nearest_runs(ctx, day, stops, kinds)
    return runs[0] if runs else None


def _by_service(ctx: Context, s: Transport, a: str, b: str, day: date, moment: datetime) -> Answer:
    """From A to B by the one service that stops at both (no walking route is known)."""
    name = ctx.name(s, "name")
    lines = [ctx.t("route_service", a=a, b=b, name=name)]
    if s.day != day:
        lines.append(ctx.t("service_none_on_day", name=name, day=ctx.day(day)))
    lines.append(_departures(ctx, s, s.day, moment))
    where = ctx.text(s, "where")
    if where:
        lines.append(ctx.t("service_board", where=where))
    if ride(ctx, s):
        lines.append(ctx.t("service_ride", ride=ride(ctx, s)))
    note = ctx.text(s, "notes")
    if note:
        lines.append(note)
    return Answer("\n".join(lines), intent="transport", title=f"{a} → {b}")


def _two_legs(ctx: Context, origin: str, destination: str) -> list[Route]:
    """A way through one place between (the monorail to the station, then a walk), the
    quickest the event's routes give."""
    best: list[Route] = []
    for first in ctx.data.routes:
        if origin not in (first.origin, first.destination):
            continue
        middle = first.destination if first.origin == origin else first.origin
        second = _route(ctx, middle, destination)
        if second is None or middle == destination:
            continue
        total = (first.minutes or 60) + (second.minutes or 60)
        if not best or total < sum(r.minutes or 60 for r in best):
            best = [first, second]
    return best


def _legs_answer(ctx: Context, legs: list[Route], day: date, moment: datetime) -> Answer:
    lines = []
    start = (
        legs[0].origin
        if legs[0].origin in (legs[1].origin, legs[1].destination)
        else legs[0].destination
    )
    here = legs[0].destination if start == legs[0].origin else legs[0].origin
    for leg in legs:
        there = leg.destination if leg.origin == here else leg.origin
        a, b = ctx.venue_name(here), ctx.venue_name(there)
        minutes = ctx.t("route_minutes", minutes=leg.minutes) if leg.minutes else ""
        line = ctx.t("route_mode", a=a, b=b, mode=ctx.t(f"label_{leg.mode}"), minutes=minutes)
        note = ctx.text(leg, "notes")
        lines.append(f"{line} {note}".strip())
        if leg.mode != "walk":
            serving = _serving(ctx, day, [here, there], [leg.mode])
            if serving:
                lines.append(_departures(ctx, serving[0], day, moment))
        here = there
    title = f"{ctx.venue_name(legs[0].origin)} → {ctx.venue_name(here)}"
    return Answer("\n".join(lines), intent="transport", title=title)


def leaving(
    ctx: Context, origin: str, day: date, moment: datetime, kinds: list[str] = ()
) -> Answer:
    """'From the airport': the ways the event lists out of a place, and its directions."""
    venue = ctx.data.venue(origin)
    name = ctx.venue_name(origin)
    lines = [f"*{ctx.t('from_place', venue=name)}*"]
    directions = ctx.text(venue, "directions") if venue else ""
    if directions:
        lines.append(directions)
    serving = _serving(ctx, day, [origin], list(kinds))[:2]
    if not serving:  # nothing leaves that day: the nearest day something does
        serving = nearest_runs(ctx, day, [origin], list(kinds))[:2]
    for s in serving:
        lines.append(_departures(ctx, s, s.day, moment))
        others = [ctx.venue_name(v) for v in s.stops if v != origin]
        if others:
            lines.append(ctx.t("service_to", stops=ctx.join(others)))
    for r in ctx.data.routes:
        if origin in (r.origin, r.destination):
            other = ctx.venue_name(r.destination if r.origin == origin else r.origin)
            minutes = ctx.t("route_minutes", minutes=r.minutes) if r.minutes else ""
            line = ctx.t(
                "route_mode", a=name, b=other, mode=ctx.t(f"label_{r.mode}"), minutes=minutes
            )
            lines.append(f"{line} {ctx.text(r, 'notes')}".strip())
    if len(lines) == 1:  # a heading alone: the event lists no way out of there
        return Answer(ctx.t("no_way_from", venue=name), intent="transport", confident=False)
    return Answer("\n".join(lines[:8]), intent="transport", title=name)


def getting_to(
    ctx: Context, destination: str, day: date, moment: datetime, kinds: list[str] = ()
) -> Answer:
    """How to reach a venue: its directions, the services that stop there (or that the
    kind asked for does not), and the routes from elsewhere."""
    venue = ctx.data.venue(destination)
    name = ctx.venue_name(destination)
    directions = ctx.text(venue, "directions")
    lines = [ctx.t("getting_to", venue=name, directions=directions) if directions else f"*{name}*"]
    serving = _serving(ctx, day, [destination], list(kinds))
    wanted = [s for s in serving if not kinds or s.kind in kinds]
    if kinds and not wanted:
        for runs in services_of(ctx, list(kinds)).values():
            if any(destination in r.stops for r in runs):  # it does, on another day
                later = sorted((r for r in runs if r.day >= day), key=lambda r: r.day) or runs
                answer = service_answer(ctx, runs, later[0].day, moment)
                lines.append(answer.text)
                continue
            lines.append(ctx.t("service_not_to", name=ctx.name(runs[0], "name"), venue=name))
            where = ctx.text(runs[0], "where")
            if where:
                lines.append(ctx.t("service_board", where=where))
    shown = (wanted or serving)[:2]
    if not shown and not kinds:  # nothing stops there today: the nearest day something does
        shown = nearest_runs(ctx, day, [destination], [])[:2]
    for s in shown:
        lines.append(_departures(ctx, s, s.day, moment))
        origins = [ctx.venue_name(v) for v in s.stops if v != destination]
        if origins:
            lines.append(ctx.t("service_from", stops=ctx.join(origins)))
        where, note = ctx.text(s, "where"), ctx.text(s, "notes")
        if where:
            lines.append(ctx.t("service_board", where=where))
        if note and (kinds or s.day != day):
            lines.append(note)
    for r in ctx.data.routes:
        if destination in (r.origin, r.destination):
            other = ctx.venue_name(r.destination if r.origin == destination else r.origin)
            minutes = ctx.t("route_minutes", minutes=r.minutes) if r.minutes else ""
            line = ctx.t("from_other", other=other, mode=ctx.t(f"label_{r.mode}"), minutes=minutes)
            note = ctx.text(r, "notes")
            lines.append(f"{line} {note}".strip())
    if len(lines) == 1:  # the name alone: the event says nothing of how to get there
        return Answer(ctx.t("no_way_to", venue=name), intent="transport", confident=False)
    return Answer("\n".join(lines[:8]), intent="transport", title=name)


def kinds_answer(
    ctx: Context, kinds: list[str], day: date, moment: datetime, wants_last: bool
) -> Answer | None:
    """'shuttle hours', 'is there a monorail', 'last bus on Thursday'."""
    services = services_of(ctx, [k for k in kinds if k != "walk"])
    if not services:
        if kinds:
            what = ctx.join([ctx.t(f"label_{k}") for k in kinds])
            return Answer(ctx.t("transport_none", what=what), intent="transport", confident=False)
        return None
    answers = [
        service_answer(ctx, runs, day, moment, wants_last=wants_last) for runs in services.values()
    ]
    return Answer(
        "\n\n".join(a.text for a in answers[:3]), intent="transport", title=answers[0].title
    )
