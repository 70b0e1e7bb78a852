"""Answers: the concierge and one module per topic; no Slack imports here."""

from bot.answers.base import Answer, Context
from bot.answers.engine import Concierge

__all__ = ["Answer", "Concierge", "Context"]
