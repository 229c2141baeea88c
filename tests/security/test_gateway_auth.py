"""Authentication on the real gateway: every Flink route refuses anonymous requests, and a session
is invisible to other principals (their requests get the unknown-session answer)."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sqlgateway.security import hashing
from tests.conftest import RunningGateway, start_gateway
from tests.helpers import execute, fetch_all, open_session, wait_status

ALICE = "alice-token-" + "1" * 32
BOB_PASSWORD = "bob's password"


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    d: Path = tmp_path_factory.mktemp("auth")
    (d / "tokens").write_text(f"alice:{hashing.sha256_token(ALICE)}\n")
    (d / "passwords").write_text(f"bob:{hashing.bcrypt_hash(BOB_PASSWORD, rounds=4)}\n")
    g = start_gateway(
        {
            "sql-gateway.security.auth.enabled": "true",
            "sql-gateway.security.auth.tokens-file": str(d / "tokens"),
            "sql-gateway.security.auth.password-file": str(d / "passwords"),
            "sql-gateway.limits.auth-failures.per-second": "0",  # many failures on purpose
        }
    )
    yield g
    g.stop()


def alice(g: RunningGateway) -> httpx.Client:
    return g.client(headers={"Authorization": f"Bearer {ALICE}"})


def bob(g: RunningGateway) -> httpx.Client:
    return g.client(auth=("bob", BOB_PASSWORD))


ROUTES = [
    ("GET", "/api_versions"), ("GET", "/v1/info"), ("POST", "/v2/sessions"),
    ("GET", "/v1/sessions/{sh}"), ("DELETE", "/v1/sessions/{sh}"),
    ("POST", "/v1/sessions/{sh}/heartbeat"), ("POST", "/v2/sessions/{sh}/configure-session"),
    ("GET", "/v2/sessions/{sh}/complete-statement"), ("POST", "/v1/sessions/{sh}/statements"),
    ("GET", "/v1/sessions/{sh}/operations/{oh}/status"),
    ("POST", "/v1/sessions/{sh}/operations/{oh}/cancel"),
    ("DELETE", "/v1/sessions/{sh}/operations/{oh}/close"),
    ("GET", "/v2/sessions/{sh}/operations/{oh}/result/0"),
    ("POST", "/v3/sessions/{sh}/materialized-tables/t/refresh"),
    ("POST", "/v4/sessions/{sh}/scripts"), ("GET", "/no/such/route"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_refuses_anonymous(gw: RunningGateway, method: str, path: str) -> None:
    with alice(gw) as c:
        sh = open_session(c)
        oh = execute(c, sh, "SELECT 1")
    url = path.format(sh=sh, oh=oh)
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic Ym9iOng="}):
        with gw.client(headers=headers) as anon:
            r = anon.request(method, url, json={"statement": "SELECT 1"})
        assert r.status_code == 401, (url, r.text)
        assert r.headers["content-type"] == "application/json; charset=UTF-8"
        assert r.headers["www-authenticate"].startswith(("Bearer", "Basic"))
        assert list(r.json()) == ["errors"]
    with alice(gw) as c:  # nothing happened to the session
        assert c.get(f"/v1/sessions/{sh}/operations/{oh}/status").status_code == 200


def _normalise(body: str, *handles: str) -> str:
    """The body with the given handles and stack frames (line numbers) blanked out."""
    for h in handles:
        body = body.replace(h, "<handle>")
    return re.sub(r"\\tat [^\\]*", "at", body)


SESSION_CALLS = [
    ("GET", "/v1/sessions/{sh}", None),
    ("POST", "/v1/sessions/{sh}/heartbeat", None),
    ("POST", "/v1/sessions/{sh}/statements", {"statement": "SELECT 1"}),
    ("POST", "/v2/sessions/{sh}/configure-session", {"statement": "SET 'a' = 'b'"}),
    ("GET", "/v2/sessions/{sh}/complete-statement", {"statement": "SEL", "position": 3}),
    ("GET", "/v1/sessions/{sh}/operations/{oh}/status", None),
    ("POST", "/v1/sessions/{sh}/operations/{oh}/cancel", None),
    ("DELETE", "/v1/sessions/{sh}/operations/{oh}/close", None),
    ("GET", "/v2/sessions/{sh}/operations/{oh}/result/0", None),
    ("DELETE", "/v1/sessions/{sh}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), SESSION_CALLS)
def test_other_principals_session_looks_unknown(
    gw: RunningGateway, method: str, path: str, body: dict[str, object] | None
) -> None:
    with alice(gw) as a, bob(gw) as b:
        sh = open_session(a)
        oh = execute(a, sh, "SELECT 42")
        assert wait_status(a, sh, oh) == "FINISHED"
        unknown_sh, unknown_oh = str(uuid.uuid4()), str(uuid.uuid4())
        foreign = b.request(method, path.format(sh=sh, oh=oh), json=body)
        unknown = b.request(method, path.format(sh=unknown_sh, oh=unknown_oh), json=body)
        assert foreign.status_code == unknown.status_code == 500
        assert f"Session '{sh}' does not exist." in foreign.text
        assert _normalise(foreign.text, sh, oh) == _normalise(unknown.text, unknown_sh, unknown_oh)
        assert foreign.headers["content-type"] == unknown.headers["content-type"]
        # alice's session and operation are untouched
        assert fetch_all(a, sh, oh).rows == [[42]]
        assert a.delete(f"/v1/sessions/{sh}").json() == {"status": "CLOSED"}


def test_basic_user_has_own_sessions(gw: RunningGateway) -> None:
    with bob(gw) as b:
        sh = open_session(b)
        oh = execute(b, sh, "SELECT 'bob'")
        assert fetch_all(b, sh, oh).rows == [["bob"]]
    raw = base64.b64encode(f"bob:{BOB_PASSWORD}".encode()).decode()
    with gw.client(headers={"Authorization": f"Basic {raw}"}) as same_user:
        assert same_user.get(f"/v1/sessions/{sh}").status_code == 200  # same principal
        assert same_user.delete(f"/v1/sessions/{sh}").json() == {"status": "CLOSED"}
