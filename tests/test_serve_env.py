"""paperflow.prefect_env: the environment given to Prefect and the server check, without Prefect."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from paperflow.prefect_env import (
    TELEMETRY_OFF,
    api_url,
    apply_prefect_environment,
    prefect_environment,
    server_configured,
    server_problem,
)
from paperflow.settings import Settings


def test_telemetry_is_off_and_no_api_url_without_a_server():
    env = prefect_environment(Settings())
    assert env["DO_NOT_TRACK"] == "1"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert env["PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY"] == "false"
    assert "PREFECT_API_URL" not in env
    assert not server_configured(Settings())


@pytest.mark.parametrize("given", ["http://127.0.0.1:4200", "http://127.0.0.1:4200/", "http://127.0.0.1:4200/api"])
def test_configured_server_becomes_prefect_api_url(given):
    settings = Settings(prefect={"api_url": given})
    assert server_configured(settings)
    assert prefect_environment(settings)["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"
    assert api_url(settings) == "http://127.0.0.1:4200/api"


def test_apply_writes_into_the_given_environment():
    environ = {"PREFECT_SERVER_ANALYTICS_ENABLED": "true", "OTHER": "x"}
    apply_prefect_environment(Settings(prefect={"api_url": "http://127.0.0.1:1/api"}), environ)
    assert environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert environ["PREFECT_API_URL"] == "http://127.0.0.1:1/api"
    assert environ["OTHER"] == "x"
    assert set(TELEMETRY_OFF) <= set(environ)


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (http.server naming)
        code = self.status if self.path == "/api/health" else 404
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    servers = []

    def start(status: int) -> str:
        handler = type("H", (_Health,), {"status": status})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/api"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_server_problem_none_when_health_answers(health_server):
    assert server_problem(health_server(200), timeout=2) is None


def test_server_problem_names_a_wrong_server(health_server):
    problem = server_problem(health_server(503), timeout=2)
    assert problem is not None and "HTTP 503" in problem and "\n" not in problem


def test_server_problem_says_how_to_start_one_when_nothing_listens():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    problem = server_problem(f"http://127.0.0.1:{port}/api", timeout=1)
    assert problem is not None
    assert f"no Prefect server reachable at http://127.0.0.1:{port}/api" in problem
    assert "prefect server start" in problem


def test_server_problem_rejects_a_non_http_url():
    assert "not an http(s) URL" in server_problem("127.0.0.1:4200")
