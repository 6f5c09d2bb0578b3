"""The review branch of a log in another layout: the drafts go in in the log's own shape, as a pure insert.

Real git, a bare remote and the local fake GitHub, as in tests/test_review.py (its fixtures are reused);
the log is a copy of ../shared/data/logs/topics-year-org-headings.md.
"""

from __future__ import annotations

import shutil

from paperflow.ledger import Ledger
from paperflow.log.layouts import Layout
from paperflow.log.weekly_log import parse_log
from paperflow.review.publish import publish_drafts
from tests.test_log_layouts import pure_insert
from tests.test_review import BRANCH, DAY, MIXTRAL, drafted_in_ledger, git, git_identity, github, world  # noqa: F401


def _log_on_main(world, shared_data, name: str) -> bytes:
    person = world["person"]
    shutil.copyfile(shared_data / "logs" / name, person / "README.md")
    git(person, "commit", "--quiet", "-am", "my notes")
    git(person, "push", "--quiet", "origin", "main")
    return (person / "README.md").read_bytes()


def _branch_log(world) -> bytes:
    import subprocess

    return subprocess.run(["git", "--git-dir", str(world["remote"]), "show", f"{BRANCH}:README.md"],
                          capture_output=True, check=True).stdout


def test_a_review_branch_holds_the_draft_in_the_topic_logs_shape(world, github, shared_data):
    before = _log_on_main(world, shared_data, "topics-year-org-headings.md")
    settings = world["settings"]
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])

    result = publish_drafts(settings, [MIXTRAL], DAY, "**1 drafted**", ledger=ledger)

    assert result.pushed and result.pr_created, result.messages
    after = _branch_log(world)
    added = pure_insert(before, after).decode()
    assert "#### (2024 Mistral AI) Mixtral of Experts\n" in added and "《" not in added
    assert parse_log(after).has_title("Mixtral of Experts")
    assert "Mixtral of Experts" in github.pulls[1]["body"]


def test_a_layout_set_by_hand_is_the_one_the_review_branch_writes(world, github, shared_data):
    # A file auto cannot read (topics without notes of their own yet): the person says where entries go.
    person = world["person"]
    (person / "README.md").write_text("# Reading\n\n## Vision\n\n## Language\n", encoding="utf-8")
    git(person, "commit", "--quiet", "-am", "sections")
    git(person, "push", "--quiet", "origin", "main")
    before = (person / "README.md").read_bytes()
    settings = world["settings"]
    settings.log.layout = Layout(entries=3, insert="topic", topic="Language")
    ledger = Ledger.open(settings)
    drafted_in_ledger(world, ledger, [MIXTRAL])

    result = publish_drafts(settings, [MIXTRAL], DAY, "**1 drafted**", ledger=ledger)

    assert result.pushed, result.messages
    added = pure_insert(before, _branch_log(world)).decode()
    assert added.startswith("\n### Mixtral of Experts\n")
    assert _branch_log(world).endswith(added.encode())  # under ## Language, the last section
