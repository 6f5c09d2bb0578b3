"""Failing fast and visibly (issue 11): an offline night, a refused LLM port, a failed paper in the table.

Everything on 127.0.0.1: "offline" is an arXiv API URL whose port refuses connections; the first
refused connection marks the host unreachable for the run and nothing more is sent to it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.http import RUN_HOSTS
from paperflow.ledger import Ledger, PaperState
from paperflow.pipeline import Orchestrator, ThreadExecutor
from paperflow.settings import load_settings
from tests.support.local_server import free_port

LOG = """# papers-weekly

# pending list

- [ ] Deeper insights into graph convolutional networks for semi-supervised learning
- [ ] efficient two-stage group testing algorithms for dna screening
- [ ] Mixtral of Experts: a sparse mixture of experts language model
- [ ] https://arxiv.org/abs/1605.08386
- [ ] 写综述：GNN 论文总结

# 2024.1

## 2024.1.2

《Old》

总体上，好。
"""
GAN = "pdf/arxiv_1406.2661v1_gan.pdf"
BERT = "pdf/arxiv_1810.04805v2_bert.pdf"


def _config(tmp_path: Path, extra: str = "", **sections: dict) -> Path:
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    lines = ['output_dir = "out"', 'timezone = "UTC"', "[log]", 'path = "log.md"', "[review]", "enabled = false"]
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    lines.append(extra)
    config = tmp_path / "paperflow.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _offline(tmp_path: Path) -> tuple[Path, str]:
    port = free_port()
    arxiv = {"api_url": f"http://127.0.0.1:{port}/api/query", "pdf_hosts": [f"http://127.0.0.1:{port}"],
             "delay_seconds": 0, "retries": 3}
    query = '[[arxiv.queries]]\nquery = "all:testing"\nname = "testing"\n'
    return _config(tmp_path, query, arxiv=arxiv), f"127.0.0.1:{port}"


def test_an_offline_night_asks_the_host_once_lists_what_it_could_not_resolve_and_says_so(tmp_path):
    config, host = _offline(tmp_path)
    settings = load_settings(config)
    lines: list[str] = []
    result = Orchestrator(settings, ThreadExecutor(), Ledger.open(settings),
                          progress=lambda *parts: lines.append(": ".join(parts))).nightly(
        ["2104.12255"], day=date(2024, 1, 3), dry_run=True)

    # one connection attempt, then nothing: 2 more title searches, the id batch and the query not sent
    assert RUN_HOSTS.unreachable() == {host: "connection refused"}
    assert RUN_HOSTS.skipped(host) == 4
    assert result.unreadable == [
        f"the pending list: 3 title search(es) failed: {host} unreachable (connection refused)",
        f"arXiv metadata of 2 id(s): {host} unreachable (connection refused); not tried again this run",
        f"query 'testing': {host} unreachable (connection refused); not tried again this run",
    ]
    report = result.report.to_markdown()
    assert result.report.headline() == "dry run: 0 papers found, 0 drafted, 3 failed"  # 2 ids and the query
    unresolved = report.split("## Unresolved pending items\n\n")[1].split("\n\n")[0].splitlines()
    assert unresolved[0] == ("- Deeper insights into graph convolutional networks for semi-supervised learning: "
                             f"search failed: {host} unreachable (connection refused)")
    assert unresolved[1].endswith(f"search failed: {host} unreachable (connection refused); not tried again this run")
    assert len(unresolved) == 3
    assert f"{host} unreachable (connection refused): no more requests were sent to it in this run" in report
    assert "| 2104.12255 | resolve |" in report and "| 1605.08386 | resolve |" in report
    assert (tmp_path / "log.md").read_text(encoding="utf-8") == LOG


def test_paperflow_sources_offline_exits_1_with_one_line_naming_the_host(tmp_path, caplog):
    config, host = _offline(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(config), "sources"])
    assert result.exit_code == 1, result.output
    warnings = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert warnings == [f"{host} unreachable (connection refused): no more requests to it in this run"]
    assert f"paperflow sources: could not read query 'testing': {host} unreachable" in result.output
    assert "Traceback" not in result.output


def test_a_refused_llm_port_fails_the_first_paper_in_seconds_and_the_next_at_once(tmp_path, shared_data):
    port = free_port()
    # the PDFs carry their arXiv stamps; their metadata is asked of an API that is not there either
    config = _config(tmp_path, llm={"base_url": f"http://127.0.0.1:{port}/v1", "model": "m", "retries": 20,
                                    "retry_backoff_seconds": 1.0, "max_concurrency": 1},
                     arxiv={"api_url": f"http://127.0.0.1:{free_port()}/api/query", "delay_seconds": 0})
    result = CliRunner().invoke(app, ["--config", str(config), "summarize", str(shared_data / GAN),
                                      str(shared_data / BERT), "--date", "2024-01-03"])
    assert result.exit_code == 1, result.output
    out = result.output
    first = f"1406.2661v1: summarize: FAILED: LLM at http://127.0.0.1:{port}/v1: " \
            "cannot connect (connection refused) after 3 attempts"
    second = f"1810.04805v2: summarize: FAILED: LLM at http://127.0.0.1:{port}/v1: " \
             f"127.0.0.1:{port} unreachable (connection refused); not tried again this run"
    assert first in out and second in out
    # each failure is said once, and each paper has its row in the table
    assert out.count("cannot connect (connection refused)") == 1 and out.count("not tried again this run") == 1
    table = out.split("\n\npaper ")[1].splitlines()[:4]
    assert [row.split()[0] for row in table[1:]] == ["1406.2661v1", "1810.04805v2", "total"]
    assert all(row.endswith("failed at summarize") for row in table[1:3])
    assert table[3].split()[-2:] == ["2", "failed"]
    assert (tmp_path / "log.md").read_text(encoding="utf-8") == LOG
    rows = Ledger.open(load_settings(config)).rows()
    assert {(r.state, r.last_stage, r.attempts) for r in rows} == {(PaperState.FAILED, "summarize", 1)}


def test_pending_resolve_offline_exits_1_and_says_why_for_each_title(tmp_path):
    config, host = _offline(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(config), "pending", "--resolve"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "search failed" in line]
    assert len(lines) == 3
    assert lines[0].endswith(f"search failed: {host} unreachable (connection refused)")
    assert all(line.endswith("not tried again this run") for line in lines[1:])
    assert RUN_HOSTS.skipped(host) == 2
