"""Sessions of a catalog: one session by its code or title (with its repeats), and lists of
sessions by topic, format, level, speaker, place and time.

A session answer says when (the event's time and the asker's), where (venue and room),
what kind (format and level), who speaks, when it repeats, and, for sessions with reserved
seats, the walk-up advice the event's own data holds (an FAQ entry or a note whose words
the language catalogs tie to walk-ups; never a sentence written here).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from bot.answers.base import Answer, Context
from bot.answers.items import asks_day, speakers, window
from bot.clock import When
from bot.models import EventData, Faq, ScheduleItem
from bot.understanding import Question
from bot.understanding.lexicon import Lexicon
from bot.understanding.normalize import normalize
from bot.understanding.vocabulary import item_group
from bot.understanding.words import WordReader, lemmas

PAGE = 5  # sessions a list shows at once; Slack pages through the rest with "More"
STARTING_AT = timedelta(minutes=30)  # "starting at 4 PM": from 4:00 to before 4:30
ABSTRACT_CHARS = 220
WALKUP = "walkup"  # the synonym group (language catalogs) that names walk-up advice


@dataclass
class Facets:
    """What a question selects sessions by, and the question words that say so."""

    topics: list[set[str]] = field(default_factory=list)  # per topic named: matching ids
    formats: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)
    speakers: set[str] = field(default_factory=set)
    text: list[set[str]] = field(default_factory=list)  # per other word: ids whose text has it
    text_words: list[str] = field(default_factory=list)  # those words, as typed
    topic_keys: list[str] = field(default_factory=list)  # the tags chosen, to name them
    words: dict[int, float] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.topics or self.formats or self.levels or self.text)


class SessionIndex:
    """A catalog's sessions by series, tag, format and level (built once per load)."""

    def __init__(self, data: EventData):
        self.sessions = [i for i in [*data.schedule, *data.unscheduled] if i.code]
        self.by_id = {i.id: i for i in self.sessions}
        self.series: dict[str, list[ScheduleItem]] = defaultdict(list)
        self.by_topic: dict[str, set[str]] = defaultdict(set)
        self.by_format: dict[str, set[str]] = defaultdict(set)
        self.by_level: dict[str, set[str]] = defaultdict(set)
        self.groups: dict[str, list[ScheduleItem]] = defaultdict(list)
        for i in self.sessions:
            self.series[i.series].append(i)
            self.groups[item_group(i.kind, i.title)].append(i)
            for tag in i.topics:
                self.by_topic[normalize(tag)].add(i.id)
            if i.format:
                self.by_format[normalize(i.format)].add(i.id)
            if i.level:
                self.by_level[normalize(i.level)].add(i.id)
        # normalized -> as the catalog writes it, to name what a list is of
        self.names: dict[str, str] = {}
        for i in self.sessions:
            for text in (i.format, i.level, *i.topics):
                if text:
                    self.names.setdefault(normalize(text), text)
        self._advice: list | None = None
        self._words: dict[str, set[str]] | None = None

    def with_word(self, keys: frozenset[str]) -> set[str]:
        """Sessions whose title, tags or abstract use a word (any of its forms)."""
        if self._words is None:
            self._words = defaultdict(set)
            for i in self.sessions:
                text = normalize(" ".join((i.title, *i.topics, i.abstract, i.code)))
                for tok in set(text.split()):
                    for key in lemmas(tok.strip(".,;:!?()'\"")):
                        self._words[key].add(i.id)
        found: set[str] = set()
        for key in keys:
            found |= self._words.get(key, set())
        return found

    def __bool__(self) -> bool:
        return bool(self.sessions)

    def occurrences(self, group: str) -> list[ScheduleItem]:
        """A session and its repeats (same series, whatever their titles), in time order,
        those without a time last."""
        items = {i.id: i for i in self.groups.get(group, [])}
        for i in list(items.values()):
            items.update({x.id: x for x in self.series.get(i.series, [])})
        return _in_time_order(items.values())

    def advice(self, data: EventData, lexicon: Lexicon, reader: WordReader) -> list:
        """The event's walk-up advice: FAQ entries, then notes, whose words the catalogs
        tie to walk-ups (found once per load)."""
        if self._advice is None:
            scored = []
            for f in data.faq:
                texts = [f.question, *f.questions, *f.keywords]
                hits = _walkup_hits(texts, lexicon, reader)
                if hits:
                    scored.append((hits, f))
            notes = [i for i in data.schedule if i.notes and not i.code]
            notes += [v for v in data.venues if v.notes]
            for record in notes:
                if _walkup_hits([record.notes], lexicon, reader):
                    scored.append((0, record))
            scored.sort(key=lambda s: -s[0])
            self._advice = [record for _, record in scored[:1]]
        return self._advice


def _walkup_hits(texts: list[str], lexicon: Lexicon, reader: WordReader) -> int:
    hits = 0
    for text in texts:
        norm = normalize(text)
        words = reader.words(norm)
        hits += sum(1 for h in lexicon.synonym_hits(norm, words) if h.name == WALKUP)
    return hits


def _in_time_order(items) -> list[ScheduleItem]:
    timed = sorted((i for i in items if i.start is not None), key=lambda i: (i.start, i.code))
    return timed + sorted((i for i in items if i.start is None), key=lambda i: i.code)


# -- one session ------------------------------------------------------------------------------


def named_code(q: Question, items: list[ScheduleItem]) -> ScheduleItem | None:
    """The occurrence whose own code the question types ("DOP321-R" is the repeat; "svs
    402 r" too, but not the "r" of "recorded")."""
    tokens = _CODE_PARTS.findall(q.text.lower())
    typed = {"".join(tokens[a:b]) for a in range(len(tokens)) for b in range(a + 1, a + 4)}
    found = [i for i in items if re.sub(r"[\W_]", "", i.code.lower()) in typed]
    return max(found, key=lambda i: len(i.code)) if found else None


_CODE_PARTS = re.compile(r"[a-z0-9]+")


def details(ctx: Context, item: ScheduleItem) -> str:
    """'Breakout session, 300 - Advanced'."""
    return ", ".join(p for p in (item.format, item.level) if p)


def name(ctx: Context, item: ScheduleItem) -> str:
    """'DOP321 Continuous delivery at scale'."""
    title = ctx.name(item)
    return f"{item.code} {title}" if item.code and item.code not in title else title


def when_text(ctx: Context, item: ScheduleItem) -> str:
    if item.start is None and item.day is not None:
        return ctx.t("session_when", day=ctx.day(item.day), span=ctx.t("session_tba"))
    if item.start is None:
        return ctx.t("session_tba")
    return ctx.t(
        "session_when", day=ctx.day(ctx.local_day(item.start)), span=ctx.span(item.start, item.end)
    )


def place(ctx: Context, item: ScheduleItem) -> str:
    where = ctx.venue(item.venue, ctx.text(item, "where"))
    return ctx.t("item_place", place=where) if where else ""


def tag(ctx: Context, item: ScheduleItem) -> str:
    if item.start is None:
        return ""
    if (item.end or item.start) < ctx.now:
        return f" [{ctx.t('over_tag')}]"
    if item.start <= ctx.now:
        return f" [{ctx.t('on_now_tag')}]"
    return ""


def line(ctx: Context, item: ScheduleItem, *, full: bool = False) -> str:
    """One session in one line: '*DOP321 Title* (Breakout session, 300 - Advanced): Tuesday,
    Nov 28, 10:30 AM - 11:30 AM PST at MGM Grand (Level 1 | Room 116).'"""
    kind = details(ctx, item)
    text = ctx.t(
        "session_line",
        name=name(ctx, item),
        details=f" ({kind})" if kind else "",
        tag=tag(ctx, item),
        when=when_text(ctx, item),
        place=place(ctx, item),
    )
    if full:
        who = speakers(ctx, item)
        if who:
            text += " " + ctx.t("session_speakers", names=who)
    return text


def answer(
    ctx: Context,
    q: Question,
    items: list[ScheduleItem],
    advice: list,
) -> Answer:
    """One session, every occurrence: the one asked about in full, then its repeats."""
    items = _in_time_order(items)
    first = named_code(q, items)
    if first is None and q.when is not None and (asks_day(q.when) or q.when.part):
        lo, hi = window(ctx, q.when)
        on_day = [
            i for i in items if i.start is not None and i.start < hi and (i.end or i.start) >= lo
        ]
        first = on_day[0] if on_day else None
    if first is None:
        upcoming = [i for i in items if i.start is not None and (i.end or i.start) >= ctx.now]
        first = (upcoming or [i for i in items if i.start is None] or items)[0]
    lines = [line(ctx, first, full=True)]
    if first.abstract:
        lines.append(_short(ctx.text(first, "abstract")))
    if first.topics:  # "Recorded", "Bring your laptop", the services: what people ask next
        lines.append(ctx.t("session_tags", tags=", ".join(first.topics)))
    others = [i for i in items if i is not first]
    if others:
        key = "session_repeat" if first.code == first.series or not first.code else "session_also"
        lines += [ctx.t(key, line=line(ctx, i)) for i in others]
    elif first.code:
        lines.append(ctx.t("session_no_repeat"))
    if any(i.reservable for i in items):
        lines.append(ctx.t("session_reserved"))
        for record in advice:
            lines.append(ctx.text(record, "answer" if isinstance(record, Faq) else "notes"))
    return Answer(
        "\n".join(lines),
        intent="session",
        title=name(ctx, first),
        items=[first.id] + [i.id for i in items if i is not first],
    )


def _short(text: str) -> str:
    """The abstract's first sentence or so."""
    text = " ".join(text.split())
    if len(text) <= ABSTRACT_CHARS:
        return f"_{text}_"
    cut = text[:ABSTRACT_CHARS]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return f"_{cut[: end + 1] if end > 60 else cut.rsplit(' ', 1)[0] + '…'}_"


# -- lists ------------------------------------------------------------------------------------------


def select(
    ctx: Context,
    sessions: SessionIndex,
    facets: Facets,
    when: When | None,
    venues: tuple[str, ...],
    *,
    wants_next: bool = False,
    starting: bool = False,
) -> list[ScheduleItem]:
    """The sessions a question selects, in time order: every facet it names (within one
    kind of facet, any), at the places and in the time it names, upcoming unless it names
    a time."""
    ids: set[str] | None = None

    def narrow(found: set[str]) -> None:
        nonlocal ids
        ids = found if ids is None else ids & found

    if facets.topics:
        every = set.intersection(*facets.topics)
        narrow(every or set.union(*facets.topics))
    for chosen, by in ((facets.formats, sessions.by_format), (facets.levels, sessions.by_level)):
        if chosen:
            narrow(set().union(*(by.get(k, set()) for k in chosen)))
    if facets.speakers:
        narrow({i.id for i in sessions.sessions if facets.speakers & set(i.speakers)})
    for found in facets.text:
        narrow(found)
    pool = sessions.sessions if ids is None else [sessions.by_id[i] for i in ids]
    if venues:
        pool = [i for i in pool if i.venue in venues]
    timed = [i for i in pool if i.start is not None]
    if when is not None and when.until is not None:
        lo = when.moment or ctx.now
        timed = [i for i in timed if lo <= i.start <= when.until]
    elif when is not None and when.moment is not None and starting:  # "starting at 4 PM"
        moment = when.moment
        timed = [i for i in timed if moment <= i.start < moment + STARTING_AT]
    elif when is not None and when.moment is not None:
        moment = when.moment
        timed = [i for i in timed if i.start <= moment < (i.end or i.start + timedelta(minutes=1))]
    elif when is not None and (asks_day(when) or when.part) and not when.is_now:
        lo, hi = window(ctx, when)
        timed = [i for i in timed if lo <= i.start < hi]
    elif when is not None and when.is_now:
        timed = [i for i in timed if i.start <= ctx.now < (i.end or i.start)]
    elif wants_next:
        timed = [i for i in timed if i.start > ctx.now]
    else:
        upcoming = [i for i in timed if (i.end or i.start) >= ctx.now]
        timed = upcoming or timed
    chosen = _in_time_order(timed)
    if when is None and not wants_next:  # no time asked: those not announced yet count too
        chosen += _in_time_order(i for i in pool if i.start is None)
    return chosen


def when_words(ctx: Context, when: When | None) -> str:
    """The time a list is for, in words: 'tomorrow (Tuesday, Nov 28) morning'."""
    if when is None or (not when.phrase and not when.part):
        return ""
    if when.until is not None:
        return when.phrase
    if when.moment is not None:
        return ctx.t("session_when", day=ctx.day(when.day), span=ctx.time(when.moment))
    part = ctx.t(f"part_{when.part}") if when.part else ""
    return f"{ctx.day(when.day)} {part.strip()}".strip()


def listing(
    ctx: Context,
    chosen: list[ScheduleItem],
    what: str,
    offset: int = 0,
    other_times: list[ScheduleItem] | None = None,
) -> Answer:
    """A page of sessions: how many, then five, then how many more. None at the time asked
    about: the next ones at other times."""
    if not chosen:
        text = ctx.t("sessions_none", what=what)
        upcoming = [i for i in other_times or [] if i.start is not None and i.start > ctx.now]
        if upcoming:
            text += "\n" + ctx.t("sessions_other_times")
            text += "".join(f"\n• {line(ctx, i)}" for i in upcoming[:3])
        return Answer(text, intent="sessions", items=[i.id for i in upcoming])
    page = chosen[offset : offset + PAGE]
    lines = [ctx.t("sessions_found", count=len(chosen), what=what)]
    lines += [f"• {line(ctx, i)}" for i in page]
    rest = len(chosen) - offset - len(page)
    if rest > 0:
        lines.append(ctx.t("sessions_more", count=rest))
    return Answer("\n".join(lines), intent="sessions", items=[i.id for i in chosen])


def describe_facets(
    ctx: Context, sessions: SessionIndex, facets: Facets, q: Question, venues: tuple[str, ...]
) -> str:
    """What was asked for, in words: 'Workshop, 300 - Advanced, on Kubernetes at MGM Grand'."""
    names = sessions.names
    parts = [names.get(f, f) for f in sorted(facets.formats)]
    parts += [names.get(v, v) for v in sorted(facets.levels)]
    topics = [names[t] for t in dict.fromkeys(facets.topic_keys) if t in names]
    topics += facets.text_words
    people = [ctx.name(s, "name") for s in ctx.data.speakers if s.id in facets.speakers]
    parts += [ctx.t("by_speaker", names=ctx.join(people))] if people else []
    text = ctx.join(parts)
    if topics:
        text = (
            ctx.t("sessions_on", what=text, topics=ctx.join(topics)) if text else ctx.join(topics)
        )
    if venues:
        text += ctx.t("item_place", place=ctx.join([ctx.venue_name(v) for v in venues]))
    return text.strip()
