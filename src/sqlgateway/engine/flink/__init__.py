"""Apache Flink engine (``sql-gateway.engine=flink``; needs the ``[flink]`` extra).

Statements run in one PyFlink-launched JVM through a small Java helper (``java/*.java``, compiled
at first use) that mirrors Flink's SQL gateway OperationExecutor and encodes rows with Flink's own
converters, so results are byte-identical to Flink's gateway.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("pyflink") is None:
    raise ImportError("apache-flink (PyFlink) is not installed")

from sqlgateway.engine.flink import options  # noqa: E402,F401 - registers sql-gateway.flink.*
from sqlgateway.engine.flink.engine import FlinkEngine  # noqa: E402

__all__ = ["FlinkEngine"]
