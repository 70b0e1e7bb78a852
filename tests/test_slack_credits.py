"""Promo credits through the real HTTP endpoint: a rush, double clicks, retries, admins,
and no code ever in a channel message or a log line."""

import asyncio
import json
import logging
import re
from datetime import timedelta

import aiohttp
import pytest

from bot.clock import fixed_clock
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness

NOW = vegas("2023-11-28T10:00")
CODE = re.compile(r"`([A-Z0-9-]{6,})`")


@pytest.fixture
async def slack(sample_db):
    sample_db.import_codes(
        "AWS $25", [f"AWS25-{i:05d}" for i in range(300)], NOW - timedelta(hours=1)
    )
    harness = await Harness(
        sample_db, fixed_clock(NOW), FakeSlack(), admins=("U0000ADMIN",)
    ).start()
    harness.session._connector._limit = 0  # the rush opens hundreds of connections at once
    yield harness
    await harness.stop()


def codes_in(calls) -> list[str]:
    return [m for c in calls for m in CODE.findall(str(c.params.get("text", "")))]


def acked(responses) -> list[str]:
    """The private answers Slack got in the slash commands' acknowledgements."""
    return [json.loads(body)["text"] for status, body in responses if status == 200 and body]


async def test_500_people_racing_for_300_codes(slack, sample_db, caplog):
    caplog.set_level(logging.DEBUG)
    users = [f"U{n:08d}" for n in range(500)]
    answers = acked(await asyncio.gather(*(slack.command("credits", user=u) for u in users)))
    assert len(answers) == 500
    codes = [c for a in answers for c in CODE.findall(a)]
    assert len(codes) == 300 and len(set(codes)) == 300
    assert sum("none left" in a for a in answers) == 200
    assert sample_db.campaign("AWS $25").codes_left == 0
    # Organizers heard about 20%, then zero, in the help channel, with no code in it
    alerts = [
        c.params["text"]
        for c in await slack.fake.wait_for("chat.postMessage", 3)
        if c.params["channel"] == "CHELP0001"
    ]
    assert len(alerts) == 3
    assert (
        "20% of promo codes left (60 of 300)" in alerts[0]
        and "5% of promo codes left (15 of 300)" in alerts[1]
    )
    assert "every promo code has been claimed" in alerts[2]
    posted = " ".join(str(c.params) for c in slack.fake.of("chat.postMessage"))
    assert not any(code in posted for code in codes)
    assert not any(code in caplog.text for code in codes)


async def test_one_person_pressing_20_times_gets_one_code(slack):
    answers = acked(
        await asyncio.gather(*(slack.command("credits", user="U0000EAGER") for _ in range(20)))
    )
    codes = [c for a in answers for c in CODE.findall(a)]
    assert len(codes) == 20 and len(set(codes)) == 1


async def test_retried_deliveries_and_the_dm_question_give_the_same_code(slack):
    await slack.dm("can I get AWS credits?", user="U0000ALICE", event_id="Ev0000CRED")
    await slack.dm("can I get AWS credits?", user="U0000ALICE", event_id="Ev0000CRED", retry=1)
    (first,) = await slack.fake.wait_for("chat.postMessage")
    assert first.params["channel"] == "D000ALICE"  # the DM: private
    await slack.action("credits_claim_1", "1", user="U0000ALICE", channel=None)  # App Home button
    calls = await slack.fake.wait_for("chat.postMessage", 2)
    assert calls[1].params["channel"] == "U0000ALICE"
    assert codes_in(calls[:1]) == codes_in(calls[1:]) and len(codes_in(calls)) == 2


async def test_a_mention_asking_for_credits_never_shows_the_code_in_the_channel(slack):
    event = {
        "type": "app_mention",
        "user": "U0000BOB",
        "text": "<@UBOT0001> promo credits please",
        "ts": "1.9",
        "channel": "C000GENERAL",
    }
    await slack.send_event(event)
    (private,) = await slack.fake.wait_for("chat.postEphemeral")
    assert private.params["user"] == "U0000BOB" and codes_in([private])
    assert not slack.fake.of("chat.postMessage")


async def test_app_home_offers_the_claim_button(slack):
    await slack.send_event(
        {"type": "app_home_opened", "user": "U0000ALICE", "tab": "home", "event_ts": "1.1"}
    )
    (call,) = await slack.fake.wait_for("views.publish")
    text = str(call.params["view"])
    assert "Claim my code" in text and "credits_claim_1" in text and "300 codes left" in text


async def test_several_campaigns_offer_a_choice(slack, sample_db):
    sample_db.import_codes("Builders $100", ["BLD-00001", "BLD-00002"], NOW - timedelta(hours=1))
    status, body = await slack.command("credits")
    reply = json.loads(body)
    buttons = [
        e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert reply["response_type"] == "ephemeral" and not CODE.search(reply["text"])
    assert sorted(buttons) == ["credits_claim_1", "credits_claim_2"]
    await slack.action("credits_claim_2", "2", user="U0000ALICE")  # the pick arrives privately
    (picked,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "BLD-0000" in picked.params["text"] and picked.params["user"] == "U0000ALICE"


async def test_not_open_and_not_eligible_are_explained(slack, sample_db):
    sample_db.save_campaign("AWS $25", NOW, opens_at=NOW + timedelta(hours=2))
    (later,) = acked([await slack.command("credits")])
    assert "not open yet" in later and "12:00 PM" in later
    sample_db.save_campaign(
        "AWS $25",
        NOW,
        opens_at=NOW - timedelta(hours=2),
        eligibility="channel",
        eligible_channel="C0000BUILD",
    )
    slack.fake.members["C0000BUILD"] = {"U0000DEV"}
    (outsider,) = acked([await slack.command("credits", user="U0000ALICE")])
    (member,) = acked([await slack.command("credits", user="U0000DEV")])
    assert "only for members of <#C0000BUILD>" in outsider and CODE.search(member)


async def test_admin_commands_are_for_admins_only(slack, sample_db):
    before = sample_db.campaign("AWS $25")
    await slack.command("admin credits import AWS $25 SNEAKY-0001", user="U0000ALICE")
    (refusal,) = await slack.fake.wait_for("chat.postEphemeral")
    assert "for the organizers" in refusal.params["text"]
    assert sample_db.campaign("AWS $25") == before
    await slack.command("admin credits stats", user="U0000ADMIN")
    calls = await slack.fake.wait_for("chat.postEphemeral", 2)
    assert "300 codes, 0 claimed, 300 left" in calls[1].params["text"]
    (first,) = acked([await slack.command("credits", user="U0000CAROL")])
    code = CODE.findall(first)
    await slack.command("admin credits reissue <@U0000CAROL|carol>", user="U0000ADMIN")
    await slack.fake.wait_for("chat.postEphemeral", 3)
    dm = [
        c
        for c in await slack.fake.wait_for("chat.postMessage")
        if c.params["channel"] == "U0000CAROL"
    ]
    assert dm and not codes_in(dm)  # told by DM, the new code shown only on asking
    (second,) = acked([await slack.command("credits", user="U0000CAROL")])
    assert CODE.findall(second) and CODE.findall(second) != code


async def test_serving_while_codes_are_claimed_keeps_health(slack):
    async with aiohttp.ClientSession() as session, session.get(f"{slack.url}/health") as r:
        assert r.status == 200


async def admin_says(slack, text: str) -> str:
    await slack.command(f"admin credits {text}", user="U0000ADMIN")
    await slack.services.drain()
    return slack.fake.of("chat.postEphemeral")[-1].params["text"]


async def test_admin_import_names_the_campaign_as_the_cli_does(slack, sample_db):
    reply = await admin_says(slack, 'import "AWS $25" NEW-00001 NEW-00002')
    assert "Added 2 codes to *AWS $25*" in reply
    reply = await admin_says(slack, "import --campaign “AWS $25” NEW-00003")  # typographic quotes
    assert "Added 1 codes to *AWS $25*" in reply
    reply = await admin_says(slack, "import --campaign=AWS NEW-00004")
    assert "Nothing changed" in reply and "no campaign named 'AWS'" in reply
    reply = await admin_says(slack, "import AWS $25 NEW-00005")  # unquoted: 'AWS' and a code
    assert "Nothing changed" in reply and "code 1 of 2 is not a code" in reply
    assert sample_db.campaign("AWS") is None and sample_db.campaign("AWS $25").codes_total == 303
    reply = await admin_says(slack, 'import "Builders $100" BLD-00001 --create')
    assert "Added 1 codes to *Builders $100*" in reply


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ('import "AWS $25" abc', "code 1 of 1 is not a code"),
        ('import "AWS $25" GOOD-0001 "two words"', "code 2 of 2 is not a code"),
        ('import "AWS $25" AWS25-00001', "code 1 of 1 is already in the store"),
        ('import "AWS $25', "a quote is not closed"),
        ('import "AWS $25"', "at least one code"),
    ],
)
async def test_admin_import_checks_codes_like_the_csv_import(slack, sample_db, words, problem):
    reply = await admin_says(slack, words)
    assert "Nothing changed" in reply and problem in reply
    assert sample_db.campaign("AWS $25").codes_total == 300


async def test_a_claim_slower_than_the_ack_allows_follows_privately(slack, sample_db, monkeypatch):
    from bot.slack.listeners import commands

    monkeypatch.setattr(commands, "ACK_BUDGET", 0.0)  # as if the database were busy
    status, body = await slack.command("credits", user="U0000SLOW")
    assert status == 200 and body == ""  # acknowledged at once, empty
    (private,) = await slack.fake.wait_for("chat.postEphemeral")
    assert codes_in([private]) == [sample_db.held_code(1, "U0000SLOW")]
    assert sample_db.campaign("AWS $25").codes_left == 299  # one code, not two
