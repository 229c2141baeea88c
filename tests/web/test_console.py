"""The web console in a real headless Chromium against a real gateway on 127.0.0.1.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the ``playwright`` package;
the browser is never downloaded by playwright (``executable_path`` points at /usr/bin/chromium).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import execute, fetch_all, open_session
from tests.web import pngcheck

CHROMIUM = os.environ.get("SQLGATEWAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 800}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium",
)


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    # small pages so a 25-row result arrives as several PAYLOAD pages
    g = start_gateway({"sql-gateway.result.page-max-rows": "10"})
    yield g
    g.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, gateway: RunningGateway) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(gateway.url + "/console/")
    pg.wait_for_selector("body[data-ready=true]", timeout=15000)
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def run_sql(page: Any, sql: str, final: str = "finished") -> None:
    page.fill("#editor", sql)
    page.click("#run")
    page.wait_for_function(
        "s => document.getElementById('status').textContent === s", arg=final, timeout=20000
    )


def grid(page: Any) -> tuple[list[str], list[list[str]]]:
    heads = page.eval_on_selector_all("#grid thead th", "ths => ths.map(t => t.firstChild.data)")
    rows = page.eval_on_selector_all(
        "#grid tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
    )
    return heads, rows


def ops(page: Any) -> list[list[str]]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "#ops tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
    )


def test_query_fills_the_grid_and_screenshot_is_a_real_page(
    page: Any, gateway: RunningGateway, tmp_path: Path
) -> None:
    run_sql(page, "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, CAST(NULL AS STRING))) AS t(x, y)")
    heads, rows = grid(page)
    assert heads == ["#", "op", "x", "y"]
    assert rows == [["1", "+I", "1", "a"], ["2", "+I", "2", "b"], ["3", "+I", "3", "NULL"]]
    assert page.text_content("#row-count") == "3 rows"
    first_op = ops(page)[0]
    assert first_op[2] == "FINISHED" and first_op[6] == "3"
    shot = page.screenshot(path=str(tmp_path / "console.png"))
    image = pngcheck.decode(shot)
    assert (image.width, image.height) == (VIEWPORT["width"], VIEWPORT["height"])
    assert image.distinct_colors() > 20, "screenshot looks blank"
    assert image.non_background_fraction() > 0.05, "screenshot looks blank"


def test_console_uses_a_real_gateway_session(page: Any, gateway: RunningGateway) -> None:
    handle = page.text_content("#session-id")
    assert UUID.match(handle or "")
    with gateway.client() as c:
        r = c.get(f"/v4/sessions/{handle}")
    assert r.status_code == 200
    assert page.locator("#config tbody tr").count() == len(r.json()["properties"])


def test_results_arrive_page_by_page_and_the_grid_pages(page: Any) -> None:
    values = ", ".join(f"({i}, 'r{i}')" for i in range(1, 26))
    page.select_option("#page-size", "25")
    run_sql(page, f"SELECT * FROM (VALUES {values}) AS t(n, s)")
    assert page.text_content("#row-count") == "25 rows"
    assert page.text_content("#page-label") == "page 1 / 1"
    _, rows = grid(page)
    assert [r[2] for r in rows] == [str(i) for i in range(1, 26)]
    page.select_option("#page-size", "50")
    run_sql(page, f"SELECT * FROM (VALUES {values}, {values}, {values}) AS t(n, s)")
    assert page.text_content("#row-count") == "75 rows"
    assert page.text_content("#page-label") == "page 2 / 2"  # follows the newest rows
    _, rows = grid(page)
    assert rows[0][0] == "51" and len(rows) == 25
    page.click("#first")
    _, rows = grid(page)
    assert rows[0][:4] == ["1", "+I", "1", "r1"] and len(rows) == 50
    assert int(ops(page)[0][6]) == 75


def test_sql_error_is_shown_with_its_cause(page: Any) -> None:
    run_sql(page, "SELEC 1", final="error")
    assert page.is_visible("#error")
    message = page.text_content("#error-message") or ""
    assert message and "Internal server error" not in message
    assert "Exception" in (page.text_content("#error-detail") or "")
    assert ops(page)[0][2] == "ERROR"


def test_set_shows_up_in_the_session_configuration(page: Any) -> None:
    run_sql(page, "SET 'console.test.key' = 'yes'")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#config td')]"
        ".some(td => td.textContent === 'console.test.key')"
    )
    page.fill("#config-filter", "console.test")
    cells = page.eval_on_selector_all("#config tbody td", "tds => tds.map(t => t.textContent)")
    assert cells == ["console.test.key", "yes"]


def test_operations_list_keeps_every_statement_with_timing(page: Any) -> None:
    run_sql(page, "SELECT 1 AS one")
    run_sql(page, "SELECT 2 AS two")
    listed = ops(page)
    assert [r[1] for r in listed[:2]] == ["SELECT 2 AS two", "SELECT 1 AS one"]
    for row in listed[:2]:
        assert row[2] == "FINISHED"
        assert re.fullmatch(r"\d+\.\d{3} s", row[5]), row


def _streaming_supported(gateway: RunningGateway) -> bool:
    with gateway.client() as c:
        sh = open_session(c, "v4")
        oh = execute(c, sh, "CREATE TEMPORARY TABLE probe (id INT) WITH "
                     "('connector' = 'datagen', 'rows-per-second' = '5')", "v4")  # fmt: skip
        try:
            fetch_all(c, sh, oh, "v4", timeout=10)
        except AssertionError:
            return False
        finally:
            c.delete(f"/v4/sessions/{sh}")
    return True


def test_streaming_rows_append_live_and_cancel_stops_them(
    page: Any, gateway: RunningGateway
) -> None:
    if not _streaming_supported(gateway):
        pytest.skip("engine has no unbounded source (datagen rows-per-second) yet")
    run_sql(page, "CREATE TEMPORARY TABLE ticks (id INT) WITH "
            "('connector' = 'datagen', 'rows-per-second' = '20')")  # fmt: skip
    page.fill("#editor", "SELECT id FROM ticks")
    page.click("#run")
    count = "() => parseInt(document.getElementById('row-count').textContent, 10) || 0"
    at_least = "n => (parseInt(document.getElementById('row-count').textContent, 10) || 0) >= n"
    page.wait_for_function(at_least, arg=5, timeout=20000)
    seen = page.evaluate(count)
    page.wait_for_function(at_least, arg=seen + 1, timeout=20000)  # still appending
    page.click("#cancel")
    page.wait_for_function(
        "s => document.getElementById('status').textContent === s", arg="canceled"
    )
    stopped = page.evaluate(count)
    time.sleep(0.5)
    assert page.evaluate(count) == stopped
    assert ops(page)[0][2] == "CANCELED"


def test_assets_are_plain_static_files(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        index = c.get("/console/")
        assert index.status_code == 200
        assert "script-src 'self'" in index.headers["content-security-policy"]
        assert not re.search(r"(src|href)=\"https?://", index.text), "no external resources"
        assert c.get("/console/console.js").headers["content-type"].startswith("text/javascript")
        assert c.get("/console/console.css").headers["content-type"].startswith("text/css")
        assert c.get("/console/../pyproject.toml").status_code == 404
        assert c.get("/console", follow_redirects=False).headers["location"] == "/console/"


def test_console_works_behind_bearer_authentication(browser: Any, tmp_path: Path) -> None:
    token = "console-test-token"
    tokens = tmp_path / "tokens"
    tokens.write_text(f"alice:sha256:{hashlib.sha256(token.encode()).hexdigest()}\n")
    g = start_gateway({"sql-gateway.security.auth.enabled": "true",
                       "sql-gateway.security.auth.tokens-file": str(tokens)})  # fmt: skip
    try:
        with g.client() as c:
            assert c.get("/console/").status_code == 401
        context = browser.new_context(
            viewport=VIEWPORT, extra_http_headers={"Authorization": f"Bearer {token}"}
        )
        pg = context.new_page()
        pg.goto(g.url + "/console/")
        pg.wait_for_selector("body[data-ready=true]", timeout=15000)
        run_sql(pg, "SELECT 42 AS answer")
        assert grid(pg) == (["#", "op", "answer"], [["1", "+I", "42"]])
        context.close()
    finally:
        g.stop()


def test_plain_text_row_format_shows_flinks_strings(page: Any) -> None:
    page.select_option("#row-format", "PLAIN_TEXT")
    run_sql(page, "SELECT TRUE AS b, CAST(-1.00 AS DECIMAL(10,2)) AS d, CAST(NULL AS INT) AS n")
    heads, rows = grid(page)
    assert heads == ["#", "op", "b", "d", "n"]
    assert rows == [["1", "+I", "TRUE", "-1.00", "NULL"]]
    page.select_option("#row-format", "JSON")
    run_sql(page, "SELECT TRUE AS b, CAST(-1.00 AS DECIMAL(10,2)) AS d, CAST(NULL AS INT) AS n")
    assert grid(page)[1] == [["1", "+I", "true", "-1", "NULL"]]


def test_an_expired_session_is_replaced_transparently(page: Any, gateway: RunningGateway) -> None:
    old = page.text_content("#session-id")
    with gateway.client() as c:
        assert c.delete(f"/v4/sessions/{old}").status_code == 200
    run_sql(page, "SELECT 7 AS seven")
    assert grid(page)[1] == [["1", "+I", "7"]]
    new = page.text_content("#session-id")
    assert new != old and UUID.match(new or "")
