"""``sqlgateway sql -e/-f`` (and stdin scripts) against a real server: output and exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sqlgateway.client import GatewayClient
from tests.conftest import RunningGateway
from tests.shell.helpers import run_sql

BATCH = "SET 'execution.runtime-mode' = 'batch';"


def test_execute_select_renders_a_table(gateway: RunningGateway, tmp_path: Path) -> None:
    sql = f"{BATCH} SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y);"
    done = run_sql("--endpoint", gateway.url, "-e", sql, home=tmp_path, cli=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "[INFO] Execute statement succeeded.",
        "+---+---+",
        "| x | y |",
        "+---+---+",
        "| 1 | a |",
        "| 2 | b |",
        "+---+---+",
        done.stdout.splitlines()[-1],
    ]
    assert done.stdout.splitlines()[-1].startswith("2 rows in set (")
    assert done.stderr == ""


def test_streaming_mode_prints_a_changelog(gateway: RunningGateway, tmp_path: Path) -> None:
    done = run_sql(
        "--endpoint", gateway.url, "-D", "execution.runtime-mode=streaming",
        "-e", "SELECT 1 AS c1, 'hello' AS c2;", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == "| op |          c1 |                             c2 |"
    assert lines[3] == "| +I |           1 |                          hello |"
    assert lines[5].startswith("Received a total of 1 row (")


def test_session_property_selects_batch_mode(gateway: RunningGateway, tmp_path: Path) -> None:
    done = run_sql(
        "--endpoint", gateway.url, "--session-property", "execution.runtime-mode=batch",
        "-e", "SELECT 42 AS answer", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "|     42 |" in done.stdout
    assert "1 row in set" in done.stdout


def test_set_and_set_listing(gateway: RunningGateway, tmp_path: Path) -> None:
    done = run_sql(
        "--endpoint", gateway.url, "-e", "SET 'my.key' = 'my value'; SET;", home=tmp_path
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[INFO] Execute statement succeeded."
    assert lines[1].startswith("+-") and lines[2].split() == ["|", "key", "|", "value", "|"]
    assert any(line.split() == ["|", "my.key", "|", "my", "value", "|"] for line in lines)
    assert lines[-1].endswith("rows in set")


def test_show_tables(gateway: RunningGateway, tmp_path: Path) -> None:
    with GatewayClient(gateway.url) as client:
        session = client.open_session()
        probe = client.run(session, "SHOW TABLES")
        client.close_session(session)
    if [c.name for c in probe.columns] != ["table name"]:
        pytest.skip("server does not implement SHOW TABLES yet")
    sql = "CREATE TABLE shown_t (id INT); SHOW TABLES;"
    done = run_sql("--endpoint", gateway.url, "-e", sql, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "| table name |" in done.stdout and "|    shown_t |" in done.stdout


def test_failure_prints_root_cause_and_exits_1(gateway: RunningGateway, tmp_path: Path) -> None:
    sql = "SELECT * FROM no_such_table; SELECT 'not reached' AS r;"
    done = run_sql("--endpoint", gateway.url, "-e", sql, home=tmp_path)
    assert done.returncode == 1
    err = done.stderr.splitlines()
    assert err[0] == "[ERROR] Could not execute SQL statement. Reason:"
    assert "no_such_table" in err[1] and "\tat " not in done.stderr
    assert "not reached" not in done.stdout


def test_script_file(gateway: RunningGateway, tmp_path: Path) -> None:
    script = tmp_path / "script.sql"
    script.write_text(
        "-- a comment; with a semicolon\n"
        f"{BATCH}\n"
        "SELECT 'a;b' AS s,\n"
        "       /* block; comment */ 2 AS n\n"
        ";\n"
        "SELECT `x` FROM (VALUES (1)) AS t(`x`);\n"
    )
    done = run_sql("--endpoint", gateway.url, "-f", str(script), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "|   s | n |" in done.stdout and "| a;b | 2 |" in done.stdout
    assert done.stdout.count("1 row in set") == 2


def test_failing_script_exits_1(gateway: RunningGateway, tmp_path: Path) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("SELECT 1;\nSELEC 2;\nSELECT 3;\n")
    done = run_sql("--endpoint", gateway.url, "-f", str(script), home=tmp_path)
    assert done.returncode == 1
    assert "Reason:" in done.stderr
    assert done.stdout.count("Received a total of") == 1


def test_script_from_stdin(gateway: RunningGateway, tmp_path: Path) -> None:
    done = run_sql("--endpoint", gateway.url, stdin=f"{BATCH}\nSELECT 7 AS n;\n", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "| 7 |" in done.stdout


def test_missing_script_and_usage_errors(gateway: RunningGateway, tmp_path: Path) -> None:
    missing = run_sql("--endpoint", gateway.url, "-f", str(tmp_path / "nope.sql"), home=tmp_path)
    assert missing.returncode == 1 and "nope.sql" in missing.stderr
    usage = run_sql("--session-property", "novalue", home=tmp_path)
    assert usage.returncode == 2


def test_unreachable_endpoint_exits_1(tmp_path: Path) -> None:
    done = run_sql("--endpoint", "http://127.0.0.1:9", "-e", "SELECT 1", home=tmp_path)
    assert done.returncode == 1
    assert "127.0.0.1:9" in done.stderr


def test_credentials_are_sent(
    gateway_factory: Callable[..., RunningGateway], tmp_path: Path
) -> None:
    from sqlgateway.security import hashing

    token = "tok-" + "c" * 40
    tokens = tmp_path / "tokens"
    tokens.write_text(f"alice:{hashing.sha256_token(token)}\n")
    passwords = tmp_path / "passwords"
    passwords.write_text(f"bob:{hashing.bcrypt_hash('s3cret', rounds=4)}\n")
    secured = gateway_factory(
        {
            "sql-gateway.security.auth.enabled": "true",
            "sql-gateway.security.auth.tokens-file": str(tokens),
            "sql-gateway.security.auth.password-file": str(passwords),
        }
    )
    base = ("--endpoint", secured.url, "-e", "SELECT 1 AS one;")
    assert run_sql(*base, home=tmp_path).returncode == 1
    assert run_sql(*base, "--token", token, home=tmp_path).returncode == 0
    ok = run_sql(*base, "--user", "bob", "--password", "s3cret", home=tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad = run_sql(*base, "--user", "bob", "--password", "wrong", home=tmp_path)
    assert bad.returncode == 1 and "HTTP 401" in bad.stderr


def test_echo_and_quit_in_a_script(gateway: RunningGateway, tmp_path: Path) -> None:
    script = "SET 'a.b' = 'c';\nQUIT;\nSELECT * FROM no_such_table;\n"
    done = run_sql("--endpoint", gateway.url, "--echo", stdin=script, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Flink SQL> SET 'a.b' = 'c';",
        "[INFO] Execute statement succeeded.",
        "Flink SQL> QUIT;",
    ]


def test_init_file_runs_first(gateway: RunningGateway, tmp_path: Path) -> None:
    init = tmp_path / "init.sql"
    init.write_text("SET 'execution.runtime-mode' = 'batch';\n")
    done = run_sql("--endpoint", gateway.url, "-i", str(init), "-e", "SELECT 3 AS n", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 row in set" in done.stdout
