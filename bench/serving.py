"""What the HTTP benchmarks share: a database with promo codes and `confbot serve` on it,
talking to a fake Slack; and the bare floor endpoint, started the same way."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

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


async def serve_with_codes(path: Path, prefix: str, n: int, args: tuple[str, ...] = ()):
    """Load the sample event and n codes into a fresh database, start a fake Slack and a
    `confbot serve` process on it. Returns (fake, server, harness); stop both when done."""
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import ServeProcess

    prepare(path, prefix, n)
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(str(path), fake, args=args)
    return fake, server, await server.start()


async def start_floor(path: Path):
    """The bare floor (bench.floor) as a process, like `confbot serve`. Returns (fake,
    server, harness) in the same shape."""
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import ServeProcess

    class FloorProcess(ServeProcess):
        def command(self, port: int) -> list[str]:
            return [sys.executable, "-m", "bench.floor", str(port)]

    fake = FakeSlack()
    await fake.start()
    server = FloorProcess(str(path), fake)
    return fake, server, await server.start()
