"""Unanswered questions grouped by similar wording, for `confbot unanswered` and the daily digest.

"where can I pray", "Where can I pray?" and "where can i pray at the venetian" are one need;
an organizer should see it once, with how often it was asked and by whom. Questions are
compared by rapidfuzz's token_set_ratio on their normalized text, punctuation aside (word order and extra words
matter little, typos a little), greedily: each question joins the first group whose example
it is close enough to, in order of first appearance.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, utils
from wordfreq import zipf_frequency

from bot.lang import detect

SIMILAR = 82  # token_set_ratio at or above this: the same question in other words
RARE_ZIPF = 1.5  # wordfreq's scale: below this a word is (almost) never written
_WORD = re.compile(r"[^\W\d_]+")
MIN_LENGTH_FOR_FUZZY = 6  # shorter texts group only when identical ("wifi?" vs "wine?")


@dataclass
class Group:
    """One question, however it was worded."""

    example: str  # the wording asked most often (the shortest among equals: the plainest)
    normalized: str
    questions: list[str] = field(default_factory=list)  # every distinct wording, most asked first
    askers: list[str] = field(default_factory=list)  # user ids, in order of asking, once each
    times: int = 0
    last_asked: str = ""
    intents: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    _wordings: Counter = field(default_factory=Counter)

    @property
    def language(self) -> str:
        return self.languages.most_common(1)[0][0] if self.languages else "en"

    @property
    def intent(self) -> str:
        return self.intents.most_common(1)[0][0] if self.intents else ""

    def add(self, row: dict[str, Any]) -> None:
        text = " ".join(str(row["text"]).split())
        self.times += 1
        self._wordings[text] += 1
        self.last_asked = max(self.last_asked, str(row["asked_at"]))
        if row.get("intent"):
            self.intents[row["intent"]] += 1
        if row.get("language"):
            self.languages[row["language"]] += 1
        user = row.get("user_id") or ""
        if user and user not in self.askers:
            self.askers.append(user)
        # most asked first, then the one with fewest words no dictionary knows (typos), then
        # the shortest ("is there a prayer room" before "… at the venetian?"): the first is
        # the example, what organizers read and the askers are quoted
        ranked = sorted(
            self._wordings.items(), key=lambda kv: (-kv[1], _odd_words(kv[0]), len(kv[0]))
        )
        self.questions = [w for w, _ in ranked]
        self.example = self.questions[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "example": self.example,
            "times": self.times,
            "askers": len(self.askers),
            "questions": self.questions,
            "last_asked": self.last_asked,
            "intent": self.intent,
            "language": self.language,
        }


def _odd_words(text: str) -> int:
    """Words of ``text`` that wordfreq has (almost) never seen: typos, mostly. English only:
    wordfreq reads Korean (and Japanese, Chinese) through tokenizers it does not install
    (MeCab), and a Korean word with its particles is rare as written anyway."""
    if detect(text) != "en":
        return 0
    return sum(1 for w in _WORD.findall(text.casefold()) if zipf_frequency(w, "en") < RARE_ZIPF)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_LENGTH_FOR_FUZZY:
        return False
    return fuzz.token_set_ratio(a, b) >= SIMILAR


def group(rows: list[dict[str, Any]]) -> list[Group]:
    """Rows of the ``unanswered`` table (text, normalized, asked_at, intent, language,
    user_id), oldest first, as groups, most asked first (then the most recently asked)."""
    groups: list[Group] = []
    for row in rows:
        # rapidfuzz's own processing: lower case, punctuation gone ("pray?" is "pray")
        norm = utils.default_process(str(row.get("normalized") or row["text"]))
        if not norm:
            continue
        home = next((g for g in groups if _similar(norm, g.normalized)), None)
        if home is None:
            home = Group(example="", normalized=norm)
            groups.append(home)
        home.add(row)
    groups.sort(key=lambda g: (g.times, g.last_asked), reverse=True)
    return groups
