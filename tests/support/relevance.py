"""Real query results and a real-looking log for the relevance tests and benchmarks/relevance.py.

The papers are the ~100 recorded results of the arXiv query "testing" (../shared/data/arxiv-api/), read
through paperflow's own arXiv client from a local replay server, as a night reads them.

`TOPICS` groups some of them by subject. The groups were made by hand from the titles alone, before any
ranking was run, so they are a judgement independent of the ranking being measured. The log
tests/logs/relevance.md holds hand-written entries (Chinese sentences, English terms, as the person writes
them) for two papers of each of four groups (`LOGGED`), plus unrelated entries (MoE, RETRO, wav2vec, ViT).
A query result is *related* when its group has an entry in the log; every other result is unrelated,
including many other software-testing papers: the ranking must tell "metamorphic testing" from testing
in general.

`QuerySite` serves a whole night on 127.0.0.1: the recorded API (query pages and id look-ups) with its
PDF links pointing at itself, and a real PDF for every paper.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from paperflow.models import Paper, SourceKind
from paperflow.settings import Settings
from paperflow.sources.arxiv_api import ArxivClient, RateLimiter, result_to_paper
from tests.logs.builder import Day, Entry, Log, Month
from tests.support.arxiv import arxiv_api_replay
from tests.support.local_server import LocalServer, RecordingSleep, Reply, Request

LOG_PATH = Path(__file__).parents[1] / "logs" / "relevance.md"

TOPICS: dict[str, list[str]] = {
    "metamorphic testing": ["2407.18756", "1904.08007", "2312.06056", "2502.09460", "1907.06632", "2009.01554",
                            "2103.02870", "1808.05353"],
    "group testing": ["2004.03322", "2008.01944", "1306.4664", "1009.3186", "1106.3680"],
    "flaky tests": ["2005.06826", "2101.09077", "1906.00673", "2302.09330"],
    "autonomous driving testing": ["2502.07719", "2109.07960", "2107.07364", "2012.06822", "2108.07910",
                                   "1912.05434", "2002.06611"],
    # Groups the log does not cover (for reference: they count as unrelated).
    "hypothesis testing": ["2403.16981", "2406.19956", "2409.05654", "1704.08347", "1706.00679", "2104.12832",
                           "2507.16734", "1609.07528", "2304.14166", "1706.08286", "2509.24242"],
    "LLMs writing tests": ["2412.16620", "2412.18843", "2501.17461", "2408.07846", "2312.05778", "2509.05540"],
    "mutation testing": ["2301.05651", "2301.13615", "1908.03707"],
}
COVERED = ("metamorphic testing", "group testing", "flaky tests", "autonomous driving testing")
LOGGED = {"2502.09460", "1808.05353", "2008.01944", "1009.3186", "2101.09077", "1906.00673", "2012.06822",
          "2109.07960"}


def related_ids() -> set[str]:
    """Query results the log already covers: the covered groups' papers that are not themselves logged."""
    return {i for topic in COVERED for i in TOPICS[topic]} - LOGGED


def recorded_papers(shared_data: Path, tmp: Path) -> list[Paper]:
    """The recorded "testing" results as Papers, through the real client and parser (newest first)."""
    with LocalServer(arxiv_api_replay(shared_data)) as server:
        settings = Settings(output_dir=tmp, arxiv=dict(api_url=server.url("/api/query"), delay_seconds=0, retries=0))
        client = ArxivClient(settings.arxiv, sleep=RecordingSleep(), rate_limiter=RateLimiter())
        results = list(client.search("all:testing", max_results=100))
    return [result_to_paper(r, SourceKind.QUERY, "testing") for r in results]


def query_results(papers: list[Paper]) -> list[Paper]:
    """Tonight's results: every recorded paper the log does not already hold."""
    return [p for p in papers if p.arxiv_id not in LOGGED]


def big_log(papers: list[Paper], entries: int = 200) -> bytes:
    """A log of `entries` entries in the builder's styles, one per recorded paper (cycled), newest first,
    each with a body of Chinese sentences around English terms from the paper's abstract."""
    by_month: dict[tuple[int, int], dict[date, list[Entry]]] = {}
    styles = ("modern", "drafted", "bold_inside", "indented", "numbered_comma")
    for n in range(entries):
        paper = papers[n % len(papers)]
        day = date(2025 - n // 60, 12 - (n // 5) % 12, 1 + n % 28)
        words = [w for w in paper.abstract.split() if w.isalpha() and len(w) > 6][:12]
        body = ["", f"1. 背景：{' '.join(words[:4])} 这个问题还没有好的办法。",
                f"2. 模型，提出 {' '.join(words[4:8])}，和已有方法比较。",
                f"3. 实验结果，{' '.join(words[8:12])} 上效果更好。", "", "总体上，值得跟进。"]
        title = paper.title if n < len(papers) else f"{paper.title} (revisited {n // len(papers)})"
        by_month.setdefault((day.year, day.month), {}).setdefault(day, []).append(
            Entry(title, styles[n % len(styles)], body))
    months = [
        Month(y, m, days=[Day(d, by_month[(y, m)][d]) for d in sorted(by_month[(y, m)], reverse=True)])
        for (y, m) in sorted(by_month, reverse=True)
    ]
    return Log(months=months).build().data


class QuerySite:
    """`with QuerySite(shared_data, pdf) as site:` the recorded arXiv API at `site.api_url` (searches answer
    with the recorded "testing" pages), PDF links pointing here, and the real PDF `pdfs.get(id, pdf)` for
    every paper; `pdf_requests` lists the PDFs asked for (versioned ids)."""

    def __init__(self, shared_data: Path, pdf: Path, pdfs: dict[str, Path] | None = None):
        self.shared_data = shared_data
        self.pdf = pdf
        self.pdfs = pdfs or {}
        self.pdf_requests: list[str] = []
        self.server = LocalServer(self._handle)
        self._api = arxiv_api_replay(shared_data)

    @property
    def origin(self) -> str:
        return self.server.origin

    @property
    def api_url(self) -> str:
        return self.server.url("/api/query")

    def __enter__(self) -> QuerySite:
        self.server.start()
        self._api = arxiv_api_replay(self.shared_data, pdf_origin=self.origin)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()

    def _handle(self, request: Request) -> Reply:
        if request.path.startswith("/pdf/"):
            versioned = request.path[len("/pdf/"):].removesuffix(".pdf")
            self.pdf_requests.append(versioned)
            pdf = self.pdfs.get(versioned.rsplit("v", 1)[0], self.pdf)
            return Reply(200, pdf.read_bytes(), content_type="application/pdf")
        return self._api(request)
