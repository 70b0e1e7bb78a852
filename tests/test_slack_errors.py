"""Reading a failed Slack call: whatever the peer answered, one short line, never a raise."""

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.errors import read_failure, reason
from tests.fake_slack import FakeSlack


@pytest.fixture
async def fake():
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


async def failure_of(fake: FakeSlack, status: int, body: str, retry_after: int = 0):
    fake.fail("chat.postMessage", status, times=1, retry_after=retry_after, body=body)
    client = AsyncWebClient(token="xoxb-1-2-3", base_url=fake.url, retry_handlers=[])
    try:
        await client.chat_postMessage(channel="C1", text="hi")
    except Exception as exc:
        return read_failure(exc)
    raise AssertionError("the call did not fail")


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (403, "text", "HTTP 403: 403: Forbidden"),
        (502, "html", "HTTP 502: a text/html answer, not JSON"),
        (500, "badjson", 'HTTP 500: {"ok": false, "error":'),
        (200, "badjson", 'HTTP 200: {"ok": false, "error":'),
        (500, "json", "HTTP 500: internal_error"),
    ],
)
async def test_every_kind_of_bad_answer_reads_as_one_line(fake, status, body, expected):
    failure = await failure_of(fake, status, body)
    assert str(failure) == expected


async def test_a_429_carries_its_retry_after(fake):
    failure = await failure_of(fake, 429, "json", retry_after=7)
    assert failure.status == 429 and failure.error == "ratelimited" and failure.retry_after == 7


async def test_a_200_text_plain_answer_is_read_too(fake):
    """slack_sdk itself raises AttributeError on a 200 with a text body: still one line."""
    fake.fail("chat.postMessage", 200, times=1, body="text")
    client = AsyncWebClient(token="xoxb-1-2-3", base_url=fake.url, retry_handlers=[])
    with pytest.raises(Exception) as caught:
        await client.chat_postMessage(channel="C1", text="hi")
    assert reason(caught.value)  # whatever it is, a line and no raise


def test_no_answer_and_odd_exceptions():
    assert reason(TimeoutError()) == "no answer in time"
    assert reason(ValueError("x")) == "ValueError"

    class Weird(Exception):
        @property
        def response(self):
            raise RuntimeError("boom")

    assert reason(Weird()) == "Weird"
    long = type("E", (Exception,), {})()
    long.response = type("R", (), {"status_code": 503, "data": "x" * 5000 + "\n\x00"})()
    assert len(reason(long)) < 80
