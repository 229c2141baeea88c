"""No leaked jobs: a gateway killed with SIGKILL leaves its remote jobs recorded, and the next
gateway started with the same job-state directory cancels them within seconds."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from sqlgateway.engine.flink.registry import JobRegistry, process_start

from .cluster import FlinkCluster, free_port
from .conftest import make_engine, op, open_session, run, wait_for

pytestmark = pytest.mark.slow

READY = re.compile(r"listening on (http://\S+?:\d+)\b")


class GatewayProcess:
    """``python -m sqlgateway serve`` on the Flink engine as a child process."""

    def __init__(self, options: dict[str, str], log: Path) -> None:
        argv = [sys.executable, "-m", "sqlgateway", "serve"]
        argv += [f"-D{k}={v}" for k, v in options.items()]
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        self.url = self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = READY.search(self.log.read_text(errors="replace"))
            if found:
                return found.group(1)
            assert self.proc.poll() is None, self.log.read_text()
            time.sleep(0.1)
        raise AssertionError("gateway did not start:\n" + self.log.read_text())

    def children(self) -> list[int]:
        """PIDs whose parent is the gateway (the Flink JVM)."""
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                out.append(int(stat.parent.name))
        return out

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture
def options(cluster: FlinkCluster, tmp_path: Path) -> dict[str, str]:
    return {
        "sql-gateway.engine": "flink",
        "sql-gateway.endpoint.rest.address": "127.0.0.1",
        "sql-gateway.endpoint.rest.port": str(free_port()),
        "sql-gateway.flink.job-state-dir": str(tmp_path / "jobs"),
        "parallelism.default": "1",
        **cluster.session_config(),
    }


@pytest.fixture
def gateways(tmp_path: Path) -> Iterator[list[GatewayProcess]]:
    started: list[GatewayProcess] = []
    yield started
    for g in started:
        g.stop()


def _job_of(client: httpx.Client, sh: str, statement: str) -> str:
    r = client.post(f"/v3/sessions/{sh}/statements", json={"statement": statement})
    assert r.status_code == 200, r.text
    oh = r.json()["operationHandle"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = client.get(f"/v3/sessions/{sh}/operations/{oh}/result/0").json()
        assert "errors" not in body, body
        if body.get("jobID"):
            return str(body["jobID"])
        time.sleep(0.2)
    raise AssertionError(f"no job id for {statement}")


def test_jobs_of_a_killed_gateway_are_cancelled_by_the_next_one(
    cluster: FlinkCluster,
    options: dict[str, str],
    gateways: list[GatewayProcess],
    tmp_path: Path,
) -> None:
    first = GatewayProcess(options, tmp_path / "first.log")
    gateways.append(first)
    with httpx.Client(base_url=first.url, timeout=120) as client:
        sh = client.post("/v3/sessions", json={}).json()["sessionHandle"]
        for ddl in (
            "CREATE TEMPORARY TABLE src (k INT) WITH ('connector' = 'datagen', "
            "'rows-per-second' = '5')",
            "CREATE TEMPORARY TABLE snk (k INT) WITH ('connector' = 'blackhole')",
        ):
            _job_of_or_ok = client.post(f"/v3/sessions/{sh}/statements", json={"statement": ddl})
            assert _job_of_or_ok.status_code == 200
        insert = _job_of(client, sh, "INSERT INTO snk SELECT k FROM src")
        query = _job_of(client, sh, "SELECT k FROM src")
    assert wait_for(lambda: cluster.jobs().get(insert) == "RUNNING", 120)
    assert wait_for(lambda: cluster.jobs().get(query) == "RUNNING", 120)
    recorded = [orjson.loads(p.read_bytes()) for p in (tmp_path / "jobs").glob("jobs-*.json")]
    assert [sorted(r["jobs"]) for r in recorded] == [sorted([insert, query])]

    jvms = first.children()
    assert jvms, "the gateway runs its Flink JVM as a child process"
    first.kill9()
    # the JVM follows its gateway (its stdin closes), and nothing stops the remote jobs ...
    assert wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in jvms), 30)
    time.sleep(2)
    assert cluster.jobs()[insert] == "RUNNING" and cluster.jobs()[query] == "RUNNING"

    # ... until the next gateway with the same job-state directory starts
    started = time.monotonic()
    gateways.append(GatewayProcess(options, tmp_path / "second.log"))
    assert wait_for(
        lambda: cluster.jobs()[insert] == "CANCELED" and cluster.jobs()[query] == "CANCELED", 30
    ), cluster.jobs()
    print(f"\norphans cancelled {time.monotonic() - started:.1f} s after the restart began")
    assert wait_for(lambda: not list((tmp_path / "jobs").glob("jobs-*.json")), 10)


def test_a_dead_gateways_file_waits_for_an_unreachable_cluster(
    cluster: FlinkCluster, tmp_path: Path
) -> None:
    """Unknown jobs on a live cluster are settled; an unreachable cluster keeps the record."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    state = tmp_path / "jobs"
    state.mkdir()
    gone = f"http://127.0.0.1:{free_port()}"
    jobs = {"0" * 32: cluster.url, "1" * 32: gone}
    (state / f"jobs-{pid}-1.json").write_bytes(orjson.dumps({"pid": pid, "jobs": jobs}))
    # a live process's file (pid and kernel start time match) is never touched
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = state / f"jobs-{sleeper.pid}-{process_start(sleeper.pid)}.json"
        alive.write_bytes(orjson.dumps({"jobs": {"2" * 32: gone}}))
        registry = JobRegistry(str(state), cancel_orphans=False)
        assert registry.reap_once() == 1
        left = orjson.loads((state / f"jobs-{pid}-1.json").read_bytes())["jobs"]
        assert left == {"1" * 32: gone}
        assert orjson.loads(alive.read_bytes())["jobs"] == {"2" * 32: gone}
        registry.close()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_queries_read_by_a_dead_jvm_are_cancelled(cluster: FlinkCluster, tmp_path: Path) -> None:
    """The Flink JVM dies while a remote streaming query runs: nobody can read its rows any more,
    so the engine cancels the job (and the next statement starts a new JVM)."""
    engine = make_engine(
        **cluster.session_config(),
        **{
            "parallelism.default": "1",
            "sql-gateway.flink.prestart": "false",
            "sql-gateway.flink.job-state-dir": str(tmp_path / "jobs"),
        },
    )
    try:
        session = open_session(engine)
        run(session, "CREATE TEMPORARY TABLE s (k INT) WITH ('connector' = 'datagen', "
                     "'rows-per-second' = '5')")  # fmt: skip
        job = session.execute(op(), "SELECT k FROM s", {}).job_id
        assert job is not None
        assert wait_for(lambda: cluster.jobs().get(job) == "RUNNING", 120)
        engine.jvm.kill_for_tests()
        assert wait_for(lambda: cluster.jobs().get(job) == "CANCELED", 30), cluster.jobs()
        assert not engine.jobs.jobs()
        assert run(session, "SELECT 1").rows_json == b'{"kind":"INSERT","fields":[1]}'
        session.close()
    finally:
        engine.close()
