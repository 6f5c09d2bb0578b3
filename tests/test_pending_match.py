"""The title-match threshold, measured on ~100 real arXiv titles (the recorded search page).

True matches are the real titles changed the way people write them down (case, punctuation, hyphens,
a missing subtitle, one typo); false matches are each changed title against every *other* real title.
The setting's default must sit between the two. benchmarks/arxiv_requests.py prints the same figures.
"""

from __future__ import annotations

import random
import re

import pytest

from arxiv_fixtures import real_titles
from paperflow.sources.pending import MIN_MAIN_TITLE_CHARS, _loose, title_similarity
from paperflow.settings import ArxivSettings


def variants(title: str, rnd: random.Random) -> dict[str, str]:
    out = {
        "lower": title.lower(),
        "upper": title.upper(),
        "no punctuation": re.sub(r"[^\w\s]", "", title),
        "hyphen as space": title.replace("-", " "),
        "extra spaces": "  ".join(title.split()),
    }
    main = re.split(r"\s*:\s+", title, maxsplit=1)[0]
    if main != title and len(_loose(main)) >= MIN_MAIN_TITLE_CHARS:
        out["missing subtitle"] = main
    i = rnd.randrange(1, len(title) - 1)
    out["one letter dropped"] = title[:i] + title[i + 1 :]
    out["two letters swapped"] = title[:i] + title[i + 1 : i + 2] + title[i : i + 1] + title[i + 2 :]
    return out


def measure(titles: list[str]) -> tuple[dict[str, float], float, tuple[str, str]]:
    """(lowest score of a true match per kind, highest score of a false match, that false pair)."""
    rnd = random.Random(3)
    lowest: dict[str, float] = {}
    worst_false, worst_pair = 0.0, ("", "")
    for i, title in enumerate(titles):
        for kind, wanted in variants(title, rnd).items():
            lowest[kind] = min(lowest.get(kind, 1.0), title_similarity(wanted, title))
            for j, other in enumerate(titles):
                if j != i:
                    score = title_similarity(wanted, other)
                    if score > worst_false:
                        worst_false, worst_pair = score, (wanted, other)
    return lowest, worst_false, worst_pair


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
