"""Hostile and odd input, generated (hypothesis, seeded so CI is stable): nothing crashes,
the store changes only as it should, and the person gets a sentence."""

import string
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.importers import LoadError, load_file
from tests.conftest import VEGAS

NOW = datetime(2023, 11, 28, 10, tzinfo=VEGAS)
SETTINGS = settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NASTY = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "NEAR(",
        "OR",
        "AND NOT",
        "col:",
        "^",
        "-",
        ")",
        "'; DROP TABLE faq;--",
        "\x00",
        "\u202e",
        "🍕",
        "<@U1>",
        "<#C1|x>",
        ":pizza:",
        "내일",
        "오후 3시",
        "\n",
        "\t",
    ]
)
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(NASTY, st.text(max_size=10)), max_size=30).map(" ".join),
)


@seed(20231128)
@SETTINGS
@given(text=QUESTIONS)
def test_any_text_gets_an_answer_and_never_a_crash(concierge, text):
    answer = concierge.ask(text, NOW, record=False)
    assert isinstance(answer.text, str) and answer.text
    assert isinstance(answer.confident, bool) and len(answer.suggestions) <= 3


def test_a_40000_character_message(concierge):
    answer = concierge.ask("where is lunch " + "ä" * 40_000, NOW, record=False)
    assert answer.text


def test_unanswered_text_is_stored_as_is_not_executed(sample_db):
    from bot.answers import Concierge

    before = sample_db.counts()
    Concierge(sample_db).ask('\'); DROP TABLE faq; -- "NEAR(x y)" *', NOW)
    assert sample_db.counts() == before and sample_db.unanswered()[0]["times"] == 1


CSV_CELLS = st.text(alphabet=string.printable + "é한🍕\x00", max_size=20)


@seed(20231129)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CSV_CELLS, min_size=0, max_size=7), max_size=8), header=st.booleans())
def test_arbitrary_csv_either_loads_or_says_where_and_changes_nothing(
    sample_db, tmp_path_factory, rows, header
):
    path = tmp_path_factory.mktemp("csv") / "agenda.csv"
    lines = (["Date,Time,Event,Location,Notes"] if header else []) + [",".join(r) for r in rows]
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    before, revision = sample_db.counts(), sample_db.revision()
    try:
        load_file(sample_db, path)
    except LoadError as exc:
        assert str(path) in str(exc)
        assert sample_db.counts() == before and sample_db.revision() == revision


@seed(20231130)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=400))
def test_arbitrary_bytes_as_an_event_file(sample_db, tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("toml") / "event.toml"
    path.write_bytes(blob)
    before = sample_db.counts()
    with pytest.raises(LoadError):
        load_file(sample_db, path)
    assert sample_db.counts() == before


def test_an_enormous_truncated_event_file(sample_db, tmp_path):
    path = tmp_path / "huge.toml"
    body = "".join(f'[[faq]]\nquestion = "Q{i}"\nanswer = "A{i}"\n' for i in range(20000))
    path.write_text(
        '[event]\nname = "X"\ntz = "UTC"\nfirst_day = 2024-01-01\nlast_day = 2024-01-02\n'
        + body[:-7]
    )
    before = sample_db.counts()
    with pytest.raises(LoadError, match="not valid TOML"):
        load_file(sample_db, path)
    assert sample_db.counts() == before


PAYLOAD_VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@seed(20231201)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    event=st.dictionaries(
        st.sampled_from(
            [
                "type",
                "user",
                "text",
                "channel",
                "channel_type",
                "ts",
                "bot_id",
                "subtype",
                "thread_ts",
                "tab",
            ]
        ),
        PAYLOAD_VALUES,
        max_size=8,
    )
)
def test_slack_payloads_with_missing_or_wrongly_typed_fields(slack_sync, event):
    """Whatever the fields, Slack gets an HTTP answer below 500 and the bot stays up."""
    status = slack_sync(event)
    assert status < 500


@pytest.fixture
def slack_sync(sample_db):
    import asyncio

    from bot.clock import fixed_clock
    from tests.fake_slack import FakeSlack
    from tests.slack_harness import Harness

    loop = asyncio.new_event_loop()
    harness = loop.run_until_complete(Harness(sample_db, fixed_clock(NOW), FakeSlack()).start())

    def send(event: dict) -> int:
        event.setdefault("type", "message")
        status, _ = loop.run_until_complete(harness.send_event(event))
        return status

    def send_form(form: dict) -> int:
        from urllib.parse import urlencode

        body = urlencode(form)
        headers = harness.headers(body, content_type="application/x-www-form-urlencoded")
        status, _ = loop.run_until_complete(harness.post(body, headers))
        return status

    send.form = send_form
    yield send
    status, body = loop.run_until_complete(harness.health())
    assert status == 200 and body["status"] == "ok"
    loop.run_until_complete(harness.stop())
    loop.close()


@seed(20231202)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(
            ["command", "text", "user_id", "channel_id", "team_id", "response_url", "payload"]
        ),
        st.text(max_size=40),
        max_size=7,
    ),
)
def test_slash_commands_and_button_payloads_with_odd_fields(slack_sync, form):
    """Forms with missing fields, junk payload JSON, odd text: never a 500."""
    assert slack_sync.form(form) < 500
