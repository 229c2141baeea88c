"""HTTPS and mutual TLS with certificates made by ``cryptography``, served by uvicorn."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from sqlgateway.config import ConfigError, Settings
from sqlgateway.rest.auth import middleware
from sqlgateway.security.tls import tls_enabled, uvicorn_ssl_options
from tests.security.servers import Pki, make_pki, serve
from tests.security.test_auth_middleware import echo_app


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _client_context(pki: Pki, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki.ca))
    if cert is not None:
        ctx.load_cert_chain(str(cert), str(key))
    return ctx


def test_tls_off_by_default() -> None:
    assert uvicorn_ssl_options(Settings({})) == {}
    assert not tls_enabled(Settings({}))


def test_https(pki: Pki) -> None:
    settings = Settings(
        {"sql-gateway.security.ssl.cert-file": str(pki.server_cert),
         "sql-gateway.security.ssl.key-file": str(pki.server_key)}
    )  # fmt: skip
    assert tls_enabled(settings)
    with serve(middleware(settings)(echo_app()), **uvicorn_ssl_options(settings)) as port:
        r = httpx.get(f"https://127.0.0.1:{port}/echo", verify=_client_context(pki))
        assert r.status_code == 200 and r.json()["principal"] is None
        with pytest.raises(httpx.ConnectError):  # not trusted without the CA
            httpx.get(f"https://127.0.0.1:{port}/echo", verify=ssl.create_default_context())
        with pytest.raises(httpx.RemoteProtocolError):  # plain HTTP on the TLS port
            httpx.get(f"http://127.0.0.1:{port}/echo")


def test_mutual_tls(pki: Pki) -> None:
    settings = Settings(
        {"sql-gateway.security.ssl.cert-file": str(pki.server_cert),
         "sql-gateway.security.ssl.key-file": str(pki.server_key),
         "sql-gateway.security.ssl.client-ca-file": str(pki.ca)}
    )  # fmt: skip
    options = uvicorn_ssl_options(settings)
    assert options["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    with serve(echo_app(), **options) as port:
        url = f"https://127.0.0.1:{port}/echo"
        good = _client_context(pki, pki.client_cert, pki.client_key)
        assert httpx.get(url, verify=good).status_code == 200
        for ctx in (
            _client_context(pki),  # no client certificate
            _client_context(pki, pki.other_client_cert, pki.other_client_key),  # unknown CA
        ):
            with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
                httpx.get(url, verify=ctx)


def test_bad_tls_configuration_is_a_clear_error(pki: Pki, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot load TLS certificate"):
        uvicorn_ssl_options(
            Settings({"sql-gateway.security.ssl.cert-file": str(tmp_path / "missing.crt")})
        )
    with pytest.raises(ConfigError, match="cannot load TLS certificate"):  # key does not match
        uvicorn_ssl_options(
            Settings({"sql-gateway.security.ssl.cert-file": str(pki.server_cert),
                      "sql-gateway.security.ssl.key-file": str(pki.client_key)})
        )  # fmt: skip
    with pytest.raises(ConfigError, match="cert-file is not"):
        uvicorn_ssl_options(Settings({"sql-gateway.security.ssl.key-file": str(pki.server_key)}))
    with pytest.raises(ConfigError, match="client-auth"):
        Settings({"sql-gateway.security.ssl.client-auth": "sometimes"})
