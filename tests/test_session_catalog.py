"""The session catalog: the JSON export and the plain CSV, ragged records, record-numbered
errors, atomic and idempotent loads, venues matched to the event's, a catalog alone as an
event, and the schema upgrade that makes room for sessions without a time."""

import json
import sqlite3
from pathlib import Path

import pytest

from bot.importers import LoadError, LoadRefused, load, load_file
from bot.store import Store
from tests.conftest import vegas

DATA = Path(__file__).resolve().parent / "data"
CATALOG = DATA / "reinvent2023-sessions.json"
CATALOG_CSV = DATA / "reinvent2023-sessions.csv"


def session(**fields) -> dict:
    base = {
        "abbreviation": "TST101",
        "title": "Testing sessions",
        "type": "Breakout session",
        "level": "100 - Foundational",
        "venue": "MGM Grand",
        "room": "Level 1 | Room 116",
        "sessionTime": {"date": "2023-11-28", "time": "10:30", "length": 60},
        "speakers": [{"name": "Jane Doe", "jobTitle": "Engineer", "company": "Example"}],
        "isReservable": True,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def write(tmp_path, records, name="catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_the_fixture_joins_the_sample_event_with_its_venues(sample_db):
    venues = {v.id for v in sample_db.load_event_data().venues}
    counts = load_file(sample_db, CATALOG)
    data = sample_db.load_event_data()
    assert {v.id for v in data.venues} == venues  # "Venetian", "Wynn": the sample's own
    sessions = [i for i in [*data.schedule, *data.unscheduled] if i.code]
    assert counts["schedule"] == len(sessions) == len(json.loads(CATALOG.read_text()))
    dop = next(i for i in sessions if i.code == "DOP321")
    assert dop.venue == "venetian" and dop.where == "Level 3 | Lido 3005"
    assert dop.start == vegas("2023-11-29T13:00") and dop.end == vegas("2023-11-29T14:00")
    assert dop.format == "Breakout session" and dop.level == "300 - Advanced"
    assert dop.reservable and dop.abstract and "DevOps" in dop.topics
    # "Wynn | Convention Promenade | Lafite 3" without a venue field: the room names it
    sec = next(i for i in sessions if i.code == "SEC327")
    assert (sec.venue, sec.where) == ("wynn", "Convention Promenade | Lafite 3")
    # ragged: no time at all, or a day without a time: "time to be announced", kept
    tba = {i.code: i for i in data.unscheduled}
    assert {"AIM225", "DOP328", "CMP222"} <= set(tba)
    assert tba["CMP222"].day.isoformat() == "2023-11-30" and tba["DOP328"].day is None
    # a repeat shares its series with the session
    assert {i.code for i in sessions if i.series == "SEC310"} == {"SEC310", "SEC310-R", "SEC310-R1"}
    # speakers with their job title and company as their role
    rin = next(s for s in data.speakers if s.name == "Rin Nakamura")
    assert rin.role == "VP of Engineering, Tailspin Games"


def test_loading_it_again_changes_nothing(sample_db):
    load_file(sample_db, CATALOG)
    first, data = sample_db.counts(), sample_db.load_event_data()
    load_file(sample_db, CATALOG)
    again = sample_db.load_event_data()
    assert sample_db.counts() == first
    assert again.schedule == data.schedule and again.unscheduled == data.unscheduled


def test_the_plain_csv_loads_too(sample_db):
    load_file(sample_db, CATALOG_CSV)
    data = sample_db.load_event_data()
    ant = next(i for i in data.schedule if i.code == "ANT301")
    assert ant.venue == "caesars-forum" and ant.where == "Level 1 | Academy 415"
    assert ant.start == vegas("2023-11-27T11:30") and ant.topics == ("Analytics", "Storage")
    aut = next(i for i in data.schedule if i.code == "AUT305")
    assert len(aut.speakers) == 2 and aut.format == "Chalk talk"


def test_a_catalog_alone_makes_an_event_in_an_empty_database(fresh_db):
    with pytest.raises(LoadRefused, match="--tz"):
        load(fresh_db, CATALOG)
    assert fresh_db.is_empty()
    loaded = load(fresh_db, CATALOG, tz="America/Los_Angeles", name="Sessions only")
    event = fresh_db.event()
    assert loaded.mode == "new" and event.name == "Sessions only"
    assert (event.first_day.isoformat(), event.last_day.isoformat()) == ("2023-11-27", "2023-12-01")
    assert {v.name for v in fresh_db.load_event_data().venues} >= {"Venetian", "MGM Grand"}


def test_unknown_fields_are_ignored_and_missing_ones_are_not_errors(fresh_db, tmp_path):
    path = write(
        tmp_path,
        [
            session(extra={"nested": [1, 2]}, videoUrl="https://example.com", sponsor=None),
            session(abbreviation="TST102", level=None, room=None, venue=None, topics=None),
            session(abbreviation="TST103", sessionTime={"length": 60}),
        ],
    )
    load_file(fresh_db, path, tz="America/Los_Angeles")
    data = fresh_db.load_event_data()
    assert [i.code for i in data.schedule] == ["TST101", "TST102"]
    assert data.schedule[1].venue is None and data.schedule[1].level == ""
    assert [i.code for i in data.unscheduled] == ["TST103"]


BAD = [
    ([session(sessionTime={"date": "2023-11-31", "time": "10:30"})], "record 1 (TST101), field 'sessionTime.date'"),
    ([session(), session(abbreviation="X2", sessionTime={"date": "2023-11-28", "time": "25:00"})], "record 2 (X2), field 'sessionTime.time'"),
    ([session(sessionTime={"date": "2023-11-28", "time": "10:00", "length": "long"})], "field 'sessionTime.length'"),
    ([session(abbreviation=None, title=None)], "record 1, field 'title'"),
    ([session(topics=42)], "field 'topics'"),
    ([session(speakers=[7])], "field 'speakers'"),
    ([session(isReservable="maybe")], "field 'isReservable'"),
    (["DOP321"], "record 1: is a string"),
    ([session(), session(title="Another title")], "record 2 (TST101), field 'code'"),
    ({"sessions": 3}, "a list of sessions"),
]  # fmt: skip


@pytest.mark.parametrize(("records", "where"), BAD)
def test_a_bad_record_names_itself_and_changes_nothing(sample_db, tmp_path, records, where):
    before, revision = sample_db.counts(), sample_db.revision()
    with pytest.raises(LoadError, match=where.replace("(", r"\(").replace(")", r"\)")):
        load_file(sample_db, write(tmp_path, records))
    assert sample_db.counts() == before and sample_db.revision() == revision


def test_a_bad_record_after_thousands_of_good_ones_changes_nothing(sample_db, tmp_path):
    good = [session(abbreviation=f"GEN{n:04d}", title=f"Generated {n}") for n in range(3000)]
    before = sample_db.counts()
    with pytest.raises(LoadError, match="record 3001"):
        load_file(sample_db, write(tmp_path, [*good, session(sessionTime={"date": "x"})]))
    assert sample_db.counts() == before


def test_json_that_does_not_parse_names_the_line(sample_db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n{"abbreviation": "A1",\n"title": }\n]')
    with pytest.raises(LoadError, match="line 3.*not valid JSON"):
        load_file(sample_db, path)


def test_csv_errors_name_the_line_and_column(sample_db, tmp_path):
    path = tmp_path / "sessions.csv"
    path.write_text(
        "code,title,start,end,venue,room,type,level,topics,speakers\n"
        "A1,One,2023-11-28 10:00,2023-11-28 11:00,Wynn,,Workshop,300,,\n"
        "A2,Two,2023-11-28 10:00,09:00,Wynn,,Workshop,300,,\n"
    )
    with pytest.raises(LoadError, match="line 3, field 'end'"):
        load_file(sample_db, path)


def test_a_catalog_dated_far_from_the_event_is_refused(sample_db, tmp_path):
    path = write(tmp_path, [session(sessionTime={"date": "2025-06-02", "time": "10:00"})])
    with pytest.raises(LoadRefused, match="another event|--merge"):
        load_file(sample_db, path)


def test_the_schema_upgrade_keeps_the_schedule_and_makes_start_optional(tmp_path):
    """A database written before sessions (schema 7) keeps its items through migration 8."""
    from bot.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:7], start=1):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(
        "INSERT INTO event (id, name, tz, first_day, last_day) VALUES "
        "(1, 'Old', 'UTC', '2024-01-01', '2024-01-02')"
    )
    conn.execute(
        "INSERT INTO schedule (id, kind, title, start, aliases) VALUES "
        "('k1', 'keynote', 'Opening', '2024-01-01T09:00:00+00:00', '[\"Kickoff\"]')"
    )
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    item = store.load_event_data().schedule[0]
    assert (item.id, item.title, item.aliases, item.code) == ("k1", "Opening", ("Kickoff",), "")
    nullable = [r for r in store.db.execute("PRAGMA table_info(schedule)") if r[1] == "start"]
    assert nullable[0][3] == 0  # notnull flag off
    store.close()
