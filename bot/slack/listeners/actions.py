"""Button presses: feedback, "Ask a human", "Save as answer", claims, reminders and the common-question buttons.

Each is acknowledged at once and handled after, by ``services.spawn``; a replayed or retried
press (same trigger_id and action_ts) has no second effect.
"""

from __future__ import annotations

import json
import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.slack.digest import ANSWER_ACTION, MODAL
from bot.slack.handoff import SAVE_ACTION
from bot.slack.services import SORRY, SlackServices

log = logging.getLogger(__name__)


def _payload(action: dict) -> tuple[str, str]:
    try:
        value = json.loads(action.get("value") or "{}")
        return str(value.get("q", ""))[:2000], str(value.get("i", ""))[:50]
    except (ValueError, AttributeError, TypeError):
        return "", ""


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _where(body: dict) -> tuple[str, str | None, str]:
    user = _str((body.get("user") or {}).get("id"))
    channel = _str((body.get("channel") or {}).get("id")) or _str(
        (body.get("container") or {}).get("channel_id")
    )
    message_ts = _str((body.get("container") or {}).get("message_ts")) or _str(
        (body.get("message") or {}).get("ts")
    )
    return user, channel or None, message_ts


def action_key(body: dict, action: dict) -> str | None:
    trigger, ts = body.get("trigger_id"), action.get("action_ts")
    if not isinstance(trigger, str) or not trigger:
        return None
    return f"action:{trigger}:{ts if isinstance(ts, str) else ''}"


def register(app: AsyncApp, services: SlackServices) -> None:
    def handle(body: dict, action: dict, respond, what: str, work) -> None:
        """Spawn ``work(user, channel, message_ts)`` once per press, in a work slot."""
        user, channel, message_ts = _where(body)
        key = action_key(body, action)

        async def job() -> None:
            if not await services.welcome(key, user):
                return
            async with services.work:
                await work(user, channel, message_ts)

        async def sorry() -> None:
            await services.post_private(channel, user, SORRY, respond=respond)

        services.spawn(job(), what, sorry)

    @app.action(re.compile(r"^feedback_(up|down)$"))
    async def on_feedback(ack, body: dict, action: dict, respond) -> None:
        await ack()
        question, intent = _payload(action)
        vote = "up" if action.get("action_id") == "feedback_up" else "down"

        async def work(user, channel, message_ts) -> None:
            await services.db.record_feedback(message_ts or "-", user, vote, question, intent)
            thanks = (
                "Thanks! Glad it helped."
                if vote == "up"
                else "Thanks for telling me. Press *Ask a human* and an organizer will help."
            )
            await services.post_private(channel, user, thanks, respond=respond)

        handle(body, action, respond, "feedback", work)

    @app.action("ask_human")
    async def on_ask_human(ack, body: dict, action: dict, respond) -> None:
        await ack()
        question, _ = _payload(action)

        async def work(user, channel, message_ts) -> None:
            await services.handoffs.ask_human(user, channel, question, respond, message_ts)

        handle(body, action, respond, "Ask a human", work)

    @app.action(SAVE_ACTION)
    async def on_save_answer(ack, body: dict, action: dict, respond) -> None:
        await ack()
        value = str(action.get("value", ""))[:500]

        async def work(user, channel, _ts) -> None:
            await services.handoffs.on_save(user, channel, value, respond)

        handle(body, action, respond, "Save as answer", work)

    @app.action(ANSWER_ACTION)
    async def on_digest_answer(ack, body: dict, action: dict, respond) -> None:
        await ack()
        group_id = str(action.get("value", ""))[:20]
        trigger = _str(body.get("trigger_id"))

        async def work(user, channel, _ts) -> None:
            await services.digest.open_answer(user, channel, group_id, trigger)

        handle(body, action, respond, "a digest's Answer", work)

    @app.view(MODAL)
    async def on_digest_modal(ack, body: dict, view: dict) -> None:
        user = _str((body.get("user") or {}).get("id"))
        group_id = _str(view.get("private_metadata"))[:20]
        value = (((view.get("state") or {}).get("values") or {}).get("answer") or {}).get("text")
        answer = _str((value or {}).get("value"))[:3000]
        if not answer.strip():  # the modal stays open and says what is missing
            await ack(response_action="errors", errors={"answer": "Write the answer first."})
            return
        found = await services.db.digest_group(int(group_id)) if group_id.isdigit() else None
        if found is not None and found["answer_id"] is not None:  # another organizer was first
            number = found["answer_id"]
            taken = f"Answered already (answer #{number}); `confbot faq edit {number}` changes it."
            await ack(response_action="errors", errors={"answer": taken})
            return
        await ack()  # closes the modal
        services.spawn(services.digest.answered(user, group_id, answer), "a digest answer")

    @app.action(re.compile(r"^credits_claim_\d+$"))
    async def on_claim(ack, body: dict, action: dict, respond) -> None:
        await ack()
        value = str(action.get("value", ""))
        campaign_id = int(value) if value.isdigit() and len(value) < 12 else None

        async def work(user, channel, _ts) -> None:
            await services.credits.claim(user, channel, respond, campaign_id=campaign_id)

        handle(body, action, respond, "a claim button", work)

    @app.action("remind_me")
    async def on_remind_me(ack, body: dict, action: dict, respond) -> None:
        await ack()
        item_id = str(action.get("value", ""))[:200]

        async def work(user, channel, _ts) -> None:
            _, reply = await services.event_db.call(services.reminders.add, user, item_id)
            await services.post_private(channel, user, reply, respond=respond)

        handle(body, action, respond, "Remind me", work)

    @app.action(re.compile(r"^ask_example_\d+$"))
    async def on_example(ack, body: dict, action: dict, respond) -> None:
        await ack()
        question = str(action.get("value", ""))[:500]
        user, channel, _ = _where(body)
        key = action_key(body, action)

        async def job() -> None:
            if not await services.welcome(key, user):
                return
            zone = await services.zones.zone(user)  # outside the work slots
            async with services.work:
                _, fallback, blocks = await services.answer(user, question, zone)
                if channel:
                    await services.post_private(channel, user, fallback, blocks, respond=respond)
                else:  # App Home: answer in the DM with the bot
                    await services.post(user, fallback, blocks)

        async def sorry() -> None:
            await services.post_private(channel, user, SORRY, respond=respond)

        services.spawn(job(), "a question button", sorry)
