"""The arXiv API, through the `arxiv` library, with the timeouts, backoff and rate limit it lacks.

`arxiv.Client` sends requests without a timeout and retries at once. `ArxivClient` keeps the library's
paging and Atom parsing but fetches each page itself: one process-wide pause of `delay_seconds` between
any two requests (threads included), a timeout on every request, and tenacity retries with exponential
backoff that honour `Retry-After` on 429 and 503. Failures end in `ArxivApiError`, one line.
"""

from __future__ import annotations

import email.utils
import threading
import xml.etree.ElementTree as ET
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime

import arxiv
import requests
from arxiv import _feed
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from paperflow.errors import PaperflowError
from paperflow.sources.ids import ArxivId, InvalidIdError, parse_arxiv_id
from paperflow.models import Paper, SourceKind
from paperflow.settings import ArxivSettings

USER_AGENT = "paperflow (https://github.com/paperflow; arxiv.py 4.0.2)"
MAX_RETRY_AFTER_SECONDS = 300.0  # a server asking for longer is treated as a failure of this night
BACKOFF_INITIAL_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

_ATOM = "http://www.w3.org/2005/Atom"
Sleep = Callable[[float], None]


class ArxivApiError(PaperflowError):
    """The arXiv API could not answer (refused the request, kept failing, or timed out)."""


class TransientHTTPError(Exception):
    """A status worth retrying (429, 5xx), with the server's Retry-After in seconds when it sent one."""

    def __init__(self, url: str, status: int, retry_after: float | None):
        self.url = url
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"HTTP {status}")


# ------------------------------------------------------------------------------ rate limit, retries


class RateLimiter:
    """At least `delay` seconds between the starts of two requests, across all threads that share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: float | None = None

    def wait_turn(self, delay: float, sleep: Sleep = time.sleep) -> None:
        # The lock is held while sleeping on purpose: waiting threads queue up behind it.
        with self._lock:
            if self._last is not None and delay > 0:
                remaining = self._last + delay - time.monotonic()
                if remaining > 0:
                    sleep(remaining)
            self._last = time.monotonic()

    def reset(self) -> None:
        with self._lock:
            self._last = None


# One per process: arXiv's terms count every request a machine makes, wherever it comes from.
PROCESS_RATE_LIMITER = RateLimiter()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_transient(exc: BaseException) -> bool:
    """Whether a failed request is worth another try: 429/5xx, a timeout, a dropped connection."""
    return isinstance(
        exc,
        (TransientHTTPError, requests.ConnectionError, requests.Timeout, arxiv.UnexpectedEmptyPageError),
    )


def _wait_strategy() -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(initial=BACKOFF_INITIAL_SECONDS, max=BACKOFF_MAX_SECONDS, jitter=1.0)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientHTTPError) and exc.retry_after is not None:
            return min(exc.retry_after, MAX_RETRY_AFTER_SECONDS)
        return backoff(state)

    return wait


def retrying(retries: int, sleep: Sleep = time.sleep, retry_on: Callable[[BaseException], bool] = is_transient) -> Retrying:
    """A tenacity loop: `retries` more tries after the first, exponential backoff or Retry-After between."""
    return Retrying(
        stop=stop_after_attempt(retries + 1),
        wait=_wait_strategy(),
        retry=retry_if_exception(retry_on),
        sleep=sleep,
        reraise=True,
    )


def describe_failure(exc: BaseException, timeout: float) -> str:
    """A short cause for a failed request: never a traceback, never a header."""
    if isinstance(exc, TransientHTTPError):
        return f"HTTP {exc.status}"
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    if isinstance(exc, arxiv.UnexpectedEmptyPageError):
        return "unexpected empty page"
    return type(exc).__name__


# ---------------------------------------------------------------------------------------- client


class ArxivClient(arxiv.Client):
    """`arxiv.Client` with a timeout on every request, shared rate limit, tenacity backoff.

    `requests_made` counts HTTP requests (retries included). Raises ArxivApiError from `results()`,
    `fetch_ids()` and `search()` when the API refuses a request or keeps failing.
    """

    def __init__(
        self,
        settings: ArxivSettings,
        *,
        page_size: int = 100,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        rate_limiter: RateLimiter = PROCESS_RATE_LIMITER,
    ):
        # num_retries=0: the library's own instant retries are replaced by ours.
        super().__init__(page_size=page_size, delay_seconds=settings.delay_seconds, num_retries=0)
        self.settings = settings
        self.query_url_format = settings.api_url + "?{}"
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._sleep = sleep
        self._rate_limiter = rate_limiter
        self.requests_made = 0

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> arxiv.ParsedFeed:
        try:
            for attempt in retrying(self.settings.retries, self._sleep):
                with attempt:
                    return self._fetch_page(url, first_page)
        except ArxivApiError:
            raise
        except Exception as exc:
            if not is_transient(exc):
                raise
            tries = self.settings.retries + 1
            raise ArxivApiError(
                f"{describe_failure(exc, self.settings.timeout_seconds)} after {tries} "
                f"attempt{'s' if tries > 1 else ''}",
                stage="arxiv",
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch_page(self, url: str, first_page: bool) -> arxiv.ParsedFeed:
        self._rate_limiter.wait_turn(self.settings.delay_seconds, self._sleep)
        self.requests_made += 1
        resp = self._session.get(url, timeout=self.settings.timeout_seconds)
        if resp.status_code in RETRYABLE_STATUS:
            raise TransientHTTPError(url, resp.status_code, parse_retry_after(resp.headers.get("Retry-After")))
        api_error = _api_error(resp.content)
        if resp.status_code != 200 or api_error:
            cause = f"{api_error} (HTTP {resp.status_code})" if api_error else f"HTTP {resp.status_code}"
            raise ArxivApiError(f"the API refused the request: {cause}", stage="arxiv")
        feed = _feed.parse(resp.content)
        if feed.malformed or not _is_atom_feed(resp.content):
            raise ArxivApiError("the API answered something that is not an Atom feed", stage="arxiv")
        if not feed.results and not first_page:
            raise arxiv.UnexpectedEmptyPageError(url, 0, feed)
        return feed

    def _format_url(self, search: arxiv.Search, start: int, page_size: int) -> str:
        # The library asks for a full page even when fewer results are wanted (a title search wants 5).
        if search.max_results:
            page_size = min(page_size, search.max_results)
        return super()._format_url(search, start, page_size)

    # -- what the sources call --------------------------------------------------------------

    def fetch_ids(self, ids: Sequence[ArxivId]) -> dict[ArxivId, arxiv.Result]:
        """Metadata of `ids`, in batches of `page_size` per request.

        Returns {requested id: result}; ids arXiv does not know are absent. A versioned id gets that
        version, an unversioned one the latest.
        """
        found: dict[ArxivId, arxiv.Result] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), self.page_size):
            chunk = unique[start : start + self.page_size]
            search = arxiv.Search(id_list=[i.versioned for i in chunk], max_results=len(chunk))
            by_base: dict[str, list[ArxivId]] = {}
            for requested in chunk:
                by_base.setdefault(requested.base, []).append(requested)
            for result in self.results(search):
                got = result_id(result)
                for requested in by_base.get(got.base, []):
                    if requested.version in (None, got.version):
                        found[requested] = result
        return found

    def search(self, query: str, max_results: int, *, newest_first: bool = True) -> Iterator[arxiv.Result]:
        """Results of an arXiv query (paged), newest submissions first unless `newest_first` is False."""
        search = arxiv.Search(
            query=query,
            max_results=max_results,
            sort_by=arxiv.SortCriterion.SubmittedDate if newest_first else arxiv.SortCriterion.Relevance,
            sort_order=arxiv.SortOrder.Descending,
        )
        return self.results(search)


def _xml_root(content: bytes) -> ET.Element | None:
    try:
        return ET.fromstring(content)
    except ET.ParseError:
        return None


def _is_atom_feed(content: bytes) -> bool:
    root = _xml_root(content)
    return root is not None and root.tag == f"{{{_ATOM}}}feed"


def _api_error(content: bytes) -> str | None:
    """The API's own explanation of a refused request ("incorrect id format for abc"), if it sent one.

    It comes as an Atom entry whose id is under /api/errors; the arxiv library skips such entries.
    """
    root = _xml_root(content)
    if root is None:
        return None
    for entry in root.iter(f"{{{_ATOM}}}entry"):
        if "/api/errors" in (entry.findtext(f"{{{_ATOM}}}id") or ""):
            text = " ".join((entry.findtext(f"{{{_ATOM}}}summary") or "").split())
            return text[:300] or "error"
    return None


def result_id(result: arxiv.Result) -> ArxivId:
    """The versioned id of an API result (from its entry id URL)."""
    return parse_arxiv_id(result.entry_id)


def result_to_paper(result: arxiv.Result, source: SourceKind, detail: str | None = None) -> Paper:
    """An API result as a Paper: normalised id and version, one-line title, affiliations de-duplicated."""
    try:
        rid = result_id(result)
    except InvalidIdError as exc:
        raise ArxivApiError(f"unexpected entry id {result.entry_id!r}", stage="arxiv") from exc
    affiliations = list(dict.fromkeys(a.strip() for author in result.authors for a in author.affiliation if a.strip()))
    return Paper(
        arxiv_id=rid.base,
        version=rid.version,
        title=" ".join(result.title.split()),
        authors=[a.name for a in result.authors],
        affiliations=affiliations,
        published=result.published,
        updated=result.updated,
        primary_category=result.primary_category or None,
        categories=list(result.categories),
        abstract=" ".join(result.summary.split()),
        comment=" ".join((result.comment or "").split()) or None,
        pdf_url=result.pdf_url or f"https://arxiv.org/pdf/{rid.versioned}",
        source=source,
        source_detail=detail,
    )


def fetch_papers(
    client: ArxivClient, ids: Iterable[ArxivId], source: SourceKind = SourceKind.COMMAND_LINE,
    details: dict[ArxivId, str] | None = None,
) -> tuple[list[Paper], list[ArxivId]]:
    """Papers for `ids` in the order given, and the ids arXiv does not know."""
    wanted = list(dict.fromkeys(ids))
    found = client.fetch_ids(wanted)
    papers, missing = [], []
    for arxiv_id in wanted:
        if arxiv_id in found:
            papers.append(result_to_paper(found[arxiv_id], source, (details or {}).get(arxiv_id, str(arxiv_id))))
        else:
            missing.append(arxiv_id)
    return papers, missing
