"""Button presses: feedback, "Ask a human", and the common-question buttons."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.slack.services import SlackServices

log = logging.getLogger(__name__)


def _payload(action: dict) -> tuple[str, str]:
    try:
        value = json.loads(action.get("value") or "{}")
        return str(value.get("q", ""))[:2000], str(value.get("i", ""))[:50]
    except (ValueError, AttributeError):
        return "", ""


def _where(body: dict) -> tuple[str, str | None, str]:
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    message_ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get(
        "ts", ""
    )
    return user, channel, message_ts


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.action(re.compile(r"^feedback_(up|down)$"))
    async def on_feedback(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel, message_ts = _where(body)
        question, intent = _payload(action)
        vote = "up" if action.get("action_id") == "feedback_up" else "down"
        services.store.record_feedback(message_ts or "-", user, vote, question, intent)
        thanks = (
            "Thanks! Glad it helped."
            if vote == "up"
            else "Thanks for telling me. Press *Ask a human* and an organizer will help."
        )
        await services.post_private(channel, user, thanks, respond=respond)

    @app.action("ask_human")
    async def on_ask_human(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel, _ = _where(body)
        question, _ = _payload(action)
        help_channel = services.settings.help_channel
        if not help_channel:
            await services.post_private(
                channel,
                user,
                "There is no help channel set up; please ask at an info desk.",
                respond=respond,
            )
            return
        origin = f" in <#{channel}>" if channel and channel.startswith(("C", "G")) else " in a DM"
        quoted = "\n".join(f"> {line}" for line in (question or "(no text)").splitlines())
        posted = await services.post(
            help_channel,
            f":raising_hand: <@{user}> asked{origin} and would like a person to answer:\n{quoted}",
        )
        reply = (
            f"I've posted your question in <#{help_channel}>; an organizer will answer you there."
            if posted
            else "I couldn't reach the help channel just now; please try again in a minute."
        )
        await services.post_private(channel, user, reply, respond=respond)

    @app.action(re.compile(r"^credits_claim_\d+$"))
    async def on_claim(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel, _ = _where(body)
        value = str(action.get("value", ""))
        campaign_id = int(value) if value.isdigit() else None
        await services.credits.claim(user, channel, respond, campaign_id=campaign_id)

    @app.action("remind_me")
    async def on_remind_me(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel, _ = _where(body)
        _, reply = services.reminders.add(user, str(action.get("value", "")))
        await services.post_private(channel, user, reply, respond=respond)

    @app.action(re.compile(r"^ask_example_\d+$"))
    async def on_example(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel, _ = _where(body)
        question = str(action.get("value", ""))[:500]
        async with services.work:
            _, fallback, blocks = await services.answer(user, question)
        if channel:
            await services.post_private(channel, user, fallback, blocks, respond=respond)
        else:  # App Home: answer in the DM with the bot
            await services.post(user, fallback, blocks)
