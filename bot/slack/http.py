"""The HTTP endpoint for Slack's requests: acknowledge first, then let bolt dispatch.

Most of what Slack sends (events, slash commands other than a claim, button presses) is
acknowledged with an empty 200 and nothing else; our listeners only hand their work on. So
the acknowledgement goes out as soon as the request is known to be Slack's (the signature,
checked in front) and well-formed, and bolt dispatches it right after, off the ack's path.
Acks then cost about what a bare endpoint costs, however busy bolt and the listeners are.

A request whose acknowledgement carries an answer is answered before the response: a claim
(`/conf credits`: the code is in the ack) by the claim's own handler, without bolt's
dispatch (in a rush, claims are most of the traffic, and each saves a millisecond of
bolt's middleware); url_verification (the challenge), ssl_check, and interactions other than
button presses (a modal's response_action) through bolt.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from urllib.parse import parse_qs, unquote_plus

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.listeners.commands import claim_command, is_claim

log = logging.getLogger(__name__)

DISPATCHING = 16  # bolt dispatches after the ack, at once: the rest wait their turn
LATER, CLAIM, NOW = "later", "claim", "now"


# Interactions whose acknowledgement carries an answer (a modal's response_action, options).
ANSWERED_INTERACTIONS = ("view_submission", "block_suggestion", "dialog_")
_TEXT = re.compile(r"(?:^|&)text=([^&]*)")


def classify(body: str, content_type: str) -> tuple[str, dict[str, str]] | None:
    """LATER: acknowledge with an empty 200, then dispatch. CLAIM: a claim command (its
    form fields come along). NOW: dispatch through bolt, answer with its response. None: not
    a Slack payload at all (answer 400).

    Cheap on the common kinds, since every acknowledgement pays for it: an event or a button
    press is known without parsing its body (only what may need an answer in the ack is
    parsed); a slash command's few fields are."""
    try:
        if content_type == "application/json":
            if "url_verification" not in body:  # events: acknowledged first
                return LATER, {}
            payload = json.loads(body)
            verify = isinstance(payload, dict) and payload.get("type") == "url_verification"
            return (NOW if verify else LATER), {}
        if body.startswith("payload=") or "&payload=" in body:
            answered = any(kind in body for kind in ANSWERED_INTERACTIONS)
            return (NOW if answered else LATER), {}
        if "command=" in body and "ssl_check=" not in body:
            text = _TEXT.search(body)
            if not is_claim(unquote_plus(text.group(1)) if text else ""):
                return LATER, {}  # the rest of its fields are bolt's to read
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    except ValueError:
        return None
    if "command" in form and "ssl_check" not in form:
        return (CLAIM if is_claim(form.get("text", "")) else LATER), form
    return NOW, {}


class SlackEndpoint:
    """POST /slack/events. With a ``relay`` (bot.slack.relay), requests acknowledged first
    are handed to the work process; without one, or while it is away, dispatched here."""

    def __init__(self, app: AsyncApp, services, relay=None) -> None:
        self.app = app
        self.services = services
        self.relay = relay
        self.dispatching = asyncio.Semaphore(DISPATCHING)

    async def take(self, body: str, query: str, headers: dict[str, str]) -> None:
        """A request acknowledged elsewhere (by the front process): dispatch it here."""
        self.services.spawn(self._dispatch(body, query, headers), "dispatching a request")

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()  # read already, by the signature check
        kind = classify(body, request.content_type)
        if kind is None:
            log.warning(
                "refused a signed request that is not a Slack payload (%d bytes)", len(body)
            )
            return web.json_response({"ok": False, "error": "malformed_request"}, status=400)
        kind, form = kind
        if kind == CLAIM:
            ack, url = AsyncAck(), form.get("response_url")
            respond = AsyncRespond(response_url=url) if url else None
            await claim_command(self.services, form, ack, respond)
            return await to_aiohttp_response(ack.response or BoltResponse(status=200, body=""))
        query, headers = request.query_string, dict(request.headers)
        if kind == NOW:
            bolt_request = AsyncBoltRequest(body=body, query=query, headers=headers)
            return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))
        if self.relay is None or not self.relay.send(body, query, headers):
            await self.take(body, query, headers)
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
