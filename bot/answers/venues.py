"""Venues: where a place is, what is there, and what is on there today."""

from __future__ import annotations

from bot.answers.base import Answer, Context
from bot.answers.items import describe


def answer(ctx: Context, venue_ids: tuple[str, ...]) -> Answer | None:
    lines = []
    for venue_id in venue_ids[:2]:
        v = ctx.data.venue(venue_id)
        if v is None:
            continue
        directions = ctx.text(v, "directions")
        line = ctx.t("venue_line", name=ctx.venue_name(venue_id), directions=directions)
        line = line.rstrip(": ")
        if v.features:
            line += "\n" + ctx.t("venue_features", features=ctx.join(list(v.features)))
        note = ctx.text(v, "notes")
        if note:
            line += f"\n{note}"
        today = [
            i
            for i in ctx.data.schedule
            if i.venue == venue_id
            and ctx.local_day(i.start) == ctx.today
            and (i.end or i.start) >= ctx.now
        ]
        if today:
            line += f"\n{ctx.t('venue_today')} " + " ".join(
                describe(ctx, i, notes=False) for i in today[:3]
            )
        lines.append(line)
    if not lines:
        return None
    return Answer("\n\n".join(lines), intent="venue", title=ctx.venue_name(venue_ids[0]))


def place(ctx: Context, venue_id: str | None, where: str, there: list, when) -> Answer:
    """A place inside a venue ('Main Hall (3F)'): where it is, and what is on there."""
    from bot.answers.items import during, window

    name = ctx.venue_name(venue_id)
    text = ctx.t("place_line", where=where, venue=name) if name else f"*{where}*"
    if when is not None and (when.phrase or when.part) and not when.is_now:
        lo, hi = window(ctx, when)
        shown = during(there, lo, hi)
    else:
        shown = [i for i in there if (i.end or i.start) >= ctx.now]
        if shown:
            first_day = ctx.local_day(shown[0].start)
            shown = [i for i in shown if ctx.local_day(i.start) == first_day]
    if shown:
        text += "\n" + "\n".join(describe(ctx, i, notes=False) for i in shown[:6])
    return Answer(text, intent="venue", title=where)
