"""The slash command (/conf by default; any name the manifest gives it).

Acknowledged at once (a claim is answered in the acknowledgement itself); the rest is done
after, by ``services.spawn``. A replayed or retried command (same trigger_id) has no second
effect.
"""

from __future__ import annotations

import asyncio
import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.slack.handoff import handoff_request
from bot.slack.markup import escape_user_text
from bot.slack.services import SORRY, SlackServices

log = logging.getLogger(__name__)

COMMAND_HELP = (
    "\n\nWith the slash command: `/conf <question>` answers only you; add `public` to share the "
    "answer in the channel. `/conf help` shows this."
)
CREDITS_WORDS = {"credits", "credit", "크레딧"}
ACK_BUDGET = 2.0  # seconds: Slack wants the ack within 3


def command_key(command: dict) -> str | None:
    trigger = command.get("trigger_id")
    return f"command:{trigger}" if isinstance(trigger, str) and trigger else None


async def claim_in_ack(
    services: SlackServices, ack, key: str | None, user: str, channel: str | None, respond
) -> None:
    """A claim answered in the acknowledgement itself, privately (an ephemeral response).

    The claim is one short transaction, so it fits well within Slack's 3 seconds, and the
    ack is the one reply channel that Slack does not rate-limit: a thousand people pressing
    at once get their codes without a thousand chat.postEphemeral calls (a Web API method
    allowed about 100 a minute). If the claim is slow (the database busy), ack first and
    deliver through response_url when it is done.
    """

    # Awaited in place, not as a task of its own: each task and future between here and the
    # store's answer is one more turn of an event loop that a thousand requests share.
    try:
        async with asyncio.timeout(ACK_BUDGET):
            outcome, pending = await services.credits.outcome_at_once(key, user)
    except TimeoutError:
        # The claim may yet commit on the store's thread: claiming again (no key: it is
        # not a new request) gives the same code then, or claims now if it never happened.
        await ack()
        services.spawn(deliver_late(services, user, channel, respond), "a slow claim")
        return
    except Exception as exc:
        log.error("a claim failed: %s", type(exc).__name__)
        await ack(text=SORRY, response_type="ephemeral")
        return
    if outcome is None:  # a replay: nothing again, not even the code
        await ack()
        return
    await ack(
        text=outcome.message, blocks=services.credits.blocks(outcome), response_type="ephemeral"
    )
    if outcome.alerts or pending:  # most claims leave nothing to do after the ack
        services.spawn(settled(services, outcome, user, pending), "after a claim")


async def deliver_late(services: SlackServices, user: str, channel, respond) -> None:
    _, pending = await services.arrive(None, user)
    outcome = await services.credits.outcome(user)
    await services.credits.deliver(outcome, user, channel, respond)
    await settled(services, outcome, user, pending, alerts=False)


async def settled(services: SlackServices, outcome, user: str, pending, alerts=True) -> None:
    """After a claim answered in the ack: stock alerts, and codes still owed to the person."""
    if alerts:
        await services.credits.after(outcome)
    if outcome.campaign is not None and outcome.campaign.id in pending and outcome.code:
        await services.db.mark_delivered(outcome.campaign.id, user)  # shown in the ack just now
        pending = [c for c in pending if c != outcome.campaign.id]
    if pending:
        await services.credits.hand_over(user, pending)


async def admin(
    services: SlackServices, user: str, channel: str | None, text: str, respond
) -> None:
    """`/conf admin …`: organizers (CONFBOT_ADMINS) only; anyone else changes nothing."""
    words = text.split()
    topic = words[0].lower() if words else ""
    if topic in {"announce", "announcements"} and services.credits.is_admin(user):
        if topic == "announcements":
            reply = await services.event_db.call(services.reminders.announcements)
        else:
            reply = await services.event_db.call(services.reminders.announce, user, words[1:])
        await services.post_private(channel, user, reply, respond=respond)
        return
    await services.credits.admin(user, channel, text, respond)  # refuses non-admins


async def run_command(
    services: SlackServices,
    key: str | None,
    user: str,
    channel: str | None,
    text: str,
    respond,
) -> None:
    if not await services.welcome(key, user):
        return
    words = text.split()
    first = words[0].lower() if words else ""
    if first in {"", "help", "도움말", "?"}:  # help from the event's own examples
        now = services.clock()

        def help_text() -> str:
            return services.concierge.ask(first or "help", now, record=False).text

        async with services.work:
            text = await services.event_db.call(help_text)
            await services.post_private(channel, user, text + COMMAND_HELP, respond=respond)
        return
    if first in {"remind", "reminder", "reminders", "알림"}:
        async with services.work:
            reply = await services.event_db.call(
                services.reminders.remind, user, " ".join(words[1:])
            )
            await services.post_private(channel, user, reply, respond=respond)
        return
    if (asked := handoff_request(text)) is not None:  # "/conf human", "/conf human: …"
        await services.handoffs.on_request(user, channel, text, asked, respond)
        return
    if first == "admin":
        async with services.work:
            await admin(services, user, channel, text.strip()[len("admin") :].strip(), respond)
        return
    public = first == "public" or words[-1].lower() == "public"
    if public:
        words = [
            w
            for i, w in enumerate(words)
            if not (w.lower() == "public" and i in {0, len(words) - 1})
        ]
    question = " ".join(words)
    zone = await services.zones.zone(user)  # outside the work slots
    services.handoffs.remember(user, question)
    async with services.work:
        _, fallback, blocks = await services.answer(user, question, zone)
        if public and channel:
            asked = f"<@{user}> asked: {escape_user_text(question)}"
            shown = [{"type": "section", "text": {"type": "mrkdwn", "text": asked[:2900]}}]
            if await services.post(channel, f"{asked}\n{fallback}", shown + blocks) is not None:
                return
        await services.post_private(channel, user, fallback, blocks, respond=respond)


def fields(command: dict) -> tuple[str, str | None, str, str | None]:
    """(user, channel, text, delivery key) of a slash command, whatever its fields held."""
    user = command.get("user_id") if isinstance(command.get("user_id"), str) else ""
    channel = command.get("channel_id") if isinstance(command.get("channel_id"), str) else None
    text = command.get("text") if isinstance(command.get("text"), str) else ""
    return user, channel, text, command_key(command)


def is_claim(text: str) -> bool:
    words = text.split()
    return bool(words) and words[0].lower() in CREDITS_WORDS


async def claim_command(services: SlackServices, command: dict, ack, respond) -> None:
    """`/conf credits`: the claim, answered in the ack. The HTTP front calls this directly
    (bot.slack.http); Socket Mode through bolt (on_command below)."""
    user, channel, _, key = fields(command)
    await claim_in_ack(services, ack, key, user, channel, respond)


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.command(re.compile(r"^/[\w-]+$"))
    async def on_command(ack, command: dict, respond) -> None:
        user, channel, text, key = fields(command)
        if is_claim(text):
            await claim_command(services, command, ack, respond)
            return
        await ack()  # within Slack's 3 seconds, before any work

        async def sorry() -> None:
            await services.post_private(channel, user, SORRY, respond=respond)

        services.spawn(
            run_command(services, key, user, channel, text, respond), "a slash command", sorry
        )
