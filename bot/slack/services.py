"""What the Slack listeners share: the store, the concierge, the clock, the Web API client,
the askers' time zones, and the posting helpers that never let a failed call kill anything."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answer, Concierge
from bot.config import Settings
from bot.slack.blocks import answer_blocks, slack_dates
from bot.store import Store

log = logging.getLogger(__name__)

ZONE_TTL = 3600.0  # people rarely change time zone mid-conference; refresh hourly


class SlackServices:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        clock: Callable[[], datetime],
        client: AsyncWebClient,
    ):
        self.settings = settings
        self.store = store
        self.clock = clock
        self.client = client
        self.concierge = Concierge(store)
        # Attached by build_app, since each needs these services:
        self.credits = None  # SlackCredits
        self.reminders = None  # SlackReminders
        self.scheduler = None  # ReminderScheduler
        self._zones: dict[str, tuple[float, ZoneInfo | None]] = {}
        # Work done after an ack waits its turn here, so that in a burst the event loop keeps
        # time for acknowledging new requests (Slack wants each within 3 seconds).
        self.work = asyncio.Semaphore(32)

    # -- deliveries ---------------------------------------------------------------------------

    def first_delivery(self, body: dict[str, Any]) -> bool:
        """False for a retried or duplicated event (same event_id): it was handled already."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            return True
        return self.store.first_delivery(event_id)

    # -- the asker ---------------------------------------------------------------------------

    async def user_zone(self, user_id: str) -> ZoneInfo | None:
        """The asker's time zone from their Slack profile (users.info), cached."""
        cached = self._zones.get(user_id)
        if cached and time.monotonic() - cached[0] < ZONE_TTL:
            return cached[1]
        zone = None
        try:
            response = await self.client.users_info(user=user_id)
            name = (response.get("user") or {}).get("tz")
            if name:
                zone = ZoneInfo(name)
        except (SlackApiError, ZoneInfoNotFoundError, ValueError) as exc:
            log.warning("users.info for %s failed: %s", user_id, reason(exc))
        except Exception as exc:  # unreachable API: answer in the event's zone
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            return None
        self._zones[user_id] = (time.monotonic(), zone)
        return zone

    async def answer(self, user_id: str, text: str) -> tuple[Answer, str, list[dict]]:
        """The answer, its plain-text fallback and its blocks, in the asker's time zone."""
        zone = await self.user_zone(user_id) if user_id else None
        now = self.clock()
        event = self.store.event()
        answer = self.concierge.ask(text, now, asker_zone=zone, user_id=user_id)
        if event is None:
            return answer, answer.text, answer_blocks(answer, text)
        rich = self.concierge.ask(
            text,
            now,
            asker_zone=zone,
            user_id=user_id,
            record=False,
            markup=slack_dates,
        )
        rich.confident, rich.suggestions = answer.confident, answer.suggestions
        from bot.slack import sessions  # it builds on these services: imported when used

        blocks = sessions.blocks_for(self, rich, text, zone, now) or answer_blocks(rich, text)
        return answer, answer.text, blocks

    # -- posting -----------------------------------------------------------------------------

    async def post(
        self,
        channel: str,
        text: str,
        blocks: list[dict] | None = None,
        thread_ts: str | None = None,
    ) -> dict | None:
        """chat.postMessage; None when it failed (logged, never raised)."""
        return (await self.post_outcome(channel, text, blocks, thread_ts))[1]

    async def post_outcome(
        self,
        channel: str,
        text: str,
        blocks: list[dict] | None = None,
        thread_ts: str | None = None,
    ) -> tuple[str, dict | None]:
        """('sent', data), or ('failed', None): Slack answered with an error, could not be
        reached, or did not answer in time (then it may or may not have posted it; a reminder
        is sent again rather than lost)."""
        try:
            response = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
            )
            return "sent", response.data
        except Exception as exc:
            log.error("chat.postMessage to %s failed: %s", channel, reason(exc))
            return "failed", None

    async def post_private(
        self,
        channel: str | None,
        user: str,
        text: str,
        blocks: list[dict] | None = None,
        respond=None,
    ) -> bool:
        """An ephemeral message in the channel; where the bot cannot post there (not a member),
        the command's response_url; failing both, a DM."""
        if channel:
            try:
                await self.client.chat_postEphemeral(
                    channel=channel, user=user, text=text, blocks=blocks
                )
                return True
            except Exception as exc:
                log.warning("chat.postEphemeral in %s failed: %s", channel, reason(exc))
        if respond is not None:
            try:
                await respond(
                    text=text, blocks=blocks, response_type="ephemeral", replace_original=False
                )
                return True
            except Exception as exc:
                log.warning("response_url failed: %s", reason(exc))
        return await self.post(user, text, blocks) is not None


def reason(exc: Exception) -> str:
    """What went wrong, without the request (which may carry a token)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error")) if exc.response is not None else "error"
    return type(exc).__name__
