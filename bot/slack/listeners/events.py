"""Event callbacks: DMs, @mentions, App Home, and the help channel's threads.

Each listener only looks at the event and hands the work to ``services.spawn``: Slack gets
its acknowledgement at once, and a retried or duplicated delivery (same event_id) is dropped
by ``services.welcome`` before it has any effect.
"""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.slack.handoff import LEADING_MENTION, handoff_request
from bot.slack.home import publish_home
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)

REMIND_ME = re.compile(r"^\s*(?:please\s+)?remind\s+me\s+(?:about|of|for|to)?\s*", re.I)
NOT_QUESTIONS = {"help", "thanks"}  # "hi", "thanks!": nothing "human" should hand over
IGNORED_SUBTYPES = {
    "message_changed",
    "message_deleted",
    "bot_message",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
}


def _text(value) -> str:
    return value if isinstance(value, str) else ""


async def answer_mention(services: SlackServices, key: str | None, event: dict) -> None:
    user, channel, text = event["user"], event["channel"], _text(event.get("text"))
    if not await services.welcome(key, user):
        return
    asked = LEADING_MENTION.sub("", text)
    if (question := handoff_request(asked)) is not None:  # "@confbot human"
        await services.handoffs.on_request(user, channel, asked, question)
        return
    zone = await services.zones.zone(user)  # outside the work slots: it may take a moment
    async with services.work:
        answer, fallback, blocks = await services.answer(user, text, zone)
        if answer.intent == "credits":  # the code goes to the asker alone, never the channel
            await services.credits.claim(user, channel)
            return
        thread = event.get("thread_ts") or event.get("ts")
        thread = thread if isinstance(thread, str) else None
        if await services.post(channel, fallback, blocks, thread_ts=thread) is None:
            await services.post_private(channel, user, fallback, blocks)  # then a DM
    if answer.intent not in NOT_QUESTIONS:
        services.handoffs.remember(user, asked)


async def answer_dm(services: SlackServices, key: str | None, event: dict) -> None:
    user, channel, text = event["user"], event["channel"], _text(event.get("text"))
    if not await services.welcome(key, user):
        return
    thread = event.get("thread_ts")
    in_thread = isinstance(thread, str) and thread != event.get("ts")
    if in_thread and await services.handoffs.on_asker_reply(event):  # to an organizer
        return
    if (question := handoff_request(text)) is not None:  # "human", "talk to a person"
        await services.handoffs.on_request(user, channel, text, question)
        return
    if m := REMIND_ME.match(text):  # "remind me about Werner's keynote"
        async with services.work:
            reply = await services.event_db.call(services.reminders.remind, user, text[m.end() :])
            await post_dm(services, channel, user, reply)
        return
    zone = await services.zones.zone(user)
    async with services.work:
        answer, fallback, blocks = await services.answer(user, text, zone)
        if answer.intent == "credits":
            await services.credits.claim(user, channel)
            return
        await post_dm(services, channel, user, fallback, blocks)
    if answer.intent not in NOT_QUESTIONS:
        services.handoffs.remember(user, text)


async def post_dm(
    services: SlackServices, channel: str, user: str, text: str, blocks: list[dict] | None = None
) -> None:
    """In the DM; should that fail, to the person by their user ID (Slack opens the DM)."""
    if await services.post(channel, text, blocks) is None and channel != user:
        await services.post(user, text, blocks)


async def open_home(services: SlackServices, key: str | None, user: str) -> None:
    if not await services.welcome(key, user):
        return
    zone = await services.zones.zone(user)
    async with services.work:
        await publish_home(services, user, zone)


async def help_reply(services: SlackServices, key: str | None, event: dict) -> None:
    if await services.welcome(key, event["user"]):
        await services.handoffs.on_help_reply(event)


async def help_edit(services: SlackServices, key: str | None, event: dict) -> None:
    if await services.welcome(key, ""):
        await services.handoffs.on_edit(event)


async def help_delete(services: SlackServices, key: str | None, event: dict) -> None:
    if await services.welcome(key, ""):
        await services.handoffs.on_delete(event)


def _in_help_channel(services: SlackServices, event: dict) -> bool:
    help_channel = services.settings.help_channel
    return bool(help_channel) and event.get("channel") == help_channel


def _help_thread_reply(event: dict) -> bool:
    """A person's reply inside a thread (not the thread's first message, not a bot's)."""
    thread, ts = event.get("thread_ts"), event.get("ts")
    return (
        _from_a_person(event)
        and isinstance(thread, str)
        and isinstance(ts, str)
        and thread != ts
        and event.get("subtype") in (None, "thread_broadcast", "file_share")
    )


def _from_a_person(event: dict) -> bool:
    return (
        isinstance(event.get("user"), str)
        and isinstance(event.get("channel"), str)
        and not event.get("bot_id")
    )


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.event("app_mention")
    async def on_mention(event: dict, body: dict) -> None:
        if not _from_a_person(event) or event.get("subtype") in IGNORED_SUBTYPES:
            return
        services.spawn(answer_mention(services, body.get("event_id"), event), "a mention")

    @app.event("message")
    async def on_message(event: dict, body: dict) -> None:
        # DMs, and the help channel's threads; never messages from bots (ourselves
        # included) or joins.
        key = body.get("event_id")
        if _in_help_channel(services, event):
            if event.get("subtype") == "message_changed":
                services.spawn(help_edit(services, key, event), "an edit in the help channel")
            elif event.get("subtype") == "message_deleted":
                services.spawn(help_delete(services, key, event), "a deletion in the help channel")
            elif _help_thread_reply(event):
                services.spawn(help_reply(services, key, event), "a reply in the help channel")
            return
        if event.get("channel_type") != "im" or event.get("subtype") or not _from_a_person(event):
            return
        services.spawn(answer_dm(services, key, event), "a DM")

    @app.event("app_home_opened")
    async def on_home_opened(event: dict, body: dict) -> None:
        if event.get("tab", "home") != "home" or not isinstance(event.get("user"), str):
            return
        services.spawn(open_home(services, body.get("event_id"), event["user"]), "App Home")
