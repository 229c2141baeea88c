"""Statement splitting and classification (pure Python)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from sqlgateway.sql.classifier import Kind, classify, is_ctas  # noqa: E402
from sqlgateway.sql.splitter import split_statements, strip_comments  # noqa: E402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT 1", ["SELECT 1"]),
        ("SELECT 1;", ["SELECT 1"]),
        ("SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"]),
        ("SELECT ';' AS s;", ["SELECT ';' AS s"]),
        ("SELECT 'it''s;' ; ", ["SELECT 'it''s;'"]),
        ("SELECT `a;b` FROM t", ["SELECT `a;b` FROM t"]),
        ('SELECT "x;y"', ['SELECT "x;y"']),
        ("SELECT 1 -- c;omment\n;", ["SELECT 1 -- c;omment"]),
        ("/* a;b */ SELECT 1", ["/* a;b */ SELECT 1"]),
        (" ; ; -- only comments\n", []),
        (
            "EXECUTE STATEMENT SET BEGIN INSERT INTO a VALUES (1); INSERT INTO b VALUES (2); END;",
            ["EXECUTE STATEMENT SET BEGIN INSERT INTO a VALUES (1); INSERT INTO b VALUES (2); END"],
        ),
        ("BEGIN STATEMENT SET; INSERT INTO a VALUES (1); END;",
         ["BEGIN STATEMENT SET", "INSERT INTO a VALUES (1)", "END"]),
    ],
)  # fmt: skip
def test_split(text: str, expected: list[str]) -> None:
    assert split_statements(text) == expected


def test_strip_comments_keeps_strings() -> None:
    assert strip_comments('/* {"app": "dbt"} */ SELECT \'--x\' -- tail') == "SELECT '--x'"


@pytest.mark.parametrize(
    ("text", "kind", "obj"),
    [
        ("select 1", Kind.QUERY, ""),
        ("(SELECT 1)", Kind.QUERY, ""),
        ("VALUES (1)", Kind.QUERY, ""),
        ("WITH a AS (SELECT 1) SELECT * FROM a", Kind.QUERY, ""),
        ("INSERT OVERWRITE t SELECT 1", Kind.INSERT, ""),
        ("SET", Kind.SET, ""),
        ("reset 'a'", Kind.RESET, ""),
        ("CREATE TEMPORARY VIEW v AS SELECT 1", Kind.CREATE, "TEMPORARY VIEW"),
        ("CREATE OR REPLACE TABLE t (a INT)", Kind.CREATE, "TABLE"),
        ("DROP TABLE IF EXISTS t", Kind.DROP, "TABLE"),
        ("ALTER TABLE t RENAME TO u", Kind.ALTER, "TABLE"),
        ("SHOW CURRENT CATALOG", Kind.SHOW, "CURRENT CATALOG"),
        ("DESC t", Kind.DESCRIBE, "T"),
        ("EXPLAIN PLAN FOR SELECT 1", Kind.EXPLAIN, ""),
        ("BEGIN STATEMENT SET", Kind.BEGIN_STATEMENT_SET, ""),
        ("END", Kind.END, ""),
        ("EXECUTE STATEMENT SET BEGIN INSERT INTO t VALUES (1); END", Kind.STATEMENT_SET, ""),
        ("LOAD MODULE hive", Kind.LOAD_MODULE, ""),
        ("ADD JAR '/x.jar'", Kind.ADD_JAR, ""),
        ("STOP JOB 'abc'", Kind.STOP_JOB, ""),
        ("DELETE FROM t", Kind.OTHER, ""),
        ('/* {"app": "dbt"} */ select 1;', Kind.QUERY, ""),
    ],
)
def test_classify(text: str, kind: Kind, obj: str) -> None:
    stmt = classify(text)
    assert stmt.kind is kind
    assert stmt.object == obj


@pytest.mark.parametrize(
    ("text", "ctas"),
    [
        ("CREATE TABLE t AS SELECT 1", True),
        ("CREATE TABLE t WITH ('connector' = 'print') AS SELECT 1", True),
        ("CREATE TABLE t (a INT, b AS a + 1)", False),
        ("CREATE TABLE t (a INT, b AS (a + 1)) WITH ('connector' = 'datagen')", False),
        ("CREATE VIEW v AS SELECT 1", False),
    ],
)
def test_ctas(text: str, ctas: bool) -> None:
    assert is_ctas(classify(text)) is ctas
