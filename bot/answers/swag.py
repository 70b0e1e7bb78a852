"""Swag: what there is, where, when, and who can get it."""

from __future__ import annotations

from bot.answers.base import Answer, Context
from bot.models import Swag
from bot.understand import Question

# Question words -> a word the matching items contain.
ITEM_WORDS = {
    "hoodie": ("hoodie", "hoody", "sweatshirt", "tumbler", "jacket", "후드", "후디", "텀블러"),
    "cert": (
        "certification",
        "certified",
        "cert",
        "sticker",
        "lego",
        "자격증",
        "스티커",
        "레고",
        "인증",
    ),
    "expo": ("expo", "booth", "booths", "socks", "엑스포", "부스"),
    "t-shirt": ("tshirt", "shirt", "tee", "티셔츠"),
}


def _pick(q: Question, items: list[Swag]) -> list[Swag]:
    """The items the question is about: those matching every clue, else any, else all."""
    clues = [key for key, words in ITEM_WORDS.items() if q.has(*words)]
    if not clues:
        return items
    texts = {s.id: f"{s.id} {s.item} {s.where} {s.eligible}".lower() for s in items}
    every = [s for s in items if all(c in texts[s.id] for c in clues)]
    some = [s for s in items if any(c in texts[s.id] for c in clues)]
    return every or some or items


def answer(q: Question, ctx: Context) -> Answer | None:
    day = q.when.day if q.when and q.when.day else ctx.today
    by_item: dict[str, list[Swag]] = {}
    for s in ctx.data.swag:
        by_item.setdefault(s.id.split("@")[0], []).append(s)
    if not by_item:
        return None
    groups = _pick(q, [v[0] for v in by_item.values()])
    lines = []
    for first in groups:
        records = by_item[first.id.split("@")[0]]
        line = f"*{first.item}*: {ctx.venue(first.venue, first.where)}."
        timed = [s for s in records if s.start]
        if timed:
            on_day = [s for s in timed if s.start.astimezone(ctx.zone).date() == day]
            if on_day:
                line += f" Open {ctx.day(day)} {ctx.span(on_day[0].start, on_day[0].end)}."
            else:
                later = [s for s in timed if s.start.astimezone(ctx.zone).date() > day]
                if later:
                    d = later[0].start.astimezone(ctx.zone).date()
                    line += f" Not open {ctx.day(day)}; next {ctx.day(d)} {ctx.span(later[0].start, later[0].end)}."
                else:
                    line += " No longer handed out: the last day has passed."
        line += f" Who: {first.eligible}."
        if first.notes:
            line += f" {first.notes}"
        lines.append(line)
    title = groups[0].item if len(groups) == 1 else "Swag"
    return Answer("\n".join(lines), intent="swag", title=title)
