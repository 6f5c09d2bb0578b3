"""summarize_paper against local fault servers: repairs, bounded failure, cache, ledger accounting."""

from __future__ import annotations

import json
import shutil

import pytest

from paperflow.summary import llm as llm_module
from paperflow.text.extract import Coverage, SelectedInput
from paperflow.summary.llm import LLMError
from paperflow.models import DraftedBy, Paper
from paperflow.settings import DEFAULT_PROMPTS_DIR, Settings
from paperflow.summary.summarize import SummarizeError, field_limits, llm_schema, parse_answer, summarize_paper
from tests.support.llm_server import FaultServer, Reply

PAPER = Paper(arxiv_id="1706.03762", version=5, title="Attention Is All You Need",
              abstract="We propose the Transformer. It reaches 28.4 BLEU on WMT 2014 English-to-German.")
SELECTED = SelectedInput(
    text="1 Introduction\nRecurrent models are slow.\n\n6 Results\nTraining took 3.5 days on 8 P100 GPUs.",
    coverage=Coverage(included=["1 Introduction", "6 Results"], kinds=["introduction", "results"],
                      tokens_read=30, tokens_total=30, max_input_tokens=6000),
)
GOOD = {
    "published": "2017.6",
    "organisations": ["Google"],
    "topic": "只用 attention 的机器翻译模型",
    "keywords": ["Transformer", "self-attention", "machine translation"],
    "points": [
        {"label": "背景", "text": "RNN 难以并行。"},
        {"label": "模型", "text": "只用 attention，8 个 P100 训练 3.5 天。"},
        {"label": "实验结果", "text": "WMT 2014 EN-DE 达到 28.4 BLEU，比之前高 2 个点以上，参数 213M。"},
    ],
    "verdict": "总体上，结构简洁，影响很大。",
}


@pytest.fixture(autouse=True)
def _fresh_format_memory():
    llm_module.forget_formats()


def settings_for(server: FaultServer, tmp_path, **llm) -> Settings:
    values = {"base_url": server.base_url, "model": "fault-model", "retry_backoff_seconds": 0.01,
              "max_repairs": 2, "prices": {"fault-model": {"input_per_million": 1.0, "output_per_million": 2.0}}}
    values.update(llm)
    return Settings(output_dir=tmp_path / "output", llm=values)


def test_a_valid_answer_becomes_a_summary_with_identity_from_the_paper(tmp_path):
    with FaultServer([Reply.answer(json.dumps(GOOD, ensure_ascii=False), prompt_tokens=1000,
                                   completion_tokens=200)]) as server:
        settings = settings_for(server, tmp_path)
        result = summarize_paper(PAPER, SELECTED, settings, [])
    summary = result.summary
    assert (summary.title, summary.arxiv_id, summary.version) == ("Attention Is All You Need", "1706.03762", 5)
    assert summary.drafted_by == DraftedBy.LLM and summary.model == "fault-model"
    assert [p.label for p in summary.points] == ["背景", "模型", "实验结果"]
    # 28.4, 8, 3.5 and 2014 are in the paper; "2 个点" (computed by the model) and 213M are not.
    assert summary.unsupported_numbers == ["2", "213M"]
    assert (result.input_tokens, result.output_tokens, result.attempts) == (1000, 200, 1)
    assert result.cost == pytest.approx(1000 / 1e6 * 1.0 + 200 / 1e6 * 2.0)
    saved = json.loads(result.path.read_text(encoding="utf-8"))
    assert result.path.parent == settings.output_dir / "summaries"
    assert saved["result"]["summary"]["title"] == "Attention Is All You Need"


def test_a_rerun_comes_from_the_cache_and_pays_nothing(tmp_path):
    with FaultServer([Reply.answer(json.dumps(GOOD, ensure_ascii=False))]) as server:
        settings = settings_for(server, tmp_path)
        first = summarize_paper(PAPER, SELECTED, settings, ["《X》\n\n总体上，好。\n"])
        again = summarize_paper(PAPER, SELECTED, settings, ["《X》\n\n总体上，好。\n"])
        assert len(server.requests) == 1
        assert again.cached and not first.cached
        assert (again.input_tokens, again.output_tokens, again.cost) == (0, 0, 0.0)
        assert again.summary == first.summary
        assert first.input_tokens == 100
        # What changes the answer changes the key: other examples, another model, an edited prompt.
        summarize_paper(PAPER, SELECTED, settings, [])
        assert len(server.requests) == 2
        summarize_paper(PAPER, SELECTED, settings.model_copy(update={"llm": settings.llm.model_copy(
            update={"model": "other-model"})}), [])
        assert len(server.requests) == 3
        prompts = tmp_path / "prompts"
        shutil.copytree(DEFAULT_PROMPTS_DIR, prompts)
        (prompts / "system.zh.md.j2").write_text("写得更短。\n" + (prompts / "system.zh.md.j2").read_text("utf-8"),
                                                 encoding="utf-8")
        edited = settings.model_copy(update={"prompts_dir": prompts})
        summarize_paper(PAPER, SELECTED, edited, [])
        assert len(server.requests) == 4
        assert "写得更短。" in server.requests[-1]["messages"][0]["content"]


def test_invalid_json_then_valid_is_repaired_with_the_error_in_the_re_ask(tmp_path):
    script = [Reply.answer('{"published": "2017.6", "topic": oops}'), Reply.answer(json.dumps(GOOD))]
    with FaultServer(script) as server:
        settings = settings_for(server, tmp_path)
        result = summarize_paper(PAPER, SELECTED, settings, [])
    assert result.attempts == 2 and result.input_tokens == 200
    assert result.summary.topic == GOOD["topic"]
    second = server.requests[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[2]["content"] == '{"published": "2017.6", "topic": oops}'
    assert "你上一次的回答无效：not valid JSON" in second[3]["content"]


def test_schema_violations_forever_fail_the_paper_after_the_allowed_repairs(tmp_path):
    bad = dict(GOOD, points=GOOD["points"][:2], verdict="很好", title="PWNED")
    with FaultServer([Reply.answer(json.dumps(bad))]) as server:
        settings = settings_for(server, tmp_path, max_repairs=2)
        with pytest.raises(SummarizeError) as caught:
            summarize_paper(PAPER, SELECTED, settings, [])
    message = str(caught.value)
    assert len(server.requests) == 3
    assert message.startswith("1706.03762v5: summarize: no valid summary after 3 answers (2 re-asks): ")
    assert "points: List should have at least 3 items" in message
    assert "title: unknown field (not allowed)" in message
    assert "\n" not in message
    assert caught.value.spent == (300, 150, pytest.approx(300 / 1e6 + 150 / 1e6 * 2.0))  # paid for, said
    assert not (settings.output_dir / "summaries").exists() or not list((settings.output_dir / "summaries").iterdir())


def test_an_answer_cut_off_at_the_token_limit_is_re_asked(tmp_path):
    script = [Reply.answer('{"published": "2017.6", "topic": "a', finish_reason="length"),
              Reply.answer(json.dumps(GOOD))]
    with FaultServer(script) as server:
        result = summarize_paper(PAPER, SELECTED, settings_for(server, tmp_path), [])
    assert result.attempts == 2
    assert "cut off at max_output_tokens=1500" in server.requests[1]["messages"][-1]["content"]


def test_endpoint_failure_names_the_paper_and_nothing_was_spent(tmp_path):
    with FaultServer([Reply.error(500, "down")]) as server:
        settings = settings_for(server, tmp_path, retries=1)
        with pytest.raises(LLMError, match=r"^1706.03762v5: summarize: LLM at .*HTTP 500 after 2 attempts") as caught:
            summarize_paper(PAPER, SELECTED, settings, [])
    assert caught.value.spent == (0, 0, None)


def test_parse_answer_accepts_code_fences_and_raw_newlines_and_checks_the_verdict_language():
    fenced = "```json\n" + json.dumps(GOOD, ensure_ascii=False).replace("RNN", "RNN\n") + "\n```"
    assert parse_answer(fenced, "zh").topic == GOOD["topic"]
    with pytest.raises(ValueError, match="verdict: must start with Overall"):
        parse_answer(json.dumps(GOOD), "en")
    with pytest.raises(ValueError, match="no JSON object"):
        parse_answer("I cannot do that.", "zh")


def test_schema_limits_make_the_longest_answer_fit_the_token_limit():
    for tokens in (400, 1500, 4000):
        limits = field_limits(tokens, "zh")
        longest = 5 * limits["point"] + limits["verdict"] + limits["topic"] + 6 * limits["keyword"] + 4 * limits[
            "organisation"] + 6 * limits["quote"] / 3  # quotes: English, three characters a token
        assert longest <= max(tokens - 150, 0) or tokens == 400  # tiny limits hit the floor values
    schema = llm_schema("zh", 1500)
    assert schema["properties"]["points"]["items"]["properties"]["label"]["enum"] == ["背景", "数据", "模型", "实验结果", "其他"]
    assert schema["additionalProperties"] is False
