"""Everything else the event knows: FAQ entries matched by their keywords, then FTS5."""

from __future__ import annotations

import re

from bot.answers.base import Answer, Context
from bot.models import Faq
from bot.understand import Question, tokens

KEYWORD_WEIGHT = 4.5  # one FAQ keyword outweighs one topic word, not a topic word and a name


def keyword_score(q: Question, faq: Faq) -> tuple[float, int]:
    """(score, hits): a phrase or Korean keyword weighs more than a single English word."""
    score, hits = 0.0, 0
    for keyword in faq.keywords:
        if q.has(keyword.lower()):
            hits += 1
            score += KEYWORD_WEIGHT + (1.5 if " " in keyword or not keyword.isascii() else 0)
    return score, hits


def best_match(q: Question, ctx: Context) -> tuple[Faq | None, float, int]:
    """The FAQ entry whose keywords the question hits most: (entry, score, hits)."""
    best, best_score, best_hits = None, 0.0, 0
    for faq in ctx.data.faq:
        score, hits = keyword_score(q, faq)
        if score > best_score:
            best, best_score, best_hits = faq, score, hits
    return best, best_score, best_hits


def render(faq: Faq) -> Answer:
    return Answer(faq.answer, intent="faq", title=faq.question)


def question_words(q: Question) -> str:
    """The words worth searching for: no stop words, no one-letter leftovers."""
    stop = {
        "the",
        "is",
        "a",
        "an",
        "where",
        "when",
        "what",
        "how",
        "do",
        "does",
        "can",
        "i",
        "my",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "are",
        "there",
        "it",
        "me",
        "get",
    }
    return " ".join(w for w in tokens(re.sub(r"[^\w\s]", " ", q.text)) if w not in stop)
