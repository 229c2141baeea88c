"""A real Flink standalone session cluster for tests, started with PyFlink's own scripts.

``jobmanager.sh start-foreground`` / ``taskmanager.sh start-foreground`` run as child processes
(their PIDs are the JVMs), with a private conf dir on 127.0.0.1 and free, non-default ports.
Stopped by PID; restartable on the same ports (cluster death and recovery tests).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pyflink_home() -> Path:
    import pyflink

    return Path(pyflink.__file__).parent


class FlinkCluster:
    """One JobManager and one TaskManager (4 slots) on loopback."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="sqlgateway-flink-cluster-"))
        self.rest_port = free_port()
        self.ports = {
            "jobmanager.rpc.port": free_port(),
            "rest.port": self.rest_port,
            "blob.server.port": free_port(),
            "taskmanager.rpc.port": free_port(),
            "taskmanager.data.port": free_port(),
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self._write_conf()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"

    def session_config(self) -> dict[str, str]:
        """What a gateway needs to submit to this cluster."""
        return {
            "execution.target": "remote",
            "rest.address": "127.0.0.1",
            "rest.port": str(self.rest_port),
        }

    def _write_conf(self) -> None:
        conf = self.dir / "conf"
        conf.mkdir()
        src = pyflink_home() / "conf"
        for name in ("log4j.properties", "log4j-console.properties", "logback.xml"):
            if (src / name).exists():
                shutil.copy(src / name, conf / name)
        java_opts = _java_opts(src / "config.yaml")
        lines = [
            f"env.java.opts.all: {java_opts}",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.bind-host: 127.0.0.1",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "taskmanager.host: 127.0.0.1",
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.numberOfTaskSlots: 4",
            "parallelism.default: 1",
            "jobmanager.memory.process.size: 1024m",
            "taskmanager.memory.process.size: 1536m",
            "metrics.internal.query-service.port: 0",
            *[f"{k}: {v}" for k, v in self.ports.items()],
        ]
        (conf / "config.yaml").write_text("\n".join(lines) + "\n")

    def start(self, timeout: float = 180) -> None:
        env = {
            **os.environ,
            "FLINK_CONF_DIR": str(self.dir / "conf"),
            "FLINK_LOG_DIR": str(self.dir / "log"),
            "FLINK_PID_DIR": str(self.dir),
        }
        env.pop("PYFLINK_GATEWAY_PORT", None)
        (self.dir / "log").mkdir(exist_ok=True)
        bin_dir = pyflink_home() / "bin"
        for script in ("jobmanager.sh", "taskmanager.sh"):
            out = open(self.dir / "log" / f"{script}.out", "ab")  # noqa: SIM115 - child's stdout
            self.processes.append(
                subprocess.Popen(
                    ["bash", str(bin_dir / script), "start-foreground"],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
            )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in self.processes:
                if p.poll() is not None:
                    raise RuntimeError(f"Flink process exited early; logs in {self.dir / 'log'}")
            try:
                with urllib.request.urlopen(self.url + "/overview", timeout=2) as r:
                    overview = json.loads(r.read())
                if overview.get("slots-available", 0) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"Flink cluster did not become ready; logs in {self.dir / 'log'}")

    def kill(self) -> None:
        """Kill every cluster process by PID (SIGKILL: a crash, no clean shutdown)."""
        for p in self.processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        for p in self.processes:
            p.wait(30)
        self.processes.clear()

    def stop(self) -> None:
        for p in self.processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
        self.processes.clear()

    def jobs(self) -> dict[str, str]:
        """job id -> state, from the cluster's REST API."""
        with urllib.request.urlopen(self.url + "/jobs", timeout=5) as r:
            return {j["id"]: j["status"] for j in json.loads(r.read())["jobs"]}

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _java_opts(config_yaml: Path) -> str:
    """The --add-opens list PyFlink ships in its default config (Flink needs it on Java 17)."""
    text = config_yaml.read_text()
    for line in text.splitlines():
        if line.strip().startswith("all: --add-exports"):
            return line.split("all:", 1)[1].strip()
    return ""
