"""Quiet, honest logs: whoever knows the URL cannot flood the log or forge lines in it; no
line per scheduler tick or per retry; no credentials from a URL anywhere; a bad setting
stops the start with one line."""

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import fixed_clock
from bot.logs import REDACTOR, install_redaction, quiet_libraries
from tests.conftest import vegas
from tests.fake_slack import FakeSlack
from tests.slack_harness import SECRET, TOKEN, Harness, ServeProcess

NOW = vegas("2023-11-28T10:00")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def slack(sample_db):
    harness = await Harness(sample_db, fixed_clock(NOW), FakeSlack()).start()
    yield harness
    await harness.stop()


def lines(caplog) -> list[str]:
    return [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.get_records("call")]


async def test_a_1_mb_unsigned_body_adds_at_most_one_short_line(slack, caplog):
    body = "payload=" + "A" * (1024 * 1024 - 8)
    caplog.clear()
    status, _ = await slack.post(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401
    logged = [line for line in lines(caplog) if "aiohttp.access" not in line]
    assert len(logged) <= 1 and all(len(line) < 200 for line in logged)
    assert "AAAA" not in caplog.text and "1048576 bytes" in caplog.text


async def test_a_flood_of_bad_requests_is_one_line_not_a_flood(slack, caplog):
    body = "payload=" + "B" * (1024 * 1024 - 8)
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}
    caplog.clear()
    statuses = await asyncio.gather(*(slack.post(body, headers) for _ in range(20)))
    assert {s for s, _ in statuses} == {401}
    refused = [line for line in lines(caplog) if "refused a request" in line]
    assert len(refused) == 1 and sum(len(line) for line in lines(caplog)) < 5000


async def test_a_timestamp_that_is_not_a_number_is_401_without_a_traceback(slack, caplog):
    headers = {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=1"}
    status, _ = await slack.post("hello", headers)
    assert status == 401
    assert not any(r.levelno >= logging.ERROR or r.exc_text for r in caplog.get_records("call"))


async def test_a_newline_in_a_request_never_starts_a_line_of_its_own(slack, caplog):
    body = "text=hi\n2024-01-01 12:00:00,000 ERROR bot.slack.app: forged line"
    status, _ = await slack.post(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401 and "forged line" not in caplog.text
    install_redaction()
    logging.getLogger("bot.test").warning("malformed request to %s", "/x\nERROR forged")
    assert "\nERROR forged" not in caplog.text and "\\nERROR forged" in caplog.text


async def test_retries_log_no_line_of_their_own(slack, caplog):
    slack.fake.fail("chat.postMessage", 429, times=1, retry_after=1)
    slack.fake.fail("chat.postMessage", 500, times=1)
    caplog.clear()
    await slack.dm("where is lunch?")
    await slack.fake.wait_for("chat.postMessage", 3, timeout=15)
    await slack.services.drain()
    assert "retry handler" not in caplog.text.lower()
    assert not [r for r in caplog.get_records("call") if r.name.startswith("slack_sdk")]


async def test_the_scheduler_ticks_quietly(caplog):
    quiet_libraries()
    scheduler = AsyncIOScheduler()
    scheduler.start()
    scheduler.add_job(lambda: None, "interval", seconds=0.05, id="tick")
    caplog.clear()
    await asyncio.sleep(0.3)
    scheduler.shutdown(wait=False)
    assert not [r for r in caplog.get_records("call") if r.name.startswith("apscheduler")]


def test_credentials_in_a_url_never_reach_a_line(caplog):
    install_redaction()
    logging.getLogger("bot.test").warning(
        "proxy https://alice:s3cret-pw@proxy.example:8080/api and http://u:p@h/x, ok https://h/a@b"
    )
    assert "s3cret-pw" not in caplog.text and "u:p@" not in caplog.text
    assert "https://[redacted]@proxy.example:8080/api" in caplog.text
    assert REDACTOR.scrub("no url here: a@b") == "no url here: a@b"


async def test_serve_with_a_password_in_slack_api_url_never_logs_it(tmp_path):
    with socket.socket() as s:  # a port nobody listens on: every call fails and is retried
        s.bind(("127.0.0.1", 0))
        dead = f"http://confbot:hunter2-pw@127.0.0.1:{s.getsockname()[1]}/api/"
    fake = FakeSlack()
    fake.url = dead
    server = ServeProcess(str(tmp_path / "c.db"), fake, env={"CONFBOT_LOG_LEVEL": "DEBUG"})
    harness = await server.start()
    try:
        await harness.dm("where is lunch?")
        await asyncio.sleep(2)
    finally:
        await server.stop(harness)
    logged = server.stderr.decode()
    assert "chat.postMessage" in logged  # the failure is logged
    assert "hunter2-pw" not in logged and TOKEN not in logged and SECRET not in logged
    assert "Traceback" not in logged
    assert "will be unused" not in logged and "will be ignored" not in logged  # bolt's start noise


def run_confbot(tmp_path, *args, **env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CONFBOT_"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "c.db"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_a_bad_log_level_stops_every_command_with_one_line(tmp_path):
    for args in (["stats"], ["serve"]):
        result = run_confbot(
            tmp_path, *args, CONFBOT_LOG_LEVEL="BOGUS", SLACK_BOT_TOKEN="xoxb-1-2-abc",
            SLACK_SIGNING_SECRET="a" * 32,
        )  # fmt: skip
        assert result.returncode == 2
        (line,) = result.stderr.strip().splitlines()
        assert "CONFBOT_LOG_LEVEL" in line and "Traceback" not in result.stderr


def test_a_malformed_api_url_is_named_without_its_password(tmp_path):
    result = run_confbot(
        tmp_path, "serve", SLACK_BOT_TOKEN="xoxb-1-2-abc", SLACK_SIGNING_SECRET="a" * 32,
        SLACK_API_URL="https://admin:hunter2-pw@proxy example/api",
    )  # fmt: skip
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "SLACK_API_URL" in line and "hunter2-pw" not in result.stderr
