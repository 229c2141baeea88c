"""A session's Flink configuration: SET / RESET with Flink's validation of known options."""

from __future__ import annotations

import functools
import os
import zoneinfo
from collections.abc import Callable, Mapping

from sqlgateway.errors import ILLEGAL_ARGUMENT, VALIDATION_EXCEPTION, ExecutionError

LOCAL_TIME_ZONE = "table.local-time-zone"


def _enum(java_enum: str, *values: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        if value.strip().upper().replace("-", "_") not in values:
            raise ExecutionError(
                f"No enum constant {java_enum}.{value.strip().upper()}",
                java_class=ILLEGAL_ARGUMENT,
            )

    return check


def _integer(key: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        try:
            int(value.strip())
        except ValueError:
            raise ExecutionError(
                f"Could not parse value '{value}' for key '{key}'.", java_class=ILLEGAL_ARGUMENT
            ) from None

    return check


def _boolean(key: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        if value.strip().lower() not in ("true", "false"):
            raise ExecutionError(
                f"Could not parse value '{value}' for key '{key}'.", java_class=ILLEGAL_ARGUMENT
            )

    return check


def check_time_zone(value: str) -> None:
    """Flink's ``TableConfigUtils.validateTimeZone`` (plus ``default``)."""
    if value == "default" or resolve_zone(value) is not None:
        return
    raise ExecutionError(
        "The supported Zone ID is either a full name such as 'America/Los_Angeles', or a custom "
        f"timezone id such as 'GMT-08:00', but configured Zone ID is '{value}'.",
        java_class=VALIDATION_EXCEPTION,
    )


_VALIDATORS: dict[str, Callable[[str], None]] = {
    "table.sql-dialect": _enum("org.apache.flink.table.api.SqlDialect", "DEFAULT", "HIVE"),
    "execution.runtime-mode": _enum(
        "org.apache.flink.api.common.RuntimeExecutionMode", "STREAMING", "BATCH", "AUTOMATIC"
    ),
    "sql-client.execution.result-mode": _enum(
        "org.apache.flink.table.client.config.ResultMode", "TABLE", "CHANGELOG", "TABLEAU"
    ),
    LOCAL_TIME_ZONE: check_time_zone,
    "parallelism.default": _integer("parallelism.default"),
    "table.exec.resource.default-parallelism": _integer("table.exec.resource.default-parallelism"),
    "sql-client.display.max-column-width": _integer("sql-client.display.max-column-width"),
    "table.dml-sync": _boolean("table.dml-sync"),
}


def resolve_zone(value: str) -> str | None:
    """An IANA zone name DuckDB/Python understand for a Flink zone id, or None if invalid."""
    text = value.strip()
    if text.upper() in ("UTC", "Z", "GMT", "UT"):
        return "UTC"
    for prefix in ("GMT", "UTC"):
        if text.upper().startswith(prefix) and len(text) > len(prefix):
            offset = text[len(prefix) :]
            return _fixed_offset_zone(offset)
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return text


def _fixed_offset_zone(offset: str) -> str | None:
    sign, rest = offset[:1], offset[1:]
    if sign not in "+-" or not rest:
        return None
    hours, _, minutes = rest.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        return None
    if minutes and int(minutes) != 0:
        return None  # Etc/GMT zones have whole hours only
    # Etc/GMT signs are inverted: GMT+8 is Etc/GMT-8.
    flipped = "-" if sign == "+" else "+"
    return f"Etc/GMT{flipped}{int(hours)}" if int(hours) else "UTC"


@functools.lru_cache(maxsize=1)
def system_zone() -> str:
    """The server's zone (Flink's ``default``: the JVM zone)."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and resolve_zone(tz):
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if resolve_zone(name):
                return name
    except OSError:
        pass
    return "UTC"


HIDDEN = "******"
_SENSITIVE = ("password", "secret", "fs.azure.account.key", "apikey", "api-key", "auth-params",
              "service-key", "token", "basic-auth", "jaas.config", "http-headers")  # fmt: skip


def is_sensitive(key: str) -> bool:
    """Flink's ``GlobalConfiguration.isSensitive``."""
    low = key.lower()
    return any(s in low for s in _SENSITIVE)


class SessionConfig:
    """The initial configuration (gateway config + session properties) and the current one."""

    def __init__(self, initial: Mapping[str, str]) -> None:
        for key, value in initial.items():
            validate(key, value)
        self._initial = dict(initial)
        self._values = dict(initial)

    def set(self, key: str, value: str) -> None:
        """SET 'key' = 'value'; an invalid value raises and is not kept."""
        validate(key, value)
        self._values[key] = value

    def reset(self, key: str | None = None) -> None:
        """RESET 'key' (back to its initial value, or removed) / RESET (everything)."""
        if key is None:
            self._values = dict(self._initial)
        elif key in self._initial:
            self._values[key] = self._initial[key]
        else:
            self._values.pop(key, None)

    def effective(self, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """Current values overlaid with a statement's ``executionConfig``."""
        return {**self._values, **(overrides or {})}

    def visible(self, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """``effective`` with sensitive values (Flink's SENSITIVE_KEYS: passwords, secrets,
        tokens …) masked as ``******`` — what SET and GET /sessions/:handle show."""
        return {k: HIDDEN if is_sensitive(k) else v for k, v in self.effective(overrides).items()}

    def time_zone(self, overrides: Mapping[str, str] | None = None) -> str:
        """The IANA zone of ``table.local-time-zone`` (``default`` = the server zone)."""
        value = self.effective(overrides).get(LOCAL_TIME_ZONE, "default")
        if value == "default":
            return system_zone()
        return resolve_zone(value) or "UTC"


def validate(key: str, value: str) -> None:
    """Raise ``ExecutionError`` if ``value`` is not legal for a known option ``key``."""
    check = _VALIDATORS.get(key)
    if check is not None:
        check(value)
