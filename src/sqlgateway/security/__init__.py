"""Security and reliability building blocks: credentials, JWT, TLS, limits, audit log.

Nothing here imports Starlette; the ASGI middleware lives in ``sqlgateway.rest.auth``.
Importing :mod:`sqlgateway.security.options` declares every ``sql-gateway.security.*`` and
``sql-gateway.limits.*`` option.
"""

from sqlgateway.security import options as options  # noqa: E402 - declares the options
