"""The daily digest: once a day (CONFBOT_DIGEST_TIME, event time) the questions the bot could
not answer since the last digest go to the help channel, grouped by similar wording, each with
an *Answer* button. The answer given in its modal is saved (the bot answers it from then on)
and sent to everyone who asked.

Exactly once a day: the day's row is claimed in SQLite before the post, by the one process
holding the reminders' lease (it runs as one of the scheduler's chores). A post Slack refused
frees the day for the next tick; one cut off by a killed process stays claimed (as a reminder
does), so a restart never posts a day twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.lang import catalog
from bot.slack.blocks import button
from bot.slack.handoff import LEADING_MENTION, one_line, question_key, quoted_sections
from bot.slack.markup import as_typed, escape_user_text, plain_text
from bot.unanswered import Group, group

if TYPE_CHECKING:
    from bot.slack.services import SlackServices

log = logging.getLogger(__name__)

TOP = 10  # groups in one digest (Slack allows 50 blocks; an organizer reads ten)
ANSWER_ACTION = "digest_answer"
MODAL = "digest_answer_modal"


def _quote(text: str, limit: int = 200) -> str:
    """A question as Slack showed it to its asker, nothing in it live."""
    return "\u201c" + one_line(plain_text(text), limit) + "\u201d"


class Digest:
    def __init__(self, services: SlackServices):
        self.services = services

    # -- posting ---------------------------------------------------------------------------------

    async def tick(self) -> str:
        """Post today's digest if it is time and it was not posted yet. Says what it did."""
        services = self.services
        at, channel = services.settings.digest_time, services.settings.help_channel
        if at is None or not channel:
            return "off"
        now = services.clock()
        event = await services.db.event()
        if event is None:
            return "no event"
        local = now.astimezone(event.zone)
        due = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        day = local.date().isoformat()
        if local < due or await services.db.digest(day) is not None:
            return "not due"
        since = await services.db.last_digest_at() or due - timedelta(days=1)
        groups = await services.event_db.call(self._still_unanswered, since, now)
        if not await services.db.begin_digest(day, since, now):
            return "taken"
        if not groups:
            await services.db.finish_digest(day, "empty", now)
            return "empty"
        ids = [
            await services.db.add_digest_group(
                day, g.example, g.questions, g.askers, g.language, g.times
            )
            for g in groups
        ]
        text, blocks = self._message(groups, ids, since.astimezone(event.zone))
        posted = await services.post(channel, text, blocks)
        if not posted:
            await services.db.abandon_digest(day)
            return "failed"
        await services.db.finish_digest(day, "posted", now, (channel, posted.get("ts")))
        log.info("posted the unanswered digest for %s: %d questions", day, len(groups))
        return "posted"

    def _still_unanswered(self, since: datetime, now: datetime) -> list[Group]:
        """On the event store's thread: the groups the bot still cannot answer (an answer saved
        since, or an event file loaded since, may answer some now), most asked first."""
        services = self.services
        answered = {
            (h["user_id"], question_key(h["question"]))
            for h in services.store.answered_handoffs(since)
        }
        rows = [
            r
            for r in services.store.unanswered_since(since)
            if (r["user_id"], question_key(LEADING_MENTION.sub("", r["text"]))) not in answered
        ]  # an organizer answered these in the help channel already
        out = []
        for g in group(rows):
            if not services.concierge.ask(g.example, now, record=False).confident:
                out.append(g)
            if len(out) == TOP:
                break
        return out

    def _message(
        self, groups: list[Group], ids: list[int], since: datetime
    ) -> tuple[str, list[dict]]:
        asked = sum(g.times for g in groups)
        head = (
            f":mailbox_with_mail: *Questions I could not answer since {since:%a %H:%M}*: "
            f"{asked} asked, {len(groups)} different. Answer one and I save the answer "
            "and send it to everyone who asked."
        )
        blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": head}}]
        lines = [head]
        for g, group_id in zip(groups, ids, strict=True):
            line = f"*{g.times}×* {_quote(g.example)}"
            others = [q for q in g.questions if q != g.example][:2]
            if others:
                line += "\n_also:_ " + ", ".join(_quote(q, 80) for q in others)
            people = len(g.askers)
            line += (
                f"\n{people} {'person' if people == 1 else 'people'} · {catalog(g.language).name}"
            )
            blocks.append(
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": line[:2900], "verbatim": True},
                    "accessory": button("Answer", ANSWER_ACTION, str(group_id)),
                }
            )
            lines.append(line)
        return "\n".join(lines)[:3000], blocks

    async def _answered_by(self, found: dict) -> str:
        saved = await self.services.db.saved_answer(found["answer_id"])
        who = f"<@{saved['saved_by']}>" if saved and saved["saved_by"] else "an organizer"
        return (
            f"{_quote(found['example'], 100)} was answered already, by {who} (answer "
            f"#{found['answer_id']}); `confbot faq edit {found['answer_id']}` changes it."
        )

    # -- answering -------------------------------------------------------------------------------

    async def open_answer(self, user: str, channel: str | None, group_id: str, trigger: str):
        """The Answer button: a modal to write the answer in (organizers only)."""
        services = self.services
        if not await services.handoffs.is_organizer(user):
            await services.post_private(
                channel, user, "Only organizers (members of the help channel) can answer here."
            )
            return
        found = await services.db.digest_group(int(group_id)) if group_id.isdigit() else None
        if found is None:
            return
        if found["answer_id"] is not None:  # answered already: say by whom, open nothing
            await services.post_private(channel, user, await self._answered_by(found))
            return
        view = {
            "type": "modal",
            "callback_id": MODAL,
            "private_metadata": str(found["id"]),
            "title": {"type": "plain_text", "text": "Answer a question"},
            "submit": {"type": "plain_text", "text": "Save and send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f"*{found['times']}×* {_quote(found['example'], 500)}",
                        "verbatim": True,
                    },
                },
                {
                    "type": "input",
                    "block_id": "answer",
                    "label": {"type": "plain_text", "text": "Your answer"},
                    "element": {
                        "type": "plain_text_input",
                        "action_id": "text",
                        "multiline": True,
                        "max_length": 3000,
                    },
                },
            ],
        }
        await services.attempt(
            "views.open", services.client.views_open(trigger_id=trigger, view=view)
        )

    async def answered(self, user: str, group_id: str, answer: str) -> int:
        """The modal was submitted: save the answer, and (the first time) send it to every
        asker. Returns how many people it was sent to."""
        services = self.services
        found = await services.db.digest_group(int(group_id)) if group_id.isdigit() else None
        answer = answer.strip()
        if found is None or not answer or not await services.handoffs.is_organizer(user):
            return 0
        others = tuple(as_typed(q) for q in found["questions"] if q != found["example"])
        answer_id = await services.db.answer_digest_group(
            found["id"], as_typed(found["example"]), answer, questions=others, saved_by=user,
            now=services.clock(),
        )  # fmt: skip
        if answer_id is None:  # another organizer was first: theirs stands
            await services.post(
                user, await self._answered_by(await services.db.digest_group(found["id"]))
            )
            return 0
        cat = catalog(found["language"])
        head = cat.t("relayed_from_digest", question=one_line(plain_text(found["example"]), 300))
        shown = escape_user_text(answer)  # typed in a form: plain text, nothing live
        text = f"{head}\n" + "\n".join(f"> {line}" for line in shown.splitlines())
        blocks = [
            {"type": "section", "text": {"type": "mrkdwn", "text": head, "verbatim": True}},
            *quoted_sections(shown),
        ]
        sent = 0
        for asker in found["askers"]:
            if await services.post(asker, text, blocks) is not None:
                sent += 1
        digest = await services.db.digest(found["day"])
        if digest and digest["ts"]:
            note = f"<@{user}> answered {_quote(found['example'], 100)}: saved as answer #{answer_id} and sent to {sent} of {len(found['askers'])} askers."
            await services.post(digest["channel"], note, thread_ts=digest["ts"])
        return sent
