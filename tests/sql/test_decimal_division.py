"""DECIMAL division over the REST API of a real gateway, against Flink's rule computed here with
Python's decimal module: the result type is LogicalTypeMerging.findDivisionDecimalType, the value
BigDecimal.divide(MathContext(38, HALF_UP)) then setScale(s, HALF_UP), NULL when it overflows
the precision (DecimalDataUtils.divide, DecimalData.fromBigDecimal)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Context, Decimal

import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import open_session, run

WIDE = Context(prec=200)


def flink_type(p1: int, s1: int, p2: int, s2: int) -> tuple[int, int]:
    """findDivisionDecimalType, written from Flink's documented T-SQL rule."""
    scale = max(6, s1 + p2 + 1)
    precision = p1 - s1 + s2 + scale
    if precision > 38:
        whole = precision - scale
        scale = max(38 - whole, min(scale, 6))
        precision = 38
    return precision, scale


def flink_divide(a: Decimal, b: Decimal, p: int, s: int) -> str | None:
    q = Context(prec=38, rounding=ROUND_HALF_UP).divide(a, b)
    r = q.quantize(Decimal(1).scaleb(-s), rounding=ROUND_HALF_UP, context=WIDE)
    if len(str(abs(int(r.scaleb(s, context=WIDE))))) > p:
        return None
    return f"{r:f}"


def _cases() -> list[tuple[str, int, int, str, int, int]]:
    fixed = [
        ("12345678901234567890.123456789", 29, 9, "3", 1, 0),
        ("1", 38, 0, "3", 38, 0),
        ("-2", 10, 2, "3", 5, 0),
        ("0.0000000000000000000000000000000000001", 38, 37, "7", 10, 0),
        ("99999999999999999999999999999999999999", 38, 0, "0.1", 2, 1),  # overflow: NULL
        ("123456789012345678.901234567890123456", 36, 18, "-0.000000000000000007", 19, 18),
        # 38 significant digits end exactly at the scale: one rounding (…444.444444444)
        ("964243.54592466307401846073", 26, 20, "0.00000000000000000000009", 23, 23),
        # Flink rounds twice: 38 significant digits, then the scale (1.0000004999…95 -> 1.000001)
        (str(10**32 + 1 + 5 * 10**25), 38, 0, str(10**32 + 1), 38, 0),
    ]
    rnd = random.Random(3)
    for _ in range(40):
        p1, p2 = rnd.randint(1, 38), rnd.randint(1, 20)
        s1, s2 = rnd.randint(0, p1), rnd.randint(0, p2)
        a = Decimal(rnd.randint(-(10 ** rnd.randint(1, p1)) + 1, 10**p1 - 1)).scaleb(-s1)
        b = Decimal(rnd.randint(1, 10 ** rnd.randint(1, p2) - 1)).scaleb(-s2)
        fixed.append((f"{a:f}", p1, s1, f"{b:f}", p2, s2))
    return fixed


CASES = _cases()


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    g = start_gateway()
    yield g
    g.stop()


def test_double_rounding_case_differs_from_single_rounding() -> None:
    """The constructed case really exercises Flink's double rounding."""
    a, b = Decimal(10**32 + 1 + 5 * 10**25), Decimal(10**32 + 1)
    assert flink_divide(a, b, 38, 6) == "1.000001"
    single = Context(prec=200).divide(a, b).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    assert f"{single:f}" == "1.000000"


def test_decimal_division_is_exact(gateway: RunningGateway) -> None:
    items = [
        f"CAST('{a}' AS DECIMAL({p1}, {s1})) / CAST('{b}' AS DECIMAL({p2}, {s2}))"
        for a, p1, s1, b, p2, s2 in CASES
    ]
    with gateway.client() as c:
        sh = open_session(c)
        out = run(c, sh, "SELECT " + ", ".join(items), row_format="PLAIN_TEXT")
        c.delete(f"/v3/sessions/{sh}")
    (row,) = out.rows
    for (a, p1, s1, b, p2, s2), column, value in zip(CASES, out.columns, row, strict=True):
        p, s = flink_type(p1, s1, p2, s2)
        what = f"DECIMAL({p1}, {s1}) {a} / DECIMAL({p2}, {s2}) {b}"
        assert column["logicalType"]["type"] == "DECIMAL", what
        assert (column["logicalType"]["precision"], column["logicalType"]["scale"]) == (p, s), what
        assert value == flink_divide(Decimal(a), Decimal(b), p, s), what


def test_decimal_division_of_columns_and_in_subqueries(gateway: RunningGateway) -> None:
    """Column operands, a subquery and an INSERT … SELECT give the same exact quotient."""
    a, b = "98765432109876543210.987654321", "0.000000007"
    p, s = flink_type(30, 9, 10, 9)
    want = flink_divide(Decimal(a), Decimal(b), p, s)
    with gateway.client() as c:
        sh = open_session(c)
        run(c, sh, "CREATE TABLE dd (a DECIMAL(30, 9), b DECIMAL(10, 9))")
        run(c, sh, f"INSERT INTO dd VALUES (CAST('{a}' AS DECIMAL(30, 9)), "
                   f"CAST('{b}' AS DECIMAL(10, 9)))")  # fmt: skip
        run(c, sh, f"CREATE TABLE dq (q DECIMAL({p}, {s}))")
        run(c, sh, "INSERT INTO dq SELECT a / b FROM dd")
        q1 = run(c, sh, "SELECT a / b FROM dd", row_format="PLAIN_TEXT").rows
        q2 = run(c, sh, "SELECT * FROM (SELECT a / b AS q FROM dd)", row_format="PLAIN_TEXT").rows
        q3 = run(c, sh, "SELECT q FROM dq", row_format="PLAIN_TEXT").rows
        c.delete(f"/v3/sessions/{sh}")
    assert want is not None
    assert q1 == q2 == q3 == [[want]]
