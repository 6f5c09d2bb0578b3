"""How fast paperflow gives up on what is not there (issue 11), with the default settings, all on 127.0.0.1.

1. an offline night: the arXiv API's port refuses connections; a log with 10 pending titles and 5 pending ids,
   2 queries (`nightly --dry-run` took 115 s before, every item retrying on its own);
2. an LLM endpoint refusing connections, 3 papers (62 s of retries per paper before);
3. 10 papers whose PDFs answer 404, through the summarize flow on Prefect, arXiv's delay of 3 s between
   requests (2.5 min of retries before);
4. the deadline of a whole download (none before: a server dripping a byte at a time never stopped).

Run from the repository root: .venv/bin/python -m benchmarks.failing_fast. Needs ../shared/data.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from paperflow.http import RUN_HOSTS
from paperflow.ledger import Ledger
from paperflow.pipeline import Orchestrator, ThreadExecutor
from paperflow.settings import Settings
from paperflow.sources.download import download_deadline
from tests.support.arxiv import arxiv_api_replay, real_titles
from tests.support.local_server import LocalServer, Reply, free_port

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PAPERFLOW_TEST_DATA", REPO.parent / "shared" / "data"))
DAY = date(2024, 1, 3)


def offline_night(work: Path) -> tuple[float, int, int]:
    work.mkdir(parents=True)
    titles = real_titles(DATA)
    items = [f"- [ ] {title}" for _, title in titles[:10]] + [f"- [ ] arXiv:{i}" for i, _ in titles[10:15]]
    log = work / "log.md"
    log.write_text("# papers\n\n# pending list\n\n" + "\n".join(items) + "\n", encoding="utf-8")
    port = free_port()
    settings = Settings(output_dir=work / "out", log={"path": log}, review={"enabled": False},
                        arxiv={"api_url": f"http://127.0.0.1:{port}/api/query",
                               "queries": [{"query": "all:testing"}, {"query": "all:retrieval"}]})
    started = time.perf_counter()
    result = Orchestrator(settings, ThreadExecutor(), Ledger.open(settings)).nightly(day=DAY, dry_run=True)
    seconds = time.perf_counter() - started
    return seconds, len(result.unreadable), RUN_HOSTS.skipped(f"127.0.0.1:{port}")


def refused_llm(work: Path) -> tuple[float, list[str]]:
    work.mkdir(parents=True)
    log = work / "log.md"
    log.write_text("# papers\n\n# pending list\n", encoding="utf-8")
    settings = Settings(output_dir=work / "out", log={"path": log}, review={"enabled": False},
                        arxiv={"api_url": f"http://127.0.0.1:{free_port()}/api/query"},
                        llm={"base_url": f"http://127.0.0.1:{free_port()}/v1", "model": "m"})
    pdfs = [str(p) for p in sorted((DATA / "pdf").glob("arxiv_*.pdf"))[:3]]
    started = time.perf_counter()
    result = Orchestrator(settings, ThreadExecutor(1), Ledger.open(settings)).summarize(pdfs, day=DAY)
    return time.perf_counter() - started, [f.reason for f in result.failures]


def missing_pdfs_on_prefect(work: Path) -> tuple[float, int, int]:
    work.mkdir(parents=True)
    from prefect import flow

    from flows.summarize import summarize

    @flow
    def warm_up() -> None:
        pass

    warm_up()  # Prefect's temporary server starts here, not inside the measurement
    ids = [i.split("v")[0] for i, _ in real_titles(DATA)[:10]]
    (work / "log.md").write_text("# papers\n\n# pending list\n", encoding="utf-8")
    with LocalServer(lambda request: Reply(404, b"not found", content_type="text/plain")) as pdfs, \
            LocalServer(arxiv_api_replay(DATA, pdf_origin=pdfs.origin)) as api:  # real metadata, PDFs 404
        config = work / "paperflow.toml"
        config.write_text(f'output_dir = "out"\n[log]\npath = "log.md"\n[review]\nenabled = false\n[arxiv]\n'
                          f'api_url = "{api.url("/api/query")}"\npdf_hosts = ["{pdfs.origin}"]\n', encoding="utf-8")
        started = time.perf_counter()
        result = summarize(papers=ids, day=DAY, config=str(config))
        seconds = time.perf_counter() - started
        pdf_requests = len(pdfs.requests)
    return seconds, pdf_requests, len(result["failures"])


def main() -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        seconds, unreadable, skipped = offline_night(Path(tmp) / "offline")
        figures.append(("offline night (10 titles, 5 ids, 2 queries), dry run", seconds,
                        f"{unreadable} sources unreadable, 1 connection tried, {skipped} requests not sent"))
        seconds, reasons = refused_llm(Path(tmp) / "llm")
        later = sum("not tried again this run" in r for r in reasons[1:])
        figures.append(("LLM refusing connections, 3 papers (extraction included)", seconds,
                        f"1st failed {reasons[0].rsplit('connection refused) ', 1)[-1]}; {later} more not tried"))
        seconds, requests, failures = missing_pdfs_on_prefect(Path(tmp) / "404")
        figures.append(("10 PDFs answering 404, summarize flow, delay 3 s", seconds,
                        f"{requests} PDF requests (no retries), {failures} failed"))
    defaults = Settings()
    figures.append(("whole-download deadline, defaults, no Content-Length", download_deadline(defaults),
                    f"timeout {defaults.arxiv.timeout_seconds:g} s + {defaults.arxiv.max_pdf_bytes} bytes at 100 kB/s"))
    figures.append(("whole-download deadline, defaults, a 2 MB Content-Length", download_deadline(defaults, 2_000_000),
                    "the same from the size the server declares"))
    width = max(len(name) for name, _, _ in figures)
    print()
    for name, seconds, note in figures:
        print(f"{name:<{width}}  {seconds:8.2f} s  {note}")


if __name__ == "__main__":
    main()
