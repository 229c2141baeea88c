"""The Python reference encoder against recorded Flink output and Java formatting rules.

Expected bytes come from the reference transcripts / fixtures (``/work/shared/reference``) or from
independent computations (``struct``/``decimal`` arithmetic), never from the encoder itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sqlgateway.engine.values import (
    ResponseMappingError,
    check_json_supported,
    encode_json_value,
    encode_plain_value,
    encode_rows,
    java_decimal_json,
    java_double_str,
    java_float_str,
    logical_type_from_json,
)
from sqlgateway.errors import GatewayError
from sqlgateway.model import STRING, LogicalType, RowField, RowFormat, RowKind

REF = Path("/work/shared/reference")
TRANSCRIPTS = REF / "transcripts" / "gateway"

needs_ref = pytest.mark.skipif(not REF.exists(), reason="reference material not available")


def _payload(name: str) -> dict[str, Any]:
    """``results`` of the transcript file's response body."""
    body = json.loads((TRANSCRIPTS / name).read_text())["response"]["body_raw"]
    return json.loads(body)["results"]  # type: ignore[no-any-return]


def _data_bytes(body_raw: str) -> bytes:
    """The raw text between ``"data":[`` and the closing bracket of that array."""
    start = body_raw.index('"data":[') + len('"data":[')
    end = body_raw.rindex("]}")  # results object ends with "]}"
    return body_raw[start:end].encode()


def _body(name: str) -> str:
    return json.loads((TRANSCRIPTS / name).read_text())["response"]["body_raw"]  # type: ignore[no-any-return]


def _types(results: dict[str, Any]) -> list[LogicalType]:
    return [logical_type_from_json(c["logicalType"]) for c in results["columns"]]


# The VALUES statement of transcripts 065/075, as Python values.
VALUES_ROWS = [
    [
        1, 10, "alpha", 1.5, Decimal("3.14"), True, dt.date(2024, 1, 2), dt.time(12, 34, 56),
        dt.datetime(2024, 1, 2, 12, 34, 56, 789000), None, [1, 2, 3], {"k": 1}, (1, "r"),
        b"\xca\xfe",
    ],
    [
        2, -20, "beta", -0.25, Decimal("-1.00"), False, dt.date(1970, 1, 1), dt.time(0, 0, 0),
        dt.datetime(1970, 1, 1), "not null", [4], {"z": 26}, (2, "s"), b"\x00\xff",
    ],
]  # fmt: skip


@needs_ref
@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("073_values_json_fetch.json", RowFormat.JSON),
        ("083_values_plain_fetch.json", RowFormat.PLAIN_TEXT),
    ],
)
def test_values_transcripts(name: str, fmt: RowFormat) -> None:
    body = _body(name)
    types = _types(json.loads(body)["results"])
    assert encode_rows(types, VALUES_ROWS, fmt) == _data_bytes(body)


@needs_ref
def test_ltz_json_transcript() -> None:
    body = _body("094_ltz_json_fetch.json")
    types = _types(json.loads(body)["results"])
    row = [dt.datetime(1970, 1, 1, tzinfo=dt.UTC), 1.0, 7, 8, "ab", "ab"]
    assert encode_rows(types, [row], RowFormat.JSON, time_zone="UTC") == _data_bytes(body)


@needs_ref
def test_ltz_plain_transcript() -> None:
    body = _body("103_ltz_plain_fetch.json")
    types = _types(json.loads(body)["results"])
    assert encode_rows(types, [[0, 1.0]], RowFormat.PLAIN_TEXT) == _data_bytes(body)


def _fixture_row(fixture: str) -> list[Any]:
    """The row of Flink's ResultInfo serializer test fixtures (random bytes taken from each)."""
    field = json.loads((REF / "data" / fixture).read_text())["data"][0]["fields"][7]
    raw = bytes.fromhex(field[2:-1]) if field.startswith("x'") else base64.b64decode(field)
    ts = dt.datetime(1990, 10, 14, 12, 12, 43)
    ts9 = (int((ts - dt.datetime(1970, 1, 1)).total_seconds()) * 10**9) + 123456789
    return [
        True, 99, 128, 45536, 1238123899121, 33.333, "asdlkjasjkdla998y1122", raw,
        Decimal("123.456789"), [1.1, 2.2, 3.3], dt.date(1990, 10, 14), dt.time(12, 12, 43),
        ts9 - 123456789 + 123000000, ts9, ts9, {"element": 123}, {"element": 2},
        {"inner_map": {"key": 234}},
    ]  # fmt: skip


@needs_ref
@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("result_info_json_format.txt", RowFormat.JSON),
        ("result_info_plain_text_format.txt", RowFormat.PLAIN_TEXT),
    ],
)
def test_flink_fixture(fixture: str, fmt: RowFormat) -> None:
    text = (REF / "data" / fixture).read_text().strip()
    types = _types(json.loads(text))
    assert encode_rows(types, [_fixture_row(fixture)], fmt) == _data_bytes(text)


# ----------------------------------------------------------------------------- Java numbers


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (1.5, "1.5"), (-0.25, "-0.25"), (1.0, "1.0"), (1e10, "1.0E10"), (1e-5, "1.0E-5"),
        (1e7, "1.0E7"), (9999999.0, "9999999.0"), (0.001, "0.001"), (0.0009, "9.0E-4"),
        (123456789.0, "1.23456789E8"), (0.0, "0.0"), (-0.0, "-0.0"), (100.0, "100.0"),
        (5e-324, "4.9E-324"), (1.7976931348623157e308, "1.7976931348623157E308"),
        (float("nan"), "NaN"), (float("inf"), "Infinity"), (float("-inf"), "-Infinity"),
        (0.1 + 0.2, "0.30000000000000004"), (2e23, "2.0E23"), (-12345.678, "-12345.678"),
    ],
)  # fmt: skip
def test_java_double(x: float, text: str) -> None:
    """Expected strings are the documented outputs of Java 19+ ``Double.toString``."""
    assert java_double_str(x) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (33.333, "33.333"), (1.0, "1.0"), (0.1, "0.1"), (1e10, "1.0E10"), (1e-5, "1.0E-5"),
        (16777216.0, "1.6777216E7"), (3.4028234663852886e38, "3.4028235E38"),
        (1.401298464324817e-45, "1.4E-45"), (float("nan"), "NaN"),
    ],
)  # fmt: skip
def test_java_float(x: float, text: str) -> None:
    assert java_float_str(x) == text


def test_float_round_trips_through_float32() -> None:
    for bits in range(0x3F800000, 0x3F800000 + 5000, 7):
        x = struct.unpack("<f", struct.pack("<I", bits))[0]
        text = java_float_str(x).replace("E", "e")
        assert struct.unpack("<f", struct.pack("<f", float(text)))[0] == x


@pytest.mark.parametrize(
    ("d", "text"),
    [
        ("-1.00", "-1"), ("3.14", "3.14"), ("100.00", "1E+2"), ("0.00", "0"), ("1.50", "1.5"),
        ("0.0000001", "1E-7"), ("0.000001", "0.000001"), ("1500", "1.5E+3"), ("-0", "0"),
        ("12345678901234567890123456.7890123400", "12345678901234567890123456.78901234"),
        ("99999999999999999999999999999999999999", "99999999999999999999999999999999999999"),
    ],
)  # fmt: skip
def test_decimal_json(d: str, text: str) -> None:
    """Java ``new BigDecimal(d).stripTrailingZeros().toString()`` (zero special-cased)."""
    assert java_decimal_json(Decimal(d)) == text


def test_big_values_are_exact() -> None:
    assert encode_json_value(LogicalType("BIGINT"), -9007199254740993) == "-9007199254740993"
    dec = LogicalType("DECIMAL", precision=38, scale=10)
    v = Decimal("1234567890123456789012345678.0123456789")
    assert encode_json_value(dec, v) == "1234567890123456789012345678.0123456789"
    assert encode_plain_value(dec, Decimal("1.5")) == "1.5000000000"


# ----------------------------------------------------------------------------- other rules


def test_strings_escaped_like_jackson() -> None:
    s = '\x01a"\\/\n\x7fé\u2028\x1f\b\f\t\r'
    expected = '"\\u0001a\\"\\\\/\\n\x7fé\u2028\\u001F\\b\\f\\t\\r"'
    assert encode_json_value(STRING(), s) == expected
    assert encode_plain_value(STRING(), s) == s


def test_char_padding_and_bytes() -> None:
    char3 = LogicalType("CHAR", length=3)
    assert encode_json_value(char3, "ab") == '"ab "'
    assert encode_plain_value(char3, "ab") == "ab "
    assert encode_json_value(LogicalType("VARBINARY", length=10), b"\xca\xfe") == '"yv4="'
    assert encode_plain_value(LogicalType("VARBINARY", length=10), b"\xca\xfe") == "x'cafe'"


def test_temporal() -> None:
    ts3 = LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=3)
    ts6 = LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=6)
    v = dt.datetime(2024, 1, 2, 3, 4, 5, 120000)
    assert encode_json_value(ts3, v) == '"2024-01-02T03:04:05.12"'
    assert encode_plain_value(ts3, v) == "2024-01-02 03:04:05.120"
    assert encode_plain_value(ts6, v) == "2024-01-02 03:04:05.120000"
    assert encode_plain_value(LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=0), v) == (
        "2024-01-02 03:04:05.12"
    )
    assert encode_json_value(ts3, -1) == '"1969-12-31T23:59:59.999999999"'
    t3 = LogicalType("TIME_WITHOUT_TIME_ZONE", precision=3)
    assert encode_json_value(t3, dt.time(1, 2, 3, 500000)) == '"01:02:03"'
    assert encode_plain_value(t3, dt.time(1, 2, 3, 500000)) == "01:02:03.5"
    assert encode_plain_value(t3, dt.time(1, 2, 3)) == "01:02:03.0"
    date = LogicalType("DATE")
    after_9999 = (dt.date(9999, 12, 31) - dt.date(1970, 1, 1)).days + 1
    assert encode_json_value(date, after_9999) == '"+10000-01-01"'
    year_0 = (dt.date(1, 1, 1) - dt.date(1970, 1, 1)).days - 366  # year 0 is a leap year
    assert encode_json_value(date, year_0) == '"0000-01-01"'
    assert encode_json_value(date, year_0 - 1) == '"-0001-12-31"'


def test_ltz_session_zone() -> None:
    ltz = LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=3)
    instant = dt.datetime(2024, 7, 1, 0, 0, tzinfo=dt.UTC)
    assert encode_json_value(ltz, instant, "Asia/Shanghai") == '"2024-07-01T08:00:00Z"'
    assert encode_json_value(ltz, instant, "America/New_York") == '"2024-06-30T20:00:00Z"'
    assert encode_json_value(ltz, instant, "+05:30") == '"2024-07-01T05:30:00Z"'
    assert encode_plain_value(ltz, instant, "Asia/Shanghai") == "2024-07-01 08:00:00.000"
    # RowDataLocalTimeZoneConverter converts inside ARRAY, not inside ROW
    arr = LogicalType("ARRAY", element=ltz)
    row = LogicalType("ROW", fields=(RowField("t", ltz),))
    assert encode_json_value(arr, [instant], "Asia/Shanghai") == '["2024-07-01T08:00:00Z"]'
    assert encode_json_value(row, (instant,), "Asia/Shanghai") == '{"t":"2024-07-01T00:00:00Z"}'
    assert encode_plain_value(row, (instant,), "Asia/Shanghai") == "(2024-07-01 08:00:00.000)"


def test_nested_and_nulls() -> None:
    int_t = LogicalType("INTEGER")
    arr = LogicalType("ARRAY", element=int_t)
    row = LogicalType("ROW", fields=(RowField("a", int_t), RowField("b", STRING())))
    mp = LogicalType("MAP", key=STRING(), value=arr)
    ms = LogicalType("MULTISET", element=STRING())
    assert encode_json_value(arr, [1, None]) == "[1,null]"
    assert encode_plain_value(arr, [1, None]) == "[1, NULL]"
    assert encode_json_value(row, (None, "x")) == '{"a":null,"b":"x"}'
    assert encode_plain_value(row, {"a": 1, "b": None}) == "(1, NULL)"
    assert encode_json_value(mp, {None: [1], "k": None}) == '{"null":[1],"k":null}'
    assert encode_plain_value(mp, [(None, [1]), ("k", None)]) == "{NULL=[1], k=NULL}"
    assert encode_json_value(ms, {"a": 2}) == '{"a":2}'
    assert encode_plain_value(ms, {"a": 2}) == "{a=2}"
    assert encode_json_value(int_t, None) == "null"
    assert encode_plain_value(int_t, None) is None
    assert encode_json_value(LogicalType("NULL"), None) == "null"


def test_float_specials_in_json_are_strings() -> None:
    row = encode_rows(
        [LogicalType("DOUBLE")] * 3, [[float("nan"), 1e300, float("-inf")]], RowFormat.JSON
    )
    assert row == b'{"kind":"INSERT","fields":["NaN",1.0E300,"-Infinity"]}'


def test_intervals() -> None:
    ym = LogicalType("INTERVAL_YEAR_MONTH", precision=2, resolution="YEAR_TO_MONTH")
    dtt = LogicalType(
        "INTERVAL_DAY_TIME", precision=2, fractional_precision=3, resolution="DAY_TO_SECOND"
    )
    assert encode_json_value(ym, 18) == "18"
    assert encode_plain_value(ym, 18) == "+1-06"
    assert encode_plain_value(ym, -1) == "-0-01"
    ms = ((1 * 24 + 2) * 3600 + 3 * 60 + 4) * 1000 + 5
    assert encode_json_value(
        dtt, dt.timedelta(days=1, hours=2, minutes=3, seconds=4, milliseconds=5)
    ) == str(ms)
    assert encode_plain_value(dtt, ms) == "+1 02:03:04.005"


def test_map_with_non_string_key_fails_whole_fetch() -> None:
    bad = LogicalType("MAP", key=LogicalType("INTEGER"), value=STRING())
    with pytest.raises(ResponseMappingError) as info:
        encode_rows([bad], [[{1: "a"}]], RowFormat.JSON)
    assert isinstance(info.value, GatewayError)
    assert info.value.message == "Internal server error. Could not map response to JSON."
    with pytest.raises(ResponseMappingError):
        check_json_supported([bad])
    assert encode_rows([bad], [[{1: "a"}]], RowFormat.PLAIN_TEXT) == (
        b'{"kind":"INSERT","fields":["{1=a}"]}'
    )


def test_row_kinds_and_static_strings() -> None:
    out = encode_rows([STRING()], [["OK"], ["x"]], RowFormat.JSON, [RowKind.INSERT, RowKind.DELETE])
    assert out == b'{"kind":"INSERT","fields":["OK"]},{"kind":"DELETE","fields":["x"]}'
    assert encode_rows([STRING()], [["OK"]], RowFormat.PLAIN_TEXT) == (
        b'{"kind":"INSERT","fields":["OK"]}'
    )
    assert encode_rows([STRING()], [], RowFormat.JSON) == b""
