"""Places people name when they ask about time: "8 AM in Seoul", "Korea time", "KST", "뉴욕 시간".

City names come from Babel's CLDR data (the exemplar city of every IANA zone, in each
language the bot speaks), countries with a single zone from CLDR's territory names, and
abbreviations from zoneinfo itself where one abbreviation means one offset. Built once, on
the first question that needs it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from bot.lang import catalogs
from bot.understanding.normalize import normalize

REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
           "Indian/", "Pacific/")  # fmt: skip


@cache
def zone_names() -> dict[str, str]:
    """Lower-case place name or abbreviation -> IANA zone."""
    aliases = get_global("zone_aliases")
    zones = sorted(z for z in available_timezones() if z.startswith(REGIONS) and z not in aliases)
    locales = [Locale.parse(c.locale) for c in catalogs()]
    names: dict[str, str] = {}
    for cat in catalogs():  # everyday names the catalogs add ("east coast", "한국")
        for place, zone in cat.zones.items():
            names[normalize(place)] = zone
    for zone in zones:
        for locale in locales:
            try:
                city = get_timezone_location(zone, locale=locale, return_city=True)
            except (LookupError, ValueError):
                continue
            names.setdefault(normalize(city), zone)
        names.setdefault(normalize(zone.rsplit("/", 1)[-1].replace("_", " ")), zone)
    territory_zones = get_global("territory_zones")
    for code, tz_list in territory_zones.items():
        if len(tz_list) != 1:
            continue
        for locale in locales:
            name = locale.territories.get(code)
            if name:
                names.setdefault(normalize(name), tz_list[0])
                if name.lower().startswith("south "):  # "Korea" for "South Korea"
                    names.setdefault(normalize(name[6:]), tz_list[0])
    # Abbreviations: one that means one offset is safe; one that means several ("CST": US
    # Central and China) is read as the zone of a country where the catalogs' languages live.
    home = {
        zone
        for cat in catalogs()
        for zone in territory_zones.get(
            get_global("likely_subtags").get(cat.locale, "").rsplit("_", 1)[-1], []
        )
    }
    offsets: dict[str, dict] = {}
    now = datetime.now(UTC)
    for zone in zones:
        for month in (1, 7):
            local = now.replace(month=month, day=15).astimezone(ZoneInfo(zone))
            abbr = local.tzname() or ""
            if re.fullmatch(r"[A-Z]{3,4}", abbr):
                offsets.setdefault(abbr, {}).setdefault(local.utcoffset(), []).append(zone)
    for abbr, by_offset in offsets.items():
        candidates = [z for group in by_offset.values() for z in group]
        preferred = [z for z in candidates if z in home]
        if len(by_offset) == 1 or preferred:
            names.setdefault(abbr.lower(), (preferred or candidates)[0])
    names.setdefault("utc", "UTC")
    names.setdefault("gmt", "UTC")
    return names


def find_zone(text: str) -> tuple[str, str] | None:
    """(zone, the words that named it) for the first place or abbreviation in ``text``."""
    names = zone_names()
    words = re.findall(r"\w+", text)
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if phrase in names:
                return names[phrase], phrase
            # Korean: the place with a particle or 시간 attached (서울시간, 뉴욕은)
            if size == 1 and not phrase.isascii():
                for cut in range(len(phrase) - 1, 1, -1):
                    if phrase[:cut] in names:
                        return names[phrase[:cut]], phrase
    return None
