"""Stage 3: the event's own words. Every record's name, aliases and names in other
languages, every speaker (by name, nickname or role) and every venue, indexed so a question
that names one (exactly, in part, with a typo or a Korean particle) finds it.

A name's words weigh what they tell apart: a word few records share ('bingo', 'pyladies')
weighs more than one many share ('room', 'lounge'), and words that name nothing ('the',
'of') weigh little.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.lang import catalogs
from bot.models import EventData, ScheduleItem
from bot.understanding.normalize import normalize
from bot.understanding.words import Word, lemmas

_HANGUL = re.compile(r"[\uac00-\ud7a3]")  # a name written in Korean matches inside words
# A word more names than this use tells none of them apart (a big session catalog's "aws").
COMMON_NAMES = 300
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Ref:
    """What a name names: ('venue', id), ('item', group), ('swag', id), ('service', id),
    ('meal', kind), ('speaker', id); for sessions of a catalog also ('topic', tag),
    ('format', format) and ('level', level), each keyed by its normalized text."""

    kind: str
    key: str


@dataclass(slots=True)  # a catalog makes tens of thousands
class Name:
    ref: Ref
    text: str
    tokens: list[str]
    keys: list[frozenset[str]]
    weights: list[float] = field(default_factory=list)
    role: bool = False  # a speaker's role ("CTO"): names them, more loosely
    plain_count: int = 0  # tokens that name nothing ("the", "of")


@dataclass(frozen=True)
class Mention:
    """A record a question names, and how well."""

    ref: Ref
    words: frozenset[int]  # question words it explains
    coverage: float  # share of the name's weight the question matched
    exact: bool  # the whole name, in order
    distinctive: bool  # it matched a word that is not a generic concept word
    start: int  # character span in the normalized question
    end: int
    role: bool = False
    phrase: frozenset[int] = frozenset()  # words matched as a run of the name ("opening keynote")
    complete: bool = False  # every telling word of the name is in the question, in any order


PERSON = "@"  # the key prefix of a word of a person's name: matched as typed, not by lemma
_HYPHENATED = re.compile(r"(?<=\w)[-‐–](?=\w)")


@lru_cache(maxsize=65_536)
def item_group(kind: str, title: str) -> str:
    """Schedule items that are one thing on several days or in several places."""
    return f"{kind}:{normalize(title)}"


class EventIndex:
    """The names in one event, and every word its records use."""

    def __init__(self, data: EventData, generic: set[str]):
        self.names: list[Name] = []
        self.by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.korean: list[tuple[int, int]] = []  # (name, token) written in Hangul
        self.generic = generic  # concept and attribute words: found, but not telling apart
        self.plain = frozenset().union(*(c.plain for c in catalogs()))
        self.groups: dict[str, list[ScheduleItem]] = defaultdict(list)  # in time order
        for i in data.schedule:
            self.groups[item_group(i.kind, i.title)].append(i)
        # Sessions whose time is not announced yet: named like any item, kept apart because
        # everything that walks ``groups`` relies on a start.
        self.unscheduled: dict[str, list[ScheduleItem]] = defaultdict(list)
        for i in data.unscheduled:
            self.unscheduled[item_group(i.kind, i.title)].append(i)
        self._add_names(data)
        self._weigh()
        # Words of venue names ("Venetian") are places inside other names; a word that is a
        # whole name of something else ("리플레이", the party) is that thing.
        whole = {n.tokens[0] for n in self.names if n.ref.kind != "venue" and len(n.tokens) == 1}
        self.venue_tokens = {
            tok for n in self.names if n.ref.kind == "venue" for tok in n.tokens
        } - whole
        self.ordinary = frozenset(self.generic | self.plain)
        self.ordinary_or_venue = self.ordinary | self.venue_tokens
        self.text_words = self._text_words(data)
        # The event's own name ("AWS re:Invent 2023"): in a question it names nothing new.
        self.event_words = {
            key
            for text in (data.event.name, *data.event.translations.get("ko", {}).values())
            for tok in _WORD.findall(normalize(text))
            for key in lemmas(tok)
        }

    # -- building ----------------------------------------------------------------------------

    def _add(
        self,
        ref: Ref,
        texts: Iterable[str],
        role: bool = False,
        people: frozenset[str] = frozenset(),
    ) -> None:
        """Index names by their words' lemmas; the words of people's names (``people``) by
        the word alone: "parking" is no mention of Jun Park."""
        for text in texts:
            norm = normalize(text)
            tokens = _WORD.findall(norm)
            if not tokens:
                continue
            variants = [tokens]
            if 1 < len(tokens) <= 3 and not _HANGUL.search(norm):
                variants.append(["".join(tokens)])  # "re play" and "replay", "walk up"
            if _HYPHENATED.search(text):  # "hands-on" is "handson", and "hands on" typed apart
                apart = _WORD.findall(normalize(_HYPHENATED.sub(" ", text)))
                if apart != tokens:
                    variants.append(apart)
            for toks in variants:
                keys = [
                    frozenset({PERSON + t}) if t in people and not t.isdigit() else lemmas(t)
                    for t in toks
                ]
                name = Name(ref, text, toks, keys, role=role)
                n = len(self.names)
                self.names.append(name)
                for pos, (tok, keys) in enumerate(zip(toks, name.keys, strict=True)):
                    if _HANGUL.search(tok):
                        self.korean.append((n, pos))
                    for key in keys:
                        self.by_key[key].append((n, pos))

    def _add_names(self, data: EventData) -> None:
        def translated(record, field_name: str) -> list[str]:
            return [t[field_name] for t in record.translations.values() if t.get(field_name)]

        for v in data.venues:
            self._add(Ref("venue", v.id), [v.name, *v.aliases, *translated(v, "name")])
        for i in [*data.schedule, *data.unscheduled]:
            ref = Ref("item", item_group(i.kind, i.title))
            people = frozenset(_WORD.findall(normalize(i.speaker))) if i.speaker else frozenset()
            self._add(ref, [i.title, *i.aliases, *translated(i, "title")], people=people)
        self._add_sessions(data)
        for s in data.swag:
            self._add(Ref("swag", s.id.split("@")[0]), [s.item, *s.aliases, *translated(s, "item")])
        for t in data.transport:
            self._add(Ref("service", t.service), [t.name, *t.aliases, *translated(t, "name")])
        for m in data.meals:
            if m.aliases:
                self._add(Ref("meal", m.kind), m.aliases)
        for p in data.speakers:
            names = [p.name, *p.aliases, *translated(p, "name")]
            people = frozenset(t for n in names for t in _WORD.findall(normalize(n)))
            self._add(Ref("speaker", p.id), names, people=people)
            self._add(Ref("speaker", p.id), [p.role, *translated(p, "role")], role=True)

    def _add_sessions(self, data: EventData) -> None:
        """A catalog's codes (with and without the repeat suffix: "DOP321", "DOP321-R"),
        tags, formats and levels ("300 - Advanced" by its number and its word too)."""
        seen: set[tuple[str, str]] = set()

        def add(ref: Ref, *texts: str) -> None:
            for text in texts:
                if text and (ref.key, text) not in seen:
                    seen.add((ref.key, text))
                    self._add(ref, [text])

        for i in [*data.schedule, *data.unscheduled]:
            if not i.code:
                continue
            add(Ref("item", item_group(i.kind, i.title)), i.code, i.series)
            for tag in i.topics:
                add(Ref("topic", normalize(tag)), tag)
            if i.format:
                add(Ref("format", normalize(i.format)), i.format)
            if i.level:
                add(Ref("level", normalize(i.level)), i.level, *_WORD.findall(i.level))

    def _weigh(self) -> None:
        refs_with: dict[str, set[Ref]] = defaultdict(set)
        for name in self.names:
            for tok in name.tokens:
                refs_with[tok].add(name.ref)
        total = len({n.ref for n in self.names}) or 1
        for name in self.names:
            name.weights = []
            for tok in name.tokens:
                weight = 0.2 if tok in self.plain else 1.0 + math.log(total / len(refs_with[tok]))
                name.weights.append(weight)
            name.plain_count = sum(1 for tok in name.tokens if tok in self.plain)

    def _text_words(self, data: EventData) -> dict[str, set[Ref]]:
        """Words of every record's own text (notes, where, directions…) -> the records."""
        index: dict[str, set[Ref]] = defaultdict(set)

        def add(ref: Ref, *texts: str) -> None:
            for text in texts:
                for tok in _WORD.findall(normalize(text)):
                    for key in lemmas(tok):
                        index[key].add(ref)

        for v in data.venues:
            add(Ref("venue", v.id), v.directions, v.notes, *v.features)
        for i in data.schedule:
            ref = Ref("item", item_group(i.kind, i.title))
            # not the speaker: people are found by their names ("parking" is no text about
            # Jun Park's talk)
            add(ref, i.where, i.notes, *(t.get("notes", "") for t in i.translations.values()))
        for s in data.swag:
            add(Ref("swag", s.id.split("@")[0]), s.where, s.notes, s.eligible)
        for t in data.transport:
            add(Ref("service", t.service), t.where, t.notes)
        for m in data.meals:
            add(Ref("meal", m.kind), m.where, m.notes)
        for f in data.faq:
            add(Ref("faq", f.id), f.question, f.answer, *f.questions, *f.keywords)
            for texts in f.translations.values():
                add(Ref("faq", f.id), *texts.values())
        add(Ref("event", ""), data.event.name)
        return index

    def vocabulary(self) -> set[str]:
        """Every word the event uses: the words typo repair may aim at."""
        words = {tok for name in self.names for tok in name.tokens}
        return words | set(self.text_words)

    # -- finding -----------------------------------------------------------------------------

    def find(self, words: list[Word]) -> list[Mention]:
        """The records a question's words name, best first."""
        # name -> token position -> every question word that matches it
        hits: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        telling: set[int] = set()  # names found by a word that few names use
        plain: list[int] = []
        for i, w in enumerate(words):
            if w.word in self.plain:  # "the", "of": looked up only inside names found otherwise
                plain.append(i)
                continue
            for key in [*sorted(w.keys), PERSON + w.word]:
                found = self.by_key.get(key, ())
                for n, pos in found:
                    if i not in hits[n][pos]:
                        hits[n][pos].append(i)
                if len(found) <= COMMON_NAMES:
                    telling.update(n for n, _ in found)
        for i in range(len(words) - 1):  # "re play" typed apart, "replay" in the data
            joined = words[i].word + words[i + 1].word
            for n, pos in self.by_key.get(joined, ()):
                if len(self.names[n].tokens) == 1:
                    hits[n][pos].append(i)
                    hits[n][-1].append(i + 1)  # the second word is explained too
                    telling.add(n)
        korean = [(i, w) for i, w in enumerate(words) if w.language != "en"]
        if korean:
            for n, pos in self.korean:
                token = self.names[n].tokens[pos]
                for i, w in korean:
                    if _korean_match(token, w):
                        hits[n][pos].append(i)
                        telling.add(n)
        if len(hits) > COMMON_NAMES:
            # A word thousands of names share ("amazon" in a catalog of "… with Amazon S3"
            # titles) names none of them by itself: of the names only such words found, keep
            # those it may name whole.
            hits = {
                n: matched
                for n, matched in hits.items()
                if n in telling
                or len(matched) + self.names[n].plain_count >= len(self.names[n].tokens)
            }
        if plain:  # "the" in "The Venetian": the whole name, in order
            for n, options in hits.items():
                name = self.names[n]
                for pos, tok in enumerate(name.tokens):
                    if pos not in options and tok in self.plain:
                        options[pos] = [
                            i for i in plain if words[i].word == tok or tok in words[i].keys
                        ]
                        if not options[pos]:
                            del options[pos]
        mentions: dict[Ref, Mention] = {}
        for n, options in hits.items():
            mention = self._mention(n, _align(options), words)
            if mention is None:
                continue
            best = mentions.get(mention.ref)
            mentions[mention.ref] = mention if best is None else _merge(best, mention)
        return sorted(mentions.values(), key=lambda m: (-m.exact, -m.coverage, -len(m.words)))

    def _mention(self, n: int, matched: dict[int, int], words: list[Word]) -> Mention | None:
        name = self.names[n]
        positions = [p for p in matched if p >= 0]
        got = sum(name.weights[p] for p in positions)
        total = sum(name.weights) or 1.0
        coverage = got / total
        indices = sorted(set(matched.values()))
        exact = len(positions) == len(name.tokens) and indices == list(
            range(indices[0], indices[0] + len(indices))
        )
        # "Badge pickup at The Venetian": in any name but a venue's, the venue is a place
        ordinary = self.ordinary if name.ref.kind == "venue" else self.ordinary_or_venue
        # A bare number ("3" of "3 PM") tells nothing apart: "Terminal 3" is not named by it.
        distinctive = any(
            name.tokens[p] not in ordinary and not name.tokens[p].isdigit() for p in positions
        )
        if all(name.tokens[p] in self.plain for p in positions):
            return None  # "the", "of": names nothing
        start = words[indices[0]].start
        end = words[indices[-1]].end
        return Mention(
            name.ref,
            frozenset(indices),
            coverage,
            exact,
            distinctive,
            start,
            end,
            name.role,
            _runs(matched),
            # all of it, near together: "ferry to the party" completes "Party ferry", but not
            # "hotel … conference" across another name ("conference hotel")
            all(p in positions for p, tok in enumerate(name.tokens) if tok not in self.plain)
            and indices[-1] - indices[0] < len(name.tokens) + 3,
        )


def _korean_match(token: str, word: Word) -> bool:
    """A Korean name inside a question's word: 물품보관소 in 물품보관소는; a one-syllable name
    (윈) only as the whole word once its particle is cut (윈까지, not 윈도우)."""
    if len(token) == 1:
        return word.word == token
    if token in word.typed:
        return True
    return len(word.word) >= 2 and word.word in token and len(word.word) * 2 >= len(token)


def _align(options: dict[int, list[int]]) -> dict[int, int]:
    """One question word for each matched name word, keeping the name's words together where
    the question does ("Hotel Mizuki Shiodome" in "hotel shuttle from hotel mizuki…")."""
    chosen: dict[int, int] = {}
    if -1 in options:
        chosen[-1] = options[-1][0]
    positions = sorted(p for p in options if p >= 0)
    for n, pos in enumerate(positions):
        ahead = positions[n + 1] if n + 1 < len(positions) else None
        best = options[pos][0]
        for i in options[pos]:
            before = chosen.get(pos - 1)
            if before is not None and i == before + 1:
                best = i
                break
            if ahead == pos + 1 and i + 1 in options[ahead]:
                best = i
                break
        chosen[pos] = best
    return chosen


def _runs(matched: dict[int, int]) -> frozenset[int]:
    """Question words matched as a run of two or more consecutive name words, in order."""
    pairs = sorted((pos, i) for pos, i in matched.items() if pos >= 0)
    run: set[int] = set()
    for (p1, i1), (p2, i2) in zip(pairs, pairs[1:], strict=False):
        if p2 == p1 + 1 and i2 == i1 + 1:
            run |= {i1, i2}
    return frozenset(run)


def _merge(a: Mention, b: Mention) -> Mention:
    """Two names of one record found in a question ("Women in Tech", "Women in Tech
    Meetup"): the record accounts for the words of both."""
    if a.exact != b.exact:  # the whole name typed: a stray word of an alias adds nothing…
        exact, other = (a, b) if a.exact else (b, a)
        if not other.complete:
            return exact
        # …unless the other name is all there too ("ferry … party" for "Party ferry")
        return Mention(
            exact.ref,
            exact.words | other.words,
            exact.coverage,
            True,
            exact.distinctive or other.distinctive,
            min(a.start, b.start),
            max(a.end, b.end),
            exact.role,
            exact.phrase | other.phrase,
            True,
        )
    best = a if (a.exact, a.coverage) >= (b.exact, b.coverage) else b
    return Mention(
        best.ref,
        a.words | b.words,
        max(a.coverage, b.coverage),
        a.exact or b.exact,
        a.distinctive or b.distinctive,
        min(a.start, b.start),
        max(a.end, b.end),
        a.role and b.role,
        a.phrase | b.phrase,
        a.complete or b.complete,
    )
