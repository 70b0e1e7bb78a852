"""Times, days, spans and lists as a reader of one language expects them, through Babel.

Every time is shown in the event's zone with its abbreviation, then in the asker's own zone
when it differs ("8:30 AM PST (1:30 AM KST on Friday)"). Surfaces that can show each reader
their own time (Slack's date tokens) pass a ``markup`` function that wraps the asker's part.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.lists import format_list

from bot.lang import Catalog

# Slack's rule: escape exactly these three, and nothing else (other entities show as typed).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape_mrkdwn(text: str) -> str:
    """``text`` shown literally in mrkdwn, the markup answers are written in: ``&``, ``<``
    and ``>`` escaped, so no mention, channel ping, channel link or disguised link a person
    wrote in it is live.

    Plain ``@here`` or ``@channel`` typed as words stay words: the bot posts without
    ``link_names``, so Slack does not turn them into pings.
    """
    return text.translate(_ESCAPES)


# (the moments with their plain text in the asker's zone, the event-zone text, the label for
# "your time") -> what to show. Slack turns the moments into <!date^…> tokens that each
# reader sees in their own zone.
Markup = Callable[[list[tuple[datetime, str]], str, str], str]

ALL_DAY = (time(0), time(23, 59))


class Formatter:
    """Shows moments in one language, in the event's zone and the asker's."""

    def __init__(
        self,
        cat: Catalog,
        event_zone: ZoneInfo,
        asker_zone: ZoneInfo | None = None,
        markup: Markup | None = None,
    ):
        self.cat = cat
        self.locale = cat.locale
        self.event_zone = event_zone
        self.asker_zone = asker_zone
        self.markup = markup

    # -- the pieces ------------------------------------------------------------------------

    def clock(self, moment: datetime, zone: ZoneInfo | None = None) -> str:
        """'8:30 AM' / '오전 8:30' in ``zone`` (the event's by default), no zone name."""
        local = moment.astimezone(zone or self.event_zone)
        return _time(local.replace(tzinfo=None), self.cat.formats["time"], self.locale)

    def date(self, day: date) -> str:
        """'Tuesday, Nov 28' / '11월 28일 (화)'."""
        return _date(day, self.cat.formats["day"], self.locale)

    def weekday(self, day: date) -> str:
        return _date(day, self.cat.formats["weekday"], self.locale)

    def join(self, items: list[str]) -> str:
        """'a, b and c' in the reader's language (Babel's list patterns)."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        if self.locale == "en":  # Babel's English adds the serial comma; our sentences don't
            return ", ".join(items[:-1]) + " and " + items[-1]
        return format_list(items, locale=self.locale)

    def _differs(self, moment: datetime) -> bool:
        zone = self.asker_zone
        return (
            zone is not None
            and zone.key != self.event_zone.key
            and moment.astimezone(zone).utcoffset()
            != moment.astimezone(self.event_zone).utcoffset()
        )

    # -- what answers use ------------------------------------------------------------------

    def _marked(self, moments: list[datetime], text: str) -> str | None:
        """The reader's own time through the surface's markup, when there is one and the
        asker's zone is unknown or differs."""
        if self.markup is None or (self.asker_zone is not None and not self._differs(moments[0])):
            return None
        zone = self.asker_zone or self.event_zone
        plain = [(m, f"{self.clock(m, zone)} {m.astimezone(zone).tzname()}") for m in moments]
        return self.markup(plain, text, self.cat.t("asker_token"))

    def time(self, moment: datetime) -> str:
        """'8:30 AM PST', plus the asker's own time when their zone differs."""
        local = moment.astimezone(self.event_zone)
        text = self.cat.t("zone_time", time=self.clock(local), zone=local.tzname())
        marked = self._marked([moment], text)
        if marked is not None:
            return marked
        if not self._differs(moment):
            return text
        theirs = moment.astimezone(self.asker_zone)
        values = {"time": self.clock(theirs, self.asker_zone), "zone": theirs.tzname()}
        if theirs.date() != local.date():
            part = self.cat.t("asker_other_day", weekday=self.weekday(theirs.date()), **values)
        else:
            part = self.cat.t("asker_same_day", **values)
        return text + part

    def span(self, start: datetime, end: datetime | None) -> str:
        """'11:00 AM - 2:00 PM PST'; 'all day'; both days named when it runs past midnight."""
        if end is None:
            return self.time(start)
        local_start, local_end = start.astimezone(self.event_zone), end.astimezone(self.event_zone)
        if (local_start.time(), local_end.time()) == ALL_DAY:
            return self.cat.t("all_day")
        zone = local_start.tzname()
        text = self._range(local_start, local_end, self.event_zone)
        text = self.cat.t("zone_time", time=text, zone=zone)
        marked = self._marked([start, end], text)
        if marked is not None:
            return marked
        if not self._differs(start):
            return text
        a, b = start.astimezone(self.asker_zone), end.astimezone(self.asker_zone)
        theirs = self._range(a, b, self.asker_zone)
        values = {"time": theirs, "zone": a.tzname()}
        if a.date() != local_start.date():
            part = self.cat.t("asker_other_day", weekday=self.weekday(a.date()), **values)
        else:
            part = self.cat.t("asker_same_day", **values)
        return text + part

    def _range(self, start: datetime, end: datetime, zone: ZoneInfo) -> str:
        first, last = self.clock(start, zone), self.clock(end, zone)
        days = (end.date() - start.date()).days
        if days == 0 or (days == 1 and end.time() == time(0)):
            return self.cat.t("span", start=first, end=last)
        if days == 1:
            return self.cat.t(
                "span_end_day", start=first, end=last, weekday=self.weekday(end.date())
            )
        return self.cat.t(
            "span_two_days",
            start=first,
            end=last,
            first=self.date(start.date()),
            second=self.date(end.date()),
        )

    def day(self, day: date, today: date) -> str:
        """'today (Tuesday, Nov 28)', 'tomorrow (…)', 'yesterday (…)' or 'on Thursday, Nov 30'."""
        delta = (day - today).days
        key = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(delta, "on_day")
        return self.cat.t(key, day=self.date(day))


# An event has a few hundred distinct times and days, asked about again and again: Babel
# formats each once (the wall-clock time is formatted; the zone is named separately).
@lru_cache(maxsize=8192)
def _time(wall: datetime, pattern: str, locale: str) -> str:
    return format_time(wall, pattern, locale=locale)


@lru_cache(maxsize=4096)
def _date(day: date, pattern: str, locale: str) -> str:
    return format_date(day, pattern, locale=locale)
