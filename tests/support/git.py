"""Real git for the review tests: an isolated identity, and a log repository with its bare remote on disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout


def isolated_identity(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own git config must not matter: a fixed user and default branch `main`."""
    config = folder / "gitconfig"
    config.write_text("[user]\n\tname = Person\n\temail = person@example.com\n[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def log_repository(folder: Path, log_name: str, text: str) -> tuple[Path, Path]:
    """A bare remote `folder/remote.git` and the person's clone `folder/person` holding the log, pushed to main."""
    remote, person = folder / "remote.git", folder / "person"
    git(folder, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(folder, "clone", "--quiet", str(remote), str(person))
    (person / log_name).write_text(text, encoding="utf-8")
    git(person, "add", log_name)
    git(person, "commit", "--quiet", "-m", "log")
    git(person, "push", "--quiet", "origin", "main")
    return remote, person
