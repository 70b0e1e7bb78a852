"""What every answer shares: the Answer, the context it is computed in (the event, the
time, the asker's language and zone), and how names, times and days read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.lang import Catalog, catalog
from bot.lang.format import Formatter, Markup
from bot.models import EventData, translated

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Answer:
    """An answer as a person reads it, plus what the surfaces need to show it well."""

    text: str
    intent: str
    confident: bool = True
    suggestions: list[str] = field(default_factory=list)
    title: str = ""
    language: str = "en"
    # The schedule items a list answer is about, in order (ids): surfaces that can page
    # (Slack's "More") show them a few at a time, with buttons for each.
    items: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confident": self.confident,
            "suggestions": self.suggestions,
        }


@dataclass
class Context:
    """Everything an answer needs: the event, the time now, the asker's language and zone.

    ``now`` is in UTC, like every instant the store returns (fast to compare); ``today``
    and everything shown are in the event's zone.
    """

    data: EventData
    now: datetime
    asker_zone: ZoneInfo | None = None
    language: str = "en"
    markup: Markup | None = None

    def __post_init__(self) -> None:
        self._zone = self.data.event.zone  # once: answers ask for it thousands of times
        self.now = self.now.astimezone(UTC)
        self.today = self.now.astimezone(self._zone).date()
        self.cat: Catalog = catalog(self.language)
        self.fmt = Formatter(self.cat, self.zone, self.asker_zone, self.markup)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def t(self, key: str, **values: object) -> str:
        return self.cat.t(key, **values)

    def time(self, moment: datetime) -> str:
        return self.fmt.time(moment)

    def clock(self, moment: datetime) -> str:
        return self.fmt.clock(moment)

    def span(self, start: datetime, end: datetime | None) -> str:
        return self.fmt.span(start, end)

    def day(self, day: date) -> str:
        """'today (Tuesday, Nov 28)', 'tomorrow (…)', or 'on Thursday, Nov 30'."""
        return self.fmt.day(day, self.today)

    def weekday(self, day: date) -> str:
        return self.fmt.weekday(day)

    def join(self, items: list[str]) -> str:
        return self.fmt.join(items)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    # -- names, in the asker's language ---------------------------------------------------

    def text(self, record: object, name: str) -> str:
        """A record's text field in the asker's language, when the event gives it."""
        return translated(record, name, self.language)

    def name(self, record: object, name: str = "title") -> str:
        """What to call a record: its name in the asker's language (the `_ko` field, else its
        first alias in that script), else its name as written."""
        given = getattr(record, name)
        if self.language == "en":
            return given
        own = (getattr(record, "translations", None) or {}).get(self.language, {}).get(name)
        if own:
            return own
        script = self.cat.script
        if script is not None:
            for alias in getattr(record, "aliases", ()):
                if script.search(alias):
                    return alias
        return given

    def venue_name(self, venue_id: str | None) -> str:
        v = self.data.venue(venue_id)
        return self.name(v, "name") if v else ""

    def venue(self, venue_id: str | None, where: str = "") -> str:
        """'The Venetian (Keynote hall)', or just one of the two."""
        name = self.venue_name(venue_id)
        if name and where and where.lower() not in name.lower():
            return f"{name} ({where})"
        return name or where


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
