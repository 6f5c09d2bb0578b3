"""Shared test fixtures.

The real test data (recorded arXiv responses, real PDFs, broken PDFs) lives outside the repository,
in ../shared/data beside the checkout. One setting points at it: $PAPERFLOW_TEST_DATA (default
../shared/data). Tests that need it skip with a reason when it is absent.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from paperflow.http import RUN_HOSTS

REPO_ROOT = Path(__file__).resolve().parents[1]
# A test stuck beyond pytest-timeout's reach ends the run with every stack printed (tests/support/watchdog.py).
pytest_plugins = ["tests.support.watchdog"]

SHARED_DATA = Path(os.environ.get("PAPERFLOW_TEST_DATA", REPO_ROOT.parent / "shared" / "data"))


# A real local model on a busy machine is slow (with the test server's one llama thread, a summary's call
# took 100 s beside 4 busy processes, against 35 s idle; see tests/support/llm_server.py), and a summary may be
# re-asked twice: these tests get 1200 s instead of pytest-timeout's 600 s (still below the watchdog's 1500 s).
LLM_TEST_TIMEOUT = 1200


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("llm") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(LLM_TEST_TIMEOUT))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (or $PAPERFLOW_TEST_DATA); the test is skipped when it is absent."""
    if not (SHARED_DATA / "MANIFEST.md").is_file():
        pytest.skip(f"real test data not found at {SHARED_DATA} (set PAPERFLOW_TEST_DATA)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    # No test may read the developer's own paperflow settings or phone home.
    for name in list(os.environ):
        if name.startswith("PAPERFLOW_") and name not in ("PAPERFLOW_TEST_DATA", "PAPERFLOW_REQUIRE_LLM",
                                                          "PAPERFLOW_WHEEL_VENV"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A host one test found unreachable (a closed port) says nothing about the next test's servers.
    RUN_HOSTS.reset()
    # Tests talk only to servers they start on this machine: a name elsewhere (export.arxiv.org, api.github.com)
    # fails at once, as on an offline machine, instead of waiting on DNS or reaching the real service.
    monkeypatch.setattr(socket, "getaddrinfo", _local_names_only)


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", socket.gethostname()}
_real_getaddrinfo = socket.getaddrinfo


def _local_names_only(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in _LOCAL_NAMES and not name.startswith("127."):
        raise socket.gaierror(socket.EAI_NONAME, f"tests do not leave this machine (asked for {name})")
    return _real_getaddrinfo(host, *args, **kwargs)
