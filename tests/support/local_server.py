"""The one local HTTP server every fake in the tests is built on (arXiv API, PDFs, LLMs, GitHub).

A `LocalServer` listens on 127.0.0.1 on a free port, in a thread, and answers every request through a
handler function `Request -> Reply`; every request is recorded in `server.requests`. A reply may stall
before answering (a client timeout), drip its body a byte at a time (a download deadline), or leave out
its Content-Length (a size cap enforced while streaming).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def free_port() -> int:
    """A port nothing listens on right now (also: a port that refuses connections)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]  # the first value of each parameter
    headers: dict[str, str]  # names in lower case
    body: bytes = b""
    query_lists: dict[str, list[str]] = field(default_factory=dict)

    @property
    def id_list(self) -> list[str]:
        """The arXiv API's `id_list` parameter, split."""
        return [i for i in self.query.get("id_list", "").split(",") if i]

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return {"raw": self.body.decode(errors="replace")}


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list | None = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None  # default: application/json for dict/list bodies, else octet-stream
    stall_seconds: float = 0.0  # wait before answering (the client should time out first)
    drip_seconds: float = 0.0  # send the body one byte at a time, this far apart
    send_length: bool = True

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body, ensure_ascii=False).encode(), self.content_type or "application/json"
        data = self.body.encode() if isinstance(self.body, str) else (self.body or b"")
        return data, self.content_type or "application/octet-stream"


Handler = Callable[[Request], Reply]


class LocalServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with a random port, answering through `handler`."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                lists = parse_qs(parts.query, keep_blank_values=True)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, parts.path, {k: v[0] for k, v in lists.items()},
                                  {k.lower(): v for k, v in self.headers.items()},
                                  self.rfile.read(length) if length else b"", lists)
                with outer._lock:
                    outer.requests.append(request)
                reply = outer.handler(request)
                if reply.stall_seconds:
                    outer._stop.wait(reply.stall_seconds)
                data, content_type = reply.encoded()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", content_type)
                    if reply.send_length:
                        self.send_header("Content-Length", str(len(data)))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if reply.drip_seconds:
                        for i in range(len(data)):
                            if outer._stop.wait(reply.drip_seconds):
                                break
                            self.wfile.write(data[i : i + 1])
                            self.wfile.flush()
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a timeout, a refused body)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815 (http.server naming)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class Script:
    """A handler that plays replies in order, then repeats the last one."""

    def __init__(self, *replies: Reply | Handler):
        self.replies = list(replies)
        self.calls = 0

    def __call__(self, request: Request) -> Reply:
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        return reply(request) if callable(reply) else reply


class RecordingSleep:
    """Stands in for time.sleep in retry loops: records the waits asked for, sleeps not at all."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
