"""The arXiv API, through the `arxiv` library, with the timeouts, backoff and rate limit it lacks.

`arxiv.Client` sends requests without a timeout and retries at once. `ArxivClient` keeps the library's
paging and Atom parsing but fetches each page itself through paperflow.http: one process-wide pause of
`delay_seconds` between any two requests (threads included), a timeout on every request, retries with
exponential backoff that honour `Retry-After` on 429 and 503, and a host that cannot be connected to
is not asked again in this run. Failures end in `ArxivApiError`, one line.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

import arxiv
import requests
from arxiv import _feed

from paperflow.errors import PaperflowError
from paperflow.http import (
    ARXIV_RATE_LIMITER,
    RETRYABLE_STATUS,
    RUN_HOSTS,
    USER_AGENT,
    HostUnreachableError,
    RateLimiter,
    RetryPolicy,
    RunHosts,
    Sleep,
    TransientHTTPError,
    attempts_text,
    call_with_retries,
    parse_retry_after,
)
from paperflow.sources.ids import ArxivId, InvalidIdError, parse_arxiv_id
from paperflow.models import Paper, SourceKind
from paperflow.settings import ArxivSettings

_ATOM = "http://www.w3.org/2005/Atom"
T = TypeVar("T")


class ArxivApiError(PaperflowError):
    """The arXiv API could not answer (refused the request, kept failing, timed out, unreachable)."""


def retry_policy(settings: ArxivSettings) -> RetryPolicy:
    """arXiv's API and PDF hosts: `retries` more tries, 1 s doubling up to a minute, plus up to 1 s jitter."""
    return RetryPolicy(retries=settings.retries, backoff_seconds=1.0, max_backoff_seconds=60.0, jitter=1.0)


def is_transient(exc: BaseException) -> bool:
    """Whether a failed request is worth another try: 429/5xx, a timeout, a dropped connection."""
    return isinstance(
        exc,
        (TransientHTTPError, requests.ConnectionError, requests.Timeout, arxiv.UnexpectedEmptyPageError),
    )


class RetriesExhausted(PaperflowError):
    """A request to an arXiv host kept failing in ways that may pass (429/5xx, timeouts): the cause and the tries."""


def request_arxiv(url: str, send: Callable[[], T], settings: ArxivSettings, *, sleep: Sleep,
                  rate_limiter: RateLimiter, hosts: RunHosts) -> T:
    """`send()`, one request to an arXiv host (API or PDFs), under arXiv's rules: the shared rate limit before
    every try, retries of transient failures, no request to a host found unreachable in this run.

    Raises HostUnreachableError, RetriesExhausted (one line: cause and attempts), or what `send` raised otherwise."""
    try:
        return call_with_retries(url, send, retry_policy(settings), is_transient, sleep=sleep, hosts=hosts,
                                 before_each=lambda: rate_limiter.wait_turn(settings.delay_seconds, sleep))
    except Exception as exc:
        if not is_transient(exc):
            raise
        cause = describe_failure(exc, settings.timeout_seconds)
        raise RetriesExhausted(f"{cause} {attempts_text(getattr(exc, 'attempts', 1))}") from None


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
        rate_limiter: RateLimiter = ARXIV_RATE_LIMITER,
        hosts: RunHosts = RUN_HOSTS,
    ):
        # num_retries=0: the library's own instant retries are replaced by ours.
        super().__init__(page_size=page_size, delay_seconds=settings.delay_seconds, num_retries=0)
        self.settings = settings
        self.query_url_format = settings.api_url + "?{}"
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._sleep = sleep
        self._rate_limiter = rate_limiter
        self._hosts = hosts
        self.requests_made = 0

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> arxiv.ParsedFeed:
        try:
            return request_arxiv(url, lambda: self._fetch_page(url, first_page), self.settings, sleep=self._sleep,
                                 rate_limiter=self._rate_limiter, hosts=self._hosts)
        except (ArxivApiError, HostUnreachableError, RetriesExhausted) as exc:
            raise ArxivApiError(exc.message, stage="arxiv") from None

    def _fetch_page(self, url: str, first_page: bool) -> arxiv.ParsedFeed:
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
