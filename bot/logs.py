"""Logging: one line per record (or one JSON object with CONFBOT_LOG_FORMAT=json), with
tokens, secrets and credentials in URLs scrubbed from every record, whoever logged it, and
libraries kept to what an operator needs (no line per scheduler tick or per retry)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from datetime import UTC, datetime

# Slack tokens, and anything a caller registers (signing secret, promo codes).
_TOKEN = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
# user:password@ in a URL (a proxy's, or SLACK_API_URL's): the whole userinfo goes.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Redactor(logging.Filter):
    """Replaces secrets in a record's message and arguments before any handler sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, *secrets: str) -> None:
        self.secrets |= {s for s in secrets if s and len(s) >= 6}
        if self.secrets:
            self._pattern = re.compile(
                "|".join(re.escape(s) for s in sorted(self.secrets, key=len, reverse=True))
            )

    def scrub(self, text: str) -> str:
        text = _TOKEN.sub("[redacted]", text)
        text = _URL_CREDENTIALS.sub(r"\1[redacted]@", text)
        if self._pattern is not None:
            text = self._pattern.sub("[redacted]", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        # A message is one line: a newline from a request (a path, a form field) must not
        # start what reads as a record of its own.
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        record.msg, record.args = self.scrub(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.scrub(text), None
        return True


REDACTOR = Redactor()
_installed = False


def install_redaction() -> None:
    """Scrub every log record as it is made, so no handler (ours, pytest's, a library's)
    ever sees a token, the signing secret or a registered secret."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        REDACTOR.filter(record)
        return record

    logging.setLogRecordFactory(scrubbed_record)
    _installed = True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


# Loggers held at WARNING whatever the root level, each by its own name: slack_sdk decides
# whether to write a line per request or per retry from the level of the very logger it was
# given (unset is 0, which it reads as DEBUG), not from the effective level. Their DEBUG lines
# carry whole request bodies (promo codes) and their INFO lines the URL (credentials).
QUIET = (
    "slack_sdk",
    "slack_sdk.web.async_client",
    "slack_sdk.web.async_base_client",
    "slack_sdk.webhook.async_client",
    "slack_bolt",
    "bolt",
    "apscheduler",  # a line per job run: every 10 s tick
)


def quiet_libraries() -> None:
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def valid_level(text: str) -> str | None:
    """The level name for CONFBOT_LOG_LEVEL (any case), or None when it is not one."""
    name = text.strip().upper()
    return name if name in LEVELS else None


class Throttle:
    """At most one line per ``interval`` seconds for one kind of event; the next line says
    how many were left out. Anyone who can send requests can trigger these events."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self._last = float("-inf")
        self._skipped = 0
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """None: stay quiet. Otherwise log now, mentioning the returned count left out."""
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.interval:
                self._skipped += 1
                return None
            self._last, skipped, self._skipped = now, self._skipped, 0
            return skipped


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Logging for `confbot serve`. ``level`` must be valid (Settings checks it)."""
    install_redaction()
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries()
