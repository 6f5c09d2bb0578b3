"""The temporary Prefect server of a night run without `[prefect] api_url`.

Prefect starts it on the first API call and waits a fixed 20 s for it; on a busy machine (a local LLM
taking every core) it needs minutes, and a start that timed out was the end of the night with a
traceback. `start_temporary_server` starts it before the flow does, waits as long as the settings
say, stops a start that timed out and tries again; Prefect's own calls then find it running (Prefect
keeps one such server per process). The server's own output goes to `output/prefect-server.log`, not
to the person's terminal; when it truly cannot start, the error is one line saying what to do.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, get_current_settings

from paperflow.layout import OutputLayout
from paperflow.prefect_env import USE_A_SERVER, TemporaryServerError
from paperflow.settings import Settings

SERVER_LOG = "prefect-server.log"


STARTUP_FAILED = 3  # uvicorn's exit code when start-up failed: the port was taken meanwhile, or worse
PORT_RETRIES = 2  # new ports tried after that exit, before it counts as the server's own failure
POLL_SECONDS = 0.2


class _ServerDidNotStart(Exception):
    """One attempt failed: its cause, for the retry note and the final line."""


class _QuietServer(SubprocessASGIServer):
    """Prefect's temporary server, its output written to `log_path` instead of the terminal, waited
    for by the wall clock and given up on as soon as its process exits.

    Prefect's own start() counts only its sleeps against the timeout and waits it out even for a
    process that has died; the command is Prefect 3.8's own (SubprocessASGIServer._run_uvicorn_command)
    with stdout and stderr redirected: re-check both on a Prefect upgrade."""

    log_path: Path | None = None

    def start(self, timeout: int | None = None) -> None:
        if self.running:
            return
        bound = timeout or 20  # Prefect's own default, for a call that gives none
        deadline = time.monotonic() + bound
        self.port = self.port or self.find_available_port()
        self.server_process = self._run_uvicorn_command()
        atexit.register(self.stop)
        new_ports = PORT_RETRIES
        with httpx.Client(timeout=10) as client:
            while True:
                code = self.server_process.poll()
                if code == STARTUP_FAILED and new_ports > 0:
                    new_ports -= 1
                    self.port = self.find_available_port()
                    self.server_process = self._run_uvicorn_command()
                elif code is not None:
                    raise _ServerDidNotStart(f"its process exited with code {code}")
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        self.running = True
                        return
                except httpx.HTTPError:
                    pass  # not listening yet, or too busy to answer in time: wait on
                if time.monotonic() >= deadline:
                    raise _ServerDidNotStart(f"no answer from {self.api_url}/health in {bound} s")
                time.sleep(POLL_SECONDS)

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        assert self.log_path is not None
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            return subprocess.Popen(
                args=[sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
                      "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                      "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                     "PREFECT__SERVER_FINAL": "1",
                     **get_current_settings().to_environment_variables(exclude_unset=True)},
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )


def _cause(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def start_temporary_server(settings: Settings, note: Callable[[str], None] = print) -> str:
    """Start (or find running) this process's temporary Prefect server; returns its API URL.

    Each attempt waits `[prefect] server_start_timeout_seconds`; `note` is told of a retry. Raises
    TemporaryServerError (one line: what happened, what to do) after `server_start_attempts`."""
    already = PREFECT_API_URL.value()
    if already:  # Prefect has a server of its own here (PREFECT_API_URL in its settings): nothing to start
        return already
    timeout = settings.prefect.server_start_timeout_seconds
    attempts = settings.prefect.server_start_attempts
    log_path = (OutputLayout.of(settings).root / SERVER_LOG).resolve()
    cause = ""
    for attempt in range(1, attempts + 1):
        server = _QuietServer()  # Prefect's own calls get this same instance: one server per process
        if server.running:
            return server.api_url
        if not isinstance(server, _QuietServer):  # Prefect started its own in this process already
            server.start()
            return server.api_url
        server.log_path = log_path
        try:
            server.start(timeout=timeout)
            return server.api_url
        except Exception as exc:  # noqa: BLE001 - any failure to start is retried, then one line
            cause = _cause(exc)
            server.stop()  # a server still starting would hold its port and its database
        if attempt < attempts:
            note(f"the temporary Prefect server did not start ({cause}); starting it again "
                 f"({attempt + 1} of {attempts}, waiting up to {timeout} s)")
    raise TemporaryServerError(
        f"the temporary Prefect server did not start in {attempts} attempt(s) of up to {timeout} s each "
        f"({cause}; its output: {log_path}); raise [prefect] server_start_timeout_seconds, or {USE_A_SERVER}",
        stage="prefect",
    )
