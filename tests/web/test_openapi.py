"""OpenAPI documents: valid OpenAPI 3.0, consistent with the route table and Flink's files."""

from __future__ import annotations

import json

import pytest
import yaml

from sqlgateway.rest import openapi
from sqlgateway.rest.routes import ENDPOINTS
from tests.conftest import REFERENCE as CONFTEST_REFERENCE
from tests.conftest import RunningGateway

REFERENCE = CONFTEST_REFERENCE / "data"
validate = pytest.importorskip(
    "openapi_spec_validator", reason="pip install openapi-spec-validator (test extra)"
).validate
DOCS = openapi.build_documents(openapi.endpoints_from(ENDPOINTS))


def test_one_document_per_api_version() -> None:
    assert sorted(DOCS) == [1, 2, 3, 4]


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_document_is_valid_openapi(version: int) -> None:
    validate(json.loads(json.dumps(DOCS[version])))  # raises on any schema violation


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_paths_match_the_route_table(version: int) -> None:
    expected = {
        (e.method.lower(), openapi.normalize_path(e.path))
        for e in ENDPOINTS
        if version in e.versions
    }
    documented = {(m, p) for p, item in DOCS[version]["paths"].items() for m in item}
    assert documented == expected


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_row_format_parameter_follows_the_route_table(version: int) -> None:
    fetch = DOCS[version]["paths"]["/sessions/{session_handle}/operations/{operation_handle}"
                                   "/result/{token}"]["get"]  # fmt: skip
    names = [p["name"] for p in fetch["parameters"]]
    table = [e for e in ENDPOINTS if e.path.endswith("/result/:token") and version in e.versions]
    assert len(table) == 1
    assert names == ["session_handle", "operation_handle", "token", *table[0].query_params]


def test_handles_are_uuid_strings() -> None:
    schemas = DOCS[4]["components"]["schemas"]
    for name in ("SessionHandle", "OperationHandle"):
        assert schemas[name]["type"] == "string"
        assert schemas[name]["format"] == "uuid"
    assert schemas["OpenSessionResponseBody"]["properties"]["sessionHandle"] == {
        "$ref": "#/components/schemas/SessionHandle"
    }


def test_fetch_body_describes_the_wire_format() -> None:
    schemas = DOCS[2]["components"]["schemas"]
    fetch = schemas["FetchResultsResponseBody"]["properties"]
    assert list(fetch) == ["resultType", "isQueryResult", "jobID", "resultKind", "results",
                           "nextResultUri"]  # fmt: skip
    assert list(schemas["ResultInfo"]["properties"]) == ["columns", "rowFormat", "data"]
    assert list(schemas["RowData"]["properties"]) == ["kind", "fields"]


def test_only_default_version_lists_the_unprefixed_server() -> None:
    assert [s["url"] for s in DOCS[4]["servers"]] == ["/v4", "/"]
    assert [s["url"] for s in DOCS[1]["servers"]] == ["/v1"]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"reference files not found at {REFERENCE}")
@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_operations_match_flinks_openapi_files(version: int) -> None:
    ref = yaml.safe_load((REFERENCE / f"rest_v{version}_sql_gateway.yml").read_text())
    theirs = {(p, m): op["operationId"] for p, item in ref["paths"].items()
              for m, op in item.items()}  # fmt: skip
    ours = {(p, m): op["operationId"] for p, item in DOCS[version]["paths"].items()
            for m, op in item.items() if not p.startswith("/workflow/")}  # fmt: skip
    assert ours == theirs


def test_gateway_serves_documents_and_docs_pages(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        index = c.get("/openapi/")
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        for version in (1, 2, 3, 4):
            assert f'href="v{version}.json"' in index.text
            doc = c.get(f"/openapi/v{version}.json")
            assert doc.status_code == 200
            assert doc.json() == json.loads(json.dumps(DOCS[version]))
            page = c.get(f"/openapi/v{version}.html")
            assert page.status_code == 200
            for path, item in DOCS[version]["paths"].items():
                for op in item.values():
                    assert f'id="{op["operationId"]}"' in page.text, path
        assert c.get("/openapi/v5.json").status_code == 404
        assert c.get("/openapi", follow_redirects=False).headers["location"] == "/openapi/"
        # the Flink route table is untouched: /openapi is not a Flink path under a version
        assert c.get("/v1/openapi/v1.json").status_code == 404
