"""The store on a thread of its own, for async code: the event loop never waits on SQLite.

A write can wait seconds for the database's lock (another process loading an event, a
backup), and reading a large event back takes a while; on the event loop either would hold
up every acknowledgement Slack is waiting for. Here one thread owns one connection (SQLite
connections are not to be shared between threads mid-transaction) and runs every call in
turn; the loop awaits the result.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.store import Store

T = TypeVar("T")


class StoreThread:
    """``await db.claim(...)`` runs ``Store.claim`` on the store's thread; ``await
    db.run(fn, ...)`` runs ``fn(store, ...)`` there, for work that reads several things.

    ``store`` is the thread's own Store: touch it only inside ``run``.
    """

    def __init__(self, path: str | Path, name: str = "store"):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"confbot-{name}")
        # Opened on the thread that will use it (sqlite3's own rule of thumb).
        self.store: Store = self._executor.submit(Store, path).result()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(store, *args, **kwargs)`` on the store's thread."""
        call = functools.partial(fn, self.store, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on the store's thread (fn already knows its store)."""
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

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
        try:
            self._executor.submit(self.store.close).result()
        finally:
            self._executor.shutdown(wait=True)
