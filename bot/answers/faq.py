"""Everything else the event knows: FAQ entries matched by their keywords, then FTS5."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.base import Answer
from bot.models import Faq
from bot.understand import Question

KEYWORD_WEIGHT = 4.5  # one FAQ keyword outweighs one topic word, not a topic word and a name


@dataclass(frozen=True)
class FaqMatch:
    faq: Faq
    score: float
    hits: int  # keywords found in the question
    phrases: int  # of which phrases or Korean words: stronger evidence than one English word


def match(q: Question, faq: Faq) -> FaqMatch:
    score, hits, phrases = 0.0, 0, 0
    for keyword in faq.keywords:
        if q.has(keyword.lower()):
            hits += 1
            strong = " " in keyword or not keyword.isascii()
            phrases += strong
            score += KEYWORD_WEIGHT + (1.5 if strong else 0)
    return FaqMatch(faq, score, hits, phrases)


class FaqIndex:
    """FAQ entries by keyword, so a question looks up only the entries it can match."""

    def __init__(self, entries: list[Faq]):
        self.by_word: dict[str, set[int]] = {}
        self.phrases: dict[str, set[int]] = {}
        self.entries = entries
        for n, entry in enumerate(entries):
            for keyword in entry.keywords:
                key = keyword.lower()
                if " " in key or "-" in key or ":" in key or not key.isascii():
                    self.phrases.setdefault(key, set()).add(n)
                else:
                    self.by_word.setdefault(key, set()).add(n)

    def candidates(self, q: Question) -> list[Faq]:
        found: set[int] = set()
        for word in q.words:
            found |= self.by_word.get(word, set())
        for phrase, entries in self.phrases.items():
            if q.has(phrase):
                found |= entries
        return [self.entries[n] for n in sorted(found)]


def best_match(q: Question, index: FaqIndex) -> FaqMatch | None:
    """The FAQ entry whose keywords the question hits most, if any."""
    matches = [m for m in (match(q, f) for f in index.candidates(q)) if m.hits]
    return max(matches, key=lambda m: m.score) if matches else None


def render(faq: Faq) -> Answer:
    return Answer(faq.answer, intent="faq", title=faq.question)


STOP_WORDS = set(
    ["a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "can", "could", "will", "would", "should", "may", "might", "i", "me", "my", "we", "our", "you", "your", "it", "its", "this", "that", "these", "those", "there", "here", "what", "what's", "whats", "where", "when", "which", "who", "whom", "how", "why", "if", "or", "and", "but", "so", "to", "of", "in", "on", "at", "for", "from", "by", "with", "about", "as", "get", "got", "go", "going", "just", "still", "any", "some", "anything", "something", "please", "thanks", "hi", "hey", "need", "want", "know", "tell", "let", "much", "many", "very", "really", "also", "yet", "ok", "okay", "than", "then", "now", "today", "not", "no", "yes", "뭐", "뭐야", "어디", "어디서", "어디에", "언제", "어떻게", "몇", "몇시", "있어요", "있나요", "있어", "해요", "하나요", "돼요", "되나요", "인가요", "알려줘", "알려주세요", "좀", "요", "나", "저", "제", "우리", "그", "이", "거", "것"]
)  # fmt: skip


def content_words(q: Question) -> list[str]:
    return [w for w in q.words if w not in STOP_WORDS]


def coverage(q: Question, faq: Faq) -> float:
    """The share of the question's content words that the entry explains (its matched
    keywords, its question or its answer)."""
    words = content_words(q)
    if not words:
        return 0.0
    matched = [k.lower() for k in faq.keywords if q.has(k.lower())]
    entry = f"{faq.question} {faq.answer}".lower()
    covered = [w for w in words if w in entry or any(w in k or k in w for k in matched)]
    return len(covered) / len(words)


def question_words(q: Question) -> str:
    """The words worth searching for: no stop words, no one-letter leftovers."""
    return " ".join(content_words(q))
