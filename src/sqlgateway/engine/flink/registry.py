"""Which jobs this gateway process runs on remote Flink clusters, kept in a small state file so a
gateway that died without closing its sessions (kill -9, power loss) leaks no job: the next
gateway that starts with the same directory cancels them.

One file per gateway process (``jobs-<pid>-<start>-<random>.json``), rewritten atomically
whenever the set changes. A job is recorded as soon as its submission returns and forgotten when
its session releases it (a closed result, whose job is cancelled; an INSERT job outlives a
gracefully closed session, as with Flink's gateway). Jobs on the ``local`` target need no record:
they run in the gateway's own JVM, which exits with the gateway.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import orjson

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (tells a reused pid apart); None if not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return "?"
        return "?"
    return stat.rsplit(")", 1)[1].split()[19]


def cancel_job(url: str, job_id: str, timeout: float = 5.0) -> bool:
    """Cancel a job through the cluster's REST API. True once the job is cancelled or gone;
    False if the cluster could not be reached (try again later)."""
    req = urllib.request.Request(f"{url}/jobs/{job_id}?mode=cancel", method="PATCH")
    try:
        with urllib.request.urlopen(req, timeout=timeout):
            return True
    except urllib.error.HTTPError as exc:
        # 404: unknown job (finished long ago, or another cluster now); 409: already terminal
        return exc.code in (400, 404, 409)
    except OSError:
        return False


class JobRegistry:
    """Thread-safe record of this process's remote jobs, plus the cleanup of dead processes'."""

    def __init__(self, directory: str, cancel_orphans: bool) -> None:
        self._dir = Path(directory).expanduser()
        self._lock = threading.Lock()
        self._jobs: dict[str, str] = {}  # job id -> cluster REST URL
        pid = os.getpid()
        # one file per registry: several engines may live in one process (tests)
        name = f"jobs-{pid}-{process_start(pid) or '0'}-{uuid.uuid4().hex[:8]}.json"
        self._file = self._dir / name
        self._stop = threading.Event()
        if cancel_orphans:
            threading.Thread(target=self._reap, name="flink-orphan-jobs", daemon=True).start()

    # ---- this process's jobs --------------------------------------------------------------------

    def add(self, job_id: str, url: str) -> None:
        """Record a job just submitted to the cluster at ``url``."""
        with self._lock:
            self._jobs[job_id] = url
            self._write()

    def discard(self, job_id: str) -> None:
        """Forget a job (cancelled, or handed over to the cluster's own lifetime)."""
        with self._lock:
            if self._jobs.pop(job_id, None) is not None:
                self._write()

    def jobs(self) -> dict[str, str]:
        with self._lock:
            return dict(self._jobs)

    def close(self) -> None:
        """A graceful shutdown: the sessions have released their jobs; drop the file."""
        self._stop.set()
        with self._lock:
            self._jobs.clear()
            with contextlib.suppress(OSError):
                self._file.unlink()

    def _write(self) -> None:
        if not self._jobs:
            with contextlib.suppress(OSError):
                self._file.unlink()
            return
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_suffix(".tmp")
            tmp.write_bytes(orjson.dumps({"pid": os.getpid(), "jobs": self._jobs}))
            tmp.replace(self._file)
        except OSError:
            log.warning("could not record Flink jobs in %s", self._file, exc_info=True)

    # ---- jobs of dead gateway processes ---------------------------------------------------------

    def _reap(self) -> None:
        """Cancel the recorded jobs of every dead gateway process, retrying unreachable clusters
        every few seconds until done (or this engine closes)."""
        while True:
            pending = self.reap_once()
            if pending == 0 or self._stop.wait(RETRY_SECONDS):
                return

    def reap_once(self) -> int:
        """One pass over the other processes' files; returns how many jobs are still pending."""
        pending = 0
        for path in sorted(self._dir.glob("jobs-*.json")):
            if path == self._file or not self._is_orphan(path):
                continue
            pending += self._cancel_file(path)
        return pending

    @staticmethod
    def _is_orphan(path: Path) -> bool:
        try:
            _, pid, start = path.stem.split("-")[:3]
            current = process_start(int(pid))
        except ValueError:
            return False
        return current is None or (current != "?" and current != start)

    @staticmethod
    def _cancel_file(path: Path) -> int:
        try:
            jobs: dict[str, str] = orjson.loads(path.read_bytes()).get("jobs", {})
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                path.unlink()
            return 0
        left = {j: url for j, url in jobs.items() if not cancel_job(url, j)}
        for job in jobs.keys() - left.keys():
            log.warning("cancelled Flink job %s left running by a gateway that died", job)
        try:
            if left:
                path.write_bytes(orjson.dumps({"jobs": left, "retried": time.time()}))
            else:
                path.unlink()
        except OSError:
            pass
        return len(left)
