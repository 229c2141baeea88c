"""The sandbox on a real DuckDB connection (the same controls the engine applies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow
import pytest

from sqlgateway.config import Settings
from sqlgateway.engine.duckdb.sandbox import (
    apply_sandbox,
    check_path,
    check_statement,
    normalise_directory,
    refusal,
)
from sqlgateway.errors import ExecutionError


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "in.csv").write_text("a,b\n1,2\n")
    return d


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.csv").write_text("pw\nhunter2\n")
    return d


def _settings(data_dir: Path, **extra: str) -> Settings:
    return Settings({"sql-gateway.security.sandbox.allowed-directories": str(data_dir), **extra})


@pytest.fixture()
def con(data_dir: Path) -> Any:
    c = duckdb.connect(":memory:")
    assert apply_sandbox(c, _settings(data_dir)) is True
    yield c
    c.close()


def test_reads_and_writes_inside_allowed_directory(con: Any, data_dir: Path) -> None:
    cur = con.cursor()
    assert cur.execute(f"SELECT * FROM read_csv('{data_dir}/in.csv')").fetchall() == [(1, 2)]
    cur.execute(f"COPY (SELECT 42 AS x) TO '{data_dir}/out.csv'")
    assert (data_dir / "out.csv").read_text().strip().splitlines() == ["x", "42"]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('{outside}/secret.csv')",
        "SELECT * FROM read_text('{outside}/secret.csv')",
        "SELECT * FROM read_blob('{outside}/secret.csv')",
        "SELECT * FROM glob('{outside}/*')",
        "SELECT * FROM read_csv('{data}/../outside/secret.csv')",
        "SELECT * FROM read_csv('{data}2/x.csv')",  # sibling prefix is not inside
        "COPY (SELECT 1) TO '{outside}/w.csv'",
        "ATTACH '{outside}/x.db' AS x",
        "EXPORT DATABASE '{outside}/exp'",
        "SELECT * FROM read_csv('https://127.0.0.1:9/x.csv')",
        "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "SET temp_directory = '{outside}'",
    ],
)
def test_duckdb_refuses_escapes(con: Any, data_dir: Path, outside: Path, sql: str) -> None:
    cur = con.cursor()  # cursors share the database-wide sandbox
    with pytest.raises(duckdb.Error):
        cur.execute(sql.format(outside=outside, data=data_dir))
    assert sorted(p.name for p in outside.iterdir()) == ["secret.csv"]


def test_python_replacement_scans_are_off(con: Any) -> None:
    secret_frame = pyarrow.table({"pw": ["hunter2"]})  # noqa: F841 - looked up by name
    with pytest.raises(duckdb.CatalogException):
        con.cursor().execute("SELECT * FROM secret_frame").fetchall()


def test_engine_may_still_set_time_zone_and_use(con: Any) -> None:
    cur = con.cursor()
    cur.execute("SET TimeZone = 'Asia/Tokyo'")
    cur.execute("USE memory.main")
    assert cur.execute("SELECT current_setting('TimeZone')").fetchone() == ("Asia/Tokyo",)


def test_lock_configuration_option_locks_everything(data_dir: Path) -> None:
    c = duckdb.connect(":memory:")
    apply_sandbox(
        c, _settings(data_dir, **{"sql-gateway.security.sandbox.lock-configuration": "true"})
    )
    with pytest.raises(duckdb.InvalidInputException, match="locked"):
        c.cursor().execute("SET threads = 1")
    with pytest.raises(duckdb.InvalidInputException, match="locked"):
        c.execute("SET lock_configuration = false")


def test_disabled_sandbox_changes_nothing(data_dir: Path, outside: Path) -> None:
    c = duckdb.connect(":memory:")
    assert (
        apply_sandbox(c, _settings(data_dir, **{"sql-gateway.security.sandbox.enabled": "false"}))
        is False
    )
    assert c.execute(f"SELECT count(*) FROM read_csv('{outside}/secret.csv')").fetchone() == (1,)


@pytest.mark.parametrize(
    "sql",
    [
        "PRAGMA enable_profiling",
        "  /* x */ pragma threads=1",
        "SET threads = 1",
        "RESET enable_external_access",
        "CALL enable_logging()",
        "INSTALL httpfs",
        "FORCE INSTALL httpfs FROM 'http://x'",
        "LOAD 'evil.duckdb_extension'",
        "UPDATE EXTENSIONS",
        "SELECT * FROM enable_logging(storage := 'file')",
        "select 1 from ENABLE_PROFILING ()",
        "SELECT * FROM json_execute_serialized_sql('{}')",
    ],
)
def test_check_statement_refuses_configuration(sql: str, data_dir: Path) -> None:
    with pytest.raises(ExecutionError, match="SQL sandbox does not allow"):
        check_statement(sql, _settings(data_dir))


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "LOAD MODULE hive",
        "UPDATE t SET a = 1",
        "SELECT enable_loggingx(1)",
        "CREATE TABLE settings (a INT)",
        "-- SET x\nSELECT 'PRAGMA'",
    ],
)
def test_check_statement_allows_ordinary_sql(sql: str, data_dir: Path) -> None:
    assert refusal(sql) is None
    check_statement(sql, _settings(data_dir))


def test_check_statement_is_off_with_the_sandbox(data_dir: Path) -> None:
    check_statement(
        "PRAGMA x", _settings(data_dir, **{"sql-gateway.security.sandbox.enabled": "false"})
    )


def test_check_path(data_dir: Path, outside: Path) -> None:
    s = _settings(data_dir)
    check_path(str(data_dir / "in.csv"), s)
    check_path(str(data_dir), s)
    for bad in (str(outside / "secret.csv"), f"{data_dir}/../outside/secret.csv", "http://x/y"):
        with pytest.raises(ExecutionError, match="sandbox"):
            check_path(bad, s)


def test_symlink_escape_is_resolved(data_dir: Path, outside: Path) -> None:
    (data_dir / "link").symlink_to(outside)
    with pytest.raises(ExecutionError):
        check_path(str(data_dir / "link" / "secret.csv"), _settings(data_dir))
    assert normalise_directory(str(data_dir / "link")) == str(outside) + "/"


def test_apply_twice_is_a_no_op(con: Any, data_dir: Path) -> None:
    assert apply_sandbox(con.cursor(), _settings(data_dir)) is True
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv('/etc/passwd')")
