"""Promo credits in Slack: claims delivered privately, the campaign picker, stock alerts,
and the admin commands."""

from __future__ import annotations

import logging
import re
import time

from bot.credits import ClaimOutcome, Credits
from bot.slack.blocks import button
from bot.slack.services import SlackServices, reason

log = logging.getLogger(__name__)

MEMBERS_TTL = 300.0
ADMIN_HELP = (
    "Admin commands:\n"
    "• `/conf admin credits stats [CAMPAIGN]`\n"
    "• `/conf admin credits import CAMPAIGN CODE [CODE …]`\n"
    "• `/conf admin credits revoke CODE`\n"
    "• `/conf admin credits reissue @person [CAMPAIGN]`\n"
    "• `/conf admin credits open CAMPAIGN` / `close CAMPAIGN`\n"
    "• `/conf admin announce <when> #channel <text>` · `/conf admin announcements` · `/conf admin announce cancel ID`"
)


class SlackCredits:
    """Claims in Slack.

    The claim's transaction runs on the event loop: it takes a fraction of a millisecond.
    Measured (bench/claims.py), handing it to a writer thread made a rush slower, not
    faster: the thread waits for the GIL each time it comes back from SQLite.
    """

    def __init__(self, services: SlackServices):
        self.services = services
        self.credits = Credits(services.store)
        self._members: dict[str, tuple[float, set[str]]] = {}

    async def is_member(self, channel: str, user: str) -> bool:
        """Channel membership (conversations.members, all pages), cached for a few minutes."""
        cached = self._members.get(channel)
        if cached is None or time.monotonic() - cached[0] > MEMBERS_TTL:
            members: set[str] = set()
            try:
                cursor = None
                while True:
                    page = await self.services.client.conversations_members(
                        channel=channel, limit=1000, cursor=cursor
                    )
                    members.update(page.get("members") or [])
                    cursor = (page.get("response_metadata") or {}).get("next_cursor")
                    if not cursor:
                        break
            except Exception as exc:
                log.warning("conversations.members for %s failed: %s", channel, reason(exc))
                return False
            cached = (time.monotonic(), members)
            self._members[channel] = cached
        return user in cached[1]

    async def outcome(self, user: str, campaign_id: int | None = None) -> ClaimOutcome:
        """Claim, without telling anyone yet."""
        return await self.credits.claim(
            user, self.services.clock(), campaign_id=campaign_id, is_member=self.is_member
        )

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
    ) -> None:
        """Tell the person privately (ephemeral, response_url, or DM: never a channel
        message), then let organizers know if stock crossed 20%, 5% or zero."""
        if not channel or channel.startswith("D"):  # App Home or a DM: the DM is private
            await self.services.post(channel or user, outcome.message, self.blocks(outcome))
        else:
            await self.services.post_private(
                channel, user, outcome.message, self.blocks(outcome), respond=respond
            )
        await self.after(outcome)

    async def after(self, outcome: ClaimOutcome) -> None:
        if outcome.alerts and outcome.campaign is not None:
            await self.alert(outcome.campaign.id, outcome.alerts, outcome.left or 0)

    async def claim(
        self, user: str, channel: str | None, respond=None, campaign_id: int | None = None
    ) -> ClaimOutcome:
        outcome = await self.outcome(user, campaign_id)
        await self.deliver(outcome, user, channel, respond)
        return outcome

    async def alert(self, campaign_id: int, thresholds: tuple[int, ...], left: int) -> None:
        """One message to the help channel per threshold crossed (the lowest, when one claim
        crosses several): counts only, never a code."""
        target = self.services.settings.help_channel
        campaign = self.services.store.campaign_by_id(campaign_id)
        if not target or campaign is None:
            log.warning("promo stock alert for campaign %s with no help channel set", campaign_id)
            return
        await self.services.post(target, Credits.alert_text(campaign, min(thresholds), left))

    def home_blocks(self, user: str) -> list[dict]:
        """App Home: each open campaign, with Claim or Show my code."""
        blocks: list[dict] = []
        for c in self.credits.open_campaigns(self.services.clock()):
            worth = f" ({c.value})" if c.value else ""
            if self.services.store.held_code(c.id, user):
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

    async def admin(self, user: str, channel: str | None, words: list[str], respond) -> None:
        """`/conf admin credits …`, for CONFBOT_ADMINS only; anyone else changes nothing."""
        say = lambda text: self.services.post_private(channel, user, text, respond=respond)  # noqa: E731
        if not self.is_admin(user):
            log.info("refused admin command from %s", user)
            await say("Sorry, admin commands are for the organizers. Ask me anything else!")
            return
        if len(words) < 2 or words[0] != "credits":
            await say(ADMIN_HELP)
            return
        action, rest = words[1].lower(), words[2:]
        store, now = self.services.store, self.services.clock()
        try:
            if action == "stats":
                campaigns = [store.campaign(" ".join(rest))] if rest else store.campaigns()
                lines = [
                    f"*{s['campaign']}*: {s['total']} codes, {s['claimed']} claimed, {s['left']} left"
                    for s in (self.credits.stats(c) for c in campaigns if c)
                ]
                await say("\n".join(lines) or "No campaigns yet.")
            elif action == "import" and len(rest) >= 2:
                codes = list(dict.fromkeys(c.strip() for c in rest[1:] if c.strip()))
                campaign, added = store.import_codes(rest[0], codes, now)
                await say(
                    f"Added {added} codes to *{campaign.name}*: {campaign.codes_left} of {campaign.codes_total} unclaimed."
                )
            elif action == "revoke" and len(rest) == 1:
                campaign, holder = store.revoke_code(rest[0], now)
                await say(
                    f"Revoked a code of *{campaign.name}*."
                    + (f" <@{holder}> can claim a new one." if holder else "")
                )
            elif action == "reissue" and rest:
                target = _user_id(rest[0])
                name = " ".join(rest[1:])
                held = [
                    c
                    for c in store.campaigns()
                    if (not name or c.name.lower() == name.lower())
                    and store.held_code(c.id, target)
                ]
                if len(held) != 1:
                    await say(
                        f"<@{target}> holds codes in {len(held)} matching campaigns: name one."
                    )
                    return
                store.reissue(held[0].id, target, now)
                await self.services.post(
                    target,
                    f"Your *{held[0].name}* code was replaced: type `/conf credits` to see the new one.",
                )
                await say(f"Reissued a *{held[0].name}* code to <@{target}>; they were told by DM.")
            elif action in {"open", "close"} and rest:
                name = " ".join(rest)
                if store.campaign(name) is None:
                    await say(f"No campaign named {name}.")
                    return
                settings = (
                    {"opens_at": now, "closes_at": None} if action == "open" else {"closes_at": now}
                )
                store.save_campaign(name, now, **settings)
                await say(f"*{name}* is now {'open' if action == 'open' else 'closed'}.")
            else:
                await say(ADMIN_HELP)
        except ValueError as exc:
            await say(f"Nothing changed: {exc}.")


def _user_id(text: str) -> str:
    m = re.match(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", text)
    return m.group(1) if m else text.strip()
