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
from bot.understand import Lexicon, Question, understand, unknown_words

log = logging.getLogger(__name__)

STRONG = 2.5  # a topic score at or above this is a question we can answer with confidence
COVERAGE = 0.6  # an FAQ entry must explain this share of the question's content words

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


HELP_KO = (
    "안녕하세요! 컨퍼런스 안내 봇이에요. 한국어나 영어로 물어보세요:\n"
    "• 식사: _오늘 점심 어디?_, _만달레이베이 커피_\n"
    "• 이동: _베네시안에서 만달레이베이 가는 셔틀_, _리플레이 가는 버스_\n"
    "• 굿즈: _후드티 어디서 받아요?_\n"
    "• 일정: _베르너 키노트 언제?_, _내일 아침 일정_\n"
    "(답은 아직 영어로 드려요.)"
)


class Concierge:
    """Answers questions about the event in the store, on one code path for every surface."""

    def __init__(self, store: Store):
        self.store = store
        self._lexicon: Lexicon | None = None
        self._faq_index = faq.FaqIndex([])
        self._lexicon_revision = -1

    def lexicon(self) -> Lexicon:
        """The event's names and words, rebuilt when a load changes the data."""
        self._refresh()
        return self._lexicon

    def _refresh(self) -> None:
        revision = self.store.revision()
        if self._lexicon is None or revision != self._lexicon_revision:
            data = self.store.load_event_data()
            self._lexicon = Lexicon(data)
            self._faq_index = faq.FaqIndex(data.faq if data else [])
            self._lexicon_revision = revision

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
        ctx = Context(data, now, asker_zone, moment_formatter)
        lexicon = self.lexicon()
        q = understand(text, now.astimezone(data.event.zone), data, lexicon)
        if q.zone:  # "what time is that in Korea time?"
            ctx.asker_zone = ZoneInfo(q.zone)
        if not q.text or GREETING.match(q.text.strip(" !.?")):
            help_text = HELP_KO + "\n\n" + HELP if q.language == "ko" else HELP
            return Answer(help_text, intent="help", suggestions=list(EXAMPLES.values())[:3])
        # A word the event never uses, and plain English does not explain, names something we
        # know nothing about ("the weather in Seattle", "vegan options", "Andy Jassy"): never
        # answer that confidently.
        unknown = [n for n in q.names if n not in lexicon.known] or unknown_words(q, lexicon.known)
        answer = None if unknown else self._answer(q, ctx)
        if answer is None or not answer.confident:
            answer = self._unsure(q, ctx, unknown)
            if record:
                self.store.record_unanswered(
                    text[:2000], q.text[:500], ctx.now, q.topic or "", q.language, user_id
                )
        if record:
            self.store.count_question(ctx.now, answer.confident)
        return answer

    def _answer(self, q: Question, ctx: Context) -> Answer | None:
        best = faq.best_match(q, self._faq_index)
        ranked = [t for t in q.ranked_topics() if q.scores[t] >= 1]
        top_score = q.scores[ranked[0]] if ranked else 0.0
        if best is not None and self._faq_wins(q, best, top_score):
            return faq.render(best.faq)

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
        if best is not None and best.score >= STRONG and faq.coverage(q, best.faq) >= COVERAGE:
            return faq.render(best.faq)
        return None

    @staticmethod
    def _faq_wins(q: Question, best: faq.FaqMatch, top_score: float) -> bool:
        """An FAQ entry beats the topics when its evidence is stronger: two keywords, or a
        phrase, or one word when no topic is clear; and only when its keywords explain much
        of what was asked ("print my ticket" is not a question about prices)."""
        if best.score < max(top_score, STRONG):
            return False
        if best.hits < 2 and not best.phrases and top_score >= STRONG:
            return False
        return faq.coverage(q, best.faq) >= COVERAGE

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
            opening = f"I don't know about '{unknown_names[0]}' here, sorry."
        text = (
            f"{opening} I've passed your question on to the organizers.\n"
            "Maybe one of these helps: " + " · ".join(f"_{s}_" for s in suggestions)
        )
        if q.language == "ko":  # the asker wrote in Korean: say it in Korean first
            text = "죄송해요, 아직 답을 모르는 질문이에요. 운영진에게 전달해 두었어요.\n" + text
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
