"""Tonight's selection and budget through the real night: the orchestrator that `paperflow nightly` and the
Prefect flow run, recorded arXiv responses replayed on 127.0.0.1 (a real query's results, real PDFs), real
git with a bare remote, the GitHub API served locally, and a local OpenAI-compatible LLM reporting token use.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState
from paperflow.log.weekly_log import parse_log, read_log
from paperflow.pipeline import Orchestrator, ThreadExecutor
from paperflow.report import load_report
from paperflow.settings import load_settings
from paperflow.sources.budget import estimate_call
from paperflow.sources.relevance import score_papers
from paperflow.summary import llm as llm_module
from tests.support.fake_github import FakeGitHub
from tests.support.flows import ANSWER, prefect_harness  # noqa: F401 - fixture
from tests.support.git import git, isolated_identity, log_repository
from tests.support.llm_server import FaultServer, Reply
from tests.support.local_server import Request
from tests.support.relevance import LOG_PATH, QuerySite, recorded_papers

DAY = date(2026, 3, 2)
TOKEN = "ghp_FAKEbudgetTOKEN0123456789xyz"
TOKEN_ENV = "BUDGET_TEST_GH_TOKEN"
PDF = "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf"
# Two unrelated papers (hypothesis testing) the person queued by hand: asked for, so drafted first.
PENDING_IDS = ("1704.08347", "1706.00679")
QUERY_RESULTS = 32  # the first 32 recorded results of "testing": 2 are already in the log, 30 are new


def night_log() -> str:
    """The hand-written log (tests/logs/relevance.md) with two papers queued in its pending list."""
    text = LOG_PATH.read_text(encoding="utf-8")
    queued = "".join(f"- [ ] https://arxiv.org/abs/{i}\n" for i in PENDING_IDS)
    return text.replace("- [ ] 整理 group testing 的综述\n", f"- [ ] 整理 group testing 的综述\n{queued}", 1)


def write_config(folder: Path, site: QuerySite, *, review: str, nightly: str = "", llm: str = "",
                 log: str = "person/README.md") -> Path:
    config = folder / "paperflow.toml"
    config.write_text(f"""
output_dir = "out"
timezone = "UTC"
[log]
path = "{log}"
[arxiv]
api_url = "{site.api_url}"
pdf_hosts = ["{site.origin}"]
delay_seconds = 0
retries = 0
[[arxiv.queries]]
query = "testing"
name = "testing"
max_results = {QUERY_RESULTS}
[nightly]
{nightly}
{llm}
[review]
{review}
""", encoding="utf-8")
    return config


def since_long_ago(settings) -> None:
    # The recorded results span years; a first run would look back two days only.
    Ledger.open(settings).set_query_run("testing", datetime(1990, 1, 1, tzinfo=UTC))


def test_a_night_of_30_query_results_drafts_the_two_pending_items_and_the_three_best_and_lists_the_rest(
    shared_data, tmp_path, monkeypatch
):
    isolated_identity(tmp_path, monkeypatch)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    remote, person = log_repository(tmp_path, "README.md", night_log())
    parsed = parse_log((person / "README.md").read_bytes())
    # Tonight's 30 query results, as the night reads them, and their relevance to the log, for the expectations.
    recorded = recorded_papers(shared_data, tmp_path / "recorded")
    results = [p for p in recorded[:QUERY_RESULTS] if not parsed.has_title(p.title)]
    assert len(results) == 30
    relevance = score_papers(results, parsed)
    by_score = sorted(results, key=lambda p: -relevance[p.key].score)
    assert relevance[by_score[2].key].score > relevance[by_score[3].key].score  # the third best is not a tie

    with QuerySite(shared_data, shared_data / PDF) as site, FakeGitHub(TOKEN, remote=remote) as github:
        review = (f'enabled = true\nrepository = "alice/papers"\ntoken_env = "{TOKEN_ENV}"\nuse_gh_cli = false\n'
                  f'api_url = "{github.api_url}"')
        config = write_config(tmp_path, site, review=review, nightly="max_papers = 5")
        settings = load_settings(config)
        since_long_ago(settings)

        # `paperflow sources` shows the same selection first, each query result with its score and nearest entries.
        shown = CliRunner().invoke(app, ["--config", str(config), "sources", "--json"])
        assert shown.exit_code == 0, shown.output
        data = json.loads(shown.stdout)
        assert [p["arxiv_id"] for p in data["take"]] == [*PENDING_IDS, *(p.arxiv_id for p in by_score[:3])]
        assert [p["score"] for p in data["take"][:2]] == [None, None]  # asked for, not ranked
        best = data["take"][2]
        assert best["score"] == relevance[by_score[0].key].score
        assert [n["title"] for n in best["nearest"]] == [n.title for n in relevance[by_score[0].key].nearest]
        assert best["relevance"].startswith(f"{best['score']:.3f}, close to 《")
        assert len(data["over_budget"]) == 27 and data["selection"].endswith("27 over budget")
        assert all(o["reason"] == "max_papers = 5 reached" and o["score"] is not None for o in data["over_budget"])
        text = CliRunner().invoke(app, ["--config", str(config), "sources"]).stdout
        assert "take (5):" in text and "over budget, not drafted tonight (27):" in text
        near = relevance[by_score[0].key].nearest[0]
        assert f"relevance {relevance[by_score[0].key].score:.3f}, close to 《{near.title}》, " \
               f"{near.day.year}.{near.day.month}.{near.day.day}" in text
        assert site.pdf_requests == []

        result = Orchestrator(settings, ThreadExecutor(2), Ledger.open(settings)).nightly(day=DAY)

    drafted = {p.key for p in result.report.drafted}
    assert drafted == {*PENDING_IDS, *(p.key for p in by_score[:3])}
    assert sorted(v.split("v")[0] for v in site.pdf_requests) == sorted(drafted)  # nothing else was downloaded
    assert result.failures == []
    # Over budget: not drafted, not recorded (the person decides), each reported with its score.
    ledger = Ledger.open(settings)
    assert {row.key for row in ledger.rows()} == drafted
    over = by_score[3:]
    assert [p.key for p in result.report.over_budget] == [p.key for p in over]
    assert result.report.headline().endswith("27 over budget")

    (pr,) = github.pulls.values()
    body = pr["body"]
    selection = body.split("### Tonight's selection", 1)[1].split("### Pending items not resolved", 1)[0]
    assert "5 of 32 papers taken (max_papers 5; no LLM tokens); 27 over budget" in selection
    for paper in by_score[:3]:  # each drafted query result says why: its score and nearest entries
        assert f"- 《{paper.title}》: {relevance[paper.key].describe()}" in selection
    rows = [line for line in selection.splitlines() if line.startswith("| [《")]
    assert len(rows) == 27
    for paper, row in zip(over, rows, strict=True):
        assert f"](https://arxiv.org/abs/{paper.arxiv_id}) | {relevance[paper.key].score:.3f} | " \
               f"max_papers = 5 reached" in row
    fenced = re.search(r"```text\n(.*?)\n```", selection, re.S).group(1).splitlines()
    assert fenced == [f"- [ ] {' '.join(p.title.split())} https://arxiv.org/abs/{p.arxiv_id}" for p in over]
    assert body.count("5 of 32 papers taken") == 1  # the run report in the body does not repeat the selection
    # The run report has it all too.
    report = Path(result.report_path).read_text(encoding="utf-8")
    assert "## Tonight's selection" in report and len(re.findall(r"^\| \[《", report, re.M)) == 27
    assert load_report(result.report_path).over_budget[0].note.startswith(f"score {relevance[over[0].key].score:.3f}")
    # The drafts are on the review branch, the queued items ticked there.
    on_branch = git(remote, "show", "paperflow/2026-03-02:README.md")
    assert all(f"- [x] https://arxiv.org/abs/{i}" in on_branch for i in PENDING_IDS)
    assert all(f"《{p.title}》" in on_branch for p in by_score[:3])
    assert not any(f"《{p.title}》" in on_branch for p in over)


# --------------------------------------------------------------------------------------- the cost cap

PRICE = {"input_per_million": 1.0, "output_per_million": 4.0}
IDS = ["1707.08567", "1605.08386", "2104.12255"]  # recorded id look-ups; real PDFs served for each


def first_answer_invalid(request: Request) -> Reply:
    """A model that answers the first ask of each paper with broken JSON and the re-ask correctly (a second
    call the night's plan did not count), and reports exactly paperflow's own estimate of each call as its
    token use (the most a call may use for the cap to hold)."""
    body = request.json()
    used = estimate_call(body["messages"], body["max_tokens"])
    repair = any(m["role"] == "assistant" for m in body["messages"])
    content = json.dumps(ANSWER, ensure_ascii=False) if repair else '{"published": "2017.6", "topic": '
    return Reply.answer(content, prompt_tokens=used.input_tokens, completion_tokens=used.output_tokens)


@pytest.mark.prefect
def test_a_cost_cap_stops_drafting_before_it_is_crossed_and_the_stopped_papers_are_drafted_the_next_night(
    prefect_harness, shared_data, tmp_path, monkeypatch  # noqa: F811
):
    from flows.nightly import nightly

    llm_module.forget_formats()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.md").write_text(LOG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    pdfs = {"1707.08567": shared_data / PDF, "1605.08386": shared_data / "pdf" / "arxiv_1512.03385v1_resnet.pdf",
            "2104.12255": shared_data / "pdf" / "arxiv_1406.2661v1_gan.pdf"}
    cap = 0.05
    with QuerySite(shared_data, shared_data / PDF, pdfs) as site, FaultServer([first_answer_invalid]) as server:
        llm = f"""[llm]
base_url = "{server.base_url}"
model = "m"
retries = 0
max_repairs = 1
max_concurrency = 1
max_cost_per_night = {cap}
[llm.prices.m]
input_per_million = {PRICE["input_per_million"]}
output_per_million = {PRICE["output_per_million"]}
"""
        config = write_config(tmp_path, site, review="enabled = false", llm=llm, log="log.md",
                              nightly="max_papers = 10")
        # The queries are not tonight's subject: nothing new since the last run.
        Ledger.open(load_settings(config)).set_query_run("testing", datetime.now(UTC))
        first = nightly(ids=IDS, day=DAY, config=str(config))
        calls_first = len(server.requests)

        settings = load_settings(config)
        ledger = Ledger.open(settings)
        report = load_report(first["report"])
        used = [estimate_call(body["messages"], body["max_tokens"]) for body in server.requests]
        spent = sum(u.input_tokens * 1e-6 + u.output_tokens * 4e-6 for u in used)
        # The plan took all three (about 0.015 each); their re-asks made the night stop before crossing 0.05.
        assert report.cost is not None and report.cost == pytest.approx(spent) and spent <= cap
        assert first["failures"] == []
        deferred = [r for r in ledger.rows() if r.state == PaperState.DEFERRED]
        drafted = [r for r in ledger.rows() if r.state == PaperState.DRAFTED]
        assert drafted and deferred and len(drafted) + len(deferred) == 3
        assert all(r.attempts == 0 for r in deferred)  # not a failure
        # The call that would have crossed was never sent: every call the server saw is counted in the cost.
        assert calls_first == 2 * len(drafted) + sum(1 for r in deferred if r.input_tokens)
        notes = " ".join(report.notes)
        assert f"of {cap:g} cost" in notes and "call(s) not made: over budget" in notes
        assert {p.key for p in report.over_budget} == {r.key for r in deferred}
        assert all("would cross max_cost_per_night = 0.05" in p.note and "deferred to the next night" in p.note
                   for p in report.over_budget)
        assert "over budget" in first["headline"]
        text = Path(first["report"]).read_text(encoding="utf-8")
        assert all(f"https://arxiv.org/abs/{r.key}" in text for r in deferred)  # with a line to paste

        # The next night (a larger budget) takes the stopped papers, without being asked again.
        monkeypatch.setenv("PAPERFLOW_LLM__MAX_COST_PER_NIGHT", "1")
        second = nightly(day=date(2026, 3, 3), config=str(config))
    assert sorted(second["drafted"]) == sorted(r.title for r in deferred)
    assert {r.state for r in Ledger.open(settings).rows()} == {PaperState.DRAFTED}
    log = read_log(tmp_path / "log.md").parsed
    assert all(log.has_title(r.title) for r in drafted + deferred)
    assert second["failures"] == [] and load_report(second["report"]).over_budget == []
