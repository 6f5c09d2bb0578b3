"""Pending-list items resolved to arXiv ids against recorded real API entries served on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.arxiv import arxiv_api_replay
from tests.support.local_server import LocalServer, RecordingSleep, Reply, Script
from paperflow.http import RateLimiter
from paperflow.sources.arxiv_api import ArxivClient
from paperflow.ledger import Ledger
from paperflow.sources.pending import PendingStatus, resolve_pending, title_from_item, title_query
from paperflow.settings import Settings
from paperflow.log.weekly_log import parse_log

LOG = """# papers-weekly

# pending list

> notes

- [ ] efficient two-stage group testing algorithms for dna screening
- [ ] 写综述：GNN 论文总结
- [ ] https://arxiv.org/abs/2106.09685
- [x] Tokens-to-Token ViT: Training Vision Transformers from Scratch on ImageNet
- [ ] Efficient Group Testing Algorithms for Genetic Screening
- [ ] 通用内容
  - [ ] Grad-cam: Visual explanations from deep networks via gradient-based localization  视觉DNN的可解释性
- [ ] LoRA arXiv:2106.09685v2

# 2024.1

## 2024.1.3

《Mixtral of Experts》

总体上，……
"""
NOW = datetime(2026, 4, 13, 2, 0, tzinfo=UTC)


@pytest.fixture
def api(shared_data):
    with LocalServer(arxiv_api_replay(shared_data)) as server:
        yield server


def _setup(tmp_path, server, **arxiv):
    values = dict(api_url=server.url("/api/query"), delay_seconds=0, retries=0)
    values.update(arxiv)
    settings = Settings(output_dir=tmp_path / "out", arxiv=values)
    client = ArxivClient(settings.arxiv, sleep=RecordingSleep(), rate_limiter=RateLimiter())
    return settings, Ledger.open(settings), client


def test_items_resolve_by_id_title_or_not_at_all(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api)
    parsed = parse_log(LOG)
    results = resolve_pending(settings, parsed, ledger, client, now=NOW)
    by_text = {r.item.text: r for r in results}
    assert len(results) == 7  # every open item, ticked ones not at all

    match = by_text["efficient two-stage group testing algorithms for dna screening"]
    assert match.status == PendingStatus.TITLE and match.score == 1.0
    assert match.matched_title == "Efficient Two-Stage Group Testing Algorithms for DNA Screening"
    assert match.arxiv_ref().base == match.arxiv_id and "." in match.arxiv_id

    near = by_text["Efficient Group Testing Algorithms for Genetic Screening"]  # "Two-Stage" left out
    assert near.status == PendingStatus.UNRESOLVED and near.arxiv_id is None
    assert [c.title for c in near.candidates] == ["Efficient Two-Stage Group Testing Algorithms for Genetic Screening"]
    assert 0.8 < near.candidates[0].score < settings.arxiv.title_match_threshold
    assert "unresolved: closest" in near.describe()

    assert by_text["写综述：GNN 论文总结"].status == PendingStatus.NOT_A_PAPER
    assert by_text["通用内容"].status == PendingStatus.NOT_A_PAPER
    assert by_text["https://arxiv.org/abs/2106.09685"].arxiv_id == "2106.09685"
    assert by_text["LoRA arXiv:2106.09685v2"].arxiv_id == "2106.09685v2"
    gradcam = next(r for r in results if r.item.text.startswith("Grad-cam"))
    assert gradcam.status == PendingStatus.UNRESOLVED and gradcam.candidates == []
    assert gradcam.title == "Grad-cam: Visual explanations from deep networks via gradient-based localization"
    assert gradcam.item.level == 1
    # three titles searched, one request each; ids and to-dos cost nothing
    assert len(api.requests) == 3 and all(r.query["search_query"].startswith("ti:") for r in api.requests)


def test_resolutions_are_cached_so_a_night_never_searches_twice(tmp_path, api):
    settings, ledger, client = _setup(tmp_path, api)
    parsed = parse_log(LOG)
    first = resolve_pending(settings, parsed, ledger, client, now=NOW)
    assert len(api.requests) == 3
    again = resolve_pending(settings, parsed, ledger, client, now=NOW + timedelta(hours=1))
    assert len(api.requests) == 3
    assert [(r.status, r.arxiv_id) for r in again] == [(r.status, r.arxiv_id) for r in first]
    assert all(r.cached for r in again if r.status in (PendingStatus.TITLE, PendingStatus.UNRESOLVED))
    # the next night: misses are searched again, hits stay cached
    resolve_pending(settings, parsed, ledger, client, now=NOW + timedelta(days=1))
    assert len(api.requests) == 5


def test_a_failed_search_is_reported_not_cached(tmp_path):
    with LocalServer(Script(Reply(503, b"busy"))) as server:
        settings, ledger, client = _setup(tmp_path, server)
        results = resolve_pending(settings, parse_log(LOG), ledger, client, now=NOW)
    errors = [r for r in results if r.status == PendingStatus.ERROR]
    assert len(errors) == 3 and errors[0].describe() == "search failed: HTTP 503 after 1 attempt"
    assert ledger.cached_resolution("efficienttwostagegrouptestingalgorithmsfordnascreening") is None
    assert sum(r.status == PendingStatus.ID for r in results) == 2  # ids still resolve


def test_no_pending_list():
    assert resolve_pending(Settings(), parse_log("# 2024.1\n\n## 2024.1.3\n"), ledger=None) == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Deeper insights into graph convolutional networks for semi-supervised learning",
         "Deeper insights into graph convolutional networks for semi-supervised learning"),
        ("Big Transfer (BiT): General Visual Representation Learning （CNN中做的比较大的)",
         "Big Transfer (BiT): General Visual Representation Learning"),
        ("读一下《Mixtral of Experts》", "Mixtral of Experts"),
        ("**[Attention Is All You Need](https://example.org)**", "Attention Is All You Need"),
        ("写综述：GNN 论文总结", None),
        ("通用内容", None),
        ("TODO", None),
        ("", None),
    ],
)
def test_title_from_item(text, title):
    assert title_from_item(text) == title


def test_title_query_uses_significant_words():
    assert title_query("Attention Is All You Need") == "ti:Attention AND ti:Need AND ti:All AND ti:You"  # "is" is a stopword
    assert title_query("of the a") is None
