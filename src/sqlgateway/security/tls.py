"""HTTPS and mutual TLS: uvicorn keyword arguments from the ``sql-gateway.security.ssl.*`` options.

The files are loaded once here so that a wrong path, a key that does not match the certificate or
a wrong key password is a clear configuration error at start-up rather than a uvicorn traceback.
"""

from __future__ import annotations

import ssl
from typing import Any

from sqlgateway.config import ConfigError, Settings
from sqlgateway.security import options as opt

_CLIENT_AUTH = {
    "none": ssl.CERT_NONE,
    "optional": ssl.CERT_OPTIONAL,
    "required": ssl.CERT_REQUIRED,
}


def tls_enabled(settings: Settings) -> bool:
    """Whether the gateway serves HTTPS (a certificate is configured)."""
    return settings.get(opt.SSL_CERT_FILE) is not None


def uvicorn_ssl_options(settings: Settings) -> dict[str, Any]:
    """``ssl_certfile``/``ssl_keyfile``/``ssl_keyfile_password``/``ssl_ca_certs``/
    ``ssl_cert_reqs`` for ``uvicorn.Config``; empty when TLS is off."""
    cert = settings.get(opt.SSL_CERT_FILE)
    if cert is None:
        for option in (opt.SSL_KEY_FILE, opt.SSL_CLIENT_CA_FILE):
            if settings.get(option) is not None:
                raise ConfigError(f"{option.key} is set but {opt.SSL_CERT_FILE.key} is not")
        return {}
    out: dict[str, Any] = {
        "ssl_certfile": cert,
        "ssl_keyfile": settings.get(opt.SSL_KEY_FILE),
        "ssl_keyfile_password": settings.get(opt.SSL_KEY_PASSWORD),
    }
    ca = settings.get(opt.SSL_CLIENT_CA_FILE)
    if ca is not None:
        out["ssl_ca_certs"] = ca
        out["ssl_cert_reqs"] = _CLIENT_AUTH[settings.get(opt.SSL_CLIENT_AUTH)]
    check_ssl_options(out)
    return out


def check_ssl_options(options: dict[str, Any]) -> ssl.SSLContext:
    """Build the server context uvicorn will build, turning failures into ``ConfigError``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(
            options["ssl_certfile"], options.get("ssl_keyfile"), options.get("ssl_keyfile_password")
        )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot load TLS certificate {options['ssl_certfile']} / key "
            f"{options.get('ssl_keyfile')}: {exc}"
        ) from exc
    if options.get("ssl_ca_certs"):
        try:
            context.load_verify_locations(options["ssl_ca_certs"])
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"cannot load client CA file {options['ssl_ca_certs']}: {exc}"
            ) from exc
        context.verify_mode = options["ssl_cert_reqs"]
    return context
