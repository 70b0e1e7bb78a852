"""The SQLite store: the only package that writes SQL.

Everything else calls the typed functions of ``Store``. The schema is created and upgraded
by numbered migrations (``schema.py``); the database runs in WAL mode so readers never wait
for the writer, and every write transaction takes the write lock up front.
"""

from bot.store.core import CoreStore, fts_query
from bot.store.credits import CreditsStore
from bot.store.handoffs import HandoffsStore
from bot.store.reminders import RemindersStore
from bot.store.schema import MIGRATIONS, StoreError, StoreReadOnly


class Store(HandoffsStore, RemindersStore, CreditsStore, CoreStore):
    """Typed access to one confbot database file."""


__all__ = ["MIGRATIONS", "Store", "StoreError", "StoreReadOnly", "fts_query"]
