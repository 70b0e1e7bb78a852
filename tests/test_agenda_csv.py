"""The agenda CSV: every documented shape of row, malformed sheets, and atomic loading."""

import pytest

from bot.importers import LoadError, load_file
from tests.conftest import EXAMPLES, vegas

AGENDA = EXAMPLES / "agenda.csv"
HEADER = "date,TIME,Event,Location,Notes\n"


def test_example_agenda_becomes_typed_records(fresh_db):
    counts = load_file(fresh_db, AGENDA, tz="America/Los_Angeles", name="Example")
    data = fresh_db.load_event_data()
    assert (
        data.event.first_day.isoformat() == "2023-11-26"
        and data.event.last_day.isoformat() == "2023-11-30"
    )
    # "Help desk, Badge pickup, SWAG" at "Airport | Terminal 1": three records, one sub-location
    sunday = [s for s in data.schedule if s.start.date().isoformat() == "2023-11-26"]
    assert {s.kind for s in sunday} == {"help", "badge"}
    assert all(s.where == "Terminal 1" for s in sunday)
    assert [s.item for s in data.swag] == ["SWAG"]
    # Several venues in one cell; a repeated row counted once
    lunches = [m for m in data.meals if m.kind == "lunch"]
    assert sorted(m.venue for m in lunches) == ["mandalay-bay", "venetian"]
    coffee = [m for m in data.meals if m.kind == "coffee"]
    assert len(coffee) == 1 and coffee[0].venue is None and coffee[0].where == "All locations"
    # A range ending at midnight ends on the next day
    crawl = next(s for s in data.schedule if s.title == "Pub crawl")
    assert crawl.kind == "reception" and crawl.end == vegas("2023-11-30T00:00")
    keynote = next(s for s in data.schedule if s.kind == "keynote" and "Selipsky" in s.title)
    assert keynote.speaker == "Adam Selipsky" and keynote.remind
    assert {t.kind for t in data.transport} == {"shuttle", "replay-bus"}
    assert any(s.kind == "party" for s in data.schedule) and any(
        s.kind == "run" for s in data.schedule
    )
    # An unclassifiable row with no location is kept, not dropped
    fair = next(s for s in data.schedule if s.title.startswith("Builders"))
    assert fair.kind == "other" and fair.venue is None
    assert counts["meals"] == len(data.meals)


def test_csv_venues_match_existing_names_and_aliases(sample_db):
    before = len(sample_db.load_event_data().venues)
    load_file(sample_db, AGENDA)
    data = sample_db.load_event_data()
    # "Venetian", "MGM Grand", "Mandalay Bay" and "Airport" are aliases of sample venues
    assert len(data.venues) == before
    assert any(m.venue == "mgm-grand" for m in data.meals)


def test_loading_the_same_csv_twice_changes_nothing(sample_db):
    load_file(sample_db, AGENDA)
    first = sample_db.counts()
    load_file(sample_db, AGENDA)
    assert sample_db.counts() == first


def test_new_venue_names_are_created(fresh_db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "2024-12-02,7:00 PM - 9:00 PM,Welcome reception,Neon Museum,\n")
    load_file(fresh_db, path, tz="America/Los_Angeles")
    assert [v.name for v in fresh_db.load_event_data().venues] == ["Neon Museum"]


BAD_ROWS = [
    (
        "2024-12-02,7:00 PM - 9:00 PM,Lunch,Hall,\n2024-02-30,7 PM,Lunch,Hall,\n",
        "line 3, field 'Date'",
    ),
    (
        "2024-12-02,7:00 PM - 9:00 PM,Lunch,Hall,\n2024-12-03,lunchtime,Lunch,Hall,\n",
        "line 3, field 'Time'",
    ),
    ("2024-12-02,7:00 PM - 9:00 PM,,Hall,\n", "line 2, field 'Event'"),
    ("2024-12-02,13:00 PM,Lunch,Hall,\n", "line 2, field 'Time'"),
]


@pytest.mark.parametrize(("rows", "where"), BAD_ROWS)
def test_bad_rows_name_the_line_and_column_and_change_nothing(sample_db, tmp_path, rows, where):
    before = sample_db.counts()
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + rows)
    with pytest.raises(LoadError, match=where):
        load_file(sample_db, path)
    assert sample_db.counts() == before


def test_missing_column_empty_file_and_wrong_encoding(sample_db, tmp_path):
    missing = tmp_path / "m.csv"
    missing.write_text("Date,Event\n2024-12-02,Lunch\n")
    with pytest.raises(LoadError, match="field 'Time'"):
        load_file(sample_db, missing)
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(LoadError, match="empty"):
        load_file(sample_db, empty)
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes((HEADER + "2024-12-02,7 PM,Lunch,Hall,\n").encode("utf-16"))
    with pytest.raises(LoadError, match="not UTF-8|NUL"):
        load_file(sample_db, utf16)


def test_a_csv_into_an_empty_database_needs_a_time_zone(fresh_db):
    with pytest.raises(LoadError, match="--tz"):
        load_file(fresh_db, AGENDA)
    assert fresh_db.is_empty()


def test_a_bad_row_at_the_end_of_a_big_csv_changes_nothing(sample_db, tmp_path):
    before, revision = sample_db.counts(), sample_db.revision()
    rows = "".join(
        f"2023-11-28,{1 + i % 11}:00 PM - 11:00 PM,Session {i},Venetian,\n" for i in range(5000)
    )
    path = tmp_path / "big.csv"
    path.write_text(HEADER + rows + "2023-11-28,whenever,Session X,Venetian,\n")
    with pytest.raises(LoadError, match="line 5002"):
        load_file(sample_db, path)
    assert sample_db.counts() == before and sample_db.revision() == revision
