"""Shared fixtures: a fresh database file, the sample event, and a fixed event clock."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answers import Concierge
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store

VEGAS = ZoneInfo("America/Los_Angeles")
SEOUL = ZoneInfo("Asia/Seoul")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def vegas(text: str) -> datetime:
    """An event-time moment from 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=VEGAS)


# What a promo code in these tests looks like, and the test tokens.
CODE_LIKE = re.compile(r"\b(?:AWS25|AWS|BLD|HTTP|BENCH|CODE|NEW-CODE|RPL|MIX|C)-\d{4,}(?:-XYZ)?\b")


@pytest.fixture(autouse=True)
def nothing_secret_escapes(caplog):
    """After every test: no token, signing secret or promo code in anything logged, and no
    promo code in any message posted to a channel."""
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import SECRET, TOKEN

    caplog.set_level(logging.DEBUG)
    FakeSlack.instances.clear()
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")  # teardown starts afresh
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in records)
    assert TOKEN not in logged and SECRET not in logged, "a token reached the logs"
    assert not CODE_LIKE.search(logged), (
        f"a promo code reached the logs: {CODE_LIKE.search(logged).group(0)}"
    )
    for fake in FakeSlack.instances:
        for call in fake.of("chat.postMessage"):
            if str(call.params.get("channel", "")).startswith(("C", "G")):
                assert not CODE_LIKE.search(json.dumps(call.params)), (
                    "a promo code was posted in a channel"
                )


@pytest.fixture
def fresh_db(tmp_path) -> Store:
    store = Store(tmp_path / "confbot.db")
    yield store
    store.close()


@pytest.fixture
def sample_db(fresh_db) -> Store:
    load_file(fresh_db, SAMPLE_EVENT)
    return fresh_db


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Store:
    """One sample database shared by the read-only answer tests (fast)."""
    store = Store(tmp_path_factory.mktemp("sample") / "confbot.db")
    load_file(store, SAMPLE_EVENT)
    return store


@pytest.fixture(scope="session")
def concierge(sample_store) -> Concierge:
    return Concierge(sample_store)
