"""Counters the service keeps for metrics (read by the /metrics collector, never reset)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class GatewayStats:
    """Monotonic counters plus a latency log; every update goes through ``_lock``."""

    sessions_opened: int = 0
    sessions_closed: int = 0
    sessions_expired: int = 0
    operations_by_status: Counter[str] = field(default_factory=Counter)
    statements_executed: int = 0
    engine_errors: int = 0
    rows_served: int = 0
    bytes_served: int = 0
    pages_data: int = 0
    pages_empty: int = 0
    pages_not_ready: int = 0
    # execution seconds of finished statements, drained by the metrics collector
    latencies: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def status_entered(self, status: str) -> None:
        with self._lock:
            self.operations_by_status[status] += 1

    def observe_latency(self, seconds: float) -> None:
        with self._lock:
            if len(self.latencies) < 100_000:
                self.latencies.append(seconds)

    def drain_latencies(self) -> list[float]:
        with self._lock:
            out, self.latencies = self.latencies, []
            return out

    def page_served(self, rows: int, nbytes: int) -> None:
        with self._lock:
            self.rows_served += rows
            self.bytes_served += nbytes
            if rows:
                self.pages_data += 1
            else:
                self.pages_empty += 1
