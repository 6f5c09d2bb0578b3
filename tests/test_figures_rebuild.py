"""The pictures of a draft outlive the night that drew them (issue 19): a review branch made again from the ledger
(a second night after the default branch moved, `paperflow review`) carries the same PNGs, <img> lines and pull
request links (real nights on real PDFs, real git with a bare remote, the local GitHub server); and a dry run
shows the pictures the entry would get, writing none."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState
from paperflow.pipeline import Orchestrator, ThreadExecutor
from tests.test_review import (  # noqa: F401 - fixtures
    BRANCH, DAY, git, git_identity, github, push_to_main, remote_log, world,
)
from tests.test_review_cli import write_config

TRANSFORMER = "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf"
GAN = "pdf/arxiv_1406.2661v1_gan.pdf"
IMG = re.compile(r'<img src="(pic/[^"]+\.png)" width=\d+ height=\d+>')


def _night(settings, pdf: Path) -> None:
    result = Orchestrator(settings, ThreadExecutor(1), Ledger.open(settings), use_llm=False).nightly(
        [str(pdf)], day=DAY)
    assert result.review_problem is None, result.report.to_markdown()


def _branch_png(remote: Path, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(remote), "show", f"{BRANCH}:{path}"], capture_output=True,
                          check=True).stdout


def _pictures_of(log: str, title_word: str) -> list[str]:
    """The <img> sources of the entry whose title holds `title_word`."""
    start = log.index(title_word)
    end = log.find("\n《", start)
    return IMG.findall(log[start:end if end > 0 else len(log)])


def test_a_branch_made_again_from_the_ledger_keeps_every_drafts_pictures(world, github, shared_data):
    settings, remote = world["settings"], world["remote"]
    # the local arXiv PDFs ask the API for their metadata: no API here (a closed port), the stamps' data stays
    settings.arxiv.api_url, settings.arxiv.retries, settings.arxiv.delay_seconds = "http://127.0.0.1:9/api/query", 0, 0
    _night(settings, shared_data / TRANSFORMER)
    first = remote_log(remote, BRANCH)
    attention = _pictures_of(first, "Attention")
    assert len(attention) == 2 and all(src.startswith("pic/Attention_Is_All") for src in attention)
    first_pngs = {src: _branch_png(remote, src) for src in attention}
    ledger = Ledger.open(settings)
    (row,) = [r for r in ledger.rows() if r.state == PaperState.IN_REVIEW]
    assert [c["kind"] for c in row.figure_picks["chosen"]] == ["architecture", "results"]

    # The default branch moves on: the second night's branch is made again from it, the first draft re-inserted
    # from its cached summary with the pictures recorded for it.
    push_to_main(world, lambda t: t + "\n# 2023.11\n")
    _night(settings, shared_data / GAN)

    second = remote_log(remote, BRANCH)
    assert git(world["person"], "ls-remote", "origin", "refs/heads/main").split()[0] in subprocess.run(
        ["git", "--git-dir", str(remote), "rev-list", BRANCH], capture_output=True, text=True, check=True).stdout
    assert _pictures_of(second, "Attention") == attention
    gan = _pictures_of(second, "Generative Adversarial")
    assert len(gan) == 2 and all(src.startswith("pic/Generative_Adversarial_Nets") for src in gan)
    for src, data in first_pngs.items():
        assert _branch_png(remote, src) == data and data[:8] == b"\x89PNG\r\n\x1a\n"
    for src in gan:
        assert _branch_png(remote, src)[:8] == b"\x89PNG\r\n\x1a\n"
    body = github.pulls[1]["body"]
    for src in attention + gan:
        assert f"/alice/papers/blob/{BRANCH}/{src}?raw=true)" in body, src
    assert len(github.pulls) == 1

    # `paperflow review` with nothing new: the branch stays, the pull request still shows every picture.
    push_to_main(world, lambda t: t + "\n# 2023.10\n")
    config = write_config(world, github.api_url)
    again = CliRunner().invoke(app, ["--config", config, "review", "--date", DAY.isoformat()])
    assert again.exit_code == 0, again.output
    assert "recreate" in again.output
    third = remote_log(remote, BRANCH)
    assert _pictures_of(third, "Attention") == attention and _pictures_of(third, "Generative Adversarial") == gan
    files = subprocess.run(["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", BRANCH],
                           capture_output=True, text=True, check=True).stdout.split()
    assert set(attention + gan) <= set(files)
    assert _branch_png(remote, attention[0]) == first_pngs[attention[0]]
    body = github.pulls[1]["body"]
    for src in attention + gan:
        assert f"/alice/papers/blob/{BRANCH}/{src}?raw=true)" in body, src
    assert "- picture (architecture): Figure 1, p. 3: Figure 1: The Transformer - model architecture." in body

    # And once more with the default branch where it was: the branch is updated in place (nothing new to
    # commit) and the pull request body still links the pictures the branch holds.
    unchanged = CliRunner().invoke(app, ["--config", config, "review", "--date", DAY.isoformat()])
    assert unchanged.exit_code == 0, unchanged.output
    assert "unchanged" in unchanged.output
    body = github.pulls[1]["body"]
    for src in attention + gan:
        assert f"/alice/papers/blob/{BRANCH}/{src}?raw=true)" in body, src


def _config(tmp_path: Path, with_log: bool) -> Path:
    lines = ['output_dir = "output"', ""]
    if with_log:
        lines += ["[log]", 'path = "log.md"', ""]
    lines += ["[arxiv]", 'api_url = "http://127.0.0.1:9/api/query"', "retries = 0", "delay_seconds = 0", ""]
    config = tmp_path / "paperflow.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() and p.suffix != ".lock" and "output" not in p.parts[
        len(folder.parts):len(folder.parts) + 1]}


def test_a_dry_run_shows_the_pictures_the_entry_would_get_and_writes_none(tmp_path, shared_data):
    (tmp_path / "log.md").write_text("# papers-weekly\n\n# pending list\n\n# 2024.1\n", encoding="utf-8")
    own = tmp_path / "pic" / "Generative_Adversarial_Nets1.png"
    own.parent.mkdir()
    own.write_bytes(b"the person's own picture")
    config = _config(tmp_path, with_log=True)
    before = {p: p.read_bytes() for p in _files(tmp_path)}

    result = CliRunner().invoke(app, ["--config", str(config), "summarize", str(shared_data / GAN), "--llm", "none",
                                      "--dry-run", "--date", "2024-02-01"])

    assert result.exit_code == 0, result.output
    # the names the wet run would take: after the person's own picture, relative to the log's folder
    assert IMG.findall(result.output) == ["pic/Generative_Adversarial_Nets2.png", "pic/Generative_Adversarial_Nets3.png"]
    assert result.output.index("模型结构：") < result.output.index("Nets2.png") < result.output.index("实验结果：")
    assert {p: p.read_bytes() for p in _files(tmp_path)} == before  # no PNG, no log change
    assert not (tmp_path / "output" / "figures").exists()  # nothing cropped either

    wet = CliRunner().invoke(app, ["--config", str(config), "summarize", str(shared_data / GAN), "--llm", "none",
                                   "--date", "2024-02-01"])
    assert wet.exit_code == 0, wet.output
    assert IMG.findall((tmp_path / "log.md").read_text("utf-8")) == IMG.findall(result.output)


def test_a_dry_run_without_a_log_names_the_pictures_in_figures_dir(tmp_path, shared_data):
    config = _config(tmp_path, with_log=False)
    result = CliRunner().invoke(app, ["--config", str(config), "summarize", str(shared_data / GAN), "--llm", "none",
                                      "--dry-run", "--date", "2024-02-01"])
    assert result.exit_code == 0, result.output
    assert "dry run without a log" in result.output
    assert IMG.findall(result.output) == ["pic/Generative_Adversarial_Nets1.png", "pic/Generative_Adversarial_Nets2.png"]
    assert not list(tmp_path.rglob("*.png"))
