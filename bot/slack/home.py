"""App Home: what is on today and next, the user's own things, common questions."""

from __future__ import annotations

import logging

from bot.slack import sessions
from bot.slack.blocks import home_view, slack_dates
from bot.slack.services import SlackServices, reason

log = logging.getLogger(__name__)

# The home tab is built from the same answers people get when they ask.
HOME_QUESTIONS = [
    ("On now", "what's on now"),
    ("Next keynote", "next keynote"),
    ("Food", "where can I eat now"),
    ("Coming up", "what's next"),
]


def home_sections(services: SlackServices, zone) -> list[tuple[str, str]]:
    event = services.store.event()
    if event is None:
        return [("Not ready yet", "No event is loaded yet.")]
    now = services.clock()
    sections = []
    for title, question in HOME_QUESTIONS:
        answer = services.concierge.ask(
            question, now, asker_zone=zone, record=False, markup=slack_dates
        )
        if answer.confident:
            sections.append((title, answer.text))
    return sections


async def publish_home(services: SlackServices, user: str) -> None:
    zone = await services.user_zone(user)
    event = services.store.event()
    view = home_view(
        event.name if event else "confbot",
        home_sections(services, zone),
        extra=services.reminders.home_blocks(user)
        + sessions.home_blocks(services, user)
        + services.credits.home_blocks(user),
        questions=services.concierge.suggestions(limit=6),
    )
    try:
        await services.client.views_publish(user_id=user, view=view)
    except Exception as exc:
        log.error("views.publish for %s failed: %s", user, reason(exc))
