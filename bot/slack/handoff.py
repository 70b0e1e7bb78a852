""" "Ask a human", and the loop it starts: the question goes to the help channel, every reply a
person writes in that thread reaches the asker in their DM, the asker's replies there go back
into the thread, and an organizer can save a reply as the answer the bot gives from then on.

Every link (help thread <-> asker, each message relayed) is in SQLite before anything is
posted: a restart loses nothing, and a retried or duplicated event relays nothing twice. A
relay that Slack refused is tried again later (``retry_pending``). Text people wrote is never
live markup where the bot posts it (bot.slack.markup).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, utils

from bot.lang import catalog, catalogs, detect
from bot.slack.blocks import button, feedback_value
from bot.slack.markup import as_typed, escape_user_text, plain_text, unescape
from bot.understanding.normalize import normalize

if TYPE_CHECKING:
    from bot.slack.services import SlackServices

log = logging.getLogger(__name__)

MEMBERS_TTL = 300.0  # seconds the help channel's member list is trusted
LAST_QUESTION_WINDOW = timedelta(minutes=30)
SAME_QUESTION_WINDOW = timedelta(
    days=2
)  # open hand-offs a saved answer may close  # "human" hands over the question asked within it
PHRASE_SIMILAR = 88  # rapidfuzz ratio: "talk to a persn" is "talk to a person"
QUESTION_SHOWN = 300  # characters of the question quoted back to the asker
ANSWER_SHOWN = 600  # characters of the bot's own answer shown to the organizers
SAVE_ACTION = "save_answer"
NO_TEXT = "(a message with no text, such as a file or an image, which I cannot pass on)"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
_REQUEST_SPLIT = re.compile(r"^([^:\-–—,]{1,60}?)\s*(?::|\s-\s|\s–\s|\s—\s|,)\s*(.*)$", re.S)
LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*")  # "@confbot where is…"
OFFERED_REPLIES = 5  # the latest organizer replies a thread's "Save as answer" offers
REPLY_SHOWN = 500
SECTION_TEXT = (
    2900  # characters in one section (Slack allows 3,000)  # characters of each offered reply
)


def question_key(question: str) -> str:
    """The same question, however it was spaced or capitalised."""
    return hashlib.sha256(" ".join(question.casefold().split()).encode()).hexdigest()[:24]


@cache
def _phrases() -> tuple[str, ...]:
    """Every catalog's hand-off phrases, processed once (every DM is checked against them)."""
    return tuple(utils.default_process(p) for c in catalogs() for p in c.handoff)


def handoff_request(text: str) -> str | None:
    """Does this message ask for a person? None: no. Otherwise the question that came with it
    ("human: is there a prayer room?"), or '' when it was only the request ("talk to a person")."""
    phrases = _phrases()
    split = _REQUEST_SPLIT.match(text)  # "human: …", "human - …", "사람, …"
    if (
        split
        and split.group(2).strip()
        and utils.default_process(normalize(split.group(1))) in phrases
    ):
        return split.group(2).strip()
    whole = utils.default_process(normalize(text))
    if not whole:
        return None
    for phrase in phrases:
        if whole == phrase or (
            len(phrase) >= 8 and fuzz.ratio(whole, phrase, score_cutoff=PHRASE_SIMILAR)
        ):
            return ""
    return None


def one_line(text: str, limit: int) -> str:
    """On one line, cut with "…" when longer than ``limit``."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_label(question: str) -> str:
    """A question on a button (plain text, 75 characters at most)."""
    return one_line(as_typed(question), 75)


def _quoted(text: str, limit: int) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def _pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut at line ends where it can."""
    pieces, chunk = [], ""
    for line in text.splitlines() or [""]:
        while len(line) > size:  # one very long line: cut it
            if chunk:
                pieces.append(chunk)
                chunk = ""
            pieces.append(line[:size])
            line = "> " + line[size:]
        if chunk and len(chunk) + 1 + len(line) > size:
            pieces.append(chunk)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    pieces.append(chunk)
    return pieces


def quoted_sections(text: str) -> list[dict]:
    """A person's text quoted whole, in as many sections as it takes (a section holds 3,000
    characters; a message, 50 blocks), nothing in it live."""
    quoted = "\n".join(f"> {line}" for line in text.splitlines() or [""])
    return [_section(piece, verbatim=True) for piece in _pieces(quoted, SECTION_TEXT)][:45]


def _section(text: str, verbatim: bool = False) -> dict:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": text[:2900], "verbatim": verbatim},
    }


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:2900]}]}


class Handoffs:
    def __init__(self, services: SlackServices):
        self.services = services
        self._members: tuple[float, frozenset[str]] = (0.0, frozenset())
        self._dm: dict[str, str] = {}  # user -> their DM channel with the bot

    @property
    def help_channel(self) -> str | None:
        return self.services.settings.help_channel

    async def readable(self, slack_text: str) -> str:
        """``markup.plain_text`` with the names of the people mentioned (looked up with their
        time zone, at most a second's wait)."""
        mentioned = list(dict.fromkeys(_MENTION.findall(slack_text)))[:10]
        if mentioned:
            zones = self.services.zones
            await asyncio.gather(*(zones.zone(u) for u in mentioned), return_exceptions=True)
            return plain_text(slack_text, zones.names)
        return plain_text(slack_text)

    # -- who may save answers --------------------------------------------------------------------

    async def is_organizer(self, user: str) -> bool:
        """Admins (CONFBOT_ADMINS), and members of the help channel."""
        if user in self.services.settings.admins:
            return True
        if not self.help_channel:
            return False
        expires, members = self._members
        if time.monotonic() >= expires:
            members = await self._help_members()
            if members is not None:
                self._members = (time.monotonic() + MEMBERS_TTL, members)
            else:
                members = self._members[1]  # Slack unreachable: what was known
        return user in members

    async def _help_members(self) -> frozenset[str] | None:
        members: set[str] = set()
        cursor = None
        for _ in range(50):  # 50 pages of 1,000: any help channel
            data = await self.services.attempt(
                "conversations.members",
                self.services.client.conversations_members(
                    channel=self.help_channel, limit=1000, cursor=cursor
                ),
            )
            if data is None:
                return None
            members |= {m for m in data.get("members") or [] if isinstance(m, str)}
            cursor = (data.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return frozenset(members)

    # -- the hand-off ----------------------------------------------------------------------------

    async def ask_human(
        self,
        user: str,
        channel: str | None,
        question: str,
        respond=None,
        message_ts: str | None = None,
    ) -> None:
        """Post the question in the help channel: once per question, and at most one a minute
        per person (a flood of presses is one post). Tells the person either way, in their
        language."""
        services = self.services
        question = LEADING_MENTION.sub("", question)  # asked by @mention: not the bot's name
        language = detect(normalize(question))
        cat = catalog(language)
        if not self.help_channel:
            await services.post_private(channel, user, cat.t("handoff_no_channel"), respond=respond)
            return
        now = services.clock()
        key = question_key(question)
        verdict = await services.db.help_request(user, key, now)
        if verdict == "repeat":
            reply = cat.t("handoff_repeat")
        elif verdict == "too_soon":
            reply = cat.t("handoff_too_soon")
        elif await self._post_handoff(user, channel, question, language, message_ts):
            reply = cat.t("handoff_posted")
        else:
            await services.db.forget_help_request(user, key)
            reply = cat.t("handoff_failed")
        await services.post_private(channel, user, reply, respond=respond)

    async def _post_handoff(
        self, user: str, channel: str | None, question: str, language: str, message_ts: str | None
    ) -> bool:
        services = self.services
        origin = channel if channel and channel.startswith(("C", "G")) else ""
        in_dm = channel and channel.startswith("D") and message_ts
        handoff_id = await services.db.create_handoff(
            user, origin, question, language, self.help_channel, services.clock(),
            asked=(channel, message_ts) if in_dm else ("", ""),
        )  # fmt: skip
        text, blocks = await self._handoff_post(user, origin, question, language, message_ts)
        posted = await services.post(self.help_channel, text, blocks)
        if not posted or not isinstance(posted.get("ts"), str):
            await services.db.forget_handoff(handoff_id)
            return False
        await services.db.set_help_post(handoff_id, posted["ts"])
        return True

    async def _handoff_post(
        self, user: str, origin: str, question: str, language: str, message_ts: str | None
    ) -> tuple[str, list[dict]]:
        """Who asked, where, the question (nothing in it live), what the bot answered, the
        asker's time and language."""
        services = self.services
        where = "in a DM"
        if origin:
            where = f"in <#{origin}>"
            if message_ts and (link := await self._permalink(origin, message_ts)):
                where += f" (<{link}|the message>)"
        zone = await services.zones.zone(user)
        now = services.clock()

        def bots_answer() -> str:
            answer = services.concierge.ask(question, now, asker_zone=zone, record=False)
            return answer.text if answer.confident else ""

        answered = await services.event_db.call(bots_answer)
        shown = await self.readable(question)
        head = f":raising_hand: <@{user}> asked {where} and would like a person to answer:"
        local = now.astimezone(zone) if zone else None
        their_time = f"{local:%a %H:%M} ({zone.key})" if local else "not known"
        said = (
            f"*The bot answered:* {escape_user_text(one_line(answered, ANSWER_SHOWN))}"
            if answered
            else "*The bot did not know.*"
        )
        blocks = [
            _section(head),
            *quoted_sections(shown),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": said[:2900], "verbatim": True}]},
            _context(
                f"Their time: {their_time} · Language: {catalog(language).name} · "
                "Reply in this thread: each reply reaches them in a DM, and they can answer back."
            ),
        ]  # fmt: skip
        return f"{head}\n{_quoted(shown, 2800)}", blocks

    async def _permalink(self, channel: str, ts: str) -> str | None:
        data = await self.services.attempt(
            "chat.getPermalink",
            self.services.client.chat_getPermalink(channel=channel, message_ts=ts),
        )
        link = (data or {}).get("permalink")
        return link if isinstance(link, str) and re.fullmatch(r"https://[^\s<>|]+", link) else None

    def remember(self, user: str, text: str) -> None:
        """A person's question, for "human" typed after it (written with the other short
        writes, not waited for)."""
        if text.strip():
            db = self.services.db
            db.submit(db.store.remember_question, user, text[:2000], self.services.clock())

    async def on_request(
        self, user: str, channel: str | None, text: str, question: str, respond=None
    ) -> None:
        """Someone typed "human" (or "human: <question>"): what the button does, for the
        question they give, or the one they asked last; after several, they pick which (the
        last message may be "that's not what I asked", not the question)."""
        cat = catalog(detect(normalize(text)))
        if question:
            await self.ask_human(user, channel, question, respond)
            return
        since = self.services.clock() - LAST_QUESTION_WINDOW
        recent = await self.services.db.recent_questions(user, since)
        if not recent:
            await self.services.post_private(channel, user, cat.t("handoff_what"), respond=respond)
            return
        if len(recent) == 1:
            await self.ask_human(user, channel, recent[0], respond)
            return
        which = cat.t("handoff_which")
        choices = [
            button(_short_label(q), "ask_human", feedback_value(q, "handoff")) for q in recent
        ]
        blocks = [_section(which), {"type": "actions", "block_id": "handoff", "elements": choices}]
        await self.services.post_private(channel, user, which, blocks, respond=respond)

    # -- relaying --------------------------------------------------------------------------------

    async def on_help_reply(self, event: dict) -> None:
        """A message in a help thread: a person's reply reaches the asker."""
        services = self.services
        handoff = await services.db.handoff_by_help_thread(event["channel"], event["thread_ts"])
        if handoff is None or event["user"] == handoff["user_id"]:
            return  # not one of ours; or the asker, who sees the thread already
        row = await self._begin(event, handoff, "to_asker")
        if row is not None:
            await self.deliver(row, handoff)

    async def on_asker_reply(self, event: dict) -> bool:
        """A reply in a DM thread: if it answers a relayed message, it goes back to the help
        thread (True); otherwise it is an ordinary question (False)."""
        services = self.services
        handoff = await services.db.handoff_by_asker_thread(event["channel"], event["thread_ts"])
        if handoff is None or handoff["user_id"] != event["user"]:
            return False
        row = await self._begin(event, handoff, "to_help")
        if row is not None:
            await self.deliver(row, handoff)
        return True

    async def _begin(self, event: dict, handoff: dict, direction: str) -> dict | None:
        text = event.get("text") if isinstance(event.get("text"), str) else ""
        row = {
            "channel": event["channel"],
            "ts": event["ts"],
            "handoff_id": handoff["id"],
            "direction": direction,
            "user_id": event["user"],
            "text": text or NO_TEXT,
        }
        # the machine's clock, not the event's: it says when to try a stuck relay again
        first = await self.services.db.begin_relay(**row, now=datetime.now(UTC))
        return row if first else None

    async def deliver(self, row: dict, handoff: dict) -> bool:
        """Relay one written-down message; False (left pending, tried again later) when Slack
        could not take it."""
        if row["direction"] == "to_help":
            return await self._to_help(row, handoff)
        return await self._to_asker(row, handoff)

    async def _to_help(self, row: dict, handoff: dict) -> bool:
        services = self.services
        head = f":speech_balloon: <@{handoff['user_id']}> replied:"
        body = await self.readable(row["text"])
        blocks = [_section(head), *quoted_sections(body)]
        posted = await services.post(
            handoff["help_channel"], f"{head}\n{_quoted(body, 3000)}", blocks,
            thread_ts=handoff["help_ts"],
        )  # fmt: skip
        if not posted:
            return False
        await services.db.finish_relay(
            row["channel"], row["ts"], handoff["help_channel"], str(posted.get("ts", ""))
        )
        if row["text"] == NO_TEXT:
            return True  # nothing went through to tick
        await services.attempt(  # the asker sees it went through
            "reactions.add (forwarded)",
            services.client.reactions_add(
                channel=row["channel"], timestamp=row["ts"], name="white_check_mark"
            ),
        )
        return True

    async def _to_asker(self, row: dict, handoff: dict) -> bool:
        services = self.services
        cat = catalog(handoff["language"])
        first = handoff["answered_at"] is None
        who = f"<@{row['user_id']}>"
        question = one_line(plain_text(handoff["question"]), QUESTION_SHOWN)
        head = cat.t("relayed_answer" if first else "relayed_more", who=who, question=question)
        body = await self.readable(row["text"])
        hint = cat.t("relayed_reply_hint")
        blocks = [_section(head), *quoted_sections(body), _context(hint)]
        dm = await self._dm_channel(handoff["user_id"])
        posted = await services.post(dm, f"{head}\n{_quoted(body, 3000)}", blocks)
        if not posted:
            return False
        await services.db.finish_relay(
            row["channel"], row["ts"], str(posted.get("channel") or dm), str(posted.get("ts", ""))
        )
        if await services.db.mark_answered(handoff["id"], services.clock()):
            await self._mark_help_post(handoff)
            if handoff["origin"]:  # asked in a channel: a word there too, for their eyes only
                await services.attempt(  # ephemeral or nothing: the DM has the answer already
                    "chat.postEphemeral (answered)",
                    services.client.chat_postEphemeral(
                        channel=handoff["origin"],
                        user=handoff["user_id"],
                        text=cat.t("relayed_note"),
                    ),
                )
        await self._offer_save(handoff, row)
        return True

    async def _dm_channel(self, user: str) -> str:
        """The person's DM with the bot (its ID, so their replies there can be matched)."""
        if user in self._dm:
            return self._dm[user]
        data = await self.services.attempt(
            "conversations.open", self.services.client.conversations_open(users=user)
        )
        channel = ((data or {}).get("channel") or {}).get("id")
        if isinstance(channel, str) and channel:
            self._dm[user] = channel
            return channel
        return user  # chat.postMessage to a user ID opens the DM too

    async def _mark_help_post(self, handoff: dict) -> None:
        await self.services.attempt(
            "reactions.add",
            self.services.client.reactions_add(
                channel=handoff["help_channel"], timestamp=handoff["help_ts"], name="white_check_mark"
            ),
        )  # fmt: skip

    # -- saving an answer ------------------------------------------------------------------------

    async def _offer_save(self, handoff: dict, row: dict) -> None:
        """One "Save as answer" message per thread, kept up to date: each organizer's reply
        quoted with a button of its own, so the one saved is the one that answers (not a
        later "you're welcome")."""
        services = self.services
        replies = await services.db.organizer_replies(handoff["id"], OFFERED_REPLIES)
        question = plain_text(handoff["question"])[:QUESTION_SHOWN]
        text = (
            f"*Save a reply as the answer* to \u201c{question}\u201d? From then on I answer this "
            "question, and others like it, myself. Pick the reply that answers it:"
        )
        blocks = [_section(text, verbatim=True)]
        for reply in replies:
            value = json.dumps({"c": reply["channel"], "t": reply["ts"]})
            blocks.append(
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": _quoted(await self.readable(reply["text"]), REPLY_SHOWN),
                        "verbatim": True,
                    },
                    "accessory": button("Save this one", SAVE_ACTION, value, style="primary"),
                }
            )
        fresh = await services.db.handoff(handoff["id"])
        if fresh and fresh["offer_ts"]:
            await services.attempt(
                "chat.update",
                services.client.chat_update(
                    channel=handoff["help_channel"], ts=fresh["offer_ts"], text=text, blocks=blocks
                ),
            )
            return
        posted = await services.post(
            handoff["help_channel"], text, blocks, thread_ts=handoff["help_ts"]
        )
        if posted and isinstance(posted.get("ts"), str):
            await services.db.set_offer(handoff["id"], posted["ts"])

    async def on_save(self, user: str, channel: str | None, value: str, respond=None) -> None:
        """The "Save as answer" button: organizers only."""
        services = self.services
        if not await self.is_organizer(user):
            await services.post_private(
                channel, user, "Only organizers (members of the help channel) can save answers.",
                respond=respond,
            )  # fmt: skip
            return
        try:
            where = json.loads(value)
            source = (str(where["c"])[:40], str(where["t"])[:40])
        except (ValueError, KeyError, TypeError):
            return
        message = await services.db.relayed_message(*source)
        handoff = await services.db.handoff(message["handoff_id"]) if message else None
        if message is None or handoff is None:
            await services.post_private(
                channel, user, "That reply is no longer known.", respond=respond
            )
            return
        answer_id = await services.db.save_answer(
            as_typed(handoff["question"]),
            unescape(await self.readable(message["text"])),
            language=handoff["language"],
            handoff_id=handoff["id"],
            source=source,
            saved_by=user,
            now=services.clock(),
        )
        done = (
            f":floppy_disk: Saved by <@{user}> as answer #{answer_id}: I answer this question "
            "myself from now on. Edit the reply and the answer follows; "
            f"`confbot faq show {answer_id}` shows it."
        )
        if handoff["offer_ts"]:
            await services.attempt(
                "chat.update",
                services.client.chat_update(
                    channel=handoff["help_channel"], ts=handoff["offer_ts"], text=done,
                    blocks=[_section(done)],
                ),
            )  # fmt: skip
        else:
            await services.post_private(channel, user, done, respond=respond)
        await self._answer_the_same_question(answer_id, handoff["id"])

    async def _answer_the_same_question(self, answer_id: int, handoff_id: int) -> int:
        """Others who handed over the same question (their own posts, still open) get the
        saved answer too, as the bot now gives it to them: each told in a DM, each post
        marked answered. Returns how many were told."""
        services = self.services
        saved = await services.db.saved_answer(answer_id)
        now = services.clock()
        open_ones = [
            h
            for h in await services.db.open_handoffs(now - SAME_QUESTION_WINDOW)
            if h["id"] != handoff_id
        ]
        if saved is None or not open_ones:
            return 0

        def answered_by_it(h: dict) -> bool:
            answer = services.concierge.ask(h["question"], now, record=False)
            return answer.confident and answer.intent == "faq" and answer.title == saved["question"]

        told = 0
        for h in open_ones:
            if not await services.event_db.call(answered_by_it, h):
                continue
            cat = catalog(h["language"])
            head = cat.t("relayed_from_digest", question=one_line(plain_text(h["question"]), 300))
            shown = escape_user_text(saved["answer"])
            blocks = [_section(head, verbatim=True), *quoted_sections(shown)]
            text = f"{head}\n{_quoted(shown, 3000)}"
            if await services.post(await self._dm_channel(h["user_id"]), text, blocks) is None:
                continue  # still open: the next save, or the digest, tries again
            if await services.db.mark_answered(h["id"], now):
                await self._mark_help_post(h)
                note = f":floppy_disk: Answered with saved answer #{answer_id}; sent to <@{h['user_id']}>."
                await services.post(h["help_channel"], note, thread_ts=h["help_ts"])
            told += 1
        return told

    async def on_edit(self, event: dict) -> None:
        """A help-thread reply was edited: what was saved from it follows."""
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        ts, text = message.get("ts"), message.get("text")
        if not isinstance(ts, str) or not isinstance(text, str):
            return
        channel = event["channel"]
        if await self.services.db.edit_relayed(channel, ts, text):
            await self.services.db.edit_saved_from_source(
                channel, ts, as_typed(text), self.services.clock()
            )

    async def on_delete(self, event: dict) -> None:
        """A help-thread reply was deleted: an answer saved from it goes too."""
        ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if isinstance(ts, str) and await self.services.db.delete_saved_from_source(
            event["channel"], ts
        ):
            log.info("a saved answer went with its deleted Slack message")

    # -- what Slack did not take -----------------------------------------------------------------

    async def retry_pending(self) -> int:
        """Relays left pending (Slack down, the DM refused): one more try each."""
        services = self.services
        rows = await services.db.claim_stale_relays(datetime.now(UTC))
        sent = 0
        for row in rows:
            handoff = await services.db.handoff(row["handoff_id"])
            if handoff is not None and await self.deliver(row, handoff):
                sent += 1
        if rows:
            log.info("relays tried again: %d of %d sent", sent, len(rows))
        return sent
