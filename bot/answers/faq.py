"""Everything else the event knows: its FAQ, matched on the words of each entry's questions
(as lemmas, with everyday synonyms), its keywords, and answered in the asker's language."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from bot.answers.base import Answer, Context
from bot.lang import catalog, catalogs
from bot.lang.format import escape_mrkdwn
from bot.models import Faq
from bot.understanding import Question
from bot.understanding.lexicon import Lexicon
from bot.understanding.normalize import normalize
from bot.understanding.words import WordReader, cut_ending

OBJECTS = frozenset().union(*(c.objects for c in catalogs()))  # lost and found: any thing
PLAIN_WEIGHT = 0.3  # "how", "people": a little evidence, never enough alone
WORD_CAP = 2.0  # one question word counts at most this much for an entry, however rare


@dataclass(frozen=True)
class FaqMatch:
    faq: Faq
    words: dict[int, float]  # question words the entry accounts for, each with its weight
    score: float
    coverage: float  # share of the entry's best phrasing the question matched


class FaqIndex:
    """FAQ entries by the words (lemmas and synonym groups) of their phrasings."""

    def __init__(self, entries: list[Faq], lexicon: Lexicon, reader: WordReader):
        self.entries = entries
        self.lexicon = lexicon
        self.reader = reader
        self.plain = frozenset().union(*(c.plain for c in catalogs()))
        self.phrasings: list = []  # per entry: (phrasing, features, their total weight)
        df: dict[str, int] = defaultdict(int)
        for entry in entries:
            texts = [entry.question, *entry.questions]
            texts += [t["question"] for t in entry.translations.values() if t.get("question")]
            # Each keyword is a phrasing of its own: "5k results" matches when both words do.
            phrasings = [self._features(text) for text in [*texts, *entry.keywords]]
            for feature in set().union(*phrasings):
                df[feature] += 1
            self.phrasings.append(list(enumerate(phrasings)))
        total = len(entries) or 1
        self.weights = {
            f: (PLAIN_WEIGHT if f.split(":", 1)[1] in self.plain else 1.0 + math.log(total / n))
            for f, n in df.items()
        }
        self.plain_features = {f for f in self.weights if _is_plain(f, self.plain)}
        self.lead_limit = max(50, len(entries) // 20)
        self.by_feature: dict[str, set[int]] = defaultdict(set)
        for n, phrasings in enumerate(self.phrasings):
            for _, features in phrasings:
                for f in features:
                    self.by_feature[f].add(n)
        # each phrasing with its total weight, for the share a question matches
        self.phrasings = [
            [(k, f, sum(self.weights.get(x, 1.0) for x in f)) for k, f in phrasings if f]
            for phrasings in self.phrasings
        ]

    def _features(self, text: str) -> set[str]:
        norm = normalize(text)
        words = self.reader.words(norm)
        features = set()
        for w in words:
            if w.language == "en":
                features |= {f"w:{k}" for k in w.keys}
            else:
                stem = cut_ending(w.typed, catalog(w.language))
                features.add(f"k:{stem}")
                # a Korean compound's first part matches too (주차장 -> 주차)
                features |= {f"k:{stem[:n]}" for n in range(2, len(stem))}
        for hit in self.lexicon.synonym_hits(norm, words):
            features.add(f"s:{hit.name}")
            if hit.name in OBJECTS:  # "lost" is the group: "left my", "forgot my" match it whole
                for i in hit.words:
                    features -= {f"w:{k}" for k in words[i].keys}
        return features

    def _question_features(self, q: Question) -> list[set[str]]:
        """What each of the question's words can match: lemmas, synonym groups, and for
        Korean every stretch of the word (the entry's 주차 inside the question's 주차장은)."""
        word_features: list[set[str]] = []
        for w in q.words:
            if w.language == "en":
                word_features.append({f"w:{k}" for k in w.keys})
            else:
                pieces = {
                    w.typed[a:b]
                    for a in range(len(w.typed))
                    for b in range(a + 2, len(w.typed) + 1)
                }
                word_features.append({f"k:{p}" for p in pieces | {w.word}})
        for hit in q.synonyms:
            for i in hit.words:
                word_features[i].add(f"s:{hit.name}")
        return word_features

    def match(self, q: Question) -> list[FaqMatch]:
        """Entries the question's words point at, best first."""
        word_features = self._question_features(q)
        candidates: set[int] = set()
        for features in word_features:
            for f in features:
                entries = self.by_feature.get(f, set())
                # "what", "is", or a word most entries share: no lead to any one of them
                if f not in self.plain_features and len(entries) <= self.lead_limit:
                    candidates |= entries
        weights = self.weights
        matches = []
        for n in candidates:
            got: set[str] = set()
            explained: dict[int, set[str]] = {}
            coverage = 0.0
            for _, features, total in self.phrasings[n]:
                hits: set[str] = set()
                for i, wf in enumerate(word_features):
                    hit = wf & features
                    if hit:
                        hits |= hit
                        explained.setdefault(i, set()).update(hit)
                if not hits:
                    continue
                got |= hits
                # "no reservation": the plain "no" counts a little toward the phrasing
                if any(f not in self.plain_features for f in hits):
                    coverage = max(coverage, sum(weights.get(f, 1.0) for f in hits) / total)
            score = sum(weights.get(f, 1.0) for f in got)
            if score > 0:
                words = {
                    i: min(sum(weights.get(f, 1.0) for f in fs), WORD_CAP)
                    for i, fs in explained.items()
                }
                matches.append(FaqMatch(self.entries[n], words, score, coverage))
        return sorted(matches, key=lambda m: (-m.score, -m.coverage))


def _is_plain(feature: str, plain: frozenset[str]) -> bool:
    return feature.split(":", 1)[1] in plain


def render(ctx: Context, faq: Faq, saved: bool = False) -> Answer:
    text = ctx.text(faq, "answer")
    if saved:
        if ctx.markup is not None:  # in Slack: a person's text, never live markup there
            text = escape_mrkdwn(text)
        text += "\n" + ctx.t("from_organizers")
    return Answer(text, intent="faq", title=ctx.text(faq, "question"))
