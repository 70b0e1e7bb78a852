"""Understanding a question, in stages a newcomer can follow (each tested on its own):

1. ``normalize``: Slack text -> plain lower-case text.
2. ``words``: words, with English typos and text speak put right and lemmas attached;
   Korean words without their particles.
3. ``vocabulary``: the event's own names (records, aliases, Korean names, speakers, venues)
   found in the words.
4. ``lexicon``: the generic concepts (lunch, shuttle, party…) and attributes (where, when…)
   the words name, from the language catalogs.
5. here: the slots: the time (``bot.clock``), the places and which is origin or goal, the
   time zone asked for, and the words nothing accounts for.

The answer engine (``bot.answers.engine``) then scores candidates and picks one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from wordfreq import zipf_frequency

from bot.clock import When, parse_when
from bot.lang import catalog, catalogs, detect
from bot.models import EventData
from bot.understanding.lexicon import Hit, Lexicon
from bot.understanding.normalize import MAX_QUESTION, normalize, strip_markup
from bot.understanding.vocabulary import EventIndex, Mention, Ref
from bot.understanding.words import Word, WordReader
from bot.understanding.zones import find_zone

FUNCTION_WORD = 6.0  # Zipf frequency of "the", "of", "and": never tells a name apart

__all__ = ["MAX_QUESTION", "Question", "Ref", "Understanding", "normalize"]

_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]+\b")


@dataclass
class Question:
    """One question, understood."""

    raw: str
    text: str  # normalized
    language: str
    words: list[Word]
    mentions: list[Mention]
    concepts: list[Hit]
    attributes: list[Hit]
    synonyms: list[Hit]
    when: When | None
    time_words: frozenset[int]
    content: frozenset[int]  # words that name something: what an answer must account for
    unknown: list[str]  # content words neither the event nor the catalogs know
    venues: tuple[str, ...] = ()
    origin: str | None = None
    destination: str | None = None
    near: tuple[str, ...] = ()  # venues named as where the asker wants it ("near X")
    zone: str | None = None  # a time zone asked for ("in Seoul time")
    zone_words: frozenset[int] = field(default_factory=frozenset)
    near_words: frozenset[int] = field(default_factory=frozenset)  # "near the Expo"

    def concept_names(self) -> set[str]:
        return {h.name for h in self.concepts}

    def has_concept(self, *names: str) -> bool:
        return any(h.name in names for h in self.concepts)

    def has_attribute(self, *names: str) -> bool:
        return any(h.name in names for h in self.attributes)


class Understanding:
    """What understanding needs of one event: its names, its words, the catalogs."""

    def __init__(self, data: EventData, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or Lexicon()
        generic = set(self.lexicon.words) - set().union(*(c.plain for c in catalogs()))
        self.index = EventIndex(data, generic)
        self.known = self.index.vocabulary() | self.lexicon.words
        self.reader = WordReader(self.known)
        self.korean_known = sorted(
            {w for w in self.known if not w.isascii() and len(w) >= 2}, key=len, reverse=True
        )
        self.data = data

    def understand(self, raw: str, now: datetime) -> Question:
        text = normalize(raw)
        language = detect(text)
        # A word typed in capitals ('COBOL', 'XYZ101') is meant as written: never a typo.
        capitals = frozenset(w.lower() for w in _CAPITALS.findall(strip_markup(raw)))
        words = self.reader.words(text, capitals)
        mentions = self.index.find(words)
        concepts = self.lexicon.concept_hits(text, words)
        attributes = self.lexicon.attribute_hits(text, words)
        synonyms = self.lexicon.synonym_hits(text, words)

        # A name that holds time words ("Monday Night Live", "Morning yoga") is a name there,
        # not a time: hide it from the time reader.
        masked = text
        for m in mentions:
            if m.exact and len(m.words) > 1:
                masked = masked[: m.start] + " " * (m.end - m.start) + masked[m.end :]
        when = parse_when(
            _corrected(masked, words), now.astimezone(self.data.event.zone), self.data.event
        )
        time_words = _time_words(when, words, masked)

        zone, zone_words = None, frozenset()
        if any(h.name == "timezone" for h in concepts) or _asks_zone(strip_markup(raw), text):
            found = find_zone(text)
            if found:  # a zone named; "" is the asker's own ("in my time zone")
                zone = found[0] or None
                zone_words = frozenset(
                    i for i, w in enumerate(words) if w.typed in found[1].split()
                )

        # A longer phrase says what a word means there: "who do I talk to" asks for a
        # contact, not for talks.
        phrases = [a.words for a in attributes if len(a.words) > 1]
        concepts = [h for h in concepts if not any(h.words < words_ for words_ in phrases)]
        # A name's own words are not attributes: "Opening Keynote" does not ask what is open.
        named = [m.words for m in mentions if m.exact and len(m.words) > 1]
        named += [m.phrase for m in mentions if m.phrase]
        attributes = [h for h in attributes if not any(h.words <= w for w in named)]
        venues = _venue_slots(mentions)
        origin, destination, near = _places(text, venues, language)
        # Thousands of titles may share a word: each stretch of the question is looked at once.
        spans: dict[tuple[int, int], bool] = {}
        for m in mentions:
            if m.ref.kind == "item" and (m.start, m.end) not in spans:
                spans[(m.start, m.end)] = _marked(text, m, "near")
        near_items = [m for m in mentions if m.ref.kind == "item" and spans[(m.start, m.end)]]
        near_words = frozenset().union(*(m.words for m in near_items))
        for m in near_items:
            venue = next((i.venue for i in self.index.groups.get(m.ref.key, []) if i.venue), None)
            if venue and venue not in near:
                near = (*near, venue)
        plain = _plain_words(words)
        plain |= {i for i, w in enumerate(words) if w.keys & self.index.event_words}
        # ...but a telling word typed as part of a name ("opening" in "opening keynote",
        # not "the") tells that name from its neighbours ("closing keynote").
        plain -= {
            i
            for m in mentions
            for i in m.phrase
            if zipf_frequency(words[i].word, "en") < FUNCTION_WORD
        }
        content = frozenset(
            i
            for i, w in enumerate(words)
            if i not in plain and i not in time_words and i not in zone_words and not w.is_number
        )
        # What is asked of a thing beyond where and when ("how much", "who") always counts.
        properties = frozenset().union(*(c.properties for c in catalogs()))
        asked = [h.words for h in synonyms if h.name in properties]
        contact = frozenset().union(*(h.words for h in attributes if h.name == "contact"))
        asked += [h.words for h in attributes if h.name == "who" and not h.words & contact]
        # "who do I talk to about …" asks who answers the rest: its own words ask nothing more
        content = (content - contact) | frozenset().union(*asked)
        explained = set()
        for group in (mentions, concepts, attributes, synonyms):
            for hit in group:
                explained |= hit.words
        unknown = [
            words[i].typed
            for i in sorted(content - explained)
            if not (words[i].keys & self.known) and not _known_korean(words[i], self)
        ]
        return Question(
            raw=raw,
            text=text,
            language=language,
            words=words,
            mentions=mentions,
            concepts=concepts,
            attributes=attributes,
            synonyms=synonyms,
            when=when,
            time_words=time_words,
            content=content,
            unknown=unknown,
            venues=tuple(dict.fromkeys(m.ref.key for m in venues)),
            origin=origin,
            destination=destination,
            near=near,
            zone=zone,
            zone_words=zone_words,
            near_words=near_words,
        )


def _venue_slots(mentions: list[Mention]) -> list[Mention]:
    """The venues a question names as places: by a whole name, or a telling part of one
    ("Mandalay"); not by a shared word ("Hotel") nor one a better venue match explains."""
    good = [
        m
        for m in mentions
        if m.ref.kind == "venue"
        and (m.exact or m.coverage >= 0.5 or (m.distinctive and m.coverage >= 0.3))
    ]
    good.sort(key=lambda m: (-m.exact, -m.coverage))
    # "리플레이" is the party's own name, not part of the party venue's "리플레이 장소".
    named = [m.words for m in mentions if m.ref.kind != "venue" and m.exact and m.distinctive]
    good = [m for m in good if m.exact or not any(m.words <= w for w in named)]
    kept: list[Mention] = []
    for m in good:
        if not any(m.words <= k.words or (m.words & k.words and k.exact) for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _corrected(text: str, words: list[Word]) -> str:
    """The text with typos and text speak put right ('tmrw' -> 'tomorrow'), for the time
    reader; masked stretches stay masked."""
    out, last = [], 0
    for w in words:
        if w.start < last:  # one typed word standing for several ('genai')
            out.append(" " + w.word)
            continue
        out.append(text[last : w.start])
        out.append(
            w.word
            if text[w.start : w.end].strip() and w.language == "en"
            else text[w.start : w.end]
        )
        last = w.end
    out.append(text[last:])
    return "".join(out)


def _time_words(when: When | None, words: list[Word], text: str) -> frozenset[int]:
    if when is None or not when.phrase:
        parts = {when.part} if when and when.part else set()
    else:
        parts = set(re.findall(r"\w+", when.phrase))
    if when is not None and when.is_now:
        parts |= {"now", "currently", "right", "moment", "지금", "현재", "당장"}
    found = set()
    for i, w in enumerate(words):
        if (
            w.typed in parts
            or w.word in parts
            or any(p in w.typed for p in parts if not p.isascii())
        ):
            found.add(i)
    return frozenset(found)


def _asks_zone(raw: str, text: str) -> bool:
    """'KST', '8 AM in Seoul time', 'what time is it in London': a zone may be named."""
    return bool(re.search(r"\b[A-Z]{3,4}\b", raw)) or bool(
        re.search(r"\btime\b|\bin [a-z]+ time\b|시간", text)
    )


def _plain_words(words: list[Word]) -> set[int]:
    plain = set()
    for i, w in enumerate(words):
        cat = catalog(w.language)
        if (
            w.word in cat.plain
            or w.typed in cat.plain
            or (w.keys & cat.plain and w.language == "en")
        ):
            plain.add(i)
    return plain


def _known_korean(word: Word, u: Understanding) -> bool:
    """A Korean word is known when a name or catalog word lies inside it (점심은, 셔틀버스)."""
    if word.language == "en":
        return False
    return word.word in u.known or any(k in word.typed for k in u.korean_known)


def _marked(text: str, m: Mention, key: str) -> bool:
    """Whether a name is marked as origin, goal or nearby ('from X', 'X까지', 'near X')."""
    before_words, after_words = _place_marks(key)
    before = _THE_AT_END.sub("", text[max(0, m.start - 16) : m.start].rstrip()).rstrip()
    if before_words is not None and before_words.search(before):
        return True
    after = text[m.end : m.end + 8]
    return after.lstrip().startswith(after_words) or after.startswith(after_words)


_THE_AT_END = re.compile(r"\bthe$")


@cache
def _place_marks(key: str) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """Every catalog's words for one kind of place mark, read once: those written before a
    name as one pattern, the endings after it as a tuple."""
    before = [w for cat in catalogs() for w in cat.places.get(f"{key}_before", ())]
    after = tuple(w for cat in catalogs() for w in cat.places.get(f"{key}_after", ()))
    pattern = None
    if before:
        words = "|".join(re.escape(w) for w in sorted(before, key=len, reverse=True))
        pattern = re.compile(rf"(?:^|\W)(?:{words})$")
    return pattern, after


def _places(
    text: str, venues: list[Mention], language: str
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Which named venue is where the asker starts ('from A', 'A에서'), where they go ('to B',
    'B까지') and which they want something near ('near C', 'at C')."""
    origin = destination = None
    near: list[str] = []
    for m in venues:
        if _marked(text, m, "from") and origin is None:
            origin = m.ref.key
        elif _marked(text, m, "to") and destination is None:
            destination = m.ref.key
        elif _marked(text, m, "near"):
            near.append(m.ref.key)
    ids = list(dict.fromkeys(m.ref.key for m in venues))
    if len(ids) >= 2:
        if origin and not destination:
            destination = next(v for v in ids if v != origin)
        elif destination and not origin:
            origin = next(v for v in ids if v != destination)
        elif not origin and not destination:
            origin, destination = ids[0], ids[1]
    return origin, destination, tuple(near)
