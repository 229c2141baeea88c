"""logsetup: option parsing, JSON/text output, per-module levels, access log switch."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from sqlgateway.config import ConfigError, Settings
from sqlgateway.logsetup import ACCESS_LOGGER, configure_logging, parse_levels


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    touched = ["sqlgateway", "sqlgateway.engine", "sqlgateway.service", ACCESS_LOGGER,
               "uvicorn", "uvicorn.error", "uvicorn.access"]  # fmt: skip
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).disabled) for n in touched}
    kept = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).propagate)
            for n in touched}  # fmt: skip
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (lvl, disabled) in saved.items():
        logging.getLogger(name).setLevel(lvl)
        logging.getLogger(name).disabled = disabled
        logging.getLogger(name).handlers[:], logging.getLogger(name).propagate = kept[name]


def _configure(**raw: str) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(Settings(raw), stream=stream)
    return stream


def test_json_lines_carry_level_logger_message_and_extras() -> None:
    stream = _configure(**{"sql-gateway.log.format": "json"})
    logging.getLogger("sqlgateway.service").info("session %s opened", "abc", extra={"sid": "abc"})
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["level"] == "INFO"
    assert record["logger"] == "sqlgateway.service"
    assert record["msg"] == "session abc opened"
    assert record["sid"] == "abc"
    assert record["ts"].endswith("Z")


def test_json_includes_the_exception_text() -> None:
    stream = _configure(**{"sql-gateway.log.format": "json"})
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("sqlgateway").exception("failed")
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert "RuntimeError: boom" in record["exc"]


def test_text_format_is_one_readable_line() -> None:
    stream = _configure()
    logging.getLogger("sqlgateway.engine").warning("slow query", extra={"ms": 12})
    line = stream.getvalue().strip().splitlines()[-1]
    assert " WARNING sqlgateway.engine: slow query ms=12" in line


def test_per_module_levels_override_the_global_level() -> None:
    stream = _configure(**{"sql-gateway.log.level": "WARNING",
                           "sql-gateway.log.levels": "sqlgateway.engine=DEBUG"})  # fmt: skip
    logging.getLogger("sqlgateway.engine").debug("engine detail")
    logging.getLogger("sqlgateway.service").info("service detail")
    out = stream.getvalue()
    assert "engine detail" in out
    assert "service detail" not in out


def test_access_log_can_be_switched_off() -> None:
    stream = _configure(**{"sql-gateway.log.access": "false"})
    logging.getLogger(ACCESS_LOGGER).info("GET /v1/info")
    assert "GET /v1/info" not in stream.getvalue()
    stream = _configure(**{"sql-gateway.log.access": "true"})
    logging.getLogger(ACCESS_LOGGER).info("GET /v1/info")
    assert "GET /v1/info" in stream.getvalue()


def test_reconfiguring_replaces_the_handler_instead_of_adding_one() -> None:
    _configure()
    _configure()
    names = [h.get_name() for h in logging.getLogger().handlers]
    assert names.count("sqlgateway-log") == 1


def test_parse_levels() -> None:
    assert parse_levels("a.b=debug, c=WARN,") == {"a.b": "DEBUG", "c": "WARNING"}
    assert parse_levels("") == {}
    with pytest.raises(ValueError):
        parse_levels("a.b")
    with pytest.raises(ValueError):
        parse_levels("a=LOUD")


def test_bad_values_are_configuration_errors() -> None:
    with pytest.raises(ConfigError, match="sql-gateway.log.format"):
        Settings({"sql-gateway.log.format": "xml"})


def test_command_line_level_overrides_the_configured_level() -> None:
    stream = io.StringIO()
    configure_logging(Settings({"sql-gateway.log.level": "WARNING"}), stream=stream, level="debug")
    logging.getLogger("sqlgateway.service").debug("now visible")
    assert "now visible" in stream.getvalue()
