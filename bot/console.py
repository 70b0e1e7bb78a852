"""The terminal surface: a conversation with the bot on the same path Slack uses."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.answers import Answer, Concierge
from bot.clock import Clock, fmt_day, fmt_time
from bot.lang import catalog, detect
from bot.models import Event
from bot.slack.handoff import handoff_request
from bot.store import StoreError
from bot.terminal import render, wants_style
from bot.understanding.normalize import normalize

with contextlib.suppress(ImportError):  # arrow keys and history; not on every platform
    import readline  # noqa: F401


class Asker:
    """Asks the concierge, recording each question (for `confbot stats` and `unanswered`)
    while the database takes writes. A read-only database still answers: one warning, then
    nothing more is recorded."""

    def __init__(self, concierge: Concierge, warnings: TextIO | None = None):
        self.concierge = concierge
        self.warnings = warnings
        self.recording = True

    def __call__(
        self, text: str, now: datetime, asker_zone: ZoneInfo | None, user_id: str
    ) -> Answer:
        if handoff_request(text) is not None:  # "human": Slack's hand-off, nobody here
            language = detect(normalize(text))
            return Answer(
                catalog(language).t("handoff_console"), "handoff", False, language=language
            )
        if self.recording:
            try:
                return self.concierge.ask(text, now, asker_zone=asker_zone, user_id=user_id)
            except StoreError as exc:  # read-only, or locked or full for longer than we wait
                self.recording = False
                print(
                    f"confbot: warning: {exc}. Answering anyway, without recording questions.",
                    file=self.warnings or sys.stderr,
                )
        return self.concierge.ask(text, now, asker_zone=asker_zone, user_id=user_id, record=False)


def banner(event: Event, now, demo: bool, asker_zone: ZoneInfo | None) -> str:
    lines = [
        f"confbot: {event.name}, {fmt_day(event.first_day)} to {fmt_day(event.last_day)} ({event.tz})"
    ]
    clock = f"{fmt_day(now.date())}, {fmt_time(now, event.zone, asker_zone)}"
    if demo:
        lines.append(
            f"Demo clock: today is outside the event, so it is {clock} here (set it with --now)."
        )
    else:
        lines.append(f"It is {clock}.")
    lines.append("Ask anything, in English or Korean. 'help' for ideas; Ctrl-D to leave.")
    return "\n".join(lines)


def run_console(
    concierge: Concierge,
    event: Event,
    clock: Clock,
    demo: bool,
    asker_zone: ZoneInfo | None,
    *,
    stdin=None,
    stdout=None,
) -> int:
    out = stdout or sys.stdout
    styled = wants_style(out)
    ask = Asker(concierge)
    source = stdin or sys.stdin
    interactive = stdin is None and source is not None and source.isatty()
    print(banner(event, clock(), demo, asker_zone), file=out)
    if source is None:  # started with stdin closed: nothing to read
        return 0
    while True:
        try:
            if interactive:
                line = input("you> ")
            else:
                line = source.readline()
                if not line:
                    break
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            break
        line = line.strip()
        if not line:
            continue
        if line.lower() in {"quit", "exit", "bye"}:
            break
        answer = ask(line, clock(), asker_zone, "console")
        print(f"bot> {render(answer.text, styled=styled)}\n", file=out)
    return 0
