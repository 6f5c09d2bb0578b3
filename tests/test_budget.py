"""The night's budget: what is drafted first, where the night stops, and that no call crosses a cap."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from paperflow.errors import PaperflowError
from paperflow.log.weekly_log import parse_log, style_examples
from paperflow.models import Paper, SourceKind
from paperflow.settings import LLMPrice, Settings, SettingsError, load_settings
from paperflow.sources.budget import (
    BudgetExceeded,
    Estimate,
    Limits,
    NightBudget,
    WORST_CASE_NONCE,
    estimate_call,
    paper_estimate,
    plan_night,
    priority_order,
    select_tonight,
    selection_markdown,
)
from paperflow.ledger import Ledger
from paperflow.sources.pending import resolve_pending
from paperflow.sources.relevance import score_papers
from paperflow.summary.summarize import render_prompt
from paperflow.text.budget import select_input
from paperflow.text.extract import extract_pdf
from paperflow.text.sections import SectionKind
from tests.support.relevance import LOG_PATH, query_results, recorded_papers

PRICE = LLMPrice(input_per_million=1.0, output_per_million=4.0)


@pytest.fixture(scope="module")
def night(shared_data, tmp_path_factory) -> tuple[list[Paper], dict]:
    """30 real query results and two pending items, scored against the hand-written log."""
    papers = recorded_papers(shared_data, tmp_path_factory.mktemp("arxiv"))
    results = query_results(papers)[:30]
    pending = [p.model_copy(update={"source": SourceKind.PENDING, "source_detail": f"- [ ] {p.title}"})
               for p in query_results(papers)[60:62]]
    candidates = results[:10] + [pending[0]] + results[10:] + [pending[1]]  # as gathering interleaves them
    relevance = score_papers([p for p in candidates if p.source == SourceKind.QUERY], parse_log(LOG_PATH.read_bytes()))
    return candidates, relevance


def flat(tokens: int) -> Callable[[Paper], Estimate]:
    return lambda paper: Estimate(input_tokens=tokens - 1000, output_tokens=1000)


def test_five_papers_are_the_two_pending_items_and_the_three_best_scored_results(night):
    candidates, relevance = night
    plan = plan_night(candidates, Limits(max_papers=5), flat(9000), relevance=relevance)
    pending = [p for p in candidates if p.source == SourceKind.PENDING]
    results = sorted((p for p in candidates if p.source == SourceKind.QUERY), key=lambda p: -relevance[p.key].score)
    assert [p.key for p in plan.take] == [p.key for p in pending] + [p.key for p in results[:3]]
    assert relevance[results[2].key].score > relevance[results[3].key].score  # a real gap, not a tie
    over = plan.over_budget
    assert [o.paper.key for o in over] == [p.key for p in results[3:]]
    assert all(o.reason == "max_papers = 5 reached" for o in over)
    assert [o.score for o in over] == [relevance[p.key].score for p in results[3:]]
    first = over[0]
    assert first.checkbox() == f"- [ ] {first.paper.title} https://arxiv.org/abs/{first.paper.arxiv_id}"
    assert plan.estimated_tokens == 5 * 9000


def test_the_night_stops_at_the_first_paper_that_would_cross_the_token_cap(night):
    candidates, relevance = night
    sizes = {p.key: 4000 + 1000 * (i % 3) for i, p in enumerate(candidates)}  # 4000, 5000, 6000 tokens
    ordered = priority_order(candidates, relevance)
    plan = plan_night(candidates, Limits(max_papers=None, max_tokens=20_000),
                      lambda p: Estimate(input_tokens=sizes[p.key]), relevance=relevance)
    taken = sum(sizes[p.key] for p in plan.take)
    assert taken <= 20_000 < taken + sizes[ordered[len(plan.take)].key]
    assert plan.take == ordered[: len(plan.take)]
    # Everything after the stop is over budget, even a paper small enough to fit: the order is the priority.
    assert [o.paper for o in plan.over_budget] == ordered[len(plan.take):]
    assert plan.over_budget[0].reason.startswith("would cross max_tokens_per_night = 20,000")


def test_a_cost_cap_counts_input_and_output_at_the_models_price(night):
    candidates, relevance = night
    # 8000 in + 1000 out = 0.008 + 0.004 = 0.012 a paper: 0.05 holds four.
    plan = plan_night(candidates, Limits(max_papers=None, max_cost=0.05),
                      lambda p: Estimate(input_tokens=8000, output_tokens=1000), relevance=relevance, price=PRICE)
    assert len(plan.take) == 4
    assert plan.estimated_cost == pytest.approx(0.048)
    assert "would cross max_cost_per_night = 0.05" in plan.over_budget[0].reason
    with pytest.raises(ValueError, match="price"):
        plan_night(candidates, Limits(max_cost=1.0), flat(1000))


def test_without_an_llm_only_max_papers_limits(night):
    candidates, relevance = night
    plan = plan_night(candidates, Limits(max_papers=7, max_tokens=10), lambda p: Estimate(), relevance=relevance)
    assert len(plan.take) == 7 and plan.estimated_tokens == 0


def test_the_budget_refuses_the_call_that_would_cross_and_counts_what_was_used():
    budget = NightBudget(Limits(max_tokens=10_000, max_cost=0.02), PRICE)
    held = budget.reserve(Estimate(input_tokens=5000, output_tokens=1500))
    budget.settle(held, 4800, 700)  # the server reports fewer tokens than estimated
    assert budget.spent_tokens == 5500
    with pytest.raises(BudgetExceeded, match="max_tokens_per_night = 10,000"):
        budget.reserve(Estimate(input_tokens=4000, output_tokens=1500))  # 5500 + 5500 > 10000
    held = budget.reserve(Estimate(input_tokens=3000, output_tokens=1500))
    budget.settle(held, 3000, 1000)
    assert budget.spent_tokens == 10_000 - 500
    assert budget.spent_cost == pytest.approx((4800 + 3000) / 1e6 + (700 + 1000) * 4 / 1e6)
    assert "9,500 of 10,000 tokens" in budget.describe() and "1 call(s) not made" in budget.describe()


def test_concurrent_calls_never_hold_more_than_the_cap_together():
    budget = NightBudget(Limits(max_tokens=50_000))
    estimate = Estimate(input_tokens=6000, output_tokens=1500)
    gate = threading.Barrier(8)
    made: list[int] = []

    def worker() -> None:
        gate.wait()
        for _ in range(5):
            try:
                held = budget.reserve(estimate)
            except BudgetExceeded:
                return
            made.append(1)
            budget.settle(held, estimate.input_tokens, estimate.output_tokens)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 50_000 // 7500 == 6
    assert budget.spent_tokens == 6 * 7500 <= 50_000


def test_the_estimate_before_the_pdf_bounds_the_real_first_call(shared_data, tmp_path):
    """paper_estimate (metadata only) is at least what the real prompt of the real text estimates."""
    settings = Settings(output_dir=tmp_path, llm=dict(base_url="http://127.0.0.1:9/v1", model="m"))
    examples = style_examples(parse_log(LOG_PATH.read_bytes()), settings.log.style_examples)
    for name in ("arxiv_1706.03762v5_attention_is_all_you_need.pdf", "arxiv_1406.2661v1_gan.pdf"):
        text = extract_pdf(shared_data / "pdf" / name, settings, name)
        abstract = " ".join(section.text for section in text.of_kind(SectionKind.ABSTRACT))
        paper = Paper(arxiv_id=name.split("_")[1][:10], version=1, title=text.title or name, abstract=abstract,
                      authors=["A. Author"], source=SourceKind.QUERY)
        selected = select_input(text, settings.extract.max_input_tokens)
        planned = paper_estimate(paper, settings, examples)
        for _ in range(20):  # each real prompt has its own random fence nonce: never above the plan
            prompt = render_prompt(paper, selected.text, selected.coverage.describe(), settings, examples)
            assert estimate_call(prompt.messages(), settings.llm.max_output_tokens).tokens <= planned.tokens, name
        assert planned.output_tokens == settings.llm.max_output_tokens
        # Not a blind overestimate: with the nonce that counts the most (as the plan's), the text is the only
        # slack, and a long paper fills most of it.
        prompt = render_prompt(paper, selected.text, selected.coverage.describe(), settings, examples,
                               nonce=WORST_CASE_NONCE)
        real = estimate_call(prompt.messages(), settings.llm.max_output_tokens)
        assert planned.tokens - real.tokens <= settings.extract.max_input_tokens - selected.coverage.tokens_read + 100
    assert paper_estimate(paper, Settings(output_dir=Path(tmp_path))) == Estimate()  # no LLM: nothing to count


def test_tonights_selection_follows_the_settings_and_counts_each_paper_by_its_prompt(night, tmp_path):
    candidates, relevance = night
    parsed = parse_log(LOG_PATH.read_bytes())
    examples = style_examples(parsed, 3)
    llm = dict(base_url="http://127.0.0.1:9/v1", model="m", max_cost_per_night=1.0,
               prices={"m": {"input_per_million": 1.0, "output_per_million": 4.0}})
    probe = Settings(output_dir=tmp_path, llm=llm)
    ordered = priority_order(candidates, relevance)
    sizes = [paper_estimate(p, probe, examples).tokens for p in ordered[:5]]
    assert all(6000 + 1500 < size < 6000 + 1500 + 4000 for size in sizes)  # text + output + prompt and examples
    cap = sum(sizes[:4]) + sizes[4] // 2  # four fit, the fifth would cross
    settings = Settings(output_dir=tmp_path, nightly=dict(max_papers=20), llm=dict(llm, max_tokens_per_night=cap))
    plan = select_tonight(candidates, parsed, settings, examples)
    assert plan.take == ordered[:4] and plan.estimated_tokens == sum(sizes[:4])
    assert plan.over_budget[0].reason.startswith(f"would cross max_tokens_per_night = {cap:,}")
    assert [p.source for p in plan.take[:2]] == [SourceKind.PENDING, SourceKind.PENDING]
    # Only query results are scored: a pending paper is asked for, not ranked.
    assert set(plan.relevance) == {p.key for p in candidates if p.source == SourceKind.QUERY}
    assert plan.describe() == (f"4 of 32 papers taken (max_papers 20, max_tokens_per_night {cap:,}, "
                               f"max_cost_per_night 1; about {sum(sizes[:4]):,} tokens); 28 over budget")
    # Without an LLM only max_papers counts.
    plain = select_tonight(candidates, None, Settings(output_dir=tmp_path, nightly=dict(max_papers=20)))
    assert len(plain.take) == 20 and plain.describe().endswith("no LLM tokens); 12 over budget")


def test_budget_settings(tmp_path, monkeypatch):
    config = tmp_path / "paperflow.toml"
    config.write_text('[llm]\nbase_url = "http://127.0.0.1:8080/v1"\nmodel = "local"\nmax_cost_per_night = 0.5\n')
    with pytest.raises(SettingsError, match=r'llm: max_cost_per_night needs the price of the model: '
                                            r'add \[llm.prices."local"\]'):
        load_settings(config)
    config.write_text('[llm]\nmax_tokens_per_night = 200000\n[nightly]\nmax_papers = 4\n')
    assert Settings().nightly.max_papers == 10
    config.write_text("[nightly]\nmax_papers = 0\n")
    with pytest.raises(SettingsError, match="nightly.max_papers: "):
        load_settings(config)
    config.write_text('[llm]\nmax_tokens_per_night = 200000\n[nightly]\nmax_papers = 4\n')
    monkeypatch.setenv("PAPERFLOW_NIGHTLY__MAX_PAPERS", "6")
    settings = load_settings(config)
    assert (settings.nightly.max_papers, settings.llm.max_tokens_per_night) == (6, 200_000)


def test_the_selection_in_markdown_lists_what_is_over_budget_with_lines_to_paste(night, tmp_path):
    candidates, relevance = night
    hostile = candidates[5].model_copy(update={"title": "Tests | for @alice ```fences``` <b>bold</b>\nand #12"})
    papers = candidates[:5] + [hostile] + candidates[6:]
    plan = plan_night(papers, Limits(max_papers=4), flat(1000), relevance=relevance)
    drafted = [p.key for p in plan.take]
    text = "\n".join(selection_markdown(plan, drafted))
    assert text.startswith("4 of 32 papers taken (max_papers 4; about 4,000 tokens); 28 over budget.\n")
    for paper in plan.take:
        if paper.source == SourceKind.QUERY:
            assert f"- 《{paper.title}》: {relevance[paper.key].describe()}" in text
    rows = [line for line in text.splitlines() if line.startswith("| [《")]
    assert len(rows) == 28
    row = next(r for r in rows if "alice" in r)
    assert "Tests \\| for @\u200balice" in row and "<b>" not in row and "#\u200b12" in row
    assert row.count(" | ") == 2  # the title's "|" did not add a column
    # The lines to paste sit in a fence longer than any backtick run of a title...
    fence_open = next(line for line in text.splitlines() if line.endswith("text") and set(line[:-4]) == {"`"})
    assert len(fence_open) - 4 > 3
    block = text.split(fence_open + "\n", 1)[1].split("\n" + fence_open[:-4] + "\n", 1)[0]
    # ... and once pasted into the pending list, each names its paper by link.
    log = parse_log(("# pending list\n\n" + block + "\n").encode())
    assert len(log.pending_open) == 28
    resolved = resolve_pending(Settings(output_dir=tmp_path), log, Ledger.open(Settings(output_dir=tmp_path)))
    assert [r.arxiv_id for r in resolved] == [o.paper.arxiv_id for o in plan.over_budget]


def test_a_call_without_reported_usage_counts_its_estimate_and_a_failed_call_counts_nothing():
    budget = NightBudget(Limits(max_tokens=10_000))
    messages = [{"role": "user", "content": "word " * 400}]
    held = budget.reserve_call(messages, 1000)
    assert held.estimate == estimate_call(messages, 1000)
    budget.release(held)  # the call failed without an answer
    assert (budget.spent_tokens, budget.calls) == (0, 0)
    held = budget.reserve_call(messages, 1000)
    budget.settle(held, 0, 0)  # a server that reports no usage: what is not known is not free
    assert budget.spent_tokens == held.estimate.tokens
    with pytest.raises(PaperflowError):  # one line, like every paperflow error
        budget.reserve(Estimate(input_tokens=10_000))


def test_a_long_list_over_budget_is_cut_for_a_pull_request(night):
    candidates, relevance = night
    plan = plan_night(candidates, Limits(max_papers=2), flat(1000), relevance=relevance)
    text = "\n".join(selection_markdown(plan, max_listed=10))
    assert len([line for line in text.splitlines() if line.startswith("| [《")]) == 10
    assert len([line for line in text.splitlines() if line.startswith("- [ ] ")]) == 10
    assert "20 more over budget: see the run report." in text
