"""Listeners by surface; the app wires them with one explicit call."""

from slack_bolt.async_app import AsyncApp

from bot.slack import sessions
from bot.slack.listeners import actions, commands, events
from bot.slack.services import SlackServices


def register_listeners(app: AsyncApp, services: SlackServices) -> None:
    events.register(app, services)
    commands.register(app, services)
    actions.register(app, services)
    sessions.register(app, services)  # More, Add to calendar, My calendar
