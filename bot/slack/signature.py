"""Slack's request signature, checked in front of bolt, quietly.

bolt checks the signature too, but it logs the whole body of every request that fails, at
INFO: anyone who knows the URL could write megabytes to the log (and, with a newline in a
form field, lines that read as our own), and a timestamp that is not a number made it answer
500 with a traceback. Here a refused request is one short WARNING line (why, the size, a
hash of the body to tell repeats apart), at most one every few seconds, and always a 401.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.logs import Throttle

log = logging.getLogger(__name__)

MAX_AGE = 300  # seconds: Slack's own rule against replays of old requests


def check_signature(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> str | None:
    """None when Slack signed this body; otherwise why not, in a few words of our own."""
    if not timestamp:
        return "no timestamp"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "timestamp not a number"
    if abs(now - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    if not signature:
        return "no signature"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return "wrong signature"
    return None


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def signature_middleware(secret: str, path: str = "/slack/events"):
    """An aiohttp middleware: POSTs to ``path`` reach the handler only when Slack signed them."""
    throttle = Throttle(interval=10.0)

    @web.middleware
    async def verify(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != path:
            return await handler(request)
        body = await request.read()  # aiohttp refuses bodies over client_max_size (413)
        problem = check_signature(
            secret,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
            body,
            time.time(),
        )
        if problem is None:
            return await handler(request)
        skipped = throttle.take()
        if skipped is not None:
            log.warning(
                "refused a request (%s): 401, %d bytes, body sha256 %s%s",
                problem,
                len(body),
                hashlib.sha256(body).hexdigest()[:12],
                f"; {skipped} more refused since the last such line" if skipped else "",
            )
        return web.json_response({"error": "invalid request"}, status=401)

    return verify
