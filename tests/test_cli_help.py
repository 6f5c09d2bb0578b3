"""What a new user reads: help that shows flags as flags and says what a default is, a dry run that
says nothing was written, and `review status` that does not contradict itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from logs.builder import sample_log

from cli_helpers import run

COMMANDS = [["summarize"], ["nightly"], ["serve"], ["log", "check"], ["log", "insert"], ["log", "schema"],
            ["pending"], ["fetch"], ["sources"], ["extract"], ["review"], ["review", "status"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_help_shows_flags_without_a_type_and_says_where_defaults_come_from(command):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<bool>" not in text and "…" not in text
    assert "default: log.path" not in text and "default: extract.max_input_tokens" not in text
    if "--log" in text or "[FILE]" in text:
        assert "[log] path in paperflow.toml" in " ".join(text.split())


def test_max_tokens_help_is_whole():
    text = " ".join(run("extract", "--help").stdout.split())
    assert "--max-tokens N input budget in tokens (default: [extract] max_input_tokens in paperflow.toml, 6000 " \
           "unless set)" in text


def test_a_dry_run_says_that_nothing_was_written(tmp_path, shared_data):
    log = tmp_path / "log.md"
    log.write_bytes(sample_log().build().data)
    result = run("summarize", str(shared_data / "pdf/arxiv_1406.2661v1_gan.pdf"), "--log", str(log), "--llm", "none",
                 "--dry-run", "--date", "2024-02-01")
    assert result.exit_code == 0, result.output
    assert "《Generative Adversarial Nets》" in result.stdout
    assert f"dry run: nothing was written to {log}" in result.stdout
    assert log.read_bytes() == sample_log().build().data


def test_review_status_without_a_token_does_not_claim_there_are_no_pull_requests(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("log.md").write_bytes(sample_log().build().data)
    Path("paperflow.toml").write_text('[log]\npath = "log.md"\n[review]\ntoken_env = "NO_SUCH_TOKEN"\n'
                                      "use_gh_cli = false\n")
    result = run("review", "status")
    assert result.exit_code == 0, result.output
    assert "pull requests were not checked" in result.stdout
    assert "no open paperflow pull requests" not in result.stdout
    assert "no paperflow drafts in review in the ledger" in result.stdout
