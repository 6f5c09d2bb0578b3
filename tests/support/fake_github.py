"""A small GitHub REST server on 127.0.0.1 speaking the pull-request endpoints paperflow uses.

Documented behaviour it reproduces (docs.github.com, "REST API endpoints for pull requests"):
- POST   /repos/{owner}/{repo}/pulls          -> 201 the new PR; 422 "A pull request already exists
                                                 for owner:branch." when one is open for that head
- GET    /repos/{owner}/{repo}/pulls          -> list, filtered by ?head=owner:branch and ?state=
                                                 open|closed|all (default open), paged by per_page/page
- GET    /repos/{owner}/{repo}/pulls/{number} -> one PR with state and merged
- PATCH  /repos/{owner}/{repo}/pulls/{number} -> updated PR (title, body, state)
- 401 {"message": "Bad credentials"} for a wrong token; 404 for an unknown repository.
Faults (403 rate limit with x-ratelimit-* headers, 5xx, a forced 422...) are queued with `fail`.
When `remote` (a bare repository) is given, the head branch must exist there, as on GitHub.
"""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.local_server import LocalServer, Reply, Request


@dataclass
class Fault:
    method: str
    path: str  # a regex matched against the path (without the API prefix and query)
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None


class FakeGitHub:
    """Run with `with FakeGitHub(token) as gh:`; `gh.api_url` is what review.api_url should be."""

    def __init__(self, token: str, repository: str = "alice/papers", *, remote: Path | None = None,
                 prefix: str = "/api/v3"):
        self.token = token
        self.repository = repository
        self.remote = remote
        self.prefix = prefix
        self.pulls: dict[int, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = LocalServer(self._serve)

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()

    @property
    def api_url(self) -> str:
        return f"{self._server.origin}{self.prefix}"

    # -- test controls -------------------------------------------------------------------------

    def fail(self, method: str, path: str, status: int, body: Any = None,
             headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` requests matching `method` and the `path` regex with this instead."""
        body = {"message": "fault"} if body is None else body
        self.faults.append(Fault(method, path, status, body, headers or {}, times))

    def merge(self, number: int) -> None:
        self.pulls[number].update(state="closed", merged=True, merged_at="2024-01-04T08:00:00Z")

    def close(self, number: int) -> None:
        self.pulls[number].update(state="closed", merged=False, merged_at=None)

    def open_pulls(self) -> list[dict[str, Any]]:
        return [p for p in self.pulls.values() if p["state"] == "open"]

    # -- the server ----------------------------------------------------------------------------

    def _pr_json(self, pr: dict[str, Any]) -> dict[str, Any]:
        owner = self.repository.split("/")[0]
        return {
            "number": pr["number"],
            "url": f"{self.api_url}/repos/{self.repository}/pulls/{pr['number']}",
            "html_url": f"https://github.example/{self.repository}/pull/{pr['number']}",
            "state": pr["state"],
            "title": pr["title"],
            "body": pr["body"],
            "head": {"ref": pr["head"], "label": f"{owner}:{pr['head']}"},
            "base": {"ref": pr["base"]},
            "merged": pr["merged"],
            "merged_at": pr["merged_at"],
        }

    def _branch_exists(self, branch: str) -> bool:
        if self.remote is None:
            return True
        proc = subprocess.run(["git", "--git-dir", str(self.remote), "rev-parse", "--verify", "--quiet",
                               f"refs/heads/{branch}"], capture_output=True)
        return proc.returncode == 0

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any,
               auth: str | None) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.seen.append(Seen(method, path, query, body, auth))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.fullmatch(fault.path, path):
                    fault.times -= 1
                    return fault.status, fault.body, fault.headers
            if auth != f"Bearer {self.token}":
                return 401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}, {}
            match = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls(?:/(\d+))?", path)
            if not match or match.group(1) != self.repository:
                return 404, {"message": "Not Found"}, {}
            number = int(match.group(2)) if match.group(2) else None
            if number is None and method == "GET":
                state = query.get("state", ["open"])[0]
                head = query.get("head", [None])[0]
                owner = self.repository.split("/")[0]
                found = [p for p in sorted(self.pulls.values(), key=lambda p: -p["number"])
                         if (state == "all" or p["state"] == state) and (head is None or head == f"{owner}:{p['head']}")]
                per_page = int(query.get("per_page", ["30"])[0])
                page = int(query.get("page", ["1"])[0])
                return 200, [self._pr_json(p) for p in found[(page - 1) * per_page : page * per_page]], {}
            if number is None and method == "POST":
                head, base = body.get("head"), body.get("base")
                if any(p["head"] == head and p["state"] == "open" for p in self.pulls.values()):
                    owner = self.repository.split("/")[0]
                    return 422, {"message": "Validation Failed", "errors": [{
                        "resource": "PullRequest", "code": "custom",
                        "message": f"A pull request already exists for {owner}:{head}."}]}, {}
                if not self._branch_exists(head):
                    return 422, {"message": "Validation Failed",
                                 "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}]}, {}
                new = len(self.pulls) + 1
                self.pulls[new] = {"number": new, "state": "open", "title": body.get("title", ""),
                                   "body": body.get("body", ""), "head": head, "base": base, "merged": False,
                                   "merged_at": None}
                return 201, self._pr_json(self.pulls[new]), {}
            if number is not None and number in self.pulls:
                pr = self.pulls[number]
                if method == "GET":
                    return 200, self._pr_json(pr), {}
                if method == "PATCH":
                    for key in ("title", "body", "state"):
                        if key in body:
                            pr[key] = body[key]
                    return 200, self._pr_json(pr), {}
            return 404, {"message": "Not Found"}, {}

    def _serve(self, request: Request) -> Reply:
        path = request.path.removeprefix(self.prefix)
        status, data, headers = self._route(request.method, path, request.query_lists, request.json(),
                                            request.headers.get("authorization"))
        return Reply(status, data, headers, content_type="application/json; charset=utf-8")
