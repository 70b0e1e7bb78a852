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
import functools
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
        done: Future = Future()
        self._queue.put((functools.partial(fn, *args, **kwargs), done))
        return await asyncio.wrap_future(done)

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
        """Close the connection on its thread, then stop the thread."""
        closed: Future = Future()
        self._queue.put((self.store.close, closed))
        self._queue.put(None)
        try:
            closed.result(timeout=30)
        finally:
            self._thread.join(timeout=30)

    # -- the thread --------------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
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
            # runs to the end (its future can no longer be cancelled).
            batch = [(fn, done) for fn, done in batch if done.set_running_or_notify_cancel()]
            if not batch:
                continue
            if len(batch) == 1:
                _settle(*batch[0])
            else:
                self._commit_together(batch)

    def _commit_together(self, batch: list[tuple[Callable[[], Any], Future]]) -> None:
        conn = self.store.db.conn
        try:
            self.store.begin()
        except sqlite3.Error:  # locked past the timeout, say: each tries on its own
            for fn, done in batch:
                _settle(fn, done)
            return
        outcomes: list[tuple[Future, Any, BaseException | None]] = []
        for fn, done in batch:
            conn.execute("SAVEPOINT call")
            try:
                result = fn()
            except BaseException as exc:
                if not conn.in_transaction:  # the whole transaction was rolled back
                    _fail_all(batch, exc)
                    return
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
            _fail_all(batch, StoreError(f"could not commit: {exc}"))
            return
        for done, result, exc in outcomes:  # answered only once it is all on disk
            if exc is None:
                done.set_result(result)
            else:
                done.set_exception(exc)


def _log_failure(done: Future) -> None:
    if done.exception() is not None:
        log.warning("a deferred store write failed: %s", type(done.exception()).__name__)


def _settle(fn: Callable[[], Any], done: Future) -> None:
    try:
        done.set_result(fn())
    except BaseException as exc:
        done.set_exception(exc)


def _fail_all(batch, exc: BaseException) -> None:
    log.warning("a batch of %d store calls failed together: %s", len(batch), type(exc).__name__)
    for _, done in batch:
        if not done.done():
            done.set_exception(exc)
