"""Reminders in Slack: posting them (channel reminders, personal DMs, announcements),
`/conf remind`, the "Remind me personally" button, and organizer announcements."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import datetime

from bot import reminders
from bot.answers.base import Context
from bot.clock import parse_when
from bot.reminders import Due
from bot.slack.blocks import button, slack_dates
from bot.slack.services import SlackServices
from bot.understanding import normalize

log = logging.getLogger(__name__)

REMIND_HELP = (
    "• `/conf remind <something on the schedule>` (15 minutes before; or `… 30 minutes before`)\n"
    "• `/conf remind list` · `/conf remind cancel ID`"
)
ANNOUNCE_HELP = "`/conf admin announce <when> #channel <text>` · `/conf admin announcements` · `/conf admin announce cancel ID`"
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


class RateGate:
    """Paces posts to the rate Slack allows, and when Slack answers 429 anyway, makes every
    sender wait out Retry-After, not just the one told.

    Pacing is what keeps a 5,000-DM fan-out near the floor the rate limit sets: honouring
    whole-second Retry-Afters alone loses most of each second to waiting.
    """

    def __init__(self, rate: float | None = None) -> None:
        self.until = 0.0
        # 5% headroom: timers wake late and bunch sends, and one 429 costs a whole second.
        self.interval = 1.0 / (rate * 0.95) if rate else 0.0
        self.next_slot = 0.0

    def pause(self, seconds: float) -> None:
        self.until = max(self.until, time.monotonic() + seconds)

    async def wait(self) -> None:
        while (delay := self.until - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        if self.interval:
            now = time.monotonic()
            slot = max(self.next_slot, now)
            self.next_slot = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)


class SlackReminders:
    """The sync methods read and write the store: call them on the store's thread
    (``services.event_db.call``)."""

    def __init__(self, services: SlackServices, gate: RateGate):
        self.services = services
        self.gate = gate

    @property
    def store(self):
        return self.services.event_db.store

    def context(self) -> Context:
        data = self.store.load_event_data()
        return Context(data, self.services.clock(), None, "en", slack_dates)

    def message(self, due: Due, late: bool) -> str:
        return reminders.message(self.context(), due, late=late)

    async def post(self, target: str, due: Due, late: bool) -> str:
        """The poster the scheduler calls: 'sent', or 'failed' (it is tried again)."""
        text = await self.services.event_db.call(self.message, due, late)
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        if due.item is not None and due.kind in {"item", "moved"}:
            blocks.append(
                {
                    "type": "actions",
                    "elements": [button("Remind me personally", "remind_me", due.item.id)],
                }
            )
        await self.gate.wait()
        outcome, _ = await self.services.post_outcome(target, text, blocks)
        return outcome

    # -- personal reminders ----------------------------------------------------------------------

    def remind(self, user: str, text: str) -> str:
        """`/conf remind …` and "remind me about …": the sentence to send back."""
        words = text.split()
        store, now = self.store, self.services.clock()
        if not words or words[0].lower() in {"help", "?"}:
            return REMIND_HELP
        if words[0].lower() == "list":
            return self.listing(user) or "You have no reminders. " + REMIND_HELP
        if words[0].lower() == "cancel":
            if len(words) < 2 or not words[1].lstrip("#").isdigit():
                return "Which one? `/conf remind list` shows their numbers."
            if store.cancel_personal_reminder(int(words[1].lstrip("#")), user):
                return f"Cancelled reminder #{words[1].lstrip('#')}."
            return f"You have no reminder #{words[1].lstrip('#')}."  # someone else's stays as it is
        state = self.services.concierge.state()
        item = reminders.find_item(state.understanding, state.data, text, now) if state else None
        if item is None:
            return "I couldn't find an upcoming session or event by that name. " + REMIND_HELP
        offset = reminders.parse_offset(text) or self.services.settings.remind_minutes
        return self.add(user, item.id, offset)[1]

    def add(self, user: str, item_id: str, offset: int | None = None) -> tuple[bool, str]:
        store, now = self.store, self.services.clock()
        data = store.load_event_data()
        item = next((i for i in data.schedule if i.id == item_id), None)
        if item is None or item.start <= now:
            return False, "That has already started, so there is nothing to remind you of."
        offset = max(1, min(offset or self.services.settings.remind_minutes, 24 * 60))
        reminder_id, created = store.add_personal_reminder(user, item.id, offset, now)
        reminders.watch(store, item)  # a later load that moves it tells this person
        ctx = Context(data, now, None, "en", slack_dates)
        when = ctx.time(item.start)
        verb = "I'll DM you" if created else "You already have a reminder: I'll DM you"
        title = f"{item.code} {item.title}" if item.code else item.title
        text = f"{verb} {offset} minutes before *{title}* ({when})"
        mine = {r["item_id"] for r in store.personal_reminders(user)}
        walk = reminders.walk_to(data, item, [i for i in data.schedule if i.id in mine])
        if walk is not None:
            text += f", plus {walk.minutes} minutes to get there from {ctx.venue_name(walk.origin)}"
        return (
            True,
            f"{text}. Reminder #{reminder_id}; `/conf remind cancel {reminder_id}` to cancel.",
        )

    def listing(self, user: str) -> str:
        data = self.store.load_event_data()
        items = {i.id: i for i in data.schedule}
        ctx = Context(data, self.services.clock(), None, "en", slack_dates)
        lines = []
        for r in self.store.personal_reminders(user):
            item = items.get(r["item_id"])
            if item is not None and item.start > ctx.now:
                lines.append(
                    f"#{r['id']}: {r['offset_min']} min before *{item.title}* ({ctx.time(item.start)})"
                )
        return "\n".join(lines)

    # -- organizer announcements --------------------------------------------------------------------

    def announce(self, user: str, words: list[str]) -> str:
        """An organizer's announcement. Its text is theirs, posted as they wrote it (a
        deliberate @channel included): only CONFBOT_ADMINS get here."""
        store, now = self.store, self.services.clock()
        if words and words[0].lower() == "cancel":
            if (
                len(words) == 2
                and words[1].lstrip("#").isdigit()
                and store.cancel_announcement(int(words[1].lstrip("#")))
            ):
                return f"Cancelled announcement #{words[1].lstrip('#')}."
            return "No such announcement: `/conf admin announcements` lists them."
        text = " ".join(words)
        m = _CHANNEL.search(text)
        if not m:
            return f"Name the channel as #channel. {ANNOUNCE_HELP}"
        when_text, message = text[: m.start()].strip(), text[m.end() :].strip()
        if not when_text or not message:
            return f"Say when, where and what. {ANNOUNCE_HELP}"
        event = store.event()
        when = parse_when(normalize(when_text), now.astimezone(event.zone), event)
        moment = when.moment if when else None
        if moment is None:
            return f"I couldn't read a time in '{when_text}'. Try 'tomorrow 7:45am' or 'in 30 minutes'."
        fmt = self.context().time
        if moment <= now:
            return f"'{when_text}' is in the past ({fmt(moment)}): nothing was scheduled."
        announcement_id = store.add_announcement(m.group(1), message, moment, user, now)
        return f"Announcement #{announcement_id} will go to <#{m.group(1)}> at {fmt(moment)}."

    def announcements(self) -> str:
        store = self.store
        fmt = self.context().time
        lines = [
            f"#{a['id']}: {fmt(datetime.fromisoformat(a['due_at']))} to <#{a['channel']}>: {a['text'][:80]}"
            for a in store.announcements()
            if datetime.fromisoformat(a["due_at"]) > self.services.clock()
        ]
        return "\n".join(lines) or "No announcements scheduled."

    def home_blocks(self, user: str) -> list[dict]:
        listing = self.listing(user)
        if not listing:
            return []
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*Your reminders*\n{listing}"}},
            {"type": "divider"},
        ]
