"""Time zones: '8 AM here is what time in Seoul?', 'time difference to New York'."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location

from bot.answers.base import Answer, Context
from bot.clock import When


def place(ctx: Context, zone: ZoneInfo) -> str:
    """'Seoul' / '서울': the zone's city in the asker's language (CLDR, through Babel)."""
    try:
        return get_timezone_location(zone.key, locale=ctx.cat.locale, return_city=True)
    except (LookupError, ValueError):
        return zone.key


def answer(ctx: Context, zone_name: str, when: When | None, given_in_zone: bool) -> Answer:
    """A time converted between the event's zone and another, or the difference now."""
    other = ZoneInfo(zone_name)
    event_place, other_place = place(ctx, ctx.zone), place(ctx, other)
    if when is not None and when.moment is not None:
        local = when.moment
        if given_in_zone:  # "8 AM Seoul time": the time is in the other zone
            moment = local.replace(tzinfo=other)
            src, dst, src_place, dst_place = other, ctx.zone, other_place, event_place
        else:
            moment = local.astimezone(ctx.zone)
            src, dst, src_place, dst_place = ctx.zone, other, event_place, other_place
        a, b = moment.astimezone(src), moment.astimezone(dst)
        there = f"{ctx.clock(b) if dst is ctx.zone else ctx.fmt.clock(b, dst)} {b.tzname()}"
        if b.date() != a.date():
            there += f" ({ctx.weekday(b.date())})"
        text = ctx.t(
            "tz_convert",
            time=f"{ctx.fmt.clock(a, src)} {a.tzname()}",
            from_place=src_place,
            other=there,
            to_place=dst_place,
        )
        return Answer(text, intent="timezone")
    now_here = ctx.now.astimezone(ctx.zone)
    now_there = ctx.now.astimezone(other)
    delta = (now_there.utcoffset() - now_here.utcoffset()).total_seconds() / 3600
    if delta == 0:
        text = ctx.t("tz_same", to_place=other_place, from_place=event_place)
    else:
        hours = f"{abs(delta):g}"
        text = ctx.t(
            "tz_difference",
            to_place=other_place,
            hours=ctx.t("tz_hours", n=hours),
            direction=ctx.t("tz_ahead" if delta > 0 else "tz_behind"),
            from_place=event_place,
            day=ctx.fmt.date(now_here.date()),
        )
    text += " " + ctx.t(
        "tz_now", time=f"{ctx.fmt.clock(now_there, other)} {now_there.tzname()}", place=other_place
    )
    return Answer(text, intent="timezone")
