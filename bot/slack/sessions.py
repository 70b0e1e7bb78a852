"""Sessions in Slack: lists five at a time with *More*, each session with *Remind me* and
*Add to calendar*; calendar files (.ics) sent in the DM; App Home's *My calendar*.

Pages are not stored: *More* carries the question and where the next page starts, and asks
again (the same code path as the first answer), so a restart in between changes nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp

from bot import ics
from bot.answers import Answer, Context
from bot.answers import sessions as session_answers
from bot.importers.common import slug
from bot.models import EventData, ScheduleItem
from bot.slack.blocks import SECTION_LIMIT, answer_blocks, button, slack_dates
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)

PAGE = session_answers.PAGE
LIST, ONE = "sessions", "session"  # the answers' intents


def blocks_for(
    services: SlackServices,
    answer: Answer,
    question: str,
    zone: ZoneInfo | None,
    now: datetime,
    offset: int = 0,
) -> list[dict] | None:
    """Block Kit for a session answer (a list, or one session), or None for any other."""
    if answer.intent not in {LIST, ONE} or not answer.items:
        return None
    data = services.store.load_event_data()
    if data is None:
        return None
    ctx = Context(data, now, zone, answer.language, slack_dates)
    by_id = {i.id: i for i in [*data.schedule, *data.unscheduled]}
    feedback = answer_blocks(answer, question)[-1:]  # 👍 / 👎 / Ask a human, as everywhere
    if answer.intent == ONE:
        blocks = answer_blocks(answer, question)[:-1]
        item = by_id.get(answer.items[0])
        if item is not None and item.start is not None:
            blocks.append(_buttons(ctx, item))
        return blocks + feedback
    header = answer.text.split("\n• ", 1)[0]
    blocks = [_section(header)]
    page = [by_id[i] for i in answer.items[offset : offset + PAGE] if i in by_id]
    for item in page:
        blocks.append(_section(session_answers.line(ctx, item)))
        if item.start is not None:  # no time yet: nothing to remind of or put in a calendar
            blocks.append(_buttons(ctx, item))
    rest = len(answer.items) - offset - len(page)
    if rest > 0:
        value = json.dumps({"q": question[:1500], "o": offset + PAGE}, ensure_ascii=False)
        more = f"{ctx.t('button_more')} ({rest})"
        blocks.append({"type": "actions", "elements": [button(more, "sessions_more", value)]})
    return blocks + feedback


def _section(text: str) -> dict:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _buttons(ctx: Context, item: ScheduleItem) -> dict:
    return {
        "type": "actions",
        "elements": [
            button(ctx.t("button_remind_me"), "remind_me", item.id),
            button(ctx.t("button_add_to_calendar"), "add_to_calendar", item.id),
        ],
    }


def home_blocks(services: SlackServices, user: str) -> list[dict]:
    """App Home: *My calendar* once the person has asked to be reminded of something."""
    if not services.store.personal_reminders(user):
        return []
    return [
        {
            "type": "actions",
            "elements": [button("My calendar (.ics)", "my_calendar", user)],
        },
        {"type": "divider"},
    ]


async def send_calendar(
    services: SlackServices, user: str, data: EventData, items: list[ScheduleItem], title: str
) -> bool:
    """One .ics file in the person's DM with the bot (files.uploadV2)."""
    content = ics.calendar(data, items, f"{data.event.name}: {title}", services.clock())
    ctx = Context(data, services.clock())
    opened = await services.attempt(
        f"conversations.open for {user}", services.client.conversations_open(users=user)
    )
    channel = ((opened or {}).get("channel") or {}).get("id") or user
    sent = await services.attempt(
        f"files.uploadV2 for {user}",
        services.client.files_upload_v2(
            channel=channel,
            content=content,
            filename=f"{slug(title)}.ics",
            title=title,
            initial_comment=ctx.t("calendar_comment", title=title),
        ),
    )
    return sent is not None


def _where(body: dict) -> tuple[str, str | None]:
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return user, channel


def register(app: AsyncApp, services: SlackServices) -> None:
    @app.action("sessions_more")
    async def on_more(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel = _where(body)
        try:
            value = json.loads(action.get("value") or "{}")
            question, offset = str(value.get("q", ""))[:1500], max(0, int(value.get("o", 0)))
        except (ValueError, TypeError, AttributeError):
            return
        zone = await services.zones.zone(user)  # outside the work slots
        now = services.clock()

        def page() -> tuple[Answer, list[dict] | None]:  # on event_db's thread
            answer = services.concierge.ask(
                question, now, asker_zone=zone, user_id=user, record=False, markup=slack_dates
            )
            return answer, blocks_for(services, answer, question, zone, now, offset)

        async with services.work:
            answer, blocks = await services.event_db.call(page)
        if blocks is None:
            return
        if channel:
            await services.post_private(channel, user, answer.text, blocks, respond=respond)
        else:  # App Home: in the DM
            await services.post(user, answer.text, blocks)

    @app.action("add_to_calendar")
    async def on_add_to_calendar(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user, channel = _where(body)
        data = await services.event_db.call(services.store.load_event_data)
        if data is None:
            return
        item_id = str(action.get("value", ""))
        item = next((i for i in [*data.schedule, *data.unscheduled] if i.id == item_id), None)
        if item is None:
            return
        ctx = Context(data, services.clock())
        if item.start is None:
            await services.post_private(channel, user, ctx.t("calendar_no_time"), respond=respond)
            return
        if not await send_calendar(services, user, data, [item], ics.item_title(item)):
            await services.post_private(channel, user, ctx.t("calendar_failed"), respond=respond)

    @app.action("my_calendar")
    async def on_my_calendar(ack, body: dict, respond) -> None:
        await ack()
        user, channel = _where(body)

        def mine() -> tuple[EventData | None, list[ScheduleItem]]:  # on event_db's thread
            data = services.store.load_event_data()
            return data, (ics.for_person(services.store, data, user) if data else [])

        data, items = await services.event_db.call(mine)
        if data is None:
            return
        ctx = Context(data, services.clock())
        if not items:
            await services.post_private(channel, user, ctx.t("calendar_none"), respond=respond)
            return
        title = ctx.t("button_my_calendar")
        if not await send_calendar(services, user, data, items, title):
            await services.post_private(channel, user, ctx.t("calendar_failed"), respond=respond)
