"""The Prefect flows end to end, on an isolated Prefect (a temporary server and database, temp PREFECT_HOME and storage):
recorded arXiv responses and real PDFs served on 127.0.0.1, a fake OpenAI-compatible LLM on 127.0.0.1."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.flows import FakeLLM, PaperSite, prefect_harness, write_config  # noqa: F401 - fixture

pytestmark = pytest.mark.prefect

DAY = date(2024, 1, 3)
LOG = """# papers-weekly

# pending list

- [ ] https://arxiv.org/abs/1605.08386
- [ ] 写综述：GNN 论文总结
- [ ] Deeper insights into graph convolutional networks for semi-supervised learning

# 2024.1

## 2024.1.2

《Mixtral of Experts》

2024.1 Mistral AI 的一篇文章，研究 sparse MoE 语言模型，要点：

1. 背景：……

总体上，不错。
"""


def test_a_night_drafts_the_good_papers_reports_the_bad_and_a_rerun_does_nothing(
    prefect_harness, shared_data, tmp_path, monkeypatch
):
    from flows.nightly import nightly
    from paperflow.ledger import Ledger, PaperState
    from paperflow.settings import load_settings
    from paperflow.log.weekly_log import read_log

    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    pdfs = {
        "1707.08567": shared_data / "pdf" / "arxiv_1706.03762v5_attention_is_all_you_need.pdf",
        "1605.08386": shared_data / "pdf" / "arxiv_1512.03385v1_resnet.pdf",
        "astro-ph/0601001": shared_data / "tricky" / "truncated_no_xref_matplotlib.pdf",  # a broken PDF
        "2104.12255": shared_data / "pdf" / "arxiv_1406.2661v1_gan.pdf",
    }
    # The LLM fails for the GAN paper only (its text is in the prompt).
    with PaperSite(shared_data, pdfs) as site, FakeLLM(fail_on=("Generative Adversarial",)) as llm:
        config = write_config(tmp_path, site, llm)
        ids = ["1707.08567", "astro-ph/0601001", "2104.12255v1"]
        first = nightly(ids=ids, day=DAY, config=str(config))
        llm_calls, pdf_requests = len(llm.requests), sum(r.startswith("/pdf/") for r in site.requests)

        log = read_log(tmp_path / "log.md").parsed
        drafted = {e.title for e in log.entries if not e.hand_written} - {"Mixtral of Experts"}
        settings = load_settings(config)
        ledger = Ledger.open(settings)

        # the good ones (an id from the command line, one from the pending list) are in the log, under the day
        assert {"Proceedings of Workshop AEW10: Concepts in Information Theory and Communications",
                "Heat-bath random walks with Markov bases"} <= {e.title for e in log.entries}
        assert "## 2024.1.3" in (tmp_path / "log.md").read_text(encoding="utf-8")
        assert "- [x] https://arxiv.org/abs/1605.08386" in (tmp_path / "log.md").read_text(encoding="utf-8")
        assert ledger.get("1707.08567").state == PaperState.DRAFTED
        assert ledger.get("1605.08386").drafted_on == DAY
        # the bad ones are in the ledger and the report, with their stage
        broken, no_llm = ledger.get("astro-ph/0601001"), ledger.get("2104.12255")
        assert (broken.state, broken.last_stage, broken.attempts) == (PaperState.FAILED, "extract", 1)
        assert (no_llm.state, no_llm.last_stage, no_llm.attempts) == (PaperState.FAILED, "summarize", 1)
        report = Path(first["report"]).read_text(encoding="utf-8")
        assert first["headline"] == "4 papers found, 2 drafted, 2 failed"
        assert "| astro-ph/0601001v1 | extract |" in report
        assert "| 2104.12255v1 | summarize |" in report and "HTTP 500" in report
        assert "## Unresolved pending items\n\n- Deeper insights into graph convolutional networks" in report
        assert "Tokens: 2,000 in, 400 out" in report
        assert not drafted - {"Proceedings of Workshop AEW10: Concepts in Information Theory and Communications",
                              "Heat-bath random walks with Markov bases"}

        # a second night: nothing new for the good ones (no download, no LLM call for them), the
        # failed ones tried again (attempt 2), the log unchanged
        before = (tmp_path / "log.md").read_bytes()
        second = nightly(day=DAY, config=str(config))
        assert (tmp_path / "log.md").read_bytes() == before
        assert second["drafted"] == []
        new_llm = llm.requests[llm_calls:]
        assert len(new_llm) == 1 and "Generative Adversarial" in str(new_llm[0]["messages"])
        assert not [r for r in site.requests if r.startswith("/pdf/")][pdf_requests:] or all(
            "0601001" in r or "2104.12255" in r for r in [r for r in site.requests if r.startswith("/pdf/")][pdf_requests:]
        )
        assert ledger.get("2104.12255").attempts == 2
        assert ledger.get("astro-ph/0601001").attempts == 2

        # after max_attempts (3) a paper is left for a person and no longer tried
        nightly(day=DAY, config=str(config))
        calls = len(llm.requests)
        fourth = nightly(day=DAY, config=str(config))
        assert len(llm.requests) == calls
        assert ledger.get("2104.12255").attempts == 3
        text = Path(fourth["report"]).read_text(encoding="utf-8")
        assert "left for a person" in text and "2104.12255" in text


def test_summarize_flow_takes_local_pdfs_and_dry_run_leaves_the_log_alone(prefect_harness, shared_data, tmp_path,
                                                                         monkeypatch):
    from flows.summarize import summarize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    with PaperSite(shared_data, {}) as site, FakeLLM() as llm:
        config = write_config(tmp_path, site, llm)
        pdf = str(shared_data / "pdf" / "arxiv_1810.04805v2_bert.pdf")
        fake = str(shared_data / "tricky" / "not_a_pdf_fake.pdf")
        dry = summarize(papers=[pdf], dry_run=True, day=DAY, config=str(config))
        assert (tmp_path / "log.md").read_text(encoding="utf-8") == LOG
        assert dry["headline"].startswith("dry run: 1 papers found, 1 drafted")
        calls = len(llm.requests)
        wet = summarize(papers=[pdf, fake], day=DAY, config=str(config))
        assert len(llm.requests) == calls  # the dry run's summary was cached
        text = (tmp_path / "log.md").read_text(encoding="utf-8")
        assert "## 2024.1.3" in text and "BERT" in text
        assert wet["failures"] == ["not_a_pdf_fake.pdf: extract: not a PDF"] or "not a PDF" in wet["failures"][0]


def test_a_night_without_an_llm_drafts_extractive_entries(prefect_harness, shared_data, tmp_path, monkeypatch):
    import json

    from flows.nightly import nightly
    from paperflow.ledger import Ledger, PaperState
    from paperflow.settings import load_settings
    from paperflow.log.weekly_log import read_log

    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    pdfs = {"1605.08386": shared_data / "pdf" / "arxiv_1512.03385v1_resnet.pdf"}
    local = shared_data / "pdf" / "arxiv_1810.04805v2_bert.pdf"
    with PaperSite(shared_data, pdfs) as site:
        config = write_config(tmp_path, site, None)
        settings = load_settings(config)
        assert not settings.llm.enabled
        night = nightly(ids=[str(local)], day=DAY, config=str(config))

    assert night["failures"] == []
    assert night["headline"] == "2 papers found, 2 drafted, 0 failed"
    text = (tmp_path / "log.md").read_text(encoding="utf-8")
    assert "## 2024.1.3" in text and "- [x] https://arxiv.org/abs/1605.08386" in text
    titles = {e.title for e in read_log(tmp_path / "log.md").parsed.entries}
    assert "Heat-bath random walks with Markov bases" in titles
    assert any("BERT" in t for t in titles)
    ledger = Ledger.open(settings)
    rows = {row.key: row for row in ledger.rows(PaperState.DRAFTED)}
    # the local PDF is an arXiv paper (its file name and stamp say 1810.04805v2): it has the arXiv id as its key
    assert set(rows) == {"1605.08386", "1810.04805"}
    for row in rows.values():
        assert row.drafted_on == DAY
        cached = json.loads(Path(row.summary_path).read_text(encoding="utf-8"))
        assert cached["result"]["summary"]["drafted_by"] == "extractive"


def _git(cwd: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout


def test_with_review_on_the_drafts_go_to_the_review_branch_and_the_persons_log_is_untouched(
    prefect_harness, shared_data, tmp_path, monkeypatch
):
    from flows.nightly import nightly
    from paperflow.ledger import Ledger, PaperState
    from paperflow.review.publish import branch_name
    from paperflow.settings import load_settings

    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Person\n\temail = person@example.com\n[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("PAPERFLOW_TEST_NO_TOKEN", raising=False)
    remote, person = tmp_path / "remote.git", tmp_path / "person"
    _git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    _git(tmp_path, "clone", "--quiet", str(remote), str(person))
    (person / "log.md").write_text(LOG, encoding="utf-8")
    _git(person, "add", "log.md")
    _git(person, "commit", "--quiet", "-m", "log")
    _git(person, "push", "--quiet", "origin", "main")
    # the person's unsaved edit: must survive the night byte for byte
    (person / "log.md").write_text(LOG.replace("- [ ] 写综述", "- [ ] my unsaved idea\n- [ ] 写综述"), encoding="utf-8")
    before = (person / "log.md").read_bytes()

    monkeypatch.chdir(tmp_path)
    pdfs = {"1605.08386": shared_data / "pdf" / "arxiv_1512.03385v1_resnet.pdf"}
    review = ('enabled = true\nrepository = "alice/papers"\ntoken_env = "PAPERFLOW_TEST_NO_TOKEN"\n'
              "use_gh_cli = false")
    with PaperSite(shared_data, pdfs) as site:
        config = write_config(tmp_path, site, None, log="person/log.md", review=review)
        night = nightly(day=DAY, config=str(config))

    assert night["failures"] == [] and night["drafted"] == ["Heat-bath random walks with Markov bases"]
    assert (person / "log.md").read_bytes() == before
    settings = load_settings(config)
    branch = branch_name(settings, DAY)
    on_branch = _git(remote, "show", f"{branch}:log.md")
    assert "## 2024.1.3" in on_branch and "Heat-bath random walks with Markov bases" in on_branch
    assert "- [x] https://arxiv.org/abs/1605.08386" in on_branch
    row = Ledger.open(settings).get("1605.08386")
    assert row.drafted_on == DAY and row.summary_path and Path(row.summary_path).is_file()
    assert row.state in (PaperState.DRAFTED, PaperState.IN_REVIEW) and row.review_branch == branch
    report = Path(night["report"]).read_text(encoding="utf-8")
    assert "no GitHub token" in report


def test_the_cli_and_the_summarize_flow_do_the_same_to_the_same_papers(prefect_harness, shared_data, tmp_path,
                                                                      monkeypatch):
    """One engine: the same papers through `paperflow summarize` (threads, no Prefect) and through the
    summarize flow (Prefect tasks) leave the same ledger rows, the same report and the same log."""
    import re

    from typer.testing import CliRunner

    from flows.summarize import summarize
    from paperflow.cli import app
    from paperflow.ledger import Ledger
    from paperflow.report import load_report
    from paperflow.settings import load_settings

    pdfs = {"1707.08567": shared_data / "pdf" / "arxiv_1706.03762v5_attention_is_all_you_need.pdf"}
    papers = [
        "1707.08567",  # an arXiv id: metadata and PDF from the local site
        str(shared_data / "pdf" / "arxiv_1810.04805v2_bert.pdf"),  # a local PDF
        str(shared_data / "pdf" / "arxiv_1406.2661v1_gan.pdf"),  # the LLM fails for this one
        str(shared_data / "tricky" / "not_a_pdf_fake.pdf"),  # extraction fails
        "0704.0001",  # arXiv has no such paper
        "not-an-id",
    ]
    runs = {}
    with PaperSite(shared_data, pdfs) as site, FakeLLM(fail_on=("Generative Adversarial",)) as llm:
        for how in ("cli", "flow"):
            folder = tmp_path / how
            folder.mkdir()
            (folder / "log.md").write_text(LOG, encoding="utf-8")
            config = write_config(folder, site, llm)
            monkeypatch.chdir(folder)
            if how == "cli":
                result = CliRunner().invoke(app, ["--config", str(config), "summarize", *papers, "--date", "2024-01-03"])
                assert result.exit_code == 1, result.output
                report_path = Path(result.output.rsplit("report: ", 1)[1].strip())
            else:
                report_path = Path(summarize(papers=papers, day=DAY, config=str(config))["report"])
            settings = load_settings(config)
            rows = {}
            for row in Ledger.open(settings).rows():
                fields = row.model_dump(exclude={"created_at", "updated_at", "pdf_path", "summary_path"})
                fields["summary_file"] = Path(row.summary_path).name if row.summary_path else None
                fields["pdf_in_output"] = bool(row.pdf_path) and str(folder) in row.pdf_path
                fields["last_error"] = re.sub(r" in [0-9.]+ s", "", row.last_error or "")  # the LLM call's time
                rows[row.key] = fields
            runs[how] = (rows, load_report(report_path), (folder / "log.md").read_text(encoding="utf-8"))

    (cli_rows, cli_report, cli_log), (flow_rows, flow_report, flow_log) = runs["cli"], runs["flow"]
    assert cli_rows == flow_rows
    # the BERT and GAN PDFs carry their arXiv stamps: they are those arXiv papers (sources.local)
    assert {k: r["state"] for k, r in cli_rows.items() if not k.startswith("local:")} == {
        "1707.08567": "drafted", "1810.04805": "drafted", "1406.2661": "failed", "0704.0001": "failed"}
    assert sorted(r["last_stage"] or "" for r in cli_rows.values()) == ["", "", "extract", "resolve", "summarize"]
    assert cli_report.headline() == flow_report.headline() == "4 papers found, 2 drafted, 4 failed"
    assert cli_report.stage_counts == flow_report.stage_counts
    assert cli_report.drafted == flow_report.drafted
    assert sorted(re.sub(r" in [0-9.]+ s", "", str(f)) for f in cli_report.failures) == \
        sorted(re.sub(r" in [0-9.]+ s", "", str(f)) for f in flow_report.failures)
    assert (cli_report.input_tokens, cli_report.output_tokens) == (flow_report.input_tokens, flow_report.output_tokens)
    assert cli_log == flow_log != LOG
    assert cli_log.count("《") == LOG.count("《") + 2


def test_an_offline_nightly_dry_run_exits_1_and_says_what_it_could_not_read(prefect_harness, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from paperflow.cli import app
    from tests.support.local_server import free_port

    monkeypatch.chdir(tmp_path)
    port = free_port()
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    config = tmp_path / "paperflow.toml"
    config.write_text(f"""output_dir = "out"
[log]
path = "log.md"
[arxiv]
api_url = "http://127.0.0.1:{port}/api/query"
delay_seconds = 0
[review]
enabled = false
""", encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "nightly", "--dry-run", "--date", "2024-01-03"])
    assert result.exit_code == 1, result.output
    assert "dry run: 0 papers found" in result.output
    assert (f"paperflow nightly: could not read the pending list: 1 title search(es) failed: 127.0.0.1:{port} "
            "unreachable (connection refused)") in result.output
    assert f"could not read arXiv metadata of 1 id(s): 127.0.0.1:{port} unreachable" in result.output
    report = Path(result.output.split("report: ")[1].split()[0]).read_text(encoding="utf-8")
    assert "## Unresolved pending items\n\n- Deeper insights into graph convolutional networks for semi-supervised " \
           f"learning: search failed: 127.0.0.1:{port} unreachable (connection refused)" in report
    assert (tmp_path / "log.md").read_text(encoding="utf-8") == LOG


def test_two_runs_creating_the_concurrency_limits_at_once_both_go_on(prefect_harness, monkeypatch):
    """Prefect's upsert of a global concurrency limit is not atomic: two runs starting together both find
    no limit and both create it, and the second gets 409. The race is made here by a read that answers
    "not found" once, as it did for the run that lost (seen with two runs on one worker)."""
    from prefect.client.orchestration import SyncPrefectClient, get_client
    from prefect.exceptions import ObjectNotFound

    from flows.run import LLM_LIMIT, ensure_limits
    from paperflow.settings import Settings

    ensure_limits(Settings(llm={"max_concurrency": 2}))  # the run that won
    read = SyncPrefectClient.read_global_concurrency_limit_by_name
    stale: set[str] = set()

    def read_before_the_other_run_created_it(self, name):
        if name not in stale:
            stale.add(name)
            raise ObjectNotFound(http_exc=RuntimeError("404"))
        return read(self, name)

    monkeypatch.setattr(SyncPrefectClient, "read_global_concurrency_limit_by_name", read_before_the_other_run_created_it)
    ensure_limits(Settings(llm={"max_concurrency": 3}))  # the run that lost: no 409 escapes, the limit is resized
    monkeypatch.undo()
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(LLM_LIMIT).limit == 3
