"""Did-you-mean for names typed on the command line: campaigns, time zones.

difflib (the standard library) rather than rapidfuzz: the lists are small (a few campaigns,
about 600 zone names), so speed does not matter, and its ratio already forgives a dropped,
doubled or swapped letter ('Asia/Seol', 'Cloud Credit $50'). understand.py uses it too, so
this adds no dependency.
"""

from __future__ import annotations

import difflib
import zoneinfo
from collections.abc import Iterable
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def closest(word: str, choices: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The choice most like ``word``, ignoring case and spacing, or None if none is close."""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(_key(choice), choice)
    found = difflib.get_close_matches(_key(word), list(by_key), n=1, cutoff=cutoff)
    return by_key[found[0]] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "did you mean 'X'?", or '' when nothing is close."""
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else ""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not a time zone (with the nearest real one), or None when it is."""
    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError):
        pass
    hint = did_you_mean(name, _zone_names()) or "use a name like Asia/Seoul or America/New_York"
    return f"'{name}' is not a time zone name: {hint}"
