"""Several engines behind one gateway: each session picks its engine when it opens.

A session may ask for an engine with the session property ``sql-gateway.engine`` (for example
``{"properties": {"sql-gateway.engine": "flink"}}`` in open-session); without it the session gets
the gateway's default engine (``sql-gateway.engine`` of the gateway configuration). Only the
engines listed in ``sql-gateway.session.engines`` may be picked; the default one starts with the
gateway, the others on their first session (a Flink JVM takes seconds to start). Engines fail
independently: a dead Flink cluster does not stop the DuckDB sessions.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping

from sqlgateway import config
from sqlgateway.config import ConfigError, Settings
from sqlgateway.engine.base import Engine, EngineSession, WorkflowScheduler
from sqlgateway.engine.workflow import EmbeddedScheduler
from sqlgateway.errors import ExecutionError
from sqlgateway.model import SessionHandle

SESSION_ENGINES = config.Option(
    "sql-gateway.session.engines", str, "",
    "Engines a session may choose at open-session with the session property sql-gateway.engine "
    "(comma-separated, e.g. duckdb,flink). Empty: only the default engine (sql-gateway.engine). "
    "Engines other than the default start on their first session.",
)  # fmt: skip
config.register(SESSION_ENGINES)

ENGINE_PROPERTY = "sql-gateway.engine"


class SessionEngines(Engine):
    """An ``Engine`` that opens each session on the engine the session asked for."""

    def __init__(
        self,
        settings: Settings,
        default: Engine,
        allowed: tuple[str, ...],
        factory: Callable[[str], Engine],
    ) -> None:
        self.default = default
        self.name = default.name
        self._allowed = allowed
        self._factory = factory
        self._engines: dict[str, Engine] = {default.name: default}
        self._lock = threading.Lock()
        self._closed = False
        self._owner: weakref.WeakKeyDictionary[EngineSession, Engine] = weakref.WeakKeyDictionary()

    @property
    def started(self) -> dict[str, Engine]:
        """The engines started so far, by name."""
        return dict(self._engines)

    def engine_for(self, properties: Mapping[str, str]) -> Engine:
        """The engine a session with these properties runs on (started if needed)."""
        name = self._engine_name(properties)
        engine = self._engines.get(name)
        if engine is not None:
            return engine
        if name not in self._allowed:
            raise ExecutionError(
                f"The engine '{name}' is not available to sessions of this gateway (session "
                f"property {ENGINE_PROPERTY}); available: {', '.join(self._allowed)}. The "
                f"gateway option {SESSION_ENGINES.key} lists the engines sessions may choose.",
                java_class="org.apache.flink.table.api.ValidationException",
            )
        with self._lock:
            engine = self._engines.get(name)
            if engine is None:
                if self._closed:
                    raise ExecutionError("The gateway is shutting down.")
                engine = self._start(name)
                self._engines[name] = engine
        return engine

    def _start(self, name: str) -> Engine:
        try:
            return self._factory(name)
        except ConfigError as exc:
            raise ExecutionError(str(exc)) from exc
        except Exception as exc:
            raise ExecutionError(
                f"Cannot start the {name} engine: {type(exc).__name__}: {exc}"
            ) from exc

    def open_session(
        self, handle: SessionHandle, session_name: str | None, properties: Mapping[str, str]
    ) -> EngineSession:
        engine = self.engine_for(properties)
        session = engine.open_session(handle, session_name, properties)
        self._owner[session] = engine
        return session

    def cheap_open(self, properties: Mapping[str, str]) -> bool:
        engine = self._engines.get(self._engine_name(properties))
        return engine is not None and engine.cheap_open(properties)

    def _engine_name(self, properties: Mapping[str, str]) -> str:
        """The engine a session asks for (session property), else the default one."""
        return properties.get(ENGINE_PROPERTY, "").strip().lower() or self.default.name

    def owner(self, session: EngineSession) -> Engine:
        """The engine that opened ``session``."""
        return self._owner.get(session, self.default)

    def version(self) -> str:
        return self.default.version()

    def deploy_script(
        self, session: EngineSession, script: str | None, script_uri: str | None,
        overrides: Mapping[str, str],
    ) -> str:  # fmt: skip
        return self.owner(session).deploy_script(session, script, script_uri, overrides)

    def workflow_scheduler(self) -> WorkflowScheduler:
        """The engines' embedded schedulers as one (Flink's gateway has one): a workflow is
        created on the engine a session with its init config would run on (as Flink's Quartz
        job opens such a session), and found on whichever engine holds it."""
        return _EngineSchedulers(self)

    def schedulers(self) -> list[WorkflowScheduler]:
        """The embedded schedulers of the started engines, the default engine's first."""
        out: list[WorkflowScheduler] = []
        for engine in [self.default, *(e for e in self._engines.values() if e is not self.default)]:
            try:
                out.append(engine.workflow_scheduler())
            except ExecutionError:
                continue
        return out

    def close(self) -> None:
        with self._lock:
            self._closed = True
            engines = list(self._engines.values())
        errors: list[BaseException] = []
        for engine in engines:
            try:
                engine.close()
            except Exception as exc:  # close the others anyway
                errors.append(exc)
        if errors:
            raise errors[0]


def allowed_engines(settings: Settings, known: tuple[str, ...]) -> tuple[str, ...]:
    """The engines sessions may choose: the default plus ``sql-gateway.session.engines``."""
    default = settings.get(config.ENGINE).strip().lower()
    names = [default]
    for part in settings.get(SESSION_ENGINES).split(","):
        name = part.strip().lower()
        if not name or name in names:
            continue
        if name not in known:
            raise ConfigError(
                f"Invalid value {name!r} in option {SESSION_ENGINES.key}: expected engines "
                f"among {', '.join(known)}"
            )
        names.append(name)
    return tuple(names)


class _EngineSchedulers(WorkflowScheduler):
    """The V3 ``/workflow/embedded-scheduler/*`` view over every started engine's scheduler."""

    def __init__(self, engines: SessionEngines) -> None:
        self._engines = engines

    def create(
        self, identifier: str, cron_expression: str, dynamic_options: Mapping[str, str],
        init_config: Mapping[str, str], execution_config: Mapping[str, str],
        rest_endpoint_url: str | None,
    ) -> tuple[str, str]:  # fmt: skip
        try:
            scheduler = self._engines.engine_for(init_config).workflow_scheduler()
        except ExecutionError:
            scheduler = self._holder("", "")
        return scheduler.create(identifier, cron_expression, dynamic_options, init_config,
                                execution_config, rest_endpoint_url)  # fmt: skip

    def suspend(self, name: str, group: str) -> None:
        self._holder(name, group).suspend(name, group)

    def resume(self, name: str, group: str, dynamic_options: Mapping[str, str]) -> None:
        self._holder(name, group).resume(name, group, dynamic_options)

    def delete(self, name: str, group: str) -> None:
        for scheduler in self._all():
            scheduler.delete(name, group)

    def modify_cron(self, name: str, group: str, cron_expression: str) -> None:
        self._holder(name, group).modify_cron(name, group, cron_expression)

    def _all(self) -> list[WorkflowScheduler]:
        found = self._engines.schedulers()
        if not found:
            self._engines.default.workflow_scheduler()  # raises the engine's own error
        return found

    def _holder(self, name: str, group: str) -> WorkflowScheduler:
        """The scheduler holding the workflow, else the default one (Flink's error for a
        workflow that does not exist)."""
        found = self._all()
        for scheduler in found:
            if isinstance(scheduler, EmbeddedScheduler) and scheduler.get(name, group):
                return scheduler
        return found[0]
