"""Answers as plain data you can read both ways: ``agent.id`` and ``agent["id"]``."""
from __future__ import annotations

from typing import Any, Iterable, Optional


class Record(dict):  # type: ignore[type-arg]
    """A JSON object from the server; keys are also attributes (``record.name``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def wrap(value: Any) -> Any:
    """JSON objects (at any depth) become :class:`Record`."""
    if isinstance(value, dict):
        return Record({k: wrap(v) for k, v in value.items()})
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


class Page(list):  # type: ignore[type-arg]
    """One page of a list: a list of :class:`Record` with ``.items`` (the seeds' ``response.items``),
    ``.total``, ``.page``, ``.page_size``, ``.has_more`` and, for the agent API, ``.pagination``."""

    def __init__(self, items: Iterable[Any], total: Optional[int] = None, page: Optional[int] = None,
                 page_size: Optional[int] = None, has_more: Optional[bool] = None, pagination: Any = None) -> None:
        super().__init__(wrap(list(items)))
        self.total = total
        self.page = page
        self.page_size = page_size
        self.has_more = has_more
        self.pagination = pagination

    @property
    def items(self) -> list[Any]:
        return list(self)


_LIST_KEYS = ("items", "agents", "skills", "components", "domains", "templates", "installations", "webhooks", "results", "data")


def to_page(body: Any) -> Page:
    """Whichever list key a route answers (``items``, ``agents``, ``skills``, …) as a :class:`Page`."""
    if isinstance(body, list):
        return Page(body, total=len(body), has_more=False)
    b = body if isinstance(body, dict) else {}
    items = next((b[k] for k in _LIST_KEYS if isinstance(b.get(k), list)), [])
    pagination = b.get("pagination") if isinstance(b.get("pagination"), dict) else None
    p = pagination or b
    total = p.get("total")
    size = p.get("page_size", p.get("limit"))
    page = p.get("page")
    if page is None and isinstance(b.get("offset"), int) and size:
        page = b["offset"] // size + 1
    has_more = b.get("has_more")
    if has_more is None and pagination and isinstance(pagination.get("pages"), int) and page is not None:
        has_more = page < pagination["pages"]
    return Page(items, total=total, page=page, page_size=size, has_more=has_more, pagination=wrap(pagination))
