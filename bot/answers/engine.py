"""The concierge: one pass from a question to an answer.

The question is understood once (``bot.understanding``). Candidates come from three places:
the records it names (an item, a speaker, a swag item, a service, a venue), the generic
concepts it names (lunch, shuttle, keynote, what's on…) and the FAQ. Each candidate says
which of the question's words it accounts for and how strongly (``explain``); the one that
accounts for the most words, by the strongest evidence, is rendered in the asker's
language. It is confident only when it accounts for every word that names something:
otherwise the bot says what it knows and what it does not, or that it does not know, and
records the question for the organizers.
"""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.answers import (
    faq,
    items,
    meals,
    schedule,
    sessions,
    swag,
    timezones,
    transport,
    venues,
)
from bot.answers.base import Answer, Context
from bot.answers.suggestions import Suggestions
from bot.lang import catalog, catalogs, detect
from bot.lang.format import Markup
from bot.models import EventData, ScheduleItem
from bot.store import Store
from bot.understanding import Question, Understanding
from bot.understanding.lexicon import CONCEPTS, Lexicon
from bot.understanding.normalize import normalize
from bot.understanding.vocabulary import Mention, item_group
from bot.understanding.words import lemmas

log = logging.getLogger(__name__)

# What one of the question's words counts for, by what accounts for it.
EXACT_NAME, NAME, GENERIC_NAME = 3.0, 2.0, 1.0
CONCEPT, PLACE, ATTRIBUTE, EVIDENCE = 2.0, 1.5, 0.5, 1.0
MIN_FAQ_SCORE = 2.0  # an FAQ entry needs more than plain words ("how", "people") to count
MIN_FAQ_COVERAGE = 0.5  # …and to match at least half of one of its phrasings

# Related kinds of service: asked for a taxi, the event's rideshare service answers.
RELATED_SERVICES = {
    "taxi": ("rideshare",), "rideshare": ("taxi",), "bus": ("shuttle", "coach"),
    "shuttle": ("bus", "coach"), "coach": ("bus", "shuttle"), "metro": ("train", "tram", "monorail"),
    "train": ("metro", "monorail"), "tram": ("metro",), "monorail": ("metro", "train"),
}  # fmt: skip


@dataclass
class Candidate:
    """One way to answer: what it accounts for, how strongly, and how to say it."""

    topic: str  # the concepts it serves: schedule, meals, transport, swag, venue, faq…
    words: dict[int, float]  # its own evidence: question word -> weight
    rank: int  # breaks ties: records named > routes > FAQ > concepts > venues > text
    render: Callable[[], Answer | None]
    kinds: frozenset[str] = frozenset()  # kinds of the records it answers about
    evidence: Callable[[], Evidence] = field(default=lambda: Evidence(set(), "", []))
    placed: bool = True  # it knows places and times: answers "where", "when", "near X"
    matched: bool = False  # its words were matched loosely (FAQ, text): concepts may veto
    people: bool = False  # its records name people: it answers "who"
    bonus: float = 0.0  # how well it matched as a whole (an FAQ phrasing matched entirely)
    grounded: bool = True  # False: only a synonym in its text ties it to the question
    reached_by: frozenset[str] = frozenset()  # transport kinds that stop at its place


@dataclass
class Evidence:
    """A candidate's own text: its words (as lemmas), all of it normalized, and as written."""

    keys: set[str]
    raw: str
    texts: list[str]  # what may be shown: notes, where, directions, answers (not names)
    _sentences: list[tuple[str, str, set[str]]] | None = None

    def number_with(self, forms: set[str]) -> bool:
        """Whether a sentence gives a number beside one of ``forms`` ("a re:Play-only
        ticket is $300" answers "how much")."""
        return any(_NUMBER.search(s) for s in self.sentences_with(forms))

    def sentences_with(self, forms: set[str]) -> list[str]:
        """The sentences that hold any of ``forms``, as written (to show the asker why)."""
        if self._sentences is None:
            self._sentences = []
            for text in self.texts:
                for sentence in _SENTENCES.split(text):
                    norm = normalize(sentence)
                    keys = {k for tok in norm.split() for k in lemmas(tok.strip(".,;:!?()'\""))}
                    self._sentences.append((sentence.strip(), norm, keys))
        found = [
            sentence
            for sentence, norm, keys in self._sentences
            if keys & forms or any(f in norm for f in forms if " " in f or not f.isascii())
        ]
        return list(dict.fromkeys(found))


_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\d|[$€£¥₩]")
NUMERIC = frozenset().union(*(c.numeric for c in catalogs()))


@dataclass
class _State:
    revision: int
    data: EventData
    understanding: Understanding
    faq: faq.FaqIndex
    suggestions: Suggestions
    sessions: sessions.SessionIndex
    answers_revision: int = 0  # the organizers' saved answers, in the FAQ index
    evidence: dict = field(default_factory=dict)  # candidates' own text, read once


class Concierge:
    """Answers questions about the event in the store, on one code path for every surface."""

    def __init__(self, store: Store):
        self.store = store
        self._lexicon: Lexicon | None = None
        self._state: _State | None = None

    def state(self) -> _State | None:
        """The event and its indexes, rebuilt when a load changes the data; the FAQ index
        alone when an organizer's saved answer changes."""
        revision, answers = self.store.revisions()
        state = self._state
        if state is not None and state.revision == revision:
            if state.answers_revision != answers:
                state.faq = self._faq_index(state.data, state.understanding)
                state.answers_revision = answers
                state.evidence.clear()
            return state
        data = self.store.load_event_data()
        if data is None:
            return None
        if self._lexicon is None:
            self._lexicon = Lexicon()
        understanding = Understanding(data, self._lexicon)
        self._state = _State(
            revision,
            data,
            understanding,
            self._faq_index(data, understanding),
            Suggestions(data),
            sessions.SessionIndex(data),
            answers,
        )
        _settle()
        return self._state

    def _faq_index(self, data: EventData, understanding: Understanding) -> faq.FaqIndex:
        """The event's FAQ and the answers organizers saved in Slack (bot.store.handoffs)."""
        entries = [*data.faq, *self.store.saved_faqs()]
        return faq.FaqIndex(entries, self._lexicon, understanding.reader)

    def suggestions(self, language: str = "en", limit: int = 3) -> list[str]:
        """Questions worth asking about the loaded event (each one answered)."""
        state = self.state()
        return state.suggestions.defaults(language, limit) if state else []

    def ask(
        self,
        text: str,
        now: datetime,
        *,
        asker_zone: ZoneInfo | None = None,
        user_id: str = "",
        markup: Markup | None = None,
        record: bool = True,
    ) -> Answer:
        state = self.state()
        language = detect(normalize(text))
        if state is None:
            return Answer(catalog(language).t("no_event"), "none", False, language=language)
        q = state.understanding.understand(text, now)
        zone = asker_zone
        if q.zone and not _is_timezone_question(q):  # "when is the keynote in Korea time?"
            zone = ZoneInfo(q.zone)
        ctx = Context(state.data, now, zone, q.language, markup)
        if _is_greeting(q):
            return state.suggestions.help(ctx)
        if _is_thanks(q):  # "thanks!", "ok": not a question, nothing to note
            return Answer(ctx.t("you_are_welcome"), "thanks", language=q.language)
        answer = self._answer(q, ctx, state) or self._unsure(q, ctx, state)
        if not answer.confident:
            if not answer.suggestions:
                answer.suggestions = state.suggestions.leads(ctx, q)
            if record:
                self.store.record_unanswered(
                    text[:2000], q.text[:500], ctx.now, answer.intent, q.language, user_id
                )
        answer.language = q.language
        if record:
            self.store.count_question(ctx.now, answer.confident)
        return answer

    # -- choosing ------------------------------------------------------------------------

    def _answer(self, q: Question, ctx: Context, state: _State) -> Answer | None:
        candidates = _candidates(q, ctx, state)
        lexicon = state.understanding.lexicon
        content = q.content
        scored = []
        for n, c in enumerate(candidates):
            got = explain(q, c, lexicon)
            covered = content & set(got)
            coverage = len(covered) / len(content) if content else 1.0
            strength = sum(got.values()) + c.bonus
            # ties go to the first made (records named come first): the same every run
            scored.append((coverage, round(strength, 6), -c.rank, -n, c, got))
        scored.sort(key=lambda s: s[:4], reverse=True)
        for n, (coverage, _, _, _, best, got) in enumerate(scored):
            answer = best.render()
            if answer is None:
                continue
            # Found only in records' text, two records as good as each other (a cloakroom and
            # a luggage storage for "my suitcase"): both, rather than a coin toss.
            if best.topic == "text" and n + 1 < len(scored):
                twin = scored[n + 1]
                if twin[4].topic == "text" and twin[:3] == scored[n][:3]:
                    other = twin[4].render()
                    if other is not None and other.text != answer.text:
                        answer.text += "\n\n" + other.text
            missing = sorted(content - set(got))
            if missing and best.topic == "faq" and _about_any_thing(q, got, missing):
                missing = []  # "I left my jacket": lost and found keeps any thing
            _show_evidence(q, best, got, answer, lexicon)
            if not missing and not best.grounded:  # what a synonym found: shown, not vouched
                what = ctx.join(
                    [ctx.t("partial_word", word=w) for w in _phrases(q, sorted(content))]
                )
                answer.text = ctx.t("partial", what=what) + "\n" + answer.text
                answer.confident = False
                return answer
            if not missing:
                if best.topic == "faq":
                    _add_named_items(q, ctx, state, answer)
                return answer
            words = _phrases(q, missing)
            unknown = [w for w in words if any(x in q.unknown for x in w.split())]
            if unknown or not coverage:
                return self._unsure(q, ctx, state, unknown or words)
            what = ctx.join([ctx.t("partial_word", word=w) for w in words])
            answer.text = ctx.t("partial", what=what) + "\n" + answer.text
            answer.confident = False
            return answer
        return None

    def _unsure(
        self, q: Question, ctx: Context, state: _State, unknown: list[str] | None = None
    ) -> Answer:
        """'I don't know' with leads from the event, never a confident guess."""
        words = unknown if unknown is not None else q.unknown
        opening = ctx.t("dont_know_about", word=words[0]) if words else ctx.t("dont_know")
        leads = state.suggestions.leads(ctx, q)
        text = f"{opening} {ctx.t('passed_on')}"
        if leads:
            text += f"\n{ctx.t('maybe_these')} " + " · ".join(f"_{s}_" for s in leads)
        topic = next((CONCEPTS[h.name][0] for h in q.concepts), "unknown")
        return Answer(text, intent=topic, confident=False, suggestions=leads, language=q.language)


OBJECTS = faq.OBJECTS
EXACT = frozenset().union(*(c.exact for c in catalogs()))
PERSONS = frozenset().union(*(c.persons for c in catalogs()))
PROPERTIES = frozenset().union(*(c.properties for c in catalogs()))


def _about_any_thing(q: Question, got: dict[int, float], missing: list[int]) -> bool:
    """An FAQ that answers for any thing (its group is one of the catalogs' objects: lost and
    found) matched the question's words of that group: the words left are the thing lost and
    where, all answered alike. Only things and places, though: not a person ("my kid"), not
    what the answer may not say (a price), not lunch or a session ("I forgot when lunch is")."""
    about = {i for h in q.synonyms if h.name in OBJECTS for i in h.words}
    if not about or not about <= set(got):
        return False
    things = {i for h in q.synonyms if h.name not in PERSONS | PROPERTIES for i in h.words}
    things |= {i for h in q.concepts if CONCEPTS[h.name][0] == "swag" for i in h.words}
    things |= {i for m in q.mentions if m.ref.kind == "venue" for i in m.words}
    others = {i for h in q.concepts for i in h.words} | {i for m in q.mentions for i in m.words}
    others |= {i for h in q.synonyms for i in h.words}
    unknown = {i for i in missing if i not in others}  # words nothing knows: a thing, mostly
    return all(i in things or i in unknown for i in missing)


def _add_named_items(q: Question, ctx: Context, state: _State, answer: Answer) -> None:
    """An FAQ answer to a question that also names one thing on the schedule by its name
    ("how do I sign up for the Django tutorial"): the thing too, when and where, below the
    general answer that does not say it."""
    groups = state.understanding.index.groups
    named = [
        m
        for m in q.mentions
        if m.ref.kind == "item" and (m.exact or m.complete or m.distinctive) and m.ref.key in groups
    ]
    keys = [m.ref.key for m in sorted(named, key=lambda m: -m.coverage)]
    for key in list(dict.fromkeys(keys))[:1]:
        group = groups[key]
        if ctx.name(group[0]) in answer.text:
            continue
        answer.text += "\n" + items.answer(ctx, group, q.when).text


def _phrases(q: Question, indices: list[int]) -> list[str]:
    """The words, with neighbours joined as typed: 'how much', not 'how' and 'much'."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [q.text[q.words[r[0]].start : q.words[r[-1]].end] for r in runs]


def _settle() -> None:
    """Keep the collector off the event's indexes. A catalog's thousands of sessions make
    millions of long-lived objects, and every full collection walked them all: an answer
    that happened to trigger one took 150 ms instead of 10. Frozen, they are skipped; the
    previous load's indexes, unfrozen first, are collected as usual."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serves(c: Candidate, concept: str) -> bool:
    """Whether a candidate answers about what a concept names (a lunch answer serves
    'lunch' and 'food'; a keynote item serves 'keynote' and 'speaker')."""
    topic, kind = CONCEPTS[concept]
    if topic == "speaker":
        return c.people
    if topic == "transport" and kind is None and c.topic in {"schedule", "speaker"}:
        return True  # "how do I get to the party": the item says how
    if topic == "transport" and kind in c.reached_by:
        return True  # "the shuttle back from the drinks": the item's way there and back
    if kind == "sessions" and c.kinds & {"keynote", "sessions"}:
        return True  # "her talk", "강연": a keynote is a talk too
    if c.topic == "speaker":
        return topic == "schedule" and (kind is None or kind in c.kinds)
    if topic != c.topic:
        return False
    return (
        kind is None
        or not c.kinds
        or kind in c.kinds
        or (topic == "transport" and bool(set(RELATED_SERVICES.get(kind, ())) & c.kinds))
    )


def explain(q: Question, c: Candidate, lexicon: Lexicon) -> dict[int, float]:
    """The question's words a candidate accounts for, each with the weight of the evidence:
    its own words; the concepts it serves; the places and attributes it can answer; and
    words its records' own text holds ('recorded', 'parking'). A word a concept names
    ('food', 'lost and found') is accounted for only by a candidate about that concept, or
    one whose own text says it."""
    got = dict(c.words)
    claims: dict[int, str] = {}
    for h in sorted(q.concepts, key=lambda h: len(h.words)):
        for i in h.words:
            claims[i] = h.name
    for h in q.concepts:
        # "prayer room" is one thing among facilities: only a record of that name serves it
        member = lexicon.is_member(h) and not h.words <= set(c.words)
        if serves(c, h.name) and not member:
            for i in h.words:
                got[i] = max(got.get(i, 0.0), CONCEPT)
    if c.matched or c.topic == "schedule":  # loose matches yield to what concepts name:
        # "lost" in an FAQ about getting lost is not "lost and found"; "room" in "Quiet room"
        # is not "prayer room"
        for i in list(got):
            concept = claims.get(i)
            if concept is None:
                continue
            hit = next(h for h in q.concepts if h.name == concept and i in h.words)
            member = lexicon.is_member(hit) and not hit.words <= set(c.words)
            if c.matched and not serves(c, concept):
                # kept only when it names one thing its own text holds whole ("raffle" in
                # the Expo's notes; not "lost" for "lost and found", not any "race")
                hit = next(h for h in q.concepts if h.name == concept and i in h.words)
                if not (lexicon.is_member(hit) and hit.phrase in c.evidence().raw):
                    del got[i]
            elif member:
                del got[i]
    if c.placed:
        for m in q.mentions:
            if m.ref.kind == "venue" and m.ref.key in q.venues:
                for i in m.words:
                    got[i] = max(got.get(i, 0.0), PLACE)
        for m in q.mentions:  # "lunch near the Expo": an item named as a place
            if m.ref.kind == "item" and m.words <= q.near_words:
                for i in m.words:
                    got[i] = max(got.get(i, 0.0), PLACE)
        for h in q.attributes:
            if h.name != "who" or c.people:
                for i in h.words:
                    got.setdefault(i, ATTRIBUTE)
    if c.topic == "faq":  # "are keynotes recorded?" answers for the CEO's keynote too
        keys = c.evidence().keys
        for m in q.mentions:
            if m.ref.kind in {"item", "speaker"} and not set(m.words) <= set(got):
                kind = m.ref.key.split(":", 1)[0] if m.ref.kind == "item" else "keynote"
                if kind in CONCEPTS and lexicon.group_words("concepts", kind) & keys:
                    for i in m.words:
                        got.setdefault(i, EVIDENCE)
    missing = q.content - set(got)
    if not missing:
        return got
    evidence = c.evidence()
    keys, raw = evidence.keys, evidence.raw
    if not keys and not raw:
        return got
    for i in missing:
        w = q.words[i]
        concept = claims.get(i)
        if concept is not None:
            hit = next(h for h in q.concepts if h.name == concept and i in h.words)
            if len(hit.words) > 1 or " " in hit.phrase:
                ok = hit.phrase in raw
            elif lexicon.is_member(hit):  # "raffle": the word itself, not any activity
                ok = bool(w.keys & keys) or w.word in raw
            else:
                ok = bool(lexicon.group_words("concepts", concept) & keys) or w.word in raw
        else:
            groups = {h.name for h in q.synonyms if i in h.words}
            numeric = groups & NUMERIC
            if numeric:  # "how much", "how many": only a text that gives a number answers
                forms = set().union(*(lexicon.group_words("synonyms", g) for g in numeric))
                if evidence.number_with(forms | w.keys):
                    got[i] = EVIDENCE
                continue
            # "kosher" is not "halal": in an exact group only the word itself is evidence
            loose = groups - EXACT
            # …written joined or hyphenated ("gluten" in "gluten-free", read "glutenfree")
            joined = groups & EXACT and len(w.word) >= 4 and any(w.word in k for k in keys)
            ok = (
                bool(w.keys & keys)
                or bool(joined)
                or any(
                    lexicon.group_words("synonyms", g) & keys
                    or any(" " in s and s in raw for s in lexicon.group_words("synonyms", g))
                    for g in loose
                )
            )
            if not ok and w.language != "en":
                forms = {w.word} | {
                    g for name in loose for g in lexicon.group_words("synonyms", name)
                }
                ok = _in_korean_text(forms, raw)
        if ok:
            got[i] = EVIDENCE
    return got


def _in_korean_text(forms: set[str], raw: str) -> bool:
    """A Korean word in a text: inside one of its words (만찬 in 만찬은), but a single
    syllable (돈, 비) only as a whole word."""
    words = raw.split()
    for form in forms:
        if form.isascii():
            continue
        if len(form) == 1:
            if any(w == form or w.rstrip(".,") == form for w in words):
                return True
        elif form in raw:
            return True
    return False


def _is_greeting(q: Question) -> bool:
    text = q.text.strip(" !.?~")
    if not text:
        return True
    return any(text in cat.greetings for cat in catalogs())


def _is_thanks(q: Question) -> bool:
    text = " ".join(q.text.strip(" !.?~^").split())
    return bool(text) and any(text in cat.thanks for cat in catalogs())


def _is_timezone_question(q: Question) -> bool:
    """Asked about time itself ('8 AM here is what in Seoul'), not about an event's time."""
    if q.has_concept("timezone"):
        return not any(m.ref.kind in {"item", "speaker"} and m.exact for m in q.mentions)
    named = {h.name for h in q.concepts} - {"timezone"}
    return not named and not any(m.exact or m.distinctive for m in q.mentions)


# -- candidates ----------------------------------------------------------------------------


def _mention_weight(m: Mention, shared: bool = False) -> float:
    """How much a record's name counts for each word it accounts for. ``shared``: other
    records' names hold the same words ("badge pickup" begins three names): they tell
    nothing apart."""
    if m.exact and m.distinctive:
        return EXACT_NAME
    if m.exact and len(m.words) > 1 and not shared:  # "Badge pickup at the airport"
        return EXACT_NAME - 0.5
    if m.exact:  # "Expo", "Yoga": the concept's own word
        return GENERIC_NAME + 0.5
    if m.phrase and not shared:  # "opening keynote" typed as a run of the name's words
        return NAME
    if m.distinctive:
        return GENERIC_NAME + NAME * m.coverage
    return GENERIC_NAME * m.coverage


def _mention_rank(m: Mention, shared: bool) -> int:
    if m.distinctive or (not shared and (m.phrase or (m.exact and len(m.words) > 1))):
        return 0
    return 4 if m.exact else 6


MAX_EVIDENCE_RECORDS = 60  # a candidate about thousands of sessions reads only some
MAX_TEXT_CANDIDATES = 12  # records found only by words of their text: the best few


def _evidence(
    cache: dict, key: object, texts: Callable[[], tuple[list[str], list[str]]]
) -> Callable[[], Evidence]:
    """A candidate's own text (its names, and what it says: notes, where, directions), read
    only when a question asks beyond its name, and kept until the data changes."""

    def read() -> Evidence:
        if key in cache:
            return cache[key]
        if len(cache) > 10_000:
            cache.clear()
        cache[key] = _read_evidence(texts())
        return cache[key]

    return read


def _show_evidence(
    q: Question, c: Candidate, got: dict[int, float], answer: Answer, lexicon: Lexicon
) -> None:
    """When a word was accounted for by a record's own text ('map' in the Expo's notes),
    make sure the answer shows that sentence."""
    words = [i for i, w in got.items() if w == EVIDENCE and i in q.content]
    if not words:
        return
    forms: set[str] = set()
    for i in words:
        forms |= q.words[i].keys
        for h in [*q.synonyms, *q.concepts]:
            if i in h.words and not (h in q.synonyms and h.name in EXACT):
                section = "synonyms" if h in q.synonyms else "concepts"
                forms |= lexicon.group_words(section, h.name)
            elif i in h.words and len(q.words[i].word) >= 4:  # "gluten" in "glutenfree"
                forms |= {k for k in c.evidence().keys if q.words[i].word in k}
    shown = normalize(answer.text)
    extra = [
        s
        for s in c.evidence().sentences_with(forms)
        if normalize(s) not in shown and detect(normalize(s)) == q.language  # in their language
    ][:2]
    if extra:
        answer.text += "\n" + "\n".join(extra)


def _item_texts(ctx: Context, group: list[ScheduleItem]) -> tuple[list[str], list[str]]:
    names, says = [], []
    for i in group:
        names += [i.title, i.speaker, ctx.venue_name(i.venue), *i.aliases]
        names += [i.code, i.format, i.level, *i.topics]
        says += [i.notes, i.where, i.abstract]
        for t in i.translations.values():
            names += [t.get("title", "")]
            says += [t.get("notes", ""), t.get("where", "")]
        for s in ctx.data.speakers:
            if s.id in i.speakers:
                names += [s.role, *s.aliases]
    return names, says


def _candidates(q: Question, ctx: Context, state: _State) -> list[Candidate]:
    data = ctx.data
    out: list[Candidate] = []
    when = q.when
    day = when.day if when and when.day else ctx.today
    if when and when.moment:
        moment = when.moment
    elif day == ctx.today:
        moment = ctx.now
    else:
        moment = datetime.combine(day, datetime.min.time(), tzinfo=ctx.zone)
    places = q.near or q.venues
    groups = state.understanding.index.groups
    cache = state.evidence
    wants_next = q.has_attribute("next")
    wants_all = q.has_attribute("all")
    wants_last = q.has_attribute("last")
    asks_open = q.has_attribute("hours")

    # 1. Records the question names.
    items_named = [m for m in q.mentions if m.ref.kind == "item"]
    partial_sessions = 0
    for m in q.mentions:
        kind, key = m.ref.kind, m.ref.key
        shared = m.ref.kind == "item" and any(
            o is not m and (m.phrase or m.words) <= o.words for o in items_named
        )
        weight = _mention_weight(m, shared)
        # "the" inside "Tram to the party" tells nothing: a name's plain words count little
        own = {i: weight if i in q.content else min(weight, ATTRIBUTE) for i in m.words}
        rank = _mention_rank(m, shared)
        if kind == "item" and key in state.sessions.groups:
            # A catalog holds thousands of titles sharing words: only the best few of the
            # sessions a question names in part are worth weighing.
            if not m.exact and (not m.distinctive or partial_sessions >= MAX_PARTIAL_SESSIONS):
                continue
            partial_sessions += not m.exact
            if not m.exact:  # "on" inside "Java on AWS Lambda" is no evidence of it
                own = {i: w for i, w in own.items() if i in q.content}
            out.append(_session_candidate(q, ctx, state, key, own, rank))
            continue
        if kind == "item":
            group = groups.get(key, [])
            if group:
                out.append(
                    Candidate(
                        "schedule",
                        own,
                        rank,
                        _render_item(ctx, q, group, asks_open, places),
                        frozenset({group[0].kind}),
                        _evidence(
                            cache, ("item", key), lambda group=group: _item_texts(ctx, group)
                        ),
                        people=any(i.speaker for i in group),
                        # named ("the drinks", "루프탑"), not by a time word of its title
                        reached_by=_reached_by(data, group)
                        if m.exact or m.complete or (m.distinctive and not m.words & q.time_words)
                        else frozenset(),
                    )
                )
        elif kind == "speaker" and (m.exact or m.distinctive):
            # Not a person by a word that only happens to be part of their name ("parking"
            # and Jun-ho Park): with a catalog's hundreds of speakers, some name holds any word.
            group = [i for i in data.schedule if key in i.speakers]
            if group:
                kinds = frozenset(i.kind for i in group)
                out.append(
                    Candidate(
                        "speaker",
                        {i: w * (0.8 if m.role else 1.0) for i, w in own.items()},
                        rank,
                        lambda group=group, kinds=kinds: schedule.by_kind(
                            ctx,
                            group,
                            sorted(kinds),
                            when,
                            wants_next=wants_next,
                            wants_all=True,
                            intent=group[0].kind,
                        ),
                        kinds,
                        _evidence(
                            cache, ("speaker", key), lambda group=group: _item_texts(ctx, group)
                        ),
                        people=True,
                    )
                )
        elif kind == "swag":
            records = [s for s in data.swag if s.id.split("@")[0] == key]
            out.append(
                Candidate(
                    "swag",
                    own,
                    rank,
                    lambda key=key: swag.answer(ctx, [key], day, places),
                    frozenset(),
                    _evidence(
                        cache,
                        ("swag", key),
                        lambda records=records: (
                            [s.item for s in records[:1]],
                            [x for s in records[:1] for x in (s.notes, s.where, s.eligible)],
                        ),
                    ),
                    people=True,  # who may have it
                )
            )
        elif kind == "service":
            runs = [t for t in data.transport if t.service == key]
            out.append(
                Candidate(
                    "transport",
                    own,
                    rank,
                    lambda runs=runs: _service_or_route(ctx, q, runs, day, moment, wants_last),
                    frozenset({runs[0].kind}),
                    _evidence(
                        cache,
                        ("service", key),
                        lambda runs=runs: ([runs[0].name], [runs[0].notes, runs[0].where]),
                    ),
                )
            )
        elif kind == "meal":
            out.append(
                Candidate(
                    "meals",
                    own,
                    rank,
                    lambda key=key: meals.answer(ctx, key, when, places, _food_words()),
                    frozenset({key}),
                    _evidence(
                        cache,
                        ("meal", key),
                        lambda key=key: (
                            [*(a for x in data.meals if x.kind == key for a in x.aliases)],
                            [y for x in data.meals if x.kind == key for y in (x.notes, x.where)],
                        ),
                    ),
                )
            )
        elif kind == "venue" and key in q.venues and not (q.origin and q.destination):
            v = data.venue(key)
            out.append(
                Candidate(
                    "venue",
                    dict.fromkeys(m.words, NAME),
                    4,
                    lambda key=key: venues.answer(ctx, (key,)),
                    frozenset(),
                    _evidence(
                        cache,
                        ("venue", key),
                        lambda v=v: ([v.name, *v.features], [v.directions, v.notes]),
                    ),
                )
            )

    if (
        q.origin
        and q.destination
        and q.origin != q.destination
        and not any(CONCEPTS[h.name][0] == "transport" for h in q.concepts)
    ):
        out += _transport_candidates(q, ctx, {}, [], day, moment, wants_last, cache)

    if state.sessions:
        out.extend(_session_list_candidates(q, ctx, state, places, wants_next))

    # 2. What the question's concepts select. A word that names one thing of a gathering
    # concept ("yoga", "prayer room") selects the items of that name, or nothing.
    by_topic: dict[str, list] = {}
    lexicon = state.understanding.lexicon
    for h in q.concepts:
        topic, kind = CONCEPTS[h.name]
        if lexicon.is_member(h):
            by_topic.setdefault("member", []).append((h, kind))
        else:
            by_topic.setdefault(topic, []).append((h, kind))
    for topic, hits in by_topic.items():
        words = frozenset().union(*(h.words for h, _ in hits))
        kinds = [k for _, k in hits if k]
        own = dict.fromkeys(words, CONCEPT)
        if topic == "meals":
            kind = kinds[0] if kinds else None
            if (
                kind
                and not any(m.kind == kind for m in data.meals)
                and any(m.ref.kind == "meal" and m.words & words for m in q.mentions)
            ):
                continue  # "간식", an alias of the afternoon tea: that meal, not "no snacks"
            out.append(
                Candidate(
                    "meals",
                    own,
                    3,
                    lambda kind=kind: meals.answer(ctx, kind, when, places, _food_words()),
                    frozenset(kinds),
                    _evidence(
                        cache,
                        ("meals", ctx.language),
                        # each note under its meal's name: "Lunch: halal and vegan at the
                        # green counter" says which meal, shown under another one
                        lambda: (
                            [],
                            [
                                f"{meals.label(ctx, m.kind, [m])}: {x}"
                                for m in data.meals
                                for x in (ctx.text(m, "notes"), ctx.text(m, "where"))
                                if x
                            ],
                        ),
                    ),
                )
            )
        elif topic == "transport":
            out.extend(_transport_candidates(q, ctx, own, kinds, day, moment, wants_last, cache))
        elif topic == "swag":
            names = {h.name for h, _ in hits} - {"swag"}
            out.append(
                Candidate(
                    "swag",
                    own,
                    3,
                    lambda names=names: swag.answer(
                        ctx, _swag_keys(ctx, state, names), day, places
                    ),
                    frozenset(),
                    _evidence(
                        cache,
                        ("swag",),
                        lambda: (
                            [s.item for s in data.swag],
                            [x for s in data.swag for x in (s.notes, s.where, s.eligible)],
                        ),
                    ),
                    people=True,
                )
            )
        elif topic == "member":
            for h, kind in hits:
                named = _named_by_words(q, groups, h.words)
                if named:
                    out.append(
                        Candidate(
                            "schedule",
                            dict.fromkeys(h.words, CONCEPT),
                            3,
                            lambda named=named, kind=kind: schedule.by_kind(
                                ctx,
                                named,
                                [kind],
                                when,
                                wants_next=wants_next,
                                wants_all=wants_all,
                                venues=places,
                                intent=kind,
                            ),
                            frozenset(i.kind for i in named) | {kind},
                            _evidence(
                                cache,
                                ("member", tuple(i.id for i in named[:MAX_EVIDENCE_RECORDS])),
                                lambda named=named: _item_texts(ctx, named[:MAX_EVIDENCE_RECORDS]),
                            ),
                            people=any(i.speaker for i in named),
                        )
                    )
        elif topic == "schedule":
            # "talks" is the word for the kind: a few titles holding it do not narrow it
            names_kind = all(h.name in lexicon.kind_words for h, _ in hits)
            chosen = _named_by_concepts(q, data, groups, words, kinds, names_kind)
            out.append(
                Candidate(
                    "schedule",
                    own,
                    3,
                    lambda chosen=chosen, kinds=kinds: schedule.by_kind(
                        ctx,
                        chosen,
                        kinds,
                        when,
                        wants_next=wants_next,
                        wants_all=wants_all,
                        venues=places,
                        intent=kinds[0],
                    ),
                    frozenset(kinds),
                    _evidence(
                        cache,
                        ("schedule", tuple(i.id for i in chosen[:MAX_EVIDENCE_RECORDS])),
                        lambda chosen=chosen: _item_texts(ctx, chosen[:MAX_EVIDENCE_RECORDS]),
                    ),
                    people=any(i.speaker for i in chosen),
                )
            )
        elif topic == "speaker" and not any(m.ref.kind in {"speaker", "item"} for m in q.mentions):
            chosen = [i for i in data.schedule if i.speaker]
            if chosen:
                out.append(
                    Candidate(
                        "speaker",
                        own,
                        3,
                        lambda chosen=chosen: schedule.by_kind(
                            ctx,
                            chosen,
                            sorted({i.kind for i in chosen}),
                            when,
                            wants_next=wants_next,
                            wants_all=True,
                            venues=places,
                        ),
                        frozenset(i.kind for i in chosen),
                        _evidence(
                            cache,
                            ("speakers",),
                            lambda chosen=chosen: _item_texts(ctx, chosen[:MAX_EVIDENCE_RECORDS]),
                        ),
                        people=True,
                    )
                )
        elif topic == "agenda":
            out.append(
                Candidate("agenda", own, 3, lambda: schedule.agenda(ctx, when, places, wants_next))
            )
        elif topic == "venue" and q.venues:
            out.append(Candidate("venue", own, 4, lambda: venues.answer(ctx, q.venues)))
        elif topic == "credits":
            out.append(
                Candidate(
                    "credits", own, 3, lambda: Answer(ctx.t("credits"), "credits"), placed=False
                )
            )
    if q.zone and _is_timezone_question(q):
        # A time asked in a zone is computed, never a rule of thumb from the FAQ.
        zone_words = {i: EXACT_NAME + 0.5 for i in q.zone_words}
        zone_words.update(
            {i: EXACT_NAME + 0.5 for h, _ in by_topic.get("timezone", []) for i in h.words}
        )
        out.append(
            Candidate(
                "timezone",
                zone_words,
                1,
                lambda: timezones.answer(ctx, q.zone, when, _given_in_zone(q)),
                placed=False,
            )
        )

    # 3. The FAQ.
    for match in state.faq.match(q)[:3]:
        if match.score < MIN_FAQ_SCORE or match.coverage < MIN_FAQ_COVERAGE:
            continue
        entry = match.faq
        out.append(
            Candidate(
                "faq",
                dict(match.words),
                2,
                lambda entry=entry: faq.render(ctx, entry, saved=entry.source == "organizers"),
                frozenset(),
                _evidence(
                    cache,
                    ("faq", entry.id),
                    lambda entry=entry: (
                        [entry.question, *entry.questions, *entry.keywords]
                        + [x.get("question", "") for x in entry.translations.values()],
                        [entry.answer] + [x.get("answer", "") for x in entry.translations.values()],
                    ),
                ),
                placed=False,
                matched=True,
                bonus=match.coverage,
            )
        )

    # 4. Words only some record's own text uses ("parking" in a venue's notes).
    if not any(c.rank < 6 for c in out):
        out.extend(_text_candidates(q, ctx, state))
    return out


def _named_by_words(q: Question, groups: dict, words: frozenset[int]) -> list[ScheduleItem]:
    """Items whose names hold all of the question's words ("yoga" -> "Morning yoga";
    "prayer room" is not the "Quiet room")."""
    found = [
        i
        for m in q.mentions
        if m.ref.kind == "item" and words <= m.words
        for i in groups.get(m.ref.key, [])
    ]
    return sorted(set(found), key=lambda i: i.start)


MAX_PARTIAL_SESSIONS = 12


def _session_candidate(
    q: Question, ctx: Context, state: _State, group: str, own: dict[int, float], rank: int
) -> Candidate:
    """One session of a catalog named by its code or title: every occurrence of it."""
    occurrences = state.sessions.occurrences(group)
    u = state.understanding
    # What its answer always says (whether it repeats; for reserved seats, the walk-up
    # advice) answers "is there a repeat of X?" and "when do I line up for X?" better than
    # the FAQ alone does.
    advice = state.sessions.advice(ctx.data, u.lexicon, u.reader)
    reserved = any(i.reservable for i in occurrences)
    said = {"repeat"} | ({sessions.WALKUP} if reserved and advice else set())
    own = own | {i: NAME for h in q.synonyms if h.name in said for i in h.words}

    def render() -> Answer:
        return sessions.answer(ctx, q, occurrences, advice)

    def evidence() -> Evidence:
        key = ("session", group)
        if key not in state.evidence:
            texts = _item_texts(ctx, occurrences)
            # The answer always says whether it repeats and whether seats are reserved, and
            # gives the walk-up advice for reserved seats: the words that ask for those.
            extra = ["repeat"] + (["reserve"] if reserved else [])
            extra += [sessions.WALKUP] if reserved and advice else []
            words = [" ".join(u.lexicon.group_words("synonyms", g)) for g in extra]
            if len(state.evidence) > 10_000:  # thousands of sessions asked about: bounded
                state.evidence.clear()
            state.evidence[key] = _read_evidence(texts, words)
        return state.evidence[key]

    return Candidate(
        "schedule",
        own,
        rank,
        render,
        frozenset(i.kind for i in occurrences),
        evidence,
        people=any(i.speakers or i.speaker for i in occurrences),
    )


def _session_list_candidates(
    q: Question, ctx: Context, state: _State, places: tuple[str, ...], wants_next: bool
) -> list[Candidate]:
    """Sessions by topic, format, level or speaker ('300-level workshops on Wednesday',
    'kubernetes sessions tomorrow morning', 'Jane Doe's talks'), at a place and a time."""
    index = state.sessions
    facets = sessions.Facets()
    topics: dict[frozenset[int], set[str]] = {}
    # Per word, the best tag or speaker that names it: "Amazon S3" over "Amazon S3 Glacier",
    # "Ada Example" over "Fay Example".
    best: dict[tuple[str, int], tuple[bool, float]] = {}
    for m in q.mentions:
        if m.ref.kind in {"topic", "speaker"} and not m.role:
            for i in m.words:
                key = (m.ref.kind, i)
                best[key] = max(best.get(key, (False, 0.0)), (m.exact, m.coverage))
    for m in q.mentions:
        kind, key = m.ref.kind, m.ref.key
        if kind not in {"topic", "format", "level", "speaker"} or m.role:
            continue  # a speaker's job title ("VP of Engineering") selects no sessions
        if not (m.exact or m.distinctive):
            continue  # "session" inside "Breakout session" selects nothing
        if kind == "topic" and not m.exact and m.coverage < 0.6:
            continue
        if kind in {"topic", "speaker"} and any(
            best[(kind, i)] > (m.exact, m.coverage) for i in m.words
        ):
            continue
        if kind == "topic":
            topics.setdefault(m.words, set()).update(index.by_topic.get(key, set()))
            facets.topic_keys.append(key)
        elif kind == "format":
            facets.formats.add(key)
        elif kind == "level":
            facets.levels.add(key)
        elif any(key in i.speakers for i in index.sessions):
            facets.speakers.add(key)
        else:
            continue
        for i in m.words:
            facets.words[i] = max(facets.words.get(i, 0.0), _mention_weight(m))
    facets.topics = list(topics.values())
    concept = [h for h in q.concepts if CONCEPTS[h.name] == ("schedule", "sessions")]
    # "anything at Wynn tomorrow at 1pm?": a place and a time, and nothing else asked for.
    place_and_time = bool(q.venues and q.when and q.when.phrase and not q.concepts)
    if not (facets or facets.speakers or concept or place_and_time):
        return []
    # Any other word the question leans on ("kubernetes sessions"): sessions whose title,
    # tags or abstract use it. Not words that ask for a fact (seats, price), nor words a
    # whole title or code explains (that is one session, answered on its own).
    u = state.understanding
    explained = set(facets.words) | _places_of(q)
    for group in (q.concepts, q.attributes):
        for h in group:
            explained |= h.words
    for m in q.mentions:
        if m.exact and m.ref.kind in {"item", "speaker", "venue", "service", "swag", "meal"}:
            explained |= m.words
    properties = frozenset().union(*(c.properties for c in catalogs()))
    asks = {i for h in q.synonyms if h.name in properties for i in h.words}
    weights = {i: _mention_weight(m) for m in reversed(q.mentions) for i in m.words}
    for i in sorted(q.content - explained - asks):
        found = index.with_word(q.words[i].keys)
        if not found:
            continue
        facets.text.append(found)
        facets.text_words.append(q.words[i].typed)
        facets.words[i] = max(EVIDENCE + 0.5, weights.get(i, 0.0))
    if not (facets or place_and_time or (concept and (facets.speakers or q.venues or q.when))):
        return []
    own = dict(facets.words)
    for h in concept:
        own.update(dict.fromkeys(h.words, CONCEPT))
    own.update(dict.fromkeys(q.time_words, ATTRIBUTE))  # it lists what is on then

    def render() -> Answer:
        chosen = sessions.select(
            ctx,
            index,
            facets,
            q.when,
            places,
            wants_next=wants_next,
            starting=q.has_attribute("starting"),
        )
        timed = [i for i in chosen if i.start is not None]
        if timed and q.has_attribute("last"):  # "when does the last session end today"
            latest = max(i.end or i.start for i in timed)
            chosen = [i for i in timed if (i.end or i.start) == latest]
        elif timed and q.has_attribute("first"):  # "the first workshop tomorrow"
            chosen = [i for i in timed if i.start == timed[0].start]
        if len(chosen) == 1:
            advice = index.advice(ctx.data, u.lexicon, u.reader)
            return sessions.answer(ctx, q, index.occurrences(_group(chosen[0])), advice)
        what = sessions.describe_facets(ctx, index, facets, q, places)
        when = sessions.when_words(ctx, q.when)
        if when:
            what = f"{what} ({when})" if what else when
        others = None
        if not chosen and q.when is not None:  # none then: say when there are some
            others = sessions.select(ctx, index, facets, None, places)
        return sessions.listing(ctx, chosen, what or ctx.t("label_sessions"), 0, others)

    return [
        Candidate(
            "schedule",
            own,
            0,
            render,
            frozenset({"sessions"}),
            people=bool(facets.speakers) or any(i.speakers for i in index.sessions[:1]),
            bonus=0.1,  # over the speaker's or the kind's own list: it pages, with buttons
        )
    ]


def _group(item: ScheduleItem) -> str:
    return item_group(item.kind, item.title)


def _read_evidence(texts: tuple[list[str], list[str]], words: list[str] = ()) -> Evidence:
    """Evidence from a record's names and what it says, plus words it answers for that it
    does not show; only what it says is ever shown."""
    names, says = texts
    written = [t for t in (*names, *says) if t]
    raw = " ".join(normalize(t) for t in [*written, *words])
    keys: set[str] = set()
    for tok in raw.replace(",", " ").replace(".", " ").split():
        keys |= lemmas(tok.strip(";:!?()'\""))
    return Evidence(keys, raw, [t for t in says if t])


def _named_by_concepts(
    q: Question,
    data: EventData,
    groups: dict,
    words: frozenset[int],
    kinds: list[str],
    names_kind: bool = False,
):
    """Items a concept's words name ("bingo", "expo", "yoga"), whatever their kind; else
    every item of the concept's kinds. A word that names the kind itself ("talks") names an
    item only by its whole name ("lightning talks")."""
    if names_kind:  # the items named whole ("lightning talks"), else the kind ("talks")
        whole = [
            i
            for m in q.mentions
            if m.ref.kind == "item" and m.words & words and (m.exact or m.complete)
            for i in groups.get(m.ref.key, [])
        ]
        return whole or [i for i in data.schedule if i.kind in kinds]
    named = [
        i
        for m in q.mentions
        if m.ref.kind == "item" and m.words & words and not m.distinctive
        for i in groups.get(m.ref.key, [])
    ]
    of_kind = [i for i in data.schedule if i.kind in kinds]
    if not named:
        return of_kind
    # "키노트" names most keynotes: it means the kind. "yoga" names one activity of many.
    if of_kind and len({i for i in named if i in of_kind}) * 2 > len(of_kind):
        return sorted(set(named) | set(of_kind), key=lambda i: i.start)
    return named


def _swag_keys(ctx: Context, state: _State, concepts: set[str]) -> list[str]:
    """Swag items whose own words name what was asked for ('후드' finds the hoodie)."""
    if not concepts:
        return []
    lexicon = state.understanding.lexicon
    wanted: set[str] = set()
    for name in concepts:
        wanted |= lexicon.group_words("concepts", name)
    if ("swag words",) not in state.evidence:  # each item's words, read once per load
        read = []
        for s in ctx.data.swag:
            text = normalize(f"{s.item} {s.notes} {' '.join(s.aliases)}")
            tokens = {k for tok in text.split() for k in lemmas(tok.strip(".,()"))}
            read.append((s.id.split("@")[0], text, tokens))
        state.evidence[("swag words",)] = read
    keys = [
        key
        for key, text, tokens in state.evidence[("swag words",)]
        if tokens & wanted or any(w in text for w in wanted if " " in w or not w.isascii())
    ]
    return list(dict.fromkeys(keys))


def _reached_by(data: EventData, group: list[ScheduleItem]) -> frozenset[str]:
    """The kinds of transport that run to a group of items or stop at their place (what its
    answer's way there and back shows)."""
    ids = {i.id for i in group}
    places = {i.venue for i in group if i.venue}
    return frozenset(t.kind for t in data.transport if ids & set(t.serves) or places & set(t.stops))


def _render_item(
    ctx: Context, q: Question, group: list, asks_open: bool, places
) -> Callable[[], Answer]:
    def render() -> Answer:
        answer = items.answer(ctx, group, q.when, asks_open=asks_open, venues=places)
        # "how do I get there" adds the way; "the canal boat tour" names a boat, asks none
        own_names = normalize(" ".join(n for i in group for n in (i.title, *i.aliases)))
        if any(
            CONCEPTS[h.name][0] == "transport" and h.phrase not in own_names for h in q.concepts
        ):
            extra = schedule.getting_there(ctx, group)
            if extra:
                answer.text += "\n" + extra
            elif group[0].venue:
                answer.text += (
                    "\n" + transport.getting_to(ctx, group[0].venue, ctx.today, ctx.now).text
                )
        return answer

    return render


def _service_or_route(ctx: Context, q: Question, runs, day, moment, wants_last) -> Answer:
    """A service named ('the party bus'); from A to B on it when places are named."""
    if q.origin and q.destination:
        return transport.route_answer(ctx, q.origin, q.destination, day, moment, [runs[0].kind])
    target = q.destination or (q.venues[0] if len(q.venues) == 1 else None)
    if target:
        return transport.getting_to(ctx, target, day, moment, [runs[0].kind])
    return transport.service_answer(ctx, runs, day, moment, wants_last=wants_last)


def _transport_candidates(
    q: Question,
    ctx: Context,
    own: dict[int, float],
    kinds: list[str],
    day,
    moment,
    wants_last,
    cache: dict,
) -> list[Candidate]:
    data = ctx.data
    service_kinds = [k for k in kinds if k != "walk"]
    evidence = _evidence(
        cache,
        ("transport",),
        lambda: (
            [x.name for x in data.transport],
            [y for x in data.transport for y in (x.notes, x.where)]
            + [r.notes for r in data.routes],
        ),
    )
    kinds_set = frozenset(kinds)
    if q.origin and q.destination and q.origin != q.destination:
        own = own | {
            i: _mention_weight(m)
            for m in q.mentions
            if m.ref.key in {q.origin, q.destination}
            for i in m.words
        }
        return [
            Candidate(
                "transport",
                own,
                1,
                lambda: transport.route_answer(ctx, q.origin, q.destination, day, moment, kinds),
                kinds_set,
                evidence,
            )
        ]
    if q.origin and not q.destination and q.venues == (q.origin,):  # "from the airport"
        own = own | {
            i: _mention_weight(m) for m in q.mentions if m.ref.key == q.origin for i in m.words
        }
        return [
            Candidate(
                "transport",
                own,
                1,
                lambda: transport.leaving(ctx, q.origin, day, moment, service_kinds),
                kinds_set,
                evidence,
            )
        ]
    target = q.destination or (q.venues[0] if len(q.venues) == 1 else None)
    if target:
        own = own | {
            i: _mention_weight(m) for m in q.mentions if m.ref.key == target for i in m.words
        }
        return [
            Candidate(
                "transport",
                own,
                1,
                lambda: transport.getting_to(ctx, target, day, moment, service_kinds),
                kinds_set,
                evidence,
            )
        ]
    if not service_kinds and any(m.ref.kind in {"item", "speaker"} for m in q.mentions):
        return []  # "how do I get to the party": the party's own answer says
    wanted = list(service_kinds)
    if wanted and not transport.services_of(ctx, wanted):
        wanted = [r for k in service_kinds for r in RELATED_SERVICES.get(k, ())]
    return [
        Candidate(
            "transport",
            own,
            3,
            lambda: transport.kinds_answer(ctx, wanted, day, moment, wants_last),
            kinds_set | frozenset(wanted),
            evidence,
        )
    ]


def _places_of(q: Question) -> set[int]:
    return {
        i for m in q.mentions if m.ref.kind == "venue" and m.ref.key in q.venues for i in m.words
    }


def _text_candidates(q: Question, ctx: Context, state: _State) -> list[Candidate]:
    """Records whose own text holds the question's otherwise unexplained words, or their
    everyday synonyms ('suitcase' finds the cloakroom's alias 'luggage storage'); a place
    inside a venue that items name in their where-text ('the main hall')."""
    index = state.understanding.index
    lexicon = state.understanding.lexicon
    explained = _places_of(q)
    for h in (*q.concepts, *q.attributes):
        if not lexicon.is_member(h):  # "raffle" names no item: perhaps some record's text
            explained |= h.words
    for m in q.mentions:
        if m.exact or m.distinctive:
            explained |= m.words
    found: dict = {}
    grounded: set = set()  # records that hold one of the words itself, or name a synonym
    by_name: dict = {}  # words a record's name (not its notes) holds: stronger evidence
    for i in sorted(q.content - explained):
        own = set(q.words[i].keys)
        synonyms: set[str] = set()
        for h in q.synonyms:
            if i in h.words:
                synonyms |= {w for w in lexicon.group_words("synonyms", h.name) if " " not in w}
        for key in sorted(own | synonyms):
            for ref in index.text_words.get(key, ()):
                found.setdefault(ref, set()).add(i)
                if key in own:
                    grounded.add(ref)
            for n, _pos in index.by_key.get(key, ()):
                found.setdefault(index.names[n].ref, set()).add(i)
                grounded.add(index.names[n].ref)
                by_name.setdefault(index.names[n].ref, set()).add(i)
    out = []
    # the records that hold the most of the words (a word thousands of notes share is no lead)
    best = sorted(found.items(), key=lambda rw: (-len(rw[1]), rw[0] not in grounded))
    for ref, words in best[:MAX_TEXT_CANDIDATES]:
        render = _render_place(ctx, q, ref, words, index) or _render_ref(ctx, q, ref, index.groups)
        if render is not None:
            out.append(
                Candidate(
                    "text",
                    {i: NAME if i in by_name.get(ref, ()) else EVIDENCE for i in words},
                    5,
                    render,
                    evidence=_evidence(
                        state.evidence, ("text", ref), lambda ref=ref: _ref_texts(ctx, ref, index)
                    ),
                    matched=True,
                    # "rain" in the yoga's notes does not answer a question about the weather
                    grounded=ref in grounded,
                )
            )
    return out


def _ref_texts(ctx: Context, ref, index) -> tuple[list[str], list[str]]:
    """A record's names and what it says, whatever its kind."""
    data = ctx.data
    if ref.kind == "item":
        return _item_texts(ctx, index.groups.get(ref.key, [])[:MAX_EVIDENCE_RECORDS])
    if ref.kind == "venue":
        v = data.venue(ref.key)
        return ([v.name, *v.aliases, *v.features], [v.directions, v.notes]) if v else ([], [])
    if ref.kind == "swag":
        s = [x for x in data.swag if x.id.split("@")[0] == ref.key][:1]
        return [x.item for x in s], [y for x in s for y in (x.notes, x.where, x.eligible)]
    if ref.kind == "service":
        s = [x for x in data.transport if x.service == ref.key][:1]
        return [x.name for x in s], [y for x in s for y in (x.notes, x.where)]
    return [], []


def _render_place(ctx: Context, q: Question, ref, words: set[int], index):
    """'Where is the Main Hall?': a place that items give as their where-text."""
    if ref.kind != "item":
        return None
    wanted = set().union(*(q.words[i].keys for i in words))
    for item in index.groups.get(ref.key, []):
        place = {k for tok in normalize(item.where).split() for k in lemmas(tok.strip(",.()"))}
        if item.where and wanted <= place:
            there = [
                i for i in ctx.data.schedule if i.where == item.where and i.venue == item.venue
            ]
            return lambda item=item, there=there: venues.place(
                ctx, item.venue, item.where, there, q.when
            )
    return None


def _render_ref(ctx: Context, q: Question, ref, groups: dict) -> Callable[[], Answer | None] | None:
    data = ctx.data
    if ref.kind == "venue":
        return lambda: venues.answer(ctx, (ref.key,))
    if ref.kind == "item":
        group = groups.get(ref.key, [])
        return (lambda: items.answer(ctx, group, q.when)) if group else None
    if ref.kind == "swag":
        return lambda: swag.answer(ctx, [ref.key], ctx.today)
    if ref.kind == "service":
        runs = [t for t in data.transport if t.service == ref.key]
        return lambda: transport.service_answer(ctx, runs, ctx.today, ctx.now)
    return None


def _given_in_zone(q: Question) -> bool:
    """'8 AM Seoul time', 'KST 8시': the time is written in the zone named next to it."""
    if not q.zone_words or not q.time_words:
        return False
    return (
        0 < min(q.zone_words) - max(q.time_words) <= 2
        or 0 < min(q.time_words) - max(q.zone_words) <= 1
    )


def _food_words() -> set[str]:
    words: set[str] = set()
    for cat in catalogs():
        for name in ("food", "drinks", "dinner", "snacks", "lunch"):
            words.update(w for w in cat.concepts.get(name, ()) if " " not in w)
    return words
