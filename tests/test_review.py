"""The review stage with real git: a log repository, its bare remote on disk, the person's dirty
checkout, and the GitHub API served from 127.0.0.1 (tests/support/fake_github.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from tests.support.fake_github import FakeGitHub

from paperflow.ledger import Ledger, PaperState
from paperflow.models import DraftedBy, Failure, Point, Summary
from paperflow.review.publish import body_keys, publish_drafts, review_status, sync_review_state
from paperflow.settings import LogSettings, ReviewSettings, Settings
from paperflow.log.weekly_log import parse_log
from tests.support.ledger import drafted

TOKEN = "ghp_FAKEtoken0123456789SECRETxyz"
TOKEN_ENV = "PAPERFLOW_TEST_GH_TOKEN_VALUE"  # the NAME of the variable; its value is TOKEN
DAY = date(2024, 1, 3)
BRANCH = "paperflow/2024-01-03"

LOG = """# papers-weekly

# pending list

- [ ] Mixtral of Experts
- [ ] https://arxiv.org/abs/2312.13286
- [ ] 写综述：GNN 论文总结

# 2024.1

## 2024.1.2

《An older paper》

2024.1 Google 的一篇文章，研究 something，要点：

1. 背景：old.

总体上，fine.

# 2023.12

## 2023.12.29

《Another old paper》

总体上，ok.
"""


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True)
    return proc.stdout


def make_summary(title: str, arxiv_id: str, **extra) -> Summary:
    data = dict(
        title=title,
        arxiv_id=arxiv_id,
        version=1,
        published="2024.1",
        organisations=["Mistral AI"],
        topic="sparse mixture-of-experts 语言模型",
        keywords=["MoE", "routing", "LLM"],
        points=[Point(label="背景", text="dense models are costly."), Point(label="模型", text="8 experts, top-2."),
                Point(label="实验结果", text="beats Llama 2 70B on most benchmarks.")],
        verdict="总体上，值得关注。",
        drafted_by=DraftedBy.LLM,
        model="test-model",
    )
    data.update(extra)
    return Summary(**data)


MIXTRAL = make_summary("Mixtral of Experts", "2401.04088", unsupported_numbers=["13B"])
EMU2 = make_summary("Emu2: Generative Multimodal Models are In-Context Learners", "2312.13286",
                    drafted_by=DraftedBy.EXTRACTIVE, model=None)
THIRD = make_summary("A Third Paper on Retrieval", "2401.00001")


@pytest.fixture
def git_identity(tmp_path, monkeypatch):
    # The machine's own git config must not matter; paperflow falls back to settings/defaults.
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Person\n\temail = person@example.com\n[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return config


@pytest.fixture
def world(tmp_path, git_identity):
    """A bare remote, the person's clone with a dirty log, and settings pointing at them."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    person = tmp_path / "person"
    git(tmp_path, "clone", "--quiet", str(remote), str(person))
    (person / "README.md").write_text(LOG, encoding="utf-8")
    (person / "papers").mkdir()
    (person / "papers" / "attention.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    git(person, "add", "README.md", "papers")
    git(person, "commit", "--quiet", "-m", "log")
    git(person, "push", "--quiet", "origin", "main")
    # The person's uncommitted edits: a changed log and a new file.
    (person / "README.md").write_text(LOG.replace("- [ ] 写综述", "- [ ] my unsaved idea\n- [ ] 写综述"), encoding="utf-8")
    (person / "notes.txt").write_text("scratch\n", encoding="utf-8")
    settings = Settings(
        output_dir=tmp_path / "out",
        log=LogSettings(path=person / "README.md"),
        review=ReviewSettings(repository="alice/papers", token_env=TOKEN_ENV, use_gh_cli=False),
    )
    return {"tmp": tmp_path, "remote": remote, "person": person, "settings": settings}


@pytest.fixture
def github(world):
    with FakeGitHub(TOKEN, remote=world["remote"]) as fake:
        world["settings"].review.api_url = fake.api_url
        yield fake


def checkout_state(person: Path) -> tuple[str, ...]:
    """What the person sees: their log's bytes, git status (with ahead/behind), HEAD, the index
    file's content and their remote-tracking branches."""
    return (
        hashlib.sha256((person / "README.md").read_bytes()).hexdigest(),
        git(person, "status", "--porcelain=v1", "--branch", "--untracked-files=all"),
        git(person, "rev-parse", "HEAD"),
        hashlib.sha256((person / ".git" / "index").read_bytes()).hexdigest(),
        git(person, "for-each-ref", "refs/remotes/origin/main", "refs/heads/main"),
    )


def remote_log(remote: Path, ref: str) -> str:
    return subprocess.run(["git", "--git-dir", str(remote), "show", f"{ref}:README.md"], capture_output=True,
                          text=True, check=True).stdout


def push_to_main(world, edit, message="hand edit") -> None:
    """Another machine of the person's moves main on."""
    other = world["tmp"] / f"other-{time.monotonic_ns()}"
    git(world["tmp"], "clone", "--quiet", str(world["remote"]), str(other))
    path = other / "README.md"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    git(other, "commit", "--quiet", "-am", message)
    git(other, "push", "--quiet", "origin", "main")


def save_summary(world, summary: Summary) -> Path:
    path = world["tmp"] / "out" / "summaries" / f"{summary.key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary.model_dump_json(), encoding="utf-8")
    return path


def drafted_in_ledger(world, ledger: Ledger, summaries, day: date = DAY) -> None:
    for s in summaries:
        drafted(ledger, s, day, save_summary(world, s))


# ------------------------------------------------------------------------------------------ tests


def test_first_run_pushes_the_branch_and_opens_the_pull_request(world, github):
    person, remote, settings = world["person"], world["remote"], world["settings"]
    before = checkout_state(person)
    main_before = git(person, "rev-parse", "origin/main")
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL, EMU2])

    result = publish_drafts(
        settings, [MIXTRAL, EMU2], DAY, "**3 found, 2 drafted**",
        coverage={MIXTRAL.key: "sections 1-4 and 6 of 7 (5200 of 9100 tokens)"},
        unresolved=["Deeper insights into graph convolutional networks"],
        failures=[Failure(paper="2401.99999", stage="extract", reason="scanned, no text layer")],
        ledger=ledger,
    )

    assert result.pushed and result.pr_created and result.pr_number == 1 and result.mode == "create"
    assert result.commands == [] and result.messages == []
    # The person's checkout is exactly as it was: bytes, status, HEAD, index.
    assert checkout_state(person) == before
    assert (person / "notes.txt").read_text() == "scratch\n"
    # main on the remote did not move; the branch holds both drafts under the new day.
    assert git(person, "ls-remote", "origin", "refs/heads/main").split()[0] == main_before.strip()
    text = remote_log(remote, BRANCH)
    parsed = parse_log(text)
    assert parsed.has_title("Mixtral of Experts") and parsed.has_title(EMU2.title)
    assert [d.date for d in parsed.days][:2] == [DAY, date(2024, 1, 2)]
    assert "- [x] Mixtral of Experts" in text and "- [x] https://arxiv.org/abs/2312.13286" in text
    assert "- [ ] 写综述" in text and "my unsaved idea" not in text  # uncommitted edits never leak
    assert text.startswith(LOG.split("# 2024.1")[0].replace("- [ ] Mixtral", "- [x] Mixtral").replace(
        "- [ ] https", "- [x] https"))
    # Only the log changed; every other file of the repository is in the commit as it was.
    assert git(person, "diff", "--name-only", "main", f"origin/{BRANCH}").split() == ["README.md"]
    assert git(person, "ls-tree", "-r", "--name-only", f"origin/{BRANCH}").split() == ["README.md", "papers/attention.pdf"]
    # One commit by paperflow, the person's identity from git config, a clear message.
    log_line = subprocess.run(["git", "--git-dir", str(remote), "log", "-1", "--format=%an|%s%n%b", BRANCH],
                              capture_output=True, text=True, check=True).stdout
    assert log_line.startswith("Person|paperflow: draft 2 papers for 2024.1.3")
    assert "Paperflow-Day: 2024-01-03" in log_line and "arXiv:2401.04088" in log_line
    # The pull request: one section per paper and the rest of the run.
    pr = github.pulls[1]
    assert pr["head"] == BRANCH and pr["base"] == "main" and pr["title"] == "paperflow: 2 drafts for 2024.1.3"
    body = pr["body"]
    assert "### 《Mixtral of Experts》" in body and "https://arxiv.org/abs/2401.04088v1" in body
    assert "sections 1-4 and 6 of 7" in body and "`13B`" in body
    assert "**extractive draft**" in body and "- read: not recorded" in body
    assert "Deeper insights into graph convolutional networks" in body
    assert "2401.99999: extract: scanned, no text layer" in body and "**3 found, 2 drafted**" in body
    assert body_keys(body) == [MIXTRAL.key, EMU2.key]
    # The ledger knows where the papers are reviewed; no worktree is left behind.
    row = ledger.get(MIXTRAL.key)
    assert row.state == PaperState.IN_REVIEW and row.pr_number == 1 and row.review_branch == BRANCH
    assert row.drafted_on == DAY
    assert not (settings.output_dir / "review" / "worktree-2024-01-03").exists()
    assert "worktree-" not in git(person, "worktree", "list")
    assert git(person, "branch", "--list", BRANCH) == ""  # pushed: no local branch left to pile up


def test_second_run_same_day_updates_the_branch_and_the_pull_request(world, github):
    settings, remote = world["settings"], world["remote"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    first = publish_drafts(settings, [MIXTRAL], DAY, "run 1", ledger=ledger)
    first_tip = first.commit

    drafted_in_ledger(world, ledger, [THIRD])
    second = publish_drafts(settings, [THIRD], DAY, "run 2", ledger=ledger)

    assert second.mode == "update" and second.pr_number == first.pr_number and not second.pr_created
    assert len(github.pulls) == 1 and github.pulls[1]["title"] == "paperflow: 2 drafts for 2024.1.3"
    assert "run 2" in github.pulls[1]["body"] and "A Third Paper on Retrieval" in github.pulls[1]["body"]
    # A fast-forward: the first commit is kept, the new draft goes on top.
    assert subprocess.run(["git", "--git-dir", str(remote), "merge-base", "--is-ancestor", first_tip, BRANCH]).returncode == 0
    text = remote_log(remote, BRANCH)
    assert text.count("《Mixtral of Experts》") == 1 and text.count("《A Third Paper on Retrieval》") == 1
    assert text.count("## 2024.1.3") == 1
    assert set(second.papers) == {MIXTRAL.key, THIRD.key}
    # A third run with nothing new changes nothing.
    third = publish_drafts(settings, [], DAY, "run 3", ledger=ledger)
    assert third.mode == "unchanged" and third.commit == second.commit and len(github.pulls) == 1


def test_default_branch_moving_on_recreates_the_branch_without_conflicts(world, github):
    settings, remote = world["settings"], world["remote"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL, EMU2])
    publish_drafts(settings, [MIXTRAL, EMU2], DAY, "", ledger=ledger)
    # The person writes their own entry for the same day, right where the drafts went, on main.
    push_to_main(world, lambda t: t.replace("# 2024.1\n", "# 2024.1\n\n## 2024.1.3\n\n《My own note》\n\n总体上，mine.\n"))
    new_main = git(world["person"], "ls-remote", "origin", "refs/heads/main").split()[0]

    # The nightly run passes only its own new drafts; the earlier ones come from the cached summaries.
    drafted_in_ledger(world, ledger, [THIRD])
    before = checkout_state(world["person"])
    result = publish_drafts(settings, [THIRD], DAY, "", ledger=ledger)

    assert result.mode == "recreate" and result.pushed and len(github.pulls) == 1
    assert checkout_state(world["person"]) == before  # not even "behind 1" appears in their status
    text = remote_log(remote, BRANCH)
    assert "<<<<<<<" not in text and ">>>>>>>" not in text and "=======" not in text
    parsed = parse_log(text)
    for title in ("My own note", "Mixtral of Experts", EMU2.title, "A Third Paper on Retrieval"):
        assert parsed.has_title(title), title
    assert text.count("## 2024.1.3") == 1
    # Made from the new main tip: the pull request merges cleanly.
    assert subprocess.run(["git", "--git-dir", str(remote), "merge-base", "--is-ancestor", new_main, BRANCH]).returncode == 0
    assert set(body_keys(github.pulls[1]["body"])) == {MIXTRAL.key, EMU2.key, THIRD.key}


def test_the_persons_review_edits_on_the_branch_are_never_thrown_away(world, github):
    settings, remote = world["settings"], world["remote"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    # The person edits the draft on the pull request branch...
    reviewer = world["tmp"] / "reviewer"
    git(world["tmp"], "clone", "--quiet", "-b", BRANCH, str(remote), str(reviewer))
    path = reviewer / "README.md"
    path.write_text(path.read_text(encoding="utf-8").replace("总体上，值得关注。", "总体上，我改过的结论。", 1), encoding="utf-8")
    git(reviewer, "commit", "--quiet", "-am", "my edit")
    git(reviewer, "push", "--quiet")
    # ...and main moves on elsewhere.
    push_to_main(world, lambda t: t + "\n# 2023.11\n")

    drafted_in_ledger(world, ledger, [THIRD])
    result = publish_drafts(settings, [THIRD], DAY, "", ledger=ledger)

    assert result.mode == "update-kept-edits" and result.pushed
    assert any("holds your own commits" in m for m in result.messages)
    text = remote_log(remote, BRANCH)
    assert "我改过的结论" in text and "《A Third Paper on Retrieval》" in text


def test_without_a_remote_the_commit_stays_local_and_commands_are_printed(tmp_path, git_identity):
    repo = tmp_path / "log"
    git(tmp_path, "init", "--quiet", "-b", "main", str(repo))
    (repo / "README.md").write_text(LOG, encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "log")
    (repo / "README.md").write_text(LOG + "\nunsaved\n", encoding="utf-8")
    before = checkout_state(repo)
    settings = Settings(output_dir=tmp_path / "out", log=LogSettings(path=repo / "README.md"),
                        review=ReviewSettings(token_env=TOKEN_ENV, use_gh_cli=False, author_name="Night Bot",
                                              author_email="bot@example.com"))

    result = publish_drafts(settings, [MIXTRAL], DAY, "")

    assert not result.pushed and result.pr_url is None and result.commit
    assert checkout_state(repo) == before
    branch_log = git(repo, "show", f"{BRANCH}:README.md")
    assert "《Mixtral of Experts》" in branch_log and "unsaved" not in branch_log
    assert git(repo, "log", "-1", "--format=%an <%ae>", BRANCH).strip() == "Night Bot <bot@example.com>"
    assert git(repo, "rev-parse", "main") == git(repo, "rev-parse", f"{BRANCH}~1")
    assert any("no remote 'origin'" in m for m in result.messages)
    assert result.commands[0].startswith(f"git -C {repo} remote add origin")
    assert result.commands[1] == f"git -C {repo} push origin {BRANCH}"
    assert result.commands[2].startswith(f"gh pr create --base main --head {BRANCH}")
    assert result.body_path.read_text(encoding="utf-8").startswith("Drafts for **2024.1.3**")
    # A second run the same day builds on the local branch instead of starting over.
    again = publish_drafts(settings, [MIXTRAL, THIRD], DAY, "")
    assert again.mode == "update" and git(repo, "rev-parse", f"{BRANCH}~1").strip() == result.commit


def test_without_a_token_the_branch_is_pushed_and_the_pr_command_printed(world, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)
    settings = world["settings"]
    result = publish_drafts(settings, [MIXTRAL], DAY, "")
    assert result.pushed and result.pr_url is None
    assert any(f"no GitHub token (set ${TOKEN_ENV}" in m for m in result.messages)
    assert result.commands[0].startswith(f"gh pr create --repo alice/papers --base main --head {BRANCH}")
    assert "https://github.com/alice/papers/compare/main...paperflow/2024-01-03?expand=1" in result.commands[1]
    assert "《Mixtral of Experts》" in remote_log(world["remote"], BRANCH)


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (401, {"message": "Bad credentials"}, {}, "GitHub rejected the token"),
        (403, {"message": "API rate limit exceeded"},
         {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1704300000"}, "rate limit reached (403)"),
        (422, {"message": "Validation Failed", "errors": [{"message": "A pull request already exists for alice:x."}]},
         {}, "A pull request already exists"),
    ],
)
def test_api_failures_are_one_line_and_lose_nothing(world, github, status, body, headers, expected, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    settings = world["settings"]
    ledger = Ledger.open(settings)
    path = r"/repos/alice/papers/pulls"
    if status == 422:
        github.fail("POST", path, status, body, headers)
    else:
        github.fail("GET", path, status, body, headers)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    result = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)

    assert result.pushed and result.pr_url is None
    failure = [m for m in result.messages if expected in m]
    assert len(failure) == 1 and "\n" not in failure[0]
    assert "pushed, open the pull request by hand" in failure[0]
    assert result.commands and result.commands[0].startswith("gh pr create")
    # Nothing lost: the branch is on the remote, the body on disk, the ledger knows the branch.
    assert "《Mixtral of Experts》" in remote_log(world["remote"], BRANCH)
    assert "Mixtral of Experts" in result.body_path.read_text(encoding="utf-8")
    row = ledger.get(MIXTRAL.key)
    assert row.review_branch == BRANCH and row.pr_number is None and row.state == PaperState.DRAFTED
    # Next run (API fine again) opens the pull request for the same branch.
    again = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    assert again.pr_number == 1 and len(github.pulls) == 1
    assert_token_absent(world, result.to_text(), again.to_text(), capsys.readouterr(), caplog.text)


def test_a_pull_request_opened_between_lookup_and_create_is_updated(world, github):
    settings = world["settings"]
    publish_drafts(settings, [MIXTRAL], DAY, "")
    # The lookup misses the open PR once (as if it had just been opened elsewhere): the create gets 422.
    github.fail("GET", r"/repos/alice/papers/pulls", 200, [])  # type: ignore[arg-type]
    result = publish_drafts(settings, [MIXTRAL, THIRD], DAY, "again")
    assert result.pr_number == 1 and not result.pr_created and len(github.pulls) == 1
    assert github.pulls[1]["body"].count("### 《") == 2


def test_closing_the_loop_merged_rejected_open(world, github):
    settings, remote = world["settings"], world["remote"]
    ledger = Ledger.open(settings)
    other_day = date(2024, 1, 4)
    drafted_in_ledger(world, ledger, [MIXTRAL, EMU2])
    drafted_in_ledger(world, ledger, [THIRD], other_day)
    publish_drafts(settings, [MIXTRAL, EMU2], DAY, "", ledger=ledger)
    publish_drafts(settings, [THIRD], other_day, "", ledger=ledger)
    assert {ledger.get(k).pr_number for k in (MIXTRAL.key, EMU2.key, THIRD.key)} == {1, 2}

    # PR 1 is merged with Emu2's draft deleted during review; PR 2 stays open.
    merger = world["tmp"] / "merger"
    git(world["tmp"], "clone", "--quiet", str(remote), str(merger))
    git(merger, "merge", "--quiet", "--no-ff", "-m", "merge", f"origin/{BRANCH}")
    text = (merger / "README.md").read_text(encoding="utf-8")
    start = text.index(f"《{EMU2.title}》")
    end = text.index("总体上", start)
    (merger / "README.md").write_text(text[:start] + text[text.index("\n", end) + 1:], encoding="utf-8")
    git(merger, "commit", "--quiet", "-am", "drop one")
    git(merger, "push", "--quiet", "origin", "main")
    github.merge(1)

    result = sync_review_state(settings, ledger)
    assert result.merged == [MIXTRAL.key] and result.rejected == [EMU2.key] and result.still_open == [THIRD.key]
    assert ledger.get(MIXTRAL.key).state == PaperState.MERGED
    assert ledger.get(EMU2.key).state == PaperState.REJECTED
    assert ledger.get(THIRD.key).state == PaperState.IN_REVIEW

    github.close(2)
    result = sync_review_state(settings, ledger)
    assert result.rejected == [THIRD.key] and ledger.get(THIRD.key).state == PaperState.REJECTED
    # Nothing in review any more: nothing to ask GitHub.
    asked = len(github.seen)
    assert sync_review_state(settings, ledger) == type(result)()
    assert len(github.seen) == asked


def test_closing_the_loop_finds_a_pull_request_opened_by_hand(world, github, monkeypatch):
    settings = world["settings"]
    ledger = Ledger.open(settings)
    monkeypatch.delenv(TOKEN_ENV)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)  # no token: the person opens the PR
    assert ledger.get(MIXTRAL.key).state == PaperState.DRAFTED
    nothing = sync_review_state(settings, ledger)
    assert any("no GitHub token" in m for m in nothing.messages)
    github.pulls[1] = {"number": 1, "state": "open", "title": "by hand", "body": "", "head": BRANCH,
                       "base": "main", "merged": False, "merged_at": None}
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    result = sync_review_state(settings, ledger)
    assert result.still_open == [MIXTRAL.key]
    row = ledger.get(MIXTRAL.key)
    assert row.state == PaperState.IN_REVIEW and row.pr_number == 1


def test_sync_survives_a_rate_limit(world, github):
    settings = world["settings"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    github.fail("GET", r"/repos/alice/papers/pulls/1", 403, {"message": "API rate limit exceeded"},
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1704300000"})
    result = sync_review_state(settings, ledger)
    assert result.merged == [] and any("rate limit" in m for m in result.messages)
    assert ledger.get(MIXTRAL.key).state == PaperState.IN_REVIEW


def test_review_status_lists_open_pull_requests_and_their_papers(world, github):
    settings = world["settings"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL, EMU2])
    publish_drafts(settings, [MIXTRAL, EMU2], DAY, "", ledger=ledger)
    github.pulls[2] = {"number": 2, "state": "open", "title": "someone else", "body": "", "head": "feature",
                       "base": "main", "merged": False, "merged_at": None}
    reviews, messages = review_status(settings, ledger)
    assert messages == [] and [r.number for r in reviews] == [1]
    assert reviews[0].papers == [f"{MIXTRAL.key}: Mixtral of Experts", f"{EMU2.key}: {EMU2.title}"]


def test_drafts_already_in_the_log_need_no_pull_request(world, github):
    settings = world["settings"]
    push_to_main(world, lambda t: t.replace("# 2024.1\n", "# 2024.1\n\n## 2024.1.3\n\n《Mixtral of Experts》\n\n总体上，x.\n"))
    result = publish_drafts(settings, [MIXTRAL], DAY, "")
    assert result.mode == "nothing" and not result.pushed and github.pulls == {}
    assert git(world["person"], "ls-remote", "origin", BRANCH) == ""


def assert_token_absent(world, *outputs) -> None:
    person = world["person"]
    texts = [str(o) for o in outputs]
    texts.append((person / ".git" / "config").read_text())
    texts.append(git(person, "remote", "-v"))
    texts.append(git(person, "config", "--list", "--show-origin"))
    for path in Path(world["settings"].output_dir).rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    for text in texts:
        assert TOKEN not in text


def test_the_token_appears_nowhere(world, github, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    settings = world["settings"]
    ledger = Ledger.open(settings)
    github.fail("GET", r".*", 401, {"message": f"Bad credentials for {TOKEN}"})  # a server echoing it
    failed = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    ok = publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    status = review_status(settings, ledger)
    synced = sync_review_state(settings, ledger)
    captured = capsys.readouterr()
    assert ok.pr_number == 1
    assert_token_absent(world, failed.to_text(), failed.model_dump_json(), ok.model_dump_json(), status,
                        synced.model_dump_json(), captured.out, captured.err, caplog.text,
                        json.dumps([r.model_dump(mode="json") for r in ledger.rows()]))


def test_a_branch_whose_pull_request_was_closed_today_is_started_afresh(world, github):
    settings = world["settings"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])
    publish_drafts(settings, [MIXTRAL], DAY, "", ledger=ledger)
    github.close(1)
    assert sync_review_state(settings, ledger).rejected == [MIXTRAL.key]

    drafted_in_ledger(world, ledger, [THIRD])
    result = publish_drafts(settings, [THIRD], DAY, "", ledger=ledger)

    assert result.mode == "recreate" and result.pr_created and result.pr_number == 2
    text = remote_log(world["remote"], BRANCH)
    assert "《A Third Paper on Retrieval》" in text and "Mixtral of Experts》" not in text  # rejected stays out
    assert ledger.get(MIXTRAL.key).state == PaperState.REJECTED


def test_credentials_in_the_remote_url_never_reach_a_message(world, github):
    # The person keeps a token in their remote URL and the server is down: git's errors quote the URL.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    person = world["person"]
    git(person, "remote", "set-url", "origin", f"http://x-access-token:{TOKEN}@127.0.0.1:{port}/alice/papers.git")
    result = publish_drafts(world["settings"], [MIXTRAL], DAY, "")
    assert not result.pushed and result.commit
    assert any("could not fetch from origin" in m for m in result.messages)
    assert any("push to origin failed" in m for m in result.messages)
    assert result.commands[0] == f"git -C {person} push origin {BRANCH}"
    text = result.to_text() + result.model_dump_json()
    assert TOKEN not in text and f"127.0.0.1:{port}" in text  # git's error quoting the URL is shown, redacted
    assert "《Mixtral of Experts》" in git(person, "show", f"{BRANCH}:README.md")


def test_redact_removes_userinfo_and_known_secrets():
    from paperflow.review.git import redact

    line = f"fatal: unable to access 'https://x-access-token:{TOKEN}@github.com/a/b.git/': 403; token {TOKEN}"
    assert redact(line, [TOKEN]) == "fatal: unable to access 'https://***@github.com/a/b.git/': 403; token ***"


def test_review_disabled_does_nothing(world, github):
    settings = world["settings"]
    settings.review.enabled = False
    result = publish_drafts(settings, [MIXTRAL], DAY, "")
    assert result.mode == "disabled" and not result.pushed and github.seen == []
    assert git(world["person"], "branch", "--list", BRANCH) == ""


def test_a_log_in_a_subfolder_that_does_not_exist_yet_on_the_default_branch(tmp_path, git_identity):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    person = tmp_path / "person"
    git(tmp_path, "clone", "--quiet", str(remote), str(person))
    (person / "other.md").write_text("x\n")
    git(person, "add", "other.md")
    git(person, "commit", "--quiet", "-m", "start")
    git(person, "push", "--quiet", "origin", "main")
    (person / "notes").mkdir()
    (person / "notes" / "weekly.md").write_text("# my log (not committed yet)\n")
    settings = Settings(output_dir=tmp_path / "out", log=LogSettings(path=person / "notes" / "weekly.md"),
                        review=ReviewSettings(token_env=TOKEN_ENV, use_gh_cli=False))
    result = publish_drafts(settings, [MIXTRAL], DAY, "")
    assert result.pushed and result.mode == "create"
    text = subprocess.run(["git", "--git-dir", str(remote), "show", f"{BRANCH}:notes/weekly.md"], capture_output=True,
                          text=True, check=True).stdout
    assert "## 2024.1.3" in text and "《Mixtral of Experts》" in text and "not committed yet" not in text
    assert (person / "notes" / "weekly.md").read_text() == "# my log (not committed yet)\n"
    # A remote on disk is no GitHub repository: pushed, and told how to open the pull request.
    assert any(m.startswith("the GitHub repository is unknown (set review.repository") for m in result.messages)
