"""The askers' time zones (users.info), kept off the answer's critical path; the names Slack
shows for people come with the same lookup.

The zone only decides which local time an answer mentions beside the event's, so a lookup
never holds an answer up for long: one attempt with a short timeout, no retries and no
waiting out Retry-After (while Slack says to wait, nobody is looked up). An answer waits at
most ``WAIT`` seconds for it, then goes out in the event's zone; the lookup carries on and
the person's next answer uses their zone. A zone once known is kept for a day.
"""

from __future__ import annotations

import asyncio
import logging
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import Throttle
from bot.slack.errors import read_failure

log = logging.getLogger(__name__)

KNOWN_TTL = 24 * 3600.0  # people rarely change time zone mid-conference
UNKNOWN_TTL = 60.0  # a failed lookup is tried again after a minute, not on every message
TIMEOUT = 2.0  # seconds for the one attempt
WAIT = 1.0  # seconds an answer waits for a lookup in flight before going out without it
PAUSE_DEFAULT = 30.0  # seconds to stop asking after a 429 without Retry-After


def lookup_client(settings, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """A Web API client for lookups alone: no retry handlers, a short timeout."""
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=int(TIMEOUT),
        session=session
        or aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=min(TIMEOUT, settings.api_timeout))
        ),
        retry_handlers=[],
        logger=logging.getLogger("bot.slack.web"),
    )


class Zones:
    def __init__(self, client: AsyncWebClient):
        self.client = client
        self._known: dict[str, tuple[float, ZoneInfo | None]] = {}
        self.names: dict[str, str] = {}  # user -> the name Slack shows, from the same lookup
        self._pending: dict[str, asyncio.Task] = {}
        self._paused_until = 0.0
        self._throttle = Throttle(interval=60.0)

    async def zone(self, user: str) -> ZoneInfo | None:
        """The person's zone, or None (answer in the event's zone) when it is not known in time."""
        if not user:
            return None
        cached = self._known.get(user)
        if cached is not None and time.monotonic() < cached[0]:
            return cached[1]
        if time.monotonic() < self._paused_until:
            return cached[1] if cached else None
        task = self._pending.get(user)
        if task is None:
            task = asyncio.create_task(self._lookup(user))
            self._pending[user] = task
            task.add_done_callback(lambda _t: self._pending.pop(user, None))
        try:
            return await asyncio.wait_for(asyncio.shield(task), WAIT)
        except TimeoutError:
            return None

    async def _lookup(self, user: str) -> ZoneInfo | None:
        try:
            response = await self.client.users_info(user=user)
            found = response.data.get("user") if isinstance(response.data, dict) else None
            found = found if isinstance(found, dict) else {}
            self._remember_name(user, found)
            name = found.get("tz")
            zone = ZoneInfo(name) if isinstance(name, str) and name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None  # a zone name we do not know: the event's zone will do
        except Exception as exc:
            failure = read_failure(exc)
            if failure.status == 429:
                self._paused_until = time.monotonic() + (failure.retry_after or PAUSE_DEFAULT)
            skipped = self._throttle.take()
            if skipped is not None:
                log.warning(
                    "users.info failed (%s): answering in the event's time zone%s",
                    failure,
                    f"; {skipped} more failed lookups since the last such line" if skipped else "",
                )
            self._known[user] = (time.monotonic() + UNKNOWN_TTL, None)
            return None
        self._known[user] = (time.monotonic() + KNOWN_TTL, zone)
        return zone

    def _remember_name(self, user: str, found: dict) -> None:
        profile = found.get("profile") if isinstance(found.get("profile"), dict) else {}
        for name in (profile.get("display_name"), profile.get("real_name"), found.get("name")):
            if isinstance(name, str) and name.strip():
                self.names[user] = name.strip()[:80]
                return

    async def close(self) -> None:
        for task in list(self._pending.values()):
            task.cancel()
