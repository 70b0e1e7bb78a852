"""What the HTTP benchmarks share: a database with promo codes and `confbot serve` on it,
talking to a fake Slack."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store


async def serve_with_codes(path: Path, prefix: str, n: int):
    """Load the sample event and n codes into a fresh database, start a fake Slack and a
    `confbot serve` process on it. Returns (fake, server, harness); stop both when done."""
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import ServeProcess

    store = Store(path)
    load_file(store, SAMPLE_EVENT)
    store.import_codes(
        f"bench-{prefix.lower()}",
        [f"{prefix}-{i:07d}" for i in range(n)],
        datetime(2000, 1, 1, tzinfo=UTC),
    )
    store.close()
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(str(path), fake)
    return fake, server, await server.start()
