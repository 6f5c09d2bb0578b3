"""Local servers for the flow tests and benchmarks/overhead.py, all on 127.0.0.1.

- `FakeLLM`: an OpenAI-compatible chat endpoint with N slots that takes `delay` seconds per request
  (a latency-bound local model server) and answers with a valid summary, or HTTP 500 for a request
  whose prompt contains one of `fail_on`.
- `PaperSite`: the arXiv API replayed from the recorded responses, with every PDF link pointing at
  this server, and real PDFs served from ../shared/data (`pdfs` maps an arXiv id to a file).
"""

from __future__ import annotations

import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"

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


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server:
    handler: type[BaseHTTPRequestHandler]

    def _start(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FakeLLM(_Server):
    """`slots` requests are served at once, each after `delay` seconds; the rest wait their turn."""

    def __init__(self, slots: int = 4, delay: float = 0.0, fail_on: tuple[str, ...] = ()):
        self.slots = threading.BoundedSemaphore(slots)
        self.delay = delay
        self.fail_on = fail_on
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                self._send(200, json.dumps({"object": "list", "data": [{"id": "fake"}]}).encode(), "application/json")

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                prompt = json.dumps(body.get("messages", []), ensure_ascii=False)
                with outer.lock:
                    outer.requests.append(body)
                with outer.slots:
                    time.sleep(outer.delay)
                if any(marker in prompt for marker in outer.fail_on):
                    error = {"error": {"message": "model crashed", "type": "server_error"}}
                    self._send(500, json.dumps(error).encode(), "application/json")
                    return
                answer = {
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": json.dumps(ANSWER, ensure_ascii=False)}}],
                    "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
                }
                self._send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

        self._start(Handler)

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"


class PaperSite(_Server):
    """The recorded arXiv API (id look-ups) plus PDFs, on one local origin."""

    def __init__(self, shared_data: Path, pdfs: dict[str, Path]):
        self.api = shared_data / "arxiv-api"
        self.pdfs = pdfs
        self.requests: list[str] = []
        outer = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                outer.requests.append(self.path)
                if parts.path.startswith("/pdf/"):
                    ident = re.sub(r"v\d+$", "", parts.path[len("/pdf/"):].removesuffix(".pdf"))
                    pdf = outer.pdfs.get(ident)
                    if pdf is None:
                        self._send(404, b"not found", "text/plain")
                    else:
                        self._send(200, pdf.read_bytes(), "application/pdf")
                    return
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                ids = [i for i in query.get("id_list", "").split(",") if i]
                body = outer.feed(ids)
                self._send(200, body, "application/atom+xml; charset=utf-8")

        self._start(Handler)

    def feed(self, ids: list[str]) -> bytes:
        """An Atom feed of the recorded entries of these ids (one recorded file per id), PDF links pointing here."""
        entries = []
        for ident in ids:
            base = re.sub(r"v\d+$", "", ident)
            for path in sorted(self.api.glob(f"api2026_id_{base.replace('/', '_')}*_s0_m100_*.xml"))[:1]:
                entries += ET.fromstring(path.read_bytes()).findall(f"{{{ATOM}}}entry")
        ET.register_namespace("", ATOM)
        ET.register_namespace("opensearch", OPENSEARCH)
        ET.register_namespace("arxiv", "http://arxiv.org/schemas/atom")
        root = ET.Element(f"{{{ATOM}}}feed")
        ET.SubElement(root, f"{{{ATOM}}}title").text = "arXiv Query"
        ET.SubElement(root, f"{{{OPENSEARCH}}}totalResults").text = str(len(entries))
        ET.SubElement(root, f"{{{OPENSEARCH}}}startIndex").text = "0"
        ET.SubElement(root, f"{{{OPENSEARCH}}}itemsPerPage").text = str(len(entries))
        root.extend(entries)
        text = ET.tostring(root, xml_declaration=True, encoding="utf-8").decode()
        return re.sub(r"https?://arxiv\.org/pdf/", f"{self.origin}/pdf/", text).encode()
