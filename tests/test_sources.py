"""Tonight's sources against recorded real API responses on 127.0.0.1: ids, pending list, queries, dedupe."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.arxiv import arxiv_api_replay
from tests.support.local_server import LocalServer, RecordingSleep, Reply, Script
from paperflow.http import RateLimiter
from paperflow.sources.arxiv_api import ArxivClient
from paperflow.ledger import Ledger, PaperState
from paperflow.models import Paper, SourceKind
from paperflow.settings import ArxivQuery, Settings
from paperflow.sources.gather import build_query, gather_sources, query_name
from paperflow.log.weekly_log import parse_log
from tests.support.ledger import walk_to

NOW = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
LOG = """# pending list

- [ ] efficient two-stage group testing algorithms for dna screening
- [ ] https://arxiv.org/abs/1605.08386
- [ ] 写综述：GNN 论文总结
- [ ] LoRA again: arXiv:1707.08567

# 2024.12

## 2024.12.30

《Evaluating Human Trajectory Prediction with Metamorphic Testing》

总体上，……
"""


@pytest.fixture
def api(shared_data):
    with LocalServer(arxiv_api_replay(shared_data)) as server:
        yield server


def _setup(tmp_path, server, queries=(), **arxiv):
    values = dict(api_url=server.url("/api/query"), delay_seconds=0, retries=0, lookback_days=365,
                  queries=[q.model_dump() for q in queries])
    values.update(arxiv)
    settings = Settings(output_dir=tmp_path / "out", arxiv=values)
    client = ArxivClient(settings.arxiv, sleep=RecordingSleep(), rate_limiter=RateLimiter())
    client.page_size = 10  # the recorded search pages hold 10 entries each
    return settings, Ledger.open(settings), client


TESTING = ArxivQuery(query="all:testing", max_results=25)


def test_a_night_of_ids_pending_and_a_query(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api, [TESTING])
    walk_to(ledger, Paper(arxiv_id="1605.08386", version=1, title="x"), PaperState.DRAFTED,
            drafted_on=date(2024, 12, 1))
    walk_to(ledger, Paper(arxiv_id="2406.19956", version=2, title="Rao"), PaperState.MERGED)

    plan = gather_sources(settings, ledger, ids=["2104.12255v1", "not-an-id"], parsed_log=parse_log(LOG),
                          client=client, now=NOW)

    taken = [(p.versioned_id, p.source) for p in plan.take]
    assert taken == [
        ("2104.12255v1", SourceKind.COMMAND_LINE),
        ("1106.3680v1", SourceKind.PENDING),
        ("1707.08567v1", SourceKind.PENDING),
        # the query: submitted within the last 365 days, newest first
        ("2405.13786v1", SourceKind.QUERY),
        ("2403.16981v2", SourceKind.QUERY),
    ]
    skipped = {s.key: s.reason for s in plan.skipped}
    assert skipped == {
        "1605.08386": "already drafted",
        "2407.18756": "title already in the log",
        "2406.19956": "v2 already merged; v3 is newer (pass --redraft-new-versions)",
    }
    (failure,) = plan.failures
    assert (failure.paper, failure.stage) == ("not-an-id", "resolve")
    assert failure.reason.startswith("not an arXiv id")
    assert plan.pending_lines["1106.3680"] == 2 and plan.pending_lines["1707.08567"] == 5
    assert plan.query_counts == {"all:testing": 4}
    pending_item = next(p for p in plan.take if p.arxiv_id == "1106.3680")
    assert pending_item.source_detail == "efficient two-stage group testing algorithms for dna screening"
    # 1 title search + 1 batched id look-up (4 ids) + 3 query pages
    assert plan.api_requests == 5 == len(api.requests)
    id_requests = [r for r in api.requests if r.id_list]
    assert len(id_requests) == 1 and len(id_requests[0].id_list) == 4
    assert ledger.get("2104.12255") is None  # the orchestrator records the papers it takes, once
    assert ledger.last_query_run("all:testing") == NOW


def test_next_night_takes_only_newer_submissions_and_dry_run_records_nothing(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api, [TESTING])
    dry = gather_sources(settings, ledger, client=client, now=NOW, record=False)
    assert len(dry.take) == 4 and ledger.rows() == [] and ledger.last_query_run("all:testing") is None
    gather_sources(settings, ledger, client=client, now=NOW)
    later = NOW + timedelta(days=100)
    plan = gather_sources(settings, ledger, client=client, now=later, record=False)
    # only what was submitted between the last run (NOW) and now, newest first
    assert [p.arxiv_id for p in plan.take] == ["2503.05378", "2502.07719"]
    since_query = [r for r in api.requests if r.query.get("search_query", "").startswith("(all:testing)")][-1]
    assert "submittedDate:[202501010200 TO 202504110200]" in since_query.query["search_query"]


def test_redraft_new_versions_flag(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api, [TESTING])
    walk_to(ledger, Paper(arxiv_id="2406.19956", version=2, title="Rao"), PaperState.DRAFTED)
    plan = gather_sources(settings, ledger, client=client, now=NOW, redraft_new_versions=True, record=False)
    assert "2406.19956" in [p.arxiv_id for p in plan.take]


def test_a_failing_query_does_not_sink_the_ids(tmp_path, shared_data):
    replay = arxiv_api_replay(shared_data)

    def handle(request):
        if request.query.get("search_query"):
            return Reply(503, b"busy")
        return replay(request)

    with LocalServer(handle) as server:
        settings, ledger, client = _setup(tmp_path, server, [TESTING])
        plan = gather_sources(settings, ledger, ids=["1707.08567"], client=client, now=NOW)
    assert [p.arxiv_id for p in plan.take] == ["1707.08567"]
    assert [str(f) for f in plan.failures] == ["query 'all:testing': resolve: HTTP 503 after 1 attempt"]
    assert plan.unreadable == ["query 'all:testing': HTTP 503 after 1 attempt"]
    assert ledger.last_query_run("all:testing") is None  # tried again next night from the same point


def test_gave_up_papers_are_skipped_but_not_from_the_command_line(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api)
    for _ in range(settings.max_attempts):
        ledger.fail("1707.08567", "extract", "not a PDF")
    plan = gather_sources(settings, ledger, parsed_log=parse_log("# pending list\n\n- [ ] arXiv:1707.08567\n"),
                          client=client, now=NOW, record=False)
    assert plan.take == [] and "gave up after 3 failed attempts" in plan.skipped[0].reason
    plan = gather_sources(settings, ledger, ids=["1707.08567"], client=client, now=NOW, record=False)
    assert [p.arxiv_id for p in plan.take] == ["1707.08567"]


def test_unknown_id_is_a_failure(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api)
    plan = gather_sources(settings, ledger, ids=["0704.0001"], client=client, now=NOW)
    assert [str(f) for f in plan.failures] == ["0704.0001: resolve: arXiv has no paper with this id"]
    assert plan.unreadable == []  # the API answered: the id is unknown, the source was read


def test_query_text():
    q = ArxivQuery(query='abs:"in-context learning"', categories=["cs.CL", "cs.LG"])
    text = build_query(q, datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 3, 12, 30, tzinfo=UTC))
    assert text == ('(abs:"in-context learning") AND (cat:cs.CL OR cat:cs.LG) AND '
                    "submittedDate:[202401010000 TO 202401031230]")
    assert query_name(q) == 'abs:"in-context learning" [cs.CL, cs.LG]'
    assert query_name(ArxivQuery(query="x", name="icl")) == "icl"
