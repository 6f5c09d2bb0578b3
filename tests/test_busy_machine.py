"""A busy machine is the normal case (issue 20): with twice as many CPU-bound processes as cores beside it
(a local LLM taking every core), `paperflow nightly` on a temporary Prefect server and `paperflow summarize`
finish their night, and a review night pushes its branch and opens one pull request. When the temporary
server truly cannot start, or drafts get no pull request, one line says why and the exit code is not 0."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.cpu_load import cpu_load, load_processes
from tests.support.fake_github import FakeGitHub
from tests.support.flows import PaperSite, write_config
from tests.support.git import git, isolated_identity, log_repository
from tests.support.wheel import clean_env
from tests.test_serve import PAPERFLOW

pytestmark = pytest.mark.prefect

LOG = "# papers\n\n# pending list\n\n# 2024.1\n\n## 2024.1.2\n\n《Old》\n\n总体上，好。\n"
PDF = "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf"
TITLE = "《Attention Is All You Need》"
LOAD_SECONDS = 540  # each load process ends by itself after this, whatever happens to the test
RUN_TIMEOUT = 900
TOKEN = "ghp_FAKEbusyTOKEN0123456789abcdef"
TOKEN_ENV = "BUSY_TEST_GH_TOKEN"


def _run(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PAPERFLOW, *args], capture_output=True, text=True, env=clean_env(home), cwd=cwd,
                          timeout=RUN_TIMEOUT)


def _no_traceback(done: subprocess.CompletedProcess[str]) -> str:
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    return output


def _report_of(done: subprocess.CompletedProcess[str]) -> str:
    line = next(line for line in done.stdout.splitlines() if line.startswith("report: "))
    report = Path(line.removeprefix("report: "))
    assert report.is_file()
    return report.read_text(encoding="utf-8")


def test_nightly_on_a_temporary_server_finishes_beside_cpu_bound_processes(tmp_path, shared_data):
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    with PaperSite(shared_data, {}) as site:
        config = write_config(tmp_path, site)
        with cpu_load(LOAD_SECONDS) as load:
            assert len(load) == load_processes() and all(p.poll() is None for p in load)
            # A new Prefect home: the temporary server also creates its database, the slowest start there is.
            done = _run(["--config", str(config), "nightly", str(shared_data / PDF), "--date", "2024-01-03"],
                        tmp_path, tmp_path / "prefect-home")
            assert all(p.poll() is None for p in load)  # the load lasted the whole night
    output = _no_traceback(done)
    assert done.returncode == 0, output
    assert "1 papers found, 1 drafted, 0 failed" in done.stdout
    assert "1 papers found, 1 drafted, 0 failed" in _report_of(done)
    log = (tmp_path / "log.md").read_text(encoding="utf-8")
    assert "## 2024.1.3" in log and TITLE in log


def test_summarize_finishes_beside_cpu_bound_processes(tmp_path, shared_data):
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    with PaperSite(shared_data, {}) as site:
        config = write_config(tmp_path, site)
        with cpu_load(LOAD_SECONDS) as load:
            done = _run(["--config", str(config), "summarize", str(shared_data / PDF), "--date", "2024-01-03"],
                        tmp_path, tmp_path / "prefect-home")
            assert all(p.poll() is None for p in load)
    output = _no_traceback(done)
    assert done.returncode == 0, output
    assert "1706.03762v5: insert: drafted into" in done.stdout
    assert "drafted" in _report_of(done)
    assert TITLE in (tmp_path / "log.md").read_text(encoding="utf-8")


def _review_night(tmp_path: Path, shared_data: Path, monkeypatch, *, token: bool) -> tuple[Path, Path, Path]:
    isolated_identity(tmp_path, monkeypatch)
    if token:
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
    else:
        monkeypatch.delenv(TOKEN_ENV, raising=False)
    remote, person = log_repository(tmp_path, "log.md", LOG)
    return remote, person, (person / "log.md")


def test_a_review_night_beside_cpu_bound_processes_pushes_its_branch_and_opens_one_pull_request(
    tmp_path, shared_data, monkeypatch
):
    remote, person, log = _review_night(tmp_path, shared_data, monkeypatch, token=True)
    before = log.read_bytes()
    with PaperSite(shared_data, {}) as site, FakeGitHub(TOKEN, remote=remote) as github:
        review = (f'enabled = true\nrepository = "alice/papers"\ntoken_env = "{TOKEN_ENV}"\nuse_gh_cli = false\n'
                  f'api_url = "{github.api_url}"')
        config = write_config(tmp_path, site, log="person/log.md", review=review)
        with cpu_load(LOAD_SECONDS) as load:
            done = _run(["--config", str(config), "nightly", str(shared_data / PDF), "--date", "2024-01-03"],
                        tmp_path, tmp_path / "prefect-home")
            assert all(p.poll() is None for p in load)
        pulls = list(github.pulls.values())
    output = _no_traceback(done)
    assert done.returncode == 0, output
    branch = "paperflow/2024-01-03"
    assert git(remote, "ls-remote", str(remote), f"refs/heads/{branch}").strip(), output  # pushed
    assert TITLE in git(remote, "show", f"{branch}:log.md")
    assert len(pulls) == 1 and pulls[0]["head"].endswith(branch) and pulls[0]["state"] == "open"
    assert log.read_bytes() == before  # the person's checkout is never touched
    assert "pull request opened" in _report_of(done)


def test_drafts_that_get_no_pull_request_end_the_night_with_one_line_and_exit_1(tmp_path, shared_data, monkeypatch):
    remote, person, log = _review_night(tmp_path, shared_data, monkeypatch, token=False)
    with PaperSite(shared_data, {}) as site:
        review = f'enabled = true\nrepository = "alice/papers"\ntoken_env = "{TOKEN_ENV}"\nuse_gh_cli = false'
        config = write_config(tmp_path, site, log="person/log.md", review=review)
        done = _run(["--config", str(config), "nightly", str(shared_data / PDF), "--date", "2024-01-03"],
                    tmp_path, tmp_path / "prefect-home")
    output = _no_traceback(done)
    assert done.returncode == 1, output
    lines = [line for line in done.stderr.splitlines() if line.startswith("paperflow nightly: ")]
    assert lines == ["paperflow nightly: the drafts of 2024-01-03 got no pull request: no GitHub token (set "
                     f"${TOKEN_ENV} or log in with `gh auth login`): the branch is pushed but no pull request was "
                     "opened; finish with `paperflow review --date 2024-01-03`"], done.stderr
    assert git(remote, "ls-remote", str(remote), "refs/heads/paperflow/2024-01-03").strip()  # pushed all the same


def test_a_temporary_server_that_cannot_start_is_one_line_saying_what_to_do(tmp_path):
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    config = tmp_path / "paperflow.toml"
    config.write_text('output_dir = "out"\n[log]\npath = "log.md"\n[prefect]\nserver_start_timeout_seconds = 10\n'
                      "server_start_attempts = 2\n", encoding="utf-8")
    # A real fault: the server cannot open its database, so it never answers.
    env = clean_env(tmp_path / "prefect-home",
                    PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/x.db")
    done = subprocess.run([*PAPERFLOW, "--config", str(config), "nightly", "--dry-run"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=RUN_TIMEOUT)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith("paperflow nightly: the temporary Prefect server did not start (")
    assert lines[0].endswith("starting it again (2 of 2, waiting up to 10 s)")
    assert lines[1].startswith("paperflow: prefect: the temporary Prefect server did not start in 2 attempt(s) of "
                               "up to 10 s each (")
    assert "`prefect server start`" in lines[1] and "[prefect] api_url" in lines[1]
    assert (tmp_path / "out" / "prefect-server.log").read_text().count("unable to open database file") >= 1


def test_without_a_server_prefect_is_given_the_waits_of_a_busy_machine():
    from paperflow.prefect_env import prefect_environment
    from paperflow.settings import Settings

    env = prefect_environment(Settings(prefect={"server_start_timeout_seconds": 900}))
    assert env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "900"
    assert float(env["PREFECT_SERVER_DATABASE_TIMEOUT"]) >= 60 and float(env["PREFECT_API_REQUEST_TIMEOUT"]) >= 60
    served = prefect_environment(Settings(prefect={"api_url": "http://127.0.0.1:4200/api"}))
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" not in served  # a server of the person's own
