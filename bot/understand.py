"""Text -> what the asker wants: topic scores, venues, meal kind, time and language.

Slack markup and emoji are stripped first; English words are matched with typo tolerance
and Korean words as substrings, since Korean attaches particles to the word (베네시안에서).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from bot.clock import When, parse_when
from bot.models import Event, EventData, Venue

MAX_QUESTION = 2000  # longer messages are cut: nobody asks a hallway question in 40,000 chars

_SLACK_USER = re.compile(r"<[@!][^>]*>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+\|?([^>]*)>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<(?:https?|mailto):[^>]*>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-]+:")
_FORMATTING = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Words that point at a topic. English entries are whole words (typos tolerated);
# entries in Hangul are substrings.
TOPIC_WORDS: dict[str, dict[str, float]] = {
    "meals": {
        "breakfast": 3, "lunch": 3, "brunch": 3, "dinner": 3, "food": 3, "eat": 3,
        "eating": 3, "hungry": 3, "meal": 3, "meals": 3, "coffee": 3, "decaf": 3, "snack": 3,
        "snacks": 3, "buffet": 3, "drinks": 1, "dining": 3, "starving": 3, "espresso": 3,
        "grub": 3, "chow": 3, "brekky": 3, "brekkie": 3, "nosh": 3,
        "latte": 3, "caffeine": 3,
        "아침": 1.5, "조식": 3, "점심": 3, "중식": 3, "저녁": 1, "식사": 3, "밥": 3, "먹": 3,
        "커피": 3, "간식": 3, "배고": 3, "뷔페": 3, "디카페인": 3, "음식": 3, "석식": 3,
    },
    "transport": {
        "shuttle": 3, "shuttles": 3, "bus": 3, "buses": 3, "coach": 3, "coaches": 3,
        "monorail": 3, "uber": 3, "lyft": 3, "taxi": 3, "cab": 3, "rideshare": 3, "ride": 2,
        "walk": 2.5, "walking": 2.5, "walkable": 3, "walkway": 3, "get": 0.5, "go": 0.5,
        "transport": 3, "transportation": 3, "commute": 2, "pickup": 0.5, "far": 1.5,
        "long": 0.5, "route": 2, "travel": 1.5,
        "셔틀": 3, "버스": 3, "모노레일": 3, "택시": 3, "우버": 3, "리프트": 2, "걸어": 3,
        "도보": 3, "가는": 2, "가려면": 3, "가나요": 2, "이동": 2, "어떻게 가": 3, "걸리": 2,
        "교통": 3, "타는": 2, "승차": 2,
    },
    "swag": {
        "swag": 3, "hoodie": 3, "hoody": 3, "sweatshirt": 3, "tumbler": 3, "shirt": 3,
        "tshirt": 3, "t-shirt": 3, "tee": 2, "giveaway": 3, "giveaways": 3, "freebies": 3,
        "merch": 3, "sticker": 3, "stickers": 3, "lego": 3, "socks": 3, "goodies": 3,
        "스웨그": 3, "굿즈": 3, "후드": 3, "후디": 3, "텀블러": 3, "티셔츠": 3, "기념품": 3,
        "스티커": 3, "레고": 3, "선물": 2,
    },
    "keynote": {
        "keynote": 4, "keynotes": 4, "key note": 4, "werner": 4, "vogels": 4, "selipsky": 4,
        "swami": 4, "sivasubramanian": 4, "desantis": 4, "peter": 2, "adam": 2,
        "mnl": 4, "monday night live": 4, "cto": 2, "speaking": 3, "speaker": 3, "speakers": 3, "ceo": 2, "speech": 2, "talk": 1,
        "키노트": 4, "기조연설": 4, "기조 연설": 4, "베르너": 4, "보겔스": 4, "셀립스키": 4,
        "스와미": 4, "데산티스": 4,
    },
    "party": {
        "replay": 4, "party": 4, "parties": 4, "reception": 3, "receptions": 3, "festival": 2, "concert": 2, "closing": 1.5,
        "리플레이": 4, "파티": 3, "리:플레이": 4, "폐막": 2,
    },
    "expo": {
        "expo": 4, "exhibit": 3, "exhibition": 3, "booth": 3, "booths": 3, "sponsors": 2,
        "vendor": 2, "vendors": 2, "엑스포": 4, "전시": 3, "부스": 3,
    },
    "run": {
        "5k": 4, "run": 2, "race": 3, "running": 1.5, "runners": 3, "marathon": 2, "jog": 2,
        "bib": 3, "달리기": 4, "마라톤": 3, "러닝": 3, "5킬로": 4,
    },
    "badge": {
        "badge": 4, "badges": 4, "registration": 3, "register": 2, "check-in": 3,
        "checkin": 3, "lanyard": 3, "배지": 4, "뱃지": 4, "등록": 3, "명찰": 4, "체크인": 3,
    },
    "agenda": {
        "happening": 3, "agenda": 3, "schedule": 3, "program": 2, "events": 1.5,
        "what's next": 3, "coming up": 3, "up next": 3, "everything": 1, "sessions": 2,
        "on": 0.3, "next": 1, "going on": 3, "what's on": 3, "what is on": 3,
        "what's happening": 3, "what is happening": 3, "what to do": 2,
        "일정": 3, "뭐 해": 3, "뭐해": 3, "행사": 1.5, "스케줄": 3, "무슨 일": 2,
    },
    "venue": {
        "where": 1, "venue": 2, "venues": 2, "hotel": 1.5, "located": 2, "location": 2,
        "address": 2, "find": 0.5, "어디": 1, "위치": 2, "장소": 2, "호텔": 1.5,
    },
    "credits": {
        "credits": 4, "credit": 4, "promo": 4, "coupon": 4, "voucher": 3, "code": 1,
        "크레딧": 4, "크레딧을": 4, "쿠폰": 4, "프로모": 4,
    },
}  # fmt: skip

# Tie-break order: a question that names an event and a generic need is about the event.
TOPIC_ORDER = ["keynote", "party", "run", "expo", "badge", "swag", "credits", "transport",
               "meals", "agenda", "venue"]  # fmt: skip

MEAL_KINDS = {
    "아침 식사": "breakfast", "아침식사": "breakfast", "아침밥": "breakfast", "아침 먹": "breakfast",
    "breakfast": "breakfast", "brekky": "breakfast", "brekkie": "breakfast", "brunch": "breakfast", "조식": "breakfast",
    "lunch": "lunch", "점심": "lunch", "중식": "lunch", "buffet": "lunch", "뷔페": "lunch",
    "dinner": "dinner", "석식": "dinner",
    "coffee": "coffee", "decaf": "coffee", "espresso": "coffee", "latte": "coffee",
    "caffeine": "coffee", "커피": "coffee", "디카페인": "coffee",
    "snack": "snacks", "snacks": "snacks", "간식": "snacks",
}  # fmt: skip

KOREAN_PARTICLES = re.compile(
    r"(에서는|에서|으로|까지|부터|에는|에게|이랑|하고|은|는|이|가|을|를|에|로|도|의|랑)$"
)


@dataclass(frozen=True)
class Question:
    """One question, understood."""

    raw: str
    text: str
    normalized: str
    language: str
    words: tuple[str, ...]
    scores: dict[str, float]
    venues: tuple[str, ...] = ()
    origin: str | None = None
    destination: str | None = None
    meal_kind: str | None = None
    when: When | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    names: tuple[str, ...] = ()
    zone: str | None = None

    @property
    def topic(self) -> str | None:
        ranked = self.ranked_topics()
        return ranked[0] if ranked else None

    def ranked_topics(self) -> list[str]:
        """Topics by score; on a tie the more specific topic first (re:Play over meals)."""
        return sorted(self.scores, key=lambda k: (-self.scores[k], TOPIC_ORDER.index(k)))

    def has(self, *words: str) -> bool:
        """True when any of the words or substrings appears in the question."""
        return any(
            (w in self.text or w in self.normalized)
            if (" " in w or "-" in w or _HANGUL.search(w) or ":" in w)
            else (w in self.words)
            for w in words
        )


def normalize(raw: str) -> str:
    """Lower-cased plain text: Slack markup, emoji and control characters removed."""
    text = unicodedata.normalize("NFKC", raw[:MAX_QUESTION])
    text = _SLACK_USER.sub(" ", text)
    text = _SLACK_CHANNEL.sub(r" \1 ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = _EMOJI_CODE.sub(" ", text)
    text = "".join(
        ch if (unicodedata.category(ch)[0] not in {"C", "S"} or ch in "$%+#@&") else " "
        for ch in text
    )
    text = _FORMATTING.sub(" ", text)
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\bre\s*[:\-]?\s*play\b", "replay", text)
    text = re.sub(r"\bre\s*:\s*invent\b", "reinvent", text)
    text = re.sub(r"\bt\s*-?\s*shirts?\b", "tshirt", text)
    text = re.sub(r"\b5\s*k\b", "5k", text)
    text = re.sub(r"\bwhat'?s\b", "what's", text)
    return re.sub(r"\s+", " ", text).strip()


def _vocabulary() -> list[str]:
    words = {w for table in TOPIC_WORDS.values() for w in table if w.isascii() and " " not in w}
    return sorted(w for w in words if len(w) >= 4)


VOCABULARY = _vocabulary()


@lru_cache(maxsize=4096)
def correct(word: str) -> str:
    """A misspelled topic word put right ('shutle' -> 'shuttle'); other words unchanged."""
    if len(word) < 4 or not word.isascii() or word in VOCABULARY:
        return word
    if word.endswith("s") and word[:-1] in VOCABULARY:  # a plural, not a typo
        return word
    for candidate in difflib.get_close_matches(word, VOCABULARY, n=3, cutoff=0.8):
        # Similar is not enough ('parking' is not 'speaking', 'slack' is not 'snack'): a
        # typo is one slip in a short word (a letter dropped, doubled or two swapped), one
        # slip or one wrong letter in a longer one, at most two in a long one.
        if len(word) <= 5:
            ok = _one_slip(word, candidate)
        else:
            ok = _edits(word, candidate) <= (1 if len(word) <= 8 else 2)
        if ok:
            return candidate
    return word


def _edits(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _one_slip(typed: str, word: str) -> bool:
    """True when ``typed`` is ``word`` with one letter dropped, added or two swapped."""
    if abs(len(typed) - len(word)) == 1:
        short, long = sorted((typed, word), key=len)
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    if len(typed) == len(word):
        diffs = [i for i in range(len(word)) if typed[i] != word[i]]
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and typed[diffs[0]] == word[diffs[1]]
            and typed[diffs[1]] == word[diffs[0]]
        )
    return False


# Capitalized words people use that name nothing in particular.
COMMON_NAMES = {
    "aws", "amazon", "reinvent", "invent", "vegas", "las", "strip", "slack", "korean", "english",
    "pst", "kst", "utc", "ok", "okay", "thanks", "thank", "please", "hey", "hello", "sorry",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "what", "where", "when", "how", "can", "is", "are", "the", "and",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}  # fmt: skip


# Words that ask or describe but name nothing: a question made of these and the event's
# own words is one we may answer; any other word names something we know nothing about.
PLAIN_WORDS = frozenset(
    """a an the is are was were be been being am do does did done can could will would should
    may might must shall i me my mine we us our you your he she it its they them their this that
    these those there here what whats where wheres when whens which who whom whose how why if
    or and but so to of in on at for from by with about as into onto over under near nearby
    around after before until till during between than then also too very really just still
    yet ever even only any some all every each most more less much many few lot lots please
    thanks thank hi hey hello sorry ok okay yes no not dont cant isnt arent doesnt get got go
    goes going gone come comes coming take takes taking make makes need needs want wants wanna
    like know tell show find found look looking see give keep catch bring leave leaving arrive
    arriving stay start starts starting begin begins end ends ending finish finishes open opens
    opening opened close closes closing closed run runs running serve served serving provided
    available happen happens happening held hold use help ask asked time times hour hours minute
    minutes min mins day days week weeks year years today tonight tonite tomorrow tomorow
    tommorow tmrw tmr yesterday morning afternoon evening night noon midnight now currently soon
    later early late next last first right left best good great new old big small long short
    far quick quickly fast way ways place places spot thing things anything something
    everything one ones people person someone anyone guys pm size sizes color colour closest
    nearest different same other another again already maybe usually both either inside outside
    back across walking distance""".split()  # noqa: SIM905 (a word list reads better as text)
)


def unknown_words(q: Question, known: set[str]) -> list[str]:
    """English words in the question that neither the event nor plain English accounts for:
    the name of something the event does not know ('vegans', 'gym', 'jassy')."""
    phrase = set(q.when.phrase.split()) if q.when else set()
    unknown = []
    for word in q.words:
        if not word.isascii() or not word.isalpha() or len(word) < 3 or word in phrase:
            continue
        stem = word[:-1] if word.endswith("s") else word
        if not ({word, stem} & (known | PLAIN_WORDS)):
            unknown.append(word)
    return unknown


def event_vocabulary(data: EventData) -> set[str]:
    """Every word the event's data uses, plus the topic words and common names."""
    texts: list[str] = [data.event.name]
    for v in data.venues:
        texts += [v.name, v.directions, v.notes, *v.aliases, *v.features]
    for i in data.schedule:
        texts += [i.title, i.speaker, i.where, i.notes, i.kind]
    for s in data.swag:
        texts += [s.item, s.where, s.eligible, s.notes]
    for f in data.faq:
        texts += [f.question, f.answer, *f.keywords]
    for t in data.transport:
        texts += [t.name, t.where, t.notes]
    for m in data.meals:
        texts += [m.kind, m.where, m.notes]
    words = {w for text in texts for w in re.findall(r"[a-z]+", text.lower())}
    words |= {w for table in TOPIC_WORDS.values() for k in table for w in k.split()}
    return words | COMMON_NAMES


def tokens(text: str, known: set[str] | frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Words of normalized text, possessives dropped, Korean particles cut, typos put right
    (but never a word the event itself uses: 'lounge' is not a typo of 'long')."""
    words = []
    for word in re.findall(r"[\w:'\-]+", text):
        word = word.strip("'-:")
        if word.endswith("'s"):
            word = word[:-2]
        if not word:
            continue
        if _HANGUL.search(word):
            word = KOREAN_PARTICLES.sub("", word) or word
        words.append(word if word in known else correct(word))
    return tuple(words)


_LOCATOR = re.compile(
    r"\b(?:near|nearby|close to|closest to|next to|around|behind)\s+(?:the\s+)?(\S+)"
)


def score_topics(text: str, words: tuple[str, ...]) -> dict[str, float]:
    """Each topic's weight of evidence: single words against the (typo-corrected) words,
    phrases and Korean against the text. A word that only says where ("lunch near the
    Expo") counts for half: the question is about lunch."""
    scores: dict[str, float] = {}
    locators = {m.group(1) for m in _LOCATOR.finditer(text)}
    wordset = set(words)
    for topic, table in TOPIC_WORDS.items():
        total = 0.0
        for word, weight in table.items():
            found = word in text if (_HANGUL.search(word) or " " in word) else word in wordset
            if found:
                total += weight / 2 if word in locators else weight
        if total:
            scores[topic] = total
    return scores


# What may follow a Korean venue name inside one word: 윈까지, 베네시안호텔에서, 만달레이쪽으로.
_PARTICLES = (
    "(?:호텔|근처|쪽)?(?:에서는|에서|에는|에|까지|으로|로|은|는|이|가|을|를|도|의|랑|하고|부터|행)?"
)


class VenueIndex:
    """Finds venues named in a question, by name or alias, with typos."""

    def __init__(self, venues: list[Venue]):
        self.phrases: list[tuple[str, str]] = []  # (alias, venue id), longest first
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        self._memo: dict[str, str | None] = {}
        self.single: dict[str, str] = {}
        for v in venues:
            for alias in {v.name, *v.aliases}:
                key = normalize(alias)
                key = re.sub(r"^the ", "", key)
                if len(key) < (1 if _HANGUL.search(key) else 2):
                    continue
                self.phrases.append((key, v.id))
                if " " not in key and key.isascii() and len(key) >= 5:
                    self.single[key] = v.id
        self.phrases.sort(key=lambda p: -len(p[0]))
        for alias, venue_id in self.phrases:
            if _HANGUL.search(alias):  # whole word, particles allowed after it (윈까지)
                pattern = rf"(?<![\uac00-\ud7a3]){re.escape(alias)}(?=(?:{_PARTICLES})?(?:$|[^\uac00-\ud7a3]))"
            else:
                pattern = rf"(?<![\w]){re.escape(alias)}(?![\w])"
            self.patterns.append((re.compile(pattern), venue_id))
        self.single_words = sorted(self.single)

    def misspelled(self, word: str) -> str | None:
        """The venue a one-word misspelling names ('venitian'), memoized: people repeat."""
        if word not in self._memo:
            if len(self._memo) > 50_000:
                self._memo.clear()
            match = difflib.get_close_matches(word, self.single_words, n=1, cutoff=0.82)
            self._memo[word] = self.single[match[0]] if match else None
        return self._memo[word]

    def find(self, text: str, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
        """(start, end, venue id) for each venue named, in the order they appear."""
        found: dict[str, tuple[int, int]] = {}
        taken: list[tuple[int, int]] = []
        for pattern, venue_id in self.patterns:
            for m in pattern.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.setdefault(venue_id, (m.start(), m.end()))
        for word in words:
            if len(word) < 5 or not word.isascii() or word in VOCABULARY:
                continue
            venue_id = self.misspelled(word)
            if venue_id:
                pos = text.find(word)
                found.setdefault(venue_id, (pos, pos + len(word)))
        return sorted((a, b, vid) for vid, (a, b) in found.items())


_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$")
_TO_BEFORE = re.compile(r"\b(?:to|towards|into|reach|for)\s+(?:the\s+)?$")
_FROM_AFTER = re.compile(r"^\s*에서")
_TO_AFTER = re.compile(r"^\s*(?:까지|으로|로|에\s*가|가는|행)")


def _direction(text: str, venues: list[tuple[int, int, str]]) -> tuple[str | None, str | None]:
    """Which named venue is the origin and which the destination ('from A to B', 'A에서 B까지')."""
    origin = destination = None
    for start, end, venue_id in venues:
        before, after = text[max(0, start - 14) : start], text[end : end + 6]
        if _FROM_BEFORE.search(before) or _FROM_AFTER.search(after):
            origin = origin or venue_id
        elif _TO_BEFORE.search(before) or _TO_AFTER.search(after):
            destination = destination or venue_id
    ids = [v for _, _, v in venues]
    if len(ids) >= 2:
        if origin and not destination:
            destination = next(v for v in ids if v != origin)
        elif destination and not origin:
            origin = next(v for v in ids if v != destination)
        elif not origin and not destination:
            origin, destination = ids[0], ids[1]
    return origin, destination


# "in Korea time", "서울 시간", "KST": the asker wants times in that zone.
ZONE_MENTIONS = [
    (
        re.compile(r"\b(?:korea|korean|seoul)\s*time\b|\bkst\b|한국\s*시간|서울\s*시간"),
        "Asia/Seoul",
    ),
    (re.compile(r"\b(?:japan|tokyo)\s*time\b|\bjst\b|일본\s*시간"), "Asia/Tokyo"),
    (
        re.compile(r"\b(?:east coast|eastern|new york)\s*time\b|\b(?:et|est|edt)\b"),
        "America/New_York",
    ),
    (re.compile(r"\b(?:uk|london)\s*time\b|\b(?:gmt|bst)\b"), "Europe/London"),
    (re.compile(r"\butc\b"), "UTC"),
]


def zone_mentioned(text: str) -> str | None:
    for pattern, zone in ZONE_MENTIONS:
        if pattern.search(text):
            return zone
    return None


_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-zA-Z]{2,})\b")


def proper_names(raw: str) -> tuple[str, ...]:
    """Capitalized words inside a sentence (names of people and places), lower-cased."""
    text = _SLACK_USER.sub(" ", _SLACK_LINK.sub(" ", raw[:MAX_QUESTION])).strip()
    return tuple(m.group(1).lower() for m in _NAME.finditer(text))


class Lexicon:
    """What understanding needs to know of one event: its venues and its words."""

    def __init__(self, data: EventData | None):
        self.venues = VenueIndex(data.venues if data else [])
        self.known = event_vocabulary(data) if data else set(COMMON_NAMES)


def understand(raw: str, now: datetime, data: EventData, lexicon: Lexicon) -> Question:
    text = normalize(raw)
    words = tokens(text, lexicon.known)
    corrected = " ".join(words) if text.isascii() else text
    language = "ko" if _HANGUL.search(text) else "en"
    scores = score_topics(text, words)
    venues = lexicon.venues.find(text, words)
    origin, destination = _direction(text, venues)
    meal_kind = None
    for word, kind in MEAL_KINDS.items():
        if (word in text) if _HANGUL.search(word) else (word in words):
            meal_kind = kind
            break
    event: Event = data.event
    when = parse_when(text, now, event)
    flags = set()
    if re.search(r"\bnext\b|다음", text):
        flags.add("next")
    if re.search(r"\bnear(est|by)?\b|\bclosest\b|가까운|근처", text):
        flags.add("nearest")
    return Question(
        raw=raw,
        text=corrected if text.isascii() else text,
        normalized=text,
        names=proper_names(raw),
        zone=zone_mentioned(text),
        language=language,
        words=words,
        scores=scores,
        venues=tuple(v for _, _, v in venues),
        origin=origin,
        destination=destination,
        meal_kind=meal_kind,
        when=when,
        flags=frozenset(flags),
    )
