"""The few GitHub REST endpoints the review stage needs: find, create, update and read pull requests.

Works with github.com and GitHub Enterprise (`review.api_url`). The token is sent only in the
Authorization header; it is never put in a URL, a log line, a message or an exception: every
message that leaves this module is redacted against it. Errors are `GitHubError` subclasses
whose `str()` is one line a person can act on.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth

from paperflow.errors import PaperflowError
from paperflow.http import USER_AGENT, HostUnreachableError, RetryPolicy, call_with_retries
from paperflow.review.git import redact
from paperflow.settings import ReviewSettings

log = logging.getLogger(__name__)

STAGE = "review"
API_VERSION = "2022-11-28"
PUBLIC_API_URL = "https://api.github.com"
# A PR body may hold 65536 characters; keep room for the closing marker.
MAX_BODY_CHARS = 65_000
GH_CLI_TIMEOUT_SECONDS = 300.0  # `gh auth token`, a local command


class GitHubError(PaperflowError):
    """A GitHub API call failed. `status` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, *, status: int | None = None):
        self.status = status
        super().__init__(message, stage=STAGE)


class GitHubAuthError(GitHubError):
    """401: the token is missing, wrong or expired."""


class GitHubPermissionError(GitHubError):
    """403 (not a rate limit) or 404: the token cannot see or change the repository."""


class GitHubRateLimitError(GitHubError):
    """403/429 with the rate limit used up; `reset_at` says when it comes back (None: unknown)."""

    def __init__(self, message: str, *, status: int, reset_at: datetime | None):
        self.reset_at = reset_at
        super().__init__(message, status=status)


class PullRequestExistsError(GitHubError):
    """422 "A pull request already exists for owner:branch"."""


class _Retryable(Exception):
    """A 5xx answer: worth another try."""

    def __init__(self, message: str, status: int | None):
        self.message = message
        self.status = status
        super().__init__(message)


class Secret:
    """A token that does not print itself (repr and str are `***`)."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str):
        self._value = value
        self.source = source  # where it came from, e.g. "$GITHUB_TOKEN": safe to print

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret(***, from {self.source})"

    __str__ = __repr__


class _BearerAuth(requests.auth.AuthBase):
    def __init__(self, token: Secret):
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(***)"


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str  # the page a person opens (html_url)
    state: str  # "open" or "closed"
    merged: bool
    title: str
    body: str
    head_ref: str
    base_ref: str

    @classmethod
    def from_api(cls, data: Any) -> PullRequest:
        """Raises GitHubError when `data` is not a pull request object."""
        if not isinstance(data, dict) or not isinstance(data.get("number"), int):
            raise GitHubError("the GitHub API answered with something that is not a pull request")
        return cls(
            number=int(data["number"]),
            url=str(data.get("html_url") or data.get("url") or ""),
            state=str(data.get("state", "open")),
            # The list endpoint has no "merged" field, only merged_at.
            merged=bool(data.get("merged")) or bool(data.get("merged_at")),
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            head_ref=str((data.get("head") or {}).get("ref") or ""),
            base_ref=str((data.get("base") or {}).get("ref") or ""),
        )


_REMOTE_PATTERNS = (
    re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>[^\s]+?)(?:\.git)?/?$"),  # git@github.com:o/r.git
    re.compile(r"^(?:ssh|git|https?)://(?:[^/@]+@)?(?P<host>[\w.-]+)(?::\d+)?/(?P<path>[^\s]+?)(?:\.git)?/?$"),
)


def parse_repository(remote: str) -> str | None:
    """"owner/name" from a GitHub remote URL (https, ssh or scp-like); None for anything else
    (a folder, a bundle) or a path that is not owner/name."""
    remote = remote.strip()
    for pattern in _REMOTE_PATTERNS:
        match = pattern.match(remote)
        if match:
            parts = [p for p in match.group("path").split("/") if p]
            if len(parts) == 2 and all(re.fullmatch(r"[\w.-]+", p) for p in parts):
                return f"{parts[0]}/{parts[1]}"
    return None


def web_host(api_url: str) -> str:
    """The host a person browses: api.github.com -> github.com; https://ghe.example/api/v3 -> ghe.example."""
    host = urlsplit(api_url).hostname or "github.com"
    return "github.com" if host == "api.github.com" else host


def resolve_token(settings: ReviewSettings, env: dict[str, str] | None = None) -> Secret | None:
    """The token from the variable named `settings.token_env`, else from `gh auth token` when
    `settings.use_gh_cli` and gh is installed and logged in; None when neither has one."""
    env = os.environ if env is None else env
    value = (env.get(settings.token_env) or "").strip() if settings.token_env else ""
    if value:
        return Secret(value, f"${settings.token_env}")
    if settings.use_gh_cli and shutil.which("gh"):
        try:
            proc = subprocess.run(
                ["gh", "auth", "token", "--hostname", web_host(settings.api_url)],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                # A local command: slow on a busy machine, and a token missed here is a night without a PR.
                timeout=GH_CLI_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        value = proc.stdout.strip()
        if proc.returncode == 0 and value and "\n" not in value:
            return Secret(value, "gh auth token")
    return None


class GitHubClient:
    """Pull requests of one repository. Every method raises GitHubError (one line, no token)."""

    def __init__(
        self,
        api_url: str,
        repository: str,
        token: Secret,
        *,
        timeout: float = 30.0,
        attempts: int = 3,
        retry_wait_seconds: float = 2.0,
        session: requests.Session | None = None,
    ):
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
            raise GitHubError(f"repository must be owner/name, not {repository!r}")
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self.owner = repository.split("/")[0]
        self._token = token
        self._timeout = timeout
        self._attempts = max(1, attempts)
        self._retry_wait = retry_wait_seconds
        # Proxy variables are honoured (trust_env); passing auth= keeps ~/.netrc from replacing the token.
        self._session = session or requests.Session()
        self._auth = _BearerAuth(token)

    # -- endpoints -----------------------------------------------------------------------------

    def find_pull(self, branch: str, state: str = "open") -> PullRequest | None:
        """The newest pull request whose head is `branch` of this repository (`state`: open, closed,
        all), or None."""
        found = self._request(
            "GET", f"/repos/{self.repository}/pulls", params={"head": f"{self.owner}:{branch}", "state": state}
        )
        pulls = [PullRequest.from_api(p) for p in _as_list(found)]
        pulls = [p for p in pulls if not p.head_ref or p.head_ref == branch]
        return max(pulls, key=lambda p: p.number) if pulls else None

    def list_pulls(self, state: str = "open", max_pages: int = 10) -> list[PullRequest]:
        """Pull requests of the repository (100 per page, up to `max_pages` pages)."""
        out: list[PullRequest] = []
        for page in range(1, max_pages + 1):
            found = self._request(
                "GET", f"/repos/{self.repository}/pulls", params={"state": state, "per_page": 100, "page": page}
            )
            out.extend(PullRequest.from_api(p) for p in _as_list(found))
            if not found or len(found) < 100:
                break
        return out

    def create_pull(self, *, title: str, head: str, base: str, body: str) -> PullRequest:
        """Open a pull request from `head` (a branch of this repository) into `base`.

        Raises PullRequestExistsError when one is already open for `head`."""
        data = self._request(
            "POST",
            f"/repos/{self.repository}/pulls",
            json={"title": title, "head": head, "base": base, "body": body[:MAX_BODY_CHARS]},
        )
        return PullRequest.from_api(data)

    def update_pull(self, number: int, *, title: str | None = None, body: str | None = None) -> PullRequest:
        payload: dict[str, Any] = {}
        if title is not None:
            payload["title"] = title
        if body is not None:
            payload["body"] = body[:MAX_BODY_CHARS]
        return PullRequest.from_api(self._request("PATCH", f"/repos/{self.repository}/pulls/{number}", json=payload))

    def get_pull(self, number: int) -> PullRequest:
        return PullRequest.from_api(self._request("GET", f"/repos/{self.repository}/pulls/{number}"))

    # -- transport -----------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        policy = RetryPolicy(retries=self._attempts - 1, backoff_seconds=self._retry_wait, max_backoff_seconds=30)
        url = f"{self.api_url}{path}"
        try:
            return call_with_retries(url, lambda: self._request_once(method, url, path, **kwargs), policy,
                                     lambda exc: isinstance(exc, (_Retryable, requests.RequestException)))
        except _Retryable as exc:
            raise GitHubError(self._redact(exc.message), status=exc.status) from None
        except HostUnreachableError as exc:
            raise GitHubError(f"cannot reach the GitHub API at {self.api_url}: {exc.message}") from None
        except requests.RequestException as exc:
            # The exception text may quote the URL; it never holds the token (that is a header).
            raise GitHubError(f"cannot reach the GitHub API at {self.api_url}: {type(exc).__name__}") from None

    def _request_once(self, method: str, url: str, path: str, **kwargs: Any) -> Any:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        response = self._session.request(method, url, headers=headers, auth=self._auth, timeout=self._timeout, **kwargs)
        log.debug("GitHub %s %s -> %s", method, path, response.status_code)
        if response.status_code >= 500:
            raise _Retryable(f"GitHub API answered {response.status_code} to {method} {path}", response.status_code)
        if response.status_code >= 400:
            raise self._error(method, path, response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise GitHubError(f"GitHub API answered {method} {path} with something that is not JSON") from None

    def _redact(self, text: str) -> str:
        return redact(text, [self._token.reveal()])

    def _error(self, method: str, path: str, response: requests.Response) -> GitHubError:
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        api_message = " ".join(str(data.get("message") or response.reason or "").split())
        details = [
            " ".join(str(e.get("message") or e.get("code") or "").split())
            for e in data.get("errors") or []
            if isinstance(e, dict)
        ]
        said = "; ".join(x for x in [api_message, *details] if x)[:300]
        remaining = response.headers.get("x-ratelimit-remaining")
        retry_after = response.headers.get("retry-after")
        where = f"{method} {path}"
        if status == 401:
            return GitHubAuthError(
                self._redact(f"GitHub rejected the token from {self._token.source} (401 {said or 'Unauthorized'})"),
                status=status,
            )
        if status in (403, 429) and (remaining == "0" or retry_after or "rate limit" in said.lower()):
            reset_at = _reset_time(response.headers.get("x-ratelimit-reset"), retry_after)
            when = f"; it resets at {reset_at:%Y-%m-%d %H:%M} UTC" if reset_at else ""
            return GitHubRateLimitError(
                self._redact(f"GitHub API rate limit reached ({status}) on {where}{when}"),
                status=status,
                reset_at=reset_at,
            )
        if status in (403, 404):
            return GitHubPermissionError(
                self._redact(
                    f"GitHub answered {status} {said or response.reason} to {where}: check that {self.repository} "
                    f"exists at {self.api_url} and the token from {self._token.source} may write pull requests"
                ),
                status=status,
            )
        if status == 422 and any("already exists" in d.lower() for d in [api_message, *details]):
            return PullRequestExistsError(self._redact(f"GitHub: {said}"), status=status)
        return GitHubError(self._redact(f"GitHub answered {status} to {where}: {said or response.reason}"), status=status)


def _as_list(data: Any) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise GitHubError("the GitHub API answered a pull request list with something that is not a list")
    return data


def _reset_time(reset_header: str | None, retry_after: str | None) -> datetime | None:
    try:
        if reset_header:
            return datetime.fromtimestamp(int(reset_header), tz=timezone.utc)
        if retry_after:
            return datetime.fromtimestamp(datetime.now(timezone.utc).timestamp() + int(retry_after), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return None
