"""Swag: what there is, where, when, and who can get it."""

from __future__ import annotations

from datetime import date

from bot.answers.base import Answer, Context
from bot.models import Swag


def groups(ctx: Context) -> dict[str, list[Swag]]:
    """Each swag item with its records (one per day when it has hours)."""
    by_item: dict[str, list[Swag]] = {}
    for s in ctx.data.swag:
        by_item.setdefault(s.id.split("@")[0], []).append(s)
    return by_item


def answer(ctx: Context, keys: list[str], day: date, venues: tuple[str, ...] = ()) -> Answer:
    """The named swag items (``keys``), or all of them."""
    by_item = groups(ctx)
    if not by_item:
        return Answer(ctx.t("swag_none"), intent="swag", confident=False)
    chosen = [by_item[k] for k in keys if k in by_item] or list(by_item.values())
    if venues:
        chosen = [g for g in chosen if any(s.venue in venues for s in g)] or chosen
    lines = [_line(ctx, records, day) for records in chosen]
    title = ctx.name(chosen[0][0], "item") if len(chosen) == 1 else "Swag"
    return Answer("\n".join(lines), intent="swag", title=title)


def _line(ctx: Context, records: list[Swag], day: date) -> str:
    first = records[0]
    place = ctx.venue(first.venue, ctx.text(first, "where"))
    line = ctx.t("swag_line", item=ctx.name(first, "item"), place=place or "?")
    timed = [s for s in records if s.start]
    if timed:
        on_day = [s for s in timed if ctx.local_day(s.start) == day]
        if on_day:
            line += " " + ctx.t(
                "swag_open_on", day=ctx.day(day), span=ctx.span(on_day[0].start, on_day[0].end)
            )
        else:
            later = [s for s in timed if ctx.local_day(s.start) > day]
            if later:
                nxt = ctx.day(ctx.local_day(later[0].start))
                line += " " + ctx.t(
                    "swag_next",
                    day=ctx.day(day),
                    next=nxt,
                    span=ctx.span(later[0].start, later[0].end),
                )
            else:
                line += " " + ctx.t("swag_over")
    who = ctx.text(first, "eligible")
    if who:
        line += " " + ctx.t("swag_who", who=who)
    note = ctx.text(first, "notes")
    if note:
        line += f" {note}"
    return line
