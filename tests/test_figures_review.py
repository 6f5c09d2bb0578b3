"""The pictures on the review branch (issue 19): committed with the entries (real git, a bare remote, the local
GitHub server), never in the person's checkout, never replacing a picture the branch holds, and shown in the pull
request with their caption and page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from paperflow.ledger import Ledger, PaperState
from paperflow.log.pictures import picks_record
from paperflow.models import Paper
from paperflow.pipeline import pictures_for
from paperflow.review.publish import publish_drafts
from paperflow.summary.figure_choice import choose_pictures
from paperflow.text.extract import crop_floats, extract_pdf
from tests.support.ledger import walk_to
from tests.test_review import (  # noqa: F401 - fixtures
    BRANCH, DAY, MIXTRAL, checkout_state, drafted_in_ledger, git, git_identity, github, remote_log, save_summary,
    world,
)

TRANSFORMER = "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf"


def test_the_review_branch_holds_the_pngs_and_the_pull_request_shows_them(world, github, shared_data):  # noqa: F811
    person, remote, settings = world["person"], world["remote"], world["settings"]
    # a picture of the person's own, already on main under the name the draft would take first
    (person / "pic").mkdir()
    (person / "pic" / "Mixtral_of_Experts1.png").write_bytes(b"their own picture")
    git(person, "add", "pic/Mixtral_of_Experts1.png")
    git(person, "commit", "--quiet", "-m", "a picture")
    git(person, "push", "--quiet", "origin", "main")
    (person / "pic" / "Mixtral_of_Experts1.png").unlink()  # not even in the checkout: the branch's index is what counts
    before = checkout_state(person)
    pdf = shared_data / TRANSFORMER
    text = extract_pdf(pdf, settings)
    chosen, missing = choose_pictures(text.figures, 2)
    crops, problems = crop_floats(pdf, [f for _k, f in chosen], settings, text.sha256)
    assert not missing and not problems
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])

    result = publish_drafts(settings, [MIXTRAL], DAY, "report", ledger=ledger,
                            pictures={MIXTRAL.key: (chosen, crops)})

    assert result.pushed and result.pr_created
    assert checkout_state(person) == before and not list((person / "pic").glob("Mixtral*"))
    files = git(person, "ls-tree", "-r", "--name-only", f"origin/{BRANCH}").split()
    assert {"pic/Mixtral_of_Experts1.png", "pic/Mixtral_of_Experts2.png", "pic/Mixtral_of_Experts3.png"} <= set(files)
    assert git(person, "show", f"origin/{BRANCH}:pic/Mixtral_of_Experts1.png") == "their own picture"  # never replaced
    png = subprocess_bytes(remote, f"{BRANCH}:pic/Mixtral_of_Experts2.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == crops[(chosen[0][1].kind, chosen[0][1].number)].read_bytes()
    log = git(person, "show", f"origin/{BRANCH}:README.md")
    assert '模型结构：\n\n<img src="pic/Mixtral_of_Experts2.png" width=' in log
    assert '实验结果：\n\n<img src="pic/Mixtral_of_Experts3.png" width=' in log
    body = github.pulls[1]["body"]
    url = f"https://{github.api_url.split('//')[1].split(':')[0]}/alice/papers/blob/{BRANCH}/pic/Mixtral_of_Experts2.png?raw=true"
    assert f"![Figure 1, p. 3]({url})" in body
    assert "- picture (architecture): Figure 1, p. 3: Figure 1: The Transformer - model architecture." in body
    assert "- picture (results): Table " in body


def subprocess_bytes(remote: Path, spec: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "--git-dir", str(remote), "show", spec], capture_output=True, check=True).stdout


def test_a_picture_that_cannot_be_cropped_is_one_line_for_a_draft_and_for_a_branch_made_from_the_ledger(
        world, github, shared_data):  # noqa: F811
    """One crop step (text.extract.crop_chosen) for a night's draft and for a review branch made again from the ledger:
    a PDF gone with no crop cached is the same line per float, and the entry goes up without the picture."""
    settings = world["settings"]
    pdf = world["tmp"] / "moved-away.pdf"
    shutil.copy(shared_data / TRANSFORMER, pdf)
    text = extract_pdf(pdf, settings)
    chosen, _missing = choose_pictures(text.figures, 2)
    pdf.unlink()  # and nothing was ever cropped from it

    (_chosen, crops), lines = pictures_for(text, pdf, settings)
    assert crops == {}
    kinds = [f"{f.kind} {f.number}" for _kind, f in chosen]
    assert [re.sub(r" \(.*\)$", "", line) for line in lines] == [f"{k} not cropped" for k in kinds], lines

    ledger = Ledger.open(settings)
    walk_to(ledger, Paper(arxiv_id=MIXTRAL.arxiv_id, version=1, title=MIXTRAL.title), PaperState.DRAFTED,
            drafted_on=DAY, summary_path=str(save_summary(world, MIXTRAL)),
            figure_picks=picks_record(chosen, pdf, text.sha256))
    result = publish_drafts(settings, [], DAY, "", ledger=ledger)

    assert result.pushed and result.papers == [MIXTRAL.key]
    assert [m for m in result.messages if "not cropped" in m] == [
        f"{MIXTRAL.key}: {line}; its entry goes up without it" for line in lines]
    log = remote_log(world["remote"], BRANCH)
    assert "《Mixtral of Experts》" in log and "<img" not in log and "模型结构" not in log
