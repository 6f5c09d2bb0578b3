"""PDF downloads of real PDFs from a local server, and every fault the issue lists."""

from __future__ import annotations

import pytest

from arxiv_fixtures import LocalServer, RecordingSleep, Reply, Script, pdf_server_handler
from paperflow.sources.arxiv_api import RateLimiter
from paperflow.sources.download import DownloadError, download_pdf, host_allowed, is_valid_pdf, pdf_path_for
from paperflow.ledger import Ledger, PaperState
from paperflow.models import Paper
from paperflow.settings import Settings

BERT = "arxiv_1810.04805v2_bert.pdf"


def _settings(tmp_path, server, **arxiv) -> Settings:
    values = dict(pdf_hosts=[server.origin], delay_seconds=0, timeout_seconds=5, retries=2)
    values.update(arxiv)
    return Settings(output_dir=tmp_path / "out", arxiv=values)


def _paper(server, path="/pdf/1810.04805v2", arxiv_id="1810.04805", version=2) -> Paper:
    return Paper(arxiv_id=arxiv_id, version=version, title="BERT", pdf_url=server.url(path))


def _download(paper, settings, ledger=None, sleep=None):
    return download_pdf(paper, settings, ledger, sleep=sleep or RecordingSleep(), rate_limiter=RateLimiter())


def test_real_pdf_is_downloaded_once(tmp_path, shared_data):
    with LocalServer(pdf_server_handler(shared_data / "pdf")) as server:
        settings = _settings(tmp_path, server)
        ledger = Ledger.open(settings)
        paper = _paper(server)
        ledger.record_found(paper)
        path = _download(paper, settings, ledger)
        assert path == tmp_path / "out" / "pdfs" / "1810.04805v2.pdf"
        assert path.read_bytes() == (shared_data / "pdf" / BERT).read_bytes()
        assert _download(paper, settings, ledger) == path  # valid file there: no second request
        assert len(server.requests) == 1
    row = ledger.get("1810.04805")
    assert row.state == PaperState.DOWNLOADED and row.pdf_path == str(path)
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


def _fails(tmp_path, server, match, **arxiv):
    settings = _settings(tmp_path, server, **arxiv)
    ledger = Ledger.open(settings)
    paper = _paper(server)
    ledger.record_found(paper)
    with pytest.raises(DownloadError, match=match) as info:
        _download(paper, settings, ledger)
    assert str(info.value).startswith("1810.04805v2: download: ") and "\n" not in str(info.value)
    row = ledger.get("1810.04805")
    assert row.state == PaperState.FAILED and row.last_stage == "download" and row.attempts == 1
    assert row.last_error == info.value.message
    assert not list((tmp_path / "out").rglob("*.pdf*"))  # neither a partial PDF nor a temp file
    return row


def test_persistent_503_fails_with_the_cause_in_the_ledger(tmp_path):
    with LocalServer(Script(Reply(503, b"busy"))) as server:
        row = _fails(tmp_path, server, "HTTP 503 after 3 attempts")
        assert len(server.requests) == 3
    assert row.last_error == "HTTP 503 after 3 attempts"


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
