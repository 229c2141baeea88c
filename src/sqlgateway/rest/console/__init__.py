"""The web console: static HTML/JS/CSS served at ``/console/`` (outside Flink's route table).

The page talks to the gateway only through the public REST API (``/v4/...``) with ``fetch``;
nothing is built or downloaded: the three files below are served as they are.
"""

from __future__ import annotations

import json
from importlib import resources

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

_FILES = {
    "index.html": "text/html; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
# the page only loads its own files and calls the gateway it came from
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _read(name: str) -> bytes:
    return resources.files(__name__).joinpath(name).read_bytes()


def _file_response(name: str) -> Response:
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if name == "index.html":
        headers["Content-Security-Policy"] = _CSP
    return Response(_read(name), media_type=_FILES[name], headers=headers)


async def _index(request: Request) -> Response:
    return _file_response("index.html")


async def _asset(request: Request) -> Response:
    name = str(request.path_params["name"])
    if name not in _FILES:
        body = json.dumps({"errors": [f"Not found: {request.url.path}"]}, separators=(",", ":"))
        return Response(body, status_code=404, media_type="application/json; charset=UTF-8")
    return _file_response(name)


async def _redirect(request: Request) -> Response:
    return RedirectResponse("/console/")


def routes() -> list[BaseRoute]:
    """``/console`` (redirect), ``/console/`` (the page) and its two assets."""
    return [
        Route("/console", _redirect, methods=["GET"]),
        Route("/console/", _index, methods=["GET"]),
        Route("/console/{name}", _asset, methods=["GET"]),
    ]
