"""Answers: one module per topic, each taking the event and the time now; no Slack here."""

from bot.answers.base import Answer, Context
from bot.answers.engine import Concierge

__all__ = ["Answer", "Concierge", "Context"]
