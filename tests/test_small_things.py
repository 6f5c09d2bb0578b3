"""What a new user trips on (issue 20): a dry run without a log, the schema's arxiv_id, the import circle."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from cli_helpers import run
from paperflow.sources.ids import InvalidIdError, parse_arxiv_id

ACCEPTED = ["2312.13286", "1412.6980", "2312.13286v2", "arXiv:2312.13286", "arxiv: 1706.03762v5", "hep-th/9901001",
            "math.GT/0309136v1", "https://arxiv.org/abs/1706.03762", "http://export.arxiv.org/pdf/1706.03762v5.pdf",
            "https://www.arxiv.org/html/2312.13286v2/", " 2312.13286 "]
REFUSED = ["", "1706", "2313.13286", "2312.1328", "1412.123456", "1501.1234", "2312.13286v0", "local:abc", "https://example.org/abs/1706.03762",
           "10.1000/xyz123", "see 2312.13286", "2312.13286 extra"]


def _schema_pattern() -> re.Pattern[str]:
    result = run("log", "schema")
    assert result.exit_code == 0, result.output
    field = json.loads(result.stdout)["properties"]["arxiv_id"]
    return re.compile(field["pattern"])


@pytest.mark.parametrize("value", ACCEPTED + REFUSED)
def test_the_schema_pattern_of_arxiv_id_says_what_log_insert_accepts(value):
    try:
        parse_arxiv_id(value)
        parsed = True
    except InvalidIdError:
        parsed = False
    assert parsed == (value in ACCEPTED)  # the samples are right about the parser
    assert bool(_schema_pattern().search(value)) == parsed, value


def test_a_refused_id_is_refused_by_log_insert_too(tmp_path):
    from cli_helpers import summary_file

    log = tmp_path / "log.md"
    log.write_text("# papers\n\n# pending list\n")
    bad = summary_file(tmp_path, "A title", arxiv_id="10.1000/xyz123")
    result = run("log", "insert", str(bad), "--log", str(log))
    assert result.exit_code == 2 and "arxiv_id" in result.stderr and "not an arXiv id" in result.stderr
    assert not _schema_pattern().search("10.1000/xyz123")


def test_summarize_dry_run_without_a_log_prints_the_draft_and_says_nothing_was_checked(tmp_path, shared_data,
                                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)  # no paperflow.toml here, no [log] path, no --log
    result = run("summarize", str(shared_data / "pdf/arxiv_1406.2661v1_gan.pdf"), "--dry-run", "--llm", "none",
                 "--date", "2024-02-01")
    assert result.exit_code == 0, result.output
    assert "《Generative Adversarial Nets》" in result.stdout
    assert "nothing was checked against a log" in result.stdout and "nothing was written" in result.stdout
    assert "no log configured" not in result.output
    assert not list(tmp_path.glob("*.md"))


def test_without_dry_run_a_missing_log_is_still_one_line(tmp_path, shared_data, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("summarize", str(shared_data / "pdf/arxiv_1406.2661v1_gan.pdf"), "--llm", "none")
    assert result.exit_code == 2
    assert "no log configured" in result.stderr and "Traceback" not in result.output


def test_cache_keys_and_summarize_share_one_prompt_hash_without_importing_each_other():
    probe = ("import sys, paperflow.cache_keys as k; "
             "print('paperflow.summary.summarize' in sys.modules); "
             "import paperflow.summary.summarize as s, paperflow.summary.prompt_set as p; "
             "print(k.prompt_hash is p.prompt_hash is s.prompt_hash)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["False", "True"]
