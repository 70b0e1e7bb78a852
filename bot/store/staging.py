"""A large load built beside the live event, in short transactions, then swapped in at once.

Each staged table is created from the live table's own CREATE statement (so whatever columns
the migrations gave it), filled ``BATCH`` rows per transaction, and indexed for search the
same way. The swap (drop the live table, rename the staged one, recreate the indexes) is
one short transaction. A load that fails or is killed leaves only staged tables behind, which
the next load removes.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

BATCH = 2000  # rows per transaction: a few milliseconds of holding the write lock
STALE_AFTER = 3600  # seconds: staged tables this old belong to a load that died
SEARCH = "search_fts"
_NAME = re.compile(r"^(CREATE\s+(?:VIRTUAL\s+)?TABLE\s+)(\"?\w+\"?)", re.I)
_STAGED = re.compile(r"^stage_(\d+)_[0-9a-f]+_")


class StagedLoad:
    def __init__(self, store, tables: dict[type, str]):
        self.store = store
        self.tables = list(tables.values())
        self.prefix = f"stage_{int(time.time())}_{uuid.uuid4().hex[:8]}_"
        self.made: list[str] = []

    def staged(self, table: str) -> str:
        return self.prefix + table

    def _schema(self, name: str) -> str:
        row = self.store.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        return row[0]

    def _companions(self, table: str) -> list[str]:
        """The live table's indexes and triggers, to recreate after the swap."""
        return [
            r[0]
            for r in self.store.db.execute(
                "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND tbl_name = ? AND sql IS NOT NULL ORDER BY type, name",
                [table],
            )
        ]

    def create(self, *, copy_live: bool) -> None:
        """Empty copies of the event's tables and the search index; with ``copy_live``, the
        live rows copied in (an upsert adds to what is there)."""
        self._drop_stale()
        for table in [*self.tables, SEARCH]:
            with self.store.transaction():
                head = _NAME.match(self._schema(table))
                sql = head.group(1) + self.staged(table) + self._schema(table)[head.end() :]
                self.store.db.execute(sql)
                self.made.append(self.staged(table))
        if copy_live:
            for table in self.tables:
                self._copy(table)

    def _copy(self, table: str) -> None:
        db, last = self.store.db, 0
        columns = ", ".join(f'"{r[1]}"' for r in db.execute(f"PRAGMA table_info({table})"))
        while True:
            with self.store.transaction():
                top = db.execute(
                    f"SELECT max(rowid) FROM (SELECT rowid FROM {table} WHERE rowid > ? "
                    f"ORDER BY rowid LIMIT {BATCH})",
                    [last],
                ).fetchone()[0]
                if top is None:
                    return
                # rowids kept: the event's records come back in the order they were loaded
                db.execute(
                    f"INSERT INTO {self.staged(table)} (rowid, {columns}) "
                    f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? AND rowid <= ?",
                    [last, top],
                )
                last = top

    def upsert(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Add or update records by id in the staged table, ``BATCH`` per transaction."""
        if not rows:
            return
        columns = list(rows[0])
        quoted = ", ".join(f'"{c}"' for c in columns)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
        sql = (
            f"INSERT INTO {self.staged(table)} ({quoted}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )
        for start in range(0, len(rows), BATCH):
            with self.store.transaction():
                self.store.db.conn.executemany(
                    sql, [[row[c] for c in columns] for row in rows[start : start + BATCH]]
                )

    def index_for_search(self) -> None:
        docs = self.store._search_docs(self.staged)
        sql = (
            f"INSERT INTO {self.staged(SEARCH)} (doc_type, doc_id, title, body) VALUES (?, ?, ?, ?)"
        )
        for start in range(0, len(docs), BATCH):
            with self.store.transaction():
                self.store.db.conn.executemany(sql, docs[start : start + BATCH])

    def swap(self) -> None:
        """Inside the caller's transaction: the staged tables become the live ones."""
        db = self.store.db
        for table in [*self.tables, SEARCH]:
            companions = self._companions(table)
            db.execute(f"DROP TABLE {table}")
            db.execute(f"ALTER TABLE {self.staged(table)} RENAME TO {table}")
            for sql in companions:
                db.execute(sql)
        self.made = []

    def drop(self) -> None:
        """Remove what is left of this load (nothing, once swapped in)."""
        for name in self.made:
            try:
                with self.store.transaction():
                    self.store.db.execute(f"DROP TABLE IF EXISTS {name}")
            except Exception:  # best effort: the next load removes it as stale
                pass
        self.made = []

    def _drop_stale(self) -> None:
        now = time.time()
        names = [
            r[0]
            for r in self.store.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'stage\\_%' ESCAPE '\\'"
            )
        ]
        # the search index first: dropping it drops its shadow tables (…_data, …_idx) too
        for name in sorted(names, key=lambda n: not n.endswith(SEARCH)):
            m = _STAGED.match(name)
            if m and now - int(m.group(1)) > STALE_AFTER:
                try:
                    with self.store.transaction():
                        self.store.db.execute(f"DROP TABLE IF EXISTS {name}")
                except Exception:  # another load's, dropped meanwhile, or a shadow table
                    pass
