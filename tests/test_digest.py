"""The daily digest of unanswered questions: posted once a day at the configured event time,
across restarts, grouped by similar wording; its Answer modal saves the answer and sends it to
everyone who asked. `confbot unanswered` groups the same way."""

import asyncio
import json
from datetime import time, timedelta

from bot.cli import main
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness
from tests.test_slack_markup import live_markup_not_ours

HELP = "CHELP0001"
ORGANIZER = "U000ORG"
ASKED = [
    ("U000ANN", "is there a prayer room?"),
    ("U000BEN", "Is there a prayer room"),
    ("U000CAT", "is there a prayer room at the venetian? <!channel>"),
    ("U000ANN", "where can I park my bike?"),
]


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


async def start(db, clock, **settings) -> Harness:
    fake = FakeSlack()
    fake.members[HELP] = {ORGANIZER}
    return await Harness(db, clock, fake, **settings).start()


def digests(fake: FakeSlack) -> list:
    return [
        c
        for c in fake.of("chat.postMessage")
        if c.params["channel"] == HELP and "could not answer" in c.params["text"]
    ]


def answer_buttons(post) -> list[tuple[str, str]]:
    return [
        (b["text"]["text"], b["accessory"]["value"])
        for b in post.params["blocks"]
        if b.get("accessory", {}).get("action_id") == "digest_answer"
    ]


async def test_the_digest_posts_once_a_day_across_restarts(sample_db):
    clock = Clock(vegas("2023-11-28T10:00"))
    slack = await start(sample_db, clock)
    try:
        for user, text in ASKED:
            await slack.dm(text, user=user)
        await slack.services.drain()
        clock.now = vegas("2023-11-28T17:59")
        assert await slack.services.digest.tick() == "not due"
        clock.now = vegas("2023-11-28T18:01")
        await slack.services.scheduler.tick()  # the chore, as the lease holder runs it
        (post,) = digests(slack.fake)
        buttons = answer_buttons(post)
        assert len(buttons) == 2
        assert buttons[0][0].startswith("*3×*") and "prayer room" in buttons[0][0]
        assert "3 people" in buttons[0][0] and "park my bike" in buttons[1][0]
        assert "@channel" not in json.dumps(post.params) or "<!channel>" not in post.params["text"]
        assert live_markup_not_ours(slack.fake) == []
        assert await slack.services.digest.tick() == "not due"  # posted: not again today
    finally:
        await slack.stop()

    clock.now = vegas("2023-11-28T18:30")
    slack = await start(sample_db, clock)  # a restart the same evening
    try:
        await slack.services.scheduler.tick()
        assert digests(slack.fake) == []
        clock.now = vegas("2023-11-29T18:05")  # the next day, nothing new unanswered
        assert await slack.services.digest.tick() == "empty"
        assert digests(slack.fake) == []
        await slack.dm("is there a nap room?", user="U000DEE")
        await slack.services.drain()
        clock.now = vegas("2023-11-30T18:00")  # only what was asked since the last digest
        assert await slack.services.digest.tick() == "posted"
        (post,) = digests(slack.fake)
        (only,) = answer_buttons(post)
        assert "nap room" in only[0]
    finally:
        await slack.stop()


async def test_answering_from_the_digest_saves_and_tells_every_asker(sample_db):
    clock = Clock(vegas("2023-11-28T10:00"))
    slack = await start(sample_db, clock)
    try:
        for user, text in ASKED:
            await slack.dm(text, user=user)
        await slack.services.drain()
        clock.now = vegas("2023-11-28T18:00")
        assert await slack.services.digest.tick() == "posted"
        (post,) = digests(slack.fake)
        group_id = answer_buttons(post)[0][1]

        await slack.action("digest_answer", group_id, user="U000NOBODY", channel=HELP)
        await slack.services.drain()
        assert slack.fake.of("views.open") == []  # not an organizer: no modal
        await slack.action("digest_answer", group_id, user=ORGANIZER, channel=HELP)
        (opened,) = await slack.fake.wait_for("views.open")
        assert opened.params["view"]["private_metadata"] == group_id

        answer = "Yes: level 2 of the Venetian, room 2101 & open 7-7."
        await slack.view_submission(
            "digest_answer_modal", group_id, {"answer": {"text": answer}}, user=ORGANIZER
        )
        await slack.services.drain()
        (saved,) = sample_db.saved_answers()
        assert saved["answer"] == answer and len(saved["questions"]) == 2
        told = {
            c.params["channel"]: c.params["text"]
            for c in slack.fake.of("chat.postMessage")
            if "organizers answered" in c.params["text"]
        }
        assert set(told) == {"U000ANN", "U000BEN", "U000CAT"}
        assert "room 2101 &amp; open" in told["U000BEN"]  # escaped like all people's text
        note = slack.fake.of("chat.postMessage")[-1]
        assert (
            note.params["thread_ts"] == post.result["ts"]
            and "sent to 3 of 3" in note.params["text"]
        )

        # submitted twice (a double click): saved once, nobody told twice
        await slack.view_submission(
            "digest_answer_modal", group_id, {"answer": {"text": answer}}, user=ORGANIZER
        )
        await slack.services.drain()
        assert len(sample_db.saved_answers()) == 1
        assert (
            sum(
                "organizers answered" in c.params["text"] for c in slack.fake.of("chat.postMessage")
            )
            == 3
        )

        before = len(slack.fake.of("chat.postMessage"))
        await slack.dm("is there a prayer room at the venetian", user="U000EVE")
        reply = (await slack.fake.wait_for("chat.postMessage", before + 1))[-1]
        assert "room 2101" in reply.params["text"] and "from the organizers" in reply.params["text"]
    finally:
        await slack.stop()


async def test_the_digest_time_is_configurable_and_can_be_off(sample_db):
    clock = Clock(vegas("2023-11-28T10:00"))
    slack = await start(sample_db, clock, digest_time=None)
    try:
        await slack.dm("is there a nap room?")
        await slack.services.drain()
        clock.now += timedelta(hours=12)
        assert await slack.services.digest.tick() == "off"
    finally:
        await slack.stop()
    slack = await start(sample_db, clock, digest_time=time(9, 30))
    try:
        clock.now = vegas("2023-11-29T09:29")
        assert await slack.services.digest.tick() == "not due"
        clock.now = vegas("2023-11-29T09:31")
        assert await slack.services.digest.tick() == "posted"
    finally:
        await slack.stop()


def test_confbot_unanswered_groups_similar_wording(sample_db, capsys):
    for n, (user, text) in enumerate(ASKED):
        main(["--db", sample_db.path, "ask", "--user", user, "--now", f"2023-11-28T10:0{n}", text])
    capsys.readouterr()
    assert main(["--db", sample_db.path, "unanswered"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].lstrip().startswith("3×") and "3 people" in lines[0]
    assert sum("also:" in line for line in lines) == 2
    assert main(["--db", sample_db.path, "unanswered", "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert [g["times"] for g in groups] == [3, 1] and groups[0]["askers"] == 3


async def test_a_second_answer_or_an_empty_one_changes_nothing(sample_db):
    clock = Clock(vegas("2023-11-28T10:00"))
    slack = await start(sample_db, clock)
    slack.fake.members[HELP].add("U000ORG2")
    try:
        await slack.dm("is there a nap room?", user="U000ANN")
        await slack.services.drain()
        clock.now = vegas("2023-11-28T18:00")
        await slack.services.digest.tick()
        group_id = answer_buttons(digests(slack.fake)[0])[0][1]
        status, body = await slack.view_submission(
            "digest_answer_modal", group_id, {"answer": {"text": "   "}}, user=ORGANIZER
        )
        assert status == 200 and json.loads(body)["response_action"] == "errors"
        first, second = await asyncio.gather(  # two organizers press Save at once
            slack.view_submission(
                "digest_answer_modal", group_id, {"answer": {"text": "Room 12, level 3."}},
                user=ORGANIZER,
            ),
            slack.view_submission(
                "digest_answer_modal", group_id, {"answer": {"text": "No."}}, user="U000ORG2"
            ),
        )  # fmt: skip
        await slack.services.drain()
        (saved,) = sample_db.saved_answers()  # one answer stands, whichever came first
        loser = "U000ORG2" if saved["answer"] == "Room 12, level 3." else ORGANIZER
        told = [c for c in slack.fake.of("chat.postMessage") if c.params["channel"] == loser]
        refused = [body for _, body in (first, second) if "Answered already" in body]
        assert len(told) + len(refused) == 1  # the other one hears it, in the form or a DM
        status, body = await slack.view_submission(
            "digest_answer_modal", group_id, {"answer": {"text": "Later."}}, user="U000ORG2"
        )
        assert json.loads(body)["response_action"] == "errors" and "Answered already" in body
        await slack.services.drain()
        assert len(sample_db.saved_answers()) == 1 and sample_db.saved_answers()[0] == saved
        await slack.action("digest_answer", group_id, user="U000ORG2", channel=HELP)
        await slack.services.drain()
        assert slack.fake.of("views.open") == []  # no empty form for an answered question
        assert "answered already" in slack.fake.of("chat.postEphemeral")[-1].params["text"]
    finally:
        await slack.stop()


async def test_questions_answered_in_the_help_channel_stay_out_of_the_digest(sample_db):
    clock = Clock(vegas("2023-11-28T10:00"))
    slack = await start(sample_db, clock)
    try:
        await slack.dm("is there a nursing room?", user="U000ANN")
        await slack.dm("is there a nap room?", user="U000BEN")
        await slack.services.drain()
        await slack.action(
            "ask_human", json.dumps({"q": "is there a nursing room?", "i": "unknown"}),
            user="U000ANN", channel="D000ANN",
        )  # fmt: skip
        await slack.services.drain()
        (post,) = [c for c in slack.fake.of("chat.postMessage") if c.params["channel"] == HELP]
        await slack.message(HELP, ORGANIZER, "Level 2, room 210.", thread_ts=post.result["ts"])
        await slack.services.drain()
        clock.now = vegas("2023-11-28T18:00")
        assert await slack.services.digest.tick() == "posted"
        (only,) = answer_buttons(digests(slack.fake)[0])
        assert "nap room" in only[0]
    finally:
        await slack.stop()


def test_a_group_is_shown_by_its_most_asked_wording_without_typos():
    from bot.unanswered import group

    def row(text, user):
        return {
            "text": text,
            "normalized": text.lower(),
            "asked_at": "2023-11-28T10:00",
            "user_id": user,
        }

    rows = [row("is there a place to store my lugage after check out", "U1"),
            row("is there a place to store my luggage after check out", "U2")]  # fmt: skip
    (g,) = group(rows)
    assert g.example == "is there a place to store my luggage after check out"
    assert g.times == 2 and g.askers == ["U1", "U2"]
    (g,) = group([rows[0], rows[0], rows[1]])  # asked more often wins over spelling
    assert g.example.endswith("lugage after check out")
    korean = group([row("짐 보관할 곳이 있나요?", "U3"), row("짐 보관할 곳 있나요", "U4")])
    assert [g.times for g in korean] == [2]  # Korean groups too (no tokenizer needed)
