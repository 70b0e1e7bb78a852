"""The store's core: the connection, migrations, transactions, the event data, search,
unanswered questions and Slack bookkeeping."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.models import (
    Event,
    EventData,
    Faq,
    Meal,
    Route,
    ScheduleItem,
    Speaker,
    Swag,
    Transport,
    Venue,
)
from bot.store.schema import MIGRATIONS, StoreError, StoreReadOnly

# Record type -> table, also the EventData attribute. Columns are the dataclass fields.
TABLES: dict[type, str] = {
    Venue: "venues",
    Route: "routes",
    Meal: "meals",
    Transport: "transport",
    Swag: "swag",
    ScheduleItem: "schedule",
    Speaker: "speakers",
    Faq: "faq",
}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the store")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return int(value)
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if "datetime" in kind:
        # In memory every instant is UTC: comparing datetimes that share one tzinfo object
        # is several times faster, and answers compare thousands per question.
        return datetime.fromisoformat(value).astimezone(UTC)
    if "date" in kind:
        return date.fromisoformat(value)
    if "tuple" in kind:
        return tuple(json.loads(value))
    if kind == "Translations":
        return json.loads(value)
    if kind == "bool":
        return bool(value)
    return value


def to_row(record: Any) -> dict[str, Any]:
    return {f.name: _encode(getattr(record, f.name)) for f in dataclasses.fields(record)}


def from_row(cls: type, row: dict[str, Any]) -> Any:
    kwargs = {f.name: _decode(str(f.type), row[f.name]) for f in dataclasses.fields(cls)}
    return cls(**kwargs)


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn user text into a safe FTS5 query: quoted prefix terms joined by OR.

    Only word characters survive, so quotes, ``NEAR``, ``*``, ``-`` and column filters in
    what people type can never reach FTS5 as syntax.
    """
    terms = []
    for word in _WORD.findall(text.lower()):
        if len(word) < 2 or word in terms:
            continue
        terms.append(word)
    return " OR ".join(f'"{t}"*' for t in terms[:24])


class CoreStore:
    """Typed access to one confbot database file: connection, schema, event data."""

    def __init__(self, path: str | Path, *, timeout: float = 10.0):
        self.path = str(path)
        try:
            # A "file:" URI is passed through, so operators can open a copy with ?mode=ro.
            uri = self.path.startswith("file:")
            conn = sqlite3.connect(
                self.path, timeout=timeout, check_same_thread=False, uri=uri, isolation_level=None
            )  # autocommit: every transaction here is explicit
            self.db = sqlite_utils.Database(conn)
            if self.path != ":memory:" and "mode=ro" not in self.path:
                self.db.enable_wal()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.timeout = timeout
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self._snapshot: EventData | None = None
        self._snapshot_revision = -1

    # -- schema -------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply every migration newer than the file's ``user_version``, each atomically."""
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} was written by a newer confbot (schema {current}); upgrade confbot"
            )
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self.db.atomic():
                for statement in _statements(script):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, all or nothing.

        It starts with BEGIN IMMEDIATE, taking the write lock up front: a deferred
        transaction that reads first and writes later fails with 'database is locked' when
        another writer got in between, where this one waits its turn (busy_timeout).
        Nested use joins the transaction already open: an exception from it undoes the
        whole of that transaction, as nothing here catches one and commits regardless
        (bot.store.threaded gives each call a savepoint of its own when it runs several in
        one transaction). A savepoint per nested use cost every claim four statements more,
        each a handover of Python's lock between threads.
        """
        conn = self.db.conn
        try:
            if conn.in_transaction:
                yield
                return
            self.begin()
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            error = StoreReadOnly if "readonly" in str(exc) else StoreError
            raise error(_explain(exc, self.path)) from exc

    def begin(self) -> None:
        """BEGIN IMMEDIATE, waiting for the write lock in short steps, up to the timeout.

        SQLite's own wait (busy_timeout) sleeps 1, 2, 5, 10 … 100 ms between tries. While
        other connections commit one after another (a busy bot: the acknowledging process,
        the working one), a waiter keeps missing the moments the lock is free and backs off
        to 100 ms sleeps: claims took hundreds of milliseconds. Here it tries again every
        fraction of a millisecond (sleeping, so the others run).
        """
        conn = self.db.conn
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            deadline, pause = time.monotonic() + self.timeout, 0.0001
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _busy(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    # -- the event --------------------------------------------------------------------------

    def event(self) -> Event | None:
        row = self.db.execute(
            "SELECT name, tz, first_day, last_day, source, translations FROM event WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        return Event(
            row[0],
            row[1],
            date.fromisoformat(row[2]),
            date.fromisoformat(row[3]),
            row[4],
            json.loads(row[5]),
        )

    def is_empty(self) -> bool:
        return self.event() is None

    def revision(self) -> int:
        """A counter bumped by every data load; caches compare against it."""
        return int(self.db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def save_event_data(self, data: EventData, *, replace: bool) -> dict[str, int]:
        """Write a loaded event, all or nothing: upsert by id, or swap it whole.

        A large event (150,000 rows) takes seconds to write; in one transaction that would
        hold the database's write lock all along, and a serving bot's writes (deliveries
        seen, claims) would wait for it. So the new tables are built beside the live ones in
        short transactions (``staging.BATCH`` rows each) that the server's writes slip in
        between, and one short transaction swaps them in. Readers see the old event or the
        new one, never a mix. Returns how many records of each kind the file held.
        """
        from bot.store.staging import StagedLoad

        def records(table: str) -> list:
            rows = getattr(data, table)
            if table == "schedule":  # sessions without a time yet share the table
                rows = [*rows, *data.unscheduled]
            return rows

        counts = {table: len(records(table)) for table in TABLES.values()}
        load = StagedLoad(self, TABLES)
        try:
            revision = self.revision()
            load.create(copy_live=not replace)
            for table in TABLES.values():
                load.upsert(table, [to_row(r) for r in records(table)])
            load.index_for_search()
            with self.transaction():
                if self.revision() != revision:
                    raise StoreError(
                        "another load changed the event while this one was being written; "
                        "nothing changed: load it again"
                    )
                self.db.execute(
                    "INSERT INTO event (id, name, tz, first_day, last_day, source, translations) "
                    "VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "name = excluded.name, tz = excluded.tz, first_day = excluded.first_day, "
                    "last_day = excluded.last_day, source = excluded.source, "
                    "translations = excluded.translations",
                    [
                        data.event.name,
                        data.event.tz,
                        data.event.first_day.isoformat(),
                        data.event.last_day.isoformat(),
                        data.event.source,
                        _encode(data.event.translations),
                    ],
                )
                load.swap()
                self.db.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'"
                )
        finally:
            load.drop()
        return counts

    def load_event_data(self) -> EventData | None:
        """Read the whole event back as typed records, schedule, meals and transport in time
        order (cached until the next load)."""
        revision = self.revision()
        if self._snapshot is not None and self._snapshot_revision == revision:
            return self._snapshot
        event = self.event()
        if event is None:
            return None
        data = EventData(event=event)
        for cls, table in TABLES.items():
            cursor = self.db.execute(f"SELECT * FROM {table} ORDER BY rowid")
            names = [d[0] for d in cursor.description]
            setattr(data, table, [from_row(cls, dict(zip(names, r, strict=True))) for r in cursor])
        data.unscheduled = [i for i in data.schedule if i.start is None]
        if data.unscheduled:
            data.schedule = [i for i in data.schedule if i.start is not None]
        # Answers walk these in time order; sort once here, not on every question.
        data.schedule.sort(key=lambda i: i.start)
        data.meals.sort(key=lambda m: m.start)
        data.transport.sort(key=lambda t: t.first_run)
        self._snapshot, self._snapshot_revision = data, revision
        return data

    def counts(self) -> dict[str, int]:
        return {
            table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES.values()
        }

    # -- full-text search -----------------------------------------------------------------

    def _search_docs(self, table_name: Callable[[str], str] = str) -> list[tuple[str, ...]]:
        """The full-text index's documents (doc_type, doc_id, title, body), from the event's
        tables (or, with ``table_name``, from a load's staged copies of them)."""
        docs: list[tuple[str, ...]] = []
        for v in self._rows(table_name("venues")):
            body = " ".join([*json.loads(v["aliases"]), *json.loads(v["features"])])
            docs.append(("venue", v["id"], v["name"], f"{body} {v['directions']} {v['notes']}"))
        for s in self._rows(table_name("schedule")):
            body = f"{s['kind']} {s['speaker']} {s['where']} {s['notes']}"
            if s["code"]:  # a catalog's session: its code, format, level, tags and abstract
                tags = " ".join(json.loads(s["topics"]))
                body += f" {s['code']} {s['format']} {s['level']} {tags} {s['abstract']}"
            docs.append(("schedule", s["id"], s["title"], body))
        for s in self._rows(table_name("swag")):
            docs.append(("swag", s["id"], s["item"], f"{s['where']} {s['eligible']} {s['notes']}"))
        for f in self._rows(table_name("faq")):
            body = f"{' '.join(json.loads(f['keywords']))} {f['answer']}"
            docs.append(("faq", f["id"], f["question"], body))
        return docs

    def _query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a query as dicts (column -> value)."""
        cursor = self.db.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor]

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        """The first row of a query as a dict, or None."""
        cursor = self.db.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def _rows(self, table: str) -> list[dict[str, Any]]:
        cursor = self.db.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor]

    def search(self, text: str, limit: int = 5) -> list[tuple[str, str, float]]:
        """Best matching (doc_type, doc_id, bm25 score) for user text; lower scores are better."""
        query = fts_query(text)
        if not query:
            return []
        cursor = self.db.execute(
            "SELECT doc_type, doc_id, bm25(search_fts, 0, 0, 3.0, 1.0) AS score "
            "FROM search_fts WHERE search_fts MATCH ? ORDER BY score LIMIT ?",
            [query, limit],
        )
        return [(r[0], r[1], r[2]) for r in cursor]

    # -- Slack deliveries and feedback -------------------------------------------------------

    def first_delivery(self, event_id: str, *, keep_hours: int = 24) -> bool:
        """True the first time an event id is seen; False for Slack's retries and duplicates.

        Kept in SQLite so a restart between a delivery and its retry still answers once.
        """
        now = _now_utc()
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO slack_events (event_id, seen_at) VALUES (?, ?)",
                [event_id, now.isoformat()],
            )
            first = cursor.rowcount == 1
            if first and int(now.timestamp()) % 100 == 0:  # prune now and then, not every time
                cutoff = datetime.fromtimestamp(now.timestamp() - keep_hours * 3600, UTC)
                self.db.execute("DELETE FROM slack_events WHERE seen_at < ?", [cutoff.isoformat()])
        return first

    def help_request(
        self, user_id: str, question_key: str, now: datetime, *, spacing_s: int = 60
    ) -> str:
        """May this person's question go to the help channel? 'ok' (recorded), 'repeat' (this
        question went already) or 'too_soon' (another one within ``spacing_s`` seconds)."""
        with self.transaction():
            if self.db.execute(
                "SELECT 1 FROM help_requests WHERE user_id = ? AND question_key = ?",
                [user_id, question_key],
            ).fetchone():
                return "repeat"
            cutoff = datetime.fromtimestamp(now.timestamp() - spacing_s, UTC).isoformat()
            if self.db.execute(
                "SELECT 1 FROM help_requests WHERE user_id = ? AND at > ?", [user_id, cutoff]
            ).fetchone():
                return "too_soon"
            self.db.execute(
                "INSERT INTO help_requests (user_id, question_key, at) VALUES (?, ?, ?)",
                [user_id, question_key, now.astimezone(UTC).isoformat()],
            )
            return "ok"

    def forget_help_request(self, user_id: str, question_key: str) -> None:
        """The post did not go out: the person may ask again at once."""
        with self.transaction():
            self.db.execute(
                "DELETE FROM help_requests WHERE user_id = ? AND question_key = ?",
                [user_id, question_key],
            )

    def record_feedback(
        self, message_ts: str, user_id: str, vote: str, question: str, intent: str
    ) -> None:
        """One vote per person per answer: pressing again changes the vote."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO feedback (message_ts, user_id, vote, question, intent, at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_ts, user_id) DO UPDATE SET "
                "vote = excluded.vote, at = excluded.at",
                [message_ts, user_id, vote, question[:2000], intent, _now_utc().isoformat()],
            )

    def feedback_counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT vote, count(*) FROM feedback GROUP BY vote").fetchall()
        return {vote: n for vote, n in rows}

    def health(self) -> dict[str, Any]:
        """What /health reports: the schema, the event and the record counts."""
        event = self.event()
        return {
            "schema_version": self.schema_version,
            "event": event.name if event else None,
            "records": self.counts(),
        }

    # -- operations ----------------------------------------------------------------------------

    def count_question(self, asked_at: datetime, answered: bool) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO question_counts (hour, answered, n) VALUES (?, ?, 1) "
                "ON CONFLICT (hour, answered) DO UPDATE SET n = n + 1",
                [asked_at.astimezone(UTC).strftime("%Y-%m-%dT%H"), int(answered)],
            )

    def question_counts(self) -> list[tuple[str, int, int]]:
        """(UTC hour, answered, unanswered) per hour."""
        cursor = self.db.execute(
            "SELECT hour, sum(n * answered), sum(n * (1 - answered)) FROM question_counts "
            "GROUP BY hour ORDER BY hour"
        )
        return [(r[0], r[1], r[2]) for r in cursor]

    def backup(self, target: str | Path) -> None:
        """A consistent copy through SQLite's online backup: safe while the bot serves."""
        try:
            destination = sqlite3.connect(str(target))
        except sqlite3.Error as exc:  # a missing folder, a directory, no permission
            raise StoreError(f"cannot create the backup {target}: {exc}") from exc
        try:
            self.db.conn.backup(destination, pages=1024)
        except sqlite3.Error as exc:
            raise StoreError(f"backup to {target} failed: {exc}") from exc
        finally:
            destination.close()

    # -- questions the bot could not answer ------------------------------------------------

    def record_unanswered(
        self,
        text: str,
        normalized: str,
        asked_at: datetime,
        intent: str,
        language: str,
        user_id: str = "",
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO unanswered (text, normalized, asked_at, intent, language, user_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [text, normalized, _encode(asked_at.astimezone(UTC)), intent, language, user_id],
            )

    def unanswered(self, since: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Unanswered questions grouped by their normalized text, most frequent first."""
        where, params = "", []
        if since is not None:
            where, params = "WHERE asked_at >= ?", [_encode(since.astimezone(UTC))]
        cursor = self.db.execute(
            f"SELECT normalized, count(*) AS times, max(asked_at) AS last_asked, "
            f"max(intent) AS intent, group_concat(DISTINCT language) AS languages, "
            f"(SELECT u2.text FROM unanswered u2 WHERE u2.normalized = u.normalized "
            f" ORDER BY u2.id DESC LIMIT 1) AS example "
            f"FROM unanswered u {where} GROUP BY normalized "
            f"ORDER BY times DESC, last_asked DESC LIMIT ?",
            [*params, limit],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor]


def _now_utc() -> datetime:
    return datetime.now(UTC)


def _statements(script: str) -> list[str]:
    """Split a migration into statements; a trigger's body keeps its inner semicolons."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            statements.append(text)
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _explain(exc: sqlite3.OperationalError, path: str) -> str:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return f"the database {path} is locked by another process; try again in a moment"
    if "readonly" in message:
        return f"the database {path} is read-only; check the file's permissions"
    if "full" in message:
        return f"the disk holding {path} is full; nothing was written"
    return f"database error on {path}: {message}"
