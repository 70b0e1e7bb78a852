"""A large load commits in short batches the server's writes slip in between, and swaps the
new event in at once: readers see the old event or the new one, never a mix; a load that
dies leaves nothing a later load keeps; two loads at once never merge."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.models import Faq, ScheduleItem
from bot.store import Store, StoreError
from bot.store import staging as staging_module
from bot.store.staging import StagedLoad
from tests.conftest import vegas

NOW = vegas("2023-11-28T10:00")


def bigger(store: Store, n: int):
    """The loaded event plus n schedule items and n FAQ entries."""
    data = store.load_event_data()
    data = replace(data, schedule=list(data.schedule), faq=list(data.faq))
    start = vegas("2023-11-28T09:00")
    for i in range(n):
        data.schedule.append(
            ScheduleItem(
                f"gen-{i}", "sessions", f"Deep dive {i}", start + timedelta(minutes=i % 600)
            )
        )
        data.faq.append(Faq(f"gen-faq-{i}", f"Question {i}?", f"Answer {i}.", (f"kw{i}",)))
    return data


def test_a_large_load_lets_other_writers_in_and_readers_never_see_a_mix(sample_db, tmp_path):
    """60,000 rows take well over a second to write; in one transaction a writer that waits
    at most a second for the lock would fail. Staged, every one of its writes gets in."""
    data = bigger(sample_db, 30_000)
    before = sample_db.counts()
    after = {**before, "schedule": len(data.schedule), "faq": len(data.faq)}
    writer, reader = Store(sample_db.path, timeout=1.0), Store(sample_db.path)
    done, failures, seen, writes = threading.Event(), [], set(), [0]

    def write_and_read() -> None:
        while not done.is_set():
            try:
                writer.first_delivery(f"Ev{writes[0]:08d}")
                writes[0] += 1
            except StoreError as exc:
                failures.append(str(exc))
            seen.add(tuple(sorted(reader.counts().items())))

    other = threading.Thread(target=write_and_read)
    other.start()
    try:
        sample_db.save_event_data(data, replace=True)
    finally:
        done.set()
        other.join()
    assert failures == [] and writes[0] >= 5
    assert seen <= {tuple(sorted(before.items())), tuple(sorted(after.items()))}
    assert sample_db.counts() == after
    assert [d for d in sample_db.search("deep dive 29999") if d[1] == "gen-29999"]
    assert not sample_db.db.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'stage%'"
    ).fetchall()


def test_an_upsert_keeps_the_order_records_were_loaded_in(sample_db):
    venues = [v.id for v in sample_db.load_event_data().venues]
    data = sample_db.load_event_data()
    renamed = replace(data.venues[0], name="Renamed")
    sample_db.save_event_data(replace(data, venues=[renamed]), replace=False)
    again = sample_db.load_event_data()
    assert [v.id for v in again.venues] == venues and again.venues[0].name == "Renamed"


def test_what_a_killed_load_left_is_removed_by_the_next(sample_db, monkeypatch):
    before = sample_db.counts()
    monkeypatch.setattr(staging_module.time, "time", lambda: 1_700_000_000.0)  # long ago
    dead = StagedLoad(sample_db, {ScheduleItem: "schedule", Faq: "faq"})
    dead.create(copy_live=True)  # and then the process was killed: no swap, no drop
    monkeypatch.undo()
    assert sample_db.counts() == before
    assert sample_db.db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name LIKE 'stage%'"
    ).fetchone()[0]
    sample_db.save_event_data(sample_db.load_event_data(), replace=True)
    assert not sample_db.db.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'stage%'"
    ).fetchall()
    assert sample_db.counts() == before


def test_two_loads_at_once_the_later_finish_is_refused(sample_db, monkeypatch):
    data = sample_db.load_event_data()
    other = Store(sample_db.path)
    original = StagedLoad.index_for_search

    def meanwhile(self) -> None:  # another process finishes a load while this one is staged
        monkeypatch.setattr(StagedLoad, "index_for_search", original)
        other.save_event_data(replace(data, faq=data.faq[:1]), replace=True)
        original(self)

    monkeypatch.setattr(StagedLoad, "index_for_search", meanwhile)
    with pytest.raises(StoreError, match="another load changed the event"):
        sample_db.save_event_data(replace(data, faq=[]), replace=True)
    assert sample_db.counts()["faq"] == 1  # the other load's, whole; nothing of this one
