"""Runs the real bot (bolt AsyncApp on aiohttp, real slack_sdk client, real SQLite file)
against the fake Slack Web API, and sends it signed requests in Slack's payload shapes."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.slack.app import build_app, build_web_app
from bot.store import Store
from tests.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace("y", "1").replace("z", "2")
TOKEN = "xoxb-1111-2222-testtokenvalue"


class Harness:
    def __init__(self, store: Store, clock, fake: FakeSlack, **settings):
        self.store, self.clock, self.fake = store, clock, fake
        self.settings_overrides = settings
        self.url = ""
        self._ids = itertools.count(1)
        self.session: aiohttp.ClientSession | None = None

    @classmethod
    def remote(cls, url: str, fake: FakeSlack) -> Harness:
        """A harness that only sends requests, to a server running elsewhere (a process)."""
        harness = cls.__new__(cls)
        harness.url, harness.fake = url, fake
        harness._ids = itertools.count(1)
        harness.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return harness

    async def start(self) -> Harness:
        api_url = self.settings_overrides.pop("api_url", None) or await self.fake.start()
        self.settings = Settings(
            bot_token=TOKEN,
            signing_secret=SECRET,
            api_url=api_url,
            db=self.store.path,
            help_channel="CHELP0001",
            **self.settings_overrides,
        )
        self.app, self.services = build_app(self.settings, self.store, self.clock)
        self.runner = web.AppRunner(build_web_app(self.app, self.services))
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        self.session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self.session:
            await self.session.close()
        await self.runner.cleanup()
        await self.fake.stop()

    # -- signed requests -----------------------------------------------------------------------

    def headers(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        content_type: str = "application/json",
    ) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            "Content-Type": content_type,
        }

    def trigger_id(self) -> str:
        """Slack gives every slash command and button press a trigger_id of its own (unique
        across harnesses: a restarted server remembers the ones it has seen)."""
        return f"13345224609.{next(self._ids)}.{uuid.uuid4().hex[:20]}"

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        async with self.session.post(
            f"{self.url}/slack/events", data=body.encode(), headers=headers
        ) as r:
            return r.status, await r.text()

    async def send_event(
        self, event: dict, *, event_id: str | None = None, retry: int | None = None, **sign
    ) -> tuple[int, str]:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T000TEST",
                "api_app_id": "A000TEST",
                "event": event,
                "type": "event_callback",
                "event_id": event_id
                or f"Ev{next(self._ids):08d}{uuid.uuid4().hex[:8]}",  # unique across restarts
                "event_time": int(time.time()),
                "authorizations": [{"team_id": "T000TEST", "user_id": "UBOT0001", "is_bot": True}],
            }
        )
        headers = self.headers(body, **sign)
        if retry is not None:
            headers.update(
                {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            )
        return await self.post(body, headers)

    async def dm(self, text: str, user: str = "U000ALICE", **kw) -> tuple[int, str]:
        ts = f"1700000000.{next(self._ids):06d}"
        return await self.send_event(
            {
                "type": "message",
                "channel": "D000ALICE",
                "channel_type": "im",
                "user": user,
                "text": text,
                "ts": ts,
                "event_ts": ts,
            },
            **kw,
        )

    async def command(
        self,
        text: str,
        user: str = "U000ALICE",
        channel: str = "C000GENERAL",
        command: str = "/conf",
    ) -> tuple[int, str]:
        body = urlencode(
            {
                "token": "legacy", "team_id": "T000TEST", "team_domain": "test", "channel_id": channel,
                "channel_name": "general", "user_id": user, "user_name": "alice", "command": command,
                "text": text, "api_app_id": "A000TEST", "response_url": self.fake.response_url,
                "trigger_id": self.trigger_id(),
            }
        )  # fmt: skip
        return await self.post(
            body, self.headers(body, content_type="application/x-www-form-urlencoded")
        )

    async def action(
        self,
        action_id: str,
        value: str,
        user: str = "U000ALICE",
        channel: str | None = "C000GENERAL",
    ) -> tuple[int, str]:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "alice", "team_id": "T000TEST"},
            "api_app_id": "A000TEST",
            "token": "legacy",
            "team": {"id": "T000TEST", "domain": "test"},
            "trigger_id": self.trigger_id(),
            "response_url": self.fake.response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "feedback",
                    "value": value,
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if not channel:  # App Home: no channel and no response_url
            del payload["response_url"]
        if channel:
            payload["container"] = {
                "type": "message",
                "message_ts": "1700000000.000777",
                "channel_id": channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel, "name": "general"}
            payload["message"] = {"ts": "1700000000.000777", "text": "answer"}
        else:
            payload["container"] = {"type": "view", "view_id": "V000TEST"}
            payload["view"] = {"id": "V000TEST", "type": "home"}
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(
            body, self.headers(body, content_type="application/x-www-form-urlencoded")
        )

    async def message(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None, **kw
    ) -> tuple[str, tuple[int, str]]:
        """A person's message in a channel (or a DM, "D…"), in a thread when ``thread_ts`` is
        given: (its ts, the response)."""
        ts = f"1700001000.{next(self._ids):06d}"
        event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
                 "event_ts": ts, "channel_type": "im" if channel.startswith("D") else "channel"}  # fmt: skip
        if thread_ts:
            event["thread_ts"] = thread_ts
        return ts, await self.send_event(event, **kw)

    async def edit(self, channel: str, user: str, ts: str, text: str, thread_ts: str | None = None):
        """A person edits their message (Slack's message_changed event)."""
        message = {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts,
                   "edited": {"user": user, "ts": f"{time.time():.6f}"}}  # fmt: skip
        return await self.send_event(
            {
                "type": "message",
                "subtype": "message_changed",
                "channel": channel,
                "message": message,
                "ts": f"{time.time():.6f}",
                "hidden": True,
            }  # fmt: skip
        )

    async def view_submission(
        self, callback_id: str, private_metadata: str, values: dict, user: str = "U000ALICE"
    ) -> tuple[int, str]:
        """A modal's Submit: ``values`` as {block_id: {action_id: text}}."""
        state = {b: {a: {"type": "plain_text_input", "value": v} for a, v in actions.items()}
                 for b, actions in values.items()}  # fmt: skip
        payload = {
            "type": "view_submission",
            "team": {"id": "T000TEST", "domain": "test"},
            "user": {"id": user, "team_id": "T000TEST"},
            "api_app_id": "A000TEST",
            "token": "legacy",
            "trigger_id": self.trigger_id(),
            "view": {
                "id": "V000MODAL",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": state},
                "team_id": "T000TEST",
                "app_id": "A000TEST",
            },  # fmt: skip
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(
            body, self.headers(body, content_type="application/x-www-form-urlencoded")
        )

    async def health(self) -> tuple[int, dict]:
        async with self.session.get(f"{self.url}/health") as r:
            return r.status, await r.json()


class ServeProcess:
    """`confbot serve` in a subprocess, as an operator runs it, with a Harness to talk to it."""

    def __init__(
        self,
        db: str,
        fake: FakeSlack,
        *,
        now: str = "2023-11-28T12:00",
        env: dict | None = None,
        args: tuple[str, ...] = (),
    ):
        self.db, self.fake, self.now, self.extra_env = db, fake, now, env or {}
        self.args = args  # more `serve` options, e.g. ("--workers", "2")
        self.proc = None
        self.stderr = b""

    def command(self, port: int) -> list[str]:
        import sys

        return [
            sys.executable,
            "-m",
            "bot",
            "--db",
            self.db,
            "serve",
            "--now",
            self.now,
            *self.args,
        ]

    async def start(self) -> Harness:
        import asyncio
        import os
        import socket
        import tempfile

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.fake.url,
            "PORT": str(port),
            **self.extra_env,
        }
        if "SLACK_APP_TOKEN" not in self.extra_env:
            env.pop("SLACK_APP_TOKEN", None)
        root = Path(__file__).resolve().parent.parent
        # stderr to a file, not a pipe: a pipe nobody reads fills up and blocks the server
        self.log = tempfile.NamedTemporaryFile(prefix="confbot-serve-", suffix=".log", delete=False)  # noqa: SIM115 (open while it runs)
        self.proc = await asyncio.create_subprocess_exec(
            *self.command(port), cwd=root, env=env, stdout=asyncio.subprocess.DEVNULL,
            stderr=self.log,
        )  # fmt: skip
        harness = Harness.remote(f"http://127.0.0.1:{port}", self.fake)
        for _ in range(300):
            try:
                if (await harness.health())[0] == 200:
                    return harness
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("confbot serve did not come up")

    async def stop(self, harness: Harness, *, kill: bool = False) -> None:
        await harness.session.close()
        if self.proc.returncode is None:
            self.proc.kill() if kill else self.proc.terminate()
        await self.proc.wait()
        self.log.close()
        self.stderr = Path(self.log.name).read_bytes()
        Path(self.log.name).unlink()
