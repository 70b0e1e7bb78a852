"""What both loaders share: the error they raise and how they read times and names."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

ESTIMATE_NOTE = "(Time is an estimate, not an official figure.)"


class LoadError(Exception):
    """A file that cannot be loaded, with where and why, in words an organizer can act on."""

    def __init__(self, file: str, where: str, field: str | None, problem: str):
        self.file, self.where, self.field, self.problem = file, where, field, problem
        at = f"{where}, field '{field}'" if field else where
        super().__init__(f"{file}: {at}: {problem}")


def slug(text: str) -> str:
    """A stable id from a name: lower case, ASCII letters, digits and dashes (Hangul kept)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return text[:80] or "item"


_CLOCK = re.compile(
    r"^\s*(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?\s*$|^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*$",
    re.I,
)


def parse_clock(value: object) -> time:
    """'07:00', '7:00 AM', '7 PM', '19:30' or a TOML time -> a time of day."""
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        raise ValueError(f"expected a time like '7:00 AM' or '19:30', got {value!r}")
    m = _CLOCK.match(value)
    if not m:
        raise ValueError(f"'{value}' is not a time like '7:00 AM' or '19:30'")
    if m.group(4):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            raise ValueError(f"'{value}': the hour must be 1 to 12 with AM/PM")
        hour = hour % 12 + (12 if m.group(4).lower() == "p" else 0)
    else:
        hour, minute = int(m.group(5)), int(m.group(6))
    if hour > 23 or minute > 59:
        raise ValueError(f"'{value}' is not a valid time of day")
    return time(hour, minute)


def parse_day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2023-11-28, got {value!r}")


def parse_moment(value: object, zone: ZoneInfo) -> datetime:
    """A TOML datetime or an ISO string; without an offset it is in the event's zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"expected a date and time like 2023-11-27T19:30, got {value!r}"
            ) from None
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    raise ValueError(f"expected a date and time like 2023-11-27T19:30, got {value!r}")


def span_on(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A start and end on one day; an end at or before the start is past midnight."""
    first = datetime.combine(day, start, tzinfo=zone)
    last = datetime.combine(day, end, tzinfo=zone)
    if last <= first:
        last += timedelta(days=1)
    return first, last


def with_estimate(notes: str, estimate: bool) -> str:
    if not estimate or ESTIMATE_NOTE in notes:
        return notes
    return f"{notes} {ESTIMATE_NOTE}".strip()


def choice(value: str, valid: tuple[str, ...], what: str = "value") -> str:
    """``value`` when it is one of ``valid``, else a ValueError that names the valid ones and
    the nearest ('keynot': did you mean 'keynote'?). rapidfuzz's ratio finds the nearest; it
    is the same library the answers use for typos."""
    key = value.strip().lower()
    if key in valid:
        return key
    listed = ", ".join(valid)
    best = process.extractOne(key, valid, scorer=fuzz.ratio, score_cutoff=60)
    hint = f": did you mean '{best[0]}'?" if best else ""
    raise ValueError(f"'{value}' is not a known {what}{hint} (valid: {listed})")
