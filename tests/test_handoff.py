""" "Ask a human" closes the loop, end to end against the fake Slack: the question reaches the
help channel with nothing live in it, an organizer's reply in the thread reaches the asker's
DM, the asker's reply goes back, *Save as answer* teaches the bot, and the next person asking
gets that answer. Restarts in the middle lose nothing; retried events relay nothing twice."""

import json
import re

import pytest

from bot.clock import fixed_clock
from bot.slack.handoff import handoff_request
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import Harness
from tests.test_slack_markup import live_markup_not_ours

NOW = vegas("2023-11-28T10:00")
HELP = "CHELP0001"
ORGANIZER = "U000ORG"
QUESTION = "<!here> is there a prayer room? <@U0EVIL01>"


async def start(db, **settings) -> Harness:
    fake = FakeSlack()
    fake.members[HELP] = {ORGANIZER}
    return await Harness(db, fixed_clock(NOW), fake, **settings).start()


def posts(fake: FakeSlack, channel: str) -> list:
    return [c for c in fake.of("chat.postMessage") if c.params.get("channel") == channel]


def button_value(call, action_id: str) -> str:
    for block in call.params.get("blocks") or []:
        for element in block.get("elements") or [block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button in {call.params.get('blocks')}")


async def ask_and_hand_over(slack: Harness, text: str = QUESTION):
    """A DM question the bot cannot answer, then Ask a human: the help post."""
    await slack.dm(text)
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    await slack.action("ask_human", button_value(answer, "ask_human"), channel="D000ALICE")
    await slack.services.drain()
    (post,) = posts(slack.fake, HELP)
    return post


async def test_the_whole_loop_survives_restarts(sample_db):
    slack = await start(sample_db)
    try:
        help_post = await ask_and_hand_over(slack)
        shown = json.dumps(help_post.params)
        assert "<@U000ALICE>" in help_post.params["text"] and "in a DM" in help_post.params["text"]
        assert "@here is there a prayer room? @U0EVIL01" in shown  # as typed, nothing live
        assert "did not know" in shown and "Language: English" in shown
        assert live_markup_not_ours(slack.fake) == []
        told = [c.params["text"] for c in slack.fake.of("chat.postEphemeral")]
        assert "Their answer will come to you in a DM from me" in told[-1]
        help_ts = help_post.result["ts"]
    finally:
        await slack.stop()

    slack = await start(sample_db)  # a restart between the question and the reply
    try:
        reply = "Yes: level 2, room 2101. <https://map.example/p|Map> <!channel>"
        reply_ts, (status, _) = await slack.message(
            HELP, ORGANIZER, reply, thread_ts=help_ts, event_id="EvREPLY1"
        )
        assert status == 200
        await slack.services.drain()
        await slack.message(HELP, ORGANIZER, reply, thread_ts=help_ts, event_id="EvREPLY1", retry=1)
        await slack.services.drain()
        (relayed,) = posts(slack.fake, "D000ALICE")  # once, though Slack sent it twice
        text = relayed.params["text"]
        assert f"An organizer (<@{ORGANIZER}>) answered" in text
        assert "level 2, room 2101" in text and "Map (https://map.example/p)" in text
        assert "@channel" in text and "<!channel>" not in text
        (reaction,) = slack.fake.of("reactions.add")
        assert reaction.params["timestamp"] == help_ts and reaction.params["channel"] == HELP
        (offer,) = [c for c in posts(slack.fake, HELP) if c.params.get("thread_ts") == help_ts]
        save_value = button_value(offer, "save_answer")

        # the asker answers back in the DM thread: it reaches the help thread
        await slack.message(
            "D000ALICE", "U000ALICE", "Thanks! Is it open at 7 <!here>?",
            thread_ts=relayed.result["ts"],
        )  # fmt: skip
        await slack.services.drain()
        back = [c for c in posts(slack.fake, HELP) if "replied" in c.params["text"]]
        assert len(back) == 1 and back[0].params["thread_ts"] == help_ts
        forwarded = slack.fake.of("reactions.add")[-1].params
        assert forwarded["channel"] == "D000ALICE"  # the asker sees it went through
        assert "Is it open at 7 @here?" in back[0].params["text"]
        assert live_markup_not_ours(slack.fake) == []
    finally:
        await slack.stop()

    slack = await start(sample_db)  # and another before the save
    try:
        await slack.action("save_answer", save_value, user="U000MALLORY", channel=HELP)
        await slack.services.drain()
        assert sample_db.saved_answers() == []  # not an organizer
        refused = slack.fake.of("chat.postEphemeral")[-1].params["text"]
        assert "Only organizers" in refused
        await slack.action("save_answer", save_value, user=ORGANIZER, channel=HELP)
        await slack.services.drain()
        (saved,) = sample_db.saved_answers()
        assert saved["question"] == "@here is there a prayer room? @U0EVIL01"
        assert saved["answer"].startswith("Yes: level 2, room 2101.")
        (update,) = slack.fake.of("chat.update")
        assert "Saved by" in update.params["text"]

        # the next person asking gets the organizers' answer, confidently
        await slack.dm("Is there a prayer room?", user="U000BOB")
        (answer,) = await slack.fake.wait_for("chat.postMessage")
        assert "level 2, room 2101" in answer.params["text"]
        assert "from the organizers" in answer.params["text"]
        assert "@channel" in answer.params["text"] and "<!channel>" not in answer.params["text"]

        # editing the reply in Slack updates the answer
        await slack.edit(HELP, ORGANIZER, reply_ts, "Yes: level 3, room 3105.", thread_ts=help_ts)
        await slack.services.drain()
        assert sample_db.saved_answers()[0]["answer"] == "Yes: level 3, room 3105."
        await slack.dm("prayer room?", user="U000CAROL")
        later = (await slack.fake.wait_for("chat.postMessage", 2))[-1]
        assert "level 3, room 3105" in later.params["text"]
    finally:
        await slack.stop()


async def test_typing_human_hands_over_the_last_question(sample_db):
    slack = await start(sample_db)
    try:
        await slack.dm("is there a nap room?")
        await slack.fake.wait_for("chat.postMessage")
        await slack.dm("talk to a person")
        await slack.services.drain()
        (post,) = posts(slack.fake, HELP)
        assert "is there a nap room?" in post.params["text"]
        await slack.dm("사람이랑 이야기하고 싶어요", user="U000KIM")
        await slack.services.drain()
        told = slack.fake.of("chat.postEphemeral")[-1].params["text"]
        assert "운영진에게 무엇을" in told  # no question yet: asked what it is, in Korean
        await slack.dm("human: where can I charge my phone?", user="U000DAN")
        await slack.services.drain()
        assert "where can I charge my phone?" in posts(slack.fake, HELP)[-1].params["text"]
    finally:
        await slack.stop()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("human", ""),
        ("Talk to a persn", ""),
        ("I want to talk to a human!", ""),
        ("사람과 이야기하고 싶어요", ""),
        ("human: is there a prayer room?", "is there a prayer room?"),
        ("human - where is the pharmacy", "where is the pharmacy"),
        ("talk to a person, my badge is broken", "my badge is broken"),
        ("where is lunch, please", None),
        ("is there a human rights talk?", None),
        ("where is lunch", None),
        ("", None),
    ],
)
def test_handoff_phrases(text, expected):
    assert handoff_request(text) == expected


async def test_a_relay_slack_refused_is_sent_later(sample_db):
    slack = await start(sample_db)
    try:
        help_ts = (await ask_and_hand_over(slack, "is there a prayer room?")).result["ts"]
        slack.fake.fail("chat.postMessage", 500, times=10)  # beyond the client's own retries
        await slack.message(HELP, ORGANIZER, "Room 2101.", thread_ts=help_ts)
        await slack.services.drain()
        assert posts(slack.fake, "D000ALICE")[-1].status == 500
        slack.fake.faults.clear()
        sample_db.db.execute("UPDATE handoff_messages SET at = '2000-01-01T00:00:00+00:00'")
        assert await slack.services.handoffs.retry_pending() == 1
        delivered = [c for c in posts(slack.fake, "D000ALICE") if c.status == 200]
        assert "Room 2101." in delivered[-1].params["text"]
        assert await slack.services.handoffs.retry_pending() == 0  # and only once
    finally:
        await slack.stop()


async def test_replies_elsewhere_are_not_relayed(sample_db):
    slack = await start(sample_db)
    try:
        help_ts = (await ask_and_hand_over(slack, "is there a prayer room?")).result["ts"]
        await slack.message(HELP, ORGANIZER, "unrelated", thread_ts="1699999999.000001")
        await slack.message(HELP, ORGANIZER, "a new top-level message")
        await slack.message("C000GENERAL", ORGANIZER, "hi", thread_ts=help_ts)
        await slack.services.drain()
        assert len(posts(slack.fake, "D000ALICE")) == 1  # the bot's own answer, nothing since
        assert not re.search("answered", json.dumps([c.params for c in slack.fake.calls]))
        assert slack.fake.of("reactions.add") == []
    finally:
        await slack.stop()


async def test_asked_in_a_channel_the_post_links_there_and_a_note_follows_the_answer(sample_db):
    slack = await start(sample_db)
    try:
        await slack.action(
            "ask_human", json.dumps({"q": "is there a prayer room?", "i": "unknown"})
        )
        await slack.services.drain()
        (post,) = posts(slack.fake, HELP)
        head = post.params["blocks"][0]["text"]["text"]
        assert "in <#C000GENERAL> (<https://test.slack.com/archives/C000GENERAL/p" in head
        await slack.message(HELP, ORGANIZER, "Room 2101.", thread_ts=post.result["ts"])
        await slack.services.drain()
        assert "Room 2101." in posts(slack.fake, "D000ALICE")[-1].params["text"]
        note = slack.fake.of("chat.postEphemeral")[-1].params
        assert note["channel"] == "C000GENERAL" and note["user"] == "U000ALICE"
        assert "see your DM" in note["text"]
        await slack.message(HELP, ORGANIZER, "It opens at 7.", thread_ts=post.result["ts"])
        await slack.services.drain()
        assert "added" in posts(slack.fake, "D000ALICE")[-1].params["text"]
        assert len(slack.fake.of("chat.postEphemeral")) == 2  # the note came once
        assert len(slack.fake.of("reactions.add")) == 1 and len(slack.fake.of("chat.update")) == 1
    finally:
        await slack.stop()


async def test_save_offers_each_reply_and_saves_the_one_pressed(sample_db):
    slack = await start(sample_db)
    try:
        help_ts = (await ask_and_hand_over(slack, "is there a pharmacy nearby?")).result["ts"]
        answer_ts, _ = await slack.message(
            HELP, ORGANIZER, "Yes: CVS, Grand Canal Shoppes.", thread_ts=help_ts
        )
        await slack.services.drain()
        await slack.message(HELP, ORGANIZER, "You're welcome, feel better!", thread_ts=help_ts)
        await slack.services.drain()
        later = posts(slack.fake, "D000ALICE")[-1].params["text"]
        assert (
            'An organizer (<@U000ORG>) added, on your question "is there a pharmacy nearby?"'
            in later
        )
        (update,) = slack.fake.of("chat.update")  # the one offer, now quoting both replies
        offered = [
            (b["text"]["text"], b["accessory"]["value"])
            for b in update.params["blocks"]
            if b.get("accessory", {}).get("action_id") == "save_answer"
        ]
        assert [text for text, _ in offered] == [
            "> Yes: CVS, Grand Canal Shoppes.",
            "> You're welcome, feel better!",
        ]
        await slack.action("save_answer", offered[0][1], user=ORGANIZER, channel=HELP)
        await slack.services.drain()
        (saved,) = sample_db.saved_answers()
        assert (
            saved["answer"] == "Yes: CVS, Grand Canal Shoppes." and saved["source_ts"] == answer_ts
        )
        # deleting that reply in Slack takes the answer away
        await slack.send_event(
            {"type": "message", "subtype": "message_deleted", "channel": HELP, "hidden": True,
             "deleted_ts": answer_ts, "ts": "1700009999.000001",
             "previous_message": {"type": "message", "user": ORGANIZER, "ts": answer_ts}}
        )  # fmt: skip
        await slack.services.drain()
        assert sample_db.saved_answers() == []
    finally:
        await slack.stop()


async def test_human_after_several_questions_asks_which(sample_db):
    slack = await start(sample_db)
    try:
        await slack.dm("where can I leave my bags after checkout?")
        await slack.dm("that's not what I asked")
        await slack.services.drain()
        await slack.dm("human")
        await slack.services.drain()
        assert posts(slack.fake, HELP) == []  # nothing yet: which one?
        asked = slack.fake.of("chat.postEphemeral")[-1].params
        assert "Which question" in asked["text"]
        choices = [e for b in asked["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert [c["text"]["text"] for c in choices] == [
            "that's not what I asked",
            "where can I leave my bags after checkout?",
        ]
        await slack.action("ask_human", choices[1]["value"], channel="D000ALICE")
        await slack.services.drain()
        (post,) = posts(slack.fake, HELP)
        assert "> where can I leave my bags after checkout?" in post.params["text"]
    finally:
        await slack.stop()


async def test_human_by_mention_and_slash_command(sample_db):
    slack = await start(sample_db)
    try:
        await slack.send_event(
            {"type": "app_mention", "user": "U000BOB", "channel": "C000GENERAL", "ts": "1.1",
             "text": "<@UBOT0001> human: is there a nursing room?"}
        )  # fmt: skip
        await slack.command("human: where can I print my boarding pass?", user="U000CAT")
        await slack.services.drain()
        shown = [c.params["text"] for c in posts(slack.fake, HELP)]
        assert len(shown) == 2
        assert any("> is there a nursing room?" in t and "UBOT0001" not in t for t in shown)
        assert any("> where can I print my boarding pass?" in t for t in shown)
    finally:
        await slack.stop()


async def test_a_reply_under_the_answer_handed_over_reaches_the_help_thread(sample_db):
    slack = await start(sample_db)
    try:
        help_ts = (await ask_and_hand_over(slack, "is there a pharmacy nearby?")).result["ts"]
        # the button was under the bot's answer (the harness's message 1700000000.000777)
        await slack.message("D000ALICE", "U000ALICE", "it's urgent, my flight is at 3",
                            thread_ts="1700000000.000777")  # fmt: skip
        await slack.services.drain()
        back = [c for c in posts(slack.fake, HELP) if c.params.get("thread_ts") == help_ts]
        assert len(back) == 1 and "it's urgent, my flight is at 3" in back[0].params["text"]
        assert len(posts(slack.fake, "D000ALICE")) == 1  # not answered as a new question
    finally:
        await slack.stop()


async def test_a_long_reply_reaches_the_asker_whole(sample_db):
    slack = await start(sample_db)
    try:
        help_ts = (await ask_and_hand_over(slack, "what should I do?")).result["ts"]
        reply = "\n".join(f"Step {n}: " + "do the thing carefully. " * 8 for n in range(40))
        await slack.message(HELP, ORGANIZER, reply, thread_ts=help_ts)
        await slack.services.drain()
        relayed = posts(slack.fake, "D000ALICE")[-1].params["blocks"]
        shown = "\n".join(b["text"]["text"] for b in relayed if b["type"] == "section")
        assert all(len(b["text"]["text"]) <= 3000 for b in relayed if b["type"] == "section")
        assert "> Step 0: " in shown and "> Step 39: " in shown  # nothing lost
    finally:
        await slack.stop()


async def test_saving_an_answer_closes_the_same_question_handed_over_by_others(sample_db):
    slack = await start(sample_db)
    try:
        for user, text in [
            ("U000BOB", "is there a pharmacy in the Venetian?"),
            ("U000CAT", "Is there a pharmacy in the venetian"),
            ("U000DAN", "is there a nap room?"),
        ]:
            await slack.action(
                "ask_human",
                json.dumps({"q": text, "i": "unknown"}),
                user=user,
                channel=f"D{user[1:]}",
            )
            await slack.services.drain()
        bob, cat, dan = posts(slack.fake, HELP)
        await slack.message(HELP, ORGANIZER, "Yes: CVS, level 2.", thread_ts=bob.result["ts"])
        await slack.services.drain()
        (offer,) = [
            c for c in posts(slack.fake, HELP) if c.params.get("thread_ts") == bob.result["ts"]
        ]
        await slack.action(
            "save_answer", button_value(offer, "save_answer"), user=ORGANIZER, channel=HELP
        )
        await slack.services.drain()
        told = [c.params["text"] for c in posts(slack.fake, "D000CAT")]
        assert len(told) == 1 and "CVS, level 2." in told[0]
        assert posts(slack.fake, "D000DAN") == []  # another question: not told
        marked = {c.params["timestamp"] for c in slack.fake.of("reactions.add")}
        assert marked == {bob.result["ts"], cat.result["ts"]}
        note = [c for c in posts(slack.fake, HELP) if c.params.get("thread_ts") == cat.result["ts"]]
        assert "saved answer #1" in note[0].params["text"]
    finally:
        await slack.stop()


async def test_people_mentioned_in_a_reply_show_by_name_and_nothing_live(sample_db):
    slack = await start(sample_db)
    slack.fake.users["U000BOB"] = {
        "tz": "Asia/Seoul",
        "profile": {"display_name": "bob <!channel>"},
    }
    try:
        help_ts = (await ask_and_hand_over(slack, "who can help with my badge?")).result["ts"]
        await slack.message(HELP, ORGANIZER, "Ask <@U000BOB> at the badge desk, or <@U000NOBODY>.",
                            thread_ts=help_ts)  # fmt: skip
        await slack.services.drain()
        text = posts(slack.fake, "D000ALICE")[-1].params["text"]
        assert "Ask @bob &lt;!channel&gt; at the badge desk" in text
        assert "<@U000BOB>" not in text and "<!channel>" not in text
        assert live_markup_not_ours(slack.fake) == []
    finally:
        await slack.stop()


async def test_thanks_is_answered_briefly_and_never_handed_over(sample_db):
    slack = await start(sample_db)
    try:
        await slack.dm("is there a nap room?")
        await slack.services.drain()
        await slack.dm("thanks!")
        await slack.services.drain()
        thanked = posts(slack.fake, "D000ALICE")[-1].params
        assert thanked["text"].startswith("You're welcome")
        assert not any(b["type"] == "actions" for b in thanked["blocks"])  # no 👍 nor a human
        await slack.dm("human")
        await slack.services.drain()
        (post,) = posts(slack.fake, HELP)  # the question, not "thanks!"
        assert "> is there a nap room?" in post.params["text"]
        assert [r["text"] for r in sample_db.unanswered_since(None)] == ["is there a nap room?"]
    finally:
        await slack.stop()


async def test_a_message_with_no_text_is_described_and_not_ticked(sample_db):
    slack = await start(sample_db)
    try:
        help_ts = (await ask_and_hand_over(slack, "is there a prayer room?")).result["ts"]
        await slack.message(HELP, ORGANIZER, "Room 2101.", thread_ts=help_ts)
        await slack.services.drain()
        relayed = posts(slack.fake, "D000ALICE")[-1]
        ticks = len(slack.fake.of("reactions.add"))
        await slack.message("D000ALICE", "U000ALICE", "", thread_ts=relayed.result["ts"])  # a photo
        await slack.services.drain()
        back = [c for c in posts(slack.fake, HELP) if "replied" in c.params["text"]]
        assert "no text, such as a file or an image" in back[-1].params["text"]
        assert len(slack.fake.of("reactions.add")) == ticks  # nothing went through to tick
    finally:
        await slack.stop()
