"""Engines that run the SQL. ``create_engine`` picks one by ``sql-gateway.engine``."""

from __future__ import annotations

from sqlgateway import config
from sqlgateway.config import ConfigError, Settings
from sqlgateway.engine.base import Engine

ENGINES = ("duckdb", "flink")


def create_engine(settings: Settings) -> Engine:
    """Build the configured engine; imports its driver only when it is chosen."""
    name = settings.get(config.ENGINE).strip().lower()
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
