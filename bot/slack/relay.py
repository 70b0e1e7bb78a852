"""`confbot serve` in HTTP mode is two processes: a front that acknowledges, a back that works.

One Python process runs on one core: there, in a burst, every acknowledgement took turns
with the work after earlier ones (answers, Web API calls, bolt's own dispatch), and acks
slowed to the pace of the work. So the front process only checks signatures, answers what
must be answered in the ack (a claim, Slack's URL check) and hands everything else, as it
came, to the back process over a local socket; the back dispatches it through bolt and does
the work, at a lower CPU priority, and runs the reminders. Acks go at nearly the pace of a
bare endpoint, and the work follows.

If the back is not there (starting, or restarting after a crash), the front does the work
itself: slower in a burst, nothing lost. When the front dies, so does the back (Linux:
PR_SET_PDEATHSIG; elsewhere it stops when the socket closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import struct
import subprocess
import tempfile
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

NICENESS = 10  # the back yields the CPU to the front (and to anything else that acks)
RESTART_PAUSE = 1.0
_LENGTHS = struct.Struct(">II")  # the head's length, the body's
_FORWARDED = {"content-type", "x-slack-retry-num", "x-slack-retry-reason"}
_COUNT = struct.Struct(">I")  # requests taken since the last count
Dispatch = Callable[[str, str, dict[str, str]], Awaitable[None]]


def _die_with_parent() -> None:
    """In the back, before exec: be killed when the front dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the front; it stops us
    with contextlib.suppress(Exception):  # Linux only; elsewhere the closed socket does it
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Relay:
    """The front's end: starts the back, keeps a connection to it, restarts it if it dies.

    The back says how many requests it has taken; those sent and not yet taken when it
    dies (still in the socket) are done by the front itself, like those that come while
    it is away (``fallback``). The deliveries already seen (SQLite) keep any from being
    done twice."""

    def __init__(self, command: Callable[[str], Sequence[str]]):
        self.command = command  # socket path -> the back's command line
        self.fallback: Dispatch | None = None  # does a request here, in the front
        self.folder = tempfile.mkdtemp(prefix="confbot-")
        self.path = str(Path(self.folder) / "back.sock")
        self.proc: subprocess.Popen | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._untaken: deque[tuple[str, str, dict[str, str]]] = deque()
        self._outgoing: list[bytes] = []
        self._stopping = False
        self._watch: asyncio.Task | None = None

    @property
    def up(self) -> bool:
        return self._writer is not None and not self._writer.is_closing()

    async def start(self, wait: float = 60.0) -> None:
        """Start the back and wait until it takes requests (or ``wait`` seconds: the front
        serves anyway, doing the work itself until the back is up)."""
        self._watch = asyncio.ensure_future(self._keep_running())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not self.up and loop.time() < deadline and not self._watch.done():
            await asyncio.sleep(0.05)

    async def _keep_running(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self.proc = subprocess.Popen(
                list(self.command(self.path)), stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
            )
            await self._connect()
            code = await loop.run_in_executor(None, self.proc.wait)
            self._gone()
            if not self._stopping:
                log.warning("the work process exited (%s): starting it again", code)
                await asyncio.sleep(RESTART_PAUSE)

    async def _connect(self) -> None:
        for _ in range(600):  # it imports and opens the database first: up to a minute
            if self._stopping or self.proc.poll() is not None:
                return
            try:
                reader, self._writer = await asyncio.open_unix_connection(self.path)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            asyncio.ensure_future(self._count_taken(reader))
            log.info("the work process is up (pid %s)", self.proc.pid)
            return

    async def _count_taken(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                (taken,) = _COUNT.unpack(await reader.readexactly(_COUNT.size))
                for _ in range(min(taken, len(self._untaken))):
                    self._untaken.popleft()
        self._gone()

    def _gone(self) -> None:
        """The back is gone: what it had not taken yet, the front does."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        untaken, self._untaken = self._untaken, deque()
        if untaken and self.fallback is not None and not self._stopping:
            log.warning("the work process left %d requests untaken: doing them here", len(untaken))
            for request in untaken:
                asyncio.ensure_future(self.fallback(*request))

    def send(self, body: str, query: str, headers: dict[str, str]) -> bool:
        """Hand one acknowledged request to the back; False when it is not there.

        Only what bolt reads goes along (the body as it came, the content type, Slack's
        retry headers), framed as lengths and bytes: no JSON encoding of the body."""
        if not self.up:
            return False
        kept = {k: v for k, v in headers.items() if k.lower() in _FORWARDED}
        head = json.dumps([query, kept]).encode()
        data = body.encode()
        if not self._outgoing:  # one write (one system call) per turn of the loop, not each
            asyncio.get_running_loop().call_soon(self._flush)
        self._outgoing += [_LENGTHS.pack(len(head), len(data)), head, data]
        self._untaken.append((body, query, kept))
        return True

    def _flush(self) -> None:
        outgoing, self._outgoing = self._outgoing, []
        if self.up:
            self._writer.write(b"".join(outgoing))
        # else: the back is gone; _gone() hands what it had not taken to the fallback

    async def stop(self, timeout: float = 15.0) -> None:
        """Let the back finish its work (it stops at the end of the socket), then reap it."""
        self._stopping = True
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
                await self._writer.wait_closed()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(
                    asyncio.get_running_loop().run_in_executor(None, self.proc.wait), timeout
                )
            except TimeoutError:
                self.proc.kill()
        if self._watch is not None:
            self._watch.cancel()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
            os.rmdir(self.folder)


def yield_the_cpu(*threads_to_yield) -> None:
    """In the back: the event loop's thread (this one) and ``threads_to_yield`` (StoreThreads)
    run at a lower priority, so the front's acknowledgements go first. The thread that writes
    to the database does not: it holds the write lock, and a claim in the front waits for
    it; a writer left waiting for the CPU would make the claim wait too (Linux sets the
    priority of each thread; elsewhere it is the whole process, which only costs that)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, 0, NICENESS)
    for thread in threads_to_yield:
        thread.submit(os.setpriority, os.PRIO_PROCESS, 0, NICENESS)


async def serve_back(path: str, dispatch: Dispatch, stopped: asyncio.Event) -> None:
    """The back's end: take requests from the front until it goes (or SIGTERM), telling it
    how many were taken (in batches: one small write per burst, not per request)."""

    async def take(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pending = b""
        try:
            while chunk := await reader.read(1 << 16):
                pending += chunk
                taken = 0
                while len(pending) >= _LENGTHS.size:  # every whole request in what came
                    head, size = _LENGTHS.unpack_from(pending)
                    end = _LENGTHS.size + head + size
                    if len(pending) < end:
                        break
                    query, headers = json.loads(pending[_LENGTHS.size : _LENGTHS.size + head])
                    await dispatch(pending[end - size : end].decode(), query, headers)
                    pending, taken = pending[end:], taken + 1
                if taken:
                    writer.write(_COUNT.pack(taken))
        except ConnectionError:
            pass  # the front closed the socket: it is stopping, or gone
        except asyncio.CancelledError:
            return  # shutting down (SIGTERM): nothing more to take
        finally:
            writer.close()
            stopped.set()

    server = await asyncio.start_unix_server(take, path)
    try:
        await stopped.wait()
    finally:
        server.close()
