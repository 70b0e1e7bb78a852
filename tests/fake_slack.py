"""A local fake of the Slack Web API: an aiohttp server that records every call and can be
told to misbehave for a number of calls, the way Slack and the proxies in front of it do:
429 with Retry-After, 500, a text/plain "403: Forbidden", an HTML 502 page, JSON that does
not parse."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200  # what the fake answered
    result: dict[str, Any] = field(default_factory=dict)  # and the body it answered with


class FakeSlack:
    instances: list[FakeSlack] = []  # every fake made in this test run, for the secrets scan

    def __init__(self) -> None:
        FakeSlack.instances.append(self)
        self.calls: list[Call] = []
        self.faults: list[
            tuple[str, int, int, str]
        ] = []  # (method or "*", status, retry_after, body)
        self.users: dict[str, dict[str, Any]] = {}
        self.not_in_channel: set[str] = set()
        self.members: dict[str, set[str]] = {}
        self.limit: tuple[str, int] | None = None  # (method, calls per 1-second window)
        self.delay = 0.0  # seconds to sit on every call (a Slack that times out)
        self.delays: dict[str, float] = {}  # seconds to sit on calls of one method
        self._window = (0, 0)  # (second, calls in it)
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.changed = asyncio.Event()
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes sent to its upload URL
        self.sockets: list[web.WebSocketResponse] = []  # Socket Mode connections, newest last

    # -- control --------------------------------------------------------------------------------

    def fail(
        self, method: str, status: int, times: int, retry_after: int = 0, body: str = "json"
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" for any) with ``status`` and a
        body of the given kind: "json" (Slack's own error shape), "text" (text/plain, as a
        proxy sends), "html" (an error page) or "badjson" (JSON content type, not JSON)."""
        self.faults.extend([(method, status, retry_after, body)] * times)

    def rate_limit(self, method: str, per_second: int) -> None:
        """Enforce a limit as Slack does: past it, 429 with Retry-After until the window ends."""
        self.limit = (method, per_second)

    def _over_limit(self, method: str) -> int | None:
        if self.limit is None or self.limit[0] != method:
            return None
        second = int(time.monotonic())
        start, count = self._window
        if start != second:
            start, count = second, 0
        if count >= self.limit[1]:
            self._window = (start, count)
            return 1  # whole seconds, as Slack sends
        self._window = (start, count + 1)
        return None

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``method`` was called ``count`` times (the bot works after the ack)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.of(method)) < count:
            if loop.time() > deadline:
                raise AssertionError(
                    f"{method}: {len(self.of(method))} calls, wanted {count}; saw {[c.method for c in self.calls]}"
                )
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=0.05)
        return self.of(method)

    # -- server ---------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.handle)
        app.router.add_post("/response/{token}", self.handle_response_url)
        app.router.add_post("/upload/{file_id}", self.handle_upload)
        app.router.add_get("/socket", self.handle_socket)
        app.router.add_get("/_counts", self.handle_counts)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api/"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if delay := self.delays.get(method, self.delay):
            await asyncio.sleep(delay)
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params = await request.json()
        else:  # a form body, and parameters slack_sdk puts in the query string (conversations.open)
            params = {**request.query, **(await request.post())}
        for key in ("blocks", "view"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if (retry_after := self._over_limit(method)) is not None:
            self.calls.append(Call(method + ":429", params, dict(request.headers)))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        self.calls.append(Call(method, params, dict(request.headers)))
        self.changed.set()
        for n, (name, status, retry_after, kind) in enumerate(self.faults):
            if name in (method, "*"):
                del self.faults[n]
                self.calls[-1].status = status
                return self.fault_response(status, retry_after, kind)
        self.calls[-1].result = self.answer(method, params)
        return web.json_response(self.calls[-1].result)

    @staticmethod
    def fault_response(status: int, retry_after: int, kind: str) -> web.Response:
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        if kind == "text":
            return web.Response(text=f"{status}: Forbidden", status=status, headers=headers)
        if kind == "html":
            page = f"<html><head><title>{status} Bad Gateway</title></head><body><h1>{status} Bad Gateway</h1></body></html>"
            return web.Response(text=page, status=status, content_type="text/html", headers=headers)
        if kind == "badjson":
            return web.Response(
                text='{"ok": false, "error": ', status=status, content_type="application/json",
                headers=headers,
            )  # fmt: skip
        body = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
        return web.json_response(body, status=status, headers=headers)

    async def handle_response_url(self, request: web.Request) -> web.Response:
        params = await request.json()
        self.calls.append(Call("response_url", params, dict(request.headers)))
        self.changed.set()
        for n, (name, status, retry_after, kind) in enumerate(self.faults):
            if name == "response_url":
                del self.faults[n]
                self.calls[-1].status = status
                return self.fault_response(status, retry_after, kind)
        return web.Response(text="ok")

    async def handle_upload(self, request: web.Request) -> web.Response:
        """files.uploadV2's second step: the file's bytes, POSTed to the URL we gave out."""
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id}, dict(request.headers)))
        self.changed.set()
        return web.Response(text="OK")

    def uploaded(self) -> list[tuple[dict, bytes]]:
        """Files shared by files.completeUploadExternal: (its parameters, the file's bytes)."""
        out = []
        for call in self.of("files.completeUploadExternal"):
            files = call.params.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            for f in files:
                out.append((call.params, self.uploads.get(f["id"], b"")))
        return out

    async def handle_counts(self, _request: web.Request) -> web.Response:
        """How many calls of each method so far (for a fake running as a process of its own)."""
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return web.json_response(counts)

    async def handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then record what the app sends back (acknowledgements)."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self.changed.set()
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                self.calls.append(Call("socket_ack", json.loads(message.data)))
                self.changed.set()
        return ws

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        """Deliver an envelope (events_api, slash_commands, interactive) over Socket Mode."""
        await self.sockets[-1].send_json(envelope)

    @property
    def response_url(self) -> str:
        return self.url.replace("/api/", "/response/T1B1") if self.url else ""

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "confbot",
                "team_id": "T000TEST",
                "user_id": "UBOT0001",
                "bot_id": "BBOT0001",
            }
        if method == "users.info":
            user = self.users.get(params.get("user", ""), {"tz": "America/Los_Angeles"})
            return {"ok": True, "user": {"id": params.get("user"), **user}}
        if method in {"chat.postMessage", "chat.postEphemeral"}:
            if params.get("channel") in self.not_in_channel:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message_ts": ts}
        if method == "conversations.members":
            return {
                "ok": True,
                "members": sorted(self.members.get(params.get("channel", ""), set())),
                "response_metadata": {"next_cursor": ""},
            }
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "permalink": f"https://test.slack.com/archives/{params.get('channel')}/p{ts}",
            }
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}"}}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V000TEST"}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", ""))[1:]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            upload = self.url.replace("/api/", f"/upload/{file_id}")
            return {"ok": True, "upload_url": upload, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "apps.connections.open":
            return {
                "ok": True,
                "url": self.url.replace("http://", "ws://").replace("/api/", "/socket"),
            }
        return {"ok": True}


async def _serve_alone() -> None:
    """`python -m tests.fake_slack`: the fake as a process of its own (the benchmarks keep the
    load generator's process for sending); prints its URL, serves until stdin closes."""
    import sys

    fake = FakeSlack()
    print(await fake.start(), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await fake.stop()


if __name__ == "__main__":
    asyncio.run(_serve_alone())
