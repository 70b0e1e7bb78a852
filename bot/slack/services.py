"""What the Slack listeners share: the store (on its own thread), the concierge, the clock,
the Web API client, the askers' time zones, the work done after each acknowledgement, and
the posting helpers, which never raise and fall back rather than drop a message."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answer, Concierge
from bot.config import Settings
from bot.slack.blocks import answer_blocks, slack_dates
from bot.slack.errors import reason
from bot.slack.zones import Zones
from bot.store import Store
from bot.store.threaded import StoreThread

log = logging.getLogger(__name__)

SLOTS = 32  # post-ack jobs at work at once: in a burst, the loop keeps time for new acks
SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


def compute_answer(
    services: SlackServices | None,
    concierge: Concierge,
    text: str,
    now: datetime,
    zone: ZoneInfo | None,
    user_id: str,
) -> tuple[Answer, str, list[dict]]:
    """The answer, its notification text and its blocks (on event_db's thread).

    One pass of the concierge: times come as the event's time beside a <!date> token, which
    Slack shows in each reader's own zone, with the asker's time as its fallback text (what a
    notification shows). The answer is most of the CPU a question costs; once is enough.
    """
    answer = concierge.ask(text, now, asker_zone=zone, user_id=user_id, markup=slack_dates)
    return answer, answer.text, blocks_for(services, answer, text, zone, now)


def blocks_for(services, answer: Answer, text: str, zone: ZoneInfo | None, now: datetime):
    """Block Kit for an answer: sessions page with buttons, anything else as usual."""
    from bot.slack import sessions  # it builds on these services: imported when used

    if services is not None:
        found = sessions.blocks_for(services, answer, text, zone, now)
        if found is not None:
            return found
    return answer_blocks(answer, text)


def _arrival(store: Store, key: str | None, user: str) -> tuple[bool, list[int]]:
    first = store.first_delivery(key) if key else True
    return first, (store.undelivered_for(user) if first and user else [])


class SlackServices:
    def __init__(
        self,
        settings: Settings,
        db: StoreThread,
        event_db: StoreThread,
        clock: Callable[[], datetime],
        client: AsyncWebClient,
        zones: Zones,
    ):
        self.settings = settings
        # Two threads, two connections: ``db`` for short work (deliveries seen, claims,
        # votes), which must never wait behind ``event_db``'s long work (answers, App Home,
        # reminders: it reads the whole event into memory, seconds after a large load).
        self.db = db
        self.event_db = event_db
        self.clock = clock
        self.client = client
        self.zones = zones
        self.concierge = Concierge(event_db.store)  # used on event_db's thread only
        self.store = event_db.store  # the same connection: on event_db's thread only
        # The concierge counts each question and records the unanswered ones: small writes
        # handed to db's thread, committed with the others there, so that event_db's thread
        # never waits for the write lock (nor makes a claim wait for it).
        event_db.store.count_question = functools.partial(db.submit, db.store.count_question)
        event_db.store.record_unanswered = functools.partial(db.submit, db.store.record_unanswered)
        # Attached by build_app, since each needs these services:
        self.credits = None  # SlackCredits
        self.handoffs = None  # Handoffs
        self.digest = None  # Digest
        self.reminders = None  # SlackReminders
        self.scheduler = None  # ReminderScheduler
        self.work = asyncio.Semaphore(SLOTS)
        self._tasks: set[asyncio.Task] = set()

    # -- after the ack ---------------------------------------------------------------------------

    def spawn(
        self,
        job: Coroutine[Any, Any, Any],
        what: str,
        on_failure: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        """Run ``job`` after the acknowledgement has gone. A failure is logged (and, given
        ``on_failure``, the person is told), never lost silently."""
        task = asyncio.create_task(self._guarded(job, what, on_failure))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, job, what: str, on_failure) -> None:
        try:
            await job
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error(
                "%s failed: %s",
                what,
                type(exc).__name__,
                exc_info=(type(exc), exc, exc.__traceback__),
            )
            if on_failure is not None:
                try:
                    await on_failure()
                except Exception as again:
                    log.error("telling the person about it failed too: %s", type(again).__name__)

    async def drain(self, timeout: float = 5.0) -> None:
        """Let the jobs in flight finish, and those they start (at most ``timeout`` seconds
        in all), then cancel the rest."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=left)
        for task in list(self._tasks):
            task.cancel()

    # -- deliveries ------------------------------------------------------------------------------

    async def arrive(self, key: str | None, user: str) -> tuple[bool, list[int]]:
        """A request from ``user`` arrived: (first, pending). ``first`` is False for a retried,
        duplicated or replayed delivery of an event, slash command or button press (same
        event_id, or trigger_id): it was handled already and must have no second effect.
        ``pending``: campaigns in which the person holds a code that never reached them."""
        return await self.db.run(_arrival, key, user)  # committed with the others queued

    async def welcome(self, key: str | None, user: str) -> bool:
        """``arrive``, handing over any undelivered code first. False: do nothing more."""
        first, pending = await self.arrive(key, user)
        if first and pending:
            await self.credits.hand_over(user, pending)
        return first

    # -- answers ---------------------------------------------------------------------------------

    async def answer(
        self, user_id: str, text: str, zone: ZoneInfo | None
    ) -> tuple[Answer, str, list[dict]]:
        """The answer, its notification text and its blocks, in the asker's zone if known.

        Look the zone up (``zones.zone``) before taking a work slot, never inside one."""
        return await self.event_db.call(
            compute_answer, self, self.concierge, text, self.clock(), zone, user_id
        )

    # -- the Web API -----------------------------------------------------------------------------

    async def attempt(self, what: str, call: Awaitable[Any]) -> dict | None:
        """One Web API call (retried inside the client as configured): its data, or None when
        it failed, logged in one line whatever the peer answered."""
        try:
            response = await call
        except Exception as exc:
            log.warning("%s failed: %s", what, reason(exc))
            return None
        data = getattr(response, "data", None)
        return data if isinstance(data, dict) else {}

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
        data = await self.attempt(
            f"chat.postMessage to {channel}",
            self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
            ),
        )
        return ("sent", data) if data is not None else ("failed", None)

    async def post_private(
        self,
        channel: str | None,
        user: str,
        text: str,
        blocks: list[dict] | None = None,
        respond=None,
    ) -> bool:
        """Something for one person's eyes: an ephemeral message in the channel; where that
        fails (the bot is not a member, Slack errs), the command's response_url; failing
        both, a DM. False only when all of them failed."""
        if channel:
            sent = await self.attempt(
                f"chat.postEphemeral in {channel}",
                self.client.chat_postEphemeral(
                    channel=channel, user=user, text=text, blocks=blocks
                ),
            )
            if sent is not None:
                return True
        if respond is not None and await self.respond(respond, text, blocks):
            return True
        return await self.post(user, text, blocks) is not None

    async def respond(self, respond, text: str, blocks: list[dict] | None = None) -> bool:
        """An ephemeral reply through the request's response_url; False when it failed."""
        try:
            response = await respond(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )
        except Exception as exc:
            log.warning("response_url failed: %s", reason(exc))
            return False
        status = getattr(response, "status_code", 200)
        if status != 200:  # the webhook client returns errors rather than raising them
            log.warning("response_url failed: HTTP %s", status)
            return False
        return True
