"""Builds the bolt AsyncApp and the aiohttp application that serves it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.logs import REDACTOR, install_redaction, quiet_library_debug
from bot.scheduler import ReminderScheduler
from bot.slack.credits import SlackCredits
from bot.slack.listeners import register_listeners
from bot.slack.reminders import RateGate, SlackReminders
from bot.slack.services import SlackServices, reason
from bot.store import Store

log = logging.getLogger(__name__)


class GatedRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After, then retries), which also tells the
    shared gate, so every other sender holds off for the same time."""

    def __init__(self, gate: RateGate, max_retry_count: int):
        super().__init__(max_retry_count=max_retry_count)
        self.gate = gate

    async def prepare_for_next_attempt_async(
        self, *, state, request, response=None, error=None
    ) -> None:
        if response is not None:
            retry_after = next(
                (v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"]
            )
            value = retry_after[0] if isinstance(retry_after, list) else retry_after
            self.gate.pause(float(value) if str(value).replace(".", "", 1).isdigit() else 1.0)
        await super().prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


def build_client(settings: Settings, gate: RateGate | None = None) -> AsyncWebClient:
    """The one Web API client: retries 429 (honouring Retry-After), 5xx and lost connections.

    It keeps one HTTP session, so calls reuse connections; without one, slack_sdk opens a
    new session and connection for every call (several times slower under a rush).
    Build it inside the running event loop.
    """
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=int(settings.api_timeout),
        # slack_sdk applies its timeout only to sessions it makes itself: this one needs its
        # own, or a hung Slack holds every call for aiohttp's default of five minutes.
        session=aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64),
            timeout=aiohttp.ClientTimeout(total=settings.api_timeout),
        ),
        retry_handlers=[
            GatedRateLimitHandler(gate or RateGate(), max_retry_count=10),
            AsyncServerErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def cached_authorization(client: AsyncWebClient, token: str):
    """Who we are (auth.test), asked once and remembered.

    bolt asks on every request by default and answers Slack with a 500 when the Web API is
    unreachable; then nothing gets answered even after Slack is back. Here a failed
    auth.test still lets the request through (answers are posted once Slack is reachable),
    and is tried again on the next request.
    """
    known: list[AuthorizeResult] = []

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        if known:
            return known[0]
        try:
            response = await client.auth_test()
        except Exception as exc:
            log.warning("auth.test failed (%s); handling the request anyway", reason(exc))
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)
        known.append(
            AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=response.get("team_id") or team_id,
                bot_token=token,
                bot_id=response.get("bot_id"),
                bot_user_id=response.get("user_id"),
            )
        )
        return known[0]

    return authorize


def build_app(
    settings: Settings, store: Store, clock: Callable[[], datetime]
) -> tuple[AsyncApp, SlackServices]:
    install_redaction()
    quiet_library_debug()
    REDACTOR.add(settings.bot_token, settings.signing_secret, settings.app_token or "")
    gate = RateGate(settings.post_rate)
    client = build_client(settings, gate)
    app = AsyncApp(
        client=client,
        signing_secret=settings.signing_secret,
        authorize=cached_authorization(client, settings.bot_token),
        logger=logging.getLogger("bolt"),
    )
    services = SlackServices(settings, store, clock, client)
    services.credits = SlackCredits(services)
    services.reminders = SlackReminders(services, gate)
    services.scheduler = ReminderScheduler(
        store, clock, services.reminders.post, settings.announce_channels
    )
    register_listeners(app, services)

    @app.error
    async def on_error(error: Exception, body: dict) -> None:
        # One place for what a listener did not expect: log it (scrubbed), keep serving.
        kind = body.get("type") or body.get("command") or "request"
        log.error(
            "listener failed on %s: %s",
            kind,
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__),
        )

    return app, services


async def serve(settings: Settings, store: Store, clock: Callable[[], datetime]) -> None:
    """Run until stopped: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on $PORT."""

    app, services = build_app(settings, store, clock)
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        log.info("connecting to Slack in Socket Mode")
        await services.scheduler.start()
        try:
            await AsyncSocketModeHandler(app, settings.app_token).start_async()
        finally:
            await services.scheduler.stop()
        return
    runner = web.AppRunner(build_web_app(app, services), access_log=None)  # our own logs say enough
    await runner.setup()
    site = web.TCPSite(runner, port=settings.port)
    await site.start()
    await services.scheduler.start()
    log.info("serving Slack requests on port %s at /slack/events", settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await services.scheduler.stop()
        await runner.cleanup()


@web.middleware
async def malformed_is_400(request: web.Request, handler) -> web.StreamResponse:
    """A payload bolt cannot even parse (a field of the wrong type) is the sender's
    error: answer 400 and log it, rather than a 500 that invites Slack to retry."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        log.warning("malformed request to %s: %s", request.path, type(exc).__name__)
        return web.json_response({"ok": False, "error": "malformed_request"}, status=400)


def build_web_app(app: AsyncApp, services: SlackServices) -> web.Application:
    """Slack requests at /slack/events and GET /health with the database's state."""
    web_app = app.web_app(path="/slack/events")
    web_app.middlewares.append(malformed_is_400)

    async def health(_request: web.Request) -> web.Response:
        try:
            state = services.store.health()  # a few indexed counts: well under a millisecond
        except Exception as exc:
            return web.json_response({"status": "error", "error": type(exc).__name__}, status=503)
        return web.json_response({"status": "ok", "database": state})

    web_app.router.add_get("/health", health)

    async def close_client(_app: web.Application) -> None:
        if app.client.session is not None:
            await app.client.session.close()

    web_app.on_cleanup.append(close_client)
    return web_app
