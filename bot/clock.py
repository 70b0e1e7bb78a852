"""Event time: the clock the bot answers by, and times in what people type.

dateparser is the base for dates written out ("Nov 30", "12/1", "2023-11-30"). The
relative phrases people type in a hallway are read here first, because dateparser gets
several of them wrong: it loses the time in ``내일 오후 3시``, returns nothing for
``다음 주 월요일`` or ``내일 아침``, reads "Thursday at 5" as a date in May, and takes
"Monday" to mean next week's even during the event's own week.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.models import Event

LANGUAGES = ["en", "ko"]

Clock = Callable[[], datetime]


def system_clock(zone: ZoneInfo) -> Clock:
    return lambda: datetime.now(zone)


def fixed_clock(moment: datetime) -> Clock:
    if moment.tzinfo is None:
        raise ValueError("a clock needs a time-zone-aware time")
    return lambda: moment


def offset_clock(start: datetime) -> Clock:
    """A clock that starts at ``start`` and runs at real speed (demos, tests, --now)."""
    if start.tzinfo is None:
        raise ValueError("a clock needs a time-zone-aware time")
    offset = start - datetime.now(start.tzinfo)
    return lambda: datetime.now(start.tzinfo) + offset


def demo_clock(event: Event, real_clock: Clock) -> tuple[Clock, bool]:
    """A clock inside the event when the real date is outside it.

    The demo keeps the real weekday and time of day, moved into the event's week (or onto
    its first full day when the event has no such weekday), and then runs at real speed.
    Returns the clock and whether it is a demo.
    """
    zone = event.zone
    local = real_clock().astimezone(zone)
    if event.first_day <= local.date() <= event.last_day:
        return real_clock, False
    days = event.days()
    same_weekday = [d for d in days if d.weekday() == local.weekday()]
    day = same_weekday[0] if same_weekday else days[min(1, len(days) - 1)]
    offset = datetime.combine(day, local.time(), tzinfo=zone) - local
    return (lambda: real_clock().astimezone(zone) + offset), True


def parse_iso(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 time from the command line; a time without an offset is in the event zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def warm_up() -> None:
    """Pay dateparser's first-call cost (hundreds of ms) at start, not on a question."""
    dateparser.parse("tomorrow", languages=LANGUAGES)
    dateparser.parse("내일", languages=LANGUAGES)


# -- reading times in text ------------------------------------------------------------------

PARTS_OF_DAY = {
    "morning": (time(6), time(12)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(23, 59)),
    "night": (time(19), time(23, 59)),
}


@dataclass(frozen=True)
class When:
    """What a question says about time: a day, a moment, a part of the day, or now."""

    day: date | None = None
    moment: datetime | None = None
    part: str | None = None
    is_now: bool = False
    phrase: str = ""
    until: datetime | None = None  # "in the next 30 minutes": from ``moment`` (now) to this


WEEKDAYS_EN = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "wendsday": 2, "wensday": 2, "wednsday": 2, "thu": 3, "thur": 3,
    "thurs": 3, "thursday": 3, "thrusday": 3, "thursdy": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
WEEKDAYS_KO = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

_EN_WEEKDAY = re.compile(
    r"\b(?:(next|this|last|coming)\s+(?:week\s+)?)?("
    + "|".join(sorted(WEEKDAYS_EN, key=len, reverse=True))
    + r")(?:'?s)?\b"
)
_KO_WEEKDAY = re.compile(r"(다음\s*주|담주|이번\s*주|지난\s*주)?\s*([월화수목금토일])(?:요일|욜)")
_EN_RELATIVE_DAY = [
    (re.compile(r"\bday after tomorrow\b"), 2),
    (re.compile(r"\b(?:tomorrow|tomorow|tommorow|tommorrow|tomorro|tmrw|tmr|tmrrw)\b"), 1),
    (re.compile(r"\b(?:yesterday|yday)\b"), -1),
    (re.compile(r"\b(?:today|tonight|tonite|this (?:morning|afternoon|evening))\b"), 0),
]
_KO_RELATIVE_DAY = [
    (re.compile(r"내일\s*모레|모레"), 2),
    (re.compile(r"내일|낼"), 1),
    (re.compile(r"어제"), -1),
    (re.compile(r"오늘|금일|今日"), 0),
]
_NOW = re.compile(r"\b(?:right now|now|currently|at the moment|open now|atm)\b|지금|현재|당장")
_IN_DELTA = re.compile(
    r"\bin\s+(an?|half an|\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m)\b"
    r"|(\d+)\s*(시간|분)\s*(?:후|뒤|있다가)"
)
_WITHIN = re.compile(
    r"\b(?:in|within|during|over)\s+(?:the\s+)?next\s+(an?|half an|\d+(?:\.\d+)?)?\s*"
    r"(hours?|hrs?|h|minutes?|mins?|m)\b"
    r"|\bwithin\s+(an?|half an|\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m)\b"
    r"|(?:앞으로|향후)?\s*(\d+)\s*(시간|분)\s*(?:안에|이내|내에|내로|안으로)"
    r"|(?:앞으로|향후)\s*(\d+)\s*(시간|분)"
)
_EN_TIME = re.compile(
    r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])"
    r"|\b(?:at|@|around|by|after|before|from)\s+(\d{1,2})(?::(\d{2}))?\b(?!\s*(?:min|hour|hr|k\b|%))"
    r"|\b(noon|midday|midnight)\b"
)
_KO_TIME = re.compile(r"(오전|오후|아침|저녁|밤|새벽)?\s*(\d{1,2})\s*시\s*(?:(\d{1,2})\s*분|(반))?")
_EN_PART = re.compile(r"\b(morning|afternoon|evening|tonight|tonite|night)\b")
_KO_PART = {"아침": "morning", "오전": "morning", "새벽": "morning", "오후": "afternoon",
            "저녁": "evening", "밤": "night"}  # fmt: skip
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\b\d{1,2}/\d{1,2}\b"
    r"|\d{1,2}\s*월\s*\d{1,2}\s*일"
)


_ORDINAL = re.compile(r"\b(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b")
MONTHS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _written_date(phrase: str, now: datetime, event: Event | None) -> date | None:
    """A date written out: the common forms directly (fast), anything else via dateparser.

    A date without a year is in the event's year.
    """
    year = event.first_day.year if event is not None else now.year
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", phrase):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})", phrase):
            return date(year, int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일", phrase):
            return date(year, int(m[1]), int(m[2]))
        m = re.fullmatch(r"([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?", phrase)
        if m and m[1] in MONTHS:
            return date(year, MONTHS[m[1]], int(m[2]))
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3})[a-z]*", phrase)
        if m and m[2] in MONTHS:
            return date(year, MONTHS[m[2]], int(m[1]))
    except ValueError:  # 2/30, 13/1
        return None
    parsed = dateparser.parse(
        phrase,
        languages=LANGUAGES,
        settings={"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DAY_OF_MONTH": "first"},
    )
    if parsed is None:
        return None
    return parsed.date().replace(year=year) if not re.search(r"\d{4}", phrase) else parsed.date()


def _weekday_day(weekday: int, now: datetime, event: Event | None, modifier: str) -> date:
    today = now.date()
    if modifier in {"다음주", "담주", "next week"}:
        monday_next = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday_next + timedelta(days=weekday)
    if modifier in {"지난주", "last", "last week"}:
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if modifier in {"next", "coming"}:
        return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    # A bare weekday during a conference means that weekday of the conference week.
    if event is not None:
        for d in event.days():
            if d.weekday() == weekday and abs((d - today).days) <= 6:
                return d
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _hour_guess(hour: int) -> int:
    """A bare hour ("at 5", "5시"): conference hours run 7 AM to 11 PM."""
    return hour + 12 if 1 <= hour <= 6 else hour


def parse_when(text: str, now: datetime, event: Event | None = None) -> When | None:
    """Find a day, a time or a part of the day in ``text``, relative to ``now``.

    ``text`` should be lower-cased and normalized. Returns None when it says nothing of time.
    """
    zone = now.tzinfo
    day: date | None = None
    clock_time: time | None = None
    part: str | None = None
    phrases: list[str] = []

    m = _WITHIN.search(text)
    if m:
        amount_text, unit = next(
            (m.group(i), m.group(i + 1)) for i in (1, 3, 5, 7) if m.group(i + 1) is not None
        )
        amount = {"a": 1.0, "an": 1.0, "half an": 0.5, None: 1.0}.get(amount_text)
        amount = amount if amount is not None else float(amount_text)
        minutes = amount * (60 if unit.startswith("h") or unit == "시간" else 1)
        return When(
            day=now.date(),
            moment=now,
            phrase=m.group(0).strip(),
            until=now + timedelta(minutes=minutes),
        )

    m = _IN_DELTA.search(text)
    if m:
        if m.group(1):
            amount = {"a": 1.0, "an": 1.0, "half an": 0.5}.get(m.group(1)) or float(m.group(1))
            minutes = amount * (60 if m.group(2).startswith("h") else 1)
        else:
            minutes = float(m.group(3)) * (60 if m.group(4) == "시간" else 1)
        moment = now + timedelta(minutes=minutes)
        return When(day=moment.date(), moment=moment, phrase=m.group(0))

    for pattern, offset in _EN_RELATIVE_DAY + _KO_RELATIVE_DAY:
        m = pattern.search(text)
        if m:
            day = now.date() + timedelta(days=offset)
            phrases.append(m.group(0))
            break

    if day is None:
        m = _KO_WEEKDAY.search(text)
        if m:
            modifier = re.sub(r"\s", "", m.group(1) or "")
            day = _weekday_day(WEEKDAYS_KO[m.group(2)], now, event, modifier)
            phrases.append(m.group(0).strip())
    if day is None:
        m = _EN_WEEKDAY.search(text)
        if m:
            modifier = (m.group(1) or "") + (" week" if "week" in m.group(0) else "")
            day = _weekday_day(WEEKDAYS_EN[m.group(2)], now, event, modifier.strip())
            phrases.append(m.group(0))
    if day is None:
        m = _DATE.search(text) or _ORDINAL.search(text)
        if m:
            day = _written_date(m.group(0), now, event)
            if day is not None:
                phrases.append(m.group(0))

    m = _KO_TIME.search(text)
    if m:
        hour, minute = int(m.group(2)), int(m.group(3) or (30 if m.group(4) else 0))
        prefix = m.group(1)
        if prefix in {"오후", "저녁", "밤"} and hour < 12:
            hour += 12
        elif prefix is None:
            hour = _hour_guess(hour)
        if prefix in _KO_PART:
            part = _KO_PART[prefix]
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            clock_time = time(hour, minute)
            phrases.append(m.group(0).strip())
    if clock_time is None:
        m = _EN_TIME.search(text)
        if m:
            if m.group(6):
                clock_time = time(0) if m.group(6) == "midnight" else time(12)
            else:
                hour = int(m.group(1) or m.group(4))
                minute = int(m.group(2) or m.group(5) or 0)
                meridiem = (m.group(3) or "").replace(".", "")
                if meridiem == "pm" and hour < 12:
                    hour += 12
                elif meridiem == "am" and hour == 12:
                    hour = 0
                elif not meridiem:
                    hour = _hour_guess(hour)
                if 0 <= hour <= 23 and 0 <= minute <= 59:
                    clock_time = time(hour, minute)
            if clock_time is not None:
                phrases.append(m.group(0))

    if part is None:
        m = _EN_PART.search(text)
        if m:
            word = m.group(1)
            part = "evening" if word in {"tonight", "tonite"} else word
        else:
            for word, name in _KO_PART.items():
                if (
                    word in text
                    and not (word == "오전" and clock_time)
                    and not (word == "오후" and clock_time)
                ):
                    part = name
                    break
    if part and clock_time is None and part in {"afternoon", "evening", "night"} and not phrases:
        phrases.append(part)

    is_now = bool(_NOW.search(text)) and day is None and clock_time is None
    if day is None and clock_time is None and part is None and not is_now:
        return None
    if day is None:
        day = now.date()
    moment = datetime.combine(day, clock_time, tzinfo=zone) if clock_time else None
    return When(day=day, moment=moment, part=part, is_now=is_now, phrase=" ".join(phrases))


# -- showing times ------------------------------------------------------------------------------


def fmt_clock(moment: datetime) -> str:
    """'8:30 AM'."""
    return moment.strftime("%I:%M %p").lstrip("0")


def fmt_day(day: date) -> str:
    """'Tuesday, Nov 28'."""
    return f"{day.strftime('%A, %b')} {day.day}"


def fmt_time(moment: datetime, event_zone: ZoneInfo, asker_zone: ZoneInfo | None = None) -> str:
    """'8:30 AM PST', plus the asker's own time when their zone differs."""
    local = moment.astimezone(event_zone)
    text = f"{fmt_clock(local)} {local.tzname()}"
    if asker_zone is not None and asker_zone.key != event_zone.key:
        theirs = moment.astimezone(asker_zone)
        if theirs.utcoffset() != local.utcoffset():
            text += f" ({fmt_clock(theirs)} {theirs.tzname()}"
            if theirs.date() != local.date():
                text += f" on {theirs.strftime('%A')}"
            text += ")"
    return text


def fmt_span(
    start: datetime, end: datetime | None, event_zone: ZoneInfo, asker_zone: ZoneInfo | None = None
) -> str:
    """'11:00 AM - 2:00 PM PST' with the asker's zone after it when it differs."""
    local = start.astimezone(event_zone)
    if end is None:
        return fmt_time(start, event_zone, asker_zone)
    text = f"{fmt_clock(local)} - {fmt_clock(end.astimezone(event_zone))} {local.tzname()}"
    if asker_zone is not None and asker_zone.key != event_zone.key:
        a, b = start.astimezone(asker_zone), end.astimezone(asker_zone)
        if a.utcoffset() != local.utcoffset():
            text += f" ({fmt_clock(a)} - {fmt_clock(b)} {a.tzname()}"
            if a.date() != local.date():
                text += f" on {a.strftime('%A')}"
            text += ")"
    return text
