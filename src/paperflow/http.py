"""HTTP as every client of paperflow does it (arXiv API, PDF downloads, the LLM, GitHub).

- `USER_AGENT`: the one name paperflow gives itself.
- `RateLimiter` (`ARXIV_RATE_LIMITER`: arXiv's terms count every request a machine makes).
- `RetryPolicy`: tenacity retries with exponential backoff, `Retry-After` honoured (bounded), an
  optional cap on the total time; each client says which failures are worth another try.
- `parse_retry_after` / `retry_after_seconds`: the header in all its forms (seconds, HTTP date, ms).
- `RUN_HOSTS`: hosts found unreachable in this run. The first failure to connect to a host at all
  (refused, name not resolved, network unreachable, no connection within the timeout) marks it; one
  warning line names the host and the cause, and no further request is sent to it until the next run
  (`RUN_HOSTS.reset()`, which each run of the orchestrator calls).
"""

from __future__ import annotations

import email.utils
import errno
import logging
import math
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar
from urllib.parse import urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay

from paperflow.errors import PaperflowError

log = logging.getLogger("paperflow")

try:
    _VERSION = version("paperflow")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    _VERSION = "0"
USER_AGENT = f"paperflow/{_VERSION} (+https://github.com/paperflow/paperflow)"
MAX_RETRY_AFTER_SECONDS = 300.0  # a server asking for longer is a failure of this run, not a wait
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

Sleep = Callable[[float], None]
T = TypeVar("T")


# --------------------------------------------------------------------------------- rate limit


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


# One per process, shared by the API client and the PDF downloads.
ARXIV_RATE_LIMITER = RateLimiter()


# -------------------------------------------------------------------------------- Retry-After


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from one Retry-After value (delta-seconds or HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_after_seconds(headers: Mapping[str, str] | None, now: datetime | None = None) -> float | None:
    """Seconds a server asked to wait: `Retry-After-Ms` (OpenAI-style), else `Retry-After`; None when neither."""
    if not headers:
        return None
    value = headers.get("retry-after-ms") or headers.get("Retry-After-Ms")
    if value:
        try:
            milliseconds = float(value)
        except ValueError:
            milliseconds = math.nan
        if math.isfinite(milliseconds):
            return max(0.0, milliseconds / 1000)
    return parse_retry_after(headers.get("retry-after") or headers.get("Retry-After"), now)


class TransientHTTPError(Exception):
    """A status worth retrying (429, 5xx), with the server's Retry-After in seconds when it sent one."""

    def __init__(self, url: str, status: int, retry_after: float | None):
        self.url = url
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"HTTP {status}")


# ------------------------------------------------------------------------------------- retries


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed request is tried again.

    `retries` more tries after the first; between them `backoff_seconds` doubling per try up to
    `max_backoff_seconds` (plus up to `jitter` random seconds), or what the server's Retry-After
    asked (at most MAX_RETRY_AFTER_SECONDS); never past `max_seconds` in all, when set.
    """

    retries: int
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    jitter: float = 0.0
    max_seconds: float | None = None

    def wait(self, attempt_number: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER_SECONDS)
        backoff = min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (attempt_number - 1))
        return backoff + (random.uniform(0, self.jitter) if self.jitter else 0.0)

    def retrying(
        self,
        retry_on: Callable[[BaseException], bool],
        *,
        retry_after: Callable[[BaseException], float | None] = lambda exc: getattr(exc, "retry_after", None),
        sleep: Sleep = time.sleep,
    ) -> Retrying:
        """A tenacity loop over this policy; the last exception is re-raised when it gives up."""

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return self.wait(state.attempt_number, retry_after(exc) if exc is not None else None)

        stop = stop_after_attempt(self.retries + 1)
        if self.max_seconds is not None:
            stop = stop | stop_before_delay(self.max_seconds)
        return Retrying(stop=stop, wait=wait, retry=retry_if_exception(retry_on), sleep=sleep, reraise=True)


def attempts_text(attempts: int) -> str:
    return f"after {attempts} attempt{'s' if attempts != 1 else ''}"


# ------------------------------------------------------------------------- unreachable hosts


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and every exception it wraps (causes, contexts, exceptions among its args, `.reason`)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        todo.extend(e for e in linked if isinstance(e, BaseException))


def connect_failure(exc: BaseException) -> str | None:
    """Why no connection could be made at all (refused, name not resolved, network unreachable, no
    connection within the timeout), or None when `exc` is some other failure (a timeout while reading,
    a dropped connection, an HTTP status): those say nothing about the host being gone."""
    causes = list(_chain(exc))
    for e in causes:
        if isinstance(e, socket.gaierror):
            return "name not resolved"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable"
    for e in causes:
        name = type(e).__name__
        if name in ("ConnectTimeout", "ConnectTimeoutError"):
            return "no connection within the timeout"
        if name in ("NewConnectionError", "NameResolutionError", "ConnectError"):
            return "cannot connect"
    return None


def host_of(url: str) -> str:
    """`host` or `host:port` of a URL: what a person recognises, and what is marked unreachable."""
    parts = urlsplit(url)
    host = (parts.hostname or url).lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


class HostUnreachableError(PaperflowError):
    """A host that could not be connected to in this run: no request is sent to it again."""

    def __init__(self, host: str, cause: str, *, tried: bool):
        self.host = host
        self.cause = cause
        suffix = "" if tried else "; not tried again this run"
        super().__init__(f"{host} unreachable ({cause}){suffix}")


class RunHosts:
    """The hosts this run could not connect to. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[str, str] = {}
        self._skipped: dict[str, int] = {}

    def check(self, url: str) -> None:
        """Raise HostUnreachableError when the host of `url` was found unreachable in this run."""
        host = host_of(url)
        with self._lock:
            cause = self._down.get(host)
            if cause is None:
                return
            self._skipped[host] = self._skipped.get(host, 0) + 1
        raise HostUnreachableError(host, cause, tried=False)

    def mark(self, url: str, cause: str) -> HostUnreachableError:
        """Record the host of `url` as unreachable (one warning line, the first time) and return the error."""
        host = host_of(url)
        with self._lock:
            first = host not in self._down
            self._down.setdefault(host, cause)
        if first:
            log.warning("%s unreachable (%s): no more requests to it in this run", host, cause)
        return HostUnreachableError(host, cause, tried=True)

    def unreachable(self) -> dict[str, str]:
        """host -> cause, for the run report."""
        with self._lock:
            return dict(self._down)

    def skipped(self, host: str) -> int:
        with self._lock:
            return self._skipped.get(host, 0)

    def reset(self) -> None:
        with self._lock:
            self._down.clear()
            self._skipped.clear()


RUN_HOSTS = RunHosts()


def call_with_retries(
    url: str,
    send: Callable[[], T],
    policy: RetryPolicy,
    retry_on: Callable[[BaseException], bool],
    *,
    sleep: Sleep = time.sleep,
    before_each: Callable[[], None] | None = None,
    hosts: RunHosts = RUN_HOSTS,
) -> T:
    """`send()` (one request to `url`) under `policy`, `before_each` (a rate limiter's turn) before every try.

    A host already found unreachable is not asked (HostUnreachableError at once); a failure to connect
    to it at all marks it so and raises HostUnreachableError (never retried: the host is gone for the
    run). Any other failure that `retry_on` accepts is tried again; when the policy gives up, the last
    exception is raised with an `attempts` attribute (how many tries were made).
    """
    hosts.check(url)
    retrying = policy.retrying(lambda exc: connect_failure(exc) is None and retry_on(exc), sleep=sleep)
    try:
        for attempt in retrying:
            with attempt:
                if before_each is not None:
                    before_each()
                return send()
    except Exception as exc:
        cause = connect_failure(exc)
        if cause is not None:
            raise hosts.mark(url, cause) from None
        exc.attempts = retrying.statistics.get("attempt_number", 1)  # type: ignore[attr-defined]
        raise
    raise AssertionError("unreachable")  # pragma: no cover
