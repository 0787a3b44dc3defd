"""The agent API: ``AtomClient(api_key=…).agents.list/create/get/update/delete/execute`` and
``.executions.get``. Results keep the server's snake_case names (``agent.maturity_level``)."""
from __future__ import annotations

import time
from typing import Any, Optional

from ._records import Page, Record, to_page, wrap
from ._transport import Transport
from .errors import RequestTimeoutError

FINISHED = ("completed", "failed", "cancelled")


class AtomClient:
    """``AtomClient(api_key="sk-atom…", base_url="http://localhost:3000")``; ``base_url`` defaults to
    ``ATOM_BASE_URL`` / ``ATOM_URL`` from the environment. Extra keyword arguments (``timeout``,
    ``max_retries``, ``retry_delay``, ``max_retry_delay``, ``tenant_id``, ``api_token``, …) go to the
    transport."""

    def __init__(self, api_key: Optional[str] = None, base_url: Optional[str] = None, **options: Any) -> None:
        self.transport = Transport(base_url, api_key=api_key, **options)
        self.executions = ExecutionsResource(self.transport)
        self.agents = AgentsResource(self.transport, self.executions)


class ExecutionsResource:
    def __init__(self, t: Transport) -> None:
        self._t = t

    def get(self, agent_id: str, execution_id: str) -> Record:
        """One execution's state: ``status`` pending | in_progress | completed | failed | cancelled."""
        return wrap(self._t.call("getExecution", params={"id": agent_id, "execution_id": execution_id}))

    def list(self, agent_id: str, page: Optional[int] = None, limit: Optional[int] = None, status: Optional[str] = None) -> Page:
        return to_page(self._t.call("listExecutions", params={"id": agent_id}, query={"page": page, "limit": limit, "status": status}))

    def cancel(self, agent_id: str, execution_id: str) -> Record:
        return wrap(self._t.call("cancelExecution", params={"id": agent_id, "execution_id": execution_id}))


class AgentsResource:
    def __init__(self, t: Transport, executions: ExecutionsResource) -> None:
        self._t = t
        self._executions = executions

    def list(self, maturity_level: Optional[str] = None, page: Optional[int] = None, limit: Optional[int] = None, **filters: Any) -> Page:
        """One page (default page 1, 20 per page); filters: ``status``, ``sort``, ``order``, ``q``."""
        data = self._t.call("listAgents", query={"maturity_level": maturity_level, "page": page, "limit": limit, **filters})
        return to_page(data)

    def create(self, name: str, role: str, maturity_level: str = "student", description: Optional[str] = None,
               capabilities: Optional[list[str]] = None, configuration: Optional[dict[str, Any]] = None, **extra: Any) -> Record:
        body = {"name": name, "role": role, "maturity_level": maturity_level, **extra}
        for key, value in (("description", description), ("capabilities", capabilities), ("configuration", configuration)):
            if value is not None:
                body[key] = value
        return wrap(self._t.call("createAgent", body=body)["agent"])

    def get(self, agent_id: str) -> Record:
        """The agent with ``configuration``, ``statistics`` and ``graduation``."""
        return wrap(self._t.call("getAgent", params={"id": agent_id})["agent"])

    def update(self, agent_id: str, **fields: Any) -> Record:
        """``name``, ``description``, ``capabilities``, ``configuration`` (merged key by key) or ``status``."""
        return wrap(self._t.call("updateAgent", params={"id": agent_id}, body=fields)["agent"])

    def delete(self, agent_id: str) -> Record:
        return wrap(self._t.call("deleteAgent", params={"id": agent_id}))

    def execute(self, agent_id: str, task: str, context: Optional[dict[str, Any]] = None, parameters: Optional[dict[str, Any]] = None,
                wait: bool = True, poll_interval: float = 0.5, wait_timeout: float = 600.0, idempotency_key: Optional[str] = None) -> Record:
        """Runs a task. The server answers at once when done, else ``in_progress`` with a ``poll_url``;
        with ``wait`` (default) this polls that URL (interval growing by half, up to 5 s) until the
        execution is completed, failed or cancelled, and raises RequestTimeoutError after ``wait_timeout``."""
        body: dict[str, Any] = {"task": task}
        if context is not None:
            body["context"] = context
        if parameters is not None:
            body["parameters"] = parameters
        view = wrap(self._t.call("executeAgent", params={"id": agent_id}, body=body, idempotency_key=idempotency_key))
        deadline = time.monotonic() + wait_timeout
        interval = poll_interval
        while wait and view.get("status") not in FINISHED:
            if time.monotonic() + interval > deadline:
                raise RequestTimeoutError("EXECUTION_WAIT_TIMEOUT", f"execution {view.get('execution_id')} still {view.get('status')} after {wait_timeout} s",
                                          {"execution": view})
            time.sleep(interval)
            interval = min(5.0, interval * 1.5)
            poll = view.get("poll_url")
            view = wrap(self._t.get(poll)) if poll else self._executions.get(agent_id, view["execution_id"])
        return view
