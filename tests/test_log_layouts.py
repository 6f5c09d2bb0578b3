"""Logs in other layouts than the weekly one: recognised, read, and written into byte for byte.

The three real logs of ../shared/data/logs (MANIFEST.md) are read where they lie; every write goes to a copy.
The counts below were made by reading the files, not by running paperflow:

- flat-headings-keywords-summary.md: `grep -c '^# '` = 8 headings, each a paper (ViT, Swin, DETR, GPT, BERT,
  InstructGPT, LoRA, OPRO), 8 `**keywords:**` lines, one per entry; no code blocks, no topics.
- topics-year-org-headings.md: `grep -c '^#### '` = 7 entries `(YEAR ORG) Title` (BERT, Whisper, NCI under
  `## NLP`; ViT, Swin, MAE, AIM under `## Computer Vision`): 2 topics; `#####` lines are their parts.
- chinese-h2-notes.md: `# 论文阅读` (the document's title), then `grep -c '^## '` = 5 notes (LoRA, Attention,
  BERT, GPT, GLM); the file ends without a final newline.
"""

from __future__ import annotations

import difflib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from paperflow.errors import LogFormatError
from paperflow.log.entry import draft_entry
from paperflow.log.layouts import Layout
from paperflow.log.weekly_log import insert_entries, parse_log, plan_insert, read_log, style_examples
from paperflow.models import Picture, PictureKind, Summary
from paperflow.settings import Settings
from tests.cli_helpers import one_line_error, run

DAY = date(2026, 12, 2)
FLAT = "flat-headings-keywords-summary.md"
TOPICS = "topics-year-org-headings.md"
CHINESE = "chinese-h2-notes.md"

# file -> (layout parts recognised, entries, distinct titles, topics), counted by hand (module docstring).
EXPECTED = {
    FLAT: ({"entries": 1, "title": "plain", "insert": "end", "template": "entry.keywords.md.j2"}, 8, 8, []),
    TOPICS: ({"entries": 4, "title": "year-org", "insert": "topic", "template": "entry.year-org.md.j2"}, 7, 7,
             ["NLP", "Computer Vision"]),
    CHINESE: ({"entries": 2, "title": "plain", "insert": "end", "template": None}, 5, 5, []),
}


def summary(title: str = "Mixtral of Experts", **changes) -> Summary:
    data = dict(
        title=title, arxiv_id="2401.04088", published="2024.1", organisations=["Mistral AI"],
        topic="sparse mixture-of-experts language models", keywords=["MoE", "routing", "language model"],
        points=[{"label": "背景", "text": "dense language models cost compute for every token"},
                {"label": "模型", "text": "8 experts per layer, a router picks 2 per token"},
                {"label": "数据", "text": "multilingual web text, 32k context"},
                {"label": "实验结果", "text": "matches a 70B dense model on language benchmarks"}],
        verdict="总体上，值得跟进。",
    )
    data.update(changes)
    return Summary(**data)


PICTURES = [
    Picture(kind=PictureKind.RESULTS, source_kind="table", number=2, page=6, src="pic/Mixtral_2.png", width=600,
            height=200),
    Picture(kind=PictureKind.ARCHITECTURE, source_kind="figure", number=1, page=2, src="pic/Mixtral_1.png", width=500,
            height=350),
]


def copy_log(shared_data: Path, name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copyfile(shared_data / "logs" / name, target)
    target.chmod(0o644)
    return target


def pure_insert(before: bytes, after: bytes) -> bytes:
    """The bytes added, when `after` is `before` with one run of bytes inserted (else the test fails)."""
    assert len(after) > len(before)
    start = 0
    while start < len(before) and before[start] == after[start]:
        start += 1
    added = len(after) - len(before)
    assert after[:start] + after[start + added:] == before, "more than one insertion"
    return after[start:start + added]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_log_check_recognises_each_real_layout(shared_data, name):
    parts, entries, titles, topics = EXPECTED[name]
    result = run("log", "check", str(shared_data / "logs" / name), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["layout"] == "headings"
    assert report["layout_note"].startswith("auto: headings")
    assert {k: report["layout_parts"][k] for k in parts} == parts
    assert (report["entries"], report["titles"], report["topics"]) == (entries, titles, topics)
    text = run("log", "check", str(shared_data / "logs" / name)).stdout
    assert text.startswith("layout headings: entries are " + "#" * parts["entries"] + " headings")
    assert f"{entries} entries, {titles} titles, {len(topics)} topics" in text


def test_the_titles_as_written_and_as_year_org(shared_data):
    topics = parse_log((shared_data / "logs" / TOPICS).read_bytes())
    bert = topics.entries[0]
    assert (bert.title, bert.year, bert.organisation, bert.topic) == (
        "BERT - Pre-training of Bidirectional Transformer", 2019, "Google AI", "NLP")
    mae = next(e for e in topics.entries if e.title.startswith("MAE"))
    assert (mae.year, mae.organisation, mae.topic) == (2022, "Meta, MAIR", "Computer Vision")
    # Parts (##### Model: ...) belong to their entry: BERT's entry runs to the line before Whisper's heading.
    assert "##### Fine-tuning: full fine-tune" in topics.entry_text(bert)
    flat = parse_log((shared_data / "logs" / FLAT).read_bytes())
    # The flat file's first entry is the ViT paper, written in capitals: dedupe compares loosely.
    assert flat.has_title("An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale")
    assert not flat.has_title("Mixtral of Experts")
    chinese = parse_log((shared_data / "logs" / CHINESE).read_bytes())
    assert not chinese.has_title("论文阅读")  # the document's title is not an entry
    assert chinese.has_title("Attention Is All You Need")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_draft_goes_in_as_a_pure_insert_in_the_files_own_shape(shared_data, tmp_path, name):
    log = copy_log(shared_data, name, tmp_path)
    before = log.read_bytes()
    settings = Settings(output_dir=tmp_path / "out")
    entry = draft_entry(summary(), settings, PICTURES)  # rendered for the weekly log; re-rendered at insert

    result = insert_entries(log, [entry], DAY)
    assert result.inserted == ["Mixtral of Experts"] and result.layout is not None
    after = log.read_bytes()
    added = pure_insert(before, after).decode("utf-8")
    assert "《" not in added and "# 2026" not in added and "## 2026.12.2" not in added
    parsed = parse_log(after)
    assert len(parsed.entries) == EXPECTED[name][1] + 1
    assert parsed.has_title("Mixtral of Experts")
    new = next(e for e in parsed.entries if e.title == "Mixtral of Experts")
    assert not new.hand_written  # paperflow's draft, never a style example
    heading = "#" * EXPECTED[name][0]["entries"] + " "
    if name == FLAT:
        assert added.lstrip("\n").startswith("# Mixtral of Experts\n\n**keywords:** MoE, routing, language model")
        assert "\n**summary:**\n" in added
        # Its pictures as the flat file pastes them: a bold label, then <img alt style="zoom">, overview first.
        assert added.index("**模型结构：**") < added.index("**实验结果：**")
        assert '<img src="pic/Mixtral_1.png" alt="Mixtral_1" style="zoom: 67%;" />' in added
        assert new.line > max(e.line for e in parsed.entries if e.title != "Mixtral of Experts")  # newest last
    elif name == TOPICS:
        assert added.lstrip("\n").startswith("#### (2024 Mistral AI) Mixtral of Experts\n")
        assert "\n##### Model: 8 experts per layer, a router picks 2 per token\n" in added
        assert "\n##### Training: multilingual web text, 32k context\n" in added
        assert added.index("##### Training") < added.index('alt="Mixtral_1" style="zoom: 50%;"') < added.index(
            '<img src="pic/Mixtral_2.png"') < added.index("##### Summary")
        assert "* 总体上，值得跟进。" in added
        assert new.topic in ("NLP", "Computer Vision") and (new.year, new.organisation) == (2024, "Mistral AI")
    else:
        assert added.lstrip("\n").startswith("## Mixtral of Experts\n")
        assert '\n模型结构：\n\n<img src="pic/Mixtral_1.png" width=500 height=350>' in added
        # The file had no final newline: it gets one, as part of the inserted bytes, and nothing else changes.
        assert not before.endswith(b"\n") and added.startswith("\n")
    assert heading + ("(2024 Mistral AI) " if name == TOPICS else "") + "Mixtral of Experts" in added

    again = insert_entries(log, [draft_entry(summary(), settings, PICTURES)], DAY)
    assert again.inserted == [] and again.skipped == ["Mixtral of Experts"]
    assert log.read_bytes() == after


def test_the_topic_of_the_nearest_entries_or_the_one_set(shared_data, tmp_path):
    log = copy_log(shared_data, TOPICS, tmp_path)
    settings = Settings(output_dir=tmp_path / "out")
    vision = summary("Masked Image Modeling for Video Vision Transformers", arxiv_id="2501.00001",
                     topic="self-supervised vision transformer pre-training on video frames",
                     keywords=["ViT", "video recognition", "masked auto-encoder"])
    speech = summary("Multilingual Speech Recognition by Weak Supervision at Scale", arxiv_id="2501.00002",
                     topic="weakly supervised multilingual speech recognition with a transformer encoder-decoder",
                     keywords=["speech recognition", "weak supervision", "multilingual"])
    original = log.read_bytes()
    insert_entries(log, [draft_entry(vision, settings), draft_entry(speech, settings)], DAY)
    # Two places, only insertions: every line of the original is still there, in order, unchanged.
    ops = difflib.SequenceMatcher(None, original.splitlines(True), log.read_bytes().splitlines(True),
                                  autojunk=False).get_opcodes()
    assert {tag for tag, *_ in ops} == {"equal", "insert"}
    parsed = parse_log(log.read_bytes())
    by_title = {e.title: e for e in parsed.entries}
    assert by_title[vision.title].topic == "Computer Vision"
    assert by_title[speech.title].topic == "NLP"
    # At the end of its section: right after the last NLP entry (NCI), before `## Computer Vision`.
    nci = by_title["Neural Corpus Indexer (NCI)"]
    assert nci.line < by_title[speech.title].line < parsed.topics[1].line

    chosen = Layout(entries=4, title="year-org", insert="topic", topic="Speech")
    before = log.read_bytes()
    other = summary("Robust Speech Recognition via Large-Scale Weak Supervision", arxiv_id="2212.04356")
    insert_entries(log, [draft_entry(other, settings)], DAY, layout=chosen)
    added = pure_insert(before, log.read_bytes()).decode()
    # A new section, at the end of the file (which ends in blank lines: none is added before it).
    assert added.startswith("## Speech\n\n#### (2024 Mistral AI) Robust Speech Recognition")
    assert log.read_bytes().endswith(added.encode())
    assert [t.name for t in parse_log(log.read_bytes(), chosen).topics] == ["NLP", "Computer Vision", "Speech"]


def test_style_examples_are_the_files_own_entries_newest_first(shared_data):
    flat = parse_log((shared_data / "logs" / FLAT).read_bytes())
    examples = style_examples(flat, 2)
    assert examples[0].startswith("# LARGE LANGUAGE MODELS AS OPTIMIZERS")  # newest last in this file
    assert examples[1].startswith("# LORA: LOW-RANK ADAPTATION")
    assert all("**keywords:**" in e for e in examples)


def test_a_pending_list_in_a_heading_layout_is_ticked(tmp_path):
    log = tmp_path / "notes.md"
    log.write_bytes(b"# Notes\n\n## pending list\n\n- [ ] Mixtral of Experts\n- [ ] other\n\n"
                    b"## Attention Is All You Need\r\n\r\nnotes\r\n\r\n## BERT\n\nmore notes\n")
    before = log.read_bytes()
    parsed = read_log(log).parsed
    assert parsed.layout is not None and parsed.layout.entries == 2
    assert [p.text for p in parsed.pending_open] == ["Mixtral of Experts", "other"]
    assert [e.title for e in parsed.entries] == ["Attention Is All You Need", "BERT"]
    result = insert_entries(log, [draft_entry(summary(), Settings())], DAY, [parsed.pending_open[0]])
    assert result.ticked == [4]
    after = log.read_bytes()
    assert after.replace(b"- [x] Mixtral", b"- [ ] Mixtral", 1) != after
    added = pure_insert(before, after.replace(b"- [x] Mixtral", b"- [ ] Mixtral", 1))
    assert added.startswith(b"\n## Mixtral of Experts\n")  # after BERT, the last entry, in the file's LF


def test_an_unrecognised_layout_is_one_line_and_no_write(tmp_path):
    log = tmp_path / "notes.md"
    log.write_bytes(b"# Reading\n\n## Vision\n\n### Detection\n\n## Language\n")
    before = log.read_bytes()
    with pytest.raises(LogFormatError, match='layout cannot be recognised.*set \\[log\\] layout = "weekly"'):
        insert_entries(log, [draft_entry(summary(), Settings())], DAY)
    assert log.read_bytes() == before
    line = one_line_error(run("log", "check", str(log)))
    assert line.startswith(f"paperflow: log: {log}: its layout cannot be recognised") and "[log] layout" in line
    # A run stops before fetching anything: no guess, no write.
    ran = run("summarize", "1707.08567", "--log", str(log), "--llm", "none")
    assert ran.exit_code == 2 and "Traceback" not in ran.output
    assert ran.stderr.splitlines()[-1].startswith(f"paperflow: log: {log}: its layout cannot be recognised")
    assert log.read_bytes() == before
    # Said by hand, the same file takes the entry where the layout says.
    config = tmp_path / "paperflow.toml"
    config.write_text('[log]\nlayout = "headings"\n')
    summary_json = tmp_path / "s.json"
    summary_json.write_text(summary().model_dump_json())
    result = run("--config", str(config), "log", "insert", str(summary_json), "--log", str(log))
    assert result.exit_code == 0, result.output
    assert pure_insert(before, log.read_bytes()).startswith(b"\n## Mixtral of Experts\n")


def test_weekly_stays_weekly_and_a_new_log_is_weekly(tmp_path):
    weekly = b"# papers-weekly\n\n# pending list\n\n- [ ] x y z\n\n# 2024.1\n\n## 2024.1.3\n\n\xe3\x80\x8aA\xe3\x80\x8b\n"
    assert parse_log(weekly).layout.name == "weekly"
    assert parse_log(b"# papers-weekly\n\n# pending list\n").layout.name == "weekly"
    assert parse_log(b"").layout.name == "weekly"
    # A 《book》 quoted in a note does not make a heading log weekly.
    notes = b"# Notes\n\n## Paper A\n\n\xe3\x80\x8aA book\xe3\x80\x8b\n\n## Paper B\n\ntext\n"
    assert parse_log(notes).layout.entries == 2 and len(parse_log(notes).entries) == 2
    new, _ = plan_insert(b"# papers-weekly\n\n# pending list\n", [draft_entry(summary(), Settings())], DAY)
    assert b"# 2026.12\n\n## 2026.12.2\n\n\xe3\x80\x8aMixtral of Experts\xe3\x80\x8b" in new
    # A weekly log read as "headings" by hand is read that way: the setting wins over what the file says.
    assert parse_log(weekly, "headings").layout.name == "headings"


def test_layout_parts_are_checked_when_the_settings_load(tmp_path):
    config = tmp_path / "paperflow.toml"
    config.write_text('[log.layout]\nentries = 3\ninsert = "day"\n')
    line = one_line_error(run("--config", str(config), "log", "check", str(tmp_path / "x.md")))
    assert 'log.layout: insert = "day" goes with entries = "title-line"' in line
    config.write_text('[log.layout]\nentries = 3\ninsret = "end"\n')
    assert one_line_error(run("--config", str(config), "log", "check", "x.md")).endswith("log.layout: insret: unknown key")
    config.write_text('[log]\nlayout = "flat"\n')
    assert "log.layout: 'flat': must be" in one_line_error(run("--config", str(config), "log", "check", "x.md"))
    config.write_text('[log.layout]\nentries = 3\ntemplate = "nope.md.j2"\n')
    line = one_line_error(run("--config", str(config), "log", "check", str(tmp_path / "x.md")))
    assert "log.layout.template" in line and "nope.md.j2 does not exist" in line


def test_a_draft_is_rendered_for_the_configured_logs_layout(shared_data, tmp_path):
    # What a dry run prints and review records is the entry as the configured log will hold it.
    log = copy_log(shared_data, TOPICS, tmp_path)
    entry = draft_entry(summary(), Settings(output_dir=tmp_path / "out", log={"path": log}))
    assert entry.text.startswith("#### (2024 Mistral AI) Mixtral of Experts\n")
    assert entry.layout is not None and entry.layout.entries == 4
    weekly = draft_entry(summary(), Settings(output_dir=tmp_path / "out"))
    assert weekly.text.startswith("《Mixtral of Experts》\n")


def test_the_llm_style_examples_of_a_heading_log(shared_data):
    from paperflow.log.weekly_log import normalize_title
    from paperflow.review.edits import style_examples as ranked_examples

    topics = parse_log((shared_data / "logs" / TOPICS).read_bytes())
    # Newest last in this file: AIM (2023), then MAE; a paperflow draft it does not know of is never one.
    examples = ranked_examples(topics, 2, {})
    assert [e.splitlines()[0] for e in examples] == [
        "#### (2023 Amazon) AIM: Adapting Image Model for Video Recognition",
        "#### (2022 Meta, MAIR) MAE: Masked Auto-Encoder:  scalable self-supervised learning for vision"]
    # An entry paperflow drafted and the person rewrote heavily comes first.
    heavy = {normalize_title("BERT - Pre-training of Bidirectional Transformer"): 0.9}
    assert ranked_examples(topics, 1, heavy)[0].startswith("#### (2019 Google AI) BERT")


def test_entries_whose_years_run_newest_first_get_new_ones_on_top(tmp_path):
    log = tmp_path / "notes.md"
    log.write_bytes(b"# Papers\n\n### (2023 Meta) LLaMA\n\nnotes\n\n### (2021 OpenAI) CLIP\n\nnotes\n\n"
                    b"### (2017 Google) Transformer\n\nnotes\n")
    before = log.read_bytes()
    parsed = read_log(log).parsed
    assert (parsed.layout.entries, parsed.layout.title, parsed.layout.insert) == (3, "year-org", "top")
    insert_entries(log, [draft_entry(summary(), Settings())], DAY)
    after = log.read_bytes()
    pure_insert(before, after)
    head = b"# Papers\n\n"
    assert after.startswith(head + b"### (2024 Mistral AI) Mixtral of Experts\n")  # before the first entry
    assert after.endswith(b"\n\n" + before[len(head):])
    assert style_examples(read_log(log).parsed, 1)[0].startswith("### (2023 Meta) LLaMA")  # newest first
