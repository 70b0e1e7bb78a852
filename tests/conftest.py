"""Shared fixtures: a fresh database file, the sample event, and a fixed event clock."""

from __future__ import annotations

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
