"""The real gateway over HTTPS with mutual TLS, and with TLS plus a bearer token."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from sqlgateway.security import hashing
from tests.conftest import start_gateway
from tests.helpers import execute, fetch_all, open_session
from tests.security.servers import Pki, make_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("gwpki"))


def _ctx(pki: Pki, with_client_cert: bool) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki.ca))
    if with_client_cert:
        ctx.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    return ctx


def test_gateway_over_mutual_tls_with_token(pki: Pki, tmp_path: Path) -> None:
    token = hashing.new_token()
    (tmp_path / "tokens").write_text(f"alice:{hashing.sha256_token(token)}\n")
    g = start_gateway(
        {
            "sql-gateway.security.ssl.cert-file": str(pki.server_cert),
            "sql-gateway.security.ssl.key-file": str(pki.server_key),
            "sql-gateway.security.ssl.client-ca-file": str(pki.ca),
            "sql-gateway.security.auth.enabled": "true",
            "sql-gateway.security.auth.tokens-file": str(tmp_path / "tokens"),
        }
    )
    try:
        assert g.url.startswith("https://127.0.0.1:")
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=g.url, verify=_ctx(pki, True), headers=headers) as c:
            sh = open_session(c)
            assert fetch_all(c, sh, execute(c, sh, "SELECT 'tls'")).rows == [["tls"]]
        with httpx.Client(base_url=g.url, verify=_ctx(pki, True)) as c:
            assert c.get("/v1/info").status_code == 401  # TLS alone does not authenticate
        with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
            httpx.get(g.url + "/v1/info", verify=_ctx(pki, False), headers=headers)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(g.url.replace("https", "http") + "/v1/info")
    finally:
        g.stop()
