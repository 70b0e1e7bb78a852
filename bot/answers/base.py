"""What every topic shares: the Answer, the context it is computed in, and how times read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.clock import fmt_day, fmt_span, fmt_time
from bot.models import EventData


@dataclass
class Answer:
    """An answer as a person reads it, plus what the surfaces need to show it well."""

    text: str
    intent: str
    confident: bool = True
    suggestions: list[str] = field(default_factory=list)
    title: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confident": self.confident,
            "suggestions": self.suggestions,
        }


TimeFormatter = Callable[[datetime], str]


@dataclass
class Context:
    """Everything a topic needs to answer: the event, the time now and the asker's zone.

    ``now`` is in UTC, like every instant the store returns (fast to compare); ``today``
    and everything shown are in the event's zone. ``moment_formatter`` renders one time;
    surfaces swap it (Slack shows each reader's own time).
    """

    data: EventData
    now: datetime
    asker_zone: ZoneInfo | None = None
    moment_formatter: TimeFormatter | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.data.event.zone

    def __post_init__(self) -> None:
        self.now = self.now.astimezone(UTC)
        self.today = self.now.astimezone(self.zone).date()

    def time(self, moment: datetime) -> str:
        if self.moment_formatter is not None:
            return self.moment_formatter(moment)
        return fmt_time(moment, self.zone, self.asker_zone)

    def span(self, start: datetime, end: datetime | None) -> str:
        if self.moment_formatter is not None:
            if end is None:
                return self.moment_formatter(start)
            return f"{self.moment_formatter(start)} - {self.moment_formatter(end)}"
        return fmt_span(start, end, self.zone, self.asker_zone)

    def day(self, day: date) -> str:
        """'today (Tuesday, Nov 28)', 'tomorrow (…)', or 'on Thursday, Nov 30'."""
        delta = (day - self.today).days
        if delta == 0:
            return f"today ({fmt_day(day)})"
        if delta == 1:
            return f"tomorrow ({fmt_day(day)})"
        if delta == -1:
            return f"yesterday ({fmt_day(day)})"
        return f"on {fmt_day(day)}"

    def venue(self, venue_id: str | None, where: str = "") -> str:
        name = self.data.venue_name(venue_id)
        if name and where and where.lower() not in name.lower():
            return f"{name} ({where})"
        return name or where or "the venue"


def join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
