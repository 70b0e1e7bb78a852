"""What the HTTP benchmarks share: a database with promo codes and `confbot serve` on it,
talking to a fake Slack; and the bare floor endpoint, started the same way."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store


def prepare(path: Path, prefix: str, n: int) -> None:
    """The sample event and n promo codes in a fresh database."""
    store = Store(path)
    load_file(store, SAMPLE_EVENT)
    store.import_codes(
        f"bench-{prefix.lower()}",
        [f"{prefix}-{i:07d}" for i in range(n)],
        datetime(2000, 1, 1, tzinfo=UTC),
    )
    store.close()


class FakeProcess:
    """The fake Slack Web API as a process of its own (tests.fake_slack), at a low CPU
    priority. In the load generator's process, its answers to the bot's calls would slow the
    sending down, for `confbot serve` and not for the floor (which calls nothing); and at
    full priority it would take the CPU from the process under test, where in production
    Slack's servers are not on our cores at all."""

    def __init__(self) -> None:
        self.url = ""
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> str:
        root = Path(__file__).resolve().parent.parent
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fake_slack", cwd=root,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            preexec_fn=lambda: os.nice(10),
        )  # fmt: skip
        self.url = (await self.proc.stdout.readline()).decode().strip()
        return self.url

    @property
    def response_url(self) -> str:
        return self.url.replace("/api/", "/response/T1B1")

    async def counts(self) -> dict[str, int]:
        url = self.url.replace("/api/", "/_counts")
        async with aiohttp.ClientSession() as session, session.get(url) as r:
            return await r.json()

    async def wait_for(self, method: str, count: int, timeout: float = 300.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (await self.counts()).get(method, 0) < count:
            if loop.time() > deadline:
                raise AssertionError(f"{method}: fewer than {count} calls in {timeout} s")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.stdin.close()
            await self.proc.wait()


async def serve_with_codes(path: Path, prefix: str, n: int, args: tuple[str, ...] = ()):
    """Load the sample event and n codes into a fresh database, start a fake Slack and a
    `confbot serve` process on it. Returns (fake, server, harness); stop both when done."""
    from tests.slack_harness import ServeProcess

    prepare(path, prefix, n)
    fake = FakeProcess()
    await fake.start()
    server = ServeProcess(str(path), fake, args=args)
    return fake, server, await server.start()


async def start_floor(path: Path):
    """The bare floor (bench.floor) as a process, like `confbot serve`. Returns (fake,
    server, harness) in the same shape."""
    from tests.slack_harness import ServeProcess

    class FloorProcess(ServeProcess):
        def command(self, port: int) -> list[str]:
            return [sys.executable, "-m", "bench.floor", str(port)]

    fake = FakeProcess()
    await fake.start()
    server = FloorProcess(str(path), fake)
    return fake, server, await server.start()
