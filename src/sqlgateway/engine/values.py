"""Python-side encoding of values into Flink's JSON and PLAIN_TEXT row formats.

This is the reference encoder: the DuckDB fast path (``engine/duckdb/batch.py``) must produce the
same bytes. It is used directly for static results (SET, SHOW, DESCRIBE, job ids, …), for small
query results and for values the SQL fast path cannot render exactly.

Flink renders rows in ``ResultInfoSerializer``:

* JSON uses ``RowDataToJsonConverters`` (ISO-8601 timestamps, map null key literal ``"null"``)
  and Jackson: DECIMAL via ``JsonNodeFactory.numberNode(BigDecimal)`` (trailing zeros stripped,
  ``BigDecimal.toString`` notation such as ``1E+2``), FLOAT/DOUBLE via ``Float/Double.toString``
  and NaN/±Infinity as the JSON *strings* ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` (Jackson's
  default ``QUOTE_NON_NUMERIC_NUMBERS``). TIMESTAMP_LTZ values are first shifted to the session
  time zone (``RowDataLocalTimeZoneConverter``: top level and inside ARRAY/MAP only, *not* inside
  ROW or MULTISET, where they stay UTC) and printed with a literal ``Z``.
* PLAIN_TEXT casts every field to STRING with the printing cast rules
  (``RowDataToStringConverterImpl``): ``TRUE``, ``x'cafe'``, DECIMAL with its scale, TIMESTAMP with
  the fraction padded to the precision, ``[1, 2]``, ``{k=v}``, ``(1, r)``, nested NULL ``NULL``;
  a top-level NULL is JSON ``null``.

Java number formatting: ``java_double_str``/``java_float_str`` produce the shortest round-trip
digits (the JDK 19+ ``Double.toString`` algorithm, including its two-digit rule that prints
``Double.MIN_VALUE`` as ``4.9E-324``). JDK 17's older algorithm printed a few values with extra
digits; those are not reproduced.

Accepted Python values (type-directed):

=====================  =================================================================
BOOLEAN                bool
TINYINT…BIGINT         int
FLOAT, DOUBLE          float (or int)
DECIMAL                decimal.Decimal or int
CHAR, VARCHAR          str (CHAR is right-padded to its length)
BINARY, VARBINARY      bytes / bytearray / memoryview
DATE                   datetime.date or int (days since 1970-01-01)
TIME                   datetime.time or int (nanoseconds of the day)
TIMESTAMP              naive datetime.datetime or int (epoch nanoseconds)
TIMESTAMP_LTZ          datetime.datetime (naive = UTC) or int (epoch nanoseconds, the instant)
INTERVAL_YEAR_MONTH    int (months)
INTERVAL_DAY_TIME      datetime.timedelta or int (milliseconds)
ARRAY                  list / tuple
MAP                    dict or a sequence of (key, value) pairs
MULTISET               dict element → count, or a sequence of (element, count) pairs
ROW                    tuple / list (positional) or dict (by field name)
NULL                   None
=====================  =================================================================
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
import re
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Context, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlgateway.errors import GatewayError
from sqlgateway.model import LogicalType, RowField, RowFormat, RowKind

__all__ = [
    "ResponseMappingError",
    "encode_rows",
    "encode_json_value",
    "encode_plain_value",
    "check_json_supported",
    "field_encoder",
    "java_double_str",
    "java_float_str",
    "java_decimal_json",
    "resolve_time_zone",
    "logical_type_from_json",
]

MAPPING_ERROR_MESSAGE = "Internal server error. Could not map response to JSON."


class ResponseMappingError(GatewayError):
    """The row data cannot be rendered in the requested format (Flink fails the whole fetch).

    The REST layer renders it as 500 ``{"errors":["Internal server error. Could not map response
    to JSON."]}``; ``detail`` says why (for logs).
    """

    flat = True  # rendered as the bare message, as Flink's HandlerUtils does

    def __init__(self, detail: str = "") -> None:
        super().__init__(MAPPING_ERROR_MESSAGE)
        self.detail = detail


# --------------------------------------------------------------------------------------------
# Java number formatting
# --------------------------------------------------------------------------------------------

_DOUBLE_MIN_NORMAL = 2.2250738585072014e-308
_FLOAT_MIN_NORMAL = 1.1754943508222875e-38
_DEC_CTX = Context(prec=1000)


def _digits_exp(text: str) -> tuple[str, int]:
    """Significant digits and decimal exponent of the first digit of a positive number text."""
    mantissa, _, exp_text = text.lower().partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    all_digits = int_part + frac_part
    stripped = all_digits.lstrip("0")
    if not stripped:
        return "0", 0
    leading = len(all_digits) - len(stripped)
    exp = len(int_part) + int(exp_text or 0) - 1 - leading
    return stripped.rstrip("0") or "0", exp


def _java_render(negative: bool, digits: str, exp: int) -> str:
    """``Double.toString`` layout: plain for 1e-3 <= |x| < 1e7, else ``d.dddE±n``."""
    sign = "-" if negative else ""
    if -3 <= exp < 7:
        if exp >= 0:
            int_part = digits[: exp + 1].ljust(exp + 1, "0")
            frac = digits[exp + 1 :] or "0"
            return f"{sign}{int_part}.{frac}"
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exp}"


def _non_finite(x: float) -> str | None:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    return None


def _to_f32(x: float) -> float:
    try:
        return float(struct.unpack("<f", struct.pack("<f", x))[0])
    except OverflowError:
        return math.copysign(math.inf, x)


def _shortest_f32(a: float) -> str:
    for p in range(1, 10):
        text = f"{a:.{p - 1}e}"
        if _to_f32(float(text)) == a:
            return text
    return f"{a:.8e}"


def _two_digit_rule(a: float, digits: str, exp: int, is_float: bool) -> tuple[str, int]:
    """JDK 19+: when one digit suffices, pick the closest two-digit decimal that round-trips."""
    if len(digits) != 1 or a >= (_FLOAT_MIN_NORMAL if is_float else _DOUBLE_MIN_NORMAL):
        return digits, exp
    candidate = f"{a:.1e}"
    back = _to_f32(float(candidate)) if is_float else float(candidate)
    return _digits_exp(candidate) if back == a else (digits, exp)


def java_double_str(x: float) -> str:
    """Java ``Double.toString`` (shortest round-trip digits): ``1.0``, ``1.0E10``, ``1.0E-5``."""
    special = _non_finite(x)
    if special is not None:
        return special
    a = abs(x)
    digits, exp = _two_digit_rule(a, *_digits_exp(repr(a)), is_float=False)
    return _java_render(x < 0, digits, exp)


def java_float_str(x: float) -> str:
    """Java ``Float.toString`` of the float32 nearest to ``x`` (``33.333``, ``1.0E-5``)."""
    x = _to_f32(float(x))
    special = _non_finite(x)
    if special is not None:
        return special
    a = abs(x)
    digits, exp = _two_digit_rule(a, *_digits_exp(_shortest_f32(a)), is_float=True)
    return _java_render(x < 0, digits, exp)


def _as_decimal(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(v)


def java_decimal_json(v: Decimal | int) -> str:
    """Jackson's DECIMAL number: ``stripTrailingZeros()`` then ``BigDecimal.toString``."""
    d = _as_decimal(v)
    if not d:
        return "0"
    return str(d.normalize(_DEC_CTX))


def java_decimal_plain(v: Decimal | int, scale: int) -> str:
    """``DecimalData.toString``: ``BigDecimal.toPlainString`` at the column's scale."""
    d = _as_decimal(v)
    if not d:
        d = Decimal(0)
    q = d.quantize(Decimal(1).scaleb(-scale), context=_DEC_CTX)
    return f"{q:f}"


# --------------------------------------------------------------------------------------------
# Strings and bytes
# --------------------------------------------------------------------------------------------

_ESCAPES = {i: f"\\u{i:04X}" for i in range(32)}
_ESCAPES.update(
    {8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", ord('"'): '\\"', ord("\\"): "\\\\"}
)
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def json_str(s: str) -> str:
    """A JSON string literal escaped exactly like Jackson (``\\u001F`` upper-case hex)."""
    if _NEEDS_ESCAPE.search(s) is None:
        return f'"{s}"'
    return '"' + s.translate(_ESCAPES) + '"'


def _pad_char(t: LogicalType, s: str) -> str:
    n = t.length or 0
    return s if len(s) >= n else s.ljust(n)


# --------------------------------------------------------------------------------------------
# Time zones and temporal values
# --------------------------------------------------------------------------------------------

_OFFSET_RE = re.compile(r"^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$")
_UTC_NAMES = frozenset({"UTC", "Z", "GMT", "UT", "Etc/UTC", "Etc/GMT", "UCT", "Zulu"})


@functools.lru_cache(maxsize=256)
def resolve_time_zone(name: str) -> dt.tzinfo:
    """Java ``ZoneId.of``-like resolution: region ids, ``UTC``, ``Z``, ``+08:00``, ``GMT+8``."""
    text = name.strip()
    if text in _UTC_NAMES:
        return dt.UTC
    m = _OFFSET_RE.match(text)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        secs = int(m.group(2)) * 3600 + int(m.group(3) or 0) * 60 + int(m.group(4) or 0)
        return dt.timezone(dt.timedelta(seconds=sign * secs)) if secs else dt.UTC
    return ZoneInfo(text)


def fixed_offset_seconds(zone: dt.tzinfo) -> int | None:
    """The offset of a fixed-offset zone in seconds, ``None`` for region zones."""
    if isinstance(zone, dt.timezone):
        off = zone.utcoffset(None)
        return int(off.total_seconds())
    return None


_NS_PER_DAY = 86_400_000_000_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_EPOCH = dt.datetime(1970, 1, 1)
_US = dt.timedelta(microseconds=1)


def _civil_from_days(z: int) -> tuple[int, int, int]:
    """Proleptic Gregorian (year, month, day) of a day count since 1970-01-01, any year."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


def _year_text(y: int) -> str:
    """``ISO_LOCAL_DATE`` year: 4 digits, ``+`` above 9999, ``-`` for negative years."""
    if 0 <= y <= 9999:
        return f"{y:04d}"
    return f"+{y}" if y > 9999 else f"-{-y:04d}"


def _date_text(days: int) -> str:
    y, m, d = _civil_from_days(days)
    return f"{_year_text(y)}-{m:02d}-{d:02d}"


def _days(v: Any) -> int:
    return v if isinstance(v, int) else int(v.toordinal()) - _EPOCH_ORDINAL


def _time_ns(v: Any) -> int:
    if isinstance(v, int):
        return v
    return int(((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000_000 + v.microsecond * 1000)


def _epoch_ns(v: Any) -> int:
    if isinstance(v, int):
        return v
    if v.tzinfo is not None:
        v = v.astimezone(dt.UTC).replace(tzinfo=None)
    return int((v - _EPOCH) // _US) * 1000


def _zone_offset_ns(zone: dt.tzinfo, epoch_ns: int) -> int:
    off = fixed_offset_seconds(zone)
    if off is None:
        secs = max(min(epoch_ns // 1_000_000_000, 253402214400), -62135596800)
        delta = dt.datetime.fromtimestamp(secs, zone).utcoffset()
        off = int(delta.total_seconds()) if delta is not None else 0
    return off * 1_000_000_000


def _hms(ns_of_day: int) -> str:
    s = ns_of_day // 1_000_000_000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _split_ts(epoch_ns: int) -> tuple[str, int]:
    """(``yyyy-MM-dd`` ``HH:mm:ss`` with a single separator placeholder, nanos of second)."""
    days, rem = divmod(epoch_ns, _NS_PER_DAY)
    return f"{_date_text(days)}\x00{_hms(rem)}", rem % 1_000_000_000


def _ts_json(epoch_ns: int) -> str:
    """``ISO_LOCAL_DATE_TIME``: fraction only when non-zero, trailing zeros removed."""
    base, nanos = _split_ts(epoch_ns)
    text = base.replace("\x00", "T")
    return f"{text}.{f'{nanos:09d}'.rstrip('0')}" if nanos else text


def _ts_plain(epoch_ns: int, precision: int) -> str:
    """``DateTimeUtils.formatTimestamp``: fraction padded to the type's precision."""
    base, nanos = _split_ts(epoch_ns)
    frac = f"{nanos:09d}"
    keep = max(precision, len(frac.rstrip("0")))
    text = base.replace("\x00", " ")
    return f"{text}.{frac[:keep]}" if keep else text


def _time_plain(ns_of_day: int, precision: int) -> str:
    """``DateTimeUtils.formatTimestampMillis``: millisecond digits, stopping at trailing zeros."""
    text = _hms(ns_of_day)
    if precision <= 0:
        return text
    ms = ns_of_day // 1_000_000 % 1000
    out = []
    for _ in range(precision):
        out.append(str(ms // 100))
        ms = ms % 100 * 10
        if ms == 0:
            break
    return f"{text}.{''.join(out)}"


def _interval_ym_plain(months: int) -> str:
    sign = "+" if months >= 0 else "-"
    v = abs(months)
    return f"{sign}{v // 12}-{v % 12:02d}"


def _interval_dt_ms(v: Any) -> int:
    return v if isinstance(v, int) else int(v // dt.timedelta(milliseconds=1))


def _interval_dt_plain(ms: int) -> str:
    sign = "+" if ms >= 0 else "-"
    v = abs(ms)
    s, frac = divmod(v, 1000)
    return f"{sign}{s // 86400} {s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{frac:03d}"


# --------------------------------------------------------------------------------------------
# Converter construction (one closure tree per type, cached)
# --------------------------------------------------------------------------------------------

Conv = Callable[[Any], str]

_STRING_ROOTS = frozenset({"CHAR", "VARCHAR"})
_INT_ROOTS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "INTERVAL_YEAR_MONTH"})


def _pairs(v: Any) -> Iterable[tuple[Any, Any]]:
    return v.items() if isinstance(v, Mapping) else v


def _row_values(t: LogicalType, v: Any) -> Sequence[Any]:
    if isinstance(v, Mapping):
        return [v.get(f.name) for f in t.fields]
    return v  # type: ignore[no-any-return]


def _nullable(conv: Conv, null_text: str) -> Conv:
    def run(v: Any) -> str:
        return null_text if v is None else conv(v)

    return run


def _json_scalar(t: LogicalType, zone: dt.tzinfo) -> Conv | None:  # noqa: C901 - a type switch
    r = t.root
    if r == "BOOLEAN":
        return lambda v: "true" if v else "false"
    if r in _INT_ROOTS:
        return lambda v: str(int(v))
    if r == "INTERVAL_DAY_TIME":
        return lambda v: str(_interval_dt_ms(v))
    if r == "FLOAT":
        return lambda v: _quote_special(java_float_str(v))
    if r == "DOUBLE":
        return lambda v: _quote_special(java_double_str(float(v)))
    if r == "DECIMAL":
        return java_decimal_json
    if r == "CHAR":
        return lambda v: json_str(_pad_char(t, v))
    if r == "VARCHAR":
        return lambda v: json_str(v if isinstance(v, str) else str(v))
    if r in ("BINARY", "VARBINARY"):
        return lambda v: '"' + base64.b64encode(bytes(v)).decode("ascii") + '"'
    if r == "DATE":
        return lambda v: f'"{_date_text(_days(v))}"'
    if r == "TIME_WITHOUT_TIME_ZONE":
        return lambda v: f'"{_hms(_time_ns(v))}"'
    if r == "TIMESTAMP_WITHOUT_TIME_ZONE":
        return lambda v: f'"{_ts_json(_epoch_ns(v))}"'
    if r == "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
        return lambda v: f'"{_ts_json(_shift(zone, _epoch_ns(v)))}Z"'
    if r == "NULL":
        return lambda v: "null"
    return None


def _shift(zone: dt.tzinfo, epoch_ns: int) -> int:
    return epoch_ns + _zone_offset_ns(zone, epoch_ns)


def _quote_special(text: str) -> str:
    return f'"{text}"' if text[-1] in "yN" else text  # NaN, Infinity, -Infinity


def _json_conv(t: LogicalType, zone: dt.tzinfo) -> Conv:
    """Non-null converter to JSON text; ``zone`` applies to TIMESTAMP_LTZ values."""
    scalar = _json_scalar(t, zone)
    if scalar is not None:
        return scalar
    r = t.root
    utc = dt.UTC
    if r == "ARRAY":
        assert t.element is not None
        elem = _nullable(_json_conv(t.element, zone), "null")
        return lambda v: "[" + ",".join([elem(e) for e in v]) + "]"
    if r in ("MAP", "MULTISET"):
        key_t = t.key if r == "MAP" else t.element
        assert key_t is not None
        if key_t.root not in _STRING_ROOTS:
            raise ResponseMappingError(
                "JSON format doesn't support non-string as key type of map. "
                f"The type is: {t.summary()}"
            )
        value_t = t.value if r == "MAP" else LogicalType("INTEGER")
        assert value_t is not None
        key = _map_key(key_t)
        val = _nullable(_json_conv(value_t, zone if r == "MAP" else utc), "null")
        return lambda v: (
            "{" + ",".join(_object_entries((key(k), val(x)) for k, x in _pairs(v))) + "}"
        )
    if r == "ROW":
        return _json_row(t)
    raise ResponseMappingError(f"Not support to parse type: {t.summary()}")


def _json_row(t: LogicalType) -> Conv:
    names = [json_str(f.name) for f in t.fields]
    convs = [_nullable(_json_conv(f.type, dt.UTC), "null") for f in t.fields]

    def run(v: Any) -> str:
        values = [c(x) for c, x in zip(convs, _row_values(t, v), strict=True)]
        return "{" + ",".join(_object_entries(zip(names, values, strict=True))) + "}"

    return run


def _map_key(key_t: LogicalType) -> Conv:
    def run(k: Any) -> str:
        if k is None:
            return '"null"'
        return json_str(_pad_char(key_t, k) if key_t.root == "CHAR" else k)

    return run


def _object_entries(entries: Iterable[tuple[str, str]]) -> list[str]:
    """Jackson ``ObjectNode.set`` semantics: a repeated key keeps its first position, last value."""
    out: dict[str, str] = {}
    for k, v in entries:
        out[k] = v
    return [f"{k}:{v}" for k, v in out.items()]


def _plain_scalar(t: LogicalType, zone: dt.tzinfo) -> Conv | None:  # noqa: C901 - a type switch
    r = t.root
    if r == "BOOLEAN":
        return lambda v: "TRUE" if v else "FALSE"
    if r in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT"):
        return lambda v: str(int(v))
    if r == "FLOAT":
        return java_float_str
    if r == "DOUBLE":
        return lambda v: java_double_str(float(v))
    if r == "DECIMAL":
        scale = t.scale or 0
        return lambda v: java_decimal_plain(v, scale)
    if r == "CHAR":
        return lambda v: _pad_char(t, v)
    if r == "VARCHAR":
        return lambda v: v if isinstance(v, str) else str(v)
    if r in ("BINARY", "VARBINARY"):
        return lambda v: "x'" + bytes(v).hex() + "'"
    if r == "DATE":
        return lambda v: _date_text(_days(v))
    if r == "TIME_WITHOUT_TIME_ZONE":
        p = t.precision or 0
        return lambda v: _time_plain(_time_ns(v), p)
    if r == "TIMESTAMP_WITHOUT_TIME_ZONE":
        p = t.precision or 0
        return lambda v: _ts_plain(_epoch_ns(v), p)
    if r == "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
        p = t.precision or 0
        return lambda v: _ts_plain(_shift(zone, _epoch_ns(v)), p)
    if r == "INTERVAL_YEAR_MONTH":
        return lambda v: _interval_ym_plain(int(v))
    if r == "INTERVAL_DAY_TIME":
        return lambda v: _interval_dt_plain(_interval_dt_ms(v))
    if r == "NULL":
        return lambda v: "NULL"
    return None


def _apply_all(convs: Sequence[Conv], values: Sequence[Any]) -> list[str]:
    return [c(x) for c, x in zip(convs, values, strict=True)]


def _plain_conv(t: LogicalType, zone: dt.tzinfo) -> Conv:
    """Non-null converter to Flink's printed string (CAST to STRING, printing context)."""
    scalar = _plain_scalar(t, zone)
    if scalar is not None:
        return scalar
    r = t.root
    if r == "ARRAY":
        assert t.element is not None
        elem = _nullable(_plain_conv(t.element, zone), "NULL")
        return lambda v: "[" + ", ".join([elem(e) for e in v]) + "]"
    if r in ("MAP", "MULTISET"):
        key_t = t.key if r == "MAP" else t.element
        value_t = t.value if r == "MAP" else LogicalType("INTEGER")
        assert key_t is not None and value_t is not None
        key = _nullable(_plain_conv(key_t, zone), "NULL")
        val = _nullable(_plain_conv(value_t, zone), "NULL")
        return lambda v: "{" + ", ".join([f"{key(k)}={val(x)}" for k, x in _pairs(v)]) + "}"
    if r == "ROW":
        convs = [_nullable(_plain_conv(f.type, zone), "NULL") for f in t.fields]
        return lambda v: (
            "(" + ", ".join([c(x) for c, x in zip(convs, _row_values(t, v), strict=False)]) + ")"
        )
    return str


def field_encoder(t: LogicalType, row_format: RowFormat, time_zone: str = "UTC") -> Conv:
    """A function rendering one top-level field value (None = NULL) as its JSON text."""
    return _field_encoder(t, row_format, time_zone)


@functools.lru_cache(maxsize=1024)
def _field_encoder(t: LogicalType, row_format: RowFormat, zone_name: str) -> Conv:
    """Top-level field → JSON text (``null`` for NULL), cached per (type, format, zone)."""
    zone = resolve_time_zone(zone_name)
    if row_format is RowFormat.JSON:
        return _nullable(_json_conv(t, zone), "null")
    plain = _plain_conv(t, zone)
    return _nullable(lambda v: json_str(plain(v)), "null")


def check_json_supported(types: Sequence[LogicalType]) -> None:
    """Raise ``ResponseMappingError`` if Flink could not build JSON converters for ``types``.

    Flink builds the converters for every fetch, so even an empty page fails (e.g. a MAP with INT
    keys); call this before serving a JSON page that has no rows.
    """
    for t in types:
        _field_encoder(t, RowFormat.JSON, "UTC")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def encode_json_value(t: LogicalType, v: Any, time_zone: str = "UTC") -> str:
    """The JSON text of ``v`` in Flink's JSON row format (``null`` for None)."""
    return _field_encoder(t, RowFormat.JSON, time_zone)(v)


def encode_plain_value(t: LogicalType, v: Any, time_zone: str = "UTC") -> str | None:
    """Flink's PLAIN_TEXT string for ``v`` (CAST to STRING); None for a top-level NULL."""
    if v is None:
        return None
    return _plain_conv(t, resolve_time_zone(time_zone))(v)


_INSERT_PREFIX = '{"kind":"INSERT","fields":['


def encode_rows(
    types: Sequence[LogicalType],
    rows: Sequence[Sequence[Any]],
    row_format: RowFormat,
    kinds: Sequence[RowKind] | None = None,
    time_zone: str = "UTC",
) -> bytes:
    """Comma-joined ``{"kind":..,"fields":[..]}`` objects for ``rows`` (no brackets).

    ``time_zone`` is the session's ``table.local-time-zone`` (used for TIMESTAMP_LTZ). Raises
    ``ResponseMappingError`` when Flink could not render the data in ``row_format``.
    """
    encs = [_field_encoder(t, row_format, time_zone) for t in types]
    out: list[str] = []
    for i, row in enumerate(rows):
        prefix = _INSERT_PREFIX if kinds is None else f'{{"kind":"{kinds[i].value}","fields":['
        fields = ",".join([enc(v) for enc, v in zip(encs, row, strict=True)])
        out.append(f"{prefix}{fields}]}}")
    return ",".join(out).encode("utf-8")


def logical_type_from_json(obj: Mapping[str, Any]) -> LogicalType:
    """Parse Flink's LogicalType JSON (the inverse of ``LogicalType.to_json``)."""
    root = obj["type"]
    nullable = bool(obj.get("nullable", True))
    if root in ("ARRAY", "MULTISET"):
        return LogicalType(root, nullable, element=logical_type_from_json(obj["elementType"]))
    if root == "MAP":
        key = logical_type_from_json(obj["keyType"])
        return LogicalType(root, nullable, key=key, value=logical_type_from_json(obj["valueType"]))
    if root == "ROW":
        fields = tuple(
            RowField(f["name"], logical_type_from_json(f["fieldType"]), f.get("description"))
            for f in obj["fields"]
        )
        return LogicalType(root, nullable, fields=fields)
    return LogicalType(
        root,
        nullable,
        length=obj.get("length"),
        precision=obj.get("precision"),
        scale=obj.get("scale"),
        fractional_precision=obj.get("fractionalPrecision"),
        resolution=obj.get("resolution"),
    )
