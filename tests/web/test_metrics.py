"""/metrics against a real gateway: service counters, statement latency, HTTP latency by route."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import execute, fetch_all, open_session, run

text_string_to_metric_families = pytest.importorskip(
    "prometheus_client.parser", reason="pip install prometheus_client (a core dependency)"
).text_string_to_metric_families


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    g = start_gateway({"sql-gateway.result.page-max-rows": "2"})
    yield g
    g.stop()


def scrape(g: RunningGateway) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with g.client() as c:
        r = c.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:  # fmt: skip
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_follow_what_clients_did(gateway: RunningGateway) -> None:
    before = scrape(gateway)
    with gateway.client() as c:
        sh = open_session(c, "v4")
        result = run(c, sh, "SELECT * FROM (VALUES (1), (2), (3)) AS t(x)", "v4")
        assert len(result.rows) == 3
        bad = execute(c, sh, "SELEC 1", "v4")
        with pytest.raises(AssertionError):
            fetch_all(c, sh, bad, "v4")
        open_now = value(scrape(gateway), "sqlgateway_sessions_open")
        assert c.delete(f"/v4/sessions/{sh}").status_code == 200
    after = scrape(gateway)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("sqlgateway_sessions_opened_total") == 1
    assert delta("sqlgateway_sessions_closed_total") == 1
    assert open_now == value(before, "sqlgateway_sessions_open") + 1
    assert value(after, "sqlgateway_sessions_open") == value(before, "sqlgateway_sessions_open")
    assert delta("sqlgateway_statements_executed_total") == 2
    assert delta("sqlgateway_operations_total", status="FINISHED") >= 1
    assert delta("sqlgateway_operations_total", status="ERROR") == 1
    assert delta("sqlgateway_engine_errors_total") >= 1
    assert delta("sqlgateway_rows_served_total") == 3
    assert delta("sqlgateway_bytes_served_total") > 0
    assert delta("sqlgateway_result_pages_total", kind="data") == 2  # 2 + 1 rows, pages of 2
    assert delta("sqlgateway_statement_latency_seconds_count") == 2
    assert delta("sqlgateway_statement_latency_seconds_sum") > 0


def test_http_latency_is_labelled_by_route_template(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c, "v2")
        c.get(f"/v2/sessions/{sh}")
        c.get("/nope/at/all")
    samples = scrape(gateway)
    route = "/v2/sessions/:session_handle"
    assert value(samples, "sqlgateway_http_request_duration_seconds_count",
                 method="GET", route=route, status="200") >= 1  # fmt: skip
    assert value(samples, "sqlgateway_http_request_duration_seconds_count",
                 method="GET", route="unmatched", status="404") >= 1  # fmt: skip
    assert not any(sh in str(labels) for _, labels in samples), "handles must not be labels"


def test_each_gateway_has_its_own_registry(gateway: RunningGateway) -> None:
    other = start_gateway()
    try:
        assert value(scrape(other), "sqlgateway_sessions_opened_total") == 0
        assert value(scrape(gateway), "sqlgateway_sessions_opened_total") > 0
    finally:
        other.stop()


def test_build_info_names_version_and_engine(gateway: RunningGateway) -> None:
    from sqlgateway import __version__

    samples = scrape(gateway)
    assert value(samples, "sqlgateway_build_info", version=__version__, engine="duckdb") == 1
