"""Promo credits in Slack: claims delivered privately (and, when Slack fails every private
way, handed over on the person's next contact), the campaign picker, stock alerts, and the
admin commands."""

from __future__ import annotations

import logging
import re
import shlex
import time

from bot.credits import ClaimOutcome, Credits, EligibilityUnknown, code_problem
from bot.slack.blocks import button
from bot.slack.markup import escape_user_text
from bot.slack.services import SlackServices
from bot.store.credits import DuplicateCode

log = logging.getLogger(__name__)

MEMBERS_TTL = 300.0
ADMIN_HELP = (
    "Admin commands:\n"
    "• `/conf admin credits stats [CAMPAIGN]`\n"
    '• `/conf admin credits import "CAMPAIGN NAME" CODE [CODE …]` (or `--campaign "NAME"`; '
    "add `--create` for a new campaign)\n"
    "• `/conf admin credits revoke CODE`\n"
    "• `/conf admin credits reissue @person [CAMPAIGN]`\n"
    "• `/conf admin credits open CAMPAIGN` / `close CAMPAIGN`\n"
    "• `/conf admin announce <when> #channel <text>` · `/conf admin announcements` · `/conf admin announce cancel ID`"
)
# Slack clients may turn typed quotes into typographic ones; shlex knows only the plain kind.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


class SlackCredits:
    """Claims in Slack. Store work runs on the store's thread (``services.db``); the
    membership check, which asks Slack, runs on the loop between the two halves."""

    def __init__(self, services: SlackServices):
        self.services = services
        self.credits = Credits(services.db.store)  # on the store's thread only
        self._members: dict[str, tuple[float, set[str]]] = {}

    async def is_member(self, channel: str, user: str) -> bool:
        """Channel membership (conversations.members, all pages), cached for a few minutes.
        Raises EligibilityUnknown when Slack cannot say."""
        cached = self._members.get(channel)
        if cached is None or time.monotonic() - cached[0] > MEMBERS_TTL:
            members: set[str] = set()
            cursor = None
            while True:
                page = await self.services.attempt(
                    f"conversations.members for {channel}",
                    self.services.client.conversations_members(
                        channel=channel, limit=1000, cursor=cursor
                    ),
                )
                if page is None:
                    raise EligibilityUnknown(channel)
                members.update(m for m in page.get("members") or [] if isinstance(m, str))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
            cached = (time.monotonic(), members)
            self._members[channel] = cached
        return user in cached[1]

    async def outcome(self, user: str, campaign_id: int | None = None) -> ClaimOutcome:
        """Claim, without telling anyone yet."""
        db, now = self.services.db, self.services.clock()
        picked = await db.call(self.credits.pick, now, campaign_id)
        if isinstance(picked, ClaimOutcome):
            return picked
        try:
            eligible = await self.credits.eligible(picked, user, self.is_member)
        except EligibilityUnknown:
            return Credits.unknown(picked)
        return await db.call(self.credits.settle, picked, user, now, eligible)

    async def outcome_at_once(
        self, key: str | None, user: str
    ) -> tuple[ClaimOutcome | None, list[int]]:
        """A claim as one request's whole effect: (None, []) for a replayed request, else the
        outcome and the campaigns in which the person holds an undelivered code. Seeing the
        request, picking the campaign and the claim itself are one transaction (one fsync),
        unless eligibility needs Slack (a channel's members), asked between two."""
        db, now = self.services.db, self.services.clock()
        first, picked, pending = await db.run(_claim_at_once, key, user, now)
        if not first or isinstance(picked, ClaimOutcome):
            return picked, pending
        try:
            eligible = await self.credits.eligible(picked, user, self.is_member)
        except EligibilityUnknown:
            return Credits.unknown(picked), pending
        return await db.call(self.credits.settle, picked, user, now, eligible), pending

    @staticmethod
    def blocks(outcome: ClaimOutcome) -> list[dict] | None:
        """The campaign picker, when there is a choice to make; plain text otherwise."""
        if outcome.status != "choose":
            return None
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": outcome.message}},
            {
                "type": "actions",
                "block_id": "credits_choice",
                "elements": [
                    button(
                        c.name + (f" ({c.value})" if c.value else ""),
                        f"credits_claim_{c.id}",
                        str(c.id),
                    )
                    for c in outcome.choices[:5]
                ],
            },
        ]

    async def deliver(
        self, outcome: ClaimOutcome, user: str, channel: str | None, respond=None
    ) -> bool:
        """Tell the person privately (ephemeral, response_url, or DM: never a channel
        message), then let organizers know if stock crossed 20%, 5% or zero. A code that
        reached them by no way at all is marked undelivered, for their next contact."""
        if not channel or channel.startswith("D"):  # App Home or a DM: the DM is private
            delivered = (
                await self.services.post(channel or user, outcome.message, self.blocks(outcome))
                is not None
            )
            if not delivered and channel:
                delivered = (
                    await self.services.post(user, outcome.message, self.blocks(outcome))
                    is not None
                )
        else:
            delivered = await self.services.post_private(
                channel, user, outcome.message, self.blocks(outcome), respond=respond
            )
        if not delivered and outcome.code and outcome.campaign is not None:
            log.warning(
                "a promo code of campaign %s could not be delivered to %s: kept for their next contact",
                outcome.campaign.id,
                user,
            )
            await self.services.db.mark_undelivered(
                outcome.campaign.id, user, self.services.clock()
            )
        await self.after(outcome)
        return delivered

    async def after(self, outcome: ClaimOutcome) -> None:
        if outcome.alerts and outcome.campaign is not None:
            await self.alert(outcome.campaign.id, outcome.alerts, outcome.left or 0)

    async def claim(
        self, user: str, channel: str | None, respond=None, campaign_id: int | None = None
    ) -> ClaimOutcome:
        outcome = await self.outcome(user, campaign_id)
        await self.deliver(outcome, user, channel, respond)
        return outcome

    async def hand_over(self, user: str, campaigns: list[int]) -> None:
        """Codes this person holds that never reached them: by DM now, the most dependable
        private way. Each stays marked until Slack has taken it."""

        def messages(store) -> list[tuple[int, str]]:
            out = []
            for campaign_id in campaigns:
                campaign, code = (
                    store.campaign_by_id(campaign_id),
                    store.held_code(campaign_id, user),
                )
                if campaign is not None and code:
                    text = Credits.code_message(campaign, code, again=True)
                    out.append(
                        (campaign_id, "Sorry for the delay: I couldn't reach you earlier.\n" + text)
                    )
            return out

        for campaign_id, text in await self.services.db.run(messages):
            if await self.services.post(user, text) is not None:
                await self.services.db.mark_delivered(campaign_id, user)

    async def alert(self, campaign_id: int, thresholds: tuple[int, ...], left: int) -> None:
        """One message to the help channel per threshold crossed (the lowest, when one claim
        crosses several): counts only, never a code."""
        target = self.services.settings.help_channel
        campaign = await self.services.db.campaign_by_id(campaign_id)
        if not target or campaign is None:
            log.warning("promo stock alert for campaign %s with no help channel set", campaign_id)
            return
        await self.services.post(target, Credits.alert_text(campaign, min(thresholds), left))

    def home_blocks(self, store, user: str) -> list[dict]:
        """App Home: each open campaign, with Claim or Show my code (on ``store``'s thread)."""
        blocks: list[dict] = []
        for c in Credits(store).open_campaigns(self.services.clock()):
            worth = f" ({c.value})" if c.value else ""
            if store.held_code(c.id, user):
                text, label = f"*{c.name}*{worth}: you have claimed your code.", "Show my code"
            elif c.codes_left <= 0:
                text, label = f"*{c.name}*{worth}: all codes have been claimed.", None
            else:
                text, label = (
                    f"*{c.name}*{worth}: {c.codes_left} codes left, one per person.",
                    "Claim my code",
                )
            section = {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f":credit_card: {text}"},
            }
            if label:
                section["accessory"] = button(
                    label, f"credits_claim_{c.id}", str(c.id), style="primary"
                )
            blocks.append(section)
        if blocks:
            blocks.insert(
                0, {"type": "header", "text": {"type": "plain_text", "text": "AWS promo credits"}}
            )
            blocks.append({"type": "divider"})
        return blocks

    # -- admins -----------------------------------------------------------------------------

    def is_admin(self, user: str) -> bool:
        return user in self.services.settings.admins

    async def admin(self, user: str, channel: str | None, text: str, respond) -> None:
        """`/conf admin credits …`, for CONFBOT_ADMINS only; anyone else changes nothing.
        ``text`` is what follows `admin`; names with spaces are quoted, as in the CLI."""
        services = self.services

        async def say(reply: str) -> None:
            await services.post_private(channel, user, reply, respond=respond)

        if not self.is_admin(user):
            log.info("refused admin command from %s", user)
            await say("Sorry, admin commands are for the organizers. Ask me anything else!")
            return
        try:
            words = shlex.split(text.translate(_QUOTES))
        except ValueError:
            await say("Nothing changed: a quote is not closed. " + ADMIN_HELP)
            return
        if len(words) < 2 or words[0].lower() != "credits":
            await say(ADMIN_HELP)
            return
        action, rest = words[1].lower(), words[2:]
        try:
            reply = await services.db.call(self._admin, user, action, rest)
        except ValueError as exc:
            reply = f"Nothing changed: {escape_user_text(str(exc))}."
        if isinstance(reply, tuple):  # a reissue: the person is told by DM as well
            reply, target, dm = reply
            await services.post(target, dm)
        await say(reply)

    def _admin(self, user: str, action: str, rest: list[str]) -> str | tuple[str, str, str]:
        """The admin command's effect and reply, on the store's thread. ValueError: nothing
        changed, and why."""
        store, now = self.services.db.store, self.services.clock()
        if action == "stats":
            campaigns = [store.campaign(" ".join(rest))] if rest else store.campaigns()
            lines = []
            for c in campaigns:
                if c is None:
                    continue
                s = self.credits.stats(c)
                line = f"*{s['campaign']}*: {s['total']} codes, {s['claimed']} claimed, {s['left']} left"
                if undelivered := store.undelivered_count(c.id):
                    line += f", {undelivered} claimed but not delivered yet"
                lines.append(line)
            return "\n".join(lines) or "No campaigns yet."
        if action == "import":
            return self._import(store, rest, now)
        if action == "revoke" and len(rest) == 1:
            campaign, holder = store.revoke_code(rest[0], now)
            return f"Revoked a code of *{campaign.name}*." + (
                f" <@{holder}> can claim a new one." if holder else ""
            )
        if action == "reissue" and rest:
            target = _user_id(rest[0])
            name = " ".join(rest[1:])
            held = [
                c
                for c in store.campaigns()
                if (not name or c.name.lower() == name.lower()) and store.held_code(c.id, target)
            ]
            if len(held) != 1:
                raise ValueError(
                    f"that person holds codes in {len(held)} matching campaigns: name one"
                )
            store.reissue(held[0].id, target, now)
            return (
                f"Reissued a *{held[0].name}* code to <@{target}>; they were told by DM.",
                target,
                f"Your *{held[0].name}* code was replaced: type `/conf credits` to see the new one.",
            )
        if action in {"open", "close"} and rest:
            name = " ".join(rest)
            if store.campaign(name) is None:
                raise ValueError(f"no campaign named {name}")
            settings = (
                {"opens_at": now, "closes_at": None} if action == "open" else {"closes_at": now}
            )
            campaign = store.save_campaign(name, now, **settings)
            return f"*{campaign.name}* is now {'open' if action == 'open' else 'closed'}."
        return ADMIN_HELP

    @staticmethod
    def _import(store, words: list[str], now) -> str:
        """`import "NAME" CODE…` or `import --campaign NAME CODE…`, `--create` for a new one.
        Every code passes the CSV import's format check; all or nothing."""
        create = "--create" in words
        words = [w for w in words if w != "--create"]
        name = None
        for n, word in enumerate(words):
            if word.startswith("--campaign="):
                name = word.split("=", 1)[1]
                words = words[:n] + words[n + 1 :]
                break
            if word == "--campaign" and n + 1 < len(words):
                name = words[n + 1]
                words = words[:n] + words[n + 2 :]
                break
        if name is None and words:
            name, words = words[0], words[1:]
        if not name or not words:
            raise ValueError(
                'name the campaign and at least one code: import "CAMPAIGN NAME" CODE …'
            )
        codes = list(dict.fromkeys(words))
        for n, code in enumerate(codes, start=1):
            if problem := code_problem(code):
                raise ValueError(f"code {n} of {len(codes)} {problem}")
        if store.campaign(name) is None and not create:
            names = ", ".join(c.name for c in store.campaigns()) or "none yet"
            raise ValueError(
                f"there is no campaign named '{name}' (campaigns: {names}); quote a name with "
                "spaces, or add --create to start a new campaign"
            )
        try:
            campaign, added = store.import_codes(name, codes, now)
        except DuplicateCode as exc:
            raise ValueError(f"code {exc.index} of {len(codes)} is already in the store") from None
        return f"Added {added} codes to *{campaign.name}*: {campaign.codes_left} of {campaign.codes_total} unclaimed."


def _claim_at_once(store, key: str | None, user: str, now):
    """(first, outcome or the campaign still to check eligibility for, pending codes)."""
    with store.transaction():
        if key and not store.first_delivery(key):
            return False, None, []
        pending = store.undelivered_for(user) if user else []
        credits = Credits(store)
        picked = credits.pick(now, None)
        if isinstance(picked, ClaimOutcome) or picked.eligibility == "channel":
            return True, picked, pending
        eligible = picked.eligibility == "everyone" or user in picked.allowlist
        return True, credits.settle(picked, user, now, eligible), pending


def _user_id(text: str) -> str:
    m = re.match(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", text)
    if m:
        return m.group(1)
    if re.fullmatch(r"[UW][A-Z0-9]{6,}", text.strip()):
        return text.strip()
    raise ValueError("name the person as @person")
