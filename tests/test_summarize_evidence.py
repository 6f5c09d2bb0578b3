"""Evidence through `paperflow summarize` on real PDFs: the LLM's quotes (the real local LLM, and a
scripted answer with real and invented quotes) checked against the paper, in the summary JSON and
printed by --dry-run, never in the log entry; `--redraft` never touches the person's entry."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState
from paperflow.settings import load_settings
from paperflow.summary.evidence import NO_PASSAGE
from paperflow.summary.summarize import llm_schema
from tests.support.llm_server import FaultServer, Reply, llama_server  # noqa: F401 - fixture
from tests.test_pipeline import GAN, run, setup, summaries_in

REAL = ("The training procedure for G is to maximize the probability of D making a mistake.",
        "this framework corresponds to a minimax two-player game")
INVENTED = "We train the generator and the discriminator with a Wasserstein loss to avoid mode collapse."
CONCLUSION = "This paper has demonstrated the viability of the adversarial modeling framework"


def answer() -> str:
    return json.dumps({
        "published": "2014.6", "organisations": ["Université de Montréal"], "topic": "对抗生成网络",
        "keywords": ["GAN", "generative model", "adversarial"],
        "points": [{"label": "模型", "text": "G 和 D 博弈。", "quote": REAL[0]},
                   {"label": "背景", "text": "极小极大博弈。", "quote": REAL[1]},
                   {"label": "实验结果", "text": "用 Wasserstein loss。", "quote": INVENTED}],
        "verdict": "总体上，开创性的工作。", "verdict_quote": CONCLUSION,
    }, ensure_ascii=False)


def test_the_schema_asks_for_a_verbatim_quote_per_point_and_for_the_verdict():
    schema = llm_schema("zh", 1500)
    point = schema["properties"]["points"]["items"]
    assert "quote" in point["required"] and "verbatim" in point["properties"]["quote"]["description"]
    assert "verdict_quote" in schema["required"]


def test_quotes_are_checked_kept_with_their_page_and_invented_ones_flagged(tmp_path, shared_data):
    with FaultServer([Reply.answer(answer())]) as server:
        config = setup(tmp_path, llm={"base_url": server.base_url, "model": "scripted",
                                      "response_format": "json_object"})
        printed = run(config, str(shared_data / GAN), "--dry-run")
        assert printed.exit_code == 0, printed.output
        inserted = run(config, str(shared_data / GAN))  # the cached answer: no second request
        assert inserted.exit_code == 0, inserted.output
        assert len(server.requests) == 1
    lines = printed.output.splitlines()
    assert "evidence: 3 of 4 claims found in the paper" in lines
    point1 = next(line for line in lines if line.startswith("  point 1 (模型), p. 1,"))
    assert "The training procedure for G is to maximize the probability of D making a mistake." in point1
    point3 = next(line for line in lines if line.startswith("  point 3 (实验结果): ! "))
    assert NO_PASSAGE in point3 and "Wasserstein" in point3
    assert any(line.startswith("  verdict, p. 8, 7 Conclusions and future work:") for line in lines)
    assert "1 of 4 claims without evidence" in printed.output  # the table's note

    (summary,) = summaries_in(tmp_path)
    assert [s.claim for s in summary.support] == ["point 1", "point 2", "point 3", "verdict"]
    assert [s.evidence is not None for s in summary.support] == [True, True, False, True]
    assert summary.support[1].evidence.passage.startswith("This framework corresponds to a minimax two-player game")
    assert summary.support[2].flag.startswith(NO_PASSAGE)
    # In the summary JSON, never in the log entry.
    entry = (tmp_path / "log.md").read_text(encoding="utf-8").split("《Generative Adversarial Nets》")[1]
    entry = entry.split("## 2024.1.3")[0]
    assert "G 和 D 博弈" in entry
    for quote in (*REAL, INVENTED, CONCLUSION):
        assert quote not in entry
    assert "evidence" not in entry and NO_PASSAGE not in entry


@pytest.mark.llm
def test_the_real_local_llm_quotes_are_looked_up(tmp_path, shared_data, llama_server):  # noqa: F811
    config = setup(tmp_path, llm={"base_url": llama_server.base_url, "model": llama_server.model,
                                  "max_output_tokens": 600, "timeout_seconds": 600, "retries": 1, "max_repairs": 2},
                   extract={"max_input_tokens": 1000})
    result = run(config, str(shared_data / GAN), "--dry-run")
    assert result.exit_code == 0, result.output
    (summary,) = summaries_in(tmp_path)
    assert len(summary.support) == len(summary.points) + 1
    for support, point in zip(summary.support, summary.points, strict=False):
        assert support.quote == point.quote
        # Each quote is either found (with the paper's words and page) or flagged; a 270M model mostly invents.
        assert (support.evidence is not None and support.evidence.page >= 1) or support.flag.startswith(NO_PASSAGE)
    found = len(summary.support) - len(summary.unsupported_claims)
    assert f"evidence: {found} of {len(summary.support)} claims found in the paper" in result.output


def test_redraft_keeps_the_persons_entry_and_sets_the_new_draft_aside(tmp_path, shared_data):
    config = setup(tmp_path)
    first = run(config, str(shared_data / GAN), "--llm", "none")
    assert first.exit_code == 0, first.output
    # The person edits their entry; a re-draft must never touch it.
    log = tmp_path / "log.md"
    log.write_text(log.read_text(encoding="utf-8").replace("论文的结论是：", "我自己的评价："), encoding="utf-8")
    before = log.read_bytes()
    again = run(config, str(shared_data / GAN), "--llm", "none", "--redraft")
    assert again.exit_code == 0, again.output
    assert log.read_bytes() == before
    assert "not inserted: your entry stays" in again.output
    assert "evidence: " in again.output  # the re-draft is printed with its evidence
    row = Ledger.open(load_settings(config)).get("1406.2661")
    assert row.state == PaperState.MERGED and row.redraft_path and row.redraft_branch is None
    shown = CliRunner().invoke(app, ["--config", str(config), "show", "1406.2661"])
    assert "re-draft (your entry in the log is unchanged):" in shown.output


def test_a_dry_run_redraft_records_nothing_and_leaves_the_paper_merged(tmp_path, shared_data):
    config = setup(tmp_path)
    assert run(config, str(shared_data / GAN), "--llm", "none").exit_code == 0
    log = tmp_path / "log.md"
    before = log.read_bytes()
    dry = run(config, str(shared_data / GAN), "--llm", "none", "--redraft", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert log.read_bytes() == before
    row = Ledger.open(load_settings(config)).get("1406.2661")
    # Summarizing moved it through SUMMARIZED; the dry run must bring it back, with no re-draft recorded.
    assert row.state == PaperState.MERGED and row.redraft_path is None
