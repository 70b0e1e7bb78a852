"""The store on a thread of its own, for async code: the event loop never waits on SQLite.

A write can wait seconds for the database's lock (another process loading an event, a
backup), and reading a large event back takes a while; on the event loop either would hold
up every acknowledgement Slack is waiting for. Here one thread owns one connection (SQLite
connections are not to be shared between threads mid-transaction) and runs every call in
turn; the loop awaits the result.

With ``group_commit``, the calls that queued up while the thread was busy run together in
one transaction, each in a savepoint of its own (one failing undoes only itself), and are
answered once it has committed: a burst of small writes (deliveries seen, claims) costs one
fsync, not one each. Every such call must be short: it holds the write lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import queue
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from bot.store import Store, StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH_MOST = 256  # calls in one group commit at most


class StoreThread:
    """``await db.claim(...)`` runs ``Store.claim`` on the store's thread; ``await
    db.run(fn, ...)`` runs ``fn(store, ...)`` there, for work that reads several things.

    ``store`` is the thread's own Store: touch it only inside ``run``/``call``.
    """

    def __init__(self, path: str | Path, name: str = "store", *, group_commit: bool = False):
        self.group_commit = group_commit
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._closed: Future = Future()
        self._thread = threading.Thread(target=self._serve, name=f"confbot-{name}", daemon=True)
        self._thread.start()
        # Opened on the thread that will use it (sqlite3's own rule of thumb).
        opened: Future = Future()
        self._queue.put((functools.partial(Store, path), opened))
        self.store: Store = opened.result()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(store, *args, **kwargs)`` on the store's thread."""
        return await self.call(fn, self.store, *args, **kwargs)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on the store's thread (fn already knows its store)."""
        reply = _Reply(asyncio.get_running_loop())
        self._queue.put((functools.partial(fn, *args, **kwargs), reply))
        return await reply.future

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """``fn(*args, **kwargs)`` on the store's thread, from any thread, not waited for
        (a failure is logged)."""
        done: Future = Future()
        done.add_done_callback(_log_failure)
        self._queue.put((functools.partial(fn, *args, **kwargs), done))
        return done

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        if name.startswith("_") or name == "store":  # not set up (yet): no recursion
            raise AttributeError(name)
        method = getattr(self.store, name)
        if not callable(method):
            raise AttributeError(name)

        async def on_thread(*args: Any, **kwargs: Any) -> Any:
            return await self.call(method, *args, **kwargs)

        on_thread.__name__ = name
        return on_thread

    def close(self) -> None:
        """Finish the calls queued, close the connection on its thread, stop the thread.

        The close is the thread's own last step, never a call among others: in a group
        commit it would shut the connection inside the open transaction."""
        self._queue.put(None)
        try:
            self._closed.result(timeout=30)
        finally:
            self._thread.join(timeout=30)

    # -- the thread --------------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                self._close()
                return
            batch = [item]
            if self.group_commit and hasattr(self, "store"):
                while len(batch) < BATCH_MOST:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    batch.append(more)
            # A call whose caller gave up before it started is dropped; one that has started
            # runs to the end.
            batch = [(fn, done) for fn, done in batch if done.set_running_or_notify_cancel()]
            if not batch:
                continue
            # No garbage collection while the calls run: they may hold the database's write
            # lock, and a full collection of a large heap (the event in memory) takes a
            # tenth of a second, which every other writer (a claim) would wait out.
            gc.disable()
            try:
                outcomes = [_run(*batch[0])] if len(batch) == 1 else self._commit_together(batch)
            finally:
                gc.enable()
            _hand_back(outcomes)

    def _close(self) -> None:
        try:
            if hasattr(self, "store"):
                self.store.close()
            self._closed.set_result(None)
        except BaseException as exc:
            self._closed.set_exception(exc)

    def _commit_together(self, batch: list[tuple[Callable[[], Any], Any]]) -> list[tuple]:
        conn = self.store.db.conn
        try:
            self.store.begin()
        except sqlite3.Error:  # locked past the timeout, say: each tries on its own
            return [_run(fn, done) for fn, done in batch]
        outcomes: list[tuple[Any, Any, BaseException | None]] = []
        for fn, done in batch:
            conn.execute("SAVEPOINT call")
            try:
                result = fn()
            except BaseException as exc:
                if not conn.in_transaction:  # the whole transaction was rolled back
                    return _all_failed(batch, exc)
                conn.execute("ROLLBACK TO call")
                conn.execute("RELEASE call")
                outcomes.append((done, None, exc))
                continue
            conn.execute("RELEASE call")
            outcomes.append((done, result, None))
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return _all_failed(batch, StoreError(f"could not commit: {exc}"))
        return outcomes  # answered only now, once it is all on disk


class _Reply:
    """Where a call from the event loop gets its answer: a future of that loop. The thread
    hands back a whole batch's answers in one wake-up of the loop, not one each."""

    __slots__ = ("loop", "future")

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.future = loop.create_future()

    def set_running_or_notify_cancel(self) -> bool:
        return not self.future.cancelled()  # read across threads: _answer checks again


def _run(fn: Callable[[], Any], done: Any) -> tuple[Any, Any, BaseException | None]:
    try:
        return done, fn(), None
    except BaseException as exc:
        return done, None, exc


def _all_failed(batch, exc: BaseException) -> list[tuple]:
    log.warning("a batch of %d store calls failed together: %s", len(batch), type(exc).__name__)
    return [(done, None, exc) for _, done in batch]


def _hand_back(outcomes: list[tuple[Any, Any, BaseException | None]]) -> None:
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple]] = {}
    for done, result, exc in outcomes:
        if isinstance(done, _Reply):
            by_loop.setdefault(done.loop, []).append((done.future, result, exc))
        elif exc is None:
            done.set_result(result)
        else:
            done.set_exception(exc)
    for loop, answers in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(_answer, answers)


def _answer(answers: list[tuple[asyncio.Future, Any, BaseException | None]]) -> None:
    for future, result, exc in answers:
        if future.done():  # the caller gave up meanwhile
            continue
        if exc is None:
            future.set_result(result)
        else:
            future.set_exception(exc)


def _log_failure(done: Future) -> None:
    if done.exception() is not None:
        log.warning("a deferred store write failed: %s", type(done.exception()).__name__)
