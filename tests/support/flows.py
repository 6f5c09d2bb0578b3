"""Local servers for the flow tests and the benchmarks, all on 127.0.0.1.

- `FakeLLM`: an OpenAI-compatible chat endpoint with N slots that takes `delay` seconds per request
  (a latency-bound local model server) and answers with a valid summary, or HTTP 500 for a request
  whose prompt contains one of `fail_on`.
- `PaperSite`: the arXiv API replayed from the recorded responses (id look-ups), with every PDF link
  pointing at this server, and real PDFs served from ../shared/data (`pdfs` maps an arXiv id to a file).
- `prefect_harness` (module fixture): an isolated Prefect (`busy_machine_harness`: a temporary server and
  database as prefect_test_harness makes, started by the wall clock; temp PREFECT_HOME and storage,
  telemetry off); import it into a test module to use it.
"""

from __future__ import annotations

import inspect
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.arxiv import ATOM, FEED, feed_of
from tests.support.local_server import LocalServer, Reply, Request

ANSWER = {
    "published": "2017.6",
    "organisations": ["Google"],
    "topic": "用 attention 做序列建模",
    "keywords": ["attention", "transformer", "machine translation"],
    "points": [
        {"label": "背景", "text": "RNN 难以并行。"},
        {"label": "模型", "text": "只用 attention 的 encoder-decoder。"},
        {"label": "实验结果", "text": "翻译质量更好，训练更快。"},
    ],
    "verdict": "总体上，结构简单，影响很大。",
}


# A busy machine (a local LLM on every core) can take minutes to start Prefect's server; Prefect's own
# prefect_test_harness waits 30 s counted in its sleeps and fails.
HARNESS_START_SECONDS = 900
HARNESS_DRAIN_SECONDS = 60


@contextmanager
def busy_machine_harness(home: Path, start_seconds: float = HARNESS_START_SECONDS) -> Iterator[str]:
    """Prefect's prefect_test_harness (a temporary server on a temporary SQLite database, Prefect's
    settings pointing at it), but started as a night run starts its own: by the wall clock, for up to
    `start_seconds`, given up on as soon as its process dies, its output in `home/server.log`. Yields
    the API URL. Re-check against prefect.testing.utilities.prefect_test_harness on a Prefect upgrade."""
    import prefect.context
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.server.database.dependencies import temporary_database_interface
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_DATABASE_CONNECTION_URL, temporary_settings
    from prefect.testing.utilities import _find_available_port
    from prefect.utilities.asyncutils import run_coro_as_sync

    from flows.server import _QuietServer

    home.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stack.enter_context(temporary_database_interface())
        stack.enter_context(temporary_settings(
            {PREFECT_SERVER_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{home / 'prefect-test.db'}"}))
        server = _QuietServer(port=_find_available_port())
        server.log_path = home / "server.log"
        prior_default = SubprocessASGIServer._instances.get(None)
        # Prefect's own calls during a flow look for the None-keyed server: this one, not a second
        SubprocessASGIServer._instances[None] = server
        try:
            try:
                server.start(timeout=start_seconds)
            except Exception as exc:
                tail = server.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"the test Prefect server did not start: {exc}; its output: {tail}") from None
            stack.enter_context(temporary_settings({PREFECT_API_URL: server.api_url}))
            stack.enter_context(prefect.context._temporary_global_settings_context(
                prefect.context.get_settings_context()))
            yield server.api_url

            async def drain() -> None:  # logs and events first, while the server still answers
                try:
                    drained = APILogWorker.instance().drain()
                    if inspect.isawaitable(drained):
                        await drained
                except RuntimeError:
                    pass  # never started
                drained = EventsWorker.drain_all(timeout=HARNESS_DRAIN_SECONDS)
                if inspect.isawaitable(drained):
                    await drained

            run_coro_as_sync(drain())
        finally:
            server.stop()
            if prior_default is not None:
                SubprocessASGIServer._instances[None] = prior_default
            else:
                SubprocessASGIServer._instances.pop(None, None)


@pytest.fixture(scope="module")
def prefect_harness(tmp_path_factory):
    from prefect.settings import (PREFECT_HOME, PREFECT_LOCAL_STORAGE_PATH, PREFECT_SERVER_ANALYTICS_ENABLED,
                                  temporary_settings)

    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as patch:
        # module scope runs before conftest's per-test environment: telemetry off here too
        patch.setenv("DO_NOT_TRACK", "1")
        patch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        with temporary_settings({PREFECT_HOME: home, PREFECT_LOCAL_STORAGE_PATH: home / "storage",
                                 PREFECT_SERVER_ANALYTICS_ENABLED: False}):
            with busy_machine_harness(home / "server"):
                yield


class _Started:
    """A LocalServer started at once and closed by `with` or close()."""

    def __init__(self, handler) -> None:
        self.server = LocalServer(handler).start()

    @property
    def origin(self) -> str:
        return self.server.origin

    def close(self) -> None:
        self.server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FakeLLM(_Started):
    """`slots` requests are served at once, each after `delay` seconds; the rest wait their turn."""

    def __init__(self, slots: int = 4, delay: float = 0.0, fail_on: tuple[str, ...] = ()):
        self.slots = threading.BoundedSemaphore(slots)
        self.delay = delay
        self.fail_on = fail_on
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        super().__init__(self._handle)

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def _handle(self, request: Request) -> Reply:
        if request.method == "GET":
            return Reply(200, {"object": "list", "data": [{"id": "fake"}]})
        body = request.json() or {}
        prompt = json.dumps(body.get("messages", []), ensure_ascii=False)
        with self.lock:
            self.requests.append(body)
        with self.slots:
            time.sleep(self.delay)
        if any(marker in prompt for marker in self.fail_on):
            return Reply(500, {"error": {"message": "model crashed", "type": "server_error"}})
        return Reply(200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(ANSWER, ensure_ascii=False)}}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
        })


class PaperSite(_Started):
    """The recorded arXiv API (id look-ups) plus PDFs, on one local origin."""

    def __init__(self, shared_data: Path, pdfs: dict[str, Path]):
        self.api = shared_data / "arxiv-api"
        self.pdfs = pdfs
        self.requests: list[str] = []
        super().__init__(self._handle)

    def _handle(self, request: Request) -> Reply:
        self.requests.append(request.path + (f"?{_query(request)}" if request.query else ""))
        if request.path.startswith("/pdf/"):
            ident = re.sub(r"v\d+$", "", request.path[len("/pdf/"):].removesuffix(".pdf"))
            pdf = self.pdfs.get(ident)
            if pdf is None:
                return Reply(404, b"not found", content_type="text/plain")
            return Reply(200, pdf.read_bytes(), content_type="application/pdf")
        return Reply(200, self.feed(request.id_list), content_type=FEED)

    def feed(self, ids: list[str]) -> bytes:
        """An Atom feed of the recorded entries of these ids (one recorded file per id), PDF links pointing here."""
        entries = []
        for ident in ids:
            base = re.sub(r"v\d+$", "", ident)
            for path in sorted(self.api.glob(f"api2026_id_{base.replace('/', '_')}*_s0_m100_*.xml"))[:1]:
                entries += ET.fromstring(path.read_bytes()).findall(f"{{{ATOM}}}entry")
        return re.sub(rb"https?://arxiv\.org/pdf/", f"{self.origin}/pdf/".encode(), feed_of(entries))


def _query(request: Request) -> str:
    return "&".join(f"{k}={v}" for k, v in request.query.items())


def write_config(folder: Path, site: PaperSite, llm: FakeLLM | None = None, *, log: str = "log.md",
                 review: str = "enabled = false", arxiv_retries: int = 0) -> Path:
    """`folder/paperflow.toml` for a run against `site` (arXiv API and PDFs) and `llm` (None: no LLM, so
    drafts are extractive); output in `folder/out`."""
    config = folder / "paperflow.toml"
    llm_section = f"""[llm]
base_url = "{llm.base_url}"
model = "fake"
retries = 0
max_repairs = 0
max_concurrency = 2
""" if llm is not None else ""
    config.write_text(f"""
output_dir = "out"
timezone = "UTC"
[log]
path = "{log}"
[arxiv]
api_url = "{site.origin}/api/query"
pdf_hosts = ["{site.origin}"]
delay_seconds = 0
retries = {arxiv_retries}
{llm_section}[review]
{review}
""", encoding="utf-8")
    return config
