"""Promo credits: which campaign a person can claim from, the claim, and what they are told.

No Slack here: channel membership is asked through a callable the surface passes in, and
the messages are plain text (Slack mrkdwn) for the surface to deliver privately.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import fmt_day, fmt_time
from bot.models import Campaign
from bot.store import Store

# (channel, user) -> is a member; raises EligibilityUnknown when it cannot tell
MemberCheck = Callable[[str, str], Awaitable[bool]]
_CODE = re.compile(r"[\x21-\x7e]{4,100}")  # printable ASCII, no spaces


class CodesFileError(ValueError):
    """A codes file that cannot be imported; says which line and why."""


# A header cell names the code column: 'code', 'Promo code', 'promo_code', 'Voucher codes'.
# Only letters and separators, so a code like PROMO-CODE-2023 is never taken for one.
_HEADER = re.compile(r"[A-Za-z][A-Za-z _-]*")
_HEADER_WORDS = {"code", "codes", "coupon", "coupons", "voucher", "vouchers"}


def _is_header(cell: str) -> bool:
    cell = cell.strip()
    words = set(re.split(r"[ _-]+", cell.lower()))
    return bool(_HEADER.fullmatch(cell)) and bool(words & _HEADER_WORDS)


@dataclass
class CodesFile:
    """The codes of one file, with how its rows were counted."""

    codes: list[tuple[int, str]]  # (line, code), the first time each code appears
    rows: int  # rows below the header, blank ones included
    duplicates: int  # rows repeating a code seen above them
    blank: int
    header: str | None  # the header cell naming the code column, when there is one

    def summary(self, added: int) -> str:
        """'7 rows: 3 added, 3 duplicates dropped, 1 blank'."""
        parts = [f"{added} added"]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate{'s' * (self.duplicates != 1)} dropped")
        if self.blank:
            parts.append(f"{self.blank} blank")
        return f"{self.rows} row{'s' * (self.rows != 1)}: {', '.join(parts)}"


class EligibilityUnknown(Exception):
    """Whether the person may claim cannot be checked just now (a lookup failed)."""


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a promo code, or None when it can: the one format check for
    every import (CSV file or Slack)."""
    if not code:
        return "is empty"
    if not _CODE.fullmatch(code):
        return "is not a code (4 to 100 printable characters, no spaces)"
    return None


def read_codes(path: str | Path) -> list[tuple[int, str]]:
    """(line, code) pairs from a codes file (see ``read_codes_file``)."""
    return read_codes_file(path).codes


def read_codes_file(path: str | Path) -> CodesFile:
    """The codes in a CSV: one code per row, or a column headed 'code' (or 'promo_code',
    'Voucher codes' …). Trimmed and de-duplicated, with the rows counted. Raises
    CodesFileError naming the line of the first bad row."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodesFileError(f"{path}: not UTF-8 text (save it as CSV UTF-8)") from None
    except OSError as exc:
        raise CodesFileError(f"{path}: cannot be read: {exc.strerror}") from None
    if "\x00" in text:
        raise CodesFileError(f"{path}: holds NUL bytes: not a CSV text file")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CodesFileError(f"{path}: not valid CSV: {exc}") from None
    column, start, header = 0, 0, None
    if rows:
        named = [i for i, cell in enumerate(rows[0]) if _is_header(cell)]
        exact = [i for i in named if rows[0][i].strip().lower() == "code"]
        if named:
            column, start = (exact or named)[0], 1
            header = rows[0][column].strip()
        elif len(rows[0]) > 1:
            raise CodesFileError(f"{path}: line 1: several columns but none is named 'code'")
    codes: list[tuple[int, str]] = []
    seen: set[str] = set()
    blank = duplicates = 0
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            blank += 1
            continue
        code = row[column].strip() if column < len(row) else ""
        if problem := code_problem(code):
            raise CodesFileError(f"{path}: line {number}: the code {problem}")
        if code in seen:
            duplicates += 1
        else:
            seen.add(code)
            codes.append((number, code))
    if not codes:
        raise CodesFileError(f"{path}: no codes in the file")
    return CodesFile(codes, len(rows) - start, duplicates, blank, header)


@dataclass
class ClaimOutcome:
    """What happened, and the private message for the person."""

    # claimed | already | none_left | not_open | closed | not_eligible | none | choose | unknown
    status: str
    message: str
    campaign: Campaign | None = None
    code: str | None = None
    choices: list[Campaign] = field(default_factory=list)
    alerts: tuple[int, ...] = ()
    left: int | None = None


class Credits:
    """Claims and what people are told."""

    def __init__(self, store: Store):
        self.store = store

    def zone(self) -> ZoneInfo:
        event = self.store.event()
        return event.zone if event else ZoneInfo("UTC")

    def when(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone())
        return f"{fmt_day(local.date())} at {fmt_time(local, self.zone())}"

    def open_campaigns(self, now: datetime) -> list[Campaign]:
        return [
            c
            for c in self.store.campaigns()
            if c.opens_at <= now and (c.closes_at is None or now < c.closes_at)
        ]

    async def eligible(self, campaign: Campaign, user: str, is_member: MemberCheck | None) -> bool:
        if campaign.eligibility == "allowlist":
            return user in campaign.allowlist
        if campaign.eligibility == "channel":
            return bool(is_member) and await is_member(campaign.eligible_channel, user)
        return True

    async def claim(
        self,
        user: str,
        now: datetime,
        *,
        campaign_id: int | None = None,
        is_member: MemberCheck | None = None,
    ) -> ClaimOutcome:
        """Claim for ``user``: from the named campaign, or the only open one."""
        picked = self.pick(now, campaign_id)
        if isinstance(picked, ClaimOutcome):
            return picked
        try:
            ok = await self.eligible(picked, user, is_member)
        except EligibilityUnknown:
            return self.unknown(picked)
        return self.settle(picked, user, now, ok)

    @staticmethod
    def unknown(campaign: Campaign) -> ClaimOutcome:
        return ClaimOutcome(
            "unknown",
            f"I couldn't check whether you can claim *{campaign.name}* just now, sorry. "
            "Please try again in a minute.",
            campaign,
        )

    def pick(self, now: datetime, campaign_id: int | None) -> Campaign | ClaimOutcome:
        """The campaign to claim from, or the outcome when there is none (or a choice)."""
        if campaign_id is not None:
            return self.store.campaign_by_id(campaign_id) or ClaimOutcome(
                "none", "That campaign no longer exists."
            )
        candidates = self.open_campaigns(now)
        if not candidates:
            return self._nothing_open(now)
        if len(candidates) > 1:
            return ClaimOutcome(
                "choose", "Several promo credit campaigns are open: which one?", choices=candidates
            )
        return candidates[0]

    def settle(self, campaign: Campaign, user: str, now: datetime, eligible: bool) -> ClaimOutcome:
        """The claim itself (one transaction), once eligibility is known."""
        closed = now < campaign.opens_at or (
            campaign.closes_at is not None and now >= campaign.closes_at
        )
        if closed or not eligible:
            held = self.store.held_code(campaign.id, user)
            if held:  # asking again shows the same code, even after the campaign closed
                return ClaimOutcome(
                    "already", self.code_message(campaign, held, again=True), campaign, held
                )
            return self._refusal(campaign, now)
        result = self.store.claim(campaign.id, user, now)
        if result.status == "none_left":
            return ClaimOutcome(
                "none_left",
                f"Sorry, every *{campaign.name}* code has been claimed: none left.",
                campaign,
            )
        again = result.status == "already"
        return ClaimOutcome(
            result.status,
            self.code_message(campaign, result.code, again=again),
            campaign,
            result.code,
            alerts=result.alerts,
            left=result.left,
        )

    def _refusal(self, campaign: Campaign, now: datetime) -> ClaimOutcome:
        """Why this person cannot claim from this campaign, in one sentence."""
        if now < campaign.opens_at:
            return ClaimOutcome(
                "not_open",
                f"*{campaign.name}* is not open yet: it opens {self.when(campaign.opens_at)}.",
                campaign,
            )
        if campaign.closes_at is not None and now >= campaign.closes_at:
            return ClaimOutcome(
                "closed", f"*{campaign.name}* closed {self.when(campaign.closes_at)}.", campaign
            )
        who = (
            f"members of <#{campaign.eligible_channel}>"
            if campaign.eligibility == "channel"
            else "people on its invitation list"
        )
        return ClaimOutcome(
            "not_eligible", f"*{campaign.name}* is only for {who}, sorry.", campaign
        )

    def _nothing_open(self, now: datetime) -> ClaimOutcome:
        upcoming = sorted(
            (c for c in self.store.campaigns() if c.opens_at > now), key=lambda c: c.opens_at
        )
        if upcoming:
            c = upcoming[0]
            return ClaimOutcome(
                "not_open", f"*{c.name}* is not open yet: it opens {self.when(c.opens_at)}.", c
            )
        if self.store.campaigns():
            return ClaimOutcome("closed", "The promo credit campaigns have closed.")
        return ClaimOutcome("none", "There are no promo credits to claim right now.")

    @staticmethod
    def code_message(campaign: Campaign, code: str, *, again: bool) -> str:
        worth = f" ({campaign.value})" if campaign.value else ""
        lead = "Your code, as before" if again else "Here is your code"
        text = f"{lead} for *{campaign.name}*{worth}: `{code}`"
        how = " ".join(part for part in (campaign.redeem_text, campaign.redeem_url) if part)
        text += f"\nHow to redeem: {how or 'in the AWS Billing console, under *Credits*.'}"
        return text + "\nOnly you can see this. One code per person."

    def stats(self, campaign: Campaign) -> dict[str, object]:
        claimed = campaign.codes_total - campaign.codes_left
        return {
            "campaign": campaign.name,
            "total": campaign.codes_total,
            "claimed": claimed,
            "left": campaign.codes_left,
            # claimed, but Slack took the message by no private way: handed over next contact
            "undelivered": self.store.undelivered_count(campaign.id),
            "claims_per_hour": self.store.claims_per_hour(campaign.id),
        }

    @staticmethod
    def alert_text(campaign: Campaign, threshold: int, left: int) -> str:
        if threshold == 0 or left == 0:
            return f":warning: *{campaign.name}*: every promo code has been claimed ({campaign.codes_total} in all)."
        return f":warning: *{campaign.name}*: {threshold}% of promo codes left ({left} of {campaign.codes_total})."
