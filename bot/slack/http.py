"""The HTTP endpoint for Slack's requests: acknowledge first, then let bolt dispatch.

Most of what Slack sends (events, slash commands other than a claim, button presses) is
acknowledged with an empty 200 and nothing else; our listeners only hand their work on. So
the acknowledgement goes out as soon as the request is known to be Slack's (the signature,
checked in front) and well-formed, and bolt dispatches it right after, off the ack's path.
Acks then cost about what a bare endpoint costs, however busy bolt and the listeners are.

A request whose acknowledgement carries an answer goes through bolt before the response:
a claim (`/conf credits`: the code is in the ack), url_verification (the challenge),
ssl_check, and interactions other than button presses (a modal's response_action).
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

log = logging.getLogger(__name__)

ANSWERED_IN_THE_ACK = {"credits", "credit", "크레딧"}  # first words of a claim command
DISPATCHING = 16  # bolt dispatches after the ack, at once: the rest wait their turn


def acked_first(body: str, content_type: str) -> bool | None:
    """True: acknowledge with an empty 200, then dispatch. False: dispatch, then answer
    with bolt's response. None: not a Slack payload at all (answer 400)."""
    try:
        if content_type == "application/json":
            payload = json.loads(body)
            return isinstance(payload, dict) and payload.get("type") == "event_callback"
        form = parse_qs(body, keep_blank_values=True)
    except ValueError:
        return None
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return None
        return isinstance(payload, dict) and payload.get("type") == "block_actions"
    if "command" in form and "ssl_check" not in form:
        words = (form.get("text") or [""])[0].split()
        return not (words and words[0].lower() in ANSWERED_IN_THE_ACK)
    return False


class SlackEndpoint:
    def __init__(self, app: AsyncApp, services) -> None:
        self.app = app
        self.services = services
        self.dispatching = asyncio.Semaphore(DISPATCHING)

    async def handle(self, request: web.Request) -> web.Response:
        self.services.acks_first.arrived()
        try:
            return await self._handle(request)
        finally:
            self.services.acks_first.answered()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.text()  # read already, by the signature check
        first = acked_first(body, request.content_type)
        if first is None:
            log.warning("refused a signed request that is not a Slack payload (%d bytes)", len(body))
            return web.json_response({"ok": False, "error": "malformed_request"}, status=400)
        query, headers = request.query_string, dict(request.headers)
        if not first:
            bolt_request = AsyncBoltRequest(body=body, query=query, headers=headers)
            return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))
        self.services.spawn(self._dispatch(body, query, headers), "dispatching a request")
        return web.Response(status=200)

    async def _dispatch(self, body: str, query: str, headers: dict[str, str]) -> None:
        async with self.dispatching:
            try:
                bolt_request = AsyncBoltRequest(body=body, query=query, headers=headers)
                response = await self.app.async_dispatch(bolt_request)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                # fields of the wrong type (Slack signed it, so rare): nothing to answer
                log.warning("malformed request: %s", type(exc).__name__)
                return
        if response.status >= 400 and response.status != 404:  # 404: no listener wanted it
            log.warning("a request acknowledged earlier failed in dispatch: %s", response.status)
