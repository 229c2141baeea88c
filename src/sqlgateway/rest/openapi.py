"""OpenAPI 3.0 documents per REST API version, generated from the route table, and a docs page.

Served outside Flink's route table::

    GET /openapi/            index (HTML) linking every version
    GET /openapi/v{N}.json   the OpenAPI document of version N (paths without the /vN prefix;
                             ``servers`` holds the prefix, and "/" for the default version)
    GET /openapi/v{N}.html   the same document rendered as a readable page (no JavaScript)

The endpoint list (method, path, versions) comes from the route table; operation ids,
descriptions and wire-accurate schemas from :mod:`sqlgateway.rest.openapi_data`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from sqlgateway.rest.openapi_data import (
    ERROR_RESPONSES,
    OPERATIONS,
    PATH_PARAMETERS,
    ROW_FORMAT_PARAMETER,
    SCHEMAS,
    JsonObj,
    ref,
)

OPENAPI_VERSION = "3.0.3"
_NO_SERVICE_ERROR = ("/api_versions", "/info")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # OpenAPI template without version prefix, e.g. /sessions/{session_handle}
    versions: frozenset[int]


def normalize_path(path: str) -> str:
    """``/sessions/:session_handle/`` -> ``/sessions/{session_handle}``."""
    path = re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", path)
    return "/" + path.strip("/")


def version_number(value: object) -> int:
    """1, "v1", "V1", or an enum named V1 / valued 1 or "v1" -> 1."""
    for candidate in (value, getattr(value, "name", None), getattr(value, "value", None)):
        if isinstance(candidate, int) and not isinstance(candidate, bool):
            return candidate
        if isinstance(candidate, str):
            match = re.fullmatch(r"[vV]?(\d+)", candidate.strip())
            if match:
                return int(match.group(1))
    raise ValueError(f"not an API version: {value!r}")


class RouteEntry(Protocol):
    """What the OpenAPI generator reads from a route-table entry."""

    @property
    def method(self) -> object: ...
    @property
    def path(self) -> str: ...
    @property
    def versions(self) -> Iterable[object]: ...


def endpoints_from(table: Iterable[RouteEntry]) -> list[Endpoint]:
    """Route-table entries (objects with ``method``, ``path``, ``versions``) -> endpoints."""
    merged: dict[tuple[str, str], set[int]] = {}
    for entry in table:
        method = str(getattr(entry.method, "value", entry.method)).upper()
        key = (method, normalize_path(entry.path))
        merged.setdefault(key, set()).update(version_number(v) for v in entry.versions)
    return [Endpoint(m, p, frozenset(v)) for (m, p), v in sorted(merged.items())]


def _parameters(endpoint: Endpoint, version: int) -> list[JsonObj]:
    params: list[JsonObj] = []
    for name in re.findall(r"{([^}]+)}", endpoint.path):
        doc, schema = PATH_PARAMETERS.get(name, (name, {"type": "string"}))
        params.append({"name": name, "in": "path", "description": doc, "required": True,
                       "schema": schema})  # fmt: skip
    if endpoint.path.endswith("/result/{token}") and version >= 2:
        params.append(dict(ROW_FORMAT_PARAMETER))
    return params


def _json_content(schema_name: str) -> JsonObj:
    return {"application/json": {"schema": ref(schema_name)}}


def _responses(endpoint: Endpoint, has_input: bool, response: str) -> JsonObj:
    out: JsonObj = {"200": {"description": "The request was successful.",
                            "content": _json_content(response)}}  # fmt: skip
    codes = ["404"]
    if has_input:
        codes.insert(0, "400")
    if endpoint.path not in _NO_SERVICE_ERROR:
        codes.append("500")
    for code in sorted(codes):
        out[code] = {"description": ERROR_RESPONSES[code],
                     "content": _json_content("ErrorResponseBody")}  # fmt: skip
    return out


def operation(endpoint: Endpoint, version: int) -> JsonObj:
    meta = OPERATIONS.get((endpoint.method, endpoint.path))
    if meta is None:
        raise KeyError(f"no OpenAPI description for {endpoint.method} {endpoint.path}")
    op: JsonObj = {"description": meta["description"], "operationId": meta["operationId"]}
    if endpoint.path.startswith("/workflow/"):
        op["tags"] = ["internal"]
    params = _parameters(endpoint, version)
    if params:
        op["parameters"] = params
    if "request" in meta:
        op["requestBody"] = {"content": _json_content(meta["request"])}
    op["responses"] = _responses(endpoint, bool(params) or "request" in meta, meta["response"])
    return op


def _referenced(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        target = node.get("$ref")
        if isinstance(target, str):
            name = target.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                _referenced(SCHEMAS[name], found)
        for value in node.values():
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)


def build_document(endpoints: Iterable[Endpoint], version: int, default_version: int) -> JsonObj:
    """The OpenAPI document of one API version."""
    paths: dict[str, JsonObj] = {}
    for endpoint in endpoints:
        if version in endpoint.versions:
            item = paths.setdefault(endpoint.path, {})
            item[endpoint.method.lower()] = operation(endpoint, version)
    servers: list[JsonObj] = [{"url": f"/v{version}", "description": f"API version V{version}"}]
    if version == default_version:
        servers.append({"url": "/", "description": "Unprefixed paths (the default version)"})
    used: set[str] = set()
    _referenced(paths, used)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Flink SQL Gateway REST API",
            "description": "The Apache Flink SQL Gateway REST protocol as served by sqlgateway.",
            "license": {
                "name": "Apache 2.0",
                "url": "https://www.apache.org/licenses/LICENSE-2.0.html",
            },
            "version": f"v{version}",
        },  # fmt: skip
        "servers": servers,
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": {name: SCHEMAS[name] for name in sorted(used)}},
    }


def build_documents(endpoints: Iterable[Endpoint]) -> dict[int, JsonObj]:
    endpoint_list = list(endpoints)
    versions = sorted({v for e in endpoint_list for v in e.versions})
    default = versions[-1] if versions else 0
    return {v: build_document(endpoint_list, v, default) for v in versions}


# ---- HTML rendering -------------------------------------------------------------------------

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><style>
body{{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:70em;color:#1d2330}}
code,pre{{font:12px/1.4 ui-monospace,monospace;background:#f3f5f8;padding:1px 4px}}
pre{{padding:.6em;overflow:auto}} table{{border-collapse:collapse}}
td,th{{border:1px solid #d7dce3;padding:3px 8px;text-align:left;vertical-align:top}}
.m{{font-weight:bold;display:inline-block;width:4.5em}}
.GET{{color:#1565c0}}.POST{{color:#2e7d32}}.DELETE{{color:#c62828}}
</style></head><body>{body}</body></html>"""


def _schema_link(op_part: JsonObj | None) -> str:
    if not op_part:
        return "&ndash;"
    target = op_part["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return f'<a href="#schema-{target}">{html.escape(target)}</a>'


def _operation_html(path: str, method: str, op: JsonObj) -> str:
    params = "".join(
        f"<li><code>{html.escape(p['name'])}</code> ({p['in']}"
        f"{', required' if p.get('required') else ''}): {html.escape(p['description'])}</li>"
        for p in op.get("parameters", [])
    )
    return (
        f'<h3 id="{op["operationId"]}"><span class="m {method.upper()}">{method.upper()}</span>'
        f"<code>{html.escape(path)}</code></h3><p>{html.escape(op['description'])}</p>"
        f"<p>operationId <code>{op['operationId']}</code></p>"
        + (f"<ul>{params}</ul>" if params else "")
        + f"<p>Request body: {_schema_link(op.get('requestBody'))} &middot; "
        f"Response 200: {_schema_link(op['responses']['200'])} &middot; errors: "
        + ", ".join(code for code in op["responses"] if code != "200")
        + "</p>"
    )


def document_html(doc: JsonObj) -> str:
    title = f"{doc['info']['title']} {doc['info']['version']}"
    servers = ", ".join(f"<code>{html.escape(s['url'])}</code>" for s in doc["servers"])
    parts = [f"<h1>{html.escape(title)}</h1><p>Base paths: {servers}. "
             f'Machine-readable: <a href="{doc["info"]["version"]}.json">'
             f"{doc['info']['version']}.json</a></p><h2>Endpoints</h2>"]  # fmt: skip
    for path, item in doc["paths"].items():
        for method, op in item.items():
            parts.append(_operation_html(path, method, op))
    parts.append("<h2>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        body = html.escape(json.dumps(schema, indent=2))
        parts.append(f'<h3 id="schema-{name}">{name}</h3><pre>{body}</pre>')
    return _PAGE.format(title=html.escape(title), body="".join(parts))


def index_html(versions: Iterable[int]) -> str:
    items = "".join(
        f'<tr><td>V{v}</td><td><a href="v{v}.html">v{v}.html</a></td>'
        f'<td><a href="v{v}.json">v{v}.json</a></td></tr>'
        for v in versions
    )
    body = (
        "<h1>sqlgateway REST API</h1><p>OpenAPI 3.0 documents of the Flink SQL Gateway REST"
        " API versions served here.</p><table><tr><th>version</th><th>docs</th>"
        f"<th>OpenAPI</th></tr>{items}</table>"
        '<p><a href="/console/">SQL console</a> &middot; <a href="/metrics">metrics</a></p>'
    )
    return _PAGE.format(title="sqlgateway REST API", body=body)


# ---- routes ---------------------------------------------------------------------------------


class OpenApiPages:
    def __init__(self, route_table: Iterable[RouteEntry]) -> None:
        self.documents = build_documents(endpoints_from(route_table))

    async def index(self, request: Request) -> Response:
        return HTMLResponse(index_html(self.documents))

    async def redirect(self, request: Request) -> Response:
        return RedirectResponse("/openapi/")

    async def document(self, request: Request) -> Response:
        name = str(request.path_params["name"])
        match = re.fullmatch(r"v(\d+)\.(json|html)", name)
        doc = self.documents.get(int(match.group(1))) if match else None
        if match is None or doc is None:
            return JSONResponse({"errors": [f"Not found: {request.url.path}"]}, status_code=404)
        if match.group(2) == "json":
            return JSONResponse(doc)
        return HTMLResponse(document_html(doc))


def routes(route_table: Iterable[RouteEntry]) -> list[BaseRoute]:
    pages = OpenApiPages(route_table)
    return [
        Route("/openapi", pages.redirect, methods=["GET"]),
        Route("/openapi/", pages.index, methods=["GET"]),
        Route("/openapi/{name}", pages.document, methods=["GET"]),
    ]
