"""`confbot serve --workers N`: N serving processes on one port, one machine's cores.

One Python process answers on one core (the GIL). Here a small supervisor starts N copies of
`confbot serve` that all listen on the same port (SO_REUSEPORT: the kernel spreads incoming
connections among them), restarts one that dies, and stops them all on SIGTERM or Ctrl-C.
They share the database: deliveries already handled, claims and the reminder ledger are in
SQLite, and the reminder lease lets exactly one of them post reminders.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

EARLY_EXIT = 5.0  # seconds: a worker that dies this soon failed to start; do not loop on it
RESTART_PAUSE = 1.0


def worker_count(text: str) -> int:
    """``--workers``: a number of processes, or 'auto' for one per core."""
    if text == "auto":
        return max(1, os.cpu_count() or 1)
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise ValueError(f"--workers: '{text}' is not a number of processes (1 to 64) or 'auto'")
    return int(text)


def supervise(n: int, command: Sequence[str]) -> int:
    """Run ``command`` (a `confbot serve` that sets SO_REUSEPORT) n times until stopped.
    Returns the exit code for the supervisor itself."""
    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    started: dict[int, tuple[subprocess.Popen, float]] = {}
    code = 0
    try:
        for slot in range(n):
            started[slot] = (_start(command), time.monotonic())
        log.info("started %d serve workers sharing the port", n)
        while not stopping:
            time.sleep(0.2)
            for slot, (proc, since) in list(started.items()):
                if proc.poll() is None:
                    continue
                if time.monotonic() - since < EARLY_EXIT:  # it says why on stderr
                    code, stopping = proc.returncode or 1, True
                    break
                log.warning("serve worker %d exited (%s): starting it again", slot, proc.returncode)
                time.sleep(RESTART_PAUSE)
                started[slot] = (_start(command), time.monotonic())
    finally:
        for proc, _ in started.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in started.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code


def _start(command: Sequence[str]) -> subprocess.Popen:
    # Workers ignore Ctrl-C themselves: the supervisor passes on one SIGTERM to each.
    return subprocess.Popen(
        list(command),
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )


def serve_command(db: str, now: str | None, demo_clock: bool, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "bot", "--db", db, "serve", *extra]
    if now:
        command += ["--now", now]
    if demo_clock:
        command.append("--demo-clock")
    return command


def worker_command(db: str, now: str | None, demo_clock: bool) -> list[str]:
    """The `confbot serve` each worker runs."""
    return serve_command(db, now, demo_clock, "--reuse-port")


def back_command(
    db: str, now: Callable[[], str | None], demo_clock: bool
) -> Callable[[str], list[str]]:
    """How a front starts its work process (bot.slack.relay), given the socket path; the
    clock is read at each start, so a restarted work process keeps the front's time."""
    return lambda socket_path: serve_command(db, now(), demo_clock, "--back", socket_path)
