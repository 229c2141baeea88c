"""Logging set-up: text or JSON lines on stderr, per-module levels, access log on/off.

Options (declared here, registered with :func:`sqlgateway.config.register`):

* ``sql-gateway.log.format``  ``text`` (default) or ``json`` (one JSON object per line)
* ``sql-gateway.log.level``   root level of the ``sqlgateway`` loggers (default ``INFO``)
* ``sql-gateway.log.levels``  per-module levels, ``module=LEVEL,module=LEVEL``
  (e.g. ``sqlgateway.engine=DEBUG,uvicorn.error=WARNING``)
* ``sql-gateway.log.access``  ``true``/``false``: one line per HTTP request on the
  ``sqlgateway.access`` logger (written by :mod:`sqlgateway.rest.accesslog`)

Extra fields passed with ``logger.info(msg, extra={...})`` become JSON keys (or ``k=v`` pairs in
text mode), so event logs stay machine readable.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

from sqlgateway.config import Option, Settings, parse_bool, register

ACCESS_LOGGER = "sqlgateway.access"
_HANDLER_NAME = "sqlgateway-log"
_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET")


def parse_format(text: str) -> str:
    value = text.strip().lower()
    if value not in ("text", "json"):
        raise ValueError(f"log format must be text or json, not {text!r}")
    return value


def parse_level(text: str) -> str:
    value = text.strip().upper()
    if value == "WARN":
        value = "WARNING"
    if value not in _LEVELS:
        raise ValueError(f"unknown log level {text!r} (one of {', '.join(_LEVELS)})")
    return value


def parse_levels(text: str) -> dict[str, str]:
    """``a.b=DEBUG, c=WARN`` -> ``{"a.b": "DEBUG", "c": "WARNING"}``; empty text -> ``{}``."""
    out: dict[str, str] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ValueError(f"log level entry {item!r} must look like module=LEVEL")
        module, level = (part.strip() for part in item.split("=", 1))
        if not module:
            raise ValueError(f"log level entry {item!r} names no module")
        out[module] = parse_level(level)
    return out


LOG_FORMAT = Option(
    "sql-gateway.log.format",
    parse_format,
    "text",
    "Log line format: text or json (one JSON object per line).",
)
LOG_LEVEL = Option(
    "sql-gateway.log.level",
    parse_level,
    "INFO",
    "Level of the gateway's loggers (DEBUG, INFO, WARNING, ERROR).",
)
LOG_LEVELS = Option(
    "sql-gateway.log.levels",
    parse_levels,
    "",
    "Per-module levels: module=LEVEL,module=LEVEL (e.g. sqlgateway.engine=DEBUG).",
)
LOG_ACCESS = Option(
    "sql-gateway.log.access",
    parse_bool,
    "false",
    "Write one access-log line per HTTP request (logger sqlgateway.access). Off by default, as "
    "in Flink: under many concurrent clients the log handler's lock costs throughput.",
)
register(LOG_FORMAT, LOG_LEVEL, LOG_LEVELS, LOG_ACCESS)

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName"}


def record_extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}


def _iso_time(created: float) -> str:
    millis = int((created % 1) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{millis:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, extras, exc (if any)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": _iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record_extras(record).items():
            out.setdefault(key, value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``2026-01-01T00:00:00.000Z INFO logger: message k=v``."""

    def format(self, record: logging.LogRecord) -> str:
        head = f"{_iso_time(record.created)} {record.levelname} {record.name}"
        line = f"{head}: {record.getMessage()}"
        extras = record_extras(record) if record.name != ACCESS_LOGGER else {}
        if extras:
            line += " " + " ".join(f"{k}={_text_value(v)}" for k, v in extras.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _text_value(value: object) -> str:
    text = str(value)
    return json.dumps(text) if (" " in text or not text) else text


def _install_handler(formatter: logging.Formatter, stream: TextIO) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root.addHandler(handler)


def apply_levels(level: str, levels: dict[str, str], access: bool) -> None:
    """Root and ``sqlgateway`` loggers at ``level``; then per-module overrides."""
    logging.getLogger().setLevel(level)
    logging.getLogger("sqlgateway").setLevel(level)
    logging.getLogger(ACCESS_LOGGER).setLevel("INFO" if access else "CRITICAL")
    logging.getLogger(ACCESS_LOGGER).disabled = not access
    for module, module_level in levels.items():
        logging.getLogger(module).setLevel(module_level)


def configure_logging(
    settings: Settings, stream: TextIO | None = None, level: str | None = None
) -> None:
    """Install the gateway's log handler on the root logger (idempotent: replaces its own).
    ``level`` (e.g. from ``--log-level``) overrides ``sql-gateway.log.level``."""
    fmt = settings.get(LOG_FORMAT)
    formatter: logging.Formatter = JsonFormatter() if fmt == "json" else TextFormatter()
    _install_handler(formatter, stream if stream is not None else sys.stderr)
    root_level = parse_level(level) if level else settings.get(LOG_LEVEL)
    apply_levels(root_level, settings.get(LOG_LEVELS), settings.get(LOG_ACCESS))
    # uvicorn's own handlers would print a second, differently formatted line
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def access_log_enabled(settings: Settings) -> bool:
    return bool(settings.get(LOG_ACCESS))
