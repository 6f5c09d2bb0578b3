"""`paperflow fetch`, `paperflow sources` and `paperflow pending --resolve` end to end, on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.support.arxiv import arxiv_api_replay
from tests.support.local_server import LocalServer, Reply, Script
from paperflow.http import ARXIV_RATE_LIMITER
from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState

LOG = """# pending list

- [ ] efficient two-stage group testing algorithms for dna screening
- [ ] 写综述：GNN 论文总结
- [ ] https://arxiv.org/abs/1605.08386
"""


@pytest.fixture
def servers(shared_data, tmp_path):
    pdf = (shared_data / "pdf" / "arxiv_1810.04805v2_bert.pdf").read_bytes()
    with LocalServer(Script(Reply(200, pdf, content_type="application/pdf"))) as pdfs:
        with LocalServer(arxiv_api_replay(shared_data, pdf_origin=pdfs.origin)) as api:
            config = tmp_path / "paperflow.toml"
            (tmp_path / "README.md").write_text(LOG, encoding="utf-8")
            config.write_text(
                f"""output_dir = "out"
[log]
path = "README.md"
[arxiv]
api_url = "{api.url('/api/query')}"
pdf_hosts = ["{pdfs.origin}"]
delay_seconds = 0
retries = 0
""",
                encoding="utf-8",
            )
            ARXIV_RATE_LIMITER.reset()
            yield config, api, pdfs


def test_fetch_prints_metadata_downloads_and_reports_bad_ids(servers, tmp_path):
    config, api, pdfs = servers
    result = CliRunner().invoke(app, ["--config", str(config), "fetch", "1707.08567", "nope/../x", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    (row,) = data["papers"]
    assert row["paper"]["arxiv_id"] == "1707.08567" and row["error"] is None
    assert row["pdf_path"] == str(tmp_path / "out" / "pdfs" / "1707.08567v1.pdf")
    assert [f["input"] for f in data["failures"]] == ["nope/../x"]
    assert Ledger(tmp_path / "out" / "ledger.sqlite3").get("1707.08567").state == PaperState.DOWNLOADED

    text = CliRunner().invoke(app, ["--config", str(config), "fetch", "https://arxiv.org/abs/1707.08567"])
    assert text.exit_code == 0, text.output
    assert "arXiv:1707.08567v1  Proceedings of Workshop AEW10" in text.stdout
    assert f"pdf: {tmp_path / 'out' / 'pdfs' / '1707.08567v1.pdf'}" in text.stdout
    assert len(pdfs.requests) == 1  # the second fetch found the valid file


def test_sources_shows_tonight_without_downloading(servers, tmp_path):
    config, api, pdfs = servers
    result = CliRunner().invoke(app, ["--config", str(config), "sources", "2104.12255v1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["arxiv_id"] for p in data["take"]] == ["2104.12255", "1106.3680", "1605.08386"]
    assert [p["status"] for p in data["pending"]] == ["title", "not_a_paper", "id"]
    assert pdfs.requests == []
    assert Ledger(tmp_path / "out" / "ledger.sqlite3").rows() == []
    text = CliRunner().invoke(app, ["--config", str(config), "sources"])
    assert "take (2):" in text.stdout and "arXiv API requests" in text.stdout


def test_pending_resolve(servers):
    config, api, pdfs = servers
    result = CliRunner().invoke(app, ["--config", str(config), "pending", "--resolve"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "arXiv:1106.3680 (title match 1.00)" in lines[0]
    assert lines[1].endswith("not a paper title: left alone")
    assert "arXiv:1605.08386 (id in the item)" in lines[2]
