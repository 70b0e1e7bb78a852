"""The human side of answers: hand-offs to the help channel, the messages relayed between a help
thread and the asker, organizers' replies saved as answers, and the daily unanswered digest."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.models import Faq

SAVED_PREFIX = "saved-"  # a saved answer's id among the FAQ entries
RELAY_RETRY_AFTER = timedelta(minutes=2)
RECENT_KEPT = 3  # a person's latest questions kept for "human"  # a relay still pending this long is tried again


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class HandoffsStore:
    """Mixed into the Store: uses its connection and transactions."""

    # -- hand-offs -------------------------------------------------------------------------------

    def create_handoff(
        self,
        user_id: str,
        origin: str,
        question: str,
        language: str,
        help_channel: str,
        now: datetime,
        asked: tuple[str, str] = ("", ""),
    ) -> int:
        """A question on its way to the help channel (``origin``: the channel it was asked in,
        '' for a DM or App Home; ``asked``: the DM message its button was under, whose thread
        then leads to the help thread too). Its post's ts is set once the post went out."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO handoffs (user_id, origin, question, language, help_channel, "
                "created_at, asked_channel, asked_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [user_id, origin, question[:3000], language, help_channel, _iso(now), *asked],
            )
            return int(cursor.lastrowid)

    def set_help_post(self, handoff_id: int, ts: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE handoffs SET help_ts = ? WHERE id = ?", [ts, handoff_id])

    def forget_handoff(self, handoff_id: int) -> None:
        """Its post never went out."""
        with self.transaction():
            self.db.execute("DELETE FROM handoffs WHERE id = ?", [handoff_id])

    def handoff(self, handoff_id: int) -> dict[str, Any] | None:
        return self._one("SELECT * FROM handoffs WHERE id = ?", [handoff_id])

    def handoff_by_help_thread(self, channel: str, thread_ts: str) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM handoffs WHERE help_channel = ? AND help_ts = ?", [channel, thread_ts]
        )

    def handoff_by_asker_thread(self, channel: str, thread_ts: str) -> dict[str, Any] | None:
        """The hand-off whose relayed answer, or whose question's answer (the button was
        under it), starts this thread in the asker's DM."""
        return self._one(
            "SELECT h.* FROM handoff_messages m JOIN handoffs h ON h.id = m.handoff_id "
            "WHERE m.relayed_channel = ? AND m.relayed_ts = ? AND m.direction = 'to_asker'",
            [channel, thread_ts],
        ) or self._one(
            "SELECT * FROM handoffs WHERE asked_channel = ? AND asked_ts = ? "
            "AND help_ts IS NOT NULL ORDER BY id DESC LIMIT 1",
            [channel, thread_ts],
        )

    def mark_answered(self, handoff_id: int, now: datetime) -> bool:
        """True the first time only: the help post is marked answered once."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE handoffs SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
                [_iso(now), handoff_id],
            )
            return cursor.rowcount == 1

    def open_handoffs(self, since: datetime) -> list[dict[str, Any]]:
        """Hand-offs posted since ``since`` that nobody has answered yet."""
        return self._query(
            "SELECT * FROM handoffs WHERE answered_at IS NULL AND help_ts IS NOT NULL "
            "AND created_at >= ? ORDER BY id",
            [_iso(since)],
        )

    def answered_handoffs(self, since: datetime) -> list[dict[str, Any]]:
        """Hand-offs asked since ``since`` that an organizer has answered."""
        return self._query(
            "SELECT * FROM handoffs WHERE answered_at IS NOT NULL AND created_at >= ?",
            [_iso(since)],
        )

    def set_offer(self, handoff_id: int, ts: str) -> None:
        """Where the thread's "Save as answer" message is."""
        with self.transaction():
            self.db.execute("UPDATE handoffs SET offer_ts = ? WHERE id = ?", [ts, handoff_id])

    def remember_question(self, user_id: str, text: str, now: datetime) -> None:
        """A person's question: typing "human" after it hands it (or one of the last few) to
        an organizer. The latest ``RECENT_KEPT`` are kept."""
        with self.transaction():
            self.db.execute(
                "DELETE FROM recent_questions WHERE user_id = ? AND text = ?", [user_id, text]
            )
            self.db.execute(
                "INSERT INTO recent_questions (user_id, text, at) VALUES (?, ?, ?)",
                [user_id, text[:2000], _iso(now)],
            )
            self.db.execute(
                "DELETE FROM recent_questions WHERE user_id = ? AND rowid NOT IN (SELECT rowid "
                "FROM recent_questions WHERE user_id = ? ORDER BY at DESC, rowid DESC LIMIT ?)",
                [user_id, user_id, RECENT_KEPT],
            )

    def recent_questions(self, user_id: str, since: datetime) -> list[str]:
        """The person's questions asked since ``since``, the latest first."""
        rows = self.db.execute(
            "SELECT text FROM recent_questions WHERE user_id = ? AND at >= ? "
            "ORDER BY at DESC, rowid DESC",
            [user_id, _iso(since)],
        ).fetchall()
        return [r[0] for r in rows]

    # -- relayed messages ------------------------------------------------------------------------

    def begin_relay(
        self,
        channel: str,
        ts: str,
        handoff_id: int,
        direction: str,
        user_id: str,
        text: str,
        now: datetime,
    ) -> bool:
        """Write down a message to relay before relaying it. False: it was seen already (a
        retried or duplicated event), and must not be relayed again."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO handoff_messages (channel, ts, handoff_id, direction, "
                "user_id, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [channel, ts, handoff_id, direction, user_id, text[:4000], _iso(now)],
            )
            return cursor.rowcount == 1

    def finish_relay(self, channel: str, ts: str, relayed_channel: str, relayed_ts: str) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE handoff_messages SET status = 'sent', relayed_channel = ?, "
                "relayed_ts = ? WHERE channel = ? AND ts = ?",
                [relayed_channel, relayed_ts, channel, ts],
            )

    def claim_stale_relays(self, now: datetime) -> list[dict[str, Any]]:
        """Relays still pending after a while (every way into Slack failed): taken for one more
        try now (their time is moved on, so two sweeps never take the same one at once)."""
        cutoff = _iso(now - RELAY_RETRY_AFTER)
        with self.transaction():
            rows = self._query(
                "SELECT * FROM handoff_messages WHERE status = 'pending' AND at < ? "
                "ORDER BY at LIMIT 50",
                [cutoff],
            )
            for row in rows:
                self.db.execute(
                    "UPDATE handoff_messages SET at = ? WHERE channel = ? AND ts = ?",
                    [_iso(now), row["channel"], row["ts"]],
                )
        return rows

    def organizer_replies(self, handoff_id: int, limit: int) -> list[dict[str, Any]]:
        """The latest replies relayed to a hand-off's asker, oldest first."""
        rows = self._query(
            "SELECT * FROM handoff_messages WHERE handoff_id = ? AND direction = 'to_asker' "
            "ORDER BY ts DESC LIMIT ?",
            [handoff_id, limit],
        )
        return rows[::-1]

    def edit_relayed(self, channel: str, ts: str, text: str) -> bool:
        """An organizer edited a reply: keep the new text. False when it was never relayed."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE handoff_messages SET text = ? WHERE channel = ? AND ts = ?",
                [text[:4000], channel, ts],
            )
            return cursor.rowcount == 1

    def relayed_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM handoff_messages WHERE channel = ? AND ts = ?", [channel, ts]
        )

    # -- saved answers ---------------------------------------------------------------------------

    def revisions(self) -> tuple[int, int]:
        """(the event's revision, the saved answers'), in one read: asked on every question."""
        found = dict(
            self.db.execute(
                "SELECT key, value FROM meta WHERE key IN ('revision', 'answers_revision')"
            ).fetchall()
        )
        return int(found.get("revision", 0)), int(found.get("answers_revision", 0))

    def _bump_answers(self) -> None:
        self.db.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'answers_revision'"
        )

    def save_answer(
        self,
        question: str,
        answer: str,
        *,
        language: str = "en",
        questions: tuple[str, ...] = (),
        handoff_id: int | None = None,
        source: tuple[str, str] = ("", ""),
        saved_by: str = "",
        now: datetime,
    ) -> int:
        """Store an organizer's answer; saving the same Slack message again updates it."""
        channel, ts = source
        with self.transaction():
            if ts and (
                row := self._one(
                    "SELECT id FROM saved_answers WHERE source_channel = ? AND source_ts = ?",
                    [channel, ts],
                )
            ):
                self.db.execute(
                    "UPDATE saved_answers SET answer = ?, updated_at = ?, saved_by = ? "
                    "WHERE id = ?",
                    [answer, _iso(now), saved_by, row["id"]],
                )
                answer_id = int(row["id"])
            else:
                cursor = self.db.execute(
                    "INSERT INTO saved_answers (question, answer, language, questions, "
                    "handoff_id, source_channel, source_ts, saved_by, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        question[:1000],
                        answer[:4000],
                        language,
                        json.dumps([q[:1000] for q in questions], ensure_ascii=False),
                        handoff_id,
                        channel,
                        ts,
                        saved_by,
                        _iso(now),
                        _iso(now),
                    ],
                )
                answer_id = int(cursor.lastrowid)
            self._bump_answers()
        return answer_id

    def saved_answers(self) -> list[dict[str, Any]]:
        rows = self._query("SELECT * FROM saved_answers ORDER BY id")
        for row in rows:
            row["questions"] = json.loads(row["questions"])
        return rows

    def saved_answer(self, answer_id: int) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM saved_answers WHERE id = ?", [answer_id])
        if row is not None:
            row["questions"] = json.loads(row["questions"])
        return row

    def edit_saved_answer(
        self,
        answer_id: int,
        *,
        answer: str | None = None,
        question: str | None = None,
        questions: tuple[str, ...] | None = None,
        now: datetime,
    ) -> bool:
        """Change what is given; False when there is no such answer."""
        changes: dict[str, Any] = {}
        if answer is not None:
            changes["answer"] = answer[:4000]
        if question is not None:
            changes["question"] = question[:1000]
        if questions is not None:
            changes["questions"] = json.dumps([q[:1000] for q in questions], ensure_ascii=False)
        with self.transaction():
            if self.saved_answer(answer_id) is None:
                return False
            if changes:
                sets = ", ".join(f"{name} = ?" for name in changes)
                self.db.execute(
                    f"UPDATE saved_answers SET {sets}, updated_at = ? WHERE id = ?",
                    [*changes.values(), _iso(now), answer_id],
                )
                self._bump_answers()
            return True

    def edit_saved_from_source(self, channel: str, ts: str, answer: str, now: datetime) -> bool:
        """The Slack message an answer was saved from was edited: the answer follows it."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE saved_answers SET answer = ?, updated_at = ? "
                "WHERE source_channel = ? AND source_ts = ? AND answer != ?",
                [answer[:4000], _iso(now), channel, ts, answer[:4000]],
            )
            if cursor.rowcount:
                self._bump_answers()
            return cursor.rowcount > 0

    def delete_saved_from_source(self, channel: str, ts: str) -> int:
        """The Slack message an answer was saved from was deleted: so is the answer."""
        with self.transaction():
            cursor = self.db.execute(
                "DELETE FROM saved_answers WHERE source_channel = ? AND source_ts = ?",
                [channel, ts],
            )
            if cursor.rowcount:
                self._bump_answers()
            return cursor.rowcount

    def delete_saved_answer(self, answer_id: int) -> bool:
        with self.transaction():
            cursor = self.db.execute("DELETE FROM saved_answers WHERE id = ?", [answer_id])
            if cursor.rowcount:
                self._bump_answers()
            return cursor.rowcount == 1

    def saved_faqs(self) -> list[Faq]:
        """The saved answers as FAQ entries, answered "from the organizers"."""
        out = []
        for row in self.saved_answers():
            translations = {}
            if row["language"] != "en":  # the asker's own language: matched on it too
                translations[row["language"]] = {"question": row["question"]}
            out.append(
                Faq(
                    id=f"{SAVED_PREFIX}{row['id']}",
                    question=row["question"],
                    answer=row["answer"],
                    source="organizers",
                    questions=tuple(row["questions"]),
                    translations=translations,
                )
            )
        return out

    # -- the unanswered digest -------------------------------------------------------------------

    def unanswered_since(self, since: datetime | None) -> list[dict[str, Any]]:
        """Every unanswered question since ``since`` (all when None), oldest first."""
        if since is None:
            return self._query("SELECT * FROM unanswered ORDER BY id")
        return self._query(
            "SELECT * FROM unanswered WHERE asked_at >= ? ORDER BY id", [_iso(since)]
        )

    def last_digest_at(self) -> datetime | None:
        row = self.db.execute(
            "SELECT max(at) FROM digests WHERE status IN ('posted', 'empty')"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def begin_digest(self, day: str, since: datetime | None, now: datetime) -> bool:
        """Claim the day's digest; False when it was posted (or is being posted) already."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO digests (day, since, status, at) "
                "VALUES (?, ?, 'posting', ?)",
                [day, _iso(since) if since else "", _iso(now)],
            )
            return cursor.rowcount == 1

    def finish_digest(
        self, day: str, status: str, now: datetime, where: tuple[str, str | None] = ("", None)
    ) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE digests SET status = ?, at = ?, channel = ?, ts = ? WHERE day = ?",
                [status, _iso(now), where[0], where[1], day],
            )

    def abandon_digest(self, day: str) -> None:
        """Its post failed: the next tick tries again."""
        with self.transaction():
            self.db.execute("DELETE FROM digest_groups WHERE day = ?", [day])
            self.db.execute("DELETE FROM digests WHERE day = ?", [day])

    def digest(self, day: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM digests WHERE day = ?", [day])

    def add_digest_group(
        self,
        day: str,
        example: str,
        questions: list[str],
        askers: list[str],
        language: str,
        times: int,
    ) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO digest_groups (day, example, questions, askers, language, times) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    day,
                    example[:1000],
                    json.dumps(questions[:20], ensure_ascii=False),
                    json.dumps(askers[:200]),
                    language,
                    times,
                ],
            )
            return int(cursor.lastrowid)

    def digest_group(self, group_id: int) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM digest_groups WHERE id = ?", [group_id])
        if row is not None:
            row["questions"] = json.loads(row["questions"])
            row["askers"] = json.loads(row["askers"])
        return row

    def answer_digest_group(
        self,
        group_id: int,
        question: str,
        answer: str,
        *,
        questions: tuple[str, ...],
        saved_by: str,
        now: datetime,
    ) -> int | None:
        """Save the answer to a digest's question and mark it answered, in one transaction:
        the first answer stands (None for any after it, and their askers are not told twice)."""
        with self.transaction():
            found = self.digest_group(group_id)
            if found is None or found["answer_id"] is not None:
                return None
            answer_id = self.save_answer(
                question,
                answer,
                language=found["language"],
                questions=questions,
                source=("digest", str(group_id)),
                saved_by=saved_by,
                now=now,
            )
            self.db.execute(
                "UPDATE digest_groups SET answer_id = ? WHERE id = ?", [answer_id, group_id]
            )
            return answer_id
