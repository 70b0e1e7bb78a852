"""Builds the bolt AsyncApp and the aiohttp application that serves it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
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
from bot.logs import REDACTOR, install_redaction, quiet_libraries
from bot.scheduler import ReminderScheduler
from bot.slack.credits import SlackCredits
from bot.slack.digest import Digest
from bot.slack.errors import reason
from bot.slack.handoff import Handoffs
from bot.slack.http import SlackEndpoint
from bot.slack.listeners import register_listeners
from bot.slack.relay import Relay, serve_back, yield_the_cpu
from bot.slack.reminders import RateGate, SlackReminders
from bot.slack.services import SlackServices
from bot.slack.signature import signature_middleware
from bot.slack.zones import Zones, lookup_client
from bot.store import Store
from bot.store.threaded import StoreThread

log = logging.getLogger(__name__)
WEB_LOG = "bot.slack.web"  # the Web API clients' logger, held at WARNING (see bot.logs.QUIET)


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
    """The one Web API client for posting: retries 429 (honouring Retry-After), 5xx and lost
    connections.

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
        logger=logging.getLogger(WEB_LOG),
    )


def cached_authorization(client: AsyncWebClient, token: str):
    """Who we are (auth.test), asked once and remembered.

    bolt asks on every request by default and answers Slack with a 500 when the Web API is
    unreachable; then nothing gets answered even after Slack is back. Here a failed
    auth.test still lets the request through (answers are posted once Slack is reachable),
    and is tried again on the next request.
    """
    known: list[AuthorizeResult] = []
    asking: list[asyncio.Future] = []  # one auth.test in flight, however many requests wait

    async def ask() -> dict | None:
        try:
            response = await client.auth_test()
            return response.data if isinstance(response.data, dict) else {}
        except Exception as exc:
            log.warning("auth.test failed (%s); handling the request anyway", reason(exc))
            return None
        finally:
            asking.clear()

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        if known:
            return known[0]
        if not asking:
            asking.append(asyncio.ensure_future(ask()))
        data = await asyncio.shield(asking[0])
        if data is None:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)
        if known:
            return known[0]
        known.append(
            AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=data.get("team_id") or team_id,
                bot_token=token,
                bot_id=data.get("bot_id"),
                bot_user_id=data.get("user_id"),
            )
        )
        return known[0]

    return authorize


@contextlib.contextmanager
def _construction_warnings_held(logger: logging.Logger):
    """bolt reads SLACK_BOT_TOKEN from the environment on its own, then warns at every start
    that it will not use it (we hand it a client and an authorize function that do). Those two
    lines say nothing to an operator; they are held back while the app is built."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def build_app(
    settings: Settings, store: Store, clock: Callable[[], datetime]
) -> tuple[AsyncApp, SlackServices]:
    """The bolt app and its services. ``store`` names the database; the app works on a
    connection of its own, on the store's thread. Build it inside the running event loop."""
    install_redaction()
    quiet_libraries()
    logging.getLogger(WEB_LOG).setLevel(logging.WARNING)
    REDACTOR.add(settings.bot_token, settings.signing_secret, settings.app_token or "")
    gate = RateGate(settings.post_rate)
    client = build_client(settings, gate)
    bolt_log = logging.getLogger("bolt")
    with _construction_warnings_held(bolt_log):
        app = AsyncApp(
            client=client,
            signing_secret=settings.signing_secret,
            authorize=cached_authorization(client, settings.bot_token),
            logger=bolt_log,
            # Checked in front of bolt, quietly (bot.slack.signature).
            request_verification_enabled=False,
            # Listeners acknowledge and hand their work to services.spawn, so running them
            # before the response costs nothing, and saves bolt's 10 ms polling for the ack.
            process_before_response=True,
        )
    # short writes, committed together in a burst; the event's long reads on their own thread
    db = StoreThread(store.path, group_commit=True)
    event_db = StoreThread(store.path, name="event")
    services = SlackServices(settings, db, event_db, clock, client, Zones(lookup_client(settings)))
    services.credits = SlackCredits(services)
    services.handoffs = Handoffs(services)
    services.reminders = SlackReminders(services, gate)
    services.scheduler = ReminderScheduler(
        event_db.store,
        clock,
        services.reminders.post,
        settings.announce_channels,
        run=event_db.call,
    )
    services.digest = Digest(services)
    # done once, by the process holding the reminders' lease
    services.scheduler.chores += [services.handoffs.retry_pending, services.digest.tick]
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


async def close_services(app: AsyncApp, services: SlackServices) -> None:
    """Finish the work in flight, then close the Web API sessions and the store's thread."""
    await services.drain()
    await services.zones.close()
    for client in (app.client, services.zones.client):
        if client.session is not None:
            await client.session.close()
    for db in (services.db, services.event_db):
        await asyncio.get_running_loop().run_in_executor(None, db.close)


async def serve(
    settings: Settings,
    store: Store,
    clock: Callable[[], datetime],
    *,
    reuse_port: bool = False,
    back_command: Callable[[str], list[str]] | None = None,
    back_socket: str | None = None,
) -> None:
    """Run until stopped (SIGTERM or Ctrl-C, then the work in flight is finished).

    Socket Mode when SLACK_APP_TOKEN is set, with GET /health on $PORT when PORT is set (a
    platform's web process type needs something to answer its health check). Else HTTP on
    $PORT: this process acknowledges, and with ``back_command`` (how to start `serve` as the
    work process, given its socket) a second process does the work (bot.slack.relay); as
    that work process, ``back_socket`` is where the requests come from. ``reuse_port``:
    several `serve` processes share the port (``serve --workers N``)."""
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    app, services = build_app(settings, store, clock)
    if back_socket is not None:
        endpoint = SlackEndpoint(app, services)
        yield_the_cpu(services.event_db)  # all but the database writer's thread
        await services.scheduler.start()
        try:
            await serve_back(back_socket, endpoint.take, stopped)
        finally:
            await services.scheduler.stop()
            await close_services(app, services)
        return
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        runner = None
        if settings.port_given:
            runner = await _listen(health_app(services), settings.port, reuse_port)
            log.info("answering GET /health on port %s", settings.port)
        handler = AsyncSocketModeHandler(app, settings.app_token)
        log.info("connecting to Slack in Socket Mode")
        await services.scheduler.start()
        try:
            await handler.connect_async()
            await stopped.wait()
        finally:
            await services.scheduler.stop()
            await handler.close_async()
            if runner is not None:
                await runner.cleanup()
            await close_services(app, services)
        return
    relay = Relay(back_command) if back_command else None
    if relay is not None:
        await relay.start()  # the work process; it runs the reminders too
    else:
        await services.scheduler.start()
    runner = await _listen(build_web_app(app, services, relay), settings.port, reuse_port)
    log.info("serving Slack requests on port %s at /slack/events", settings.port)
    try:
        await stopped.wait()
    finally:
        if relay is None:
            await services.scheduler.stop()
        await runner.cleanup()
        if relay is not None:
            await relay.stop()


async def _listen(web_app: web.Application, port: int, reuse_port: bool) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)  # our own logs say enough
    await runner.setup()
    site = web.TCPSite(runner, port=port, reuse_port=reuse_port or None)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        print(f"confbot: cannot listen on port {port}: {exc.strerror}", file=sys.stderr)
        raise SystemExit(2) from None
    return runner


@web.middleware
async def malformed_is_400(request: web.Request, handler) -> web.StreamResponse:
    """A payload bolt cannot even parse (a field of the wrong type) is the sender's
    error: answer 400 and log it, rather than a 500 that invites Slack to retry."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        log.warning("malformed request to %s: %s", request.path[:100], type(exc).__name__)
        return web.json_response({"ok": False, "error": "malformed_request"}, status=400)


HEALTH_WAIT = 3.0  # seconds: the store's thread may be busy with a long read after a load


def add_health(web_app: web.Application, services: SlackServices, relay=None) -> None:
    """GET /health: 200 with the database's state, 503 when it cannot be read; with a work
    process (bot.slack.relay), whether it is up (while it is not, this process does its work)."""
    health_db = StoreThread(services.db.store.path, name="health")  # never queued behind work

    async def health(_request: web.Request) -> web.Response:
        try:
            state = await asyncio.wait_for(health_db.health(), HEALTH_WAIT)
        except TimeoutError:
            return web.json_response({"status": "ok", "database": "busy"})
        except Exception as exc:
            return web.json_response({"status": "error", "error": type(exc).__name__}, status=503)
        # which process answered: with `serve --workers N`, several share the port
        answer = {"status": "ok", "database": state, "process": os.getpid()}
        if relay is not None:
            answer["work_process"] = "up" if relay.up else "starting"
        return web.json_response(answer)

    async def close(_app: web.Application) -> None:
        await asyncio.get_running_loop().run_in_executor(None, health_db.close)

    web_app.router.add_get("/health", health)
    web_app.on_cleanup.append(close)


def health_app(services: SlackServices) -> web.Application:
    """/health alone, for Socket Mode."""
    web_app = web.Application()
    add_health(web_app, services)
    return web_app


def build_web_app(app: AsyncApp, services: SlackServices, relay=None) -> web.Application:
    """Slack requests at /slack/events (signed ones only) and GET /health."""
    web_app = web.Application(
        middlewares=[signature_middleware(services.settings.signing_secret), malformed_is_400]
    )
    endpoint = SlackEndpoint(app, services, relay)
    if relay is not None:
        relay.fallback = endpoint.take  # what the work process could not take
    web_app.router.add_post("/slack/events", endpoint.handle)
    add_health(web_app, services, relay)

    async def close(_app: web.Application) -> None:
        await close_services(app, services)

    web_app.on_cleanup.append(close)
    return web_app
