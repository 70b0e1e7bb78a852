"""The floor for acknowledgements: a bare aiohttp endpoint that checks Slack's signature (the
same check `confbot serve` runs) and answers 200, nothing else. Whatever `confbot serve` adds
above this is the cost of bolt, the listeners and the work after the ack.

    python -m bench.floor PORT      (SLACK_SIGNING_SECRET in the environment)

bench.mixed starts it as a process of its own, as it starts `confbot serve`, and sends both
the same traffic from the same client in the same run.
"""

from __future__ import annotations

import os
import sys

from aiohttp import web

from bot.slack.signature import signature_middleware


def floor_app(secret: str) -> web.Application:
    app = web.Application(middlewares=[signature_middleware(secret)])

    async def ack(_request: web.Request) -> web.Response:
        return web.Response(status=200)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "process": os.getpid()})

    app.router.add_post("/slack/events", ack)
    app.router.add_get("/health", health)
    return app


def main() -> None:
    web.run_app(
        floor_app(os.environ["SLACK_SIGNING_SECRET"]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        access_log=None,
        print=None,
    )


if __name__ == "__main__":
    main()
