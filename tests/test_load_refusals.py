"""Issue 15: no silent merge of two events; an option that does not apply is an error; a failed
load into a new path leaves nothing behind; the summary counts records as written."""

import pytest

from bot.cli import main
from bot.importers import LoadRefused, load, load_file
from tests.conftest import EXAMPLES

MY_EVENT = EXAMPLES / "my-event.toml"
AGENDA = EXAMPLES / "agenda.csv"
PYCON = """
[event]
name = "PyCon Seoul 2026"
tz = "Asia/Seoul"
first_day = 2026-08-14
last_day = 2026-08-16

[[venues]]
id = "coex"
name = "COEX"

[[meals]]
venue = "coex"
kind = "lunch"
days = [2026-08-14]
start = "12:00"
end = "13:00"
"""


@pytest.fixture
def pycon(tmp_path):
    path = tmp_path / "pycon.toml"
    path.write_text(PYCON)
    return path


def test_an_event_file_for_another_event_is_refused_naming_both_and_the_ways_on(sample_db, pycon):
    before, revision = sample_db.counts(), sample_db.revision()
    with pytest.raises(LoadRefused) as refused:
        load_file(sample_db, pycon)
    message = str(refused.value)
    assert "PyCon Seoul 2026 (Asia/Seoul)" in message
    assert "AWS re:Invent 2023 (America/Los_Angeles" in message
    assert "--replace" in message and "--merge" in message
    assert sample_db.counts() == before and sample_db.revision() == revision
    assert sample_db.event().name == "AWS re:Invent 2023"


def test_the_same_event_in_another_zone_is_another_event(sample_db, tmp_path):
    path = tmp_path / "moved.toml"
    path.write_text(PYCON.replace("PyCon Seoul 2026", "AWS re:Invent 2023"))
    with pytest.raises(LoadRefused, match=r"AWS re:Invent 2023 \(Asia/Seoul\)"):
        load_file(sample_db, path)


def test_merge_adds_another_events_records_to_the_event_on_purpose(sample_db, pycon):
    venues = len(sample_db.load_event_data().venues)
    loaded = load(sample_db, pycon, mode="merge")
    data = sample_db.load_event_data()
    assert loaded.mode == "merge"
    # The database's event stays itself (name, zone); its days widen to hold the records.
    assert (data.event.name, data.event.tz) == ("AWS re:Invent 2023", "America/Los_Angeles")
    assert data.event.last_day.isoformat() == "2026-08-16"
    assert len(data.venues) == venues + 1 and any(m.venue == "coex" for m in data.meals)


def test_replace_swaps_the_event_for_another(sample_db, pycon):
    load(sample_db, pycon, mode="replace")
    data = sample_db.load_event_data()
    assert data.event.name == "PyCon Seoul 2026" and [v.id for v in data.venues] == ["coex"]


def test_a_csv_naming_another_event_or_zone_is_refused(sample_db):
    with pytest.raises(LoadRefused, match=r"AWS re:Invent 2023 \(Asia/Seoul\).*--replace"):
        load_file(sample_db, AGENDA, tz="Asia/Seoul")
    with pytest.raises(LoadRefused, match=r"is for My Conf"):
        load_file(sample_db, AGENDA, name="My Conf")
    # Naming the event that is there is no contradiction: the sheet adds to it.
    load_file(sample_db, AGENDA, name="AWS re:Invent 2023", tz="America/Los_Angeles")


def test_a_csv_dated_far_from_the_event_is_refused(sample_db, tmp_path):
    path = tmp_path / "pycon.csv"
    path.write_text("Date,Time,Event,Location\n2026-08-14,12:00 PM - 1:00 PM,Lunch,COEX\n")
    with pytest.raises(LoadRefused, match=r"dated 2026-08-14 to 2026-08-14.*--merge"):
        load_file(sample_db, path)
    load_file(sample_db, path, merge=True)  # on purpose
    assert sample_db.event().name == "AWS re:Invent 2023"


@pytest.mark.parametrize(
    ("file", "options", "message"),
    [
        (MY_EVENT, {"tz": "Asia/Seoul"}, "--tz only applies to an agenda CSV"),
        (MY_EVENT, {"name": "X", "tz": "UTC"}, "--name and --tz only apply to an agenda CSV"),
        (AGENDA, {"merge": True, "tz": "America/Los_Angeles"}, "--tz does not apply with --merge"),
        (AGENDA, {"tz": "Asia/Seol"}, "did you mean 'Asia/Seoul'"),
    ],
)
def test_an_option_that_does_not_apply_is_an_error_never_ignored(sample_db, file, options, message):
    before = sample_db.counts()
    with pytest.raises(LoadRefused, match=message):
        load_file(sample_db, file, **options)
    assert sample_db.counts() == before


def test_merge_into_an_empty_database_is_an_error(fresh_db):
    with pytest.raises(LoadRefused, match="--merge"):
        load_file(fresh_db, MY_EVENT, merge=True)
    assert fresh_db.is_empty()


def test_a_csv_that_replaces_the_event_needs_a_zone(sample_db):
    with pytest.raises(LoadRefused, match="--tz"):
        load_file(sample_db, AGENDA, replace_all=True)


def test_load_refusals_exit_2_with_one_line(tmp_path, capsys, pycon):
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "load", str(MY_EVENT)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "load", str(pycon)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("confbot: not loaded, nothing changed:")
    assert "PyCon Seoul 2026" in err[0] and "Example Summit 2024" in err[0]
    assert main(["--db", db, "load", str(AGENDA), "--tz", "Asia/Seol"]) == 2
    assert "did you mean 'Asia/Seoul'" in capsys.readouterr().err
    assert main(["--db", db, "load", str(pycon), "--merge", "--replace"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_failed_load_into_a_new_path_leaves_no_database_behind(tmp_path, capsys):
    db = tmp_path / "new.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Time,Event\n2023-11-28,noonish,Lunch\n")
    assert main(["--db", str(db), "load", str(bad), "--tz", "America/Los_Angeles"]) == 1
    assert main(["--db", str(db), "load", str(AGENDA)]) == 2  # no --tz for a new event
    assert main(["--db", str(db), "load", str(tmp_path / "missing.toml")]) == 2
    assert list(tmp_path.iterdir()) == [bad]
    capsys.readouterr()
    # So the next `chat` does not fill an empty file with the sample, setting up a merge.
    assert main(["--db", str(db), "load", str(MY_EVENT)]) == 0
    assert "a new event" in capsys.readouterr().out


def test_the_load_summary_counts_records_as_written(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "c.db"), "load", str(MY_EVENT)]) == 0
    out = capsys.readouterr().out
    # One shuttle running two days is one service, stored as two rows.
    assert "1 transport service on 2 days" in out and "transport:" not in out
    assert "2 venues" in out and "3 schedule items on 2 days" in out
    assert "4 meal servings (a meal at one place on one day) on 2 days" in out
