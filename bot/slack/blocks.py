"""Block Kit builders: answers, App Home. Pure functions of their inputs."""

from __future__ import annotations

import json
from datetime import datetime

from bot.answers import Answer

SECTION_LIMIT = 2900  # Slack allows 3,000 characters in a section
VALUE_LIMIT = 1900  # and 2,000 in a button's value


def slack_dates(moments: list[tuple[datetime, str]], event_text: str, label: str) -> str:
    """The event's time, then each reader's own through <!date^…> tokens (a Markup for
    bot.lang.format): Slack renders them in the reader's zone, the plain text is the
    fallback for clients that cannot."""
    tokens = " - ".join(f"<!date^{int(m.timestamp())}^{{time}}|{plain}>" for m, plain in moments)
    return f"{event_text} ({tokens} {label})"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    b = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value[:VALUE_LIMIT],
    }
    if style:
        b["style"] = style
    return b


def feedback_value(question: str, intent: str) -> str:
    """The question behind an answer's buttons (a button's value holds 2,000 characters: a
    longer question goes cut, and says so)."""
    if len(question) > 1500:
        question = question[:1499] + "…"
    return json.dumps({"q": question, "i": intent}, ensure_ascii=False)


def answer_blocks(answer: Answer, question: str) -> list[dict]:
    """The answer, buttons for its suggestions, and 👍 / 👎 / Ask a human."""
    blocks: list[dict] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": _truncate(answer.text, SECTION_LIMIT)},
        }
    ]
    if answer.suggestions:
        blocks.append(
            {
                "type": "actions",
                "block_id": "suggestions",
                "elements": [
                    button(s[:75], f"ask_example_{n}", s)
                    for n, s in enumerate(answer.suggestions[:3])
                ],
            }
        )
    if answer.intent == "thanks":  # "you're welcome" needs no 👍 nor a human
        return blocks
    value = feedback_value(question, answer.intent)
    blocks.append(
        {
            "type": "actions",
            "block_id": "feedback",
            "elements": [
                button("👍", "feedback_up", value),
                button("👎", "feedback_down", value),
                button("Ask a human", "ask_human", value),
            ],
        }
    )
    return blocks


def home_view(
    event_name: str,
    sections: list[tuple[str, str]],
    extra: list[dict] | None = None,
    questions: list[str] | None = None,
) -> dict:
    """App Home: a header, what is on today and next, and buttons for common questions."""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": _truncate(event_name, 150)}}
    ]
    for title, text in sections:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _truncate(f"*{title}*\n{text}", SECTION_LIMIT)},
            }
        )
        blocks.append({"type": "divider"})
    blocks.extend(extra or [])
    blocks.append(
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Ask me*: send me a message any time, in English or Korean.",
            },
        }
    )
    questions = questions or []  # built from the loaded event: every one answerable
    for start in range(0, len(questions), 3):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button(q[:75], f"ask_example_{start + n}", q)
                    for n, q in enumerate(questions[start : start + 3])
                ],
            }
        )
    return {"type": "home", "blocks": blocks}
