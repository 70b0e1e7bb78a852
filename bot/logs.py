"""Logging: one line per record (or one JSON object with CONFBOT_LOG_FORMAT=json), with
tokens and secrets scrubbed from every record, whoever logged it."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

# Slack tokens, and anything a caller registers (signing secret, promo codes).
_TOKEN = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")


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
        if self._pattern is not None:
            text = self._pattern.sub("[redacted]", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
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


def quiet_library_debug() -> None:
    """slack_sdk and bolt log whole request bodies at DEBUG (tokens aside, those carry the
    promo codes we deliver): keep them at INFO whatever the root level."""
    for name in ("slack_sdk", "slack_bolt", "bolt"):
        logging.getLogger(name).setLevel(
            logging.INFO
        )  # its own level: a DEBUG root cannot lower it


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    install_redaction()
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_library_debug()
