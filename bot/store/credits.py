"""Promo credit codes: campaigns, imports, the atomic claim, revocation and the audit log."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from bot.models import Campaign, ClaimResult

STOCK_ALERTS = (20, 5, 0)

_CLAIM = (
    "UPDATE promo_codes SET user_id = ?, claimed_at = ? WHERE id = ("
    " SELECT id FROM promo_codes WHERE campaign_id = ? AND user_id IS NULL AND revoked = 0"
    " ORDER BY id LIMIT 1) RETURNING id, code"
)
_HELD = (
    "SELECT code, claimed_at FROM promo_codes WHERE campaign_id = ? AND user_id = ? AND revoked = 0"
)
_STOCK = "SELECT codes_left, codes_total, alerts_sent FROM campaigns WHERE id = ?"


class DuplicateCode(ValueError):
    """The n-th code (1-based) of an import is already in the store."""

    def __init__(self, index: int):
        super().__init__(f"code number {index} is already in the store")
        self.index = index  # percent of codes left at which organizers hear about it


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _campaign(row: dict[str, Any]) -> Campaign:
    return Campaign(
        id=row["id"],
        name=row["name"],
        opens_at=datetime.fromisoformat(row["opens_at"]),
        closes_at=datetime.fromisoformat(row["closes_at"]) if row["closes_at"] else None,
        value=row["value"],
        redeem_text=row["redeem_text"],
        redeem_url=row["redeem_url"],
        eligibility=row["eligibility"],
        eligible_channel=row["eligible_channel"],
        allowlist=tuple(json.loads(row["allowlist"])),
        codes_total=row["codes_total"],
        codes_left=row["codes_left"],
        alerts_sent=tuple(json.loads(row["alerts_sent"])),
    )


class CreditsStore:
    """The credits half of the Store (mixed into it; uses its connection and transactions)."""

    def _audit(
        self,
        at: datetime,
        campaign_id: int,
        user_id: str,
        code_id: int | None,
        action: str,
        detail: str = "",
    ) -> None:
        self.db.execute(
            "INSERT INTO claim_audit (at, campaign_id, user_id, code_id, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [_iso(at), campaign_id, user_id, code_id, action, detail],
        )

    # -- campaigns ----------------------------------------------------------------------------

    def campaign(self, name: str) -> Campaign | None:
        row = self._one("SELECT * FROM campaigns WHERE name = ?", [name])
        return _campaign(row) if row else None

    def campaign_by_id(self, campaign_id: int) -> Campaign | None:
        row = self._one("SELECT * FROM campaigns WHERE id = ?", [campaign_id])
        return _campaign(row) if row else None

    def campaigns(self) -> list[Campaign]:
        cursor = self.db.execute("SELECT * FROM campaigns ORDER BY opens_at, id")
        names = [d[0] for d in cursor.description]
        return [_campaign(dict(zip(names, r, strict=True))) for r in cursor]

    def save_campaign(self, name: str, now: datetime, **settings: Any) -> Campaign:
        """Create a campaign (open now, to everyone) or change the given settings of one."""
        allowed = {
            "value",
            "redeem_text",
            "redeem_url",
            "opens_at",
            "closes_at",
            "eligibility",
            "eligible_channel",
            "allowlist",
        }
        unknown = set(settings) - allowed
        if unknown:
            raise ValueError(f"unknown campaign setting: {sorted(unknown)[0]}")
        values = {k: (_iso(v) if isinstance(v, datetime) else v) for k, v in settings.items()}
        if "allowlist" in values:
            values["allowlist"] = json.dumps(list(values["allowlist"]))
        with self.transaction():
            if self._one("SELECT id FROM campaigns WHERE name = ?", [name]) is None:
                self.db.execute(
                    "INSERT INTO campaigns (name, opens_at, created_at) VALUES (?, ?, ?)",
                    [name, _iso(now), _iso(now)],
                )
            for column, value in values.items():
                self.db.execute(f"UPDATE campaigns SET {column} = ? WHERE name = ?", [value, name])
        return self.campaign(name)

    def import_codes(self, name: str, codes: list[str], now: datetime) -> tuple[Campaign, int]:
        """Add codes to a campaign (created if new), all or nothing. Returns it and the count.

        Raises ValueError naming the position of a code already in the store.
        """
        with self.transaction():
            campaign = self.campaign(name) or self.save_campaign(name, now)
            for n, code in enumerate(codes, start=1):
                try:
                    self.db.execute(
                        "INSERT INTO promo_codes (campaign_id, code) VALUES (?, ?)",
                        [campaign.id, code],
                    )
                except sqlite3.IntegrityError:
                    raise DuplicateCode(n) from None
            self.db.execute(
                "UPDATE campaigns SET codes_total = codes_total + ?, codes_left = codes_left + ? WHERE id = ?",
                [len(codes), len(codes), campaign.id],
            )
            self._audit(now, campaign.id, "", None, "import", f"{len(codes)} codes")
        return self.campaign(name), len(codes)

    # -- the claim ---------------------------------------------------------------------------

    def claim(self, campaign_id: int, user_id: str, now: datetime) -> ClaimResult:
        """Give ``user_id`` one unclaimed code of the campaign, or the one they already have.

        One transaction with the write lock taken first (BEGIN IMMEDIATE) and one UPDATE …
        RETURNING of an unclaimed code; a trigger writes the audit row and counts the stock
        down in the same statement. The unique index on (campaign, person) refuses a second
        code for one person: that is how a repeat claim is told apart, and the backstop.
        """
        conn = self.db.conn
        with self.transaction():
            try:
                given = conn.execute(_CLAIM, [user_id, _iso(now), campaign_id]).fetchone()
            except sqlite3.IntegrityError:  # the person already holds a code of this campaign
                code, claimed_at = conn.execute(_HELD, [campaign_id, user_id]).fetchone()
                return ClaimResult("already", code, datetime.fromisoformat(claimed_at))
            if given is None:  # none left, unless this person got one earlier
                held = conn.execute(_HELD, [campaign_id, user_id]).fetchone()
                if held:
                    return ClaimResult("already", held[0], datetime.fromisoformat(held[1]))
                return ClaimResult("none_left")
            left, total, sent = conn.execute(_STOCK, [campaign_id]).fetchone()
            alerts = self._crossed(
                campaign_id, {"codes_left": left, "codes_total": total, "alerts_sent": sent}
            )
            return ClaimResult("claimed", given[1], now, alerts, left)

    def _crossed(self, campaign_id: int, stock: dict[str, Any]) -> tuple[int, ...]:
        """Stock thresholds newly crossed, recorded so each is announced once."""
        total, left = stock["codes_total"], stock["codes_left"]
        if left * 100 > STOCK_ALERTS[0] * total:  # far from any threshold: nothing to read
            return ()
        sent = set(json.loads(stock["alerts_sent"]))
        crossed = tuple(
            t for t in STOCK_ALERTS if t not in sent and total and left * 100 <= t * total
        )
        if crossed:
            self.db.execute(
                "UPDATE campaigns SET alerts_sent = ? WHERE id = ?",
                [json.dumps(sorted(sent | set(crossed))), campaign_id],
            )
        return crossed

    def held_code(self, campaign_id: int, user_id: str) -> str | None:
        row = self.db.execute(_HELD, [campaign_id, user_id]).fetchone()
        return row[0] if row else None

    # -- the code that did not work ---------------------------------------------------------------

    def revoke_code(self, code: str, now: datetime) -> tuple[Campaign, str | None]:
        """Mark a code unusable. Its holder (returned) can claim a fresh one."""
        with self.transaction():
            row = self._one(
                "SELECT id, campaign_id, user_id, revoked FROM promo_codes WHERE code = ?", [code]
            )
            if row is None:
                raise ValueError("no such code in the store")
            if row["revoked"]:
                raise ValueError("that code was already revoked")
            self.db.execute(
                "UPDATE promo_codes SET revoked = 1, revoked_at = ? WHERE id = ?",
                [_iso(now), row["id"]],
            )
            self.db.execute(
                "UPDATE campaigns SET codes_total = codes_total - 1, codes_left = codes_left - ? WHERE id = ?",
                [0 if row["user_id"] else 1, row["campaign_id"]],
            )
            self._audit(now, row["campaign_id"], row["user_id"] or "", row["id"], "revoke")
        return self.campaign_by_id(row["campaign_id"]), row["user_id"]

    def reissue(self, campaign_id: int, user_id: str, now: datetime) -> ClaimResult:
        """Revoke the person's code and give them a new one, in one transaction."""
        with self.transaction():
            row = self._one(
                "SELECT id, code FROM promo_codes WHERE campaign_id = ? AND user_id = ? AND revoked = 0",
                [campaign_id, user_id],
            )
            if row is None:
                raise ValueError("that person has no code in this campaign")
            self.db.execute(
                "UPDATE promo_codes SET revoked = 1, revoked_at = ? WHERE id = ?",
                [_iso(now), row["id"]],
            )
            self.db.execute(
                "UPDATE campaigns SET codes_total = codes_total - 1 WHERE id = ?", [campaign_id]
            )
            self._audit(now, campaign_id, user_id, row["id"], "revoke", "reissue")
            result = self.claim(campaign_id, user_id, now)
            if result.status != "claimed":
                raise ValueError("no codes left to reissue from")
            return result

    # -- codes claimed but not yet delivered ---------------------------------------------------

    def mark_undelivered(self, campaign_id: int, user_id: str, now: datetime) -> None:
        """The person holds a code that never reached them: hand it over on their next contact."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO undelivered_codes (campaign_id, user_id, since) VALUES (?, ?, ?)",
                [campaign_id, user_id, _iso(now)],
            )

    def mark_delivered(self, campaign_id: int, user_id: str) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM undelivered_codes WHERE campaign_id = ? AND user_id = ?",
                [campaign_id, user_id],
            )

    def undelivered_for(self, user_id: str) -> list[int]:
        """Campaigns in which this person holds a code that has not reached them yet."""
        cursor = self.db.execute(
            "SELECT u.campaign_id FROM undelivered_codes u JOIN promo_codes p"
            " ON p.campaign_id = u.campaign_id AND p.user_id = u.user_id AND p.revoked = 0"
            " WHERE u.user_id = ? ORDER BY u.since",
            [user_id],
        )
        return [r[0] for r in cursor]

    def undelivered_count(self, campaign_id: int) -> int:
        return self.db.execute(
            "SELECT count(*) FROM undelivered_codes WHERE campaign_id = ?", [campaign_id]
        ).fetchone()[0]

    # -- reports ------------------------------------------------------------------------------

    def claims_per_hour(self, campaign_id: int) -> list[tuple[str, int]]:
        cursor = self.db.execute(
            "SELECT substr(at, 1, 13) AS hour, count(*) FROM claim_audit WHERE campaign_id = ? AND action = 'claim' GROUP BY hour ORDER BY hour",
            [campaign_id],
        )
        return [(r[0], r[1]) for r in cursor]

    def claims(self, campaign_id: int) -> list[dict[str, Any]]:
        """Every code of the campaign with who got it when (for the audit export)."""
        cursor = self.db.execute(
            "SELECT code, user_id, claimed_at, revoked, revoked_at FROM promo_codes WHERE campaign_id = ? ORDER BY claimed_at IS NULL, claimed_at, id",
            [campaign_id],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor]

    def audit_log(self, campaign_id: int | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE campaign_id = ?", [campaign_id]) if campaign_id else ("", [])
        cursor = self.db.execute(f"SELECT * FROM claim_audit {where} ORDER BY id", params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor]
