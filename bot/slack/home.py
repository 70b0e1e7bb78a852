"""App Home: what is on today and next, the user's own things, common questions."""

from __future__ import annotations

from bot.slack import sessions
from bot.slack.blocks import home_view, slack_dates
from bot.slack.services import SlackServices

# The home tab is built from the same answers people get when they ask.
HOME_QUESTIONS = [
    ("On now", "what's on now"),
    ("Next keynote", "next keynote"),
    ("Food", "where can I eat now"),
    ("Coming up", "what's next"),
]


def home_sections(services: SlackServices, zone) -> list[tuple[str, str]]:
    event = services.event_db.store.event()
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


def home_of(services: SlackServices, user: str, zone) -> dict:
    """The whole view (on event_db's thread: it reads the event, reminders and codes)."""
    store = services.event_db.store
    event = store.event()
    return home_view(
        event.name if event else "confbot",
        home_sections(services, zone),
        extra=services.reminders.home_blocks(user)
        + sessions.home_blocks(services, user)
        + services.credits.home_blocks(store, user),
        questions=services.concierge.suggestions(limit=6),  # the event's own, all answered
    )


async def publish_home(services: SlackServices, user: str, zone) -> None:
    """Build and publish App Home; look ``zone`` up before taking a work slot."""
    view = await services.event_db.call(home_of, services, user, zone)
    await services.attempt(
        f"views.publish for {user}", services.client.views_publish(user_id=user, view=view)
    )
