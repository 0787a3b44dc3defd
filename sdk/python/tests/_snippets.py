"""Runs one seed example (tests/seed_snippets/<name>.py) in a fresh namespace."""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any, Iterable, Optional

SNIPPETS = Path(__file__).parent / "seed_snippets"


def source(name: str, replace: Iterable[tuple[str, str]] = ()) -> str:
    text = (SNIPPETS / f"{name}.py").read_text()
    for old, new in replace:
        if old not in text:
            raise AssertionError(f"placeholder {old!r} not in {name}.py")
        text = text.replace(old, new)
    return text


def run(name: str, replace: Iterable[tuple[str, str]] = (), env: Optional[dict[str, str]] = None,
        namespace: Optional[dict[str, Any]] = None, text: Optional[str] = None) -> dict[str, Any]:
    """Executes the example with placeholders replaced; ``namespace`` supplies the names it uses
    without defining and receives what it defines; printed lines are in ``ns["_printed"]``."""
    ns = namespace if namespace is not None else {}
    ns.setdefault("__name__", f"seed_{name}")
    code = compile(text if text is not None else source(name, replace), str(SNIPPETS / f"{name}.py"), "exec")
    saved = {k: os.environ.get(k) for k in (env or {})}
    out = io.StringIO()
    try:
        os.environ.update(env or {})
        with contextlib.redirect_stdout(out):
            exec(code, ns)  # noqa: S102 - the seed's own example code, run as a user would
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        ns["_printed"] = ns.get("_printed", []) + out.getvalue().splitlines()
    return ns
