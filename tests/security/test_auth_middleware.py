"""AuthMiddleware over a real Starlette app served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sqlgateway.config import Settings
from sqlgateway.rest.auth import AuthMiddleware, middleware
from sqlgateway.security import hashing
from sqlgateway.security.ratelimit import RateLimiter
from tests.security.servers import JwtKit, make_jwt_kit, serve

TOKEN = "tok-" + "a" * 40
ARGON_TOKEN = "tok-" + "b" * 40


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    full = request.scope.get("sqlgateway.principal")
    return JSONResponse(
        {
            "principal": request.scope["state"].get("principal"),
            "method": getattr(full, "method", None),
            "len": len(body),
        }
    )


def echo_app() -> Starlette:
    paths = ("/echo", "/v1/sessions/x/statements")
    return Starlette(routes=[Route(p, echo, methods=["GET", "POST"]) for p in paths])


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("creds")
    tokens = d / "tokens"
    tokens.write_text(
        f"# bearer tokens\nalice:{hashing.sha256_token(TOKEN)}\n\n"
        f"robot:{hashing.argon2_hash(ARGON_TOKEN)}\n"
    )
    passwords = d / "passwords"
    passwords.write_text(
        f"bob:{hashing.bcrypt_hash('s3cret', rounds=4)}\n"
        f"dave:{hashing.argon2_hash('pässwörd:with:colons')}\n"
    )
    return {"tokens": tokens, "passwords": passwords, "jwt": make_jwt_kit(d)}


def _settings(files: dict[str, Any], **extra: str) -> Settings:
    kit: JwtKit = files["jwt"]
    return Settings(
        {
            "sql-gateway.security.auth.enabled": "true",
            "sql-gateway.security.auth.tokens-file": str(files["tokens"]),
            "sql-gateway.security.auth.password-file": str(files["passwords"]),
            "sql-gateway.security.auth.jwt.jwks-file": str(kit.jwks_file),
            "sql-gateway.security.auth.jwt.issuer": "https://issuer.test",
            "sql-gateway.security.auth.jwt.audience": "sqlgateway",
            "sql-gateway.limits.auth-failures.per-second": "0",  # many failures on purpose
            **extra,
        }
    )


@pytest.fixture(scope="module")
def url(files: dict[str, Any]) -> Iterator[str]:
    app = middleware(_settings(files))(echo_app())
    with serve(app) as port:
        yield f"http://127.0.0.1:{port}"


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_401(r: httpx.Response, fragment: str) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"] == "application/json; charset=UTF-8"
    challenges = r.headers.get_list("www-authenticate")
    assert 'Bearer realm="sqlgateway"' in challenges
    assert 'Basic realm="sqlgateway", charset="UTF-8"' in challenges
    body = r.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1
    assert fragment in body["errors"][0]


def test_no_credentials_is_401_on_every_method(url: str) -> None:
    for method in ("GET", "POST", "DELETE", "PUT"):
        assert_401(httpx.request(method, url + "/echo"), "no Authorization header")
    assert_401(httpx.get(url + "/no/such/path"), "no Authorization header")


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        (bearer("tok-wrong"), "invalid bearer token"),
        (bearer(TOKEN + "x"), "invalid bearer token"),
        ({"Authorization": "Bearer"}, "unsupported authorization scheme"),
        ({"Authorization": "Digest abc"}, "unsupported authorization scheme"),
        (basic("bob", "wrong"), "invalid user name or password"),
        (basic("nobody", "s3cret"), "invalid user name or password"),
        (basic("alice", TOKEN), "invalid user name or password"),
        ({"Authorization": "Basic !!!"}, "malformed Basic credentials"),
        ({"Authorization": "Basic " + base64.b64encode(b"nocolon").decode()}, "malformed"),
    ],
)
def test_wrong_credentials_are_401(url: str, headers: dict[str, str], fragment: str) -> None:
    assert_401(httpx.get(url + "/echo", headers=headers), fragment)


@pytest.mark.parametrize(
    ("headers", "principal", "method"),
    [
        (bearer(TOKEN), "alice", "token"),
        ({"authorization": "bearer " + TOKEN}, "alice", "token"),
        (bearer(ARGON_TOKEN), "robot", "token"),
        (basic("bob", "s3cret"), "bob", "basic"),
        (basic("dave", "pässwörd:with:colons"), "dave", "basic"),
    ],
)
def test_valid_credentials_reach_the_app(
    url: str, headers: dict[str, str], principal: str, method: str
) -> None:
    for _ in range(2):  # the second request is served from the verified cache
        r = httpx.post(url + "/echo", headers=headers, content=b"{}")
        assert r.status_code == 200, r.text
        assert r.json() == {"principal": principal, "method": method, "len": 2}


def test_jwt(url: str, files: dict[str, Any]) -> None:
    kit: JwtKit = files["jwt"]
    good = {"iss": "https://issuer.test", "aud": "sqlgateway"}
    r = httpx.get(url + "/echo", headers=bearer(kit.mint(good)))
    assert r.json()["principal"] == "carol" and r.json()["method"] == "jwt"
    cases = {
        "expired": kit.mint({**good, "exp": int(time.time()) - 120}),
        "Invalid issuer": kit.mint({**good, "iss": "https://evil.test"}),
        "Audience doesn't match": kit.mint({**good, "aud": "other"}),
        "no key with kid": kit.mint(good, kid="k2"),
        'missing the "exp" claim': kit.mint({**good, "exp": None}),
    }
    for fragment, token in cases.items():
        assert_401(httpx.get(url + "/echo", headers=bearer(token)), fragment)


def test_jwt_signed_by_another_key_or_unsigned_is_refused(
    url: str, tmp_path: Path, files: dict[str, Any]
) -> None:
    good = {"iss": "https://issuer.test", "aud": "sqlgateway"}
    forged = make_jwt_kit(tmp_path).mint(good)  # same kid, different key
    assert_401(httpx.get(url + "/echo", headers=bearer(forged)), "Signature verification failed")
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT","kid":"k1"}').rstrip(b"=")
    claims = base64.urlsafe_b64encode(
        b'{"sub":"root","iss":"https://issuer.test","aud":"sqlgateway","exp":9999999999}'
    ).rstrip(b"=")
    unsigned = f"{header.decode()}.{claims.decode()}.AAAA"
    assert_401(httpx.get(url + "/echo", headers=bearer(unsigned)), "not accepted")


def test_tokens_file_is_reloaded(files: dict[str, Any], tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(f"alice:{hashing.sha256_token(TOKEN)}\n")
    settings = Settings(
        {"sql-gateway.security.auth.enabled": "true",
         "sql-gateway.security.auth.tokens-file": str(tokens)}
    )  # fmt: skip
    with serve(middleware(settings)(echo_app())) as port:
        u = f"http://127.0.0.1:{port}/echo"
        assert httpx.get(u, headers=bearer(TOKEN)).status_code == 200
        new = hashing.new_token()
        time.sleep(1.1)  # files are looked at once a second
        tokens.write_text(f"eve:{hashing.sha256_token(new)}\n")
        time.sleep(1.1)
        assert httpx.get(u, headers=bearer(new)).json()["principal"] == "eve"
        assert_r = httpx.get(u, headers=bearer(TOKEN))
        assert assert_r.status_code == 401  # revoked by removing its line
        assert assert_r.headers.get_list("www-authenticate") == ['Bearer realm="sqlgateway"']


def test_auth_off_passes_everything_with_no_principal() -> None:
    with serve(middleware(Settings({}))(echo_app())) as port:
        r = httpx.get(f"http://127.0.0.1:{port}/echo")
        assert r.status_code == 200 and r.json()["principal"] is None


def test_body_limit(files: dict[str, Any]) -> None:
    settings = Settings({"rest.server.max-content-length": "1000"})
    with serve(AuthMiddleware(echo_app(), settings)) as port:
        u = f"http://127.0.0.1:{port}/echo"
        assert httpx.post(u, content=b"x" * 1000).json()["len"] == 1000
        r = httpx.post(u, content=b"x" * 1001)
        assert r.status_code == 413
        assert r.headers["content-type"] == "application/json; charset=UTF-8"
        assert r.json() == {
            "errors": [
                "content length exceeded 1000 bytes. Try to raise [rest.server.max-content-length]"
            ]
        }

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            for _ in range(20):
                yield b"y" * 100

        r = httpx.post(u, content=chunks())
        assert r.status_code == 413 and "1000 bytes" in r.json()["errors"][0]


def test_statement_length_limit() -> None:
    settings = Settings({"sql-gateway.limits.statement.max-length": "50"})
    with serve(AuthMiddleware(echo_app(), settings)) as port:
        u = f"http://127.0.0.1:{port}/v1/sessions/x/statements"
        ok = httpx.post(u, json={"statement": "SELECT " + "1" * 43})
        assert ok.status_code == 200
        escaped = httpx.post(u, content=b'{"statement": "' + b"\\u0041" * 50 + b'"}')
        assert escaped.status_code == 200  # 50 characters, 300 bytes
        r = httpx.post(u, json={"statement": "SELECT " + "1" * 44})
        assert r.status_code == 413
        assert r.json()["errors"] == [
            "The statement has 51 characters, more than the limit of 50 "
            "(sql-gateway.limits.statement.max-length)."
        ]
        other = httpx.post(f"http://127.0.0.1:{port}/echo", json={"statement": "x" * 100})
        assert other.status_code == 200  # only statement-carrying endpoints are checked


def test_rate_limit_per_principal(files: dict[str, Any]) -> None:
    settings = _settings(
        files,
        **{"sql-gateway.limits.rate.requests-per-second": "0.01",
           "sql-gateway.limits.rate.burst": "3"},
    )  # fmt: skip
    with serve(middleware(settings)(echo_app())) as port:
        u = f"http://127.0.0.1:{port}/echo"
        codes = [httpx.get(u, headers=bearer(TOKEN)).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        r = httpx.get(u, headers=bearer(TOKEN))
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.headers["content-type"] == "application/json; charset=UTF-8"
        assert "Too many requests from 'alice'" in r.json()["errors"][0]
        assert httpx.get(u, headers=basic("bob", "s3cret")).status_code == 200


def test_rate_limiter_refills() -> None:
    limiter = RateLimiter(rate=2.0, burst=2)
    assert [limiter.acquire("a", now=10.0) for _ in range(2)] == [0.0, 0.0]
    assert limiter.acquire("a", now=10.0) == pytest.approx(0.5)
    assert limiter.acquire("b", now=10.0) == 0.0  # buckets are per key
    assert limiter.acquire("a", now=10.5) == 0.0  # one token back after 1/rate seconds
    assert limiter.acquire("a", now=10.5) > 0
    assert [limiter.acquire("a", now=100.0) for _ in range(3)][-1] > 0  # burst caps refill


def test_failed_attempts_are_throttled_per_address(files: dict[str, Any]) -> None:
    settings = _settings(files, **{"sql-gateway.limits.auth-failures.per-second": "0.01"})
    with serve(middleware(settings)(echo_app())) as port:
        u = f"http://127.0.0.1:{port}/echo"
        codes = [httpx.get(u, headers=bearer("wrong")).status_code for _ in range(10)]
        assert codes == [401] * 10  # the burst
        r = httpx.get(u, headers=bearer(TOKEN))  # even good credentials wait now
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert "Too many failed authentication attempts from 127.0.0.1" in r.json()["errors"][0]
    limiter = RateLimiter(rate=1.0, burst=1)
    assert limiter.wait_time("a", now=0.0) == 0.0
    limiter.acquire("a", now=0.0)
    assert limiter.wait_time("a", now=0.5) == pytest.approx(0.5)
    assert limiter.wait_time("a", now=0.5) == pytest.approx(0.5)  # peeking takes nothing
