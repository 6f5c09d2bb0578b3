"""`paperflow summarize` end to end on real PDFs: the real llama.cpp server, fault servers, no LLM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperflow.summary import llm as llm_module
from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState
from paperflow.models import Summary
from paperflow.settings import load_settings
from paperflow.log.weekly_log import read_log
from tests.support.llm_server import FaultServer, Reply, llama_server  # noqa: F401 - fixture

LOG = """# papers-weekly

# pending list

- [ ] something to read

# 2024.1

## 2024.1.3

《Mixtral of Experts》

2024.1 Mistral AI 的一篇文章，研究 sparse MoE 语言模型，要点：

1. 背景：dense 模型推理太贵。
2. 模型，每层 8 个 expert，每个 token 选 2 个。
3. 实验结果，和 Llama 2 70B 相当。

总体上，效果好且推理便宜。
"""
GAN = "pdf/arxiv_1406.2661v1_gan.pdf"


@pytest.fixture(autouse=True)
def _fresh_format_memory():
    llm_module.forget_formats()


def setup(tmp_path: Path, llm: dict | None = None, extract: dict | None = None) -> Path:
    """A config file, a log; returns the config path."""
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    # A local arXiv PDF asks the API for its metadata: no API here (a closed local port), the stamp's data stays.
    lines = ['output_dir = "output"', "", "[log]", 'path = "log.md"', "",
             "[arxiv]", 'api_url = "http://127.0.0.1:9/api/query"', "retries = 0", "delay_seconds = 0", ""]
    if llm:
        lines.append("[llm]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in llm.items()]
        lines.append("")
    if extract:
        lines.append("[extract]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in extract.items()]
    config = tmp_path / "paperflow.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def run(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), "summarize", *args, "--date", "2024-02-01"])


def summaries_in(tmp_path: Path) -> list[Summary]:
    folder = tmp_path / "output" / "summaries"
    return [Summary.model_validate(json.loads(p.read_text("utf-8"))["result"]["summary"])
            for p in sorted(folder.glob("*.json"))]


@pytest.mark.llm
def test_summarize_a_real_paper_with_the_real_local_llm(tmp_path, shared_data, llama_server):  # noqa: F811
    # temperature 0: the tiny model's answer is the same every run (sampled, it now and then rambles past
    # max_output_tokens on all three tries, which says nothing about paperflow)
    config = setup(tmp_path, llm={"base_url": llama_server.base_url, "model": llama_server.model,
                                  "max_output_tokens": 400, "timeout_seconds": 600, "retries": 1,
                                  "max_repairs": 2, "temperature": 0},
                   extract={"max_input_tokens": 1000})
    result = run(config, str(shared_data / GAN))
    assert result.exit_code == 0, result.output
    (summary,) = summaries_in(tmp_path)
    assert summary.drafted_by == "llm" and summary.model == llama_server.model
    assert 3 <= len(summary.keywords) <= 6 and 3 <= len(summary.points) <= 5
    assert summary.verdict.startswith("总体上")
    assert summary.title == "Generative Adversarial Nets"  # from the PDF, not the model
    log = read_log(tmp_path / "log.md")
    assert log.parsed.has_title("Generative Adversarial Nets")
    text = log.data.decode()
    assert text.index("## 2024.2.1") < text.index("《Generative Adversarial Nets》") < text.index("## 2024.1.3")
    entry = text.split("《Generative Adversarial Nets》")[1].split("## 2024.1.3")[0]
    assert "摘录草稿" not in entry and "**keywords:**" in entry and "总体上" in entry
    assert "summarize: " in result.output and " in / " in result.output
    settings = load_settings(config)
    row = Ledger.open(settings).rows()[0]
    assert row.state == PaperState.DRAFTED and row.input_tokens > 500 and row.output_tokens > 0


def test_an_llm_that_never_fits_the_schema_fails_the_paper_and_leaves_the_log_untouched(tmp_path, shared_data):
    bad = {"published": "2014.6", "topic": "x", "keywords": ["a"], "points": [], "verdict": "good"}
    with FaultServer([Reply.answer(json.dumps(bad))]) as server:
        config = setup(tmp_path, llm={"base_url": server.base_url, "model": "m", "max_repairs": 1})
        before = (tmp_path / "log.md").read_bytes()
        result = run(config, str(shared_data / GAN))
    assert result.exit_code == 1
    assert (tmp_path / "log.md").read_bytes() == before
    assert len(server.requests) == 2
    # the local PDF carries its arXiv stamp: it is the arXiv paper 1406.2661v1
    assert "1406.2661v1: summarize: FAILED: no valid summary after 2 answers" in result.output
    row = Ledger.open(load_settings(config)).rows()[0]
    assert row.state == PaperState.FAILED and row.last_stage == "summarize"
    assert row.input_tokens == 200  # both answers were paid for


def test_one_bad_paper_does_not_stop_the_others_and_retries_end_in_success(tmp_path, shared_data):
    good = {"published": "2014.6", "organisations": ["Université de Montréal"], "topic": "对抗生成网络",
            "keywords": ["GAN", "generative model", "adversarial"],
            "points": [{"label": "背景", "text": "生成模型难训练。"}, {"label": "模型", "text": "G 和 D 博弈。"},
                       {"label": "实验结果", "text": "在 MNIST 上 Parzen 估计 225。"}],
            "verdict": "总体上，开创性的工作。"}
    script = [Reply.error(429, "busy", {"Retry-After": "0"}), Reply.error(500, "oops"),
              Reply.answer("not json at all"), Reply.answer(json.dumps(good, ensure_ascii=False))]
    with FaultServer(script) as server:
        config = setup(tmp_path, llm={"base_url": server.base_url, "model": "m", "retry_backoff_seconds": 0.01,
                                      "max_concurrency": 1})
        result = run(config, str(shared_data / GAN), str(shared_data / "tricky/not_a_pdf_fake.pdf"))
    assert result.exit_code == 1, result.output
    assert "not_a_pdf_fake.pdf: extract: FAILED: not a PDF" in result.output
    text = (tmp_path / "log.md").read_text("utf-8")
    assert "《Generative Adversarial Nets》" in text and "G 和 D 博弈。" in text
    (summary,) = summaries_in(tmp_path)
    assert summary.unsupported_numbers == []  # 225 is in the paper's Table 1
    assert [r.get("response_format", {}).get("type") for r in server.requests] == ["json_schema"] * 4


def test_without_an_llm_the_draft_is_extractive_and_says_how_to_configure_one(tmp_path, shared_data):
    config = setup(tmp_path)
    result = run(config, str(shared_data / GAN))
    assert result.exit_code == 0, result.output
    assert "no LLM configured" in result.output and "[llm] base_url" in result.output
    text = (tmp_path / "log.md").read_text("utf-8")
    assert "摘录草稿" in text and "研究 a new framework for estimating generative models via an adversarial process" in text
    (summary,) = summaries_in(tmp_path)
    assert summary.drafted_by == "extractive" and summary.unsupported_numbers == []
    # A second run finds the title in the log and drafts nothing new.
    again = run(config, str(shared_data / GAN))
    assert again.exit_code == 0 and "already in the log" in again.output
    assert (tmp_path / "log.md").read_text("utf-8") == text


def test_llm_none_and_dry_run_print_without_calling_or_writing(tmp_path, shared_data):
    with FaultServer([Reply.error(500, "must not be called")]) as server:
        config = setup(tmp_path, llm={"base_url": server.base_url, "model": "m"})
        before = (tmp_path / "log.md").read_bytes()
        result = run(config, str(shared_data / GAN), "--llm", "none", "--dry-run")
    assert result.exit_code == 0, result.output
    assert server.requests == []
    assert (tmp_path / "log.md").read_bytes() == before
    assert "《Generative Adversarial Nets》" in result.output and "摘录草稿" in result.output


def test_a_rerun_with_the_llm_pays_nothing(tmp_path, shared_data):
    good = {"published": "2014.6", "organisations": [], "topic": "GAN", "keywords": ["GAN", "a", "b"],
            "points": [{"label": "背景", "text": "x"}, {"label": "模型", "text": "y"}, {"label": "其他", "text": "z"}],
            "verdict": "总体上，好。"}
    with FaultServer([Reply.answer(json.dumps(good, ensure_ascii=False))]) as server:
        config = setup(tmp_path, llm={"base_url": server.base_url, "model": "m"})
        first = run(config, str(shared_data / GAN), "--dry-run")
        second = run(config, str(shared_data / GAN), "--dry-run")
    assert first.exit_code == second.exit_code == 0
    assert len(server.requests) == 1
    assert "from cache, 0 tokens" in second.output


def test_a_local_pdf_has_the_same_key_in_the_ledger_and_in_its_summary(tmp_path):
    import hashlib

    from paperflow.sources.local import local_paper
    from paperflow.summary.summarize import local_source_of

    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 not much of a paper")
    paper = local_paper(pdf)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert paper.key == f"local:{digest}"
    # The file moving does not change who the paper is.
    moved = tmp_path / "moved.pdf"
    pdf.rename(moved)
    assert local_paper(moved).key == paper.key
    assert local_source_of(paper, "any text") == digest


def test_plain_summarize_never_imports_prefect(tmp_path, shared_data):
    """Without [prefect] api_url, `paperflow summarize` is the plain pipeline: a fresh interpreter
    drafts a paper and has not loaded a single prefect module."""
    import subprocess
    import sys

    config = setup(tmp_path)
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from paperflow.cli import app\n"
        f"result = CliRunner().invoke(app, ['--config', {str(config)!r}, 'summarize', {str(shared_data / GAN)!r},"
        " '--date', '2024-02-01'])\n"
        "print('exit', result.exit_code)\n"
        "print('prefect', sorted(m for m in sys.modules if m == 'prefect' or m.startswith('prefect.'))[:3])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "exit 0" in proc.stdout, proc.stdout + proc.stderr
    assert "prefect []" in proc.stdout
    assert "Generative Adversarial" in (tmp_path / "log.md").read_text(encoding="utf-8")


def test_summarize_with_a_prefect_server_configured_runs_the_flow_there(tmp_path, shared_data):
    """With [prefect] api_url, `paperflow summarize` goes to the flow: a server that does not answer
    is one line and exit 2, and the log is untouched."""
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = setup(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + f'\n[prefect]\napi_url = "http://127.0.0.1:{port}/api"\n'
                      "health_timeout_seconds = 1\n", encoding="utf-8")
    result = run(config, str(shared_data / GAN))
    assert result.exit_code == 2
    assert "paperflow summarize:" in result.output and str(port) in result.output
    assert (tmp_path / "log.md").read_text(encoding="utf-8") == LOG
