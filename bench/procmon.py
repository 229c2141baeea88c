"""Server process metrics from /proc (no psutil needed): RSS, peak RSS, CPU time, sampling."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all of its descendants (via /proc/<pid>/task/<tid>/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                text = (task / "children").read_text()
                todo.extend(int(c) for c in text.split())
        except OSError:
            continue
    return out


class ProcMonitor:
    """Memory and CPU of a server process tree, with a background RSS sampler."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self._max_rss_kb = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def rss_mb(self) -> float:
        return sum(_status_kb(p, "VmRSS") for p in tree_pids(self.pid)) / 1024

    def hwm_mb(self) -> float:
        """Kernel-tracked peak RSS since start or the last ``reset_peak``."""
        return sum(_status_kb(p, "VmHWM") for p in tree_pids(self.pid)) / 1024

    def reset_peak(self) -> bool:
        """Reset VmHWM (writes 5 to clear_refs, Linux >= 4.0); False if not permitted."""
        ok = True
        for p in tree_pids(self.pid):
            try:
                Path(f"/proc/{p}/clear_refs").write_text("5")
            except OSError:
                ok = False
        return ok

    def cpu_seconds(self) -> float:
        total = 0
        for p in tree_pids(self.pid):
            try:
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except (OSError, ValueError, IndexError):
                continue
        return total / _CLK_TCK

    def threads(self) -> int:
        return sum(_status_kb(p, "Threads") for p in tree_pids(self.pid))

    def start_sampling(self) -> None:
        self._max_rss_kb = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop_sampling(self) -> float:
        """Stop the sampler; the largest sampled RSS in MB."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self._max_rss_kb / 1024

    def _sample(self) -> None:
        while not self._stop.is_set():
            kb = sum(_status_kb(p, "VmRSS") for p in tree_pids(self.pid))
            self._max_rss_kb = max(self._max_rss_kb, kb)
            self._stop.wait(self.interval)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def client_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def now() -> float:
    return time.perf_counter()
