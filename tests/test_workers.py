"""The distributed path, as the README's "workers on other machines" recipe runs it, from the installed wheel.

A real `prefect server`, the process work pool, `prefect deploy --all` from prefect.yaml, a real
`prefect worker` process; `summarize` for a local PDF and a nightly dry run triggered through the API.
Every command comes from a fresh virtualenv holding paperflow's wheel (tests/support/wheel.py) and runs
in a folder outside the checkout.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.support.flows import PaperSite, write_config
from tests.support.local_server import free_port
from tests.support.wheel import REPO, clean_env, wheel_venv
from tests.test_serve import _stop, _wait

pytestmark = pytest.mark.prefect

LOG = """# papers

# pending list

- [ ] https://arxiv.org/abs/1605.08386

# 2024.1

## 2024.1.2

《Old》

总体上，好。
"""
TERMINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


def _post(url: str, payload: dict) -> httpx.Response:
    # A busy Prefect server answers 503 while its SQLite database is locked; Prefect's own client retries.
    for _ in range(10):
        response = httpx.post(url, json=payload, timeout=10)
        if response.status_code != 503:
            return response
        time.sleep(2)
    return response


def test_a_worker_runs_summarize_and_a_nightly_dry_run_deployed_from_prefect_yaml(tmp_path, shared_data):
    venv = wheel_venv(tmp_path)
    prefect, python = venv / "bin" / "prefect", venv / "bin" / "python"
    person = tmp_path / "person"  # the worker's machine: a paperflow.toml and a log, no checkout
    person.mkdir()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(tmp_path / "prefect-home", PREFECT_API_URL=api)

    where = subprocess.run([str(python), "-c", "import flows, paperflow.prompts as p; print(flows.__file__, p.__file__)"],
                           capture_output=True, text=True, env=env, cwd=person, timeout=60, check=True).stdout
    assert where.count(str(venv)) == 2 and str(REPO) not in where

    processes: list[subprocess.Popen] = []
    pdfs = {"1605.08386": shared_data / "pdf" / "arxiv_1512.03385v1_resnet.pdf"}
    with PaperSite(shared_data, pdfs) as site:
        (person / "log.md").write_text(LOG, encoding="utf-8")
        config = write_config(person, site, arxiv_retries=3)
        try:
            server = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                      env=env, cwd=tmp_path, stdout=open(tmp_path / "server.log", "wb"),
                                      stderr=subprocess.STDOUT, start_new_session=True)
            processes.append(server)
            _wait("the Prefect server", lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 180,
                  processes)
            for command in (["work-pool", "create", "paperflow", "--type", "process"],
                            ["--no-prompt", "deploy", "--all", "--prefect-file", str(REPO / "prefect.yaml")]):
                done = subprocess.run([str(prefect), *command], env=env, cwd=tmp_path, capture_output=True, text=True,
                                      timeout=180)
                assert done.returncode == 0, done.stdout + done.stderr
            worker = subprocess.Popen([str(prefect), "worker", "start", "--pool", "paperflow"], env=env, cwd=person,
                                      stdout=open(tmp_path / "worker.log", "wb"), stderr=subprocess.STDOUT,
                                      start_new_session=True)
            processes.append(worker)

            runs = {}
            for name, parameters in (
                ("summarize", {"papers": [str(shared_data / "pdf" / "arxiv_1406.2661v1_gan.pdf")]}),
                ("nightly", {"dry_run": True}),
            ):
                deployment = httpx.get(f"{api}/deployments/name/{name}/{name}", timeout=10).json()
                assert deployment["entrypoint"] == f"flows.{name}:{name}"
                created = _post(f"{api}/deployments/{deployment['id']}/create_flow_run",
                                {"parameters": {**parameters, "day": "2024-01-03", "config": str(config)}})
                assert created.status_code in (200, 201), created.text
                runs[name] = created.json()["id"]
            for name, run_id in runs.items():
                final = _wait(f"the {name} run", lambda: (s := httpx.get(f"{api}/flow_runs/{run_id}", timeout=5)
                                                          .json()["state"]["type"]) in TERMINAL and s, 300, processes)
                assert final == "COMPLETED", (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
            reports = {}
            for name in runs:
                found = _post(f"{api}/artifacts/filter", {"artifacts": {"key": {"any_": [f"paperflow-{name}-report"]}}})
                reports[name] = found.json()[0]["data"]
        finally:
            for process in reversed(processes):
                _stop(process)

    assert "1 papers found, 1 drafted, 0 failed." in reports["summarize"]
    assert "- 《Generative Adversarial Nets》 (1406.2661)" in reports["summarize"]  # the stamped arXiv paper
    assert "dry run: 1 papers found, 1 drafted, 0 failed." in reports["nightly"]
    assert "- 《Heat-bath random walks with Markov bases》 (1605.08386): dry run" in reports["nightly"]
    text = (person / "log.md").read_text(encoding="utf-8")
    assert "## 2024.1.3" in text and "《Generative Adversarial Nets》" in text  # summarize inserted its draft
    assert "Heat-bath" not in text and "- [ ] https://arxiv.org/abs/1605.08386" in text  # the dry run did not
    assert len(list((person / "out" / "reports").glob("2*.md"))) == 2
    assert all(p.poll() is not None for p in processes)
