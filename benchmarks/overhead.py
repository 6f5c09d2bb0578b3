"""What Prefect costs and what it buys: prints wall times (seconds) and the LLM-concurrency speedup.

1. `paperflow summarize FILE.pdf --dry-run` on one cached paper: the plain path (no Prefect);
2. the `summarize` flow on the same cached paper in a new process: with a temporary Prefect server
   (nothing configured) and against a running `prefect server start`;
3. a finished night re-run: `paperflow nightly` a second time over the same papers;
4. a latency-bound local LLM server (fake, OpenAI-compatible, on 127.0.0.1, `--delay` s per request,
   N slots): 8 papers through the summarize flow with 1 slot (llm.max_concurrency 1) and with 4
   (llm.max_concurrency 4), extraction cached; goal speedup >= 3.2x.

Run from the repository root: .venv/bin/python -m benchmarks.overhead [--delay 1.0]. Needs ../shared/data
(the real PDFs).
Everything runs on 127.0.0.1 with telemetry off.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from paperflow.report import load_report
from tests.support.flows import FakeLLM

REPO = Path(__file__).resolve().parents[1]

DATA = Path(os.environ.get("PAPERFLOW_TEST_DATA", REPO.parent / "shared" / "data"))
PAPERFLOW = [sys.executable, "-c", "from paperflow.cli import main; main()"]
LOG = "# papers\n\n# 2024.1\n\n## 2024.1.2\n\n《Old》\n\n总体上，好。\n"


def env(home: Path, **extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERFLOW_", "PREFECT_"))}
    out.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(home))
    out.update(extra)
    return out


def write_config(folder: Path, llm_url: str, concurrency: int = 4, api_url: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "log.md").write_text(LOG, encoding="utf-8")
    config = folder / "paperflow.toml"
    text = f"""output_dir = "out"
[log]
path = "log.md"
[arxiv]
api_url = "http://127.0.0.1:9/api/query"   # the PDFs' arXiv metadata: no network here, their stamps suffice
[llm]
base_url = "{llm_url}"
model = "fake"
retries = 0
max_concurrency = {concurrency}
[review]
enabled = false
"""
    if api_url:
        text += f'[prefect]\napi_url = "{api_url}"\n'
    config.write_text(text, encoding="utf-8")
    return config


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[-3:]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def flow_command(config: Path, papers: list[str]) -> list[str]:
    code = ("from flows.summarize import summarize\n"
            "if __name__ == '__main__':\n"
            f"    summarize(papers={papers!r}, dry_run=True, config={str(config)!r})\n")
    return [sys.executable, "-c", code]


def flow_seconds(config: Path, papers: list[str], run_env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time of the flow call alone (Prefect's start-up is paid first by an empty flow), and the
    wall time of its summarize stage from the run report."""
    code = ("import time\n"
            "from prefect import flow\n"
            "from flows.summarize import summarize\n"
            "@flow\n"
            "def warm_up():\n"
            "    pass\n"
            "if __name__ == '__main__':\n"
            "    warm_up()\n"
            "    start = time.perf_counter()\n"
            f"    result = summarize(papers={papers!r}, dry_run=True, config={str(config)!r})\n"
            "    print('FLOW-SECONDS', time.perf_counter() - start, result['report'])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900,
                          env=run_env, cwd=cwd)
    lines = [line for line in done.stdout.splitlines() if line.startswith("FLOW-SECONDS")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"flow failed ({done.returncode}):\n{done.stderr[-2000:]}")
    _, seconds, report = lines[-1].split(maxsplit=2)
    return float(seconds), load_report(Path(report)).stage_seconds.get("summarize", 0.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the fake LLM takes per request")
    args = parser.parse_args()
    pdfs = sorted(str(p) for p in (DATA / "pdf").glob("*.pdf"))[:8]
    one = pdfs[0]
    work = Path(tempfile.mkdtemp(prefix="paperflow-overhead-"))
    home = work / "prefect-home"
    results: dict[str, float] = {}
    with FakeLLM(slots=4, delay=0.0) as llm:
        config = write_config(work / "single", llm.base_url)
        run_env = env(home)
        # warm the caches (extraction, summary) and the Prefect home
        timed([*PAPERFLOW, "--config", str(config), "summarize", one, "--dry-run"], env=run_env, cwd=config.parent)
        timed(flow_command(config, [one]), env=run_env, cwd=config.parent)
        results["summarize, cached paper, plain path (no Prefect)"] = timed(
            [*PAPERFLOW, "--config", str(config), "summarize", one, "--dry-run"], env=run_env, cwd=config.parent)
        results["summarize flow, cached paper, temporary Prefect server"] = timed(
            flow_command(config, [one]), env=run_env, cwd=config.parent)

        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env(work / "server-home"), cwd=work,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(1)
            server_env = env(home, PREFECT_API_URL=api)
            timed(flow_command(config, [one]), env=server_env, cwd=config.parent)
            results["summarize flow, cached paper, running prefect server"] = timed(
                flow_command(config, [one]), env=server_env, cwd=config.parent)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

        night = write_config(work / "night", llm.base_url)
        nightly = [*PAPERFLOW, "--config", str(night), "nightly", *pdfs[:3], "--date", "2024-01-03"]
        timed(nightly, env=run_env, cwd=night.parent)
        results["nightly re-run of a finished night (3 papers), temporary server"] = timed(
            nightly, env=run_env, cwd=night.parent)

    # LLM concurrency: same 8 papers, extraction cached, summaries not
    text_cache = work / "single" / "out" / "text"
    with FakeLLM(slots=4, delay=0.0) as warm:
        warm_config = write_config(work / "warm", warm.base_url)
        timed(flow_command(warm_config, pdfs), env=run_env, cwd=warm_config.parent)
        text_cache = work / "warm" / "out" / "text"
    for slots in (1, 4):
        with FakeLLM(slots=slots, delay=args.delay) as llm:
            folder = work / f"slots{slots}"
            config = write_config(folder, llm.base_url, concurrency=slots)
            shutil.copytree(text_cache, folder / "out" / "text")
            whole, stage = flow_seconds(config, pdfs, run_env, folder)
            results[f"summarize flow call, 8 papers, LLM {args.delay:g} s/request, {slots} slot(s)"] = whole
            results[f"  of which the summarize stage (LLM), {slots} slot(s)"] = stage
            assert len(llm.requests) == len(pdfs), f"{len(llm.requests)} LLM requests for {len(pdfs)} papers"

    width = max(len(k) for k in results)
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:7.2f} s")
    keys = list(results)
    flow_speedup = results[keys[-4]] / results[keys[-2]]
    stage_speedup = results[keys[-3]] / results[keys[-1]]
    print(f"{'speedup of 4 LLM slots over 1, whole flow call':<{width}}  {flow_speedup:7.2f} x")
    print(f"{'speedup of 4 LLM slots over 1, summarize stage (goal >= 3.2x)':<{width}}  {stage_speedup:7.2f} x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
