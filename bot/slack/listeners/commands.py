"""The slash command (/conf by default; any name the manifest gives it)."""

from __future__ import annotations

import asyncio
import re

from slack_bolt.async_app import AsyncApp

from bot.slack.services import SlackServices

COMMAND_HELP = (
    "\n\nWith the slash command: `/conf <question>` answers only you; add `public` to share the "
    "answer in the channel. `/conf help` shows this."
)


ACK_BUDGET = 2.0  # seconds: Slack wants the ack within 3


async def claim_in_ack(
    services: SlackServices, ack, user: str, channel: str | None, respond
) -> None:
    """A claim answered in the acknowledgement itself, privately (an ephemeral response).

    The claim is one short transaction, so it fits well within Slack's 3 seconds, and the
    ack is the one reply channel that Slack does not rate-limit: a thousand people pressing
    at once get their codes without a thousand chat.postEphemeral calls (a Web API method
    allowed about 100 a minute). If the claim is slow (the database busy), ack first and
    deliver through response_url when it is done.
    """
    task = asyncio.ensure_future(services.credits.outcome(user))
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), timeout=ACK_BUDGET)
    except TimeoutError:
        await ack()
        await services.credits.deliver(await task, user, channel, respond)
        return
    await ack(
        text=outcome.message, blocks=services.credits.blocks(outcome), response_type="ephemeral"
    )
    await services.credits.after(outcome)


async def admin(
    services: SlackServices, user: str, channel: str | None, words: list[str], respond
) -> None:
    """`/conf admin …`: organizers (CONFBOT_ADMINS) only; anyone else changes nothing."""
    topic = words[0].lower() if words else ""
    if topic in {"announce", "announcements"} and services.credits.is_admin(user):
        reply = (
            services.reminders.announcements()
            if topic == "announcements"
            else services.reminders.announce(user, words[1:])
        )
        await services.post_private(channel, user, reply, respond=respond)
        return
    await services.credits.admin(user, channel, words, respond)  # refuses non-admins


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.command(re.compile(r"^/[\w-]+$"))
    async def on_command(ack, command: dict, respond) -> None:
        user, channel = command.get("user_id", ""), command.get("channel_id")
        words = str(command.get("text", "")).split()
        if words and words[0].lower() in {"credits", "credit", "크레딧"}:
            await claim_in_ack(services, ack, user, channel, respond)
            return
        await ack()  # within Slack's 3 seconds, before any work
        if not words or words[0].lower() in {"help", "도움말", "?"}:
            asked = words[0] if words else "help"
            help_text = services.concierge.ask(asked, services.clock(), record=False).text
            await services.post_private(channel, user, help_text + COMMAND_HELP, respond=respond)
            return
        if words[0].lower() in {"remind", "reminder", "reminders", "알림"}:
            reply = await services.reminders.remind(user, " ".join(words[1:]))
            await services.post_private(channel, user, reply, respond=respond)
            return
        if words[0].lower() == "admin":
            await admin(services, user, channel, words[1:], respond)
            return
        public = words[0].lower() == "public" or words[-1].lower() == "public"
        if public:
            words = [
                w
                for i, w in enumerate(words)
                if not (w.lower() == "public" and i in {0, len(words) - 1})
            ]
        question = " ".join(words)
        _, fallback, blocks = await services.answer(user, question)
        if public and channel:
            shown = f"<@{user}> asked: {question}\n{fallback}"
            if await services.post(channel, shown, blocks) is not None:
                return
        await services.post_private(channel, user, fallback, blocks, respond=respond)
