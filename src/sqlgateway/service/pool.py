"""Worker threads for operations, and a single timer thread for deadlines and periodic checks."""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class WorkerPool:
    """A bounded thread pool with Flink's knobs: ``min`` threads kept, at most ``max``, extra
    threads exit after ``keepalive`` seconds idle (Python's ThreadPoolExecutor never shrinks)."""

    def __init__(self, min_threads: int, max_threads: int, keepalive: float) -> None:
        self._min = max(0, min_threads)
        self._max = max(1, max_threads)
        self._keepalive = max(0.001, keepalive)
        self._tasks: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0
        self._closed = False
        self._ids = itertools.count()

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("worker pool is shut down")
            self._tasks.put(task)
            if self._idle == 0 and self._threads < self._max:
                self._start_thread()
            else:
                self._idle = max(0, self._idle - 1)

    def _start_thread(self) -> None:
        self._threads += 1
        t = threading.Thread(target=self._work, name=f"sqlgateway-worker-{next(self._ids)}")
        t.daemon = True
        t.start()

    def _work(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=self._keepalive)
            except queue.Empty:
                with self._lock:
                    if not self._tasks.empty():
                        continue
                    if self._threads > self._min or self._closed:
                        self._threads -= 1
                        self._idle = max(0, self._idle - 1)
                        return
                continue
            if task is None:
                with self._lock:
                    self._threads -= 1
                return
            try:
                task()
            except Exception:  # tasks handle their own errors; this is a last resort
                log.exception("worker task failed")
            with self._lock:
                self._idle += 1

    @property
    def thread_count(self) -> int:
        return self._threads

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            n = self._threads
        for _ in range(n):
            self._tasks.put(None)


class Timers:
    """One daemon thread running callbacks at deadlines (timeouts, idle-session checks)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="sqlgateway-timers", daemon=True)
        self._thread.start()

    def call_later(self, delay: float, fn: Callable[[], None]) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), fn))
            self._cond.notify()

    def every(self, interval: float, fn: Callable[[], None]) -> None:
        def tick() -> None:
            try:
                fn()
            finally:
                if not self._closed:
                    self.call_later(interval, tick)

        self.call_later(interval, tick)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                if self._closed:
                    return
                _, _, fn = heapq.heappop(self._heap)
            try:
                fn()
            except Exception:
                log.exception("timer callback failed")

    def shutdown(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
