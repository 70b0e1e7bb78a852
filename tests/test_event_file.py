"""The TOML event file: good files, every kind of malformed input, and atomic loading."""

from pathlib import Path

import pytest

from bot.importers import SAMPLE_EVENT, LoadError, load_file
from bot.importers.common import ESTIMATE_NOTE
from tests.conftest import vegas

HEAD = """
[event]
name = "Test Conf"
tz = "America/Los_Angeles"
first_day = 2024-12-01
last_day = 2024-12-06

[[venues]]
id = "hall"
name = "Main Hall"
aliases = ["Hall A", "메인홀"]
"""


def write(tmp_path: Path, body: str, name: str = "event.toml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def test_a_minimal_file_loads_every_kind(tmp_path, fresh_db):
    path = write(
        tmp_path,
        """
[[meals]]
venue = "hall"
kind = "Lunch"
days = [2024-12-02, 2024-12-03]
start = "11:30 AM"
end = "13:30"
estimate = true

[[transport]]
name = "Loop shuttle"
stops = ["hall"]
days = [2024-12-02]
first = "7:00 AM"
last = "1:00 AM"
every_minutes = 15
ride_minutes = 5

[[swag]]
item = "Hoodie"
venue = "hall"

[[schedule]]
title = "Opening keynote"
kind = "keynote"
speaker = "Someone"
venue = "hall"
start = 2024-12-02T09:00:00
end = "2024-12-02T10:00"
remind = true

[[faq]]
question = "Is there wifi?"
answer = "Yes: network ConfWiFi."
keywords = ["wifi", "와이파이"]
""",
    )
    counts = load_file(fresh_db, path)
    assert counts == {
        "venues": 1,
        "routes": 0,
        "meals": 2,
        "transport": 1,
        "swag": 1,
        "schedule": 1,
        "speakers": 0,
        "faq": 1,
    }
    data = fresh_db.load_event_data()
    lunch = data.meals[0]
    assert (lunch.kind, lunch.start, lunch.end) == (
        "lunch",
        vegas("2024-12-02T11:30"),
        vegas("2024-12-02T13:30"),
    )
    assert ESTIMATE_NOTE in lunch.notes
    shuttle = data.transport[0]
    assert shuttle.last_run == vegas("2024-12-03T01:00")  # past midnight is the next day
    assert data.schedule[0].remind and data.schedule[0].end == vegas("2024-12-02T10:00")


BAD_FILES = [
    ("[event\nname = 1", None, "not valid TOML"),
    (
        '[[meals]]\nvenue = "hall"\nkind = "lunch"\ndays = [2024-12-02]\nstart = "25:00"\nend = "1 PM"',
        "start",
        "not a valid time",
    ),
    (
        '[[meals]]\nvenue = "nowhere"\nkind = "lunch"\ndays = [2024-12-02]\nstart = "11:00"\nend = "13:00"',
        "venues",
        "not defined",
    ),
    (
        '[[meals]]\nvenue = "hall"\nkind = "lunch"\ndays = [2025-01-01]\nstart = "11:00"\nend = "13:00"',
        "days",
        "outside the event",
    ),
    ('[[schedule]]\ntitle = "X"\nstart = "tomorrow"', "start", "date and time"),
    (
        '[[schedule]]\ntitle = "X"\nstart = 2024-12-02T10:00:00\nend = 2024-12-02T09:00:00',
        "end",
        "before start",
    ),
    ("[[schedule]]\nstart = 2024-12-02T10:00:00", "title", "required"),
    ('[[faq]]\nquestion = "Q"\nanswer = "A"\ncolour = "red"', "colour", "not a known field"),
    (
        '[[transport]]\nname = "S"\ndays = [2024-12-02]\nfirst = "7:00"\nlast = "9:00"\nride_minutes = "ten"',
        "ride_minutes",
        "minutes",
    ),
    ("[[venues]]\nname = 3", "name", "must be text"),
    ("[party]\nx = 1", None, "not a known section"),
]


@pytest.mark.parametrize(("body", "field", "message"), BAD_FILES)
def test_malformed_files_name_the_place_and_change_nothing(
    tmp_path, sample_db, body, field, message
):
    before = sample_db.counts()
    path = write(tmp_path, "\n" + body + "\n")
    with pytest.raises(LoadError) as err:
        load_file(sample_db, path)
    text = str(err.value)
    assert str(path) in text and message in text
    if field:
        assert f"field '{field}'" in text
    assert sample_db.counts() == before


def test_errors_give_the_line_of_the_table(tmp_path, fresh_db):
    path = write(
        tmp_path, '\n[[faq]]\nquestion = "ok"\nanswer = "ok"\n\n[[faq]]\nquestion = "no answer"\n'
    )
    with pytest.raises(LoadError, match=r"\[\[faq\]\] number 2 \(line 17\)"):
        load_file(fresh_db, path)


def test_bad_time_zone_and_missing_event(tmp_path, fresh_db):
    bad_tz = tmp_path / "tz.toml"
    bad_tz.write_text(HEAD.replace("America/Los_Angeles", "Mars/Olympus"))
    with pytest.raises(LoadError, match="field 'tz'"):
        load_file(fresh_db, bad_tz)
    no_event = tmp_path / "none.toml"
    no_event.write_text('[[venues]]\nname = "x"\n')
    with pytest.raises(LoadError, match=r"\[event\] table"):
        load_file(fresh_db, no_event)


def test_not_utf8_and_unknown_extension(tmp_path, fresh_db):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(
        HEAD.encode() + '\n[[faq]]\nquestion = "caf\xe9"\nanswer = "x"\n'.encode("latin-1")
    )
    with pytest.raises(LoadError, match="not UTF-8"):
        load_file(fresh_db, latin)
    other = tmp_path / "event.yaml"
    other.write_text("{}")
    with pytest.raises(LoadError, match=r"\.toml"):
        load_file(fresh_db, other)
    assert fresh_db.is_empty()


def test_a_bad_record_at_the_end_of_a_big_file_changes_nothing(tmp_path, sample_db):
    before = sample_db.counts()
    revision = sample_db.revision()
    items = "".join(
        f'\n[[schedule]]\nid = "s{i}"\ntitle = "Session {i}"\nvenue = "hall"\nstart = 2024-12-03T{8 + i % 10:02d}:00:00\n'
        for i in range(3000)
    )
    path = write(
        tmp_path, items + '\n[[schedule]]\ntitle = "Broken"\nstart = 2024-13-45T10:00:00\n'
    )
    with pytest.raises(LoadError):
        load_file(sample_db, path)
    assert sample_db.counts() == before
    assert sample_db.revision() == revision


def test_replace_swaps_the_whole_event(tmp_path, sample_db):
    path = write(tmp_path, '\n[[faq]]\nquestion = "Q"\nanswer = "A"\n')
    load_file(sample_db, path, replace_all=True)
    data = sample_db.load_event_data()
    assert data.event.name == "Test Conf"
    assert [v.id for v in data.venues] == ["hall"] and len(data.faq) == 1 and not data.meals


def test_adding_without_replace_updates_by_id(tmp_path, sample_db):
    moved = tmp_path / "moved.toml"
    moved.write_text(
        SAMPLE_EVENT.read_text().split("[[venues]]")[0]
        + '[[schedule]]\nid = "keynote-werner"\nkind = "keynote"\ntitle = "Dr. Werner Vogels keynote"\n'
        'speaker = "Werner Vogels"\nvenue = "venetian"\nstart = 2023-11-30T09:00:00\n'
    )
    before = sample_db.counts()
    load_file(sample_db, moved)
    assert sample_db.counts() == before
    werner = next(s for s in sample_db.load_event_data().schedule if s.id == "keynote-werner")
    assert werner.start == vegas("2023-11-30T09:00")


def test_every_record_takes_aliases_and_korean_text(tmp_path, fresh_db):
    path = write(
        tmp_path,
        """
[[schedule]]
title = "Cloakroom"
title_ko = "물품보관소"
aliases = ["Coat check", "cloak room"]
kind = "facility"
venue = "hall"
where = "Level 1"
where_ko = "1층"
days = [2024-12-02, 2024-12-03]

[[speakers]]
name = "Jane Doe"
role = "CTO"
aliases = ["Jane", "제인"]

[[schedule]]
title = "Opening keynote"
kind = "keynote"
speaker = "Jane"
venue = "hall"
start = 2024-12-02T09:00:00

[[transport]]
name = "Party bus"
kind = "bus"
stops = ["hall"]
serves = ["Opening keynote"]
days = [2024-12-02]
first = "7:00 AM"
last = "9:00 AM"

[[faq]]
question = "Is there wifi?"
questions = ["how do I get online", "와이파이 있어요?"]
answer = "Yes: network ConfWiFi."
answer_ko = "네: ConfWiFi 네트워크예요."
""",
    )
    load_file(fresh_db, path)
    data = fresh_db.load_event_data()
    cloak = next(i for i in data.schedule if i.title == "Cloakroom")
    assert cloak.aliases == ("Coat check", "cloak room")
    assert cloak.translations == {"ko": {"title": "물품보관소", "where": "1층"}}
    # days without start and end: open all day
    assert cloak.start.astimezone(data.event.zone).hour == 0
    assert cloak.end.astimezone(data.event.zone).strftime("%H:%M") == "23:59"
    keynote = next(i for i in data.schedule if i.kind == "keynote")
    assert keynote.speaker == "Jane Doe" and keynote.speakers == ("jane-doe",)
    assert data.speakers[0].role == "CTO"
    assert data.transport[0].serves == (keynote.id,)
    assert data.faq[0].questions == ("how do I get online", "와이파이 있어요?")
    assert data.faq[0].translations["ko"]["answer"].startswith("네")


@pytest.mark.parametrize(
    "body, field, hint",
    [
        (
            '[[schedule]]\ntitle = "K"\nkind = "keynot"\nstart = 2024-12-02T09:00:00',
            "kind",
            "keynote",
        ),
        (
            '[[meals]]\nvenue = "hall"\nkind = "supper"\ndays = [2024-12-02]\nstart = "6 PM"\nend = "8 PM"',
            "kind",
            "valid: breakfast",
        ),
        ('[[routes]]\nfrom = "hall"\nto = "hall"\nmode = "buss"', "mode", "bus"),
        (
            '[[transport]]\nname = "X"\nkind = "shutle"\nstops = ["hall"]\ndays = [2024-12-02]\nfirst = "7 AM"\nlast = "8 AM"',
            "kind",
            "shuttle",
        ),
        (
            '[[transport]]\nname = "X"\nserves = ["nothing"]\nstops = ["hall"]\ndays = [2024-12-02]\nfirst = "7 AM"\nlast = "8 AM"',
            "serves",
            "not a [[schedule]]",
        ),
    ],
)
def test_kinds_and_modes_are_checked_with_a_did_you_mean(tmp_path, fresh_db, body, field, hint):
    with pytest.raises(LoadError) as err:
        load_file(fresh_db, write(tmp_path, body))
    assert err.value.field == field and hint in err.value.problem
    assert fresh_db.is_empty()


def test_swag_says_who_can_get_it_only_when_the_event_does(tmp_path, fresh_db):
    from bot.answers import Concierge

    load_file(fresh_db, write(tmp_path, '[[swag]]\nitem = "Hoodie"\nvenue = "hall"\n'))
    (hoodie,) = fresh_db.load_event_data().swag
    assert hoodie.eligible == ""
    answer = Concierge(fresh_db).ask("where is the hoodie?", vegas("2024-12-02T10:00"))
    assert answer.confident and "Main Hall" in answer.text
    assert "Who:" not in answer.text and "badge" not in answer.text  # nothing made up
