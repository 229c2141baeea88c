"""Wire messages: request-body parsing with Flink's leniency, and response bodies in Flink's
exact key order. All camelCase JSON spelling lives here."""

from __future__ import annotations

from typing import Any

import orjson

from sqlgateway.model import ResultType, RowFormat
from sqlgateway.rest.errors import JSON_PARSE_EXCEPTION, bad_body
from sqlgateway.rest.versions import ApiVersion, supports_row_format
from sqlgateway.service.result import ResultPage

LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class Body:
    """A parsed JSON request body with Jackson-like typed accessors (unknown fields ignored)."""

    def __init__(self, cls: str, data: dict[str, Any]) -> None:
        self.cls = cls
        self.data = data

    def _fail(self, detail: str) -> Exception:
        return bad_body(self.cls, detail)

    def string(self, key: str) -> str | None:
        v = self.data.get(key)
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        raise self._fail(f"Cannot deserialize value of type `java.lang.String` for field {key!r}")

    def long(self, key: str, primitive: bool = False) -> int | None:
        v = self.data.get(key)
        if v is None:
            if primitive:
                raise self._fail(f"Cannot map `null` into type long (field {key!r})")
            return None
        if isinstance(v, str) and v.strip().lstrip("+-").isdigit():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or not LONG_MIN <= v <= LONG_MAX:
            raise self._fail(f"Cannot deserialize value of type `long` from {v!r} ({key!r})")
        return v

    def int32(self, key: str) -> int:
        """A Java primitive ``int``: null or missing is a 400, as with Jackson's settings."""
        v = self.long(key, primitive=True)
        assert v is not None
        if not INT_MIN <= v <= INT_MAX:
            raise self._fail(f"Numeric value ({v}) out of range of int ({key!r})")
        return v

    def boolean(self, key: str, primitive: bool = True) -> bool:
        v = self.data.get(key)
        if v is None and primitive:
            raise self._fail(f"Cannot map `null` into type boolean (field {key!r})")
        if v is None:
            return False
        if isinstance(v, bool):
            return v
        raise self._fail(f"Cannot deserialize value of type `boolean` from {v!r} ({key!r})")

    def string_map(self, key: str) -> dict[str, str] | None:
        v = self.data.get(key)
        if v is None:
            return None
        if not isinstance(v, dict):
            raise self._fail(f"Cannot deserialize value of type `java.util.Map` from {key!r}")
        out: dict[str, str] = {}
        for k, item in v.items():
            if isinstance(item, dict | list):
                raise self._fail(f"Cannot deserialize value of type `java.lang.String` in {key!r}")
            if item is None:
                out[k] = None  # type: ignore[assignment]  # kept as Java null; engines decide
            elif isinstance(item, bool):
                out[k] = "true" if item else "false"
            else:
                out[k] = str(item)
        return out


def parse_body(cls: str, raw: bytes) -> Body:
    """Empty body -> ``{}``; invalid JSON or a non-object -> Flink's 400."""
    if not raw.strip():
        return Body(cls, {})
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        err = bad_body(cls, f"Invalid JSON: {exc}", JSON_PARSE_EXCEPTION)
        raise err from err.__cause__
    if not isinstance(data, dict):
        kind = "Array" if isinstance(data, list) else type(data).__name__
        raise bad_body(cls, f"Cannot deserialize value of type `{cls}` from {kind} value")
    return Body(cls, data)


# ---- responses -------------------------------------------------------------------------------


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj)


def result_uri(
    version: ApiVersion, session: str, operation: str, token: int, row_format: RowFormat
) -> str:
    """Flink's FetchResultsHeaders.buildNextUri: keeps the request's version, and from V2 on
    the row format actually used."""
    uri = f"{version.prefix}/sessions/{session}/operations/{operation}/result/{token}"
    if supports_row_format(version):
        uri += f"?rowFormat={row_format.value}"
    return uri


def fetch_body(
    page: ResultPage,
    row_format: RowFormat,
    version: ApiVersion,
    session: str,
    operation: str,
    data: bytes,
) -> bytes:
    """FetchResultsResponseBody in Flink's key order; ``data`` is the encoded rows."""
    if page.result_type is ResultType.NOT_READY:
        uri = result_uri(version, session, operation, 0, row_format)
        return b'{"resultType":"NOT_READY","nextResultUri":' + dumps(uri) + b"}"
    parts = [b'{"resultType":"', page.result_type.value.encode(), b'","isQueryResult":']
    parts.append(b"true" if page.is_query else b"false")
    if page.job_id is not None:
        parts += [b',"jobID":', dumps(page.job_id)]
    parts += [b',"resultKind":"', page.kind.value.encode(), b'","results":{"columns":']
    parts.append(columns_json(page))
    parts += [b',"rowFormat":"', row_format.value.encode(), b'","data":[', data, b"]}"]
    if page.next_token is not None:
        uri = result_uri(version, session, operation, page.next_token, row_format)
        parts += [b',"nextResultUri":', dumps(uri)]
    parts.append(b"}")
    return b"".join(parts)


_COLUMNS_CACHE: dict[int, tuple[object, bytes]] = {}


def columns_json(page: ResultPage) -> bytes:
    """Encoded ``columns`` array, cached per column tuple (pages of one result share it)."""
    key = id(page.columns)
    hit = _COLUMNS_CACHE.get(key)
    if hit is not None and hit[0] is page.columns:
        return hit[1]
    out = dumps([c.to_json() for c in page.columns])
    if len(_COLUMNS_CACHE) > 1024:
        _COLUMNS_CACHE.clear()
    _COLUMNS_CACHE[key] = (page.columns, out)
    return out
