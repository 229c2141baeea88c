"""``sqlgateway auth``: the lines it writes authenticate against a real server."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import httpx

from sqlgateway.config import Settings
from sqlgateway.rest.auth import middleware
from sqlgateway.security import hashing
from sqlgateway.security.cli import main
from tests.security.servers import serve
from tests.security.test_auth_middleware import echo_app


def auth(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``sqlgateway auth`` in this process (fast); see test_command_line for the CLI."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(list(args))
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_command_line(tmp_path: Path) -> None:
    """The real command: ``python -m sqlgateway auth ...``."""
    done = subprocess.run(
        [sys.executable, "-m", "sqlgateway", "auth", "token", "alice", "--file",
         str(tmp_path / "t")], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert (tmp_path / "t").read_text() == f"alice:{hashing.sha256_token(token)}\n"


def test_created_credentials_work(tmp_path: Path) -> None:
    tokens, passwords = tmp_path / "tokens", tmp_path / "passwords"
    made = auth("token", "alice", "--file", str(tokens))
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    argon = auth("token", "robot", "--scheme", "argon2", "--file", str(tokens)).stdout.strip()
    assert os.stat(tokens).st_mode & 0o777 == 0o600
    assert token not in tokens.read_text() and argon not in tokens.read_text()  # hashes only
    assert (
        auth("password", "bob", "--stdin", "--file", str(passwords), stdin="pw1\n").returncode == 0
    )
    line = auth("password", "carol", "--scheme", "bcrypt", stdin="pw2\n").stdout.strip()
    assert line.startswith("carol:$2b$")
    with passwords.open("a") as f:
        f.write(line + "\n")
    check = auth("check", str(passwords))
    assert check.returncode == 0 and "2 credential(s) for 2 principal(s)" in check.stdout
    settings = Settings(
        {"sql-gateway.security.auth.enabled": "true",
         "sql-gateway.security.auth.tokens-file": str(tokens),
         "sql-gateway.security.auth.password-file": str(passwords)}
    )  # fmt: skip
    with serve(middleware(settings)(echo_app())) as port:
        url = f"http://127.0.0.1:{port}/echo"
        for headers, who in (
            ({"Authorization": f"Bearer {token}"}, "alice"),
            ({"Authorization": f"Bearer {argon}"}, "robot"),
        ):
            assert httpx.get(url, headers=headers).json()["principal"] == who
        assert httpx.get(url, auth=("bob", "pw1")).json()["principal"] == "bob"
        assert httpx.get(url, auth=("carol", "pw2")).json()["principal"] == "carol"
        assert httpx.get(url, auth=("carol", "pw1")).status_code == 401


def test_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    bad = auth("token", "a:b")
    assert bad.returncode == 2 and bad.stderr.startswith("sqlgateway auth: invalid principal")
    empty = auth("password", "bob", "--stdin", stdin="\n")
    assert empty.returncode == 2 and "empty password" in empty.stderr
    (tmp_path / "broken").write_text("alice:plaintext\n")
    broken = auth("check", str(tmp_path / "broken"))
    assert broken.returncode == 2 and "broken:1: expected 'name:hash'" in broken.stderr
    long = auth("password", "bob", "--scheme", "bcrypt", "--stdin", stdin="x" * 80 + "\n")
    assert long.returncode == 2 and "72 bytes" in long.stderr
