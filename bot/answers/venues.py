"""Venues: where a place is, what is there, and what is on there today."""

from __future__ import annotations

from bot.answers.base import Answer, Context
from bot.answers.items import describe
from bot.answers.transport import nearest_runs


def answer(ctx: Context, venue_ids: tuple[str, ...]) -> Answer | None:
    """Where each place is and what is on there today. Of a place the event only names (no
    directions, features or notes; an agenda CSV's venues), it says so, then what it does
    know: what is on there next and what stops there; not confident, as it is not where."""
    texts = []
    located = False
    for venue_id in venue_ids[:2]:
        v = ctx.data.venue(venue_id)
        if v is None:
            continue
        name = ctx.venue_name(venue_id)
        directions, note = ctx.text(v, "directions"), ctx.text(v, "notes")
        said = bool(directions or v.features or note)
        located |= said
        lines = [ctx.t("venue_line", name=name, directions=directions).rstrip(": ")]
        if not said:
            lines = [ctx.t("venue_unknown", venue=name)]
        if v.features:
            lines.append(ctx.t("venue_features", features=ctx.join(list(v.features))))
        if note:
            lines.append(note)
        upcoming = [
            i for i in ctx.data.schedule if i.venue == venue_id and (i.end or i.start) >= ctx.now
        ]
        today = [i for i in upcoming if ctx.local_day(i.start) == ctx.today]
        if today:
            lines.append(
                f"{ctx.t('venue_today')} "
                + " ".join(describe(ctx, i, notes=False) for i in today[:3])
            )
        elif upcoming and not said:
            lines.append(
                f"{ctx.t('venue_next')} "
                + " ".join(describe(ctx, i, notes=False) for i in upcoming[:2])
            )
        if not said:
            for run in nearest_runs(ctx, ctx.today, [venue_id], [])[:2]:
                span = ctx.span(run.first_run, run.last_run)
                name_ = ctx.name(run, "name")
                lines.append(
                    ctx.t("service_stops_here", name=name_, day=ctx.day(run.day), span=span)
                )
        texts.append("\n".join(lines))
    if not texts:
        return None
    title = ctx.venue_name(venue_ids[0])
    return Answer("\n\n".join(texts), intent="venue", title=title, confident=located)


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
