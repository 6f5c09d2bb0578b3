"""Learning from the person's edits, with real git and the local GitHub API server: a merged pull request
whose entry the person edited on the branch before merging, an untouched one, a rejected one; what the
ledger, `paperflow stats` and the style examples make of them; newer arXiv versions and re-drafts in
the next pull request."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.ledger import Ledger, PaperState, Transition
from paperflow.log.weekly_log import normalize_title, parse_log
from paperflow.models import Paper, Summary
from paperflow.review.edits import HEAVY_EDIT, style_examples
from paperflow.review.publish import publish_drafts, sync_review_state
from paperflow.review.versions import check_new_versions, pending_new_versions
from paperflow.sources.arxiv_api import ArxivClient
from paperflow.stats import monthly_stats
from tests.support.arxiv import arxiv_api_replay
from tests.support.ledger import drafted, walk_to
from tests.support.local_server import LocalServer, RecordingSleep
from tests.test_review import (  # noqa: F401 - fixtures
    BRANCH,
    DAY,
    EMU2,
    MIXTRAL,
    THIRD,
    drafted_in_ledger,
    git,
    git_identity,
    github,
    remote_log,
    save_summary,
    world,
)

OTHER_DAY = date(2024, 1, 4)


def edit_on_the_branch(world, edit) -> None:
    """The person edits the draft on the review branch (a commit of theirs on top of paperflow's)."""
    clone = world["tmp"] / "editor"
    git(world["tmp"], "clone", "--quiet", "--branch", BRANCH, str(world["remote"]), str(clone))
    path = clone / "README.md"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", "my edits")
    git(clone, "push", "--quiet", "origin", BRANCH)


def merge_on_github(world, github, number: int, branch: str) -> None:
    merger = world["tmp"] / f"merger-{number}"
    git(world["tmp"], "clone", "--quiet", str(world["remote"]), str(merger))
    git(merger, "merge", "--quiet", "--no-ff", "-m", f"Merge pull request #{number}", f"origin/{branch}")
    git(merger, "push", "--quiet", "origin", "main")
    github.merge(number)


def rewrite_mixtral(text: str) -> str:
    start = text.index("《Mixtral of Experts》")
    end = text.index("总体上，值得关注。", start)
    entry = text[start:end]
    edited = (entry.replace("8 experts, top-2.", "每层 8 个 expert，router 为每个 token 选 2 个，激活参数只有 13B。")
                   .replace("beats Llama 2 70B on most benchmarks.",
                            "多数 benchmark 上和 Llama 2 70B 相当，数学、代码和多语言明显更好。"))
    verdict = "总体上，目前最好的开源 MoE；可惜没讲训练数据，路由分析也只有一页，值得跟进但要自己复现。"
    return text[:start] + edited + verdict + text[end + len("总体上，值得关注。"):]


@pytest.fixture
def reviewed(world, github):
    """Night 1: Mixtral and Emu2 in PR 1 (the person rewrites Mixtral on the branch, leaves Emu2, merges);
    night 2: a third paper in PR 2, closed unmerged. Then the nightly sync."""
    settings = world["settings"]
    ledger = Ledger.open(settings)
    for summary, day, model, prompt in ((MIXTRAL, DAY, "test-model", "p1"), (EMU2, DAY, None, "extractive"),
                                        (THIRD, OTHER_DAY, "test-model", "p1")):
        # As a night leaves them: summarized by a model with a prompt version, drafted on `day`.
        walk_to(ledger, Paper(arxiv_id=summary.arxiv_id, version=summary.version, title=summary.title),
                PaperState.DRAFTED, drafted_on=day, summary_path=str(save_summary(world, summary)), model=model,
                prompt_version=prompt)
    publish_drafts(settings, [MIXTRAL, EMU2], DAY, "", ledger=ledger)
    publish_drafts(settings, [THIRD], OTHER_DAY, "", ledger=ledger)
    edit_on_the_branch(world, rewrite_mixtral)
    merge_on_github(world, github, 1, BRANCH)
    github.close(2)
    result = sync_review_state(settings, ledger)
    return world, ledger, result


def test_a_merged_entry_is_compared_with_its_draft_part_by_part(reviewed):
    world, ledger, result = reviewed
    assert result.merged == [MIXTRAL.key, EMU2.key] and result.rejected == [THIRD.key]
    mixtral, emu2, third = (ledger.get(k) for k in (MIXTRAL.key, EMU2.key, THIRD.key))
    # The draft as proposed was recorded when the pull request opened.
    assert mixtral.draft_entry.startswith("《Mixtral of Experts》") and "总体上，值得关注。" in mixtral.draft_entry
    # Edited on the branch before merging: measured, the verdict rewritten most.
    assert mixtral.state == PaperState.MERGED and mixtral.edit_ratio > HEAVY_EDIT
    assert mixtral.most_edited == "verdict"
    assert mixtral.edit_parts["verdict"] > 0.5 and mixtral.edit_parts["keywords"] == 0
    assert 0 < mixtral.edit_parts["point"] < mixtral.edit_parts["verdict"]
    assert result.edit_ratios[MIXTRAL.key] == mixtral.edit_ratio
    # Merged as drafted: measured as untouched.
    assert emu2.state == PaperState.MERGED and emu2.edit_ratio == 0 and emu2.most_edited is None
    # Rejected: nothing to measure.
    assert third.state == PaperState.REJECTED and third.edit_ratio is None
    # What the sync compared is what is on main now.
    assert "可惜没讲训练数据" in remote_log(world["remote"], "main")


def test_stats_per_month_model_and_prompt(reviewed):
    world, ledger, _ = reviewed
    groups = {(g.model, g.prompt_version): g for g in monthly_stats(ledger.rows())}
    llm, extractive = groups[("test-model", "p1")], groups[("extractive", "extractive")]
    assert (llm.month, llm.drafted, llm.merged, llm.rejected, llm.open) == ("2024.1", 2, 1, 1, 0)
    assert llm.mean_edit_ratio == round(ledger.get(MIXTRAL.key).edit_ratio, 3) and llm.most_edited == "verdict"
    assert (extractive.merged, extractive.mean_edit_ratio, extractive.most_edited) == (1, 0.0, None)

    config = world["tmp"] / "paperflow.toml"
    config.write_text(f'output_dir = "{world["tmp"] / "out"}"\n[log]\npath = "{world["person"] / "README.md"}"\n',
                      encoding="utf-8")
    printed = CliRunner().invoke(app, ["--config", str(config), "stats"])
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert lines[0].split()[:4] == ["month", "model", "prompt", "drafted"]
    assert any(line.split()[:8] == ["2024.1", "test-model", "p1", "2", "1", "1", "0", f"{llm.mean_edit_ratio:.2f}"]
               for line in lines)
    as_json = CliRunner().invoke(app, ["--config", str(config), "stats", "--json"])
    assert {(g["model"], g["merged"]) for g in json.loads(as_json.output)} == {
        ("test-model", 1), ("extractive", 1)}


def test_style_examples_take_the_rewritten_entry_never_the_untouched_one(reviewed):
    world, ledger, _ = reviewed
    merged_log = parse_log(remote_log(world["remote"], "main"))
    ratios = {normalize_title(r.title): r.edit_ratio for r in ledger.rows() if r.drafted_on is not None}
    examples = style_examples(merged_log, 5, ratios)
    titles = [e.split("\n", 1)[0] for e in examples]
    assert titles[0] == "《Mixtral of Experts》"  # heavily rewritten by the person: their style first
    assert f"《{EMU2.title}》" not in titles  # merged untouched: paperflow's style, not theirs
    assert titles[1:] == ["《An older paper》", "《Another old paper》"]  # then the hand-written ones


def _merged_row(ledger: Ledger, key: str, title: str, version: int) -> None:
    walk_to(ledger, Paper(arxiv_id=key, version=version, title=title), PaperState.MERGED, version=version,
            drafted_on=date(2023, 6, 1))


def test_a_newer_version_is_listed_once_in_the_next_pull_request(world, github, shared_data):
    settings = world["settings"]
    ledger = Ledger.open(settings)
    _merged_row(ledger, "2204.08348", "A merged paper", 1)  # arXiv has v3 of it (recorded response)
    _merged_row(ledger, "1707.08567", "Up to date", 1)  # arXiv's newest is v1
    with LocalServer(arxiv_api_replay(shared_data)) as api:
        settings.arxiv.api_url, settings.arxiv.delay_seconds, settings.arxiv.retries = api.url("/api/query"), 0, 0
        found, messages = check_new_versions(settings, ledger, client=ArxivClient(settings.arxiv,
                                                                                   sleep=RecordingSleep()))
        assert len(api.requests) == 1  # every merged paper in one request
    assert messages == [] and [(v.key, v.drafted_version, v.latest_version) for v in found] == [("2204.08348", 1, 3)]
    assert ledger.get("2204.08348").latest_version == 3

    drafted_in_ledger(world, ledger, [MIXTRAL])
    result = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger, new_versions=found)
    body = github.pulls[result.pr_number]["body"]
    assert "### New arXiv versions of merged papers" in body
    assert ("- 《A merged paper》 (arXiv:2204.08348): v3 is out (the entry was drafted from v1); re-draft with "
            "`paperflow summarize 2204.08348 --redraft`") in body
    assert "Up to date" not in body
    # Said once: the next night's pull request does not repeat it.
    assert pending_new_versions(ledger) == [] and ledger.get("2204.08348").version_listed == 3
    drafted_in_ledger(world, ledger, [THIRD], OTHER_DAY)
    later = publish_drafts(settings, [THIRD], OTHER_DAY, "", ledger=ledger)
    assert "New arXiv versions" not in github.pulls[later.pr_number]["body"]


def test_a_redraft_goes_into_the_pull_request_and_never_over_the_persons_entry(world, github):
    settings = world["settings"]
    ledger = Ledger.open(settings)
    # "An older paper" is in the person's log (hand-written); its v2 was re-drafted with --redraft.
    older = MIXTRAL.model_copy(update={"title": "An older paper", "arxiv_id": "2312.00001", "version": 2,
                                       "verdict": "总体上，v2 的新草稿。"})
    _merged_row(ledger, "2312.00001", "An older paper", 1)
    for transition, fields in ((Transition.REOPEN, {}), (Transition.DOWNLOAD, {"version": 2}),
                               (Transition.EXTRACT, {}), (Transition.SUMMARIZE, {}),
                               (Transition.REDRAFT, {"redraft_path": str(save_summary(world, older))})):
        ledger.transition("2312.00001", transition, **fields)
    assert ledger.get("2312.00001").state == PaperState.MERGED

    drafted_in_ledger(world, ledger, [MIXTRAL])
    result = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    body = github.pulls[result.pr_number]["body"]
    section = body[body.index("### Re-drafts of new versions"):]
    assert "#### 《An older paper》 v2" in section and "总体上，v2 的新草稿。" in section
    assert "```markdown\n《An older paper》" in section
    # The person's entry on the branch is theirs: one 《An older paper》 entry, as they wrote it.
    on_branch = remote_log(world["remote"], BRANCH)
    assert on_branch.count("《An older paper》") == 1 and "v2 的新草稿" not in on_branch
    assert "1. 背景：old." in on_branch
    assert ledger.get("2312.00001").redraft_branch == BRANCH
    # The same day's update keeps showing it; the next day's pull request does not.
    again = publish_drafts(settings, [MIXTRAL, THIRD], DAY, "", ledger=ledger)
    assert "#### 《An older paper》 v2" in github.pulls[again.pr_number]["body"]
    drafted_in_ledger(world, ledger, [EMU2], OTHER_DAY)
    later = publish_drafts(settings, [EMU2], OTHER_DAY, "", ledger=ledger)
    assert "Re-drafts" not in github.pulls[later.pr_number]["body"]


def test_show_prints_the_draft_with_its_evidence(world):
    from paperflow.models import Evidence, Support

    settings = world["settings"]
    ledger = Ledger.open(settings)
    summary: Summary = MIXTRAL.model_copy(update={"support": [
        Support(point=1, quote="dense models are costly", evidence=Evidence(
            quote="dense models are costly", page=2, score=100.0, passage="Dense models are costly to serve.",
            section="1 Introduction")),
        Support(point=2, quote="eight experts", flag="no supporting passage found (closest: 40/100 on page 3)"),
    ]})
    drafted(ledger, summary, DAY, save_summary(world, summary))
    config = world["tmp"] / "paperflow.toml"
    config.write_text(f'output_dir = "{world["tmp"] / "out"}"\n[log]\npath = "{world["person"] / "README.md"}"\n',
                      encoding="utf-8")
    shown = CliRunner().invoke(app, ["--config", str(config), "show", "arXiv:2401.04088"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "2401.04088: drafted, v1, drafted 2024-01-03"
    assert "《Mixtral of Experts》" in lines
    assert "evidence: 1 of 2 claims found in the paper" in lines
    assert '  point 1 (背景), p. 2, 1 Introduction: "Dense models are costly to serve."' in lines
    assert ("  point 2 (模型): ! no supporting passage found (closest: 40/100 on page 3); the draft's quote: "
            '"eight experts"') in lines
    assert "numbers not found in the paper: 13B" in lines
    missing = CliRunner().invoke(app, ["--config", str(config), "show", "2401.99999"])
    assert missing.exit_code == 2 and "no draft of this paper" in missing.output

