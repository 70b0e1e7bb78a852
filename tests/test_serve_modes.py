"""`confbot serve` as operators run it: in Socket Mode (with GET /health on $PORT for a
platform's web process type) and as several workers sharing one port."""

import asyncio
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import aiohttp

from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store
from tests.fake_slack import FakeSlack
from tests.slack_harness import ServeProcess


async def test_socket_mode_answers_health_on_port_and_events_over_the_socket(tmp_path):
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(str(tmp_path / "c.db"), fake, env={"SLACK_APP_TOKEN": "xapp-1-A1-1-abc"})
    harness = await server.start()  # it waits for GET /health on $PORT to answer 200
    try:
        for _ in range(200):
            if fake.sockets:
                break
            await asyncio.sleep(0.05)
        event = {"type": "message", "channel": "D000ALICE", "channel_type": "im",
                 "user": "U000ALICE", "text": "where is lunch today?", "ts": "1.1"}  # fmt: skip
        await fake.socket_send(
            {"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
             "payload": {"type": "event_callback", "event_id": "EvSOCKET1", "event": event}}
        )  # fmt: skip
        (answer,) = await fake.wait_for("chat.postMessage")
        assert "Lunch" in answer.params["text"]
        acks = await fake.wait_for("socket_ack")
        assert acks[0].params["envelope_id"] == "env-1"
        status, body = await harness.health()
        assert status == 200 and body["database"]["event"] == "AWS re:Invent 2023"
    finally:
        await server.stop(harness)
        await fake.stop()
    logged = server.stderr.decode()
    assert "Traceback" not in logged and "will be unused" not in logged


async def test_workers_share_the_port_and_stop_together(tmp_path):
    db = str(tmp_path / "c.db")
    store = Store(db)
    load_file(store, SAMPLE_EVENT)
    store.close()
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(db, fake, args=("--workers", "2"))
    harness = await server.start()
    pids: set[int] = set()
    try:
        for _ in range(400):  # fresh connections: the kernel spreads them over the workers
            async with aiohttp.ClientSession() as s, s.get(f"{harness.url}/health") as r:
                pids.add((await r.json())["process"])
            if len(pids) == 2:
                break
            await asyncio.sleep(0.05)  # the second may still be starting
        assert len(pids) == 2
        for n in range(10):
            await harness.dm("where is lunch today?", user=f"U000USER{n}")
        await fake.wait_for("chat.postMessage", 10)
        await asyncio.sleep(0.5)
        answered = Counter(c.params["user"] for c in fake.of("users.info"))
        assert len(fake.of("chat.postMessage")) == 10 and len(answered) == 10
        holders = {Store(db).lease_holder("reminders")}
        assert len(holders) == 1 and None not in holders  # one of them posts reminders
    finally:
        await server.stop(harness)
        await fake.stop()
    for pid in pids:  # every worker stopped with the supervisor
        try:
            os.kill(pid, 0)
            raise AssertionError(f"worker {pid} outlived the supervisor")
        except ProcessLookupError:
            pass
    assert "Traceback" not in server.stderr.decode()


def test_the_procfile_names_a_process_type_per_mode():
    root = Path(__file__).resolve().parent.parent
    procfile = dict(
        line.split(":", 1) for line in (root / "Procfile").read_text().splitlines() if line
    )
    assert procfile["web"].strip().startswith("confbot serve")
    assert procfile["worker"].strip().startswith("confbot serve")
    guide = (root / "docs" / "operations.md").read_text()
    assert "worker:" in guide and "Socket Mode" in guide and "--workers" in guide


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


async def test_the_work_process_killed_the_front_answers_and_starts_it_again(tmp_path):
    fake = FakeSlack()
    await fake.start()
    server = ServeProcess(str(tmp_path / "c.db"), fake)
    harness = await server.start()
    try:
        assert (await harness.health())[1]["work_process"] == "up"
        (back,) = children(server.proc.pid)
        os.kill(back, signal.SIGKILL)
        await harness.dm("where is lunch today?", user="U000ALICE")  # while it is away
        (answer,) = await fake.wait_for("chat.postMessage", timeout=15)
        assert "Lunch" in answer.params["text"]
        for _ in range(200):  # and it comes back
            if (await harness.health())[1]["work_process"] == "up":
                break
            await asyncio.sleep(0.1)
        assert (await harness.health())[1]["work_process"] == "up"
        assert children(server.proc.pid) and children(server.proc.pid) != [back]
        await harness.dm("where is coffee?", user="U000BOB")
        await fake.wait_for("chat.postMessage", 2, timeout=15)
    finally:
        await server.stop(harness, kill=True)  # SIGKILL the front: its work process goes too
        await fake.stop()
    for _ in range(50):
        if not any(Path(f"/proc/{pid}").exists() for pid in children(server.proc.pid)):
            break
        await asyncio.sleep(0.1)
    out = subprocess.run(["pgrep", "-f", str(tmp_path / "c.db")], capture_output=True, text=True)
    assert out.stdout.strip() == "", "a work process outlived its front"
