"""The Flink JVM: launched through PyFlink's own launcher with the helper on its classpath.

One JVM serves every session (PyFlink keeps one Py4J gateway per process). Its death is noticed
by a watchdog within half a second; ``Jvm.ensure()`` starts a new one on the next use.
"""

from __future__ import annotations

import logging
import os
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlgateway.engine.flink import javac
from sqlgateway.errors import ExecutionError

log = logging.getLogger(__name__)

ILLEGAL_STATE = "java.lang.IllegalStateException"


class JvmGeneration:
    """One started JVM: its Py4J gateway and process. ``death`` is set once it is gone."""

    def __init__(self, number: int, gateway: Any, process: subprocess.Popen[bytes]) -> None:
        self.number = number
        self.gateway = gateway
        self.process = process
        self.death: str | None = None
        self._runner_class: Any = None

    @property
    def alive(self) -> bool:
        return self.death is None

    def check(self) -> None:
        """Raise ExecutionError if this JVM is gone."""
        if self.death is not None:
            raise ExecutionError(self.death, java_class=ILLEGAL_STATE)

    def runner_class(self) -> Any:
        # resolving a class through Py4J's JVM view costs a round trip per name part
        if self._runner_class is None:
            self._runner_class = self.gateway.jvm.sqlgateway.flink.SessionRunner
        return self._runner_class


class Jvm:
    """Starts, watches and restarts the Flink JVM."""

    def __init__(self, cache_dir: str, start_timeout: float) -> None:
        self._cache_dir = cache_dir
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._current: JvmGeneration | None = None
        self._count = 0
        self._closed = False
        self.on_death: list[Callable[[JvmGeneration], None]] = []

    def ensure(self) -> JvmGeneration:
        """The running JVM, starting one if there is none (or the last one died)."""
        with self._lock:
            if self._closed:
                raise ExecutionError("The Flink engine is shut down.", java_class=ILLEGAL_STATE)
            cur = self._current
            if cur is not None and cur.alive:
                return cur
            self._count += 1
            self._current = self._launch(self._count)
            return self._current

    def close(self) -> None:
        with self._lock:
            self._closed = True
            cur, self._current = self._current, None
        if cur is not None:
            cur.death = "The Flink engine is shut down."
            _shutdown(cur)

    def kill_for_tests(self) -> int:
        """Kill the JVM process (failure tests); returns its pid."""
        cur = self._current
        if cur is None:
            raise RuntimeError("no JVM running")
        cur.process.kill()
        return cur.process.pid

    # ---- launching ----------------------------------------------------------------------------

    def _launch(self, number: int) -> JvmGeneration:
        classes = javac.helper_classes(self._cache_dir)
        started = time.monotonic()
        process, port = _start_process(classes, self._start_timeout)
        gateway = _connect(port)
        gen = JvmGeneration(number, gateway, process)
        threading.Thread(
            target=self._watch, args=(gen,), name=f"flink-jvm-watch-{number}", daemon=True
        ).start()
        log.info("Flink JVM %d started (pid %d) in %.1f s", number, process.pid,
                 time.monotonic() - started)  # fmt: skip
        return gen

    def _watch(self, gen: JvmGeneration) -> None:
        code = gen.process.wait()
        if gen.death is None:
            gen.death = (
                f"The Flink JVM exited unexpectedly (exit code {code}); the statement was lost. "
                "A new JVM is started for the next statement."
            )
            log.error("Flink JVM %d (pid %d) exited with code %s", gen.number, gen.process.pid,
                      code)  # fmt: skip
            _close_gateway(gen)
            for callback in list(self.on_death):
                try:
                    callback(gen)
                except Exception:  # pragma: no cover - defensive
                    log.exception("JVM death callback failed")


def _start_process(classes: Path, timeout: float) -> tuple[subprocess.Popen[bytes], int]:
    from pyflink.pyflink_gateway_server import launch_gateway_server_process

    conn_dir = tempfile.mkdtemp(prefix="sqlgateway-flink-")
    conn_file = os.path.join(conn_dir, "conn")
    env = dict(os.environ)
    # Flink's log goes next to the helper (PyFlink would write into site-packages otherwise).
    log_dir = classes.parent.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env.setdefault("FLINK_LOG_DIR", str(log_dir))
    env["_PYFLINK_CONN_INFO_PATH"] = conn_file
    extra = env.get("HADOOP_CLASSPATH", "")
    env["HADOOP_CLASSPATH"] = os.pathsep.join(p for p in (str(classes), extra) if p)
    env.pop("PYFLINK_GATEWAY_PORT", None)
    args = ["-c", "org.apache.flink.client.python.PythonGatewayServer", "local"]
    process = launch_gateway_server_process(env, args)
    stderr_tail: list[str] = []
    threading.Thread(
        target=_drain, args=(process, stderr_tail), name="flink-jvm-stderr", daemon=True
    ).start()
    deadline = time.monotonic() + timeout
    try:
        while not os.path.isfile(conn_file):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise ExecutionError(
                    "The Flink JVM could not be started: " + "".join(stderr_tail[-20:]).strip(),
                    java_class=ILLEGAL_STATE,
                )
            time.sleep(0.05)
        time.sleep(0.05)  # the file is written in one go, but give the writer a moment
        with open(conn_file, "rb") as info:
            port = int(struct.unpack("!I", info.read(4))[0])
    finally:
        for name in os.listdir(conn_dir):
            os.unlink(os.path.join(conn_dir, name))
        os.rmdir(conn_dir)
    return process, port


def _drain(process: subprocess.Popen[bytes], tail: list[str]) -> None:
    """Keep reading the JVM's stderr (an unread pipe would eventually block the JVM)."""
    stream = process.stderr
    if stream is None:
        return
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        tail.append(line)
        del tail[:-200]
        log.debug("flink jvm: %s", line.rstrip())


def _connect(port: int) -> Any:
    """Connect PyFlink's process-wide gateway to our JVM (so PyFlink APIs work as well).

    The previous gateway object is not closed here: it belongs to the JVM generation that
    created it, which closes it when it shuts down or dies.
    """
    from pyflink import java_gateway

    with java_gateway._lock:
        java_gateway._gateway = None
    os.environ["PYFLINK_GATEWAY_PORT"] = str(port)
    return java_gateway.get_gateway()


def _close_gateway(gen: JvmGeneration) -> None:
    try:
        gen.gateway.close()
    except Exception:  # noqa: BLE001
        log.debug("closing the gateway failed", exc_info=True)


def _shutdown(gen: JvmGeneration) -> None:
    _close_gateway(gen)
    gen.process.terminate()
    try:
        gen.process.wait(10)
    except subprocess.TimeoutExpired:
        gen.process.kill()
        gen.process.wait(5)
