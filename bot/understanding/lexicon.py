"""Stage 4: the generic lexicon: which concepts (lunch, shuttle, party…) and attributes
(where, when, open…) a question's words name, in any language with a catalog.

English entries match a word's lemmas ('buses' -> bus) or, with a space, a phrase in the
text; entries in another script match inside that script's words, since Korean attaches
particles (셔틀버스는, 점심에).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.lang import Catalog, catalogs
from bot.understanding.normalize import normalize
from bot.understanding.words import Word, lemmas

# Concept -> what it means to the answers: a topic, and the record kind it selects.
CONCEPTS: dict[str, tuple[str, str | None]] = {
    "food": ("meals", None),
    "breakfast": ("meals", "breakfast"),
    "lunch": ("meals", "lunch"),
    "dinner": ("meals", "dinner"),
    "coffee": ("meals", "coffee"),
    "snacks": ("meals", "snacks"),
    "drinks": ("drinks", None),
    "transport": ("transport", None),
    "shuttle": ("transport", "shuttle"),
    "bus": ("transport", "bus"),
    "coach": ("transport", "coach"),
    "monorail": ("transport", "monorail"),
    "train": ("transport", "train"),
    "metro": ("transport", "metro"),
    "tram": ("transport", "tram"),
    "ferry": ("transport", "ferry"),
    "taxi": ("transport", "taxi"),
    "rideshare": ("transport", "rideshare"),
    "walk": ("transport", "walk"),
    "swag": ("swag", None),
    "hoodie": ("swag", None),
    "tshirt": ("swag", None),
    "sticker": ("swag", None),
    "tumbler": ("swag", None),
    "socks": ("swag", None),
    "bag": ("swag", None),
    "keynote": ("schedule", "keynote"),
    "sessions": ("schedule", "sessions"),
    "party": ("schedule", "party"),
    "reception": ("schedule", "reception"),
    "expo": ("schedule", "expo"),
    "run": ("schedule", "run"),
    "badge": ("schedule", "badge"),
    "help": ("schedule", "help"),
    "lounge": ("schedule", "lounge"),
    "activity": ("schedule", "activity"),
    "facility": ("schedule", "facility"),
    "agenda": ("agenda", None),
    "venue": ("venue", None),
    "credits": ("credits", None),
    "timezone": ("timezone", None),
    "speaker": ("speaker", None),
}


@dataclass(frozen=True)
class Hit:
    """A concept or attribute named by some of a question's words."""

    name: str
    words: frozenset[int]  # indices of the question's words it covers
    phrase: str


class _Entry:
    __slots__ = ("name", "text", "keys", "words", "script")

    def __init__(self, name: str, text: str, cat: Catalog):
        self.name = name
        self.text = normalize(text)
        self.script = cat.script is not None and bool(cat.script.search(self.text))
        self.words = self.text.split()
        self.keys = lemmas(self.text) if len(self.words) == 1 and not self.script else None


class Lexicon:
    """Every catalog's concept, attribute and synonym entries, ready to match."""

    def __init__(self) -> None:
        self.concepts = self._entries("concepts")
        self.attributes = self._entries("attributes")
        self.synonyms = self._entries("synonyms")
        self._groups: dict[tuple[str, str], frozenset[str]] = {}
        self._indexes: dict[str, _Index] = {}
        # gathering concepts (activity, facility…) and the words that name them as a kind
        self.kind_words: dict[str, set[str]] = {}
        for cat in catalogs():
            for name, words in cat.kinds.items():
                forms = self.kind_words.setdefault(name, set())
                for w in words:
                    forms.add(normalize(w))
                    forms |= lemmas(normalize(w))
        self.words: set[str] = set()  # every word any entry uses, for typo repair
        for entry in self.concepts + self.attributes + self.synonyms:
            self.words.update(entry.words)
        for cat in catalogs():
            self.words.update(cat.plain)

    @staticmethod
    def _entries(section: str) -> list[_Entry]:
        entries = []
        for cat in catalogs():
            for name, words in getattr(cat, section).items():
                entries += [_Entry(name, w, cat) for w in words]
        return entries

    def group_words(self, section: str, name: str) -> frozenset[str]:
        """Every form of every word of a concept or synonym group, in every language."""
        key = (section, name)
        if key not in self._groups:
            entries = getattr(self, section)
            found: set[str] = set()
            for e in entries:
                if e.name == name:
                    found |= e.keys or {e.text}
            self._groups[key] = frozenset(found)
        return self._groups[key]

    def is_member(self, hit: Hit) -> bool:
        """A word that names one thing within a gathering concept ("yoga" within
        activities, "prayer room" within facilities), not the kind itself."""
        forms = self.kind_words.get(hit.name)
        return forms is not None and hit.phrase not in forms and not (lemmas(hit.phrase) & forms)

    def concept_hits(self, text: str, words: list[Word]) -> list[Hit]:
        return self._index("concepts").match(words)

    def attribute_hits(self, text: str, words: list[Word]) -> list[Hit]:
        return self._index("attributes").match(words)

    def synonym_hits(self, text: str, words: list[Word]) -> list[Hit]:
        return self._index("synonyms").match(words)

    def _index(self, section: str) -> _Index:
        if section not in self._indexes:
            self._indexes[section] = _Index(getattr(self, section))
        return self._indexes[section]


class _Index:
    """Entries by what a question's word can match first, so a question looks at a handful
    of entries, not hundreds: one English word by its lemmas, an English phrase by its first
    word; entries in another script are few and matched inside that script's words."""

    def __init__(self, entries: list[_Entry]):
        self.by_key: dict[str, list[_Entry]] = {}
        self.by_first: dict[str, list[_Entry]] = {}
        self.scripted: dict[str, list[_Entry]] = {}  # one word in another script, by its text
        self.scripted_phrases: list[_Entry] = []
        for e in entries:
            if e.keys is not None:
                for key in e.keys:
                    self.by_key.setdefault(key, []).append(e)
            elif e.script and len(e.words) == 1:
                self.scripted.setdefault(e.text, []).append(e)
            elif e.script:
                self.scripted_phrases.append(e)
            else:
                self.by_first.setdefault(e.words[0], []).append(e)

    def match(self, words: list[Word]) -> list[Hit]:
        hits: dict[tuple[str, frozenset[int]], Hit] = {}

        def add(entry: _Entry, covered: frozenset[int]) -> None:
            if covered:
                hits.setdefault((entry.name, covered), Hit(entry.name, covered, entry.text))

        seen_single: set[int] = set()
        for w in words:
            for key in sorted(w.keys):
                for e in self.by_key.get(key, ()):
                    if id(e) not in seen_single:
                        seen_single.add(id(e))
                        add(e, frozenset(i for i, x in enumerate(words) if x.keys & e.keys))
            for first in {w.typed, w.word}:
                for e in self.by_first.get(first, ()):
                    add(e, _phrase(e, words))
        if any(w.language != "en" for w in words):
            for w in words:  # every piece of the word: 셔틀 in 셔틀버스는
                if w.language == "en":
                    continue
                for piece in _pieces(w.typed) | {w.word}:
                    for e in self.scripted.get(piece, ()):
                        add(e, _inside(e, words))
            for e in self.scripted_phrases:
                add(e, _inside(e, words))
        return list(hits.values())


def _pieces(word: str) -> set[str]:
    """Every stretch of a word (a few dozen for a Korean word): each a possible entry."""
    return {word[a:b] for a in range(len(word)) for b in range(a + 1, len(word) + 1)}


def _inside(entry: _Entry, words: list[Word]) -> frozenset[int]:
    if len(entry.text) == 1:  # one syllable (물, 술, 비) only as a whole word: not in 기술
        return frozenset(i for i, w in enumerate(words) if entry.text in (w.word, w.typed))
    if len(entry.words) == 1:
        return frozenset(i for i, w in enumerate(words) if entry.text in w.typed)
    first, last = entry.words[0], entry.words[-1]
    for i in range(len(words) - len(entry.words) + 1):
        run = words[i : i + len(entry.words)]
        if (
            run[0].typed.endswith(first)
            and run[-1].typed.startswith(last)
            and all(w.typed == e for w, e in zip(run[1:-1], entry.words[1:-1], strict=True))
        ):
            return frozenset(range(i, i + len(entry.words)))
    return frozenset()


def _phrase(entry: _Entry, words: list[Word]) -> frozenset[int]:
    n = len(entry.words)
    for i in range(len(words) - n + 1):
        run = words[i : i + n]
        if all(w.typed == e or w.word == e for w, e in zip(run, entry.words, strict=True)):
            return frozenset(range(i, i + n))
    return frozenset()
