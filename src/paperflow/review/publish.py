"""Review through Git pull requests: one branch and one pull request per night.

`publish_drafts` puts the day's drafts on `paperflow/YYYY-MM-DD` (setting `review.branch_prefix`),
made from the freshly fetched default branch in a separate git worktree under `output/review/`, so
the person's own checkout (and whatever they have not committed) is never touched. It commits,
pushes (never to the default branch) and opens or updates the pull request. Without a remote or a
token the commit stays on the local branch and the result carries the exact commands to finish by
hand. `sync_review_state` closes the loop at the start of a run: merged pull requests make their
papers `merged`, closed ones `rejected`, open ones stay `in_review` (and are not drafted again).

How a second run on the same day treats the branch that is already there:
- the default branch has not moved: the new drafts are committed on top of the branch;
- it has moved and the branch holds only paperflow's commits: the branch is made again from the new
  default tip with every draft of the day re-inserted from the cached summaries (no LLM call), and
  pushed with --force-with-lease, so the log never holds conflict markers;
- it has moved and the branch also holds the person's own commits (edits made during review): those
  are never thrown away; the new drafts go on top and the pull request shows what needs merging.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

from filelock import FileLock, Timeout
from pydantic import BaseModel, Field

from paperflow.review import git as gitrepo
from paperflow.log.entry import code_fence, draft_entry, escape_text, escape_title, no_mentions
from paperflow.errors import PaperflowError
from paperflow.review.github import (
    GitHubClient,
    GitHubError,
    GitHubRateLimitError,
    PullRequest,
    PullRequestExistsError,
    Secret,
    parse_repository,
    resolve_token,
    web_host,
)
from paperflow.layout import OutputLayout
from paperflow.log.layouts import Layout
from paperflow.ledger import IllegalTransitionError, Ledger, LedgerRow, PaperState, Transition
from paperflow.log.pictures import picks_from_record, place_pictures, remove_pictures
from paperflow.models import DraftedBy, Failure, Picture, PictureKind, Summary
from paperflow.text.figures import Float
from paperflow.settings import Settings
from paperflow.review.edits import compare_entries
from paperflow.review.versions import NewVersion, pending_new_versions
from paperflow.summary.evidence import NO_PASSAGE
from paperflow.log.weekly_log import ParsedLog, create_log, insert_entries, normalize_title, parse_log, read_log

log = logging.getLogger(__name__)

# The floats chosen for an entry (overview first) and their cached crops by (kind, number).
ChosenPictures = tuple[list[tuple[PictureKind, Float]], dict[tuple[str, int], Path]]

STAGE = "review"
# Marks paperflow's own commits, so a branch holding the person's edits is never re-made.
COMMIT_TRAILER = "Paperflow-Day"
BODY_MARKER = "<!-- paperflow:"


class ReviewError(PaperflowError):
    """The review branch cannot be made at all (no git repository, no base branch)."""

    def __init__(self, message: str):
        super().__init__(message, stage=STAGE)


class ReviewResult(BaseModel):
    """What publish_drafts did. `commands` are what a person runs to finish by hand (empty when done)."""

    branch: str
    base: str
    repo: Path
    mode: str = "create"  # create | update | recreate | update-kept-edits | unchanged | nothing | disabled
    commit: str | None = None  # the branch tip after this run (None: no branch was made)
    committed: bool = False  # a new commit was made in this run
    pushed: bool = False
    pr_number: int | None = None
    pr_url: str | None = None
    pr_created: bool = False
    inserted: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    papers: list[str] = Field(default_factory=list)  # keys of every draft the branch proposes
    commands: list[str] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)  # one line each: what went wrong or is worth knowing
    body_path: Path | None = None

    def to_text(self) -> str:
        """Lines for a terminal or a run report."""
        lines: list[str] = []
        if self.mode == "disabled":
            pass
        elif self.mode == "nothing":
            lines.append(f"no drafts to propose on {self.branch}")
        else:
            what = f"{len(self.papers)} draft(s) on {self.branch} (from {self.base}, {self.mode})"
            lines.append(f"review branch: {what}" + (f", commit {self.commit[:10]}" if self.commit else ""))
        if self.pr_url:
            lines.append(f"pull request {'opened' if self.pr_created else 'updated'}: {self.pr_url}")
        lines.extend(f"note: {m}" for m in self.messages)
        if self.commands:
            lines.append("to finish by hand, run:")
            lines.extend(f"  {c}" for c in self.commands)
        return "\n".join(lines)


class SyncResult(BaseModel):
    merged: list[str] = Field(default_factory=list)  # ledger keys
    edit_ratios: dict[str, float] = Field(default_factory=dict)  # merged key -> how much the person rewrote
    rejected: list[str] = Field(default_factory=list)
    still_open: list[str] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)


@dataclass
class _Target:
    """Where the review branch lives and how to reach it."""

    repo: Path
    log_rel: str  # the log's path inside the repository, "/"-separated
    branch: str
    remote: str | None  # None: the repository has no such remote
    remote_url: str | None
    repository: str | None  # owner/name on GitHub, when known
    base: str = ""
    base_ref: str = ""
    remote_tip: str | None = None  # the review branch on the remote before this run
    messages: list[str] = field(default_factory=list)


@dataclass
class _Redraft:
    """A re-draft this branch's pull request shows: its floats and crops to place (`chosen`), the pictures an
    earlier run put on this branch for it (`proposed`), and what the body shows (filled in by `_commit_drafts`:
    the entry in the branch log's layout, with the pictures the branch holds)."""

    key: str
    summary: Summary
    chosen: ChosenPictures | None = None
    proposed: list[Picture] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    entry: str = ""


# ----------------------------------------------------------------------------------------- helpers


def branch_name(settings: Settings, day: date) -> str:
    return f"{settings.review.branch_prefix}{day.isoformat()}"


def log_day(day: date) -> str:
    """The log's way of writing a day: 2024.1.3 (not zero-padded)."""
    return f"{day.year}.{day.month}.{day.day}"


def worktree_path(settings: Settings, day: date) -> Path:
    return (OutputLayout.of(settings).review / f"worktree-{day.isoformat()}").resolve()


def body_path(settings: Settings, day: date) -> Path:
    return (OutputLayout.of(settings).review / f"pr-{day.isoformat()}.md").resolve()


def _locate(settings: Settings, day: date) -> _Target:
    log_path = settings.log.path.expanduser().resolve()
    try:
        repo = gitrepo.repo_root(log_path.parent)
    except gitrepo.GitError as exc:
        raise ReviewError(f"the log {log_path} is not in a git repository ({exc.message})") from None
    branch = branch_name(settings, day)
    if gitrepo.run_git(repo, ["check-ref-format", "--branch", branch], check=False).returncode != 0:
        raise ReviewError(f"{branch!r} is not a valid branch name (check review.branch_prefix)")
    remote = settings.review.remote
    url = gitrepo.remote_url(repo, remote) if remote else None
    repository = settings.review.repository or (parse_repository(url) if url else None)
    return _Target(
        repo=repo,
        log_rel=log_path.relative_to(repo).as_posix(),
        branch=branch,
        remote=remote if url else None,
        remote_url=url,
        repository=repository,
    )


def _prepare_base(target: _Target, settings: Settings) -> None:
    """Fetch the default branch and the review branch; fill in base, base_ref and remote_tip.

    A remote that cannot be reached is not fatal: the last fetched state (or the local branch) is
    used and a message says so; the push will then fail too and the commands are printed."""
    repo, remote = target.repo, target.remote
    base = settings.review.base_branch
    if remote:
        base = base or gitrepo.remote_default_branch(repo, remote)
        base = base or gitrepo.local_default_branch(repo)
        try:
            gitrepo.fetch_branches(repo, remote, [base])
            target.remote_tip = gitrepo.remote_branch_sha(repo, remote, target.branch)
            if target.remote_tip:
                gitrepo.fetch_branches(repo, remote, [target.branch])
        except gitrepo.GitError as exc:
            target.messages.append(f"could not fetch from {remote} ({exc.message}); using what was fetched last")
            target.remote_tip = gitrepo.rev_parse(repo, gitrepo.tracking_ref(remote, target.branch))
        # Fetched just now, else the last fetch (ours, then the person's), else the local branch.
        candidates = [gitrepo.tracking_ref(remote, base), f"refs/remotes/{remote}/{base}", f"refs/heads/{base}"]
        base_ref = next((ref for ref in candidates if gitrepo.rev_parse(repo, ref)), candidates[-1])
    else:
        base = base or gitrepo.local_default_branch(repo)
        base_ref = f"refs/heads/{base}"
    if base == target.branch:
        raise ReviewError(f"the review branch {target.branch} would be the default branch; change review.branch_prefix")
    if not gitrepo.rev_parse(repo, base_ref):
        raise ReviewError(f"the base branch {base} does not exist in {repo}")
    target.base, target.base_ref = base, base_ref


def _paperflow_only(repo: Path, base_ref: str, tip: str) -> bool:
    """Whether every commit the branch adds over the base was made by paperflow."""
    try:
        messages = gitrepo.commit_messages(repo, f"{base_ref}..{tip}")
    except gitrepo.GitError:
        return False
    return all(f"\n{COMMIT_TRAILER}: " in f"\n{m}" for m in messages)


def load_summary(path: Path | str) -> Summary:
    """A Summary from a cached JSON file: a Summary itself, an object holding one under "summary",
    or paperflow.summary.summarize's cache file ({"result": {"summary": ...}}).

    Raises ReviewError (one line) when the file is missing or holds no summary."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewError(f"cannot read the cached summary {path}: {type(exc).__name__}") from None
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    if isinstance(data, dict) and isinstance(data.get("summary"), dict):
        data = data["summary"]
    try:
        return Summary.model_validate(data)
    except ValueError:
        raise ReviewError(f"{path} does not hold a summary") from None


def _day_drafts(
    ledger: Ledger | None, day: date, drafts: Sequence[Summary], messages: list[str]
) -> tuple[list[Summary], list[LedgerRow]]:
    """The drafts given plus the day's other drafts recorded in the ledger (from their cached
    summaries), earlier ones first; and the ledger rows of the day."""
    if ledger is None:
        return list(drafts), []
    given = {s.key for s in drafts}
    rows = ledger.drafted_on(day)
    earlier: list[Summary] = []
    for row in rows:
        if row.key in given or row.state not in (PaperState.DRAFTED, PaperState.IN_REVIEW):
            continue
        if not row.summary_path:
            messages.append(f"{row.key}: drafted on {day} but no cached summary is recorded; left out")
            continue
        try:
            earlier.append(load_summary(row.summary_path))
        except ReviewError as exc:
            messages.append(f"{row.key}: {exc.message}; left out")
    return earlier + list(drafts), rows


def _stored_pictures(settings: Settings, rows: Sequence[LedgerRow], given: Mapping[str, ChosenPictures],
                     messages: list[str]) -> dict[str, ChosenPictures]:
    """The pictures of the day's drafts this run did not bring (a branch made again from the ledger): the floats
    the ledger recorded for each (`figure_picks`), cropped from the crop cache, else from the PDF again."""
    found: dict[str, ChosenPictures] = {}
    for row in rows:
        if row.key in given or not row.figure_picks or row.state not in (PaperState.DRAFTED, PaperState.IN_REVIEW):
            continue
        chosen = _recorded_pictures(settings, row.key, row.figure_picks, "its entry", messages)
        if chosen is not None:
            found[row.key] = chosen
    return found


def _recorded_pictures(settings: Settings, key: str, record: Mapping[str, object], what: str,
                       messages: list[str]) -> ChosenPictures | None:
    """The floats of a ledger record (`log.pictures.picks_record`) and their crops (paperflow.text.extract.crop_chosen:
    the crop cache, else the PDF again), within today's `[figures]` settings (off: None; a lower max_per_entry
    drops the last). What cannot be read or cropped is one message each, saying that `what` goes up without it."""
    from paperflow.text.extract import crop_chosen

    if not settings.figures.enabled or settings.figures.max_per_entry == 0:
        return None
    try:
        chosen, pdf, sha256 = picks_from_record(dict(record))
    except (KeyError, TypeError, ValueError):
        messages.append(f"{key}: the recorded pictures cannot be read; {what} goes up without them")
        return None
    chosen = chosen[: settings.figures.max_per_entry]
    crops, not_cropped = crop_chosen(chosen, pdf, sha256, settings)
    messages.extend(f"{key}: {line}; {what} goes up without it" for line in not_cropped)
    return chosen, crops


def _tick_lines(parsed: ParsedLog, summaries: Sequence[Summary], texts: Sequence[str]) -> list[int]:
    """Open pending items of the log to tick: those whose text was given, or that name a drafted paper
    (same title, loosely, or its arXiv id)."""
    wanted_texts = {t.strip() for t in texts if t.strip()}
    titles = {normalize_title(s.title) for s in summaries}
    ids = {s.arxiv_id for s in summaries if s.arxiv_id}
    lines = []
    for item in parsed.pending_open:
        text = item.text.strip()
        if (
            text in wanted_texts
            or normalize_title(text) in titles
            or any(_names_id(text, arxiv_id) for arxiv_id in ids)
        ):
            lines.append(item.line)
    return lines


def _names_id(text: str, arxiv_id: str) -> bool:
    at = text.find(arxiv_id)
    if at < 0:
        return False
    after = text[at + len(arxiv_id) : at + len(arxiv_id) + 1]
    before = text[at - 1 : at] if at else ""
    return not (after.isdigit() or before.isdigit() or before == ".")


def _author_env(settings: Settings, repo: Path) -> dict[str, str]:
    name = settings.review.author_name or gitrepo.config_value(repo, "user.name") or "paperflow"
    email = settings.review.author_email or gitrepo.config_value(repo, "user.email") or "paperflow@localhost"
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def _commit_message(day: date, inserted: Sequence[str], summaries: Sequence[Summary], more: bool,
                    redrafted: Sequence[Summary] = ()) -> str:
    by_title = {normalize_title(s.title): s for s in summaries}
    n = len(inserted)
    head = f"paperflow: draft {n}{' more' if more else ''} paper{'s' if n != 1 else ''} for {log_day(day)}"
    if not inserted and redrafted:
        head = f"paperflow: the pictures of {len(redrafted)} re-draft{'s' if len(redrafted) != 1 else ''} " \
               f"for {log_day(day)}"
    lines = [head, ""]
    for title in inserted:
        summary = by_title.get(normalize_title(title))
        notes = []
        if summary is not None and summary.arxiv_id:
            notes.append(f"arXiv:{summary.arxiv_id}")
        if summary is not None and summary.drafted_by == DraftedBy.EXTRACTIVE:
            notes.append("extractive draft")
        lines.append(f"- 《{escape_title(title)}》" + (f" ({', '.join(notes)})" if notes else ""))
    for summary in redrafted:
        version = f" v{summary.version}" if summary.version else ""
        lines.append(f"- pictures of the re-draft of 《{escape_title(summary.title)}》{version}")
    lines += ["", f"{COMMIT_TRAILER}: {day.isoformat()}"]
    return "\n".join(lines) + "\n"


def pr_title(day: date, n: int) -> str:
    return f"paperflow: {n} draft{'s' if n != 1 else ''} for {log_day(day)}"


def pr_body(
    day: date,
    summaries: Sequence[Summary],
    report_md: str = "",
    *,
    coverage: Mapping[str, str] | None = None,
    unresolved: Sequence[str] = (),
    failures: Sequence[Failure | str] = (),
    new_versions: Sequence[NewVersion] = (),
    redrafts: Sequence[tuple[Summary, str, Sequence[Picture]]] = (),
    selection: Sequence[str] = (),
    pictures: Mapping[str, Sequence[Picture]] | None = None,
    picture_url: Callable[[str], str] | None = None,
) -> str:
    """The pull request's Markdown body: one section per draft (title, arXiv link, what was read,
    unsupported numbers, extractive or not, the evidence behind each claim), tonight's selection
    (`selection`: Markdown lines made by sources.budget.selection_markdown, already inert), newer arXiv
    versions of merged papers, re-drafts (summary, entry text, its pictures) beside the person's entries, unresolved
    pending items, failures, the run report. Paper-provided text is escaped so it cannot add headers,
    HTML or mentions."""
    coverage = coverage or {}
    out = [
        f"Drafts for **{log_day(day)}**, written by paperflow. Read and edit them here; merge to keep them, "
        "or close the pull request to reject them (they will not be drafted again).",
        "",
    ]
    for s in summaries:
        out.append(f"### 《{no_mentions(escape_title(s.title))}》")
        out.append("")
        if s.arxiv_id:
            link = f"https://arxiv.org/abs/{s.arxiv_id}" + (f"v{s.version}" if s.version else "")
            out.append(f"- arXiv: [{s.arxiv_id}{f'v{s.version}' if s.version else ''}]({link})")
        else:
            out.append(f"- local file: `{no_mentions(escape_text(s.local_source or ''))}`")
        read = coverage.get(s.key)
        out.append(f"- read: {no_mentions(escape_text(read))}" if read else "- read: not recorded")
        if s.drafted_by == DraftedBy.EXTRACTIVE:
            out.append("- drafted by: **extractive draft** (sentences copied from the paper; no LLM was used)")
        elif s.drafted_by == DraftedBy.LLM:
            out.append(f"- drafted by: LLM{f' ({no_mentions(escape_text(s.model))})' if s.model else ''}")
        else:
            out.append("- drafted by: hand")
        if s.unsupported_numbers:
            numbers = ", ".join(f"`{no_mentions(escape_text(n)).replace('`', '')}`" for n in s.unsupported_numbers)
            out.append(f"- ⚠️ numbers not found in the paper (check them): {numbers}")
        else:
            out.append("- numbers: all found in the paper")
        out += pictures_block(pictures.get(s.key, ()) if pictures else (), picture_url)
        out += evidence_block(s)
        out.append("")
    if not summaries:
        out += ["No drafts.", ""]
    if selection:
        out += ["### Tonight's selection", "", *selection]
    out += new_versions_section(new_versions) + redrafts_section(redrafts, picture_url)
    out += ["### Pending items not resolved", ""]
    out += [f"- {no_mentions(escape_text(t))}" for t in unresolved] or ["- none"]
    out += ["", "### Failures", ""]
    out += [f"- {no_mentions(escape_text(str(f)))}" for f in failures] or ["- none"]
    out += ["", "### Run report", "", report_md.strip() or "_no report_", ""]
    keys = ",".join(s.key for s in summaries)
    out.append(f"{BODY_MARKER}day={day.isoformat()} keys={keys} -->")
    return "\n".join(out) + "\n"


EVIDENCE_CHARS = 300  # of a passage or quote in the pull request (a body holds at most 65,536 characters)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links and images, tables


def _quoted(text: str) -> str:
    """Paper or model text as inert Markdown on one line: no HTML (so no `</details>`), no emphasis,
    links or code, no #references or @mentions; clipped to EVIDENCE_CHARS."""
    text = escape_text(text)
    if len(text) > EVIDENCE_CHARS:
        text = text[: EVIDENCE_CHARS - 1].rstrip() + "…"
    return no_mentions(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def pictures_block(pictures: Sequence[Picture], picture_url: Callable[[str], str] | None) -> list[str]:
    """Each picture of the entry as GitHub shows it: what it is, the float's caption and page, and the image
    (the PNG on the review branch), so a wrong pick is seen at a glance."""
    lines: list[str] = []
    for p in pictures:
        name = f"{'Figure' if p.source_kind == 'figure' else 'Table'} {p.number}"
        lines.append(f"- picture ({p.kind.value}): {name}, p. {p.page}: {_quoted(p.caption)}")
        if picture_url is not None:
            lines += ["", f"  ![{name}, p. {p.page}]({picture_url(p.src)})", ""]
        else:
            lines.append(f"  `{no_mentions(escape_text(p.src)).replace('`', '')}`")
    return lines


def _picture_url(settings: Settings, target: _Target) -> Callable[[str], str] | None:
    """The PNG's address on the review branch, `https://github.com/OWNER/REPO/blob/BRANCH/pic/X.png?raw=true`
    (None when the repository is not known: the body names the file instead)."""
    if not target.repository:
        return None
    folder = Path(target.log_rel).parent

    def url(src: str) -> str:
        path = quote((folder / src).as_posix())
        return (f"https://{web_host(settings.review.api_url)}/{target.repository}/blob/"
                f"{quote(target.branch)}/{path}?raw=true")

    return url


def evidence_block(s: Summary) -> list[str]:
    """Lines for one draft: how many of its claims the paper supports, and a collapsible block with
    the paper's passage (and page) behind each point and the verdict, or the flag of a claim with none."""
    if not s.support:
        return ["- evidence: not checked (no paper text behind this draft)"]
    flagged = [x.claim for x in s.support if x.evidence is None]
    head = f"- evidence: {len(s.support) - len(flagged)} of {len(s.support)} claims found in the paper"
    if flagged:
        head += f"; ⚠️ {NO_PASSAGE} for {', '.join(flagged)}"
    lines = [head, "", "<details><summary>The paper's words behind each claim</summary>", ""]
    for x in s.support:
        claim = f"**{x.claim}**"
        if x.point is not None and x.point <= len(s.points):
            claim += f" ({_quoted(s.points[x.point - 1].label)})"
        if x.evidence is not None:
            where = f"p. {x.evidence.page}" + (f", {_quoted(x.evidence.section)}" if x.evidence.section else "")
            lines.append(f"- {claim}, {where}: “{_quoted(x.evidence.passage)}”")
        else:
            quote = f" The draft quoted: “{_quoted(x.quote)}”" if x.quote else ""
            lines.append(f"- {claim}: ⚠️ {_quoted(x.flag or NO_PASSAGE)}.{quote}")
    return [*lines, "", "</details>"]


def new_versions_section(new_versions: Sequence[NewVersion]) -> list[str]:
    """Merged papers with a newer arXiv version: what is out and the command that re-drafts it."""
    if not new_versions:
        return []
    out = ["### New arXiv versions of merged papers", "",
           "Your entries stay as they are. A re-draft is added to a pull request beside your entry, for you to "
           "merge by hand.", ""]
    for v in new_versions:
        out.append(f"- 《{no_mentions(escape_title(v.title))}》 (arXiv:{no_mentions(escape_text(v.key))}): {v.describe()}")
    return [*out, ""]


def redrafts_section(redrafts: Sequence[tuple[Summary, str, Sequence[Picture]]],
                     picture_url: Callable[[str], str] | None = None) -> list[str]:
    """Re-drafts of new versions: the new entry as text to copy from (never inserted over the person's
    entry), its pictures as the drafts' are shown (the PNGs on the review branch), and the evidence behind its
    claims."""
    if not redrafts:
        return []
    out = ["### Re-drafts of new versions", "",
           "These papers are already in your log: your entries are unchanged. Copy what you want from the new "
           "drafts below into them.", ""]
    for summary, entry, pictures in redrafts:
        version = f" v{summary.version}" if summary.version else ""
        out += [f"#### 《{no_mentions(escape_title(summary.title))}》{version}", ""]
        fence = code_fence(entry)
        out += ["<details><summary>The new draft</summary>", "", f"{fence}markdown", entry.rstrip("\n"), fence, "",
                "</details>", ""]
        if pictures:
            out += [*pictures_block(pictures, picture_url), ""]
        out += [*evidence_block(summary), ""]
    return out


def body_keys(body: str) -> list[str]:
    """The paper keys recorded in a paperflow pull request body (empty for any other body)."""
    at = body.rfind(BODY_MARKER)
    if at < 0:
        return []
    for part in body[at + len(BODY_MARKER) :].split("-->")[0].split():
        if part.startswith("keys="):
            return [k for k in part[len("keys=") :].split(",") if k]
    return []


def _manual_commands(target: _Target, settings: Settings, day: date, body_file: Path, *, push: bool, force: bool,
                     n: int) -> list[str]:
    repo = shlex.quote(str(target.repo))
    commands = []
    if push:
        if target.remote is None:
            commands.append(f"git -C {repo} remote add {shlex.quote(settings.review.remote)} <URL of your log repository>")
        remote = shlex.quote(target.remote or settings.review.remote)
        lease = " --force-with-lease" if force else ""
        commands.append(f"git -C {repo} push{lease} {remote} {shlex.quote(target.branch)}")
    repo_arg = f" --repo {shlex.quote(target.repository)}" if target.repository else ""
    commands.append(
        f"gh pr create{repo_arg} --base {shlex.quote(target.base)} --head {shlex.quote(target.branch)}"
        f" --title {shlex.quote(pr_title(day, n))} --body-file {shlex.quote(str(body_file))}"
    )
    if target.repository:
        host = web_host(settings.review.api_url)
        commands.append(
            f"# or open https://{host}/{target.repository}/compare/{target.base}...{target.branch}?expand=1"
            f" and paste {body_file}"
        )
    return commands


# -------------------------------------------------------------------------------------- publishing


_UNSET = object()


def publish_drafts(
    settings: Settings,
    drafts: Sequence[Summary],
    day: date,
    report_md: str = "",
    *,
    coverage: Mapping[str, str] | None = None,
    unresolved: Sequence[str] = (),
    failures: Sequence[Failure | str] = (),
    tick_pending: Sequence[str] = (),
    ledger: Ledger | None = None,
    token: Secret | None | object = _UNSET,
    env: Mapping[str, str] | None = None,
    client: GitHubClient | None = None,
    lock_timeout: float = 600.0,
    new_versions: Sequence[NewVersion] | None = None,
    selection: Sequence[str] = (),
    pictures: Mapping[str, ChosenPictures] | None = None,
) -> ReviewResult:
    """Put the day's drafts on the review branch, push it and open or update its pull request.

    `drafts` are this run's summaries; with a `ledger`, the day's earlier drafts (its drafted_on rows
    with a cached summary) are proposed too, and every proposed paper is recorded (review_branch,
    pr_number, state in_review once a pull request exists). `coverage` maps Summary.key to the line
    saying what part of the paper was read. `tick_pending` are pending-item texts to tick (items
    naming a drafted paper by title or arXiv id are ticked anyway). `token` defaults to the one
    resolved from settings (`env` replaces os.environ for that). `new_versions` are merged papers with a
    newer arXiv version to mention (default: those the ledger has recorded and no pull request mentioned);
    the ledger's re-drafts not yet shown in an earlier pull request are shown beside the drafts.
    `selection`: the night's selection for the body (see `pr_body`). `pictures` maps Summary.key to the floats
    chosen for its entry and their cached crops: the PNGs are committed on the branch with the entries (in the
    log's figures folder there, never replacing a file the branch holds) and shown in the body.

    Returns a ReviewResult; a push or API failure is not raised but reported in `messages`, with the
    exact `commands` that finish the job, and the commit stays on the local branch. Raises
    ReviewError (or GitError) only when no branch can be made: the log is not in a git repository,
    there is no base branch, or another run holds the day's lock for `lock_timeout` seconds.
    With review.enabled false, returns at once (mode "disabled").
    """
    if not settings.review.enabled:
        return ReviewResult(branch=branch_name(settings, day), base="", repo=settings.log.path.parent, mode="disabled",
                            messages=["review.enabled is false: no branch or pull request was made"])
    lock_path = OutputLayout.of(settings).review / f".{day.isoformat()}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)  # also holds the worktree and the pull request body
    try:
        # Two runs for the same day (a nightly run and `paperflow review`) take turns.
        with FileLock(str(lock_path), timeout=lock_timeout):
            return _publish(settings, drafts, day, report_md, coverage=coverage, unresolved=unresolved,
                            failures=failures, tick_pending=tick_pending, ledger=ledger, token=token, env=env,
                            client=client, new_versions=new_versions, selection=selection,
                            pictures=pictures or {})
    except Timeout:
        raise ReviewError(f"another paperflow run is publishing the drafts of {day}; try again later") from None


def _publish(
    settings: Settings,
    drafts: Sequence[Summary],
    day: date,
    report_md: str,
    *,
    coverage: Mapping[str, str] | None,
    unresolved: Sequence[str],
    failures: Sequence[Failure | str],
    tick_pending: Sequence[str],
    ledger: Ledger | None,
    token: Secret | None | object,
    env: Mapping[str, str] | None,
    client: GitHubClient | None,
    new_versions: Sequence[NewVersion] | None = None,
    selection: Sequence[str] = (),
    pictures: Mapping[str, ChosenPictures] | None = None,
) -> ReviewResult:
    target = _locate(settings, day)
    _prepare_base(target, settings)
    result = ReviewResult(branch=target.branch, base=target.base, repo=target.repo, messages=target.messages)
    messages = result.messages  # (pydantic copied the list: append to the result's own)
    summaries, day_rows = _day_drafts(ledger, day, drafts, messages)
    if not summaries:
        result.mode = "nothing"
        return result
    client, no_client_reason = _github_client(settings, target, token, env, client)
    base_sha = gitrepo.rev_parse(target.repo, target.base_ref)
    assert base_sha is not None
    start, result.mode = _branch_start(target, base_sha, client, messages)
    tick_texts = list(tick_pending) + [r.source_detail for r in day_rows if r.source == "pending" and r.source_detail]
    placed: dict[str, list[Picture]] = {}
    keys = {s.key for s in summaries}
    pictures = {**_stored_pictures(settings, [r for r in day_rows if r.key in keys], pictures or {}, messages),
                **(pictures or {})}
    redrafts = _redrafts(settings, ledger, target.branch, messages)
    tip, proposed, layout = _commit_drafts(settings, target, day, summaries, start, base_sha, tick_texts, result,
                                           pictures, placed, _proposed_pictures(day_rows, target.branch), redrafts)
    if tip == base_sha or not proposed:
        # Every draft is already in the log on the default branch: nothing to review.
        result.mode = "nothing"
        result.messages.append(f"every draft is already in the log on {target.base}; no pull request needed")
        gitrepo.run_git(target.repo, ["branch", "-D", target.branch], check=False)
        return result
    if not result.committed and result.mode.startswith("update"):
        result.mode = "unchanged"
    result.commit, result.papers = tip, [s.key for s in proposed]
    versions = list(new_versions) if new_versions is not None else pending_new_versions(ledger) if ledger else []
    body = pr_body(day, proposed, report_md, coverage=coverage, unresolved=unresolved, failures=failures,
                   new_versions=versions, redrafts=[(r.summary, r.entry, r.pictures) for r in redrafts],
                   selection=selection, pictures=placed,
                   picture_url=_picture_url(settings, target))
    result.body_path = body_path(settings, day)
    result.body_path.write_text(body, encoding="utf-8")

    def record(pr_number: int | None) -> None:
        _record(settings, ledger, proposed, day, target.branch, pr_number, messages, placed, layout)
        if ledger is not None:  # said once: the next pull request does not repeat them
            for version in versions:
                ledger.mark_version_listed(version.key, version.latest_version)
            for redraft in redrafts:
                ledger.mark_redraft_listed(redraft.key, target.branch,
                                           [p.model_dump(mode="json") for p in redraft.pictures])

    def by_hand(*, push: bool, force: bool = False) -> ReviewResult:
        result.commands = _manual_commands(target, settings, day, result.body_path, push=push, force=force,
                                           n=len(proposed))
        record(None)
        return result

    if target.remote is None:
        messages.append(f"the log repository has no remote {settings.review.remote!r}: the commit stays on "
                        f"{target.branch}")
        return by_hand(push=True)
    if not _push(target, tip, messages):
        return by_hand(push=True, force=result.mode == "recreate")
    result.pushed = True
    if client is None:
        messages.append(f"{no_client_reason}: the branch is pushed but no pull request was opened")
        return by_hand(push=False)
    try:
        pr, created = _open_or_update(client, target, pr_title(day, len(proposed)), body)
    except GitHubError as exc:
        messages.append(f"{exc.message}; the branch {target.branch} is pushed, open the pull request by hand")
        return by_hand(push=False)
    result.pr_number, result.pr_url, result.pr_created = pr.number, pr.url, created
    record(pr.number)
    return result


def _redrafts(settings: Settings, ledger: Ledger | None, branch: str, messages: list[str]) -> list[_Redraft]:
    """The re-drafts to show in this branch's pull request: those not yet shown in another one (`paperflow
    summarize ID --redraft` made them), with the floats recorded for their pictures (`redraft_picks`) cropped
    again from the crop cache, and the pictures this branch already holds for them (`redraft_pictures`)."""
    if ledger is None:
        return []
    found = []
    for row in ledger.rows(PaperState.MERGED):
        if not row.redraft_path or row.redraft_branch not in (None, branch):
            continue
        try:
            summary = load_summary(row.redraft_path)
        except ReviewError as exc:
            messages.append(f"{row.key}: re-draft left out: {exc.message}")
            continue
        redraft = _Redraft(key=row.key, summary=summary)
        if row.redraft_picks:
            redraft.chosen = _recorded_pictures(settings, row.key, row.redraft_picks, "its re-draft", messages)
        if row.redraft_branch == branch and row.redraft_pictures:
            try:
                redraft.proposed = [Picture.model_validate(p) for p in row.redraft_pictures]
            except ValueError:
                pass  # placed again, as on a new branch
        found.append(redraft)
    return found


def _github_client(settings: Settings, target: _Target, token: Secret | None | object,
                   env: Mapping[str, str] | None, client: GitHubClient | None) -> tuple[GitHubClient | None, str | None]:
    """The GitHub client for the log's repository, or None and the reason there is none."""
    review = settings.review
    if client is not None or target.remote is None:
        return client, None
    secret = resolve_token(review, dict(env) if env is not None else None) if token is _UNSET else token
    if not isinstance(secret, Secret):
        return None, f"no GitHub token (set ${review.token_env} or log in with `gh auth login`)"
    if not target.repository:
        return None, (f"the GitHub repository is unknown (set review.repository; remote {review.remote} "
                      "is not a GitHub URL)")
    return GitHubClient(review.api_url, target.repository, secret), None


def _branch_start(target: _Target, base_sha: str, client: GitHubClient | None, messages: list[str]) -> tuple[str, str]:
    """Where the day's branch starts and how (the mode): see the module docstring."""
    repo = target.repo
    existing = target.remote_tip if target.remote else gitrepo.rev_parse(repo, f"refs/heads/{target.branch}")
    if existing and client is not None and _pull_was_closed(client, target.branch, messages):
        # Its pull request was merged or closed earlier today: the branch is spent, start afresh.
        return base_sha, "recreate"
    if existing and gitrepo.is_ancestor(repo, base_sha, existing):
        return existing, "update"
    if existing and not _paperflow_only(repo, target.base_ref, existing):
        messages.append(
            f"{target.base} moved on and {target.branch} holds your own commits: paperflow added to it without "
            f"re-making it; merge {target.base} into it if the pull request shows a conflict"
        )
        return existing, "update-kept-edits"
    return base_sha, "recreate" if existing else "create"


def _commit_drafts(settings: Settings, target: _Target, day: date, summaries: Sequence[Summary], start: str,
                   base_sha: str, tick_texts: Sequence[str], result: ReviewResult,
                   pictures: Mapping[str, ChosenPictures] | None = None,
                   placed: dict[str, list[Picture]] | None = None,
                   proposed_pictures: Mapping[str, Sequence[Picture]] | None = None,
                   redrafts: Sequence[_Redraft] = ()
                   ) -> tuple[str | None, list[Summary], Layout]:
    """Insert the drafts into the log in a worktree of the branch at `start` and commit them there, with the
    PNGs of their `pictures` (what the entries show is filled into `placed`, by Summary.key). A draft already in
    the branch's log gets no new PNG: it keeps the pictures it was proposed with (`proposed_pictures`, as the
    ledger recorded them) that the branch holds. The `redrafts` get their PNGs in the same commit (or keep those
    the branch holds for them) and their entry text in the branch log's layout; they are never inserted.

    Returns the branch tip, the drafts it proposes (in its log, not in the default branch's log) and the layout
    of its log (the entries' as inserted)."""
    repo, worktree = target.repo, worktree_path(settings, day)
    pictures = pictures or {}
    placed = {} if placed is None else placed
    try:
        gitrepo.add_worktree(repo, worktree, target.branch, start, only=target.log_rel)
        log_file = worktree / target.log_rel
        if not log_file.parent.is_dir():
            log_file.parent.mkdir(parents=True)
        create_log(log_file)  # the log is not on the base branch yet: the branch adds it
        figures_rel = (Path(target.log_rel).parent / settings.log.figures_dir).as_posix()
        taken = gitrepo.tracked_files(worktree, figures_rel)  # the branch's pictures (not checked out)
        already = read_log(log_file, settings.log.layout).parsed
        kept: dict[str, list[Picture]] = {}
        for s in summaries:
            if already.has_title(s.title):
                shown = [p for p in (proposed_pictures or {}).get(s.key, ()) if Path(p.src).name in taken]
                if shown:
                    kept[s.key] = shown
            elif s.key in pictures:
                chosen, crops = pictures[s.key]
                placed[s.key], files = place_pictures(s.title, chosen, crops, log_file.parent,
                                                      settings.log.figures_dir, taken)
                taken = taken | {f.name for f in files}
        redraft_files: list[Path] = []
        pictured: list[Summary] = []  # the re-drafts whose PNGs this commit adds
        for redraft in redrafts:
            shown = [p for p in redraft.proposed if Path(p.src).name in taken]
            if shown:
                redraft.pictures = shown
            elif redraft.chosen is not None:
                chosen, crops = redraft.chosen
                try:
                    redraft.pictures, files = place_pictures(redraft.summary.title, chosen, crops, log_file.parent,
                                                             settings.log.figures_dir, taken)
                except OSError as exc:  # a picture is never a reason to fail
                    result.messages.append(f"{redraft.key}: pictures not written ({exc.strerror or exc}); "
                                           "its re-draft goes up without them")
                    files = []
                taken = taken | {f.name for f in files}
                redraft_files += files
                if files:
                    pictured.append(redraft.summary)
            redraft.entry = draft_entry(redraft.summary, settings, redraft.pictures, layout=already.layout).text
        entries = [draft_entry(s, settings, placed.get(s.key, ()), layout=already.layout) for s in summaries]
        ticks = _tick_lines(already, summaries, tick_texts)  # the PNGs placed above leave the log as read
        inserted = insert_entries(log_file, entries, day, ticks,
                                  layout=settings.log.layout)
        result.inserted, result.skipped = inserted.inserted, inserted.skipped
        for s in summaries:
            if s.title not in inserted.inserted and s.key in placed:
                remove_pictures([log_file.parent / p.src for p in placed.pop(s.key)])
        if inserted.changed or redraft_files:
            gitrepo.run_git(worktree, ["add", "--", target.log_rel])
            for key_pictures in placed.values():
                for picture in key_pictures:
                    gitrepo.run_git(worktree, ["add", "--", (Path(target.log_rel).parent / picture.src).as_posix()])
            for png in redraft_files:
                gitrepo.run_git(worktree, ["add", "--", png.relative_to(worktree).as_posix()])
            message = _commit_message(day, inserted.inserted, summaries, more=result.mode.startswith("update"),
                                      redrafted=pictured)
            gitrepo.run_git(worktree, ["commit", "--quiet", "--no-verify", "-F", "-"], env=_author_env(settings, repo),
                            input_text=message)
            result.committed = True
        placed.update(kept)  # (after the add: those PNGs are the branch's already, not in the worktree)
        tip = gitrepo.rev_parse(worktree, "HEAD")
        on_branch = read_log(log_file, settings.log.layout).parsed
        on_base = parse_log(gitrepo.show_file(repo, base_sha, target.log_rel) or b"", settings.log.layout)
        proposed = [s for s in summaries if on_branch.has_title(s.title) and not on_base.has_title(s.title)]
        return tip, proposed, on_branch.layout
    finally:
        gitrepo.remove_worktree(repo, worktree)


def _proposed_pictures(rows: Sequence[LedgerRow], branch: str) -> dict[str, list[Picture]]:
    """The pictures each of the day's drafts was proposed with on `branch` (recorded by `_record`)."""
    found: dict[str, list[Picture]] = {}
    for row in rows:
        if row.review_branch != branch or not row.draft_pictures:
            continue
        try:
            found[row.key] = [Picture.model_validate(p) for p in row.draft_pictures]
        except ValueError:
            continue
    return found


def _push(target: _Target, tip: str | None, messages: list[str]) -> bool:
    """Push the tip to the review branch only, guarded by a lease on what the remote had; False when it failed."""
    assert target.remote is not None
    if tip != target.remote_tip:
        destination = f"refs/heads/{target.branch}"
        assert destination != f"refs/heads/{target.base}"
        lease = f"--force-with-lease={destination}:{target.remote_tip or ''}"
        try:
            gitrepo.run_git(target.repo, ["push", "--quiet", "--no-verify", lease, target.remote,
                                          f"{tip}:{destination}"], timeout=gitrepo.NETWORK_TIMEOUT_SECONDS)
        except gitrepo.GitError as exc:
            messages.append(f"push to {target.remote} failed ({exc.message}); the commit stays on {target.branch}")
            return False
    # The remote holds the branch now; a local copy per night would only pile up in `git branch`.
    gitrepo.run_git(target.repo, ["branch", "-D", target.branch], check=False)
    return True


def _pull_was_closed(client: GitHubClient, branch: str, messages: list[str]) -> bool:
    """Whether the newest pull request of `branch` is closed (merged or not); False when unknown."""
    try:
        latest = client.find_pull(branch, state="all")
    except GitHubError:
        return False  # the pull request step below reports the same trouble once
    return latest is not None and latest.state == "closed"


def _open_or_update(client: GitHubClient, target: _Target, title: str, body: str) -> tuple[PullRequest, bool]:
    existing = client.find_pull(target.branch, state="open")
    if existing is None:
        try:
            return client.create_pull(title=title, head=target.branch, base=target.base, body=body), True
        except PullRequestExistsError:
            # Opened by someone (or another run) between the lookup and the create: update it instead.
            existing = client.find_pull(target.branch, state="open")
            if existing is None:
                raise
    return client.update_pull(existing.number, title=title, body=body), False


def _record(settings: Settings, ledger: Ledger | None, summaries: Sequence[Summary], day: date, branch: str,
            pr_number: int | None, messages: list[str], pictures: Mapping[str, Sequence[Picture]] | None = None,
            layout: Layout | None = None) -> None:
    """The review transitions: OPEN_REVIEW when a pull request proposes the papers, else PROPOSE (on the
    branch, no pull request yet), with the entry as proposed in the `layout` of the branch's log (the merged
    entry is compared with it) and its
    pictures (`draft_pictures`: a later run on the branch shows them again). A paper the ledger does not hold
    as drafted is named, not recorded."""
    if ledger is None:
        return
    for s in summaries:
        row = ledger.get(s.key)
        shown = list((pictures or {}).get(s.key, ()))
        fields: dict[str, object] = {"review_branch": branch, "title": s.title,
                                     "draft_entry": draft_entry(s, settings, shown, layout=layout).text,
                                     "draft_pictures": [p.model_dump(mode="json") for p in shown]}
        if row is None or row.drafted_on is None:
            fields["drafted_on"] = day
        try:
            if pr_number is not None:
                ledger.transition(s.key, Transition.OPEN_REVIEW, pr_number=pr_number, **fields)
            else:
                ledger.transition(s.key, Transition.PROPOSE, **fields)
        except IllegalTransitionError as exc:
            messages.append(f"{exc.message}; its review branch is not recorded")


# ------------------------------------------------------------------------------------ closing the loop


def _client_for(settings: Settings, env: Mapping[str, str] | None, messages: list[str]) -> GitHubClient | None:
    review = settings.review
    try:
        log_path = settings.log.path.expanduser().resolve()
        repo = gitrepo.repo_root(log_path.parent)
        url = gitrepo.remote_url(repo, review.remote)
    except gitrepo.GitError:
        url = None
    repository = review.repository or (parse_repository(url) if url else None)
    secret = resolve_token(review, dict(env) if env is not None else None)
    if secret is None or repository is None:
        what = "no GitHub token" if secret is None else "the GitHub repository is unknown (set review.repository)"
        messages.append(f"{what}: pull requests were not checked")
        return None
    return GitHubClient(review.api_url, repository, secret)


def _merged_log(settings: Settings) -> Callable[[], ParsedLog | None]:
    """A function giving the log on the freshly fetched default branch, read once (None when that log
    cannot be read)."""
    cache: dict[str, ParsedLog | None] = {}

    def merged() -> ParsedLog | None:
        if "log" not in cache:
            cache["log"] = None
            try:
                target = _locate(settings, settings.today())
                _prepare_base(target, settings)
                data = gitrepo.show_file(target.repo, target.base_ref, target.log_rel)
                if data is not None:
                    cache["log"] = parse_log(data, settings.log.layout)
            except PaperflowError:
                pass
        return cache["log"]

    return merged


def _edits(row: LedgerRow, merged: ParsedLog | None) -> dict[str, object]:
    """The MERGE transition's edit fields: the merged entry compared with the draft as proposed, part by
    part (paperflow.review.edits); nothing when either is unknown."""
    if merged is None or not row.draft_entry:
        return {}
    key = normalize_title(row.title)
    entry = next((e for e in merged.entries if normalize_title(e.title) == key), None)
    if entry is None:
        return {}
    edits = compare_entries(row.draft_entry, merged.entry_text(entry))
    return {"edit_ratio": edits.ratio, "edit_parts": {k.value: round(v, 4) for k, v in edits.by_kind().items()},
            "most_edited": edits.most_edited.value if edits.most_edited else None}


def sync_review_state(
    settings: Settings,
    ledger: Ledger,
    *,
    client: GitHubClient | None = None,
    env: Mapping[str, str] | None = None,
) -> SyncResult:
    """Check the pull requests of papers in review and move their ledger rows.

    Merged -> `merged` (or `rejected` when the person deleted that draft before merging: its title
    is not in the merged log); closed without merge -> `rejected`; open -> stays `in_review`. Papers
    drafted on a branch without a pull request are matched to one opened by hand on that branch.
    Never raises for GitHub trouble: the rows stay as they are and `messages` says why."""
    result = SyncResult()
    rows = [r for r in ledger.rows() if r.review_branch and r.state in (PaperState.IN_REVIEW, PaperState.DRAFTED)]
    if not rows:
        return result
    if client is None:
        client = _client_for(settings, env, result.messages)
        if client is None:
            result.still_open = [r.key for r in rows if r.state == PaperState.IN_REVIEW]
            return result
    by_pr: dict[int, list[LedgerRow]] = {}
    by_branch: dict[str, list[LedgerRow]] = {}
    for row in rows:
        if row.pr_number is not None:
            by_pr.setdefault(row.pr_number, []).append(row)
        else:
            by_branch.setdefault(row.review_branch or "", []).append(row)
    pulls: list[tuple[PullRequest, list[LedgerRow]]] = []
    try:
        for branch, branch_rows in by_branch.items():
            found = client.find_pull(branch, state="all")
            if found is not None:
                by_pr.setdefault(found.number, []).extend(branch_rows)
        for number, pr_rows in sorted(by_pr.items()):
            pulls.append((client.get_pull(number), pr_rows))
    except GitHubRateLimitError as exc:
        result.messages.append(f"{exc.message}; the remaining pull requests are checked next run")
    except GitHubError as exc:
        result.messages.append(f"{exc.message}; pull requests not checked")
    merged_log = _merged_log(settings)
    for pr, pr_rows in pulls:
        for row in pr_rows:
            fields: dict[str, object] = {}
            if pr.merged:
                parsed = merged_log()
                kept = parsed.has_title(row.title) if parsed is not None and row.title else None
                transition = Transition.REJECT if kept is False else Transition.MERGE
                (result.rejected if kept is False else result.merged).append(row.key)
                if kept:
                    fields = _edits(row, parsed)
                    if "edit_ratio" in fields:
                        result.edit_ratios[row.key] = float(fields["edit_ratio"])  # type: ignore[arg-type]
            elif pr.state == "closed":
                transition = Transition.REJECT
                result.rejected.append(row.key)
            else:
                transition = Transition.OPEN_REVIEW
                result.still_open.append(row.key)
            ledger.transition(row.key, transition, pr_number=pr.number, **fields)
    return result


class OpenReview(BaseModel):
    number: int | None
    url: str | None
    branch: str
    title: str
    papers: list[str]  # "key: title"


def review_status(settings: Settings, ledger: Ledger, *, env: Mapping[str, str] | None = None,
                  client: GitHubClient | None = None) -> tuple[list[OpenReview], list[str]]:
    """Open paperflow pull requests and their papers, with messages. Without a token (or when
    GitHub cannot be asked) the ledger's papers in review are listed by branch instead."""
    messages: list[str] = []
    rows = ledger.rows()
    titles = {r.key: r.title for r in rows}
    if client is None:
        client = _client_for(settings, env, messages)
    if client is not None:
        try:
            pulls = [p for p in client.list_pulls("open") if p.head_ref.startswith(settings.review.branch_prefix)]
        except GitHubError as exc:
            messages.append(exc.message)
        else:
            out = []
            for pr in pulls:
                keys = [r.key for r in rows if r.pr_number == pr.number] or body_keys(pr.body)
                out.append(OpenReview(number=pr.number, url=pr.url, branch=pr.head_ref, title=pr.title,
                                      papers=[f"{k}: {titles.get(k, '')}".rstrip(": ") for k in keys]))
            return out, messages
    grouped: dict[str, list[LedgerRow]] = {}
    for row in rows:
        if row.review_branch and row.state in (PaperState.IN_REVIEW, PaperState.DRAFTED):
            grouped.setdefault(row.review_branch, []).append(row)
    out = [
        OpenReview(number=next((r.pr_number for r in group if r.pr_number), None), url=None, branch=branch,
                   title="(from the ledger)", papers=[f"{r.key}: {r.title}" for r in group])
        for branch, group in sorted(grouped.items())
    ]
    return out, messages


__all__ = [
    "ReviewError",
    "ReviewResult",
    "SyncResult",
    "OpenReview",
    "publish_drafts",
    "sync_review_state",
    "review_status",
    "pr_body",
    "pr_title",
    "body_keys",
    "load_summary",
    "branch_name",
]
