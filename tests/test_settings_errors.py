"""Every bad setting stops paperflow at load with one line naming the key (and the file or variable),
exit 2, before the log is touched. A key pasted where a variable name belongs is never printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from logs.builder import sample_log

from cli_helpers import one_line_error, run, summary_file
from paperflow.settings import load_settings

LOG = sample_log().build().data
PASTED_OPENAI_KEY = "sk-proj-Abc123def456GHI789jkl012MNO345pqr678"
PASTED_GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0" * 2


def world(tmp_path: Path, toml: str) -> tuple[Path, Path]:
    """A config (with `toml` after a valid [log] path) and the log it names."""
    log = tmp_path / "README.md"
    log.write_bytes(LOG)
    conf = tmp_path / "paperflow.toml"
    conf.write_text(toml if "[log]" in toml else f'{toml}\n[log]\npath = "README.md"\n')
    return conf, log


def insert(tmp_path: Path, conf: Path, env: dict[str, str] | None = None):
    return run("--config", str(conf), "log", "insert", str(summary_file(tmp_path, "New Paper")), "--date",
               "2024-01-03", env=env)


def make_file(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


BAD_FILES = [
    ('[arxiv]\napi_url = "file:///etc/passwd"', "arxiv.api_url: must be an http:// or https:// URL, not file://"),
    ('[review]\napi_url = "ftp://github.example.com"', "review.api_url: must be an http:// or https:// URL, not ftp://"),
    ('[llm]\nbase_url = "https://[::1"', "llm.base_url: not a valid URL (Invalid IPv6 URL)"),
    ('[llm]\nbase_url = "127.0.0.1:8080/v1"', "llm.base_url: must be an http:// or https:// URL"),
    ('[llm]\nbase_url = "http://127.0.0.1:99999/v1"', "llm.base_url: not a valid URL"),
    ('[prefect]\napi_url = "localhost:4200/api"', "prefect.api_url: must be an http:// or https:// URL"),
    ('[arxiv]\ndelay_seconds = inf', "arxiv.delay_seconds: Input should be a finite number"),
    ('[llm]\ntimeout_seconds = nan', "llm.timeout_seconds: Input should be a finite number"),
    ('[arxiv]\npdf_hosts = ["arxiv.org/pdf"]', "arxiv.pdf_hosts.0: a PDF host is a host name"),
    ('[schedule]\ncron = "0 25 * * *"', "schedule.cron: not a cron expression like '0 2 * * *'"),
    ('[schedule]\ncron = "every night"', "schedule.cron: not a cron expression"),
    ('[review]\ntoken_env = "GITHUB TOKEN"', "review.token_env: must be the NAME of an environment variable"),
    ('prompts_dir = "no-such-prompts"', "prompts_dir: {tmp}/no-such-prompts does not exist"),
    ('output_dir = "taken"', "output_dir: {tmp}/taken is a file, not a folder"),
    ('[log]\npath = "README.md"\nentry_template = "templates"', "log.entry_template: {tmp}/templates is a folder"),
    ('[log]\npath = "README.md"\nentry_template = "broken.j2"', "log.entry_template: {tmp}/broken.j2 line 2: "),
    ('[log]\npath = "README.md"\nentry_template = "gone.j2"', "log.entry_template: {tmp}/gone.j2 does not exist"),
    ('[log]\npath = "README.md"\nmodle = 1', "log.modle: unknown key"),
]


@pytest.mark.parametrize(("toml", "expected"), BAD_FILES, ids=[e.split(":")[0] + f"-{i}" for i, (_, e) in
                                                                enumerate(BAD_FILES)])
def test_a_bad_setting_in_the_file_is_one_line_and_the_log_is_untouched(tmp_path, toml, expected):
    make_file(tmp_path / "taken")
    (tmp_path / "templates").mkdir()
    make_file(tmp_path / "broken.j2", "《{{ s.title }}》\n{% if %}\n")
    conf, log = world(tmp_path, toml)
    line = one_line_error(insert(tmp_path, conf))
    assert line.startswith(f"paperflow: {conf}: ")
    assert expected.format(tmp=tmp_path.resolve()) in line
    assert log.read_bytes() == LOG


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("PAPERFLOW_LLM__BASE_URL", "ftp://x", "llm.base_url: must be an http:// or https:// URL, not ftp://"),
    ("PAPERFLOW_ARXIV__DELAY_SECONDS", "inf", "arxiv.delay_seconds: Input should be a finite number"),
    ("PAPERFLOW_ARXIV__PDF_HOSTS", "arxiv.org,not a host", "arxiv.pdf_hosts.1: a PDF host is a host name"),
    ("PAPERFLOW_LLM__PRICES", "cheap", "not valid JSON"),
    ("PAPERFLOW_SCHEDULE__CRON", "61 * * * *", "schedule.cron: not a cron expression"),
])
def test_a_bad_setting_in_the_environment_names_the_variable(tmp_path, variable, value, expected):
    conf, log = world(tmp_path, "")
    line = one_line_error(insert(tmp_path, conf, env={variable: value}))
    assert line.startswith(f"paperflow: environment variable {variable}: ") and expected in line
    assert log.read_bytes() == LOG


@pytest.mark.parametrize(("where", "toml", "variable", "secret"), [
    ("llm.api_key_env", '[llm]\napi_key_env = "{secret}"', "PAPERFLOW_LLM__API_KEY_ENV", PASTED_OPENAI_KEY),
    ("review.token_env", '[review]\ntoken_env = "{secret}"', "PAPERFLOW_REVIEW__TOKEN_ENV", PASTED_GITHUB_TOKEN),
])
def test_a_key_pasted_where_a_variable_name_belongs_is_refused_without_printing_it(tmp_path, where, toml, variable,
                                                                                   secret):
    conf, log = world(tmp_path, toml.format(secret=secret))
    result = insert(tmp_path, conf)
    line = one_line_error(result)
    assert line == f"paperflow: {conf}: {where}: this looks like a key, not a variable name: put the key in an " \
                   "environment variable and write that variable's NAME here"
    assert secret not in result.output and secret[:8] not in result.output
    conf.write_text('[log]\npath = "README.md"\n')
    from_env = insert(tmp_path, conf, env={variable: secret})
    assert "this looks like a key" in one_line_error(from_env) and secret not in from_env.output
    assert log.read_bytes() == LOG


def test_the_readme_list_pattern_for_pdf_hosts_is_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERFLOW_ARXIV__PDF_HOSTS", "arxiv.org")
    assert load_settings().arxiv.pdf_hosts == ["arxiv.org"]
    monkeypatch.setenv("PAPERFLOW_ARXIV__PDF_HOSTS", "arxiv.org, http://127.0.0.1:8000")
    assert load_settings().arxiv.pdf_hosts == ["arxiv.org", "http://127.0.0.1:8000"]
    monkeypatch.setenv("PAPERFLOW_ARXIV__PDF_HOSTS", '["export.arxiv.org"]')
    assert load_settings().arxiv.pdf_hosts == ["export.arxiv.org"]


def test_cron_shorthands_are_accepted():
    assert load_settings(schedule={"cron": "@daily"}).schedule.cron == "@daily"


def test_log_check_with_a_file_still_refuses_an_unknown_key(tmp_path):
    conf, log = world(tmp_path, '[log]\npath = "README.md"\nmodle = 1\n')
    line = one_line_error(run("--config", str(conf), "log", "check", str(log)))
    assert line == f"paperflow: {conf}: log.modle: unknown key"
