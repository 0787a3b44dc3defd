"""The integration guide's ``get/set_integration_config`` over ``/api/integrations/{provider}/config``."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Optional

from atom._records import Record, wrap

TOKEN_FIELDS = ("access_token", "refresh_token", "token_expires_at", "scopes")


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        # A naive datetime is local time (what datetime.now() gives): send it with its offset.
        return (value if value.tzinfo else value.astimezone()).isoformat()
    return value


def config_body(config: Mapping[str, Any]) -> dict[str, Any]:
    """Token fields go as they are (stored encrypted); every other key is a setting."""
    body: dict[str, Any] = {k: _iso(config[k]) for k in TOKEN_FIELDS if config.get(k) is not None}
    settings = {k: _iso(v) for k, v in config.items() if k not in TOKEN_FIELDS and k != "settings" and v is not None}
    settings.update(config.get("settings") or {})
    if settings:
        body["settings"] = settings
    return body


def config_view(integration: Mapping[str, Any]) -> Record:
    """The server's answer, with the settings also at the top level (``config["base_id"]``) and
    ``token_expires_at`` as a naive local datetime comparable with ``datetime.now()`` (None when
    unknown). Tokens are never returned by the server."""
    view: dict[str, Any] = dict(integration)
    for k, v in (integration.get("settings") or {}).items():
        view.setdefault(k, v)
    expires: Optional[str] = integration.get("expires_at")
    view["token_expires_at"] = datetime.fromisoformat(expires.replace("Z", "+00:00")).astimezone().replace(tzinfo=None) if expires else None
    return wrap(view)
