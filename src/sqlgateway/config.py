"""Every gateway option, declared once, and the loader that builds the frozen ``Settings``.

Precedence, lowest first: declared defaults < YAML config file (Flink ``config.yaml`` style,
nested or flat keys) < environment (``SQLGATEWAY_<KEY>``, dots and dashes as ``_``) <
``-Dkey=value`` on the command line. Keys that are not ``sql-gateway.*`` options are kept as
Flink configuration and passed to sessions (they show up in the session configuration).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

log = logging.getLogger(__name__)

T = TypeVar("T")


class ConfigError(ValueError):
    """A configuration value could not be parsed; the message names the key."""


# ---- value parsers --------------------------------------------------------------------------

_DURATION_UNITS = {
    "ns": 1e-9, "nano": 1e-9, "nanos": 1e-9, "nanosecond": 1e-9, "nanoseconds": 1e-9,
    "us": 1e-6, "µs": 1e-6, "micro": 1e-6, "micros": 1e-6, "microsecond": 1e-6,
    "microseconds": 1e-6,
    "ms": 1e-3, "milli": 1e-3, "millis": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
}  # fmt: skip


def parse_duration(text: str) -> float:
    """Flink duration syntax (``10 min``, ``600s``, ``100ms``; a bare number is ms) -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zµ]*)\s*", str(text).lower())
    if not m:
        raise ValueError(f"cannot parse duration {text!r}")
    number, unit = float(m.group(1)), m.group(2) or "ms"
    if unit not in _DURATION_UNITS:
        raise ValueError(f"unknown time unit {unit!r} in {text!r}")
    return number * _DURATION_UNITS[unit]


def parse_bool(text: str) -> bool:
    low = str(text).strip().lower()
    if low in ("true", "yes", "1", "on"):
        return True
    if low in ("false", "no", "0", "off"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def parse_port_range(text: str) -> tuple[int, ...]:
    """``8083``, ``8083-8090`` or ``8083,8085-8087`` -> candidate ports in order."""
    ports: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(p) for p in part.split("-", 1))
            if lo > hi:
                raise ValueError(f"empty port range {part!r}")
            ports.extend(range(lo, hi + 1))
        else:
            ports.append(int(part))
    if not ports or any(not 0 <= p <= 65535 for p in ports):
        raise ValueError(f"invalid port list {text!r}")
    return tuple(ports)


def parse_memory(text: str) -> int:
    """Flink memory size (``100 mb``, ``104857600``, ``1g``) -> bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([a-z]*)\s*", str(text).lower())
    if not m:
        raise ValueError(f"cannot parse memory size {text!r}")
    units = {"": 1, "b": 1, "bytes": 1, "k": 1024, "kb": 1024, "kibibytes": 1024,
             "m": 1024**2, "mb": 1024**2, "mebibytes": 1024**2,
             "g": 1024**3, "gb": 1024**3, "gibibytes": 1024**3}  # fmt: skip
    if m.group(2) not in units:
        raise ValueError(f"unknown memory unit in {text!r}")
    return int(m.group(1)) * units[m.group(2)]


def _optional_str(text: str) -> str | None:
    return text if text != "" else None


# ---- option declarations --------------------------------------------------------------------


@dataclass(frozen=True)
class Option(Generic[T]):
    """One configuration option: Flink-style key, parser, default (as text) and meaning."""

    key: str
    parse: Callable[[str], T]
    default: str | None
    doc: str

    def env_name(self) -> str:
        return "SQLGATEWAY_" + re.sub(r"[.\-]", "_", self.key).upper()


def _opt(key: str, parse: Callable[[str], T], default: str | None, doc: str) -> Option[T]:
    return Option(key, parse, default, doc)


REST_ADDRESS = _opt(
    "sql-gateway.endpoint.rest.address", str, "127.0.0.1",
    "Address clients use to reach the gateway (also the bind address when bind-address is unset).",
)  # fmt: skip
REST_BIND_ADDRESS = _opt(
    "sql-gateway.endpoint.rest.bind-address", _optional_str, None,
    "Address the server binds to. Defaults to the rest address (loopback): set 0.0.0.0 to expose.",
)  # fmt: skip
REST_PORT = _opt(
    "sql-gateway.endpoint.rest.port", int, "8083", "Port clients connect to (Flink: 8083)."
)
REST_BIND_PORT = _opt(
    "sql-gateway.endpoint.rest.bind-port", parse_port_range, None,
    "Port, range (8083-8090) or list the server tries in order; defaults to the rest port. "
    "0 picks a free ephemeral port.",
)  # fmt: skip
SESSION_IDLE_TIMEOUT = _opt(
    "sql-gateway.session.idle-timeout", parse_duration, "10 min",
    "A session not accessed for this long is closed; 0 means never.",
)  # fmt: skip
SESSION_CHECK_INTERVAL = _opt(
    "sql-gateway.session.check-interval", parse_duration, "1 min",
    "How often idle sessions are looked for; 0 disables the check.",
)  # fmt: skip
SESSION_MAX_NUM = _opt(
    "sql-gateway.session.max-num", int, "1000000",
    "Maximum number of open sessions (<= 0: unlimited).",
)  # fmt: skip
WORKER_THREADS_MIN = _opt(
    "sql-gateway.worker.threads.min", int, "5", "Operation worker threads kept alive."
)
WORKER_THREADS_MAX = _opt(
    "sql-gateway.worker.threads.max", int, "500",
    "Maximum operation worker threads (statements executing at once across sessions).",
)  # fmt: skip
WORKER_KEEPALIVE = _opt(
    "sql-gateway.worker.keepalive-time", parse_duration, "5 min",
    "Idle time after which extra worker threads exit.",
)  # fmt: skip
ENGINE = _opt(
    "sql-gateway.engine", str, "duckdb",
    "Engine that runs the SQL: duckdb (embedded, default) or flink (needs the [flink] extra).",
)  # fmt: skip
PAGE_MAX_ROWS = _opt(
    "sql-gateway.result.page-max-rows", int, "5000",
    "Maximum rows in one result page (Flink's result buffer holds 5000).",
)  # fmt: skip
BUFFER_MAX_ROWS = _opt(
    "sql-gateway.result.buffer-max-rows", int, "5000",
    "Rows an operation may hold in memory ahead of the client; producers wait when it is full.",
)  # fmt: skip
FETCH_MAX_WAIT = _opt(
    "sql-gateway.result.fetch-max-wait", parse_duration, "10 ms",
    "Long-poll: how long a fetch may wait for the statement or for rows before answering "
    "NOT_READY or an empty page (the shapes stay Flink's). The short default lets a fast "
    "statement answer its first fetch with rows; 0 answers at once like Flink; seconds stop "
    "clients from busy-polling.",
)  # fmt: skip
DUCKDB_DATABASE = _opt(
    "sql-gateway.duckdb.database", str, ":memory:",
    "DuckDB database file for the default catalog; :memory: keeps everything in memory.",
)  # fmt: skip
MAX_CONTENT_LENGTH = _opt(
    "rest.server.max-content-length", parse_memory, "104857600",
    "Largest request body accepted, in bytes (Flink's option).",
)  # fmt: skip
CORS_ORIGIN = _opt(
    "web.access-control-allow-origin", str, "*",
    "Value of the access-control-allow-origin header (Flink's option).",
)  # fmt: skip
SHUTDOWN_TIMEOUT = _opt(
    "sql-gateway.shutdown.timeout", parse_duration, "4 s",
    "On SIGINT/SIGTERM: how long running statements get before the process exits.",
)  # fmt: skip

OPTIONS: list[Option[Any]] = [
    REST_ADDRESS,
    REST_BIND_ADDRESS,
    REST_PORT,
    REST_BIND_PORT,
    SESSION_IDLE_TIMEOUT,
    SESSION_CHECK_INTERVAL,
    SESSION_MAX_NUM,
    WORKER_THREADS_MIN,
    WORKER_THREADS_MAX,
    WORKER_KEEPALIVE,
    ENGINE,
    PAGE_MAX_ROWS,
    BUFFER_MAX_ROWS,
    FETCH_MAX_WAIT,
    DUCKDB_DATABASE,
    MAX_CONTENT_LENGTH,
    CORS_ORIGIN,
    SHUTDOWN_TIMEOUT,
]


def register(*options: Option[Any]) -> None:
    """Declare more options (used by optional modules: auth, TLS, the Flink engine, …)."""
    known = {o.key for o in OPTIONS}
    for o in options:
        if o.key not in known:
            OPTIONS.append(o)
            known.add(o.key)


def options_by_key() -> dict[str, Option[Any]]:
    return {o.key: o for o in OPTIONS}


# ---- settings ---------------------------------------------------------------------------------


class Settings:
    """Immutable, parsed configuration. ``get(OPTION)`` for declared options; ``flink_config``
    holds every explicitly configured key as text (what sessions inherit)."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = dict(raw)
        self._values: dict[str, Any] = {}
        for opt in OPTIONS:
            text = self._raw.get(opt.key, opt.default)
            if text is None:
                self._values[opt.key] = None
                continue
            try:
                self._values[opt.key] = opt.parse(text)
            except (ValueError, TypeError) as exc:
                raise ConfigError(f"Invalid value {text!r} for option {opt.key}: {exc}") from exc
        known = options_by_key()
        for key in self._raw:
            if key.startswith("sql-gateway.") and key not in known:
                log.warning("unknown gateway option %s (ignored by the gateway)", key)

    def get(self, option: Option[T]) -> T:
        if option.key not in self._values:  # declared after these settings were built
            text = self._raw.get(option.key, option.default)
            return option.parse(text) if text is not None else None  # type: ignore[return-value]
        return self._values[option.key]  # type: ignore[no-any-return]

    def get_raw(self, key: str) -> str | None:
        return self._raw.get(key)

    @property
    def flink_config(self) -> dict[str, str]:
        return dict(self._raw)

    def with_overrides(self, overrides: Mapping[str, str]) -> Settings:
        return Settings({**self._raw, **overrides})


def flatten_yaml(data: Any, prefix: str = "") -> dict[str, str]:
    """Flink's config.yaml allows nested maps; ``a: {b: 1}`` means ``a.b: 1``."""
    out: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise ConfigError("the configuration file must hold a YAML mapping")
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_yaml(value, full + "."))
        elif isinstance(value, list):
            out[full] = ";".join(str(v) for v in value)
        elif isinstance(value, bool):
            out[full] = "true" if value else "false"
        elif value is None:
            out[full] = ""
        else:
            out[full] = str(value)
    return out


def parse_dynamic(items: Iterable[str]) -> dict[str, str]:
    """``-Dkey=value`` items (without the ``-D``) -> mapping; a missing ``=`` is an error."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"dynamic option {item!r} must look like key=value")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def load(
    config_file: str | os.PathLike[str] | None = None,
    dynamic: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build ``Settings`` from defaults < file < environment < dynamic options."""
    raw: dict[str, str] = {}
    if config_file is not None:
        path = Path(config_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"configuration file {path} is not valid YAML: {exc}") from exc
        raw.update(flatten_yaml(data))
    env = os.environ if environ is None else environ
    for opt in OPTIONS:
        if opt.env_name() in env:
            raw[opt.key] = env[opt.env_name()]
    raw.update(dynamic or {})
    return Settings(raw)
