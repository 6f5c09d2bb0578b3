"""`paperflow review` and `paperflow review status` end to end: config file, ledger, real git, the
local GitHub server."""

from __future__ import annotations

import json

from test_review import (  # noqa: F401 - fixtures
    BRANCH,
    DAY,
    EMU2,
    MIXTRAL,
    TOKEN,
    TOKEN_ENV,
    git_identity,
    github,
    remote_log,
    world,
)
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState
from tests.support.ledger import drafted


def write_config(world, api_url: str) -> str:
    path = world["tmp"] / "paperflow.toml"
    path.write_text(
        f'output_dir = "out"\n\n[log]\npath = "person/README.md"\n\n'
        f'[review]\napi_url = "{api_url}"\nrepository = "alice/papers"\ntoken_env = "{TOKEN_ENV}"\nuse_gh_cli = false\n',
        encoding="utf-8",
    )
    return str(path)


def cache_file(world, summary) -> str:
    # The file layout paperflow.summary.summarize writes: {"format", "cache_key", "result": {"summary": ...}}.
    path = world["tmp"] / "out" / "summaries" / f"{summary.arxiv_id}v1-abc.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "cache_key": "abc",
                                "result": {"summary": summary.model_dump(mode="json"), "cached": False}}),
                    encoding="utf-8")
    return str(path)


def test_review_opens_the_pull_request_for_the_days_drafts_then_status_lists_it(world, github):
    config = write_config(world, github.api_url)
    ledger = Ledger(world["tmp"] / "out" / "ledger.sqlite3")
    for s in (MIXTRAL, EMU2):
        drafted(ledger, s, DAY, cache_file(world, s))
    ledger.fail("2401.99999", "extract", "scanned, no text layer")
    runner = CliRunner()

    result = runner.invoke(app, ["--config", config, "review", "--date", "2024-01-03"])
    assert result.exit_code == 0, result.output
    assert "pull request opened: https://github.example/alice/papers/pull/1" in result.output
    assert "《Mixtral of Experts》" in remote_log(world["remote"], BRANCH)
    assert ledger.get(MIXTRAL.key).state == PaperState.IN_REVIEW

    again = runner.invoke(app, ["--config", config, "review", "--date", "2024-01-03", "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert data["review"]["pr_number"] == 1 and data["review"]["mode"] == "unchanged" and len(github.pulls) == 1

    status = runner.invoke(app, ["--config", config, "review", "status"])
    assert status.exit_code == 0, status.output
    assert f"{BRANCH}: paperflow: 2 drafts for 2024.1.3 (https://github.example/alice/papers/pull/1)" in status.output
    assert f"  - {MIXTRAL.key}: Mixtral of Experts" in status.output
    for output in (result.output, again.output, status.output):
        assert TOKEN not in output


def test_review_without_a_token_prints_the_commands_and_exits_1(world, github, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)
    config = write_config(world, github.api_url)
    ledger = Ledger(world["tmp"] / "out" / "ledger.sqlite3")
    drafted(ledger, MIXTRAL, DAY, cache_file(world, MIXTRAL))
    result = CliRunner().invoke(app, ["--config", config, "review", "--date", "2024-01-03"])
    assert result.exit_code == 1
    assert "to finish by hand, run:" in result.output and "gh pr create --repo alice/papers" in result.output
    status = CliRunner().invoke(app, ["--config", config, "review", "status"])
    assert "no GitHub token" in status.output and f"{MIXTRAL.key}: Mixtral of Experts" in status.output


def test_review_with_nothing_drafted_that_day(world, github):
    config = write_config(world, github.api_url)
    result = CliRunner().invoke(app, ["--config", config, "review", "--date", "2024-01-05"])
    assert result.exit_code == 0 and "no drafts to propose on paperflow/2024-01-05" in result.output
    assert github.pulls == {}
