"""Apache Flink engine (``sql-gateway.engine=flink``; needs the ``[flink]`` extra).

Statements run in one PyFlink-launched JVM through a small Java helper (``java/*.java``, compiled
at first use) that mirrors Flink's SQL gateway OperationExecutor and encodes rows with Flink's own
converters, so results are byte-identical to Flink's gateway.
"""

from __future__ import annotations

import importlib.util
from typing import Any

# the options are declared without PyFlink, so `sqlgateway serve --help` and the README list them
from sqlgateway.engine.flink import options  # noqa: F401 - registers sql-gateway.flink.*


def __getattr__(name: str) -> Any:
    """``FlinkEngine`` is imported on first use: it needs the [flink] extra (PyFlink)."""
    if name == "FlinkEngine":
        if importlib.util.find_spec("pyflink") is None:
            raise ImportError("apache-flink (PyFlink) is not installed")
        from sqlgateway.engine.flink.engine import FlinkEngine

        return FlinkEngine
    raise AttributeError(name)


__all__ = ["FlinkEngine"]
