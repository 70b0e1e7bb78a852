"""Stage 2: normalized text -> words, each with the forms it matches.

English words are put right three ways, each with a well-kept tool:
- text speak through the language catalog's slang table ('wen' -> 'when', 'tmrw');
- typos against the words the event and the catalogs use, found by rapidfuzz and accepted
  only when they are few edits apart (optimal string alignment) and the typed word is not
  itself a common English word by wordfreq ('late' stays 'late', never 'latte');
- lemmas from lemminflect, so 'staying', 'sessions' and 'recorded' match 'stay', 'session'
  and 'record'.
Korean words lose their particles and endings (점심은 -> 점심, 셔틀버스까지 -> 셔틀버스).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import getAllLemmas, getAllLemmasOOV
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from bot.lang import DEFAULT, Catalog, catalog, catalogs

COMMON_WORD = 3.0  # Zipf frequency from which a typed word is a real word, not a typo
RARE_WORD = 2.0  # a three-letter word rarer than this may be a slip ('rom'); others are words
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Word:
    """One word of a question."""

    typed: str  # as written (normalized)
    word: str  # after slang and typo repair, or with the Korean ending cut
    keys: frozenset[str]  # the word and its lemmas: the forms it matches
    start: int  # offsets in the normalized text
    end: int
    language: str
    corrected: bool = False

    @property
    def is_number(self) -> bool:
        return self.word.isdigit()


@lru_cache(maxsize=20_000)
def lemmas(word: str) -> frozenset[str]:
    """The word and its dictionary forms ('buses' -> {'buses', 'bus'})."""
    found = {word}
    if word.isascii() and word.isalpha() and len(word) > 2:
        for forms in getAllLemmas(word).values():
            found.update(forms)
        if len(found) == 1 and word.endswith("s"):  # not in the dictionary: a plural noun?
            for forms in getAllLemmasOOV(word, "NOUN").values():
                found.update(forms)
    return frozenset(found)


def cut_ending(word: str, cat: Catalog) -> str:
    """A Korean word without its particle or ending (어디예요 -> 어디), never empty."""
    for _ in range(2):
        for ending in cat.endings:
            if word.endswith(ending) and len(word) > len(ending):
                word = word[: -len(ending)]
                break
        else:
            break
    return word


def _is_typo_of(typed: str, word: str) -> bool:
    """Few edits apart, by length: similar is not enough ('parking' is not 'speaking',
    'slack' is not 'snack'). A short word may have one letter dropped, added or two swapped;
    a longer one one edit; a long one two."""
    distance = OSA.distance(typed, word)
    if len(typed) == 3:  # a letter left out, nothing else: 'rom' is 'room', never 'run'
        return len(word) == 4 and distance == 1
    if len(typed) <= 5:
        return distance == 1 and (len(typed) != len(word) or sorted(typed) == sorted(word))
    return distance <= (1 if len(typed) <= 8 else 2)


class WordReader:
    """Splits text into words and puts English typos right against a known vocabulary."""

    def __init__(self, vocabulary: Iterable[str]):
        self.known = frozenset(vocabulary)
        self.targets = sorted(w for w in self.known if w.isascii() and w.isalpha() and len(w) >= 4)
        self._memo: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The known word a typo was meant to be, or the word itself. Three letters is
        enough for a rare non-word with a letter dropped ('rom' -> 'room')."""
        if word in self.known or len(word) < 3 or not word.isascii() or not word.isalpha():
            return word
        if len(word) == 3 and zipf_frequency(word, "en") >= RARE_WORD:
            return word
        if word in self._memo:
            return self._memo[word]
        fixed = word
        # wordfreq's small list holds every word from Zipf 3 up, all this test asks about,
        # in a tenth of the memory of its full list.
        if zipf_frequency(word, "en", wordlist="small") < COMMON_WORD and not (
            self.known & lemmas(word)
        ):
            for candidate, _score, _ in process.extract(
                word, self.targets, scorer=fuzz.ratio, limit=4, score_cutoff=70
            ):
                if _is_typo_of(word, candidate):
                    fixed = candidate
                    break
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[word] = fixed
        return fixed

    def words(self, text: str, keep: frozenset[str] = frozenset()) -> list[Word]:
        """The words of normalized text, in order. Words in ``keep`` (typed in capitals:
        'COBOL', 'XYZ') are taken as written, never as typos."""
        out: list[Word] = []
        english = catalog(DEFAULT)
        scripts = [c for c in catalogs() if c.script is not None]
        for m in _WORD.finditer(text):
            typed = m.group(0)
            cat = next((c for c in scripts if c.script.search(typed)), english)
            if cat is english:
                word = english.slang.get(typed, typed)
                if word in english.terms:
                    out += _terms(typed, english.terms[word], m.start(), m.end())
                    continue
                fixed = word if typed in keep else self.correct(word)
                keys = lemmas(fixed) | {word}
                out.append(Word(typed, fixed, keys, m.start(), m.end(), cat.code, fixed != word))
            else:
                word = cat.slang.get(typed, typed)
                stem = cut_ending(word, cat)
                if stem in cat.terms or word in cat.terms:
                    out += _terms(typed, cat.terms.get(stem) or cat.terms[word], m.start(), m.end())
                    continue
                out.append(
                    Word(typed, stem, frozenset({typed, stem}), m.start(), m.end(), cat.code)
                )
        return self._joined(out, keep)

    def _joined(self, words: list[Word], keep: frozenset[str]) -> list[Word]:
        """Two typed words that are one known word with a slip: 'cloak rom' -> 'cloakroom'.
        Only when one of them is not a word the event or the catalogs know."""
        out: list[Word] = []
        i = 0
        while i < len(words):
            a = words[i]
            b = words[i + 1] if i + 1 < len(words) else None
            if (
                b is not None
                and a.language == b.language == DEFAULT
                and (a.word not in self.known or b.word not in self.known)
                and a.typed.isalpha()
                and b.typed.isalpha()
                and not {a.typed, b.typed} & keep
            ):
                typed = a.typed + b.typed
                joined = self.correct(typed)
                if joined != typed and joined in self.known and len(joined) >= 6:
                    out.append(
                        Word(
                            f"{a.typed} {b.typed}",
                            joined,
                            lemmas(joined),
                            a.start,
                            b.end,
                            DEFAULT,
                            True,
                        )
                    )
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out


def _terms(typed: str, words: tuple[str, ...], start: int, end: int) -> list[Word]:
    """One typed word that stands for English words ('genai', '쿠버네티스는'): those words,
    each spanning what was typed."""
    return [Word(typed, w, lemmas(w) | {w}, start, end, DEFAULT, True) for w in words]
