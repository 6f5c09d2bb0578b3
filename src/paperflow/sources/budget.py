"""Tonight's budget: which papers are drafted, and never crossing the token or cost cap of a night.

Two parts, both free of I/O:

- `plan_night` orders the candidates (pending-list items and ids given by hand first, in their order, then
  query results by relevance score) and takes them while the next one fits: at most `max_papers`, and its
  estimated tokens and cost added to those already taken stay within the caps. It stops at the first paper
  that does not fit; that paper and every one after it are over budget (listed for the person, not drafted).
- `NightBudget` counts what the night really spends. Before each LLM call (repairs too) the summarizer asks
  to `reserve_call` the call's estimate; the reservation is refused (BudgetExceeded) when spent + reserved
  + estimate would cross a cap, so the night stops *before* crossing it. After the call, `settle` replaces
  the estimate by the tokens and cost the server reported (`release` when the call failed). Thread-safe:
  the nightly runs `llm.max_concurrency` calls at once. The orchestrator (paperflow.pipeline) defers a
  paper refused this way: not a failure, first in line the next night.

A night stays within its caps as long as the server counts no more tokens than the estimate, which
errs high (paperflow.text.tokens); the plan and the run-time check use the same estimate.

The estimate of one call is `estimate_tokens` (paperflow.text.tokens, calibrated to err high) of every
message, plus a few tokens of chat framing per message, plus `llm.max_output_tokens` (the server stops the
answer there). Before a paper's PDF is read, its text counts as `extract.max_input_tokens`: `text.budget.select_input`
never gives the LLM more (see `paper_estimate`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, Field

from paperflow.errors import PaperflowError
from paperflow.log.entry import code_fence, escape_text, escape_title, no_mentions
from paperflow.models import Paper, SourceKind
from paperflow.settings import LLMPrice, Settings
from paperflow.log.weekly_log import ParsedLog
from paperflow.sources.relevance import Relevance, score_papers
from paperflow.summary.llm import price_cost
from paperflow.summary.summarize import PromptError, render_prompt
from paperflow.text.tokens import estimate_tokens

MESSAGE_OVERHEAD_TOKENS = 8  # role markers and separators a chat template adds around each message
COVERAGE_LINE_TOKENS = 64  # "read 5,912 of 14,210 tokens (42%): abstract, introduction, ...; trimmed 3 ..."
# The prompt's fence marker holds a random 24-hex-digit nonce; 24 digits are the most tokens one can count as,
# so the estimate is the same every time and never below the real prompt's.
WORST_CASE_NONCE = "0" * 24
_BY_HAND = (SourceKind.PENDING, SourceKind.LIST, SourceKind.COMMAND_LINE, SourceKind.LOCAL)


class Limits(BaseModel):
    """A night's caps; None means no cap."""

    max_papers: int | None = Field(10, ge=0)
    max_tokens: int | None = Field(None, ge=0, description="input + output tokens of every LLM call")
    max_cost: float | None = Field(None, ge=0, description="in the price table's currency")


class Estimate(BaseModel):
    """Tokens one LLM call (or one paper's first call) is expected to use at most."""

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def cost(self, price: LLMPrice | None) -> float | None:
        return price_cost(price, self.input_tokens, self.output_tokens)


def estimate_call(messages: Sequence[Mapping[str, str]], max_output_tokens: int) -> Estimate:
    """The most one chat call with these messages is expected to use: the messages' estimated tokens
    plus framing, and the whole output allowance."""
    prompt = sum(estimate_tokens(m.get("content") or "") + MESSAGE_OVERHEAD_TOKENS for m in messages)
    return Estimate(input_tokens=prompt, output_tokens=max_output_tokens)


def paper_estimate(paper: Paper, settings: Settings, examples: Sequence[str] = ()) -> Estimate:
    """A paper's first LLM call before its PDF is read: its prompt rendered without the text (the
    metadata, abstract and style examples are in it), plus the most text `select_input` gives
    (`extract.max_input_tokens`) and its coverage line. 0 tokens when no LLM is configured.
    Raises PromptError when a prompt template is broken."""
    if not settings.llm.enabled:
        return Estimate()
    prompt = render_prompt(paper, "", "", settings, examples, nonce=WORST_CASE_NONCE)
    call = estimate_call(prompt.messages(), settings.llm.max_output_tokens)
    text = settings.extract.max_input_tokens + COVERAGE_LINE_TOKENS
    return Estimate(input_tokens=call.input_tokens + text, output_tokens=call.output_tokens)


# ------------------------------------------------------------------------------------------ the plan


class OverBudget(BaseModel):
    """A paper left for another night (or for the person): why, and how close it is to their log."""

    paper: Paper
    reason: str
    score: float | None = None  # relevance, for query results
    relevance: Relevance | None = None

    @property
    def link(self) -> str:
        return f"https://arxiv.org/abs/{self.paper.arxiv_id}" if self.paper.arxiv_id else str(self.paper.local_pdf)

    def checkbox(self) -> str:
        """A line to paste into the pending list; paperflow resolves it by the link next night."""
        return f"- [ ] {' '.join(self.paper.title.split())} {self.link}"


class NightPlan(BaseModel):
    take: list[Paper] = []  # in drafting order
    over_budget: list[OverBudget] = []
    estimated_tokens: int = 0  # of the papers taken
    estimated_cost: float | None = None
    limits: Limits = Limits()
    relevance: dict[str, Relevance] = {}  # query results' relevance, by paper key

    def refuse(self, paper: Paper, reason: str) -> OverBudget:
        """A paper taken by the plan but stopped at run time (its next LLM call would cross a cap)."""
        rel = self.relevance.get(paper.key)
        over = OverBudget(paper=paper, reason=reason, score=rel.score if rel else None, relevance=rel)
        self.over_budget.append(over)
        return over

    def describe(self) -> str:
        """"5 of 32 papers taken (max_papers 5, about 48,500 tokens); 27 over budget"."""
        caps = [f"max_papers {self.limits.max_papers}"] if self.limits.max_papers is not None else []
        if self.limits.max_tokens is not None:
            caps.append(f"max_tokens_per_night {self.limits.max_tokens:,}")
        if self.limits.max_cost is not None:
            caps.append(f"max_cost_per_night {self.limits.max_cost:g}")
        size = f"about {self.estimated_tokens:,} tokens" if self.estimated_tokens else "no LLM tokens"
        total = len(self.take) + len(self.over_budget)
        caps_text = f"{', '.join(caps)}; " if caps else ""
        return f"{len(self.take)} of {total} papers taken ({caps_text}{size}); {len(self.over_budget)} over budget"


def priority_order(papers: Sequence[Paper], relevance: Mapping[str, Relevance]) -> list[Paper]:
    """Papers the person asked for (pending list, ids given by hand) first, in their order; then query
    results by relevance score, best first (equal scores keep the query's order)."""
    asked = [p for p in papers if p.source in _BY_HAND]
    found = [p for p in papers if p.source not in _BY_HAND]
    found.sort(key=lambda p: -(relevance[p.key].score if p.key in relevance else 0.0))
    return asked + found


def plan_night(
    papers: Sequence[Paper],
    limits: Limits,
    estimate: Callable[[Paper], Estimate],
    *,
    relevance: Mapping[str, Relevance] | None = None,
    price: LLMPrice | None = None,
) -> NightPlan:
    """Which papers tonight drafts, in priority order, and which are over budget and why.

    `estimate(paper)` is the paper's expected LLM use (an Estimate of 0 tokens when no LLM is used: then
    only `max_papers` limits the night). Raises ValueError when a cost cap is set without a `price`: a
    cost that cannot be counted cannot be capped.
    """
    relevance = relevance or {}
    if limits.max_cost is not None and price is None:
        raise ValueError("a cost cap needs the model's price ([llm.prices.\"MODEL\"])")
    plan = NightPlan(estimated_cost=0.0 if price is not None else None, limits=limits,
                     relevance={k: r for k, r in relevance.items()})
    stop: str | None = None
    for paper in priority_order(papers, relevance):
        rel = relevance.get(paper.key)
        if stop is None:
            need = estimate(paper)
            stop = _over(plan, need, limits, price)
            if stop is None:
                plan.take.append(paper)
                plan.estimated_tokens += need.tokens
                if plan.estimated_cost is not None:
                    plan.estimated_cost += need.cost(price) or 0.0
                continue
        plan.over_budget.append(OverBudget(paper=paper, reason=stop, score=rel.score if rel else None,
                                           relevance=rel))
    return plan


def night_limits(settings: Settings, use_llm: bool = True) -> Limits:
    """`[nightly] max_papers`, and the LLM caps when the night uses the LLM."""
    llm = use_llm and settings.llm.enabled
    return Limits(max_papers=settings.nightly.max_papers,
                  max_tokens=settings.llm.max_tokens_per_night if llm else None,
                  max_cost=settings.llm.max_cost_per_night if llm else None)


def model_price(settings: Settings) -> LLMPrice | None:
    return settings.llm.prices.get(settings.llm.model or "")


def night_budget(settings: Settings, use_llm: bool = True) -> NightBudget | None:
    """The night's run-time LLM budget, or None when no LLM is used or no token or cost cap is set."""
    limits = night_limits(settings, use_llm)
    if limits.max_tokens is None and limits.max_cost is None:
        return None
    return NightBudget(limits, model_price(settings))


def select_tonight(papers: Sequence[Paper], parsed_log: ParsedLog | None, settings: Settings,
                   examples: Sequence[str] = (), *, use_llm: bool = True) -> NightPlan:
    """Tonight's selection: query results scored against the log (papers asked for need no score), then
    `plan_night` within the settings' caps, each paper estimated by `paper_estimate`. A broken prompt
    template is left for the summarize stage to report (each paper fails there with its cause): the
    paper is estimated without its prompt's text."""
    found = [p for p in papers if p.source not in _BY_HAND]
    relevance = score_papers(found, parsed_log) if found else {}
    counted = use_llm and settings.llm.enabled

    def estimate(paper: Paper) -> Estimate:
        if not counted:
            return Estimate()
        try:
            return paper_estimate(paper, settings, examples)
        except PromptError:
            return Estimate(input_tokens=settings.extract.max_input_tokens + COVERAGE_LINE_TOKENS,
                            output_tokens=settings.llm.max_output_tokens)

    return plan_night(papers, night_limits(settings, use_llm), estimate, relevance=relevance,
                      price=model_price(settings) if counted else None)


def _over(plan: NightPlan, need: Estimate, limits: Limits, price: LLMPrice | None) -> str | None:
    """Why the next paper does not fit after those taken, or None when it does."""
    if limits.max_papers is not None and len(plan.take) >= limits.max_papers:
        return f"max_papers = {limits.max_papers} reached"
    if limits.max_tokens is not None and need.tokens and plan.estimated_tokens + need.tokens > limits.max_tokens:
        return (f"would cross max_tokens_per_night = {limits.max_tokens:,} "
                f"({plan.estimated_tokens:,} planned + about {need.tokens:,})")
    cost = need.cost(price)
    if limits.max_cost is not None and cost and (plan.estimated_cost or 0.0) + cost > limits.max_cost:
        return (f"would cross max_cost_per_night = {limits.max_cost:g} "
                f"({plan.estimated_cost or 0.0:.4f} planned + about {cost:.4f})")
    return None


# ------------------------------------------------------------------------------- what is really spent


class BudgetExceeded(PaperflowError):
    """The next LLM call would cross the night's cap: it was not made. Not a failure of the paper: it
    waits for another night (the orchestrator defers it)."""


class Reservation(BaseModel):
    estimate: Estimate
    cost: float = 0.0


class NightBudget:
    """Tokens and cost the night has spent, checked before every LLM call (see the module docstring)."""

    def __init__(self, limits: Limits, price: LLMPrice | None = None):
        if limits.max_cost is not None and price is None:
            raise ValueError("a cost cap needs the model's price ([llm.prices.\"MODEL\"])")
        self.limits = limits
        self.price = price
        self.spent_tokens = 0
        self.spent_cost = 0.0
        self.calls = 0
        self.refused = 0
        self._reserved_tokens = 0
        self._reserved_cost = 0.0
        self._lock = threading.Lock()

    def reserve(self, estimate: Estimate) -> Reservation:
        """Hold `estimate` for a call about to be made. Raises BudgetExceeded (and holds nothing) when
        what is spent, what other calls hold and this estimate together would cross a cap."""
        cost = estimate.cost(self.price) or 0.0
        with self._lock:
            tokens = self.spent_tokens + self._reserved_tokens + estimate.tokens
            if self.limits.max_tokens is not None and tokens > self.limits.max_tokens:
                self.refused += 1
                raise BudgetExceeded(
                    f"the next LLM call (about {estimate.tokens:,} tokens) would cross max_tokens_per_night = "
                    f"{self.limits.max_tokens:,} ({self.spent_tokens + self._reserved_tokens:,} used)")
            total_cost = self.spent_cost + self._reserved_cost + cost
            if self.limits.max_cost is not None and total_cost > self.limits.max_cost:
                self.refused += 1
                raise BudgetExceeded(
                    f"the next LLM call (about {cost:.4f}) would cross max_cost_per_night = "
                    f"{self.limits.max_cost:g} ({self.spent_cost + self._reserved_cost:.4f} used)")
            self._reserved_tokens += estimate.tokens
            self._reserved_cost += cost
            return Reservation(estimate=estimate, cost=cost)

    def reserve_call(self, messages: Sequence[Mapping[str, str]], max_output_tokens: int) -> Reservation:
        """`reserve` the estimate of one chat call with these messages (see `estimate_call`)."""
        return self.reserve(estimate_call(messages, max_output_tokens))

    def settle(self, reservation: Reservation, input_tokens: int, output_tokens: int) -> None:
        """The call is done: release its reservation and count what the server says it used (a server
        that reports no usage at all is counted at the estimate: what is not known is not free)."""
        if input_tokens == 0 and output_tokens == 0:
            input_tokens, output_tokens = reservation.estimate.input_tokens, reservation.estimate.output_tokens
        with self._lock:
            self._reserved_tokens -= reservation.estimate.tokens
            self._reserved_cost -= reservation.cost
            self.spent_tokens += input_tokens + output_tokens
            self.spent_cost += price_cost(self.price, input_tokens, output_tokens) or 0.0
            self.calls += 1

    def release(self, reservation: Reservation) -> None:
        """The call failed without an answer: release its reservation, count nothing."""
        with self._lock:
            self._reserved_tokens -= reservation.estimate.tokens
            self._reserved_cost -= reservation.cost

    def describe(self) -> str:
        caps = []
        if self.limits.max_tokens is not None:
            caps.append(f"{self.spent_tokens:,} of {self.limits.max_tokens:,} tokens")
        else:
            caps.append(f"{self.spent_tokens:,} tokens")
        if self.limits.max_cost is not None:
            caps.append(f"{self.spent_cost:.4f} of {self.limits.max_cost:g} cost")
        refused = f"; {self.refused} call(s) not made: over budget" if self.refused else ""
        return f"LLM budget: {', '.join(caps)} in {self.calls} call(s){refused}"


# ------------------------------------------------------------------------------------------ markdown


def selection_markdown(plan: NightPlan, drafted_keys: Sequence[str] = (), max_listed: int | None = None) -> list[str]:
    """Markdown lines for a pull request or a run report: the night's budget, why each drafted query
    result was chosen (its score and nearest entries), and the papers over budget (title, link, score,
    why) with a checkbox line each to paste into the pending list; at most `max_listed` of them (the
    first in priority order; a pull request body has a size limit), the rest counted. Outside text is
    made inert."""
    out = [f"{no_mentions(plan.describe())}.", ""]  # under the caller's heading
    drafted = [k for k in drafted_keys if k in plan.relevance]
    if drafted:
        out += ["Drafted from the queries, by relevance to your log:", ""]
        for key in drafted:
            rel = plan.relevance[key]
            title = next((p.title for p in plan.take if p.key == key), key)
            out.append(f"- 《{no_mentions(escape_title(title))}》: {no_mentions(escape_text(rel.describe()))}")
        out.append("")
    if not plan.over_budget:
        return out
    listed = plan.over_budget[:max_listed] if max_listed is not None else plan.over_budget
    out += [f"**Over budget, not drafted ({len(plan.over_budget)}):**", "", "| paper | score | why |", "|---|---|---|"]
    for over in listed:
        title = _cell(f"[《{escape_title(over.paper.title)}》]({over.link})")
        score = f"{over.score:.3f}" if over.score is not None else "asked for"
        near = f"; {over.relevance.closeness()}" if over.relevance and over.relevance.nearest else ""
        out.append(f"| {title} | {score} | {_cell(escape_text(over.reason + near))} |")
    lines = [over.checkbox() for over in listed]
    fence = code_fence("\n".join(lines))
    out += ["", "To draft one on a later night, paste its line into your pending list:", "", f"{fence}text",
            *lines, fence, ""]
    if len(listed) < len(plan.over_budget):
        out += [f"{len(plan.over_budget) - len(listed)} more over budget: see the run report.", ""]
    return out


def _cell(text: str) -> str:
    return no_mentions(text).replace("|", "\\|")
