"""The concierge: understands a question, picks the topic that answers it best, and owns
up when it does not know (recording the question for the organizers)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.answers import faq, meals, schedule, swag, transport, venues
from bot.answers.base import Answer, Context, TimeFormatter
from bot.store import Store
from bot.understand import TOPIC_WORDS, Question, VenueIndex, understand

log = logging.getLogger(__name__)

STRONG = 2.5  # a topic score at or above this is a question we can answer with confidence
FTS_STRONG = -4.0  # bm25 at or below this (more negative is better) is a close text match

EXAMPLES = {
    "meals": "Where is lunch today?",
    "transport": "When is the next shuttle from The Venetian to Mandalay Bay?",
    "swag": "Where do I get my hoodie?",
    "keynote": "When is Werner's keynote?",
    "party": "How do I get to re:Play?",
    "expo": "When is the Expo open?",
    "run": "When is the 5K run?",
    "badge": "Where do I pick up my badge?",
    "agenda": "What's on now?",
    "venue": "Where is Caesars Forum?",
    "credits": "Can I get AWS credits?",
}
GREETING = re.compile(
    r"^(hi|hello|hey|yo|help|\?|안녕\S*|도움말?|도와줘\S*|헬프|what can you do\??)$"
)

HELP = (
    "Hi! I'm the conference concierge. Ask me, in English or Korean:\n"
    "• meals: _where is lunch today?_, _coffee near Mandalay Bay_\n"
    "• getting around: _next shuttle from The Venetian to Mandalay Bay_, _how do I get to re:Play?_\n"
    "• swag: _where do I get my hoodie?_\n"
    "• the schedule: _when is Werner's keynote?_, _what's on tomorrow morning?_, _Expo hours_\n"
    "• anything else: _can I walk up to a session?_, _time difference to Seoul_"
)


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


def event_vocabulary(data) -> set[str]:
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


class Concierge:
    """Answers questions about the event in the store, on one code path for every surface."""

    def __init__(self, store: Store):
        self.store = store
        self._venue_index: VenueIndex | None = None
        self._venue_revision = -1
        self._known_words: set[str] | None = None
        self._known_revision = -1

    def venue_index(self) -> VenueIndex:
        data = self.store.load_event_data()
        revision = self.store.revision()
        if self._venue_index is None or revision != self._venue_revision:
            self._venue_index = VenueIndex(data.venues if data else [])
            self._venue_revision = revision
        return self._venue_index

    def known_words(self) -> set[str]:
        """Every word the event's data uses: a capitalized word outside it is a name we
        know nothing about ("the weather in Seattle"), so we must not answer confidently."""
        revision = self.store.revision()
        if self._known_words is None or revision != self._known_revision:
            data = self.store.load_event_data()
            self._known_words = event_vocabulary(data) if data else set()
            self._known_revision = revision
        return self._known_words

    def ask(
        self,
        text: str,
        now: datetime,
        *,
        asker_zone: ZoneInfo | None = None,
        user_id: str = "",
        moment_formatter: TimeFormatter | None = None,
        record: bool = True,
    ) -> Answer:
        data = self.store.load_event_data()
        if data is None:
            return Answer(
                "No event is loaded yet: an organizer needs to run `confbot load`.", "none", False
            )
        ctx = Context(data, now.astimezone(data.event.zone), asker_zone, moment_formatter)
        q = understand(text, ctx.now, data, self.venue_index())
        if not q.text or GREETING.match(q.text.strip(" !.?")):
            return Answer(HELP, intent="help", suggestions=list(EXAMPLES.values())[:3])
        unknown = [n for n in q.names if n not in self.known_words()]
        answer = None if unknown else self._answer(q, ctx)
        if answer is None or not answer.confident:
            answer = self._unsure(q, ctx, unknown)
            if record:
                self.store.record_unanswered(
                    text[:2000], q.text[:500], ctx.now, q.topic or "", q.language, user_id
                )
        return answer

    def _answer(self, q: Question, ctx: Context) -> Answer | None:
        best_faq, faq_score, faq_hits = faq.best_match(q, ctx)
        ranked = [t for t in q.ranked_topics() if q.scores[t] >= 1]
        top_score = q.scores[ranked[0]] if ranked else 0.0
        # One FAQ keyword beats a weak topic; against a clear topic the FAQ needs two.
        faq_wins = faq_score >= max(top_score, STRONG) and (faq_hits >= 2 or top_score < 4)
        if best_faq is not None and faq_wins:
            return faq.render(best_faq)

        for topic in ranked:
            if q.scores[topic] < STRONG and not (topic == "venue" and q.venues):
                continue
            result = self._topic(topic, q, ctx)
            if result is not None:
                return result
        if q.venues:
            if q.origin and q.destination:
                return transport.answer(q, ctx)
            return venues.answer(q, ctx)
        if best_faq is not None and faq_score >= STRONG:
            return faq.render(best_faq)
        return None

    def _topic(self, topic: str, q: Question, ctx: Context) -> Answer | None:
        if topic == "meals":
            return meals.answer(q, ctx)
        if topic == "transport":
            return transport.answer(q, ctx)
        if topic == "swag":
            return swag.answer(q, ctx)
        if topic in {"keynote", "party", "expo", "run", "badge", "agenda"}:
            return schedule.answer(q, ctx, topic)
        if topic == "venue":
            return venues.answer(q, ctx)
        if topic == "credits":
            return Answer(
                "Promo credit codes are handed out in Slack: type `/conf credits` to claim yours "
                "(one per person, delivered privately).",
                intent="credits",
            )
        return None

    def _unsure(self, q: Question, ctx: Context, unknown_names: list[str]) -> Answer:
        """'I don't know' with the three best leads, never a confident guess."""
        suggestions: list[str] = []
        for topic in q.ranked_topics():
            if topic in EXAMPLES and EXAMPLES[topic] not in suggestions:
                suggestions.append(EXAMPLES[topic])
        words = faq.question_words(q)
        for doc_type, doc_id, _score in self.store.search(words, limit=6) if words else []:
            lead = self._lead(ctx, doc_type, doc_id)
            if lead and lead not in suggestions:
                suggestions.append(lead)
        for example in EXAMPLES.values():
            if len(suggestions) >= 3:
                break
            if example not in suggestions:
                suggestions.append(example)
        suggestions = suggestions[:3]
        opening = "I don't know that one yet, sorry."
        if unknown_names:
            opening = f"I don't know anything about {unknown_names[0].title()}, sorry."
        text = (
            f"{opening} I've passed your question on to the organizers.\n"
            "Maybe one of these helps: " + " · ".join(f"_{s}_" for s in suggestions)
        )
        return Answer(text, intent=q.topic or "unknown", confident=False, suggestions=suggestions)

    @staticmethod
    def _lead(ctx: Context, doc_type: str, doc_id: str) -> str:
        if doc_type == "faq":
            return next((f.question for f in ctx.data.faq if f.id == doc_id), "")
        if doc_type == "venue":
            name = ctx.data.venue_name(doc_id)
            return f"Where is {name}?" if name else ""
        if doc_type == "schedule":
            item = next((i for i in ctx.data.schedule if i.id == doc_id), None)
            return f"When is {item.title}?" if item else ""
        if doc_type == "swag":
            item = next((s for s in ctx.data.swag if s.id == doc_id), None)
            return f"Where do I get the {item.item}?" if item else ""
        return ""
