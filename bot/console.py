"""The terminal surface: a conversation with the bot on the same path Slack uses."""

from __future__ import annotations

import contextlib
import sys
from zoneinfo import ZoneInfo

from bot.answers import Concierge
from bot.clock import Clock, fmt_day, fmt_time
from bot.models import Event

with contextlib.suppress(ImportError):  # arrow keys and history; not on every platform
    import readline  # noqa: F401


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
    interactive = stdin is None and sys.stdin.isatty()
    source = stdin or sys.stdin
    print(banner(event, clock(), demo, asker_zone), file=out)
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
        answer = concierge.ask(line, clock(), asker_zone=asker_zone, user_id="console")
        print(f"bot> {answer.text}\n", file=out)
    return 0
