"""How well and how fast paperflow.sources.relevance ranks a night's query results against the person's log.

1. Ranking: the ~100 recorded real results of the arXiv query "testing" against tests/logs/relevance.md, a
   hand-written log with two entries in each of four subjects (metamorphic testing, group testing, flaky
   tests, autonomous-driving testing) and unrelated ones (MoE, RETRO, wav2vec, ViT). The other results of
   those subjects, grouped by hand from their titles (tests/support/relevance.py), are the related ones. Prints
   the share of related papers in the top 10 by score, against the query's own order (newest first, what
   a night drafted before ranking) and against the share of related papers overall.
2. Speed: scoring 500 results (the recorded ones, cycled: their real titles and abstracts) against a
   200-entry log built by tests/logs/builder.py (tests/support/relevance.big_log). Goal: under a second.

Run from the repository root: .venv/bin/python -m benchmarks.relevance [--repeats 5]

Needs ../shared/data (or $PAPERFLOW_TEST_DATA).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from paperflow.log.weekly_log import parse_log
from paperflow.models import Paper
from paperflow.sources.relevance import LogIndex, rank
from tests.support.relevance import COVERED, LOG_PATH, TOPICS, big_log, query_results, recorded_papers, related_ids

REPO = Path(__file__).resolve().parents[1]


def share_related(papers: list[Paper], related: set[str], n: int = 10) -> float:
    return sum(p.arxiv_id in related for p in papers[:n]) / min(n, len(papers))


def ranking(papers: list[Paper]) -> None:
    results = query_results(papers)
    related = related_ids() & {p.arxiv_id for p in results}
    relevance = LogIndex.from_log(parse_log(LOG_PATH.read_bytes())).score(results)
    ranked = rank(results, relevance)
    position = {p.key: i + 1 for i, p in enumerate(ranked)}
    print(f"ranking: {len(results)} real results of the query 'testing', {len(related)} related to the log's entries")
    print(f"  related in the top 10 by relevance score:  {share_related(ranked, related):.0%}")
    print(f"  related in the top 10 in query order:      {share_related(results, related):.0%}")
    print(f"  related among all results:                 {len(related) / len(results):.0%}")
    related_positions = sorted(position[p.key] for p in results if p.arxiv_id in related)
    print(f"  positions of the related papers:           {related_positions}")
    for topic in COVERED:
        ranks = sorted(position[i] for i in TOPICS[topic] if i in position and i in related)
        print(f"    {topic:28s} {ranks}")
    best = ranked[0]
    print(f"  best: {best.title!r}: {relevance[best.key].describe()}")


def speed(papers: list[Paper], repeats: int) -> None:
    log_data = big_log(papers, 200)
    results = [p.model_copy(update={"arxiv_id": f"{p.arxiv_id}-{n}"}) for n in range(5) for p in papers][:500]
    parsed = parse_log(log_data)
    assert len(parsed.entries) == 200, len(parsed.entries)
    parse_times, score_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        parsed = parse_log(log_data)
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        relevance = LogIndex.from_log(parsed).score(results)
        score_times.append(time.perf_counter() - start)
    assert len(relevance) == len(results)
    print(f"speed: {len(results)} results against a {len(parsed.entries)}-entry log ({len(log_data) // 1024} KiB), "
          f"{repeats} runs")
    print(f"  index the log and score every result: median {statistics.median(score_times):.3f} s, "
          f"best {min(score_times):.3f} s (goal: under 1 s)")
    print(f"  parse the log (before, not included): median {statistics.median(parse_times):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = Path(os.environ.get("PAPERFLOW_TEST_DATA", REPO.parent / "shared" / "data"))
    if not (data / "MANIFEST.md").is_file():
        sys.exit(f"real test data not found at {data} (set PAPERFLOW_TEST_DATA)")
    with tempfile.TemporaryDirectory() as tmp:
        papers = recorded_papers(data, Path(tmp))
    ranking(papers)
    speed(papers, args.repeats)


if __name__ == "__main__":
    main()
