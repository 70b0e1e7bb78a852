"""A Slack that misbehaves the way Slack and the proxies in front of it do: every Web API
method the bot calls answers, for a while, a text/plain 403, an HTML 502 page, JSON that does
not parse, or 429 with Retry-After. The person always gets an answer or their code, and no
peer's bad answer ever puts a traceback in the log."""

import asyncio
import json
import re
from datetime import timedelta

import pytest

from bot.clock import fixed_clock
from bot.slack.blocks import feedback_value
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness

NOW = vegas("2023-11-28T10:00")
CODE = re.compile(r"`(AWS25-\d{5})`")
# (body kind, status, Retry-After): what a proxy, a load balancer or Slack itself sends
FAULTS = {
    "text/plain 403": ("text", 403, 0),
    "HTML 502": ("html", 502, 0),
    "JSON that does not parse": ("badjson", 500, 0),
    "429 Retry-After": ("json", 429, 1),
}


@pytest.fixture
async def slack(sample_db):
    sample_db.import_codes(
        "AWS $25", [f"AWS25-{i:05d}" for i in range(20)], NOW - timedelta(hours=1)
    )
    harness = await Harness(
        sample_db, fixed_clock(NOW), FakeSlack(), admins=("U0000ADMIN",)
    ).start()
    yield harness
    await harness.stop()


@pytest.fixture(autouse=True)
def no_traceback_for_a_peers_answer(caplog):
    yield
    for record in caplog.get_records("call"):
        assert not record.exc_text and not record.exc_info, (
            f"a traceback was logged: {record.getMessage()}"
        )


def fail(fake: FakeSlack, method: str, fault: str, times: int = 1) -> None:
    body, status, retry_after = FAULTS[fault]
    if status == 429:  # each costs a whole second of waiting as told: one shows the point
        times = 1
    fake.fail(method, status, times=times, retry_after=retry_after, body=body)


def private_to(fake: FakeSlack, user: str) -> list[str]:
    """Texts that reached ``user`` privately (Slack took them): ephemeral, response_url, DM."""
    texts = []
    for call in fake.calls:
        if call.status != 200:
            continue
        p = call.params
        if (
            (call.method == "chat.postEphemeral" and p.get("user") == user)
            or call.method == "response_url"
            or (call.method == "chat.postMessage" and p.get("channel") in {user, "D000ALICE"})
        ):
            texts.append(str(p.get("text", "")))
    return texts


async def eventually(check, timeout: float = 15.0):
    for _ in range(int(timeout / 0.05)):
        if result := check():
            return result
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time allowed")


@pytest.mark.parametrize("fault", FAULTS)
async def test_users_info_failing_still_answers_everywhere_in_the_events_zone(slack, fault):
    fail(slack.fake, "users.info", fault, times=10)
    await slack.dm("where is lunch today?", user="U000ALICE")
    await slack.command("where do I get my hoodie", user="U000BOB")
    await slack.send_event({"type": "app_home_opened", "user": "U000CAROL", "tab": "home"})
    await slack.action("ask_example_3", "How do I get to re:Play?", user="U000DAVE", channel=None)
    await eventually(lambda: any("Lunch" in t for t in private_to(slack.fake, "U000ALICE")))
    (ephemeral,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "hoodie" in ephemeral.params["text"].lower()
    await slack.fake.wait_for("views.publish")
    await eventually(lambda: any("re:Play" in t for t in private_to(slack.fake, "U000DAVE")))
    looked_up = [c.params["user"] for c in slack.fake.of("users.info")]
    assert len(looked_up) == len(set(looked_up))  # one attempt each: no retries
    await slack.dm("where is coffee?", user="U000EVE")
    await eventually(lambda: any("Coffee" in t for t in private_to(slack.fake, "U000EVE")))
    after = len(slack.fake.of("users.info"))
    # after a 429 nobody is looked up until Retry-After has passed
    assert after == len(looked_up) + (0 if fault == "429 Retry-After" else 1)


async def test_a_slow_users_info_never_holds_an_answer_and_the_next_one_uses_the_zone(slack):
    slack.fake.users["U000ALICE"] = {"tz": "Asia/Seoul"}
    slack.fake.delays["users.info"] = 1.5  # longer than an answer waits for it
    await slack.dm("where is lunch today?")
    (first,) = await slack.fake.wait_for("chat.postMessage", timeout=10)
    assert "KST" not in first.params["text"]  # went out in the event's zone
    slack.fake.delays.clear()
    await eventually(lambda: not slack.services.zones._pending)  # the lookup finished later
    await slack.dm("where is lunch today?")
    second = (await slack.fake.wait_for("chat.postMessage", 2))[1]
    assert "KST" in second.params["text"] and len(slack.fake.of("users.info")) == 1


@pytest.mark.parametrize("fault", FAULTS)
async def test_chat_post_ephemeral_failing_still_delivers_the_code(slack, sample_db, fault):
    fail(slack.fake, "chat.postEphemeral", fault, times=3)
    await slack.action("credits_claim_1", "1", user="U000ALICE")
    texts = await eventually(
        lambda: [t for t in private_to(slack.fake, "U000ALICE") if CODE.search(t)]
    )
    code = CODE.search(texts[0]).group(1)
    assert sample_db.held_code(1, "U000ALICE") == code
    assert sample_db.undelivered_count(1) == 0


@pytest.mark.parametrize("fault", FAULTS)
async def test_chat_post_message_failing_the_person_still_hears(slack, fault):
    fail(slack.fake, "chat.postMessage", fault, times=1)
    await slack.dm("where is coffee?")
    await eventually(lambda: any("Coffee" in t for t in private_to(slack.fake, "U000ALICE")))
    fail(slack.fake, "chat.postMessage", fault, times=3)
    await slack.action("ask_human", feedback_value("is there a prayer room?", "unknown"))
    (told,) = await slack.fake.wait_for("chat.postEphemeral")
    assert (
        "couldn't reach the organizers" in told.params["text"]
        or "passed your question to the organizers" in told.params["text"]
    )


@pytest.mark.parametrize("fault", FAULTS)
async def test_auth_test_failing_the_request_is_still_handled(slack, fault):
    fail(slack.fake, "auth.test", fault, times=3)
    status, _ = await slack.dm("where is lunch today?")
    assert status == 200
    await eventually(lambda: any("Lunch" in t for t in private_to(slack.fake, "U000ALICE")))
    status, body = await slack.command("credits", user="U000BOB")
    assert status == 200 and CODE.search(json.loads(body)["text"])


@pytest.mark.parametrize("fault", FAULTS)
async def test_conversations_members_failing_is_a_plain_answer_not_a_500(slack, sample_db, fault):
    sample_db.save_campaign("AWS $25", NOW, eligibility="channel", eligible_channel="C0000BUILD")
    slack.fake.members["C0000BUILD"] = {"U000ALICE"}
    fail(slack.fake, "conversations.members", fault, times=3)
    status, body = await slack.command("credits", user="U000ALICE")
    assert status == 200
    if body:  # answered in the ack
        text = json.loads(body)["text"]
    else:  # the lookup's retries took longer than the ack may wait: it followed
        text = (await eventually(lambda: private_to(slack.fake, "U000ALICE")))[0]
    assert "couldn't check" in text or CODE.search(text)
    assert "only for members" not in text  # a failed lookup is not a refusal


@pytest.mark.parametrize("fault", FAULTS)
async def test_views_publish_failing_is_one_line_and_the_bot_serves_on(slack, fault, caplog):
    fail(slack.fake, "views.publish", fault, times=3)
    await slack.send_event({"type": "app_home_opened", "user": "U000ALICE", "tab": "home"})
    await slack.fake.wait_for("views.publish")
    await asyncio.sleep(0.3)
    assert (await slack.health())[0] == 200
    await slack.dm("where is lunch today?")
    await eventually(lambda: any("Lunch" in t for t in private_to(slack.fake, "U000ALICE")))


@pytest.mark.parametrize("fault", FAULTS)
async def test_response_url_failing_falls_back_to_a_dm(slack, fault):
    slack.fake.not_in_channel.add("C000PRIVATE")
    fail(slack.fake, "response_url", fault, times=3)
    await slack.command("where do I get my hoodie", channel="C000PRIVATE")
    (dm,) = await slack.fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == "U000ALICE" and "hoodie" in dm.params["text"].lower()


async def test_a_code_no_way_could_deliver_is_handed_over_at_the_next_contact(slack, sample_db):
    """Ephemeral, response_url and DM all fail: the claimed code is kept as undelivered,
    listed by `confbot credits stats`, and given by DM when the person next writes."""
    fail(slack.fake, "chat.postEphemeral", "text/plain 403", times=5)
    fail(slack.fake, "response_url", "HTML 502", times=5)
    fail(slack.fake, "chat.postMessage", "text/plain 403", times=5)
    await slack.action("credits_claim_1", "1", user="U000ALICE")
    await eventually(lambda: sample_db.undelivered_count(1) == 1)
    code = sample_db.held_code(1, "U000ALICE")
    assert not any(code in t for t in private_to(slack.fake, "U000ALICE"))

    from bot.cli import main

    assert main(["--db", sample_db.path, "credits", "stats"]) == 0  # printed below, checked here
    slack.fake.faults.clear()  # Slack is well again
    await slack.dm("hi again")
    handed = await eventually(lambda: [t for t in private_to(slack.fake, "U000ALICE") if code in t])
    assert "Sorry for the delay" in handed[0]
    await eventually(lambda: sample_db.undelivered_count(1) == 0)


def test_credits_stats_lists_undelivered_codes(sample_db, capsys):
    from bot.cli import main

    sample_db.import_codes("AWS $25", ["AWS25-00001", "AWS25-00002"], NOW - timedelta(hours=1))
    sample_db.claim(1, "U000ALICE", NOW)
    sample_db.mark_undelivered(1, "U000ALICE", NOW)
    assert main(["--db", sample_db.path, "credits", "stats"]) == 0
    assert "1 claimed but not delivered yet" in capsys.readouterr().out
    assert main(["--db", sample_db.path, "credits", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["undelivered"] == 1
