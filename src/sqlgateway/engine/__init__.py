"""Engines that run the SQL. ``create_engine`` builds the default one (``sql-gateway.engine``)
behind a :class:`~sqlgateway.engine.routing.SessionEngines`, which lets a session choose another
engine listed in ``sql-gateway.session.engines``."""

from __future__ import annotations

from sqlgateway import config
from sqlgateway.config import ConfigError, Settings
from sqlgateway.engine.base import Engine
from sqlgateway.engine.routing import SessionEngines, allowed_engines

ENGINES = ("duckdb", "flink")


def create_engine(settings: Settings) -> Engine:
    """The gateway's engine: the default one started now, the others on first use."""
    allowed = allowed_engines(settings, ENGINES)
    default = start_engine(settings, settings.get(config.ENGINE))
    return SessionEngines(settings, default, allowed, lambda name: start_engine(settings, name))


def start_engine(settings: Settings, name: str) -> Engine:
    """Build one engine by name; imports its driver only when it is chosen."""
    name = name.strip().lower()
    if name == "duckdb":
        from sqlgateway.engine.duckdb.engine import DuckDBEngine

        return DuckDBEngine(settings)
    if name == "flink":
        try:
            from sqlgateway.engine.flink import FlinkEngine
        except ImportError as exc:
            raise ConfigError(
                "sql-gateway.engine=flink needs the [flink] extra (apache-flink): "
                f"pip install 'sqlgateway[flink]' ({exc})"
            ) from exc
        engine: Engine = FlinkEngine(settings)
        return engine
    raise ConfigError(
        f"Invalid value {name!r} for option sql-gateway.engine: "
        f"expected one of {', '.join(ENGINES)}"
    )
