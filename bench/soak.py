"""Soak test: many clients against one gateway process for a long time; resources must stay flat.

    python -m bench.soak [--seconds 600] [--clients 64] [--json report.json]

Starts ``python -m sqlgateway serve`` on an ephemeral port (short idle timeout), runs ``--clients``
threads that each loop: open a session, run a few statements (queries fetched to the end over
several pages, SET, status, heartbeat, a cancelled slow query), close the operations, then close
the session or abandon it (about one in four) for the idle-session reaper. The gateway's RSS,
thread count and open file descriptors are sampled every two seconds.

Pass criteria (exit code 0):
* flat resources: the median of the last 20 % of samples is within 25 % + 32 MiB (RSS),
  +8 threads and +16 fds of the median after warm-up (20-40 % of the run);
* every abandoned session is reclaimed: once the clients stop and the idle timeout passes,
  ``sqlgateway_sessions_open`` is 0 and ``sessions_expired_total`` equals the sessions abandoned;
* no unexpected answer (every response is the one the protocol specifies).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import psutil

READY = "REST endpoint listening on"
IDLE_TIMEOUT_S = 15.0  # long enough that a busy, heavily loaded client is never idle


@dataclass
class Sample:
    t: float
    rss_mib: float
    threads: int
    fds: int
    sessions_open: int


@dataclass
class Counters:
    """Client-side counts (updated under ``lock``)."""

    requests: int = 0
    statements: int = 0
    rows: int = 0
    sessions: int = 0
    abandoned: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **amounts: int) -> None:
        with self.lock:
            for name, n in amounts.items():
                setattr(self, name, getattr(self, name) + n)

    def error(self, text: str) -> None:
        with self.lock:
            if len(self.errors) < 50:
                self.errors.append(text[:500])


@dataclass
class SoakReport:
    seconds: float
    clients: int
    samples: list[Sample]
    requests: int
    statements: int
    rows: int
    sessions: int
    abandoned: int
    expired: int
    sessions_open_after: int
    errors: list[str]
    baseline: dict[str, float]
    final: dict[str, float]
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> str:
        data = asdict(self)
        data["ok"] = self.ok
        return json.dumps(data, indent=2)


class GatewayProcess:
    """The gateway under test, as a child process."""

    def __init__(self, *dynamic: str) -> None:
        args = [sys.executable, "-m", "sqlgateway", "serve", "-Dsql-gateway.endpoint.rest.port=0"]
        args += [f"-D{d}" for d in dynamic]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.url = self._wait_ready()
        self.ps = psutil.Process(self.proc.pid)

    def _wait_ready(self) -> str:
        assert self.proc.stdout is not None
        lines = []
        for line in self.proc.stdout:
            lines.append(line)
            if READY in line:
                threading.Thread(target=self._drain, daemon=True).start()
                return line.split(READY, 1)[1].split()[0]
        raise RuntimeError("gateway did not start:\n" + "".join(lines))

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for _ in self.proc.stdout:
            pass

    def sample(self, t: float, sessions_open: int) -> Sample:
        return Sample(
            round(t, 1), round(self.ps.memory_info().rss / 2**20, 1), self.ps.num_threads(),
            self.ps.num_fds(), sessions_open,
        )  # fmt: skip

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def metric(client: httpx.Client, name: str) -> float:
    """A value from the gateway's Prometheus ``/metrics`` text."""
    text = client.get("/metrics").text
    m = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else float("nan")


class SoakClient:
    """One simulated user: a loop of sessions and statements, checking every answer."""

    def __init__(self, url: str, counters: Counters, stop: threading.Event, seed: int) -> None:
        self.c = httpx.Client(base_url=url, timeout=60)
        self.counters, self.stop, self.rnd = counters, stop, random.Random(seed)

    def _call(self, method: str, path: str, expect: int = 200, **kw: Any) -> httpx.Response:
        r = self.c.request(method, path, **kw)
        self.counters.add(requests=1)
        if r.status_code != expect:
            self.counters.error(f"{method} {path} -> {r.status_code} {r.text[:300]}")
        return r

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.session()
        except httpx.HTTPError as exc:
            if not self.stop.is_set():
                self.counters.error(f"transport: {exc!r}")
        finally:
            self.c.close()

    def session(self) -> None:
        sh = self._call("POST", "/v2/sessions", json={}).json()["sessionHandle"]
        self.counters.add(sessions=1)
        for _ in range(self.rnd.randint(1, 4)):
            step = self.rnd.choice((self.query, self.query, self.set_and_status, self.cancel))
            step(sh)
        self._call("POST", f"/v1/sessions/{sh}/heartbeat")
        if self.rnd.random() < 0.25:
            self.counters.add(abandoned=1)  # the idle-session reaper must reclaim it
        else:
            self._call("DELETE", f"/v1/sessions/{sh}")

    def _execute(self, sh: str, sql: str) -> str:
        r = self._call("POST", f"/v2/sessions/{sh}/statements", json={"statement": sql})
        self.counters.add(statements=1)
        return str(r.json()["operationHandle"])

    def query(self, sh: str) -> None:
        n = self.rnd.randint(0, 3000)
        oh = self._execute(sh, f"SELECT range AS x, md5(range::VARCHAR) AS h FROM range({n})")
        uri: str | None = f"/v2/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON"
        rows = 0
        while uri is not None:
            body = self._call("GET", uri).json()
            if body["resultType"] == "NOT_READY":
                time.sleep(0.002)
            else:
                rows += len(body.get("results", {}).get("data", []))
            uri = body.get("nextResultUri")
        if rows != n:
            self.counters.error(f"query of {n} rows returned {rows}")
        self.counters.add(rows=rows)
        self._call("DELETE", f"/v1/sessions/{sh}/operations/{oh}/close")

    def set_and_status(self, sh: str) -> None:
        oh = self._execute(sh, f"SET 'pipeline.name' = 'soak-{self.rnd.randint(0, 9)}'")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = self._call("GET", f"/v1/sessions/{sh}/operations/{oh}/status").json()
            if status["status"] not in ("INITIALIZED", "PENDING", "RUNNING"):
                break
            time.sleep(0.002)
        self._call("GET", f"/v1/sessions/{sh}")
        self._call("DELETE", f"/v1/sessions/{sh}/operations/{oh}/close")

    def cancel(self, sh: str) -> None:
        oh = self._execute(
            sh, "SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b"
        )
        # a cancel in the first instants can miss the statement (see tests/reliability/
        # test_faults.py::test_cancel_right_after_submit_stops_the_statement): let it start
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = self._call("GET", f"/v1/sessions/{sh}/operations/{oh}/status").json()
            if status["status"] != "PENDING":
                break
            time.sleep(0.01)
        time.sleep(self.rnd.uniform(0.3, 0.5))
        r = self.c.post(f"/v1/sessions/{sh}/operations/{oh}/cancel")
        self.counters.add(requests=1)
        if r.status_code not in (200, 500):  # 500 when it already finished: documented
            self.counters.error(f"cancel -> {r.status_code} {r.text[:300]}")
        self._call("DELETE", f"/v1/sessions/{sh}/operations/{oh}/close")


def _window(samples: list[Sample], lo: float, hi: float, total: float) -> dict[str, float]:
    chosen = [s for s in samples if lo * total <= s.t <= hi * total] or samples[-1:]
    return {
        "rss_mib": statistics.median(s.rss_mib for s in chosen),
        "threads": statistics.median(s.threads for s in chosen),
        "fds": statistics.median(s.fds for s in chosen),
    }


def judge(
    samples: list[Sample], seconds: float
) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """Baseline (20-40 %) and final (last 20 %) medians, and what is not flat."""
    base = _window(samples, 0.2, 0.4, seconds)
    final = _window(samples, 0.8, 1.01, seconds)
    failures = []
    if final["rss_mib"] > base["rss_mib"] * 1.25 + 32:
        failures.append(f"RSS grew from {base['rss_mib']} to {final['rss_mib']} MiB")
    if final["threads"] > base["threads"] + 8:
        failures.append(f"threads grew from {base['threads']} to {final['threads']}")
    if final["fds"] > base["fds"] + 16:
        failures.append(f"file descriptors grew from {base['fds']} to {final['fds']}")
    return base, final, failures


def run_soak(seconds: float = 600, clients: int = 64, log: Any = None) -> SoakReport:
    """Run the soak and return its report (see the module docstring for the criteria)."""
    gw = GatewayProcess(
        f"sql-gateway.session.idle-timeout={int(IDLE_TIMEOUT_S)} s",
        "sql-gateway.session.check-interval=1 s",
        "sql-gateway.result.page-max-rows=500",
    )
    counters, stop = Counters(), threading.Event()
    stuck = 0
    samples: list[Sample] = []
    threads = [
        threading.Thread(target=SoakClient(gw.url, counters, stop, seed).run, daemon=True)
        for seed in range(clients)
    ]
    probe = httpx.Client(base_url=gw.url, timeout=30)
    try:
        start = time.monotonic()
        for t in threads:
            t.start()
        while (elapsed := time.monotonic() - start) < seconds:
            samples.append(gw.sample(elapsed, int(metric(probe, "sqlgateway_sessions_open"))))
            if log is not None:
                print(json.dumps(asdict(samples[-1])), file=log, flush=True)
            time.sleep(min(2.0, max(0.0, seconds - elapsed)))
        stop.set()
        for t in threads:
            t.join(120)
        stuck = sum(t.is_alive() for t in threads)
        time.sleep(IDLE_TIMEOUT_S + 3)  # let the reaper reclaim every abandoned session
        expired = int(metric(probe, "sqlgateway_sessions_expired_total"))
        still_open = int(metric(probe, "sqlgateway_sessions_open"))
    finally:
        probe.close()
        gw.stop()
    base, final, failures = judge(samples, seconds)
    if stuck:
        failures.append(f"{stuck} clients still busy 120 s after the stop (a statement hung)")
    if still_open != 0:
        failures.append(f"{still_open} sessions still open after the idle timeout")
    if expired != counters.abandoned:
        failures.append(f"{counters.abandoned} sessions abandoned but {expired} expired")
    if counters.errors:
        failures.append(f"{len(counters.errors)} unexpected answers, first: {counters.errors[0]}")
    return SoakReport(
        seconds, clients, samples, counters.requests, counters.statements, counters.rows,
        counters.sessions, counters.abandoned, expired, still_open, counters.errors, base, final,
        failures,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--json", help="write the full report (with every sample) here")
    args = parser.parse_args(argv)
    report = run_soak(args.seconds, args.clients, log=sys.stderr)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(report.to_json())
    summary = {k: v for k, v in json.loads(report.to_json()).items() if k != "samples"}
    print(json.dumps(summary, indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
