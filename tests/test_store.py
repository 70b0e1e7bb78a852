import sqlite3
from datetime import timedelta

import pytest

from bot.importers import SAMPLE_EVENT, load_file
from bot.store import MIGRATIONS, Store, StoreError, fts_query
from tests.conftest import vegas


def test_new_database_is_migrated_and_in_wal_mode(tmp_path):
    store = Store(tmp_path / "a.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.is_empty()
    store.close()
    again = Store(tmp_path / "a.db")  # reopening applies nothing twice
    assert again.schema_version == len(MIGRATIONS)


def test_round_trip_keeps_times_zone_aware(sample_db):
    data = sample_db.load_event_data()
    assert data.event.name == "AWS re:Invent 2023"
    moments = [m.start for m in data.meals] + [s.start for s in data.schedule]
    moments += [t.first_run for t in data.transport]
    assert moments and all(m.tzinfo is not None for m in moments)
    werner = next(s for s in data.schedule if s.speaker == "Werner Vogels")
    assert werner.start == vegas("2023-11-30T08:30")


def test_loading_twice_leaves_the_same_data(sample_db):
    before = sample_db.counts()
    load_file(sample_db, SAMPLE_EVENT)
    assert sample_db.counts() == before


def test_revision_changes_on_every_load_and_refreshes_the_cache(sample_db):
    first = sample_db.load_event_data()
    revision = sample_db.revision()
    assert sample_db.load_event_data() is first  # cached
    load_file(sample_db, SAMPLE_EVENT)
    assert sample_db.revision() == revision + 1
    assert sample_db.load_event_data() is not first


@pytest.mark.parametrize(
    "text",
    ['"', "werner AND", "NEAR(a b)", "col:value", "-x", "*", "a OR OR b", "'); DROP TABLE faq;--"],
)
def test_search_is_safe_against_fts_syntax(sample_db, text):
    sample_db.search(text)  # must not raise
    assert all(part.startswith('"') for part in fts_query(text).split(" OR ") if part)


def test_search_ranks_the_matching_record_first(sample_db):
    doc_type, doc_id, _ = sample_db.search("werner vogels")[0]
    assert (doc_type, doc_id) == ("schedule", "keynote-werner")


def test_unanswered_groups_and_orders_by_frequency(fresh_db):
    t = vegas("2023-11-28T10:00")
    for i in range(3):
        fresh_db.record_unanswered(
            "Is there wifi?", "is there wifi", t + timedelta(minutes=i), "", "en"
        )
    fresh_db.record_unanswered("주차장 어디?", "주차장 어디", t, "", "ko")
    rows = fresh_db.unanswered()
    assert [r["times"] for r in rows] == [3, 1]
    assert rows[0]["example"] == "Is there wifi?"
    assert fresh_db.unanswered(since=t + timedelta(minutes=2))[0]["times"] == 1


def test_read_only_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "ro.db"
    Store(path).close()
    store = Store(f"file:{path}?mode=ro")
    with pytest.raises(StoreError, match="read-only"):
        store.record_unanswered("x", "x", vegas("2023-11-28T10:00"), "", "en")


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer confbot"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)
