"""Relevance of query results to the person's log, on real recorded arXiv results and a hand-written log.

What counts as related is fixed by hand in tests/support/relevance.py (groups made from the titles), never
derived from the scores under test.
"""

from __future__ import annotations

import statistics
from datetime import date

import bm25s
import numpy as np
import pytest

from paperflow.log.weekly_log import parse_log
from paperflow.models import Paper, SourceKind
from paperflow.sources.relevance import LogIndex, bm25_scores, rank, score_papers, tokenize
from tests.support.relevance import COVERED, LOG_PATH, TOPICS, query_results, recorded_papers, related_ids


@pytest.fixture(scope="module")
def papers(shared_data, tmp_path_factory) -> list[Paper]:
    return recorded_papers(shared_data, tmp_path_factory.mktemp("arxiv"))


@pytest.fixture(scope="module")
def by_id(papers) -> dict[str, Paper]:
    return {p.arxiv_id: p for p in papers}


def _log(*entries: tuple[date, str, str], pending: tuple[str, ...] = ()) -> bytes:
    """A log with one entry per (day, title, body), newest first as the format wants."""
    lines = ["# papers-weekly", ""]
    if pending:
        lines += ["# pending list", "", *(f"- [ ] {p}" for p in pending), ""]
    for day, title, body in sorted(entries, reverse=True):
        lines += [f"# {day.year}.{day.month}", "", f"## {day.year}.{day.month}.{day.day}", "", f"《{title}》", "",
                  body, ""]
    return "\n".join(lines).encode()


# ------------------------------------------------------------------------------------------ tokens


def test_english_terms_inside_chinese_sentences_are_terms():
    terms = tokenize("2023.12 BAAI、清华和北大合作的一篇文章，研究 flaky tests 和 metamorphic testing，要点：")
    assert {"flaki", "test", "metamorph", "baai"} <= set(terms)
    assert terms.count("test") == 2  # "tests" and "testing" are one term
    # Chinese: character pairs, cut at function characters, the log's boilerplate left out.
    assert "清华" in terms and "北大" in terms
    assert not {"一篇", "文章", "研究", "要点", "华和", "的一"} & set(terms)


def test_links_numbers_and_stop_words_are_not_terms():
    terms = tokenize("**keywords:** the MoE of 8 experts · [arXiv:2401.04088](https://arxiv.org/abs/2401.04088)")
    assert terms == ["keyword", "moe", "expert"]


def test_cjk_is_paired_and_template_words_drop():
    assert tokenize("总体上，多模态生成") == ["多模", "模态", "态生", "生成"]
    assert tokenize("背景：实验结果") == []


# ------------------------------------------------------------------------------------------ ranking


def test_papers_related_to_the_logs_entries_rank_above_unrelated_ones(papers):
    results = query_results(papers)
    related = related_ids()
    assert len(related & {p.arxiv_id for p in results}) == 16
    relevance = LogIndex.from_log(parse_log(LOG_PATH.read_bytes())).score(results)
    ranked = rank(results, relevance)
    top10 = [p.arxiv_id in related for p in ranked[:10]]
    # 16 related among 92 results: by chance about 2 of the top 10 (the query's own order has 1).
    assert sum(top10) >= 6, [p.title for p in ranked[:10]]
    position = {p.arxiv_id: i for i, p in enumerate(ranked)}
    related_median = statistics.median(position[i] for i in related if i in position)
    unrelated_median = statistics.median(position[p.arxiv_id] for p in results if p.arxiv_id not in related)
    assert related_median < unrelated_median / 2
    # Every subject the log covers has a related paper in the top third.
    for topic in COVERED:
        best = min(position[i] for i in TOPICS[topic] if i in related)
        assert best < len(ranked) / 3, topic


def test_nearest_entries_name_the_entry_and_its_day(papers, by_id):
    parsed = parse_log(LOG_PATH.read_bytes())
    dna = by_id["1106.3680"]  # Efficient Two-Stage Group Testing Algorithms for DNA Screening
    relevance = LogIndex.from_log(parsed).score(query_results(papers))[dna.key]
    titles = [n.title for n in relevance.nearest]
    assert titles[0] in ("Group Testing with Probabilistic Tests: Theory, Design and Application",
                         "Optimal Pooling Matrix Design for Group Testing with Dilution (Row Degree) Constraints")
    assert "《Group Testing with Probabilistic Tests: Theory, Design and Application》, 2024.11.8" in relevance.describe()
    assert relevance.describe().startswith(f"{relevance.score:.3f}, close to 《")
    assert relevance.score == pytest.approx(statistics.mean(n.share for n in relevance.nearest), abs=1e-3)


def test_recent_entries_weigh_more(by_id):
    metamorphic = ("Metamorphic testing for pose estimation", "研究 pose estimation 的 metamorphic testing，"
                   "metamorphic relations 代替 test oracle。")
    group = ("Group testing with probabilistic tests", "研究 group testing，pooling 和 defective items 的识别。")
    candidates = [by_id["1904.08007"], by_id["1306.4664"]]  # metamorphic testing (protein), group testing (genetic)

    def winner(metamorphic_day: date, group_day: date) -> str:
        parsed = parse_log(_log((metamorphic_day, *metamorphic), (group_day, *group)))
        relevance = LogIndex.from_log(parsed).score(candidates)
        return rank(candidates, relevance)[0].arxiv_id

    new, old = date(2025, 3, 1), date(2019, 3, 1)
    assert winner(new, old) == "1904.08007"
    assert winner(old, new) == "1306.4664"


def test_an_entry_in_chinese_with_english_terms_finds_its_subject(papers):
    parsed = parse_log(_log((date(2024, 6, 1), "读书笔记", "最近在看 flaky tests：rerun 很多次才能判断，order dependency 是主因。")))
    ranked = rank(papers, LogIndex.from_log(parsed).score(papers))
    flaky = set(TOPICS["flaky tests"])
    assert sum(p.arxiv_id in flaky for p in ranked[:4]) >= 3, [p.title for p in ranked[:4]]


def test_the_pending_list_counts_as_interest(papers):
    parsed = parse_log(_log(pending=("Metamorphic testing of deep learning compilers", "https://arxiv.org/abs/2106.09685")))
    relevance = LogIndex.from_log(parsed).score(papers)
    best = rank(papers, relevance)[0]
    assert best.arxiv_id in TOPICS["metamorphic testing"]
    assert relevance[best.key].nearest[0].pending
    assert "pending item 'Metamorphic testing of deep learning compilers'" in relevance[best.key].describe()


def test_no_log_or_an_empty_log_scores_zero_and_keeps_the_query_order(papers):
    some = papers[:5]
    for parsed in (None, parse_log(b""), parse_log(b"# pending list\n\n- [ ] https://arxiv.org/abs/2106.09685\n")):
        relevance = score_papers(some, parsed)
        assert [r.score for r in relevance.values()] == [0.0] * 5
        assert rank(some, relevance) == some
        assert relevance[some[0].key].describe() == "0.000, no close entry"


def test_a_paper_with_no_words_scores_zero():
    parsed = parse_log(LOG_PATH.read_bytes())
    blank = Paper(arxiv_id="2401.00001", version=1, title="∑ ≠ ∅", source=SourceKind.QUERY)
    assert LogIndex.from_log(parsed).score([blank])[blank.key].score == 0.0


def test_the_vectorized_scores_equal_bm25s_own(papers):
    corpus = [tokenize(p.title + "\n" + p.abstract) for p in papers[:40]]
    retriever = bm25s.BM25(method="lucene")
    retriever.index(corpus, show_progress=False)
    for paper in papers[40:60]:
        terms = tokenize(paper.title + "\n" + paper.abstract) + ["a-term-nobody-uses"]
        expected = retriever.get_scores_from_ids(retriever.get_tokens_ids(terms))
        assert np.allclose(bm25_scores(retriever, terms), expected, rtol=1e-5, atol=1e-6)
