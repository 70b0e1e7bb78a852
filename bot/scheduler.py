"""APScheduler wiring: turns the store's reminders into jobs and posts through an injected
poster. The store is the source of truth; jobs are derived from it at start, after every
data load, and whenever this process becomes the one allowed to post (the lease)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import reminders
from bot.reminders import Due
from bot.store import Store

log = logging.getLogger(__name__)

# (target, reminder, late) -> 'sent', or 'failed' (try again at the next tick)
Poster = Callable[[str, Due, bool], Awaitable[str]]
# How store work is run: ``await run(fn, *args)``. `serve` runs it on the store's thread
# (bot.store.threaded) so the event loop never waits on SQLite; by default, in place.
Runner = Callable[..., Awaitable]


async def in_place(fn: Callable, *args):
    return fn(*args)


LEASE = "reminders"
LEASE_TTL = timedelta(seconds=30)
TICK_SECONDS = 10.0
JOB_PREFIXES = ("item:", "personal:", "announce:", "moved:")


class ReminderRunner:
    """Per reminder and target: post it, post it marked late, or record it missed.

    The ledger row is written before the post (INSERT OR IGNORE on the reminder's key and
    target), so neither a retried job, a restart nor a second process can post it twice. A
    post that fails (an error answer, no connection, no answer in time) frees its row for
    the next try: nothing queued is lost. One cut off by a killed process stays claimed.
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        poster: Poster,
        concurrency: int = 20,
        run: Runner = in_place,
    ):
        self.store, self.clock, self.poster, self.run = store, clock, poster, run
        self.limit = asyncio.Semaphore(concurrency)
        self.failed: set[str] = set()

    async def fire(self, due: Due) -> dict[str, int]:
        results = await asyncio.gather(*(self._deliver(due, target) for target in due.targets))
        counts: dict[str, int] = {}
        for r in results:
            counts[r] = counts.get(r, 0) + 1
        return counts

    async def _deliver(self, due: Due, target: str) -> str:
        store, run = self.store, self.run
        async with self.limit:
            now = self.clock()
            fate = reminders.fate(due, now)
            if fate == "missed":
                await run(store.record_missed, due.key, target, now)
                return "missed"
            if not await run(store.begin_delivery, due.key, target, now):
                return "already"
            late = fate == "late"
            try:
                outcome = await self.poster(target, due, late)
            except Exception as exc:  # the poster logs; here only the bookkeeping
                log.error("reminder %s to %s failed: %s", due.key, target, type(exc).__name__)
                outcome = "failed"
            if outcome == "sent":
                status = "late" if late else "sent"
                await run(store.finish_delivery, due.key, target, status, self.clock())
                return status
            await run(store.abandon_delivery, due.key, target)
            self.failed.add(due.key)
            return "failed"


class ReminderScheduler:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        poster: Poster,
        channels: tuple[str, ...],
        *,
        offsets: tuple[int, ...] = reminders.DEFAULT_OFFSETS,
        concurrency: int = 20,
        run: Runner = in_place,
    ):
        self.store, self.clock, self.channels, self.offsets = store, clock, channels, offsets
        self.run = run
        self.runner = ReminderRunner(store, clock, poster, concurrency, run)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leader = False
        self._revision = -1
        self._plan: dict[str, Due] = {}
        # Other work done on every tick by the process that holds the lease, so that it is
        # done once however many processes serve: stuck relays, the daily digest.
        self.chores: list[Callable[[], Awaitable[object]]] = []
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )

    # -- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self.scheduler.start()
        await self.tick()
        self.scheduler.add_job(
            self.tick, "interval", seconds=TICK_SECONDS, id="confbot:tick", replace_existing=True
        )

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.leader:
            self.leader = False
            await self.run(self.store.release_lease, LEASE, self.holder)

    def _free_dead_holder(self) -> None:
        """A holder on this machine whose process is gone (killed, crashed) cannot renew: free
        its lease now rather than after it expires, so a restart posts without a pause."""
        holder = self.store.lease_holder(LEASE)
        if not holder or holder == self.holder:
            return
        host, _, rest = holder.partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname() or not pid.isdigit():
            return
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            log.info("the reminder lease holder %s is gone: taking over", holder)
            self.store.release_lease(LEASE, holder)
        except PermissionError:  # alive, another user's
            pass

    async def tick(self) -> None:
        """Renew (or take over) the lease; re-plan after a data load or on becoming leader."""
        was_leader = self.leader
        self.leader, revision = await self.run(self._lease_and_revision, was_leader)
        if self.leader and not was_leader:
            log.info("this process now posts reminders (%s)", self.holder)
        if self.leader and (not was_leader or revision != self._revision or self.runner.failed):
            self._revision = revision
            self.runner.failed.clear()
            await self.sync()
        if self.leader:
            for chore in self.chores:
                try:
                    await chore()
                except Exception as exc:  # one failing chore neither stops the others nor ticks
                    log.error(
                        "%s failed: %s",
                        getattr(chore, "__qualname__", "a chore"),
                        type(exc).__name__,
                    )

    def _lease_and_revision(self, was_leader: bool) -> tuple[bool, int]:
        if not was_leader:
            self._free_dead_holder()
        leader = self.store.take_lease(LEASE, self.holder, datetime.now(UTC), LEASE_TTL)
        return leader, self.store.revision()

    # -- planning --------------------------------------------------------------------------------

    def _real_time(self, moment: datetime) -> datetime:
        """When, by the machine's clock, the event clock reaches ``moment``."""
        return datetime.now(UTC) + (moment - self.clock())

    def _pending(self, now: datetime) -> list[Due]:
        """Every reminder with a target not yet posted to (reads the store)."""
        data = self.store.load_event_data()
        if data is None:
            return []
        reminders.moves(self.store, data, now)  # first: the plan tells people of moves
        planned = reminders.plan(self.store, data, self.channels, self.offsets)
        pending = []
        for due in planned:
            done = self.store.delivered(due.key)
            if not all(t in done for t in due.targets):
                pending.append(due)
        return pending

    async def sync(self) -> None:
        now = self.clock()
        pending = await self.run(self._pending, now)
        self._plan = {}
        overdue = []
        for due in pending:
            self._plan[due.key] = due
            if due.due_at <= now:
                overdue.append(due)
            else:
                self.scheduler.add_job(
                    self._fire_key,
                    "date",
                    run_date=self._real_time(due.due_at),
                    id=due.key,
                    args=[due.key],
                    replace_existing=True,
                )
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIXES) and job.id not in self._plan:
                job.remove()  # an item moved or removed, a reminder cancelled
        # Due while we were away: late if still useful, else missed; all at once (the
        # runner bounds how many posts are in flight).
        await asyncio.gather(*(self.runner.fire(due) for due in overdue))

    async def _fire_key(self, key: str) -> None:
        due = self._plan.get(key)
        if due is None or not self.leader:
            return
        counts = await self.runner.fire(due)
        log.debug("reminder %s: %s", key, counts)

    def scheduled(self) -> list[str]:
        return sorted(
            job.id for job in self.scheduler.get_jobs() if job.id.startswith(JOB_PREFIXES)
        )
