"""Reminders: personal ones, announcements, the delivery ledger, starts seen, the lease."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class RemindersStore:
    """The reminders half of the Store (mixed into it)."""

    # -- personal reminders ---------------------------------------------------------------------

    def add_personal_reminder(
        self, user_id: str, item_id: str, offset_min: int, now: datetime
    ) -> tuple[int, bool]:
        """(id, created): asking twice for the same reminder keeps the one there is."""
        with self.transaction():
            row = self.db.execute(
                "SELECT id FROM personal_reminders WHERE user_id = ? AND item_id = ? AND offset_min = ? AND cancelled = 0",
                [user_id, item_id, offset_min],
            ).fetchone()
            if row:
                return row[0], False
            cursor = self.db.execute(
                "INSERT INTO personal_reminders (user_id, item_id, offset_min, created_at) VALUES (?, ?, ?, ?)",
                [user_id, item_id, offset_min, _iso(now)],
            )
            return cursor.lastrowid, True

    def personal_reminders(self, user_id: str | None = None) -> list[dict[str, Any]]:
        where, params = ("AND user_id = ?", [user_id]) if user_id else ("", [])
        return self._query(
            f"SELECT * FROM personal_reminders WHERE cancelled = 0 {where} ORDER BY id", params
        )

    def cancel_personal_reminder(self, reminder_id: int, user_id: str) -> bool:
        """Only the owner can cancel: another person's id changes nothing."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE personal_reminders SET cancelled = 1 WHERE id = ? AND user_id = ? AND cancelled = 0",
                [reminder_id, user_id],
            )
            return cursor.rowcount == 1

    def cancel_reminders_for_item(self, item_id: str) -> int:
        with self.transaction():
            return self.db.execute(
                "UPDATE personal_reminders SET cancelled = 1 WHERE item_id = ? AND cancelled = 0",
                [item_id],
            ).rowcount

    # -- announcements ---------------------------------------------------------------------------

    def add_announcement(
        self, channel: str, text: str, due_at: datetime, created_by: str, now: datetime
    ) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO announcements (channel, text, due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                [channel, text, _iso(due_at), created_by, _iso(now)],
            )
            return cursor.lastrowid

    def announcements(self) -> list[dict[str, Any]]:
        return self._query("SELECT * FROM announcements WHERE cancelled = 0 ORDER BY due_at, id")

    def cancel_announcement(self, announcement_id: int) -> bool:
        with self.transaction():
            return (
                self.db.execute(
                    "UPDATE announcements SET cancelled = 1 WHERE id = ? AND cancelled = 0",
                    [announcement_id],
                ).rowcount
                == 1
            )

    # -- the delivery ledger ---------------------------------------------------------------------

    def begin_delivery(self, key: str, target: str, now: datetime) -> bool:
        """Claim the right to post (key, target): True exactly once, ever, across processes."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO deliveries (key, target, status, at) VALUES (?, ?, 'sending', ?)",
                [key, target, _iso(now)],
            )
            return cursor.rowcount == 1

    def finish_delivery(self, key: str, target: str, status: str, now: datetime) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE deliveries SET status = ?, at = ? WHERE key = ? AND target = ?",
                [status, _iso(now), key, target],
            )

    def abandon_delivery(self, key: str, target: str) -> None:
        """The post failed before Slack had it: free the key so a retry can send it."""
        with self.transaction():
            self.db.execute(
                "DELETE FROM deliveries WHERE key = ? AND target = ? AND status = 'sending'",
                [key, target],
            )

    def record_missed(self, key: str, target: str, now: datetime) -> bool:
        with self.transaction():
            return (
                self.db.execute(
                    "INSERT OR IGNORE INTO deliveries (key, target, status, at) VALUES (?, ?, 'missed', ?)",
                    [key, target, _iso(now)],
                ).rowcount
                == 1
            )

    def delivered(self, key: str) -> dict[str, str]:
        return dict(
            self.db.execute("SELECT target, status FROM deliveries WHERE key = ?", [key]).fetchall()
        )

    def delivery_counts(self) -> dict[str, int]:
        return dict(
            self.db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
        )

    # -- starts seen, to notice a moved item --------------------------------------------------------

    def item_starts(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT item_id, start FROM item_starts").fetchall())

    def set_item_starts(self, starts: dict[str, str]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM item_starts")
            self.db.conn.executemany(
                "INSERT INTO item_starts (item_id, start) VALUES (?, ?)", list(starts.items())
            )

    def item_places(self) -> dict[str, tuple[str, str]]:
        """Where and when each watched item was when last looked at: id -> (start, place)."""
        rows = self.db.execute("SELECT item_id, start, place FROM item_starts").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def watch_item(self, item_id: str, start: str, place: str) -> None:
        """Start watching an item for moves (a personal reminder was just set on it), unless
        it is watched already: a load that moves it later is then noticed."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO item_starts (item_id, start, place) VALUES (?, ?, ?)",
                [item_id, start, place],
            )

    def record_moves(
        self,
        seen: dict[str, tuple[str, str]],
        moves: list[tuple[str, str, str, str]],
        now: datetime,
    ) -> None:
        """In one transaction: what is seen now, and the moves found (key, item id, where it
        was: start and place), kept until everyone concerned has been told."""
        with self.transaction():
            self.db.execute("DELETE FROM item_starts")
            self.db.conn.executemany(
                "INSERT INTO item_starts (item_id, start, place) VALUES (?, ?, ?)",
                [(k, start, place) for k, (start, place) in seen.items()],
            )
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO item_moves (key, item_id, was_start, was_place, noticed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*move, _iso(now)) for move in moves],
            )

    def item_moves(self) -> list[dict[str, Any]]:
        return self._query("SELECT * FROM item_moves ORDER BY noticed_at, key")

    # -- the lease: one posting scheduler per database --------------------------------------------

    def take_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Hold (or renew) the lease; True while it is ours. Taken over once it expires."""
        try:
            with self.transaction():
                row = self.db.execute(
                    "SELECT holder, expires_at FROM leases WHERE name = ?", [name]
                ).fetchone()
                if row and row[0] != holder and datetime.fromisoformat(row[1]) > now:
                    return False
                self.db.execute(
                    "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
                    [name, holder, _iso(now + ttl)],
                )
                return True
        except sqlite3.Error:
            return False

    def lease_holder(self, name: str) -> str | None:
        row = self.db.execute("SELECT holder FROM leases WHERE name = ?", [name]).fetchone()
        return row[0] if row else None

    def release_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])
