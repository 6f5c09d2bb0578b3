"""How many arXiv API requests a night makes, counted against a local replay server (127.0.0.1).

A night of N queries and M pending items (half ids/URLs, half titles), first night and the next one
(title resolutions cached), plus the title-match threshold measured on ~100 real titles.

    .venv/bin/python -m benchmarks.arxiv_requests [--queries 0 1 3] [--pending 0 10 40]

Needs ../shared/data (or $PAPERFLOW_TEST_DATA).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from paperflow.http import RateLimiter
from paperflow.ledger import Ledger
from paperflow.log.weekly_log import parse_log
from paperflow.settings import ArxivQuery, Settings
from paperflow.sources.arxiv_api import ArxivClient
from paperflow.sources.gather import gather_sources
from tests.support.arxiv import arxiv_api_replay, real_titles
from tests.support.local_server import LocalServer, RecordingSleep
from tests.support.titles import measure

REPO = Path(__file__).resolve().parents[1]

NOW = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)


def make_log(titles: list[tuple[str, str]], m: int) -> str:
    lines = ["# pending list", ""]
    for i in range(m):
        arxiv_id, title = titles[i % len(titles)]
        lines.append(f"- [ ] https://arxiv.org/abs/{arxiv_id}" if i % 2 else f"- [ ] {title.lower()}")
    return "\n".join(lines) + "\n"


def night(data: Path, n_queries: int, m_pending: int) -> tuple[int, int, int, float]:
    """(requests first night, requests next night, papers taken, seconds of pure waiting at 3 s spacing)."""
    titles = real_titles(data)
    with LocalServer(arxiv_api_replay(data)) as server, tempfile.TemporaryDirectory() as tmp:
        queries = [ArxivQuery(query=f"all:testing{i}", max_results=50).model_dump() for i in range(n_queries)]
        settings = Settings(output_dir=Path(tmp), arxiv=dict(api_url=server.url("/api/query"), delay_seconds=0,
                                                             retries=0, lookback_days=365, queries=queries))
        ledger = Ledger.open(settings)
        parsed = parse_log(make_log(titles, m_pending))
        client = ArxivClient(settings.arxiv, sleep=RecordingSleep(), rate_limiter=RateLimiter())
        plan = gather_sources(settings, ledger, parsed_log=parsed, client=client, now=NOW)
        first = len(server.requests)
        gather_sources(settings, ledger, parsed_log=parsed, client=client, now=NOW + timedelta(hours=2))
        second = len(server.requests) - first
    return first, second, len(plan.take), max(0, first - 1) * 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, nargs="+", default=[0, 1, 3])
    parser.add_argument("--pending", type=int, nargs="+", default=[0, 10, 40])
    args = parser.parse_args()
    data = Path(os.environ.get("PAPERFLOW_TEST_DATA", REPO.parent / "shared" / "data"))
    if not (data / "MANIFEST.md").is_file():
        sys.exit(f"test data not found at {data}")
    print("queries pending | requests night 1 | requests re-run (cached) | papers taken | min. wait at 3 s/request")
    for n in args.queries:
        for m in args.pending:
            first, second, taken, wait = night(data, n, m)
            print(f"{n:7d} {m:7d} | {first:16d} | {second:24d} | {taken:12d} | {wait:6.0f} s")
    print("(each query: 1 request per 100 results; pending ids: 1 batched request per 100 ids; "
          "each new title: 1 request, cached afterwards)")
    lowest, worst_false, pair = measure([t for _, t in real_titles(data)])
    print("\ntitle matching on 100 real arXiv titles:")
    for kind, score in sorted(lowest.items(), key=lambda kv: kv[1]):
        print(f"  true match, {kind:20s} lowest score {score:.3f}")
    print(f"  false match (a different paper)   highest score {worst_false:.3f}: {pair[0]!r} vs {pair[1]!r}")
    print(f"  default arxiv.title_match_threshold = {Settings().arxiv.title_match_threshold}")


if __name__ == "__main__":
    main()
