"""Streaming group aggregation over the REST API of a real gateway: pages arrive while the job
runs, with Flink's changelog row kinds in JSON and PLAIN_TEXT, until the operation is closed."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.conftest import RunningGateway
from tests.helpers import execute, open_session, wait_status

TABLE = (
    "CREATE TABLE clicks (usr INT, url STRING) WITH ('connector' = 'datagen', "
    "'rows-per-second' = '200', 'fields.usr.min' = '1', 'fields.usr.max' = '4', "
    "'fields.url.length' = '5')"
)


def _pages(c: httpx.Client, sh: str, oh: str, fmt: str, n: int) -> list[dict[str, Any]]:
    """Follow nextResultUri until ``n`` rows arrived (the stream never reaches EOS)."""
    uri: str | None = f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat={fmt}"
    rows: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while len(rows) < n:
        assert uri is not None and time.monotonic() < deadline, f"{len(rows)} rows"
        r = c.get(uri)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["resultType"] != "EOS"
        if body["resultType"] == "PAYLOAD":
            rows.extend(body["results"]["data"])
        uri = body.get("nextResultUri")
        time.sleep(0.01)
    return rows


def test_group_aggregate_pages_carry_changelog_kinds(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        assert wait_status(c, sh, execute(c, sh, TABLE + ";")) == "FINISHED"
        for fmt in ("JSON", "PLAIN_TEXT"):
            oh = execute(c, sh, "SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr;")
            assert wait_status(c, sh, oh) in ("RUNNING", "FINISHED")
            rows = _pages(c, sh, oh, fmt, 40)
            kinds = [r["kind"] for r in rows]
            assert kinds.count("INSERT") <= 4 and "UPDATE_AFTER" in kinds
            counts: dict[Any, int] = {}
            for r in rows:
                usr, cnt = r["fields"]
                cnt = int(cnt)  # PLAIN_TEXT fields are strings
                if r["kind"] == "INSERT":
                    assert usr not in counts and cnt == 1
                elif r["kind"] == "UPDATE_BEFORE":
                    assert counts[usr] == cnt
                else:
                    assert r["kind"] == "UPDATE_AFTER" and cnt == counts[usr] + 1
                counts[usr] = cnt
            assert c.delete(f"/v3/sessions/{sh}/operations/{oh}/close").status_code == 200
        c.delete(f"/v3/sessions/{sh}")


def test_stream_order_by_is_refused_like_flinks_planner(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        wait_status(c, sh, execute(c, sh, TABLE + ";"))
        oh = execute(c, sh, "SELECT usr, url FROM clicks ORDER BY url;")
        assert wait_status(c, sh, oh) == "ERROR"
        r = c.get(f"/v3/sessions/{sh}/operations/{oh}/result/0")
        assert "Sort on a non-time-attribute field is not supported." in r.text
        c.delete(f"/v3/sessions/{sh}")
