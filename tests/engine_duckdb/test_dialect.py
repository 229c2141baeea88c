"""Flink -> DuckDB translation on real DuckDB: semantics that differ between the two, and
constructs that are rejected (by name) instead of answering wrongly."""

from __future__ import annotations

import pytest

from sqlgateway.engine.duckdb.engine import DuckDBSession
from sqlgateway.errors import ExecutionError

from .conftest import rows, run


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 7 / 2, -7 / 2, 7 % 3", [[3, -3, 1]]),  # INT / INT is integer division
        ("SELECT ARRAY[10, 20, 30][1]", [[10]]),  # arrays are 1-based
        ("SELECT CONCAT('a', CAST(NULL AS STRING))", [[None]]),  # NULL if any argument is NULL
        ("SELECT GREATEST(1, CAST(NULL AS INT)), LEAST(3, 2)", [[None, 2]]),
        ("SELECT CAST('abcdef' AS VARCHAR(3)), CAST('ab' AS CHAR(3))", [["abc", "ab "]]),
        ("SELECT TIMESTAMPDIFF(DAY, TIMESTAMP '2020-01-01 23:00:00', "
         "TIMESTAMP '2020-01-02 01:00:00')", [[0]]),  # whole units, not boundaries
        ("SELECT DAYOFWEEK(DATE '2021-06-13')", [[1]]),  # Sunday = 1
        ("SELECT SPLIT_INDEX('a,b,c', ',', 0), SPLIT_INDEX('a,b,c', ',', 5)", [["a", None]]),
        ("SELECT AVG(x) FROM (VALUES (1), (2)) AS t(x)", [[1]]),  # AVG keeps the integer type
        ("SELECT LN(EXP(1)) BETWEEN 0.99 AND 1.01", [[True]]),
        ("SELECT TRY_CAST('x' AS INT), TO_TIMESTAMP('nope')", [[None, None]]),
        ("SELECT JSON_VALUE('{\"a\": [1, 2]}', '$.a[1]')", [["2"]]),
        ("SELECT `select` FROM (VALUES (1)) AS t(`select`)", [[1]]),
        ("SELECT UNIX_TIMESTAMP('1970-01-01 00:00:10')", [[10]]),
        ("SELECT IF(NULL, 1, 2), COALESCE(CAST(NULL AS INT), 3)", [[2, 3]]),
    ],
)  # fmt: skip
def test_flink_semantics(session: DuckDBSession, sql: str, expected: list[list[object]]) -> None:
    assert rows(session, sql) == expected


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("SELECT FOO(1)", "FOO"),
        ("SELECT HASH_CODE('x')", "HASH_CODE"),
        ("SELECT COUNT(*) FROM t GROUP BY SESSION(ts, INTERVAL '1' MINUTE)", "SESSION"),
        ("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS x PATTERN (A) "
         "DEFINE A AS true)", "MATCH_RECOGNIZE"),
        ("SELECT * FROM a JOIN b FOR SYSTEM_TIME AS OF a.ts ON a.k = b.k", "FOR SYSTEM_TIME"),
        ("SELECT /*+ OPTIONS('k'='v') */ 1", "hints"),
        ("SELECT TO_TIMESTAMP_LTZ(0, 6)", "TO_TIMESTAMP_LTZ"),
    ],
)  # fmt: skip
def test_untranslatable_constructs_are_named(session: DuckDBSession, sql: str, named: str) -> None:
    with pytest.raises(ExecutionError) as info:
        run(session, sql)
    assert info.value.java_class == "org.apache.flink.table.api.ValidationException"
    assert named in info.value.message


def test_result_column_names_and_literal_types(session: DuckDBSession) -> None:
    res = run(session, "SELECT 1, 'abc' AS s, x + 1, x FROM (VALUES (5)) AS t(x)")
    assert [c.name for c in res.columns] == ["EXPR$0", "s", "EXPR$2", "x"]
    assert res.columns[0].type.summary() == "INT NOT NULL"
    assert res.columns[1].type.summary() == "CHAR(3) NOT NULL"


def test_temporary_view_shadows_and_dies_with_session(
    session: DuckDBSession, engine: object
) -> None:
    from sqlgateway.engine.duckdb.engine import DuckDBEngine

    assert isinstance(engine, DuckDBEngine)
    run(session, "CREATE TABLE t (a INT)").source.close()
    run(session, "INSERT INTO t VALUES (1)").source.close()
    run(session, "CREATE TEMPORARY VIEW t AS SELECT 99 AS a").source.close()
    assert rows(session, "SELECT a FROM t") == [[99]]
    import uuid

    other = engine.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
    assert rows(other, "SELECT a FROM t") == [[1]]
    session.close()
    assert rows(other, "SHOW TABLES") == [["t"]]


def test_tumble_and_hop_windows_on_bounded_data(session: DuckDBSession) -> None:
    run(session, "CREATE TABLE clicks (usr STRING, ts TIMESTAMP(3))").source.close()
    run(session, "INSERT INTO clicks VALUES ('a', TIMESTAMP '2024-01-01 10:00:05'), "
                 "('b', TIMESTAMP '2024-01-01 10:00:59'), ('a', TIMESTAMP '2024-01-01 10:01:30')"
        ).source.close()  # fmt: skip
    tumble = rows(session, "SELECT CAST(window_start AS STRING), COUNT(*) FROM TABLE(TUMBLE("
                  "TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTES)) GROUP BY window_start "
                  "ORDER BY window_start")  # fmt: skip
    # window_start is a TIMESTAMP(3): CAST to STRING prints three fraction digits (Flink)
    assert tumble == [["2024-01-01 10:00:00.000", 2], ["2024-01-01 10:01:00.000", 1]]
    hop = rows(session, "SELECT COUNT(*) FROM TABLE(HOP(DATA => TABLE clicks, TIMECOL => "
               "DESCRIPTOR(ts), SLIDE => INTERVAL '1' MINUTE, SIZE => INTERVAL '2' MINUTE)) "
               "GROUP BY window_start ORDER BY window_start")  # fmt: skip
    assert hop == [[2], [3], [1]]
    cumulate = rows(session, "SELECT CAST(window_end AS STRING), COUNT(*) FROM TABLE(CUMULATE("
                    "TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)) "
                    "GROUP BY window_end ORDER BY window_end")  # fmt: skip
    assert cumulate == [["2024-01-01 10:01:00.000", 2], ["2024-01-01 10:02:00.000", 3]]
    res = run(session, "SELECT window_end, window_time FROM TABLE(TUMBLE(TABLE clicks, "
                       "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) LIMIT 1")  # fmt: skip
    assert [c.type.summary() for c in res.columns] == ["TIMESTAMP(3)", "TIMESTAMP(3)"]


def test_exact_decimal_division_matches_flinks_bigdecimal_rule() -> None:
    """typed.exact_division on real DuckDB against Flink's rule written with Python's decimal
    (MathContext(38, HALF_UP), then setScale(s, HALF_UP), NULL above the precision); divisors
    wider than the long division carries must fail by name, never answer."""
    import random
    from decimal import ROUND_HALF_UP, Context, Decimal

    import duckdb

    from sqlgateway.engine.duckdb.typed import division_type, exact_division

    wide = Context(prec=200)
    rnd = random.Random(11)
    con = duckdb.connect()
    cases, items = [], []
    for _ in range(150):
        p1, p2 = rnd.randint(1, 38), rnd.randint(1, 38)
        s1, s2 = rnd.randint(0, p1), rnd.randint(0, p2)
        a = Decimal(rnd.randint(-(10 ** rnd.randint(1, p1)) + 1, 10**p1 - 1)).scaleb(-s1)
        b = Decimal(rnd.randint(1, 10 ** rnd.randint(1, p2) - 1)).scaleb(-s2)
        sql = exact_division(
            f"CAST('{a:f}' AS DECIMAL({p1}, {s1}))", (p1, s1),
            f"CAST('{b:f}' AS DECIMAL({p2}, {s2}))", (p2, s2),
        )  # fmt: skip
        cases.append((a, b, *division_type((p1, s1), (p2, s2))))
        items.append(sql)
    checked = refused = 0
    for (a, b, p, s), sql in zip(cases, items, strict=True):
        q = Context(prec=38, rounding=ROUND_HALF_UP).divide(a, b)
        r = q.quantize(Decimal(1).scaleb(-s), rounding=ROUND_HALF_UP, context=wide)
        want = None if len(str(abs(int(r.scaleb(s, context=wide))))) > p else r
        try:
            got = con.sql(f"SELECT {sql}").fetchall()[0][0]
        except duckdb.InvalidInputException as exc:
            assert "DECIMAL division by a divisor of more than" in str(exc)
            refused += 1
            continue
        assert got == want, (a, b, p, s)
        checked += 1
    assert checked > 100 and refused < 20, (checked, refused)
