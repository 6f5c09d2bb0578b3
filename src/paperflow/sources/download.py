"""PDF downloads: allowed hosts only, streamed through a temp file, size cap, deadline, `%PDF` check, retries.

`pdf_hosts` entries are either host names (served over https only: `arxiv.org`) or full origins
(`http://127.0.0.1:8000`), which allow exactly that scheme, host and port. Redirects are followed by
hand, and one that leads to any other host is refused. Requests go through paperflow.http: arXiv's
rate limit, retries of transient failures (429/5xx, timeouts), a host that cannot be connected to is
not tried again this run. A refusal (404, not a PDF, too big) is final: no retry.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from paperflow.errors import PaperflowError
from paperflow.http import (
    ARXIV_RATE_LIMITER,
    RETRYABLE_STATUS,
    RUN_HOSTS,
    USER_AGENT,
    RateLimiter,
    RunHosts,
    Sleep,
    TransientHTTPError,
    parse_retry_after,
)
from paperflow.layout import OutputLayout
from paperflow.models import Paper
from paperflow.settings import Settings
from paperflow.sources.arxiv_api import RetriesExhausted, request_arxiv
from paperflow.sources.ids import parse_arxiv_id

PDF_MAGIC = b"%PDF-"
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
STAGE = "download"
# The slowest transfer still taken (about 0.8 Mbit/s): with the size it bounds a whole download, since a
# server sending a byte now and then never trips the per-read timeout.
MIN_BYTES_PER_SECOND = 100_000


class DownloadError(PaperflowError):
    """A PDF could not be downloaded; the message says why in one line.

    `transient`: it ended after failures that may pass (429/5xx, timeouts), so trying again later
    tonight may help; a refusal (404, not a PDF, too big, host not allowed, host unreachable) is final."""

    def __init__(self, message: str, *, paper: str | None = None, transient: bool = False):
        self.transient = transient
        super().__init__(message, paper=paper, stage=STAGE)


def download_deadline(settings: Settings, declared_bytes: int | None = None) -> float:
    """Seconds a whole download may take: one timeout, then the size at MIN_BYTES_PER_SECOND; the size is the
    server's Content-Length when it sent one (at most the size cap), else arxiv.max_pdf_bytes."""
    cap = settings.arxiv.max_pdf_bytes
    size = min(declared_bytes, cap) if declared_bytes is not None else cap
    return settings.arxiv.timeout_seconds + size / MIN_BYTES_PER_SECOND


def _origin(scheme: str, host: str, port: int | None) -> tuple[str, str, int]:
    default = 443 if scheme == "https" else 80
    return scheme, host.lower(), port or default


def host_allowed(url: str, pdf_hosts: list[str]) -> bool:
    """Whether `url` may be fetched: an https URL of a listed host name, or a listed full origin."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return False
    try:
        target = _origin(scheme, parts.hostname, parts.port)
    except ValueError:  # a port that is not a number
        return False
    for entry in pdf_hosts:
        entry = entry.strip()
        if "://" in entry:
            allowed = urlsplit(entry)
            if allowed.hostname and _origin(allowed.scheme.lower(), allowed.hostname, allowed.port) == target:
                return True
        elif scheme == "https" and target[1] == entry.lower() and target[2] == 443:
            return True
    return False


def pdf_path_for(paper: Paper, settings: Settings) -> Path:
    """`output/pdfs/<id>v<version>.pdf` (old-style ids with `_` for `/`)."""
    if not paper.arxiv_id:
        raise DownloadError("not an arXiv paper", paper=paper.title)
    arxiv_id = parse_arxiv_id(paper.arxiv_id).with_version(paper.version)
    return OutputLayout.of(settings).pdfs / f"{arxiv_id.file_stem()}.pdf"


def is_valid_pdf(path: Path, max_bytes: int) -> bool:
    """A file already there counts when it starts with %PDF-, has an %%EOF near its end and is not oversize."""
    try:
        size = path.stat().st_size
        if not 0 < size <= max_bytes:
            return False
        with path.open("rb") as fh:
            if fh.read(len(PDF_MAGIC)) != PDF_MAGIC:
                return False
            fh.seek(max(0, size - 2048))
            return b"%%EOF" in fh.read()
    except OSError:
        return False


def download_pdf(
    paper: Paper,
    settings: Settings,
    *,
    session: requests.Session | None = None,
    sleep: Sleep = time.sleep,
    rate_limiter: RateLimiter = ARXIV_RATE_LIMITER,
    hosts: RunHosts = RUN_HOSTS,
) -> Path:
    """Download the paper's PDF to `output/pdfs/<id>v<version>.pdf` and return the path.

    A valid file already there is returned without a request. Raises DownloadError (one line,
    stage "download"; `transient` when trying later may help). The ledger is the caller's.
    """
    label = paper.versioned_id or paper.title
    try:
        dest = pdf_path_for(paper, settings)
        if not is_valid_pdf(dest, settings.arxiv.max_pdf_bytes):
            url = paper.pdf_url or f"https://arxiv.org/pdf/{paper.versioned_id}"
            _download_with_retries(url, dest, settings, session or requests.Session(), sleep, rate_limiter, hosts,
                                   label)
    except DownloadError as exc:
        raise DownloadError(exc.message, paper=label, transient=exc.transient) from None
    except PaperflowError as exc:
        raise DownloadError(exc.message, paper=label) from None
    return dest


def _download_with_retries(
    url: str, dest: Path, settings: Settings, session: requests.Session, sleep: Sleep,
    rate_limiter: RateLimiter, hosts: RunHosts, label: str,
) -> None:
    session.headers["User-Agent"] = USER_AGENT
    try:
        request_arxiv(url, lambda: _download_once(url, dest, settings, session, hosts, label), settings.arxiv,
                      sleep=sleep, rate_limiter=rate_limiter, hosts=hosts)
    except RetriesExhausted as exc:
        raise DownloadError(exc.message, paper=label, transient=True) from None


def _download_once(url: str, dest: Path, settings: Settings, session: requests.Session, hosts: RunHosts,
                   label: str) -> None:
    cfg = settings.arxiv
    started = time.monotonic()
    for _ in range(MAX_REDIRECTS + 1):
        if not host_allowed(url, cfg.pdf_hosts):
            raise DownloadError(f"host of {_safe_url(url)} is not in arxiv.pdf_hosts", paper=label)
        hosts.check(url)
        resp = session.get(url, stream=True, timeout=cfg.timeout_seconds, allow_redirects=False)
        with resp:
            if resp.is_redirect:
                target = urljoin(url, resp.headers.get("Location", ""))
                if not host_allowed(target, cfg.pdf_hosts):
                    raise DownloadError(f"redirect to {_safe_url(target)} refused (not in arxiv.pdf_hosts)", paper=label)
                url = target
                continue
            if resp.status_code in RETRYABLE_STATUS:
                raise TransientHTTPError(url, resp.status_code, parse_retry_after(resp.headers.get("Retry-After")))
            if resp.status_code != 200:
                raise DownloadError(f"HTTP {resp.status_code} from {_safe_url(url)}", paper=label)
            _stream_to(resp, dest, settings, started, label)
            return
    raise DownloadError(f"more than {MAX_REDIRECTS} redirects", paper=label)


def _stream_to(resp: requests.Response, dest: Path, settings: Settings, started: float, label: str) -> None:
    max_bytes = settings.arxiv.max_pdf_bytes
    header = resp.headers.get("Content-Length")
    declared = int(header) if header and header.isdigit() else None
    if declared is not None and declared > max_bytes:
        raise DownloadError(f"PDF is {declared} bytes, more than arxiv.max_pdf_bytes ({max_bytes})", paper=label)
    allowed = download_deadline(settings, declared)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        size = 0
        with os.fdopen(fd, "wb") as fh:
            # read1 returns what has arrived (up to a chunk), so the deadline is checked even when a
            # server drips a byte at a time; each read still has the per-request timeout.
            while chunk := resp.raw.read1(CHUNK_BYTES, decode_content=True):
                if size == 0 and not chunk.startswith(PDF_MAGIC[: len(chunk)]):
                    kind = resp.headers.get("Content-Type", "unknown type").split(";")[0]
                    raise DownloadError(f"not a PDF (the server sent {kind})", paper=label)
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"PDF larger than arxiv.max_pdf_bytes ({max_bytes})", paper=label)
                if time.monotonic() - started > allowed:
                    raise DownloadError(
                        f"took longer than {allowed:.0f} s (arxiv.timeout_seconds and {declared or max_bytes} bytes "
                        f"at {MIN_BYTES_PER_SECOND // 1000} kB/s) after {size} bytes", paper=label)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if size < len(PDF_MAGIC):
            raise DownloadError("not a PDF (empty or too short)", paper=label)
        os.replace(tmp, dest)  # the final name only ever holds a complete file
    finally:
        tmp.unlink(missing_ok=True)


def _safe_url(url: str) -> str:
    # Only scheme, host and path: a query string could carry a token.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"[:200]
