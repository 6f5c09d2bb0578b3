"""`paperflow serve` and `paperflow nightly` from the command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.flows import FakeLLM
from tests.support.local_server import free_port
from tests.support.wheel import clean_env

PAPERFLOW = [sys.executable, "-c", "from paperflow.cli import main; main()"]


def test_serve_says_in_one_line_when_no_server_is_reachable(tmp_path):
    port = free_port()
    config = tmp_path / "paperflow.toml"
    config.write_text(f'[prefect]\napi_url = "http://127.0.0.1:{port}/api"\nhealth_timeout_seconds = 1\n')
    done = subprocess.run([*PAPERFLOW, "--config", str(config), "serve"], capture_output=True, text=True,
                          env=clean_env(tmp_path / "prefect-home"), timeout=60)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines == [f"paperflow serve: no Prefect server reachable at http://127.0.0.1:{port}/api (ConnectError); "
                     "start one with `prefect server start`"]


def test_serve_without_a_configured_server_says_how_to_configure_one(tmp_path):
    config = tmp_path / "paperflow.toml"
    config.write_text("")
    done = subprocess.run([*PAPERFLOW, "--config", str(config), "serve"], capture_output=True, text=True,
                          env=clean_env(tmp_path / "prefect-home"), timeout=60)
    assert done.returncode == 2
    assert "prefect server start" in done.stderr and "[prefect] api_url" in done.stderr


def _wait(what: str, check, seconds: float, processes: list[subprocess.Popen]) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args} exited with {process.returncode} while waiting for {what}"
        try:
            value = check()
        except (httpx.HTTPError, KeyError, TypeError, ValueError):
            value = None  # not up yet, or a transient 503 whose body is not the object asked for
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the process and the children it started, by its PID
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.prefect
def test_serve_runs_the_summarize_deployment_triggered_through_the_api(tmp_path, shared_data):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(tmp_path / "prefect-home")
    log = tmp_path / "log.md"
    log.write_text("# papers\n\n# 2024.1\n\n## 2024.1.2\n\n《Old》\n\n总体上，好。\n", encoding="utf-8")
    processes: list[subprocess.Popen] = []
    with FakeLLM() as llm:
        config = tmp_path / "paperflow.toml"
        # The PDF carries its arXiv stamp; its metadata is asked of an API that is not there (a closed port).
        config.write_text(f"""output_dir = "out"
[log]
path = "log.md"
[arxiv]
api_url = "http://127.0.0.1:{free_port()}/api/query"
[llm]
base_url = "{llm.base_url}"
model = "fake"
retries = 0
[review]
enabled = false
[prefect]
api_url = "{api}"
""", encoding="utf-8")
        try:
            server = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=env, cwd=tmp_path, stdout=open(tmp_path / "server.log", "wb"), stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            processes.append(server)
            _wait("the Prefect server", lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120,
                  processes)
            serve = subprocess.Popen(
                [*PAPERFLOW, "--config", str(config), "serve"], env=env, cwd=tmp_path,
                stdout=open(tmp_path / "serve.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True,
            )
            processes.append(serve)
            deployment = _wait(
                "the summarize deployment",
                lambda: (r := httpx.get(f"{api}/deployments/name/summarize/summarize", timeout=5)).status_code == 200
                and r.json(), 120, processes,
            )
            nightly = httpx.get(f"{api}/deployments/name/nightly/nightly", timeout=5).json()
            assert nightly["schedules"][0]["schedule"]["cron"] == "0 2 * * *"

            pdf = str(shared_data / "pdf" / "arxiv_1706.03762v5_attention_is_all_you_need.pdf")
            # A busy Prefect server answers 503 while its SQLite database is locked; Prefect's own client
            # retries 503 the same way, so the test does too (a few times) before it judges the answer.
            for _ in range(10):
                run = httpx.post(f"{api}/deployments/{deployment['id']}/create_flow_run",
                                 json={"parameters": {"papers": [pdf], "day": "2024-01-03"}}, timeout=10)
                if run.status_code != 503:
                    break
                time.sleep(2)
            assert run.status_code in (200, 201), run.text
            run_id = run.json()["id"]
            final = _wait(
                "the flow run to finish",
                lambda: (s := httpx.get(f"{api}/flow_runs/{run_id}", timeout=5).json()["state"]["type"])
                in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") and s, 240, processes,
            )
            assert final == "COMPLETED", (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
            text = log.read_text(encoding="utf-8")
            assert "## 2024.1.3" in text and "《Attention Is All You Need》" in text
            assert llm.requests, "the served flow run called the LLM"
        finally:
            for process in reversed(processes):
                _stop(process)
    assert all(p.poll() is not None for p in processes)
