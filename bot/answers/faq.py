"""Everything else the event knows: FAQ entries matched by their keywords, then FTS5."""

from __future__ import annotations

import re

from bot.answers.base import Answer, Context
from bot.models import Faq
from bot.understand import Question, tokens

KEYWORD_WEIGHT = 4.5  # one FAQ keyword outweighs one topic word, not a topic word and a name


def keyword_score(q: Question, faq: Faq) -> float:
    score = 0.0
    words = set(q.words)
    for keyword in faq.keywords:
        key = keyword.lower()
        hit = key in q.text if " " in key or "-" in key or not key.isascii() else key in words
        if hit:
            score += KEYWORD_WEIGHT
    return score


def best_match(q: Question, ctx: Context) -> tuple[Faq | None, float]:
    best, best_score = None, 0.0
    for faq in ctx.data.faq:
        score = keyword_score(q, faq)
        if score > best_score:
            best, best_score = faq, score
    return best, best_score


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
