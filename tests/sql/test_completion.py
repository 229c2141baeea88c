"""complete-statement candidates (pure Python) and through the engine."""

from __future__ import annotations

import pytest

from sqlgateway.sql.completion import candidates


@pytest.mark.parametrize(
    ("statement", "position", "expected"),
    [
        ("SELECT * FR", 11, ["FROM"]),
        ("SHOW TAB", 8, ["TABLES"]),
        ("CREATE TA", 9, ["TABLE"]),
        ("SEL", 3, ["SELECT"]),
        ("select * fr", 11, ["FROM"]),
        ("SELECT * FROM t WH", 18, ["WHERE"]),
        ("SHOW CURRENT CAT", 16, ["CATALOG"]),
        ("SELECT * FR and more", 11, ["FROM"]),
        ("", 0, []),
    ],
)
def test_keyword_candidates(statement: str, position: int, expected: list[str]) -> None:
    assert candidates(statement, position) == expected


def test_table_names_after_from() -> None:
    tables = ["orders", "order_items", "users"]
    assert candidates("SELECT * FROM ord", 17, lambda: tables) == ["orders", "order_items"]
    assert candidates("SELECT * FROM ", 14, lambda: tables) == tables
    assert candidates("INSERT INTO u", 13, lambda: tables) == ["users"]
    assert "WHEN" in candidates("SELECT CASE WH", 14)
    assert "WHEN" not in candidates("SELECT a WH", 11)
