"""The title-match threshold, measured on ~100 real arXiv titles (the recorded search page).

True matches are the real titles changed the way people write them down (case, punctuation, hyphens,
a missing subtitle, one typo); false matches are each changed title against every *other* real title.
The setting's default must sit between the two. benchmarks/arxiv_requests.py prints the same figures.
"""

from __future__ import annotations


import pytest

from tests.support.arxiv import real_titles
from tests.support.titles import measure
from paperflow.sources.pending import title_similarity
from paperflow.settings import ArxivSettings


@pytest.fixture(scope="module")
def titles(shared_data):
    found = [t for _, t in real_titles(shared_data)]
    assert len(found) == 100
    return found


def test_default_threshold_separates_true_from_false_matches(titles):
    threshold = ArxivSettings().title_match_threshold
    lowest, worst_false, pair = measure(titles)
    assert min(lowest.values()) >= threshold, lowest
    assert worst_false < threshold, (worst_false, pair)
    # The real near-miss in this set: two different papers that differ in one word.
    assert title_similarity(
        "Efficient Two-Stage Group Testing Algorithms for DNA Screening",
        "Efficient Two-Stage Group Testing Algorithms for Genetic Screening",
    ) < threshold


def test_invariances():
    t = "Deep Residual Learning for Image Recognition"
    assert title_similarity(t, t) == 1.0
    assert title_similarity("deep residual learning for image recognition.", t) == 1.0
    assert title_similarity("Mixtral of Experts", "Mixtral of Experts: sparse mixtures") == 1.0
    assert title_similarity("BERT", "BERT: Pre-training of Deep Bidirectional Transformers") < 0.5  # too short
    assert title_similarity("", t) == 0.0
