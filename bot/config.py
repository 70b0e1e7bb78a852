"""Settings from the environment, read once at start; a bad one stops the start with one
clear line naming it. Tokens are kept out of every repr."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from bot.logs import LEVELS, valid_level

SLACK_API_DEFAULT = "https://slack.com/api/"


class ConfigError(Exception):
    """A missing or malformed setting."""


def slack_ids(raw: str, name: str, pattern: str) -> tuple[str, ...]:
    """Comma- or space-separated Slack IDs, each checked against ``pattern``."""
    values = tuple(v.strip() for v in re.split(r"[,\s]+", raw) if v.strip())
    for value in values:
        if not re.fullmatch(pattern, value):
            raise ConfigError(f"{name}: '{value}' is not a Slack ID (like {pattern[1:3]}0123ABCD)")
    return values


def _time_of_day(text: str, name: str) -> time | None:
    """'18:00' (24-hour, the event's time), or 'off'."""
    if text.lower() in {"off", "none", "no", "0"}:
        return None
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if match is None:
        raise ConfigError(f"{name}: '{text}' is not a time like 18:00 (or 'off')")
    return time(int(match.group(1)), int(match.group(2)))


def _number(text: str, name: str, most: float, unit: str) -> float:
    """A positive number up to ``most``, or a ConfigError naming the setting."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= most:
        raise ConfigError(f"{name}: '{text}' is not a number of {unit} (up to {most:g})")
    return value


@dataclass(frozen=True)
class Settings:
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = SLACK_API_DEFAULT
    db: str = "./confbot.db"
    admins: tuple[str, ...] = ()
    help_channel: str | None = None
    announce_channels: tuple[str, ...] = ()
    port: int = 3000
    port_given: bool = False  # PORT was set: Socket Mode then answers /health on it too
    log_format: str = "text"
    log_level: str = "INFO"
    post_rate: float = 50.0  # messages per second the bot allows itself (Slack's limits)
    api_timeout: float = 10.0  # seconds before a Web API call counts as failed
    remind_minutes: int = 15  # a personal reminder comes this long before (plus the walk)
    # when the day's unanswered questions go to the help channel (event time); None: never
    digest_time: time | None = time(18, 0)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        def get(name: str) -> str:
            return env.get(name, "").strip()

        bot_token = get("SLACK_BOT_TOKEN")
        if not bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...)"
            )
        if not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        app_token = get("SLACK_APP_TOKEN") or None
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        signing_secret = get("SLACK_SIGNING_SECRET")
        if not signing_secret and not app_token:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests"
            )
        if signing_secret and not re.fullmatch(r"[0-9a-fA-F]{16,}", signing_secret):
            raise ConfigError(
                "SLACK_SIGNING_SECRET is malformed: expected the hex string from Basic Information"
            )
        api_url = get("SLACK_API_URL") or SLACK_API_DEFAULT
        if not re.fullmatch(r"https?://[^\s/@]*@?[^\s/@]+(/\S*)?", api_url):
            # Not echoed: a URL may carry a password (https://user:password@proxy/...).
            raise ConfigError(
                "SLACK_API_URL is not an http(s) URL like https://slack.com/api/ "
                "(its value is not shown: it may hold a password)"
            )
        if not api_url.endswith("/"):
            api_url += "/"
        port_text = get("PORT") or "3000"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"PORT: '{port_text}' is not a port number")
        log_format = get("CONFBOT_LOG_FORMAT") or "text"
        if log_format not in {"text", "json"}:
            raise ConfigError("CONFBOT_LOG_FORMAT must be text or json")
        log_level = valid_level(get("CONFBOT_LOG_LEVEL") or "INFO")
        if log_level is None:
            raise ConfigError(f"CONFBOT_LOG_LEVEL must be one of {', '.join(LEVELS)}")
        post_rate = _number(
            get("CONFBOT_POST_RATE") or "50", "CONFBOT_POST_RATE", 10_000, "messages per second"
        )
        api_timeout = _number(
            get("CONFBOT_API_TIMEOUT") or "10", "CONFBOT_API_TIMEOUT", 300, "seconds"
        )
        remind_minutes = _number(
            get("CONFBOT_REMIND_MINUTES") or "15", "CONFBOT_REMIND_MINUTES", 24 * 60, "minutes"
        )
        help_channel = get("CONFBOT_HELP_CHANNEL") or None
        if help_channel:
            slack_ids(help_channel, "CONFBOT_HELP_CHANNEL", r"[CG][A-Z0-9]{6,}")
        return cls(
            bot_token=bot_token,
            signing_secret=signing_secret or "0" * 32,
            app_token=app_token,
            api_url=api_url,
            db=get("CONFBOT_DB") or "./confbot.db",
            admins=slack_ids(get("CONFBOT_ADMINS"), "CONFBOT_ADMINS", r"[UW][A-Z0-9]{6,}"),
            help_channel=help_channel,
            announce_channels=slack_ids(
                get("CONFBOT_ANNOUNCE_CHANNELS"), "CONFBOT_ANNOUNCE_CHANNELS", r"[CG][A-Z0-9]{6,}"
            ),
            port=int(port_text),
            port_given=bool(get("PORT")),
            log_format=log_format,
            log_level=log_level,
            post_rate=post_rate,
            api_timeout=api_timeout,
            remind_minutes=int(remind_minutes),
            digest_time=_time_of_day(get("CONFBOT_DIGEST_TIME") or "18:00", "CONFBOT_DIGEST_TIME"),
        )
