"""Small, typed wrappers around the `git` command for the review stage.

Every call runs `git` as a child process with no terminal prompts (a missing credential fails at
once instead of hanging a nightly run) and with its messages in English. Errors are `GitError`,
whose one-line message never carries a credential: URLs with a user:password part are redacted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from paperflow.errors import PaperflowError

# Network operations (fetch, push, ls-remote) may wait on a slow server, never forever.
NETWORK_TIMEOUT_SECONDS = 180.0
# A local git command takes milliseconds on an idle machine and long seconds beside a local LLM taking every
# core: a bound that a busy machine reaches made the night's review fail (no push, no pull request).
LOCAL_TIMEOUT_SECONDS = 600.0

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")


class GitError(PaperflowError):
    """A git command failed; the message is git's own last line, with credentials removed."""


class NotARepositoryError(GitError):
    """The folder is not inside a git repository (a definite answer, unlike a git that failed or timed out)."""


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every `scheme://user:pass@` part and every given secret replaced by `***`."""
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_TERMINAL_PROMPT="0",  # never wait for a password nobody is there to type
        LC_ALL="C",  # messages we can quote and match
        LANGUAGE="C",
        GIT_OPTIONAL_LOCKS="0",  # `git status` from us must not rewrite the person's index
    )
    if extra:
        env.update(extra)
    return env


@dataclass(frozen=True)
class GitResult:
    returncode: int
    stdout: str
    stderr: str


def run_git(
    repo: Path,
    args: Sequence[str],
    *,
    check: bool = True,
    timeout: float = LOCAL_TIMEOUT_SECONDS,
    env: dict[str, str] | None = None,
    secrets: Iterable[str | None] = (),
    stage: str = "review",
    input_text: str | None = None,
) -> GitResult:
    """Run `git -C repo *args`. Returns its output; raises GitError (one line, redacted) when
    `check` and git exits non-zero, or when git cannot be started or times out."""
    command = ["git", "-C", str(repo), *args]
    secrets = list(secrets)
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            input=input_text,
            stdin=None if input_text is not None else subprocess.DEVNULL,
            timeout=timeout,
            env=_git_env(env),
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed to open the review branch)", stage=stage) from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:.0f} s and was stopped", stage=stage) from None
    result = GitResult(proc.returncode, proc.stdout, proc.stderr)
    if check and proc.returncode != 0:
        message = redact(f"git {args[0]} failed: {_last_line(proc.stderr or proc.stdout)}", secrets)
        raise GitError(message, stage=stage)
    return result


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # git puts the cause on the "fatal:"/"error:" line; hints come after it.
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else "no message"


def repo_root(path: Path) -> Path:
    """The top folder of the git work tree holding `path` (a file or a folder).

    Raises GitError when `path` is not inside a git repository."""
    folder = path if path.is_dir() else path.parent
    if not folder.exists():
        raise NotARepositoryError(f"{folder} does not exist")
    result = run_git(folder, ["rev-parse", "--show-toplevel"], check=False)
    if result.returncode != 0:
        raise NotARepositoryError(f"{path} is not inside a git repository")
    return Path(result.stdout.strip()).resolve()


def remote_url(repo: Path, remote: str) -> str | None:
    """The fetch URL of `remote`, or None when the repository has no such remote."""
    result = run_git(repo, ["remote", "get-url", remote], check=False)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def rev_parse(repo: Path, ref: str) -> str | None:
    """The commit id `ref` names, or None when it names nothing."""
    result = run_git(repo, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def remote_default_branch(repo: Path, remote: str) -> str | None:
    """The branch the remote's HEAD points at (asked over the network), or None when unknown."""
    result = run_git(repo, ["ls-remote", "--symref", remote, "HEAD"], check=False, timeout=NETWORK_TIMEOUT_SECONDS)
    if result.returncode == 0:
        for line in result.stdout.splitlines():
            if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
                return line[len("ref: refs/heads/") : -len("\tHEAD")]
    # Offline: the last known answer, if the clone recorded one.
    local = run_git(repo, ["symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD"], check=False)
    prefix = f"refs/remotes/{remote}/"
    if local.returncode == 0 and local.stdout.strip().startswith(prefix):
        return local.stdout.strip()[len(prefix) :]
    return None


def local_default_branch(repo: Path) -> str:
    """For a repository without a remote: main, else master, else the branch checked out."""
    for name in ("main", "master"):
        if rev_parse(repo, f"refs/heads/{name}"):
            return name
    result = run_git(repo, ["symbolic-ref", "--quiet", "--short", "HEAD"], check=False)
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    raise GitError(f"{repo} has no branch to start the review branch from")


def remote_branch_sha(repo: Path, remote: str, branch: str, secrets: Iterable[str | None] = ()) -> str | None:
    """The commit `branch` points at on the remote right now, None when it does not exist there.

    Raises GitError when the remote cannot be reached."""
    result = run_git(
        repo, ["ls-remote", "--heads", remote, f"refs/heads/{branch}"], timeout=NETWORK_TIMEOUT_SECONDS, secrets=secrets
    )
    for line in result.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def tracking_ref(remote: str, branch: str) -> str:
    """Where paperflow keeps its fetched copy of a remote branch: a namespace of its own, so the
    person's remote-tracking branches (and with them `git status`'s ahead/behind) never change."""
    return f"refs/paperflow/{remote}/{branch}"


def fetch_branches(repo: Path, remote: str, branches: Sequence[str], secrets: Iterable[str | None] = ()) -> None:
    """Fetch each branch into tracking_ref(remote, branch) (forced: the remote is the truth).

    Raises GitError when the remote cannot be reached or a branch does not exist there."""
    refspecs = [f"+refs/heads/{b}:{tracking_ref(remote, b)}" for b in branches]
    # --refmap= : no "opportunistic" update of the person's refs/remotes/<remote>/* along the way.
    run_git(repo, ["fetch", "--no-tags", "--no-write-fetch-head", "--refmap=", remote, *refspecs], timeout=NETWORK_TIMEOUT_SECONDS, secrets=secrets)


def is_ancestor(repo: Path, ancestor: str, descendant: str) -> bool:
    return run_git(repo, ["merge-base", "--is-ancestor", ancestor, descendant], check=False).returncode == 0


def commit_messages(repo: Path, revision_range: str) -> list[str]:
    """Full messages of the commits in `revision_range` (e.g. "base..tip"), newest first."""
    out = run_git(repo, ["log", "--format=%B%x00", revision_range]).stdout
    return [m.strip() for m in out.split("\x00") if m.strip()]


def show_file(repo: Path, revision: str, path: str) -> bytes | None:
    """The bytes of `path` at `revision`, or None when it does not exist there."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "show", f"{revision}:{path}"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=LOCAL_TIMEOUT_SECONDS,
        env=_git_env(),
    )
    return proc.stdout if proc.returncode == 0 else None


def config_value(repo: Path, key: str) -> str | None:
    result = run_git(repo, ["config", "--get", key], check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def add_worktree(repo: Path, path: Path, branch: str, start: str, only: str | None = None) -> None:
    """Create (or reset) local `branch` at `start` and check it out in a new worktree at `path`.

    With `only` (a path inside the repository), just that one file is written to the folder: a
    log repository full of PDFs (or LFS files) is not copied out every night. The worktree's index
    still holds every file of `start`, so a commit there changes only what was added.
    A stale worktree left at `path` by an interrupted run is removed first. The person's own work
    tree and index are never touched: git writes only the new folder and `.git/worktrees/`."""
    remove_worktree(repo, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # No hooks of the person's (post-checkout) run in paperflow's worktree.
    quiet = ["-c", "core.hooksPath=/dev/null"]
    if only is None:
        run_git(repo, [*quiet, "worktree", "add", "--force", "-B", branch, str(path), start])
        return
    run_git(repo, [*quiet, "worktree", "add", "--force", "--no-checkout", "-B", branch, str(path), start])
    run_git(path, ["read-tree", "HEAD"])
    if run_git(path, ["cat-file", "-e", f"HEAD:{only}"], check=False).returncode == 0:
        run_git(path, [*quiet, "checkout", "HEAD", "--", only])


def remove_worktree(repo: Path, path: Path) -> None:
    """Remove the worktree at `path` (the branch stays); quiet when there is none."""
    if path.exists():
        run_git(repo, ["worktree", "remove", "--force", str(path)], check=False)
    if path.exists():  # not a registered worktree (a leftover folder): it is ours, under output/
        shutil.rmtree(path, ignore_errors=True)
    run_git(repo, ["worktree", "prune"], check=False)


def tracked_files(path: Path, folder: str) -> set[str]:
    """Names of the files the index of the repository (or worktree) at `path` holds in `folder`."""
    listed = run_git(path, ["ls-files", "-z", "--", folder], check=False)
    if listed.returncode != 0:
        return set()
    return {Path(name).name for name in listed.stdout.split("\0") if name}
