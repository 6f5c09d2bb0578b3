"""`paperflow nightly` as a person runs it: a new process, a temporary Prefect server, the real output."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.flows import PaperSite, write_config
from tests.support.wheel import clean_env
from tests.test_serve import PAPERFLOW

pytestmark = pytest.mark.prefect

LOG = "# papers\n\n# pending list\n\n# 2024.1\n\n## 2024.1.2\n\n《Old》\n\n总体上，好。\n"


def test_a_paper_that_fails_is_one_warning_line_without_a_traceback_and_a_404_is_not_retried(tmp_path, shared_data):
    pdfs = {"1707.08567": shared_data / "pdf" / "arxiv_1706.03762v5_attention_is_all_you_need.pdf"}
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    with PaperSite(shared_data, pdfs) as site:  # no PDF for 1605.08386: the site answers 404
        config = write_config(tmp_path, site, arxiv_retries=3)
        done = subprocess.run([*PAPERFLOW, "--config", str(config), "nightly", "1707.08567", "1605.08386",
                               "--date", "2024-01-03"], capture_output=True, text=True,
                              env=clean_env(tmp_path / "prefect-home"), cwd=tmp_path, timeout=300)
        pdf_requests = [r for r in site.requests if r.startswith("/pdf/1605.08386")]
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    failure_lines = [line for line in output.splitlines() if "1605.08386" in line and "404" in line]
    assert len(failure_lines) == 1, output
    assert "WARNING" in failure_lines[0] and "1605.08386v1: download: HTTP 404 from http://127.0.0.1:" in failure_lines[0]
    assert len(pdf_requests) == 1  # final for the night: no retry
    assert "2 papers found, 1 drafted, 1 failed" in done.stdout
    assert "《Proceedings of Workshop AEW10" in (tmp_path / "log.md").read_text(encoding="utf-8")
