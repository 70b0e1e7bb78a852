"""What an agenda row's title is, read with the same lexicon the bot reads questions with
(no second word list): a meal, a transport service, swag, or a schedule item of some kind.

The head of a title decides: its last word that names a concept ("Campus shuttle" is a
shuttle, "Tram tour" is an activity, "Coffee networking social" a reception). A title is a
meal only when every word of it is about food ("Lunch", "Coffee break", "Grab-and-go
lunch"): "PyLadies lunch" and "Speakers' dinner" are schedule items people find by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.lang import catalogs
from bot.understanding.lexicon import CONCEPTS, Lexicon
from bot.understanding.normalize import normalize
from bot.understanding.words import WordReader

FOOD_WORDS = {"food", "breakfast", "lunch", "dinner", "coffee", "snacks", "drinks"}


@dataclass(frozen=True)
class Kind:
    record: str  # meal | transport | swag | schedule
    kind: str  # the meal, transport or schedule kind
    rest: str = ""  # the title's other words ("re:Play" in "re:Play shuttle buses")


@cache
def _tools() -> tuple[Lexicon, WordReader, frozenset[str]]:
    lexicon = Lexicon()
    plain = frozenset().union(*(c.plain for c in catalogs()))
    return lexicon, WordReader(lexicon.words), plain


def classify(title: str) -> Kind:
    lexicon, reader, plain = _tools()
    text = normalize(title)
    words = reader.words(text)
    hits = lexicon.concept_hits(text, words)
    if not hits:  # "Streaming pipelines with Kafka — Sam Lee": a talk, by its byline
        return Kind("schedule", "sessions" if byline(title) else "other", title)
    things = [h for h in hits if CONCEPTS[h.name][0] not in {"venue", "agenda", "speaker"}]
    head = max(things or hits, key=lambda h: (max(h.words), len(h.words)))
    topic, kind = CONCEPTS[head.name]
    covered = set().union(*(h.words for h in hits))
    others = [w for i, w in enumerate(words) if i not in covered and w.word not in plain]
    # What the title says besides its head ("replay" in "re:Play shuttle buses", "party" in
    # "Party buses"): what a service serves, a keynote's speaker.
    rest = " ".join(
        w.typed for i, w in enumerate(words) if i not in head.words and w.word not in plain
    )
    if topic == "meals":
        about = [h for h in hits if CONCEPTS[h.name][0] not in {"venue", "agenda"}]
        if all(h.name in FOOD_WORDS or h.name == "food" for h in about) and not others:
            meal = next((CONCEPTS[h.name][1] for h in about if CONCEPTS[h.name][1]), "lunch")
            return Kind("meal", meal)
        return Kind("schedule", "other", rest)
    if topic == "transport" and kind not in (None, "walk"):
        return Kind("transport", kind, rest)
    if topic == "swag":
        return Kind("swag", "swag", rest)
    if topic == "schedule":
        return Kind("schedule", kind or "other", rest)
    return Kind("schedule", "other", rest)


_FREQUENCY = [
    re.compile(r"every\s+(\d{1,3})\s*(?:minutes?|mins?|m)\b", re.I),
    re.compile(r"(\d{1,3})[\s-]*(?:minutes?|mins?)\s+(?:intervals?|apart|frequency)", re.I),
    re.compile(r"(\d{1,3})\s*분\s*(?:간격|마다|에 한 대|에 한 번)"),
]
# Said in words: "every quarter hour", "every half hour", "twice an hour", "hourly".
_FREQUENCY_WORDS = [
    (re.compile(r"every\s+quarter[\s-]+(?:of\s+an\s+)?hour|four\s+times\s+an\s+hour", re.I), 15),
    (re.compile(r"every\s+half[\s-]+(?:an\s+)?hour|twice\s+an\s+hour", re.I), 30),
    (re.compile(r"\bhourly\b|every\s+hour\b|한 시간(?:마다| 간격)", re.I), 60),
]


def frequency(notes: str) -> int | None:
    """'Every 15 minutes', '10-minute intervals', 'every half hour', '15분 간격': how often a
    service runs, when the notes say."""
    for pattern in _FREQUENCY:
        m = pattern.search(notes)
        if m:
            return int(m.group(1))
    for pattern, minutes in _FREQUENCY_WORDS:
        if pattern.search(notes):
            return minutes
    return None


# "Streaming pipelines with Kafka — Sam Lee", "Panel — Maya Cohen and Tomás Ortega": a talk
# and who gives it, after a dash at the end of the title (capitalized names, 2-4 words each)
_NAME = r"[^\W\d_][\w'.-]*(?:\s+(?:[a-z]{1,3}\s+)?[^\W\d_][\w'.-]*){1,3}"
_BYLINE = re.compile(rf"\s[—–-]\s*((?:{_NAME})(?:\s*(?:,|and|&)\s*{_NAME})*)\s*$")


def byline(title: str) -> str:
    """The people a title ends with, after a dash ('… — Sam Lee'), or ''."""
    m = _BYLINE.search(title)
    if not m:
        return ""
    names = re.split(r"\s*(?:,|\band\b|&)\s*", m.group(1))
    return m.group(1).strip() if all(_looks_like_a_name(n) for n in names) else ""


_PARTICLES = {"de", "da", "do", "dos", "van", "von", "der", "den", "le", "la", "di", "bin", "al"}


def _looks_like_a_name(text: str) -> bool:
    """'Sam Lee', 'Ji-woo Kim', 'Ana de la Cruz': capitalized words, two or more, none a
    lone letter or a number ('Hall A', 'all day', 'Level 1' are not people)."""
    words = text.split()
    named = [w for w in words if w.lower() not in _PARTICLES]
    return len(named) >= 2 and all(
        w[0].isupper() and (len(w) > 1 and not w.isupper() or w.endswith(".")) for w in named
    )


def speaker(title: str) -> str:
    """'Keynote: Jane Doe', 'Keynote with Jane Doe', 'Jane Doe keynote', 'Keynote: Topic —
    Jane Doe' -> 'Jane Doe'."""
    if by := byline(title):
        return by
    m = re.search(r"^\s*[^:–—-]*?\b(?:keynote|talk)\s*(?::|with|by|-|–|—)\s*(.+)$", title, re.I)
    if m:
        return m.group(1).strip()
    m = re.search(r"^(.+?)\s*(?:'s)?\s+keynote$", title, re.I)
    return m.group(1).strip() if m else ""


# A part of a Location cell that is a place inside a venue or a note, not a venue.
_INSIDE = re.compile(
    r"\b(?:level|floor|room|rooms|hall|halls|gate|booth|terminal|lobby|entrance|exit|wing|suite|"
    r"stage|area|zone|desk|foyer|atrium|ballroom|basement|rooftop|patio|terrace|pier)\b|\d|[층호관]",
    re.I,
)
_NAME_WORDS = {"the", "of", "and", "at", "de", "da", "do", "la", "le", "el"}


def is_note(part: str) -> bool:
    """'Level 1', 'Room 204', 'Race starts at 7:00 AM', 'Invitation only': where-text."""
    _, _, plain = _tools()
    words = normalize(part).split()
    if not words:
        return True
    if _INSIDE.search(part) or len(words) > 4:
        return True
    return any(w in plain and w not in _NAME_WORDS for w in words)
