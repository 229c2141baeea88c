"""Helpers: serve any ASGI app with uvicorn on 127.0.0.1 (ephemeral port) in a thread; make
certificates with ``cryptography``; mint JWTs."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


@contextmanager
def serve(app: Any, **uvicorn_kwargs: Any) -> Iterator[int]:
    """Run ``app`` on 127.0.0.1 with a free port; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    cfg = uvicorn.Config(app, log_level="warning", lifespan="off", **uvicorn_kwargs)
    server = uvicorn.Server(cfg)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.005)
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@dataclass
class Pki:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_client_cert: Path
    other_client_key: Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(key: Any, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _cert(
    subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool = False, server: bool = False
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        import ipaddress

        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(directory: Path) -> Pki:
    """Write a fresh CA, server and client certificates (EC P-256) into ``directory``."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _cert("test-ca", ca_key, "test-ca", ca_key, ca=True)
    rogue_key = ec.generate_private_key(ec.SECP256R1())
    paths: dict[str, Path] = {}

    def emit(name: str, cert: x509.Certificate, key: Any) -> None:
        paths[name + "_cert"] = directory / f"{name}.crt"
        paths[name + "_key"] = directory / f"{name}.key"
        paths[name + "_cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, paths[name + "_key"])

    server_key = ec.generate_private_key(ec.SECP256R1())
    emit("server", _cert("localhost", server_key, "test-ca", ca_key, server=True), server_key)
    client_key = ec.generate_private_key(ec.SECP256R1())
    emit("client", _cert("alice", client_key, "test-ca", ca_key), client_key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    emit("other_client", _cert("mallory", other_key, "rogue-ca", rogue_key), other_key)
    ca_path = directory / "ca.crt"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return Pki(ca_path, **paths)


@dataclass
class JwtKit:
    """An RSA signing key, its JWKS file and a minting helper."""

    key: rsa.RSAPrivateKey
    jwks_file: Path
    kid: str = "k1"

    def mint(self, claims: dict[str, Any], **header: Any) -> str:
        now = int(time.time())
        body = {"sub": "carol", "iat": now, "exp": now + 300, **claims}
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": self.kid, **header})


def make_jwt_kit(directory: Path) -> JwtKit:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    path = directory / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return JwtKit(key, path)
