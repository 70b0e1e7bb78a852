"""Venues: where a place is, what is there, and how to reach it."""

from __future__ import annotations

from bot.answers.base import Answer, Context, join
from bot.answers.schedule import describe
from bot.understand import Question


def answer(q: Question, ctx: Context) -> Answer | None:
    if not q.venues:
        return None
    lines = []
    for venue_id in q.venues[:2]:
        v = ctx.data.venue(venue_id)
        if v is None:
            continue
        line = f"*{v.name}*: {v.directions}".strip()
        if v.features:
            line += f"\nWhat's there: {join(list(v.features))}."
        if v.notes:
            line += f"\n{v.notes}"
        today = [
            i
            for i in ctx.data.schedule
            if i.venue == venue_id
            and i.start.astimezone(ctx.zone).date() == ctx.today
            and (i.end or i.start) >= ctx.now
        ]
        if today:
            line += "\nToday there: " + " ".join(describe(ctx, i, notes=False) for i in today[:3])
        lines.append(line)
    if not lines:
        return None
    return Answer("\n\n".join(lines), intent="venue", title=ctx.data.venue_name(q.venues[0]))
