"""PDF downloads: allowed hosts only, streamed through a temp file, size cap, `%PDF` check, retries.

`pdf_hosts` entries are either host names (served over https only: `arxiv.org`) or full origins
(`http://127.0.0.1:8000`), which allow exactly that scheme, host and port. Redirects are followed by
hand, and one that leads to any other host is refused.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from paperflow.sources.arxiv_api import (
    PROCESS_RATE_LIMITER,
    RETRYABLE_STATUS,
    USER_AGENT,
    RateLimiter,
    Sleep,
    TransientHTTPError,
    describe_failure,
    is_transient,
    parse_retry_after,
    retrying,
)
from paperflow.errors import PaperflowError
from paperflow.sources.ids import parse_arxiv_id
from paperflow.ledger import Ledger, PaperState
from paperflow.models import Paper
from paperflow.settings import Settings

PDF_MAGIC = b"%PDF-"
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
STAGE = "download"


class DownloadError(PaperflowError):
    """A PDF could not be downloaded; the message says why in one line."""


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
        raise DownloadError("not an arXiv paper", paper=paper.title, stage=STAGE)
    arxiv_id = parse_arxiv_id(paper.arxiv_id).with_version(paper.version)
    return settings.output_dir / "pdfs" / f"{arxiv_id.file_stem()}.pdf"


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
    ledger: Ledger | None = None,
    *,
    session: requests.Session | None = None,
    sleep: Sleep = time.sleep,
    rate_limiter: RateLimiter = PROCESS_RATE_LIMITER,
) -> Path:
    """Download the paper's PDF to `output/pdfs/<id>v<version>.pdf` and return the path.

    A valid file already there is returned without a request. Transient failures (429/5xx, timeouts,
    dropped connections) are retried with backoff; the rest fail at once. On failure the ledger (if
    given) records stage "download" and the cause, and DownloadError is raised; on success the ledger
    row moves to DOWNLOADED with its pdf_path.
    """
    label = paper.versioned_id or paper.title
    try:
        dest = pdf_path_for(paper, settings)
        if not is_valid_pdf(dest, settings.arxiv.max_pdf_bytes):
            url = paper.pdf_url or f"https://arxiv.org/pdf/{paper.versioned_id}"
            _download_with_retries(url, dest, settings, session or requests.Session(), sleep, rate_limiter, label)
    except PaperflowError as exc:
        error = exc if isinstance(exc, DownloadError) else DownloadError(exc.message, paper=label, stage=STAGE)
        if ledger is not None and paper.arxiv_id:
            ledger.record_failure(paper.key, STAGE, error.message)
        raise error from None
    if ledger is not None:
        ledger.set_state(paper.key, PaperState.DOWNLOADED, pdf_path=dest, version=paper.version)
    return dest


def _download_with_retries(
    url: str, dest: Path, settings: Settings, session: requests.Session, sleep: Sleep,
    rate_limiter: RateLimiter, label: str,
) -> None:
    session.headers["User-Agent"] = USER_AGENT
    cfg = settings.arxiv
    try:
        for attempt in retrying(cfg.retries, sleep):
            with attempt:
                rate_limiter.wait_turn(cfg.delay_seconds, sleep)
                _download_once(url, dest, settings, session, label)
    except DownloadError:
        raise
    except Exception as exc:
        if not is_transient(exc):
            raise
        tries = cfg.retries + 1
        raise DownloadError(
            f"{describe_failure(exc, cfg.timeout_seconds)} after {tries} attempt{'s' if tries > 1 else ''}",
            paper=label, stage=STAGE,
        ) from None


def _download_once(url: str, dest: Path, settings: Settings, session: requests.Session, label: str) -> None:
    cfg = settings.arxiv
    for _ in range(MAX_REDIRECTS + 1):
        if not host_allowed(url, cfg.pdf_hosts):
            raise DownloadError(f"host of {_safe_url(url)} is not in arxiv.pdf_hosts", paper=label, stage=STAGE)
        resp = session.get(url, stream=True, timeout=cfg.timeout_seconds, allow_redirects=False)
        with resp:
            if resp.is_redirect:
                target = urljoin(url, resp.headers.get("Location", ""))
                if not host_allowed(target, cfg.pdf_hosts):
                    raise DownloadError(
                        f"redirect to {_safe_url(target)} refused (not in arxiv.pdf_hosts)", paper=label, stage=STAGE
                    )
                url = target
                continue
            if resp.status_code in RETRYABLE_STATUS:
                raise TransientHTTPError(url, resp.status_code, parse_retry_after(resp.headers.get("Retry-After")))
            if resp.status_code != 200:
                raise DownloadError(f"HTTP {resp.status_code} from {_safe_url(url)}", paper=label, stage=STAGE)
            _stream_to(resp, dest, cfg.max_pdf_bytes, label)
            return
    raise DownloadError(f"more than {MAX_REDIRECTS} redirects", paper=label, stage=STAGE)


def _stream_to(resp: requests.Response, dest: Path, max_bytes: int, label: str) -> None:
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(f"PDF is {int(declared)} bytes, more than arxiv.max_pdf_bytes ({max_bytes})",
                            paper=label, stage=STAGE)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        size = 0
        with os.fdopen(fd, "wb") as fh:
            for chunk in resp.iter_content(CHUNK_BYTES):
                if size == 0 and chunk and not chunk.startswith(PDF_MAGIC[: len(chunk)]):
                    kind = resp.headers.get("Content-Type", "unknown type").split(";")[0]
                    raise DownloadError(f"not a PDF (the server sent {kind})", paper=label, stage=STAGE)
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"PDF larger than arxiv.max_pdf_bytes ({max_bytes})", paper=label, stage=STAGE)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if size < len(PDF_MAGIC):
            raise DownloadError("not a PDF (empty or too short)", paper=label, stage=STAGE)
        os.replace(tmp, dest)  # the final name only ever holds a complete file
    finally:
        tmp.unlink(missing_ok=True)


def _safe_url(url: str) -> str:
    # Only scheme, host and path: a query string could carry a token.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"[:200]
