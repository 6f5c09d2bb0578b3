"""The environment paperflow gives Prefect, and whether a Prefect server is there to use.

Prefect reads its settings from the process environment when it is first imported, so
`apply_prefect_environment` must run before `import prefect` (the CLI imports flows lazily for
that reason). Nothing here imports Prefect: the plain `paperflow summarize` path calls
`server_configured` and never pays Prefect's start-up when no server is configured.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from urllib.parse import urlsplit

import httpx

from paperflow.errors import PaperflowError
from paperflow.settings import Settings

# Everything in Prefect 3.8 that reaches the internet on its own. Measured in stack-facts: the
# server's analytics and the client's SDK analytics; cloud telemetry and the UI's promotional
# panel are switched off too so that nothing paperflow starts talks to anyone but 127.0.0.1
# (or the server the person configured).
TELEMETRY_OFF: dict[str, str] = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
}


# The temporary server is paperflow's own: its waits are set for a busy machine, where SQLite statements and API
# calls that take milliseconds idle take long seconds (Prefect's defaults: 10 s, 5 s and 60 s).
TEMPORARY_SERVER_WAITS: dict[str, str] = {
    "PREFECT_SERVER_DATABASE_TIMEOUT": "300",
    "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "300",
    "PREFECT_API_REQUEST_TIMEOUT": "600",
}

# What to do when the temporary server cannot start: the one line `paperflow nightly` ends with.
USE_A_SERVER = ('start one with `prefect server start` and set [prefect] api_url = "http://127.0.0.1:4200/api" '
                "in paperflow.toml")


class TemporaryServerError(PaperflowError):
    """The temporary Prefect server did not start (after every attempt)."""


def prefect_environment(settings: Settings) -> dict[str, str]:
    """The variables paperflow sets for Prefect: telemetry off, and PREFECT_API_URL when
    `[prefect] api_url` is configured; otherwise Prefect starts a temporary local server, and waits
    `[prefect] server_start_timeout_seconds` for it wherever Prefect starts one itself (its own
    default, 20 s, is too short on a busy machine), its database and API waits lengthened alike."""
    env = dict(TELEMETRY_OFF)
    if settings.prefect.api_url:
        env["PREFECT_API_URL"] = api_url(settings)
    else:
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = str(settings.prefect.server_start_timeout_seconds)
        env.update(TEMPORARY_SERVER_WAITS)
    return env


def apply_prefect_environment(settings: Settings, environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Write `prefect_environment(settings)` into `environ` (default: this process's environment)
    and return what was written. Child processes (served flow runs, workers) inherit it."""
    target = os.environ if environ is None else environ
    env = prefect_environment(settings)
    target.update(env)
    return env


def server_configured(settings: Settings) -> bool:
    """True when a Prefect server is configured (`[prefect] api_url`).

    `paperflow summarize` calls this: True means "run the `summarize` flow against that server",
    False means "run the plain pipeline, no Prefect at all" (no 8-16 s temporary server).
    """
    return bool(settings.prefect.api_url)


def api_url(settings: Settings) -> str:
    """The configured API URL, normalised to end in /api (what PREFECT_API_URL expects).

    Raises ValueError when no server is configured.
    """
    if not settings.prefect.api_url:
        raise ValueError("no Prefect server configured ([prefect] api_url)")
    url = settings.prefect.api_url.rstrip("/")
    return url if url.endswith("/api") else f"{url}/api"


def server_problem(url: str, timeout: float = 3.0) -> str | None:
    """None when a Prefect API answers GET <url>/health; otherwise one line saying what is wrong.

    Never raises for network trouble: the answer is the message a person reads.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"Prefect API URL {url!r} is not an http(s) URL"
    try:
        response = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout, trust_env=False)
    except httpx.HTTPError as exc:
        return f"no Prefect server reachable at {url} ({type(exc).__name__}); start one with `prefect server start`"
    if response.status_code != 200:
        return f"{url}/health answered HTTP {response.status_code}: is this a Prefect server?"
    return None
