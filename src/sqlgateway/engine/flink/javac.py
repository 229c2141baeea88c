"""Compiles the engine's Java helper (``java/*.java``) once into a cache directory."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlgateway.errors import ExecutionError

JAVA_DIR = Path(__file__).with_name("java")


def pyflink_home() -> Path:
    """The directory of the installed ``pyflink`` package (holds ``lib/`` and ``opt/``)."""
    import pyflink

    return Path(pyflink.__file__).parent


def flink_jars() -> list[Path]:
    home = pyflink_home()
    return sorted(home.joinpath("lib").glob("*.jar")) + sorted(home.joinpath("opt").glob("*.jar"))


def _find_javac() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "javac").exists():
        return str(Path(java_home, "bin", "javac"))
    found = shutil.which("javac")
    if found is None:
        raise ExecutionError(
            "The Flink engine needs a JDK (javac 11+) to build its helper; none was found on PATH "
            "or in JAVA_HOME.",
            java_class="java.lang.IllegalStateException",
        )
    return found


def _digest(sources: list[Path], jars: list[Path]) -> str:
    h = hashlib.sha256()
    for src in sources:
        h.update(src.name.encode())
        h.update(src.read_bytes())
    for jar in jars:
        h.update(jar.name.encode())
    return h.hexdigest()[:16]


def helper_classes(cache_dir: str) -> Path:
    """The directory holding the compiled helper classes, compiling them first if needed."""
    sources = sorted(JAVA_DIR.glob("*.java"))
    jars = flink_jars()
    target = Path(cache_dir).expanduser() / "flink-helper" / _digest(sources, jars)
    if (target / ".complete").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="build-", dir=target.parent))
    classpath = os.pathsep.join(str(j) for j in jars)
    cmd = [_find_javac(), "-nowarn", "-encoding", "UTF-8", "-d", str(tmp), "-cp", classpath]
    proc = subprocess.run(
        [*cmd, *map(str, sources)], capture_output=True, text=True, timeout=300, check=False
    )
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExecutionError(
            f"Compiling the Flink engine's Java helper failed:\n{proc.stderr.strip()}",
            java_class="java.lang.IllegalStateException",
        )
    (tmp / ".complete").write_text("ok")
    try:
        tmp.rename(target)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return target
