"""Watches the REST endpoints of remote Flink clusters used by open sessions.

A cluster that fails ``failures`` probes in a row counts as lost: its running results fail and
new statements are refused with a clear message until a probe succeeds again.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable

log = logging.getLogger(__name__)

Listener = Callable[[str, str], None]


class ClusterMonitor:
    """Probes ``http://host:port/overview`` of every registered cluster on one daemon thread."""

    def __init__(self, interval: float, failures: int) -> None:
        self._interval = max(0.05, interval)
        self._failures = max(1, failures)
        self._lock = threading.Lock()
        self._users: dict[str, int] = {}
        self._errors: dict[str, int] = {}
        self._last: dict[str, str] = {}
        self._listeners: list[Listener] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add_listener(self, listener: Listener) -> None:
        """``listener(url, message)`` is called when a cluster is declared lost."""
        self._listeners.append(listener)

    def register(self, url: str) -> None:
        with self._lock:
            self._users[url] = self._users.get(url, 0) + 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="flink-cluster-monitor", daemon=True
                )
                self._thread.start()

    def unregister(self, url: str) -> None:
        with self._lock:
            left = self._users.get(url, 0) - 1
            if left <= 0:
                self._users.pop(url, None)
                self._errors.pop(url, None)
            else:
                self._users[url] = left

    def problem(self, url: str) -> str | None:
        """A message if the cluster counts as lost now, else None."""
        with self._lock:
            if self._errors.get(url, 0) < self._failures:
                return None
            return (
                f"Lost the connection to the Flink cluster at {url} "
                f"({self._last.get(url, 'no answer')})."
            )

    def close(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            with self._lock:
                urls = list(self._users)
            for url in urls:
                self._probe(url)

    def _probe(self, url: str) -> None:
        try:
            with urllib.request.urlopen(url + "/overview", timeout=max(1.0, self._interval)):
                pass
            ok, reason = True, ""
        except (OSError, urllib.error.URLError) as exc:
            ok, reason = False, str(getattr(exc, "reason", exc))
        with self._lock:
            if url not in self._users:
                return
            if ok:
                if self._errors.get(url, 0) >= self._failures:
                    log.warning("Flink cluster at %s is reachable again", url)
                self._errors[url] = 0
                return
            count = self._errors.get(url, 0) + 1
            self._errors[url] = count
            self._last[url] = reason
        if count == self._failures:
            log.error("Flink cluster at %s is not reachable: %s", url, reason)
            message = self.problem(url) or reason
            for listener in list(self._listeners):
                listener(url, message)
