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
    assert {t.kind for t in data.transport} == {"shuttle", "bus"}
    party_bus = next(t for t in data.transport if t.kind == "bus")
    replay = next(s for s in data.schedule if s.title == "re:Play")
    assert party_bus.serves == (replay.id,)  # "re:Play shuttle buses" take people to re:Play
    shuttle = next(t for t in data.transport if t.kind == "shuttle")
    assert shuttle.every_min == 10  # "Every 10 minutes" in the notes
    assert any(s.kind == "party" for s in data.schedule) and any(
        s.kind == "run" for s in data.schedule
    )
    # A row the lexicon reads by its head word ("fair"), with no location, is kept
    fair = next(s for s in data.schedule if s.title.startswith("Builders"))
    assert fair.kind == "expo" and fair.venue is None
    # re:Play says nothing of its kind; its alias "Closing party" does
    assert replay.kind == "party" and "리플레이" in replay.aliases
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


def test_titles_are_read_with_the_lexicon_and_locations_split_into_venues_and_notes(
    fresh_db, tmp_path
):
    sheet = tmp_path / "agenda.csv"
    sheet.write_text(
        HEADER.strip() + ",Aliases\n"
        '2026-11-24,07:00 AM - 07:45 AM,Morning yoga,"Congress Centre, Level 1",,\n'
        "2026-11-24,12:30 PM - 01:30 PM,PyLadies lunch,Congress Centre | Room 3,,\n"
        "2026-11-24,12:00 PM - 02:00 PM,Lunch,Congress Centre,,\n"
        "2026-11-24,08:00 AM - 06:00 PM,Cloakroom,Congress Centre,,Coat check; 물품보관소\n"
        '2026-11-24,07:00 AM - 08:00 AM,Tram tour,"Old Town, Race starts at 7:00 AM",,\n'
        '2026-11-24,07:00 AM - 09:00 PM,Conference shuttle,"Congress Centre, Riverside Hotel",Every 20 minutes,\n'
        "2026-11-25,07:00 AM - 03:00 PM,Conference shuttle,Congress Centre,Every 20 minutes,\n",
        encoding="utf-8",
    )
    load_file(fresh_db, sheet, tz="Europe/Lisbon", name="Test")
    data = fresh_db.load_event_data()
    by_title = {s.title: s for s in data.schedule}
    assert (
        by_title["Morning yoga"].kind == "activity" and by_title["Morning yoga"].where == "Level 1"
    )
    assert by_title["PyLadies lunch"].kind == "other"  # a lunch people find by its name
    assert [m.kind for m in data.meals] == ["lunch"]  # only the plain "Lunch" is a meal
    assert by_title["Cloakroom"].kind == "facility"
    assert by_title["Cloakroom"].aliases == ("Coat check", "물품보관소")
    assert by_title["Tram tour"].kind == "activity"
    assert by_title["Tram tour"].where == "Race starts at 7:00 AM"
    assert {v.name for v in data.venues} == {"Congress Centre", "Old Town", "Riverside Hotel"}
    runs = sorted(data.transport, key=lambda t: t.day)
    assert len({t.service for t in runs}) == 1  # one service, its own hours each day
    assert [t.last_run.astimezone(data.event.zone).hour for t in runs] == [21, 15]
    assert runs[0].every_min == 20


@pytest.mark.parametrize(
    ("notes", "minutes"),
    [
        ("Every 15 minutes", 15),
        ("Runs every 15 min", 15),
        ("10-minute intervals", 10),
        ("every half hour until late", 30),
        ("every quarter hour", 15),
        ("hourly", 60),
        ("20분마다 운행", 20),
        ("30-minute ride", None),
        ("30분 소요", None),
    ],
)
def test_how_often_a_service_runs_from_its_notes(notes, minutes):
    from bot.importers.classify import frequency

    assert frequency(notes) == minutes
