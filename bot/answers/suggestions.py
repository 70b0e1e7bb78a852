"""Examples and leads built from the loaded event's own items, in the asker's language.

Every suggestion is a question the bot answers (a test asks each one back), so "I don't
know" never points at something it cannot answer either.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from wordfreq import zipf_frequency

from bot.answers.base import Answer, Context
from bot.models import EventData, ScheduleItem
from bot.understanding import Question
from bot.understanding.normalize import normalize
from bot.understanding.vocabulary import item_group

NOTABLE = ("keynote", "party", "reception", "activity", "expo", "run", "lounge", "sessions")


class Suggestions:
    """Questions worth asking about one event."""

    def __init__(self, data: EventData):
        self.data = data
        self._first: dict[str, ScheduleItem] | None = None

    def _examples(self, ctx: Context) -> list[tuple[str, str]]:
        """(topic, question) pairs, most useful first."""
        data, out = self.data, []
        kinds = {m.kind for m in data.meals}
        for kind in ("lunch", "breakfast", "coffee", "dinner"):
            if kind in kinds:
                meal = ctx.t(f"label_{kind}")
                out.append(
                    (
                        "meals",
                        ctx.t("suggest_meal", meal=meal.lower() if ctx.language == "en" else meal),
                    )
                )
                break
        # a service the event runs between two of its venues, shuttles first
        shuttles = sorted(
            (t for t in data.transport if len(t.stops) >= 2),
            key=lambda t: (t.kind not in {"shuttle", "bus"}, t.kind in {"taxi", "rideshare"}),
        )
        if shuttles:
            s = shuttles[0]
            out.append(
                (
                    "transport",
                    ctx.t(
                        "suggest_route",
                        service=ctx.name(s, "name"),
                        a=ctx.venue_name(s.stops[0]),
                        b=ctx.venue_name(s.stops[1]),
                    ),
                )
            )
        seen: set[str] = set()
        upcoming = [i for i in data.schedule if (i.end or i.start) >= ctx.now] or data.schedule
        for kind in NOTABLE:
            for item in upcoming:
                if item.kind != kind or _generic(item.title):  # "When is Talks?" helps nobody
                    continue
                if item_group(item.kind, item.title) not in seen:
                    seen.add(item_group(item.kind, item.title))
                    out.append((kind, ctx.t("suggest_when", title=_title(ctx, item))))
                    break
        for item in upcoming:
            if item.kind == "facility" and item_group(item.kind, item.title) not in seen:
                seen.add(item_group(item.kind, item.title))
                out.append(("facility", ctx.t("suggest_where", title=_title(ctx, item))))
                break
        if data.swag:
            out.append(("swag", ctx.t("suggest_where", title=_title(ctx, data.swag[0], "item"))))
        out.append(("agenda", ctx.t("suggest_now")))
        for entry in data.faq[:2]:
            out.append(("faq", ctx.text(entry, "question")))
        return out

    def defaults(self, language: str = "en", limit: int = 3) -> list[str]:
        ctx = Context(self.data, datetime.now(UTC), language=language)
        return [q for _, q in self._examples(ctx)][:limit]

    def leads(self, ctx: Context, q: Question) -> list[str]:
        """Three questions near what was asked: the items it half-named, then its topic,
        then the event's most useful examples."""
        leads: list[str] = []
        if self._first is None:  # a catalog's thousands of sessions: look each up once
            self._first = {}
            for i in self.data.schedule:
                self._first.setdefault(item_group(i.kind, i.title), i)
        for m in q.mentions:
            if m.ref.kind == "item" and len(leads) < 3:
                item = self._first.get(m.ref.key)
                if item is not None:
                    leads.append(ctx.t("suggest_when", title=_title(ctx, item)))
        examples = self._examples(ctx)
        topics = {h.name for h in q.concepts}
        leads += [text for topic, text in examples if topic in topics]
        leads += [text for _, text in examples]
        return list(dict.fromkeys(leads))[:3]

    def help(self, ctx: Context) -> Answer:
        examples = [text for _, text in self._examples(ctx)][:6]
        lines = [ctx.t("help_intro", event=ctx.text(self.data.event, "name"))]
        lines += [f"• _{e}_" for e in examples]
        lines.append(ctx.t("help_more"))
        return Answer(
            "\n".join(lines), intent="help", suggestions=examples[:3], language=ctx.language
        )


@lru_cache(maxsize=4096)
def _generic(title: str) -> bool:
    """A title made only of everyday words ("Talks", "Lunch", "Expo")."""
    words = normalize(title).split()
    return len(words) <= 1 and all(zipf_frequency(w, "en") >= 4.0 for w in words)


def _title(ctx: Context, record: ScheduleItem | object, field: str = "title") -> str:
    return ctx.name(record, field)
