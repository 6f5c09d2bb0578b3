"""A re-draft carries its pictures like any draft (issue 19): `paperflow summarize ID --redraft` crops them (the crop
cache of the first draft reused) and prints them, the next review branch commits their PNGs beside the night's
(never over a picture the default branch holds), and the pull request's re-draft section links them; a later run
on that branch shows the same files, and a branch made again places them again (real PDFs, real git with a bare
remote, the local GitHub server). And what review records and shows is drafted in the layout of the log it is
written into (the branch's), not in that of the `[log] path` file."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.layout import OutputLayout
from paperflow.ledger import Ledger, PaperState, Transition
from paperflow.pipeline import Orchestrator, ThreadExecutor
from paperflow.review.publish import publish_drafts, sync_review_state
from paperflow.log.pictures import picks_record
from paperflow.summary.figure_choice import choose_pictures
from paperflow.text.extract import crop_floats, extract_pdf
from tests.test_log_layouts import pure_insert
from tests.test_review import (  # noqa: F401 - fixtures
    BRANCH, DAY, MIXTRAL, drafted_in_ledger, git, git_identity, github, push_to_main, remote_log, save_summary,
    world,
)
from tests.test_review_cli import write_config
from tests.test_review_edits import _merged_row

TRANSFORMER = "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf"
GAN = "pdf/arxiv_1406.2661v1_gan.pdf"
NEXT_DAY = date(2024, 1, 4)
NEXT_BRANCH = "paperflow/2024-01-04"
IMG = re.compile(r'<img src="(pic/[^"]+\.png)" width=\d+ height=\d+>')


def _night(settings, pdf: Path, day: date) -> None:
    result = Orchestrator(settings, ThreadExecutor(1), Ledger.open(settings), use_llm=False).nightly(
        [str(pdf)], day=day)
    assert result.review_problem is None, result.report.to_markdown()


def _branch_files(remote: Path, branch: str) -> list[str]:
    return subprocess.run(["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", branch],
                          capture_output=True, text=True, check=True).stdout.split()


def _branch_png(remote: Path, branch: str, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(remote), "show", f"{branch}:{path}"], capture_output=True,
                          check=True).stdout


def _crop_cache(settings) -> dict[Path, int]:
    """Every crop in the crop cache and when it was written."""
    folder = OutputLayout.of(settings).root / "figures"
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*.png")}


def _redraft_section(body: str) -> str:
    return body[body.index("### Re-drafts of new versions"):body.index("### Pending items not resolved")]


def test_a_redraft_carries_its_pictures_onto_the_review_branch_and_into_the_pull_request(world, github, shared_data):
    settings, remote, person = world["settings"], world["remote"], world["person"]
    settings.arxiv.api_url, settings.arxiv.retries, settings.arxiv.delay_seconds = "http://127.0.0.1:9/api/query", 0, 0
    # Night 1: the Transformer is drafted with two pictures; the person merges the pull request.
    _night(settings, shared_data / TRANSFORMER, DAY)
    first = IMG.findall(remote_log(remote, BRANCH))
    assert first == ["pic/Attention_Is_All1.png", "pic/Attention_Is_All2.png"]
    git(remote, "update-ref", "refs/heads/main", f"refs/heads/{BRANCH}")
    github.merge(1)
    git(person, "checkout", "--quiet", "--", "README.md")
    git(person, "pull", "--quiet", "origin", "main")
    crops = _crop_cache(settings)
    assert len(crops) == 2

    # A new version is out: the person re-drafts it. Their entry stays; the re-draft shows its pictures.
    config = write_config(world, github.api_url)
    with open(config, "a", encoding="utf-8") as f:
        f.write('\n[arxiv]\napi_url = "http://127.0.0.1:9/api/query"\nretries = 0\ndelay_seconds = 0\n')
    assert sync_review_state(settings, Ledger.open(settings)).merged == ["1706.03762"]
    log_before = (person / "README.md").read_bytes()
    dry = CliRunner().invoke(app, ["--config", config, "summarize", str(shared_data / TRANSFORMER), "--llm", "none",
                                   "--redraft", "--dry-run", "--date", NEXT_DAY.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert IMG.findall(dry.output) == ["pic/Attention_Is_All3.png", "pic/Attention_Is_All4.png"]
    assert Ledger.open(settings).get("1706.03762").redraft_picks is None  # a dry run records nothing
    redraft = CliRunner().invoke(app, ["--config", config, "summarize", str(shared_data / TRANSFORMER),
                                       "--llm", "none", "--redraft", "--date", NEXT_DAY.isoformat()])
    assert redraft.exit_code == 0, redraft.output
    assert "not inserted: your entry stays" in redraft.output
    # printed with its pictures, named after the person's own (pic/ beside the log holds 1 and 2 now)
    assert IMG.findall(redraft.output) == ["pic/Attention_Is_All3.png", "pic/Attention_Is_All4.png"]
    printed = redraft.output
    assert printed.index("模型结构：") < printed.index("All3.png") < printed.index("实验结果：")
    assert (person / "README.md").read_bytes() == log_before and not (person / "pic" / "Attention_Is_All3.png").exists()
    assert _crop_cache(settings) == crops  # the crops of the first draft, reused (none made again)
    row = Ledger.open(settings).get("1706.03762")
    assert row.state == PaperState.MERGED and row.redraft_path
    assert [c["kind"] for c in row.redraft_picks["chosen"]] == ["architecture", "results"]

    # Night 2: another paper; its pull request carries the re-draft, whose PNGs the branch commits.
    _night(settings, shared_data / GAN, NEXT_DAY)
    files = _branch_files(remote, NEXT_BRANCH)
    assert {"pic/Attention_Is_All1.png", "pic/Attention_Is_All2.png", "pic/Attention_Is_All3.png",
            "pic/Attention_Is_All4.png"} <= set(files)
    assert not any(f.startswith("pic/Attention_Is_All5") for f in files)
    cached = sorted(crops)  # figure-1-<digest>.png, table-N-<digest>.png
    redraft_pngs = {_branch_png(remote, NEXT_BRANCH, f"pic/Attention_Is_All{n}.png") for n in (3, 4)}
    assert redraft_pngs == {p.read_bytes() for p in cached}
    for n in (1, 2):  # the merged entry's pictures are as they were on main
        assert _branch_png(remote, NEXT_BRANCH, f"pic/Attention_Is_All{n}.png") == \
            _branch_png(remote, "main", f"pic/Attention_Is_All{n}.png")
    on_branch = remote_log(remote, NEXT_BRANCH)
    assert on_branch.count("《Attention Is All You Need》") == 1  # never inserted over the person's entry
    assert "Attention_Is_All3" not in on_branch
    (pr,) = [p for p in github.pulls.values() if p["head"] == NEXT_BRANCH]
    section = _redraft_section(pr["body"])
    assert "#### 《Attention Is All You Need》" in section
    assert IMG.findall(section) == ["pic/Attention_Is_All3.png", "pic/Attention_Is_All4.png"]  # in the entry text
    host = github.api_url.split("//")[1].split(":")[0]
    url = f"https://{host}/alice/papers/blob/{NEXT_BRANCH}/pic/Attention_Is_All3.png?raw=true"
    assert f"![Figure 1, p. 3]({url})" in section
    assert "- picture (architecture): Figure 1, p. 3: Figure 1: The Transformer - model architecture." in section
    assert "- picture (results): Table " in section
    gan = [src for src in IMG.findall(on_branch) if "Attention" not in src]
    assert len(gan) == 2 and all(src.startswith("pic/Generative_Adversarial_Nets") for src in gan)
    row = Ledger.open(settings).get("1706.03762")
    assert row.redraft_branch == NEXT_BRANCH
    assert [p["src"] for p in row.redraft_pictures] == ["pic/Attention_Is_All3.png", "pic/Attention_Is_All4.png"]
    assert _crop_cache(settings).items() >= crops.items()  # the re-draft's crops still the first ones

    # `paperflow review` again with main where it was: the branch holds the PNGs already, none is added.
    tip = git(remote, "rev-parse", NEXT_BRANCH)
    again = CliRunner().invoke(app, ["--config", config, "review", "--date", NEXT_DAY.isoformat()])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    assert git(remote, "rev-parse", NEXT_BRANCH) == tip
    assert IMG.findall(_redraft_section(github.pulls[pr["number"]]["body"])) == \
        ["pic/Attention_Is_All3.png", "pic/Attention_Is_All4.png"]

    # main moves on: the branch is made again from it and the re-draft's PNGs are placed again, under the same names.
    push_to_main(world, lambda t: t + "\n# 2023.9\n")
    remade = CliRunner().invoke(app, ["--config", config, "review", "--date", NEXT_DAY.isoformat()])
    assert remade.exit_code == 0, remade.output
    assert "recreate" in remade.output
    assert {"pic/Attention_Is_All3.png", "pic/Attention_Is_All4.png"} <= set(_branch_files(remote, NEXT_BRANCH))
    assert {_branch_png(remote, NEXT_BRANCH, f"pic/Attention_Is_All{n}.png") for n in (3, 4)} == redraft_pngs
    section = _redraft_section(github.pulls[pr["number"]]["body"])
    assert f"![Figure 1, p. 3]({url})" in section
    (message,) = git(remote, "log", "--format=%B%x00", f"main..{NEXT_BRANCH}").strip("\n\x00").split("\x00")
    assert "《Generative Adversarial Nets》" in message  # one commit: the night's draft and the re-draft's PNGs
    assert "- pictures of the re-draft of 《Attention Is All You Need》" in message


def test_the_draft_recorded_and_the_redraft_shown_are_in_the_layout_of_the_branchs_log(world, github, shared_data):
    settings, person = world["settings"], world["person"]
    # The person's checkout (`[log] path`) is the weekly log; main, moved on from another machine, is now notes
    # in `## topic` / `#### (YEAR ORG) Title` headings: the branch's log, made from main, is in that layout.
    topics = (shared_data / "logs" / "topics-year-org-headings.md").read_text(encoding="utf-8")
    push_to_main(world, lambda _text: topics, "my notes, reorganised")
    assert "《An older paper》" in (person / "README.md").read_text(encoding="utf-8")
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    bert = MIXTRAL.model_copy(update={"title": "BERT: Pre-training of Deep Bidirectional Transformers for Language "
                                               "Understanding", "arxiv_id": "1810.04805", "version": 2,
                                      "published": "2018.10", "organisations": ["Google AI"]})
    _merged_row(ledger, "1810.04805", bert.title, 1)
    for transition, fields in ((Transition.REOPEN, {}), (Transition.DOWNLOAD, {"version": 2}),
                               (Transition.EXTRACT, {}), (Transition.SUMMARIZE, {}),
                               (Transition.REDRAFT, {"redraft_path": str(save_summary(world, bert))})):
        ledger.transition("1810.04805", transition, **fields)

    result = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)

    assert result.pushed and result.pr_created, result.messages
    on_main = subprocess.run(["git", "--git-dir", str(world["remote"]), "show", "main:README.md"],
                             capture_output=True, check=True).stdout
    added = pure_insert(on_main, remote_log(world["remote"], BRANCH).encode()).decode()
    assert "#### (2024 Mistral AI) Mixtral of Experts\n" in added and "《" not in added
    recorded = Ledger.open(settings).get(MIXTRAL.key).draft_entry
    assert recorded.startswith("#### (2024 Mistral AI) Mixtral of Experts\n") and "《" not in recorded
    assert recorded.strip() in added  # what a merge is compared with is the entry as the branch holds it
    section = _redraft_section(github.pulls[result.pr_number]["body"])
    assert "```markdown\n#### (2018 Google AI) BERT: Pre-training" in section and "```markdown\n《" not in section


def test_a_redraft_made_after_the_nights_pull_request_gets_its_own_commit_on_that_branch(world, github, shared_data):
    settings, remote = world["settings"], world["remote"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    first = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    assert first.pr_created
    tip = git(remote, "rev-parse", BRANCH).strip()
    # During the day the person re-drafts a merged paper (its pictures cropped, as `--redraft` does), then
    # runs `paperflow review`: nothing new to insert, but the re-draft and its PNGs join the open pull request.
    pdf = shared_data / TRANSFORMER
    text = extract_pdf(pdf, settings)
    chosen, _missing = choose_pictures(text.figures, 2)
    crops, problems = crop_floats(pdf, [f for _k, f in chosen], settings, text.sha256)
    assert not problems
    older = MIXTRAL.model_copy(update={"title": "An older paper", "arxiv_id": "2312.00001", "version": 2})
    _merged_row(ledger, "2312.00001", "An older paper", 1)
    for transition, fields in ((Transition.REOPEN, {}), (Transition.DOWNLOAD, {"version": 2}),
                               (Transition.EXTRACT, {}), (Transition.SUMMARIZE, {}),
                               (Transition.REDRAFT, {"redraft_path": str(save_summary(world, older)),
                                                     "redraft_picks": picks_record(chosen, pdf, text.sha256)})):
        ledger.transition("2312.00001", transition, **fields)

    again = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)

    assert again.mode == "update" and again.committed and again.pr_number == first.pr_number
    assert git(remote, "rev-parse", f"{BRANCH}~1").strip() == tip  # one commit on top
    message = git(remote, "log", "-1", "--format=%B", BRANCH)
    assert message.startswith("paperflow: the pictures of 1 re-draft for 2024.1.3")
    assert "- pictures of the re-draft of 《An older paper》 v2" in message and "Paperflow-Day: 2024-01-03" in message
    files = set(_branch_files(remote, BRANCH))
    assert {"pic/An_older_paper1.png", "pic/An_older_paper2.png"} <= files
    assert _branch_png(remote, BRANCH, "pic/An_older_paper1.png") == crops[(chosen[0][1].kind,
                                                                            chosen[0][1].number)].read_bytes()
    section = _redraft_section(github.pulls[first.pr_number]["body"])
    assert IMG.findall(section) == ["pic/An_older_paper1.png", "pic/An_older_paper2.png"]
    assert f"/alice/papers/blob/{BRANCH}/pic/An_older_paper2.png?raw=true)" in section
    assert remote_log(remote, BRANCH).count("An_older_paper") == 0  # the log on the branch never points at them
