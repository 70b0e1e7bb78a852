"""One way to read a failed Slack call, whatever came back, that never raises.

slack_sdk hands back what the peer sent: a dict for JSON, a ``str`` for a ``text/plain`` body
("403: Forbidden" from a proxy), an empty dict for an HTML error page, and for JSON that does
not parse an exception whose ``response`` is the raw aiohttp response. Code that calls
``.get`` on any of these raises in the very handler that meant to log and carry on, so every
failed call is read here instead.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import aiohttp

SNIPPET = 60  # characters of an unexpected body worth a log line; never the whole body
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class SlackFailure:
    """What a failed call amounts to: the HTTP status (None when there was no answer),
    Slack's error code or the first bytes of the body, and Retry-After when one was sent."""

    status: int | None
    error: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.error}" if self.status is not None else self.error


def read_failure(exc: BaseException) -> SlackFailure:
    """Read any exception from a Slack call. Never raises: at worst it names the type."""
    try:
        return _read(exc)
    except Exception:  # a peer's answer shaped like nothing above: still one honest line
        return SlackFailure(None, type(exc).__name__)


def reason(exc: BaseException) -> str:
    """The failure as a short line for the log, without the request (which may carry a
    token or a promo code) and without the URL (which may carry credentials)."""
    return str(read_failure(exc))


def _read(exc: BaseException) -> SlackFailure:
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return SlackFailure(None, "no answer in time")
    if isinstance(exc, aiohttp.ClientConnectionError):
        return SlackFailure(None, f"cannot reach Slack ({type(exc).__name__})")
    response = getattr(exc, "response", None)
    if response is None:
        return SlackFailure(None, type(exc).__name__)
    status = _status(response)
    headers = getattr(response, "headers", None) or {}
    retry_after = _retry_after(headers)
    # A parsed answer has .data; JSON that did not parse leaves the raw aiohttp response,
    # whose body aiohttp keeps in ._body.
    data = getattr(response, "data", None)
    if data is None:
        data = getattr(response, "_body", None)
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, str) and error:
            return SlackFailure(status, _clean(error), retry_after)
        if not data:  # slack_sdk drops a body that is not JSON (an HTML error page)
            kind = _content_type(headers)
            return SlackFailure(status, f"a {kind} answer, not JSON", retry_after)
        return SlackFailure(status, "no error code in the answer", retry_after)
    if isinstance(data, bytes | bytearray):
        data = bytes(data[:2048]).decode("utf-8", "replace")
    if isinstance(data, str) and data.strip():
        return SlackFailure(status, _snippet(data), retry_after)
    return SlackFailure(status, "empty answer", retry_after)


def _status(response: Any) -> int | None:
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def _retry_after(headers: Any) -> float | None:
    try:
        items = headers.items()
    except AttributeError:
        return None
    for key, value in items:
        if str(key).lower() == "retry-after":
            value = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None


def _content_type(headers: Any) -> str:
    try:
        items = headers.items()
    except AttributeError:
        return "non-JSON"
    for key, value in items:
        if str(key).lower() == "content-type":
            value = value[0] if isinstance(value, list) and value else value
            return _clean(str(value).split(";")[0]) or "non-JSON"
    return "non-JSON"


def _snippet(body: str) -> str:
    """The start of an unexpected body: an HTML page's title, else its first characters,
    on one line of printable text."""
    if title := _TITLE.search(body):
        body = title.group(1)
    return _clean(_TAGS.sub(" ", body))


def _clean(text: str) -> str:
    text = "".join(c if c.isprintable() else " " for c in text)
    text = " ".join(text.split())
    return text[:SNIPPET] + ("…" if len(text) > SNIPPET else "") or "empty answer"
