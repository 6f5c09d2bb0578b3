"""The GitHub client against a real HTTP server on 127.0.0.1 (tests/support/fake_github.py)."""

from __future__ import annotations

import logging
import os
import socket
import stat
import time

import pytest
from tests.support.fake_github import FakeGitHub

from paperflow.review.github import (
    GitHubAuthError,
    GitHubClient,
    GitHubError,
    GitHubPermissionError,
    GitHubRateLimitError,
    PullRequestExistsError,
    Secret,
    parse_repository,
    resolve_token,
    web_host,
)
from paperflow.settings import ReviewSettings

TOKEN = "ghp_FAKEtoken0123456789SECRETxyz"


@pytest.fixture
def fake():
    with FakeGitHub(TOKEN) as server:
        yield server


def client_for(fake: FakeGitHub, token: str = TOKEN, **kwargs) -> GitHubClient:
    return GitHubClient(fake.api_url, "alice/papers", Secret(token, "$TEST_TOKEN"), retry_wait_seconds=0, **kwargs)


def test_create_find_update_and_read_a_pull_request(fake):
    client = client_for(fake)
    assert client.find_pull("paperflow/2024-01-03") is None
    pr = client.create_pull(title="t1", head="paperflow/2024-01-03", base="main", body="b1")
    assert pr.number == 1 and pr.state == "open" and not pr.merged and pr.head_ref == "paperflow/2024-01-03"
    assert pr.url.endswith("/alice/papers/pull/1")
    found = client.find_pull("paperflow/2024-01-03")
    assert found is not None and found.number == 1
    assert client.find_pull("paperflow/2024-01-04") is None
    # The head filter is sent as owner:branch, as the API documents.
    assert fake.seen[-1].query["head"] == ["alice:paperflow/2024-01-04"]
    updated = client.update_pull(1, title="t2", body="b2")
    assert (updated.title, updated.body) == ("t2", "b2")
    fake.merge(1)
    merged = client.get_pull(1)
    assert merged.state == "closed" and merged.merged
    assert client.find_pull("paperflow/2024-01-03", state="open") is None
    assert client.find_pull("paperflow/2024-01-03", state="all").number == 1
    # The token travels only in the Authorization header.
    assert all(s.authorization == f"Bearer {TOKEN}" for s in fake.seen)
    assert all(TOKEN not in s.path and TOKEN not in str(s.query) for s in fake.seen)


def test_list_pulls_pages_through_results(fake):
    client = client_for(fake)
    for i in range(105):
        fake.pulls[i + 1] = {"number": i + 1, "state": "open", "title": "", "body": "", "head": f"b{i}",
                             "base": "main", "merged": False, "merged_at": None}
    pulls = client.list_pulls("open")
    assert len(pulls) == 105 and len({p.number for p in pulls}) == 105


def test_a_wrong_token_is_one_clear_line_without_the_token(fake):
    client = client_for(fake, token="ghp_WRONGtoken_but_also_secret")
    with pytest.raises(GitHubAuthError) as info:
        client.find_pull("paperflow/2024-01-03")
    message = str(info.value)
    assert "\n" not in message and "401" in message and "$TEST_TOKEN" in message
    assert "ghp_WRONGtoken_but_also_secret" not in message


def test_rate_limit_says_when_it_resets(fake):
    reset = int(time.time()) + 600
    fake.fail("POST", r"/repos/alice/papers/pulls", 403,
              {"message": "API rate limit exceeded for user ID 1."},
              {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": str(reset)})
    with pytest.raises(GitHubRateLimitError) as info:
        client_for(fake).create_pull(title="t", head="x", base="main", body="")
    assert "rate limit" in str(info.value) and "resets at" in str(info.value)
    assert info.value.reset_at is not None and int(info.value.reset_at.timestamp()) == reset
    assert "\n" not in str(info.value)


def test_secondary_rate_limit_with_retry_after(fake):
    fake.fail("GET", r".*", 429, {"message": "You have exceeded a secondary rate limit."}, {"retry-after": "60"})
    with pytest.raises(GitHubRateLimitError):
        client_for(fake).find_pull("b")


def test_forbidden_without_rate_limit_is_a_permission_error(fake):
    fake.fail("POST", r".*", 403, {"message": "Resource not accessible by integration"},
              {"x-ratelimit-remaining": "4999"})
    with pytest.raises(GitHubPermissionError) as info:
        client_for(fake).create_pull(title="t", head="x", base="main", body="")
    assert "Resource not accessible" in str(info.value)


def test_already_exists_is_its_own_error(fake):
    client = client_for(fake)
    client.create_pull(title="t", head="paperflow/2024-01-03", base="main", body="")
    with pytest.raises(PullRequestExistsError) as info:
        client.create_pull(title="t", head="paperflow/2024-01-03", base="main", body="")
    assert "A pull request already exists for alice:paperflow/2024-01-03" in str(info.value)


def test_unknown_repository_is_a_clear_message(fake):
    client = GitHubClient(fake.api_url, "alice/other", Secret(TOKEN, "$T"), retry_wait_seconds=0)
    with pytest.raises(GitHubPermissionError) as info:
        client.get_pull(1)
    assert "alice/other" in str(info.value) and "404" in str(info.value)


def test_server_errors_are_retried(fake):
    fake.fail("GET", r"/repos/alice/papers/pulls", 502, {"message": "Bad Gateway"}, times=2)
    assert client_for(fake, attempts=3).find_pull("b") is None
    assert sum(1 for s in fake.seen if s.method == "GET") == 3


def test_server_errors_give_up_after_the_attempts(fake):
    fake.fail("GET", r".*", 503, {"message": "unavailable"}, times=5)
    with pytest.raises(GitHubError) as info:
        client_for(fake, attempts=2).find_pull("b")
    assert info.value.status == 503 and "503" in str(info.value)


def test_no_server_listening_is_one_line():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitHubClient(f"http://127.0.0.1:{port}", "alice/papers", Secret(TOKEN, "$T"), attempts=1)
    with pytest.raises(GitHubError) as info:
        client.get_pull(1)
    assert "cannot reach the GitHub API" in str(info.value) and TOKEN not in str(info.value)


def test_the_token_is_never_logged(fake, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(fake)
    client.create_pull(title="t", head="b", base="main", body="")
    fake.fail("GET", r".*", 401, {"message": f"Bad credentials {TOKEN}"})  # even when a server echoes it
    with pytest.raises(GitHubAuthError) as info:
        client.get_pull(1)
    assert TOKEN not in str(info.value)
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(Secret(TOKEN, "$X")) and TOKEN not in str(Secret(TOKEN, "$X"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:alice/papers.git", "alice/papers"),
        ("https://github.com/alice/papers.git", "alice/papers"),
        ("https://github.com/alice/papers", "alice/papers"),
        ("https://x-access-token:abc@github.com/alice/papers.git", "alice/papers"),
        ("ssh://git@ghe.example.com:2222/team/weekly-log.git", "team/weekly-log"),
        ("/srv/git/papers.git", None),
        ("file:///srv/git/papers.git", None),
        ("https://gitlab.example.com/group/sub/papers.git", None),
    ],
)
def test_parse_repository(url, expected):
    assert parse_repository(url) == expected


def test_web_host():
    assert web_host("https://api.github.com") == "github.com"
    assert web_host("https://ghe.example.com/api/v3") == "ghe.example.com"


def test_token_from_the_named_variable_only():
    settings = ReviewSettings(token_env="MY_TOKEN", use_gh_cli=False)
    secret = resolve_token(settings, env={"MY_TOKEN": TOKEN, "GITHUB_TOKEN": "other"})
    assert secret is not None and secret.reveal() == TOKEN and secret.source == "$MY_TOKEN"
    assert resolve_token(settings, env={"GITHUB_TOKEN": "other"}) is None


def test_token_from_gh_cli(tmp_path, monkeypatch):
    # gh is not installed here; a stand-in on PATH checks the exact command paperflow runs.
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\n[ "$*" = "auth token --hostname ghe.example.com" ] && echo gho_fromcli && exit 0\nexit 1\n')
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    settings = ReviewSettings(api_url="https://ghe.example.com/api/v3", use_gh_cli=True)
    secret = resolve_token(settings, env={})
    assert secret is not None and secret.reveal() == "gho_fromcli" and secret.source == "gh auth token"
    assert resolve_token(ReviewSettings(api_url="https://ghe.example.com/api/v3", use_gh_cli=False), env={}) is None


def test_a_netrc_entry_does_not_replace_the_token(fake, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password other-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    client_for(fake).find_pull("b")
    assert fake.seen[-1].authorization == f"Bearer {TOKEN}"
