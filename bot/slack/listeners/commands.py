"""The slash command (/conf by default; any name the manifest gives it)."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.answers.engine import HELP
from bot.slack.services import SlackServices

COMMAND_HELP = (
    HELP
    + "\n\nWith the slash command: `/conf <question>` answers only you; add `public` to share the "
    "answer in the channel. `/conf help` shows this."
)


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.command(re.compile(r"^/[\w-]+$"))
    async def on_command(ack, command: dict, respond) -> None:
        await ack()  # within Slack's 3 seconds, before any work
        user, channel = command.get("user_id", ""), command.get("channel_id")
        words = str(command.get("text", "")).split()
        if not words or words[0].lower() in {"help", "도움말", "?"}:
            await services.post_private(channel, user, COMMAND_HELP, respond=respond)
            return
        if words[0].lower() in {"credits", "credit", "크레딧"}:
            await services.credits.claim(user, channel, respond)
            return
        if words[0].lower() == "admin":
            await services.credits.admin(user, channel, words[1:], respond)
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
