"""PDF downloads of real PDFs from a local server, and every fault the issue lists."""

from __future__ import annotations

import re

import pytest

from tests.support.arxiv import pdf_server_handler
from tests.support.local_server import LocalServer, RecordingSleep, Reply, Script
from paperflow.http import RateLimiter
from paperflow.sources.download import (
    DownloadError, download_deadline, download_pdf, host_allowed, is_valid_pdf, pdf_path_for,
)
from paperflow.models import Paper
from paperflow.settings import Settings

BERT = "arxiv_1810.04805v2_bert.pdf"


def _settings(tmp_path, server, **arxiv) -> Settings:
    values = dict(pdf_hosts=[server.origin], delay_seconds=0, timeout_seconds=5, retries=2)
    values.update(arxiv)
    return Settings(output_dir=tmp_path / "out", arxiv=values)


def _paper(server, path="/pdf/1810.04805v2", arxiv_id="1810.04805", version=2) -> Paper:
    return Paper(arxiv_id=arxiv_id, version=version, title="BERT", pdf_url=server.url(path))


def _download(paper, settings, sleep=None):
    return download_pdf(paper, settings, sleep=sleep or RecordingSleep(), rate_limiter=RateLimiter())


def test_real_pdf_is_downloaded_once(tmp_path, shared_data):
    with LocalServer(pdf_server_handler(shared_data / "pdf")) as server:
        settings = _settings(tmp_path, server)
        paper = _paper(server)
        path = _download(paper, settings)
        assert path == tmp_path / "out" / "pdfs" / "1810.04805v2.pdf"
        assert path.read_bytes() == (shared_data / "pdf" / BERT).read_bytes()
        assert _download(paper, settings) == path  # valid file there: no second request
        assert len(server.requests) == 1
    assert list(path.parent.iterdir()) == [path]  # no temp file left behind


def test_broken_existing_file_is_replaced(tmp_path, shared_data):
    with LocalServer(pdf_server_handler(shared_data / "pdf")) as server:
        settings = _settings(tmp_path, server)
        dest = pdf_path_for(_paper(server), settings)
        dest.parent.mkdir(parents=True)
        dest.write_bytes(b"%PDF-1.5 truncated")
        assert not is_valid_pdf(dest, 10**9)
        _download(_paper(server), settings)
        assert is_valid_pdf(dest, 10**9) and len(server.requests) == 1


def test_old_style_id_gets_a_safe_file_name(tmp_path, shared_data):
    pdf = (shared_data / "pdf" / BERT).read_bytes()
    with LocalServer(Script(Reply(200, pdf, content_type="application/pdf"))) as server:
        settings = _settings(tmp_path, server)
        paper = Paper(arxiv_id="hep-th/9901001", version=1, title="t", pdf_url=server.url("/pdf/hep-th/9901001v1"))
        assert _download(paper, settings) == tmp_path / "out" / "pdfs" / "hep-th_9901001v1.pdf"


def test_503_then_200_retries(tmp_path, shared_data):
    pdf = (shared_data / "pdf" / BERT).read_bytes()
    with LocalServer(Script(Reply(503, b"busy"), Reply(200, pdf, content_type="application/pdf"))) as server:
        sleep = RecordingSleep()
        path = _download(_paper(server), _settings(tmp_path, server), sleep=sleep)
    assert path.read_bytes() == pdf and len(sleep.waits) == 1


def test_429_retry_after_honoured(tmp_path, shared_data):
    pdf = (shared_data / "pdf" / BERT).read_bytes()
    script = Script(Reply(429, b"", headers={"Retry-After": "11"}), Reply(200, pdf, content_type="application/pdf"))
    with LocalServer(script) as server:
        sleep = RecordingSleep()
        _download(_paper(server), _settings(tmp_path, server), sleep=sleep)
    assert sleep.waits == [11.0]


def _fails(tmp_path, server, match, **arxiv) -> DownloadError:
    settings = _settings(tmp_path, server, **arxiv)
    with pytest.raises(DownloadError, match=match) as info:
        _download(_paper(server), settings)
    assert str(info.value).startswith("1810.04805v2: download: ") and "\n" not in str(info.value)
    assert not list((tmp_path / "out").rglob("*.pdf*"))  # neither a partial PDF nor a temp file
    return info.value


def test_persistent_503_fails_with_the_cause_and_may_be_tried_later(tmp_path):
    with LocalServer(Script(Reply(503, b"busy"))) as server:
        error = _fails(tmp_path, server, "HTTP 503 after 3 attempts")
        assert len(server.requests) == 3
    assert error.message == "HTTP 503 after 3 attempts" and error.transient


def test_a_404_is_final_at_once(tmp_path):
    with LocalServer(Script(Reply(404, b"<html>no such paper</html>", content_type="text/html"))) as server:
        error = _fails(tmp_path, server, r"HTTP 404 from http://127.0.0.1:\d+/pdf/1810.04805v2")
        assert len(server.requests) == 1
    assert not error.transient


def test_a_refused_connection_marks_the_host_unreachable_for_the_run(tmp_path):
    from paperflow.http import RunHosts

    with LocalServer(Script(Reply(200, b"%PDF-"))) as server:
        origin = server.origin
    hosts = RunHosts()  # the server is gone: its port refuses connections
    settings = Settings(output_dir=tmp_path / "out", arxiv=dict(pdf_hosts=[origin], delay_seconds=0, retries=3))
    papers = [Paper(arxiv_id=f"1810.0480{i}", version=1, title="t", pdf_url=f"{origin}/pdf/{i}") for i in range(3)]
    errors = []
    for paper in papers:
        with pytest.raises(DownloadError) as info:
            download_pdf(paper, settings, sleep=RecordingSleep(), rate_limiter=RateLimiter(), hosts=hosts)
        errors.append(info.value)
    host = origin.removeprefix("http://")
    assert errors[0].message == f"{host} unreachable (connection refused)"
    assert [e.message for e in errors[1:]] == [f"{host} unreachable (connection refused); not tried again this run"] * 2
    assert not any(e.transient for e in errors)
    assert hosts.skipped(host) == 2


def test_a_dripping_server_hits_the_whole_download_deadline(tmp_path):
    # One byte every 0.2 s never trips the per-read timeout (1 s). The deadline: 1 s plus the size at
    # 100 kB/s, the size being the Content-Length (400 bytes: 1.004 s) or else the cap (200,000 bytes: 3 s).
    import time

    body = b"%PDF-1.4 " + b"x" * 391
    for send_length, expected, limit in ((True, "took longer than 1 s (arxiv.timeout_seconds and 400 bytes", 1.004),
                                         (False, "took longer than 3 s (arxiv.timeout_seconds and 200000 bytes", 3.0)):
        with LocalServer(Script(Reply(200, body, content_type="application/pdf", drip_seconds=0.2,
                                      send_length=send_length))) as server:
            settings = _settings(tmp_path, server, timeout_seconds=1, max_pdf_bytes=200_000)
            assert download_deadline(settings, 400 if send_length else None) == limit
            started = time.monotonic()
            error = _fails(tmp_path, server, re.escape(expected), timeout_seconds=1, max_pdf_bytes=200_000)
            took = time.monotonic() - started
            assert len(server.requests) == 1
        assert limit <= took < limit + 3 and not error.transient
def test_stall_past_timeout(tmp_path):
    with LocalServer(Script(Reply(stall_seconds=30))) as server:
        _fails(tmp_path, server, r"no answer within 0.3 s after 2 attempts", timeout_seconds=0.3, retries=1)
        assert len(server.requests) == 2


def test_html_instead_of_pdf_is_not_retried(tmp_path):
    with LocalServer(Script(Reply(200, b"<html>captcha</html>", content_type="text/html"))) as server:
        _fails(tmp_path, server, r"not a PDF \(the server sent text/html\)")
        assert len(server.requests) == 1


def test_oversize_declared_and_streamed(tmp_path, shared_data):
    pdf = (shared_data / "pdf" / BERT).read_bytes()
    with LocalServer(Script(Reply(200, pdf, content_type="application/pdf"))) as server:
        _fails(tmp_path / "a", server, "more than arxiv.max_pdf_bytes", max_pdf_bytes=100_000)
    # no Content-Length: the cap is enforced while streaming
    with LocalServer(Script(Reply(200, pdf, content_type="application/pdf", send_length=False))) as server:
        _fails(tmp_path / "b", server, r"PDF larger than arxiv.max_pdf_bytes \(100000\)", max_pdf_bytes=100_000)


def test_redirect_to_another_host_is_refused(tmp_path, shared_data):
    with LocalServer(pdf_server_handler(shared_data / "pdf")) as other:
        target = other.url("/pdf/1810.04805v2")
        with LocalServer(Script(Reply(302, b"", headers={"Location": target}))) as server:
            _fails(tmp_path, server, r"redirect to http://127.0.0.1:\d+/pdf/1810.04805v2 refused")
        assert other.requests == []


def test_redirect_within_the_allowed_origin_is_followed(tmp_path, shared_data):
    pdf_handler = pdf_server_handler(shared_data / "pdf")

    def handle(request):
        if request.path == "/abs-redirect":
            return Reply(301, b"", headers={"Location": "/pdf/1810.04805v2"})
        return pdf_handler(request)

    with LocalServer(handle) as server:
        path = _download(_paper(server, path="/abs-redirect"), _settings(tmp_path, server))
    assert is_valid_pdf(path, 10**9)


def test_host_not_allowed_makes_no_request(tmp_path):
    with LocalServer(Script(Reply(200, b"%PDF-"))) as server:
        _fails(tmp_path, server, "is not in arxiv.pdf_hosts", pdf_hosts=["arxiv.org"])
        assert server.requests == []


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://arxiv.org/pdf/1", True),
        ("https://ARXIV.org:443/pdf/1", True),
        ("http://arxiv.org/pdf/1", False),  # a bare host name means https only
        ("https://arxiv.org:8443/pdf/1", False),
        ("https://arxiv.org.evil.example/pdf/1", False),
        ("https://user@evil.example/pdf/1", False),
        ("http://127.0.0.1:8000/pdf/1", True),
        ("http://127.0.0.1:8001/pdf/1", False),
        ("https://127.0.0.1:8000/pdf/1", False),
        ("file:///etc/passwd", False),
        ("https://arxiv.org:notaport/x", False),
    ],
)
def test_host_allowed(url, allowed):
    assert host_allowed(url, ["arxiv.org", "http://127.0.0.1:8000"]) is allowed
