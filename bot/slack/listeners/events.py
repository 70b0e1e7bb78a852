"""Event callbacks: DMs, @mentions and App Home."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.slack.home import publish_home
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)

REMIND_ME = re.compile(r"^\s*(?:please\s+)?remind\s+me\s+(?:about|of|for|to)?\s*", re.I)
IGNORED_SUBTYPES = {
    "message_changed",
    "message_deleted",
    "bot_message",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
}


async def answer_mention(services: SlackServices, event: dict) -> None:
    user, text = event.get("user", ""), str(event.get("text", ""))
    answer, fallback, blocks = await services.answer(user, text)
    if answer.intent == "credits":  # the code goes to the asker alone, never the channel
        await services.credits.claim(user, event["channel"])
        return
    await services.post(
        event["channel"], fallback, blocks, thread_ts=event.get("thread_ts") or event.get("ts")
    )


async def answer_dm(services: SlackServices, event: dict) -> None:
    user, text = event.get("user", ""), str(event.get("text", ""))
    if m := REMIND_ME.match(text):  # "remind me about Werner's keynote"
        await services.post(
            event["channel"], await services.reminders.remind(user, text[m.end() :])
        )
        return
    answer, fallback, blocks = await services.answer(user, text)
    if answer.intent == "credits":
        await services.credits.claim(user, event["channel"])
        return
    await services.post(event["channel"], fallback, blocks)


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.event("app_mention")
    async def on_mention(event: dict, body: dict) -> None:
        if event.get("bot_id") or event.get("subtype") in IGNORED_SUBTYPES:
            return
        if not services.first_delivery(body):
            return
        async with services.work:
            await answer_mention(services, event)

    @app.event("message")
    async def on_message(event: dict, body: dict) -> None:
        # Only DMs; never messages from bots (ourselves included), edits or joins.
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        if not services.first_delivery(body):
            return
        async with services.work:
            await answer_dm(services, event)

    @app.event("app_home_opened")
    async def on_home_opened(event: dict, body: dict) -> None:
        if event.get("tab", "home") != "home" or not services.first_delivery(body):
            return
        async with services.work:
            await publish_home(services, event["user"])
