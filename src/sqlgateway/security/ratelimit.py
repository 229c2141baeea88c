"""Per-principal request rate limiting (token buckets), thread-safe and bounded in memory."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict


class RateLimiter:
    """``rate`` requests per second sustained, ``burst`` at once, per key (principal name)."""

    def __init__(self, rate: float, burst: int = 0, max_keys: int = 100_000) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self.rate = rate
        self.burst = float(burst if burst > 0 else max(1, math.ceil(2 * rate)))
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_keys = max_keys
        self._lock = threading.Lock()

    def acquire(self, key: str, now: float | None = None) -> float:
        """Take one request from ``key``'s bucket: 0.0 if allowed, else seconds to wait."""
        t = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, t))
            tokens = min(self.burst, tokens + (t - last) * self.rate)
            if tokens >= 1.0:
                self._store(key, tokens - 1.0, t)
                return 0.0
            self._store(key, tokens, t)
            return (1.0 - tokens) / self.rate

    def wait_time(self, key: str, now: float | None = None) -> float:
        """Seconds until ``key`` may make a request (0.0 now), without taking one."""
        t = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, t))
        tokens = min(self.burst, tokens + (t - last) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def _store(self, key: str, tokens: float, t: float) -> None:
        self._buckets[key] = (tokens, t)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
