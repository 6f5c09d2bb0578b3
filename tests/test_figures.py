"""The paper's figures in the draft (issue 19): captions and regions found in the real PDFs against the truth table
read by people (tests/support/figure_truth.py), their text kept out of the paragraphs, the crops, the rule's picks,
the names, and the pictures written beside the log by `paperflow summarize` (never overwriting, never left behind
by a failed write)."""

from __future__ import annotations

import dataclasses

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from paperflow.cli import app
from paperflow.errors import PaperflowError
from paperflow.log.pictures import display_size, numbered, short_name
from paperflow.models import PictureKind
from paperflow.settings import load_settings
from paperflow.summary.figure_choice import choose_overview, choose_pictures, choose_results
from paperflow.text.engine import read_document
from paperflow.text.extract import crop_floats, extract_pdf, paper_text_from_document
from paperflow.text.figures import iou
from paperflow.text.sections import SectionKind
from tests.support.figure_truth import FIGURES

GAN = "pdf/arxiv_1406.2661v1_gan.pdf"
LOG = "# papers-weekly\n\n# pending list\n\n- [ ] something\n\n# 2024.1\n\n## 2024.1.3\n\n《Old》\n\n总体上，旧的。\n"


@pytest.fixture(scope="module")
def documents():
    """Every truth paper read once (the engine directly: these are trusted files)."""
    from tests.conftest import SHARED_DATA

    if not (SHARED_DATA / "MANIFEST.md").is_file():
        pytest.skip("real test data not found")
    return {path: read_document(SHARED_DATA / path, 200) for path in FIGURES}


def test_captions_are_found_as_a_person_reads_them(documents):
    wanted = found = extra = 0
    for path, truth in FIGURES.items():
        got = {(f.kind, f.number, f.page) for f in documents[path].floats}
        want = set(truth.captions)
        wanted += len(want)
        found += len(want & got)
        extra += len(got - want)
    assert wanted > 800
    assert found / wanted >= 0.95, f"{found} of {wanted} captions"
    assert extra <= 0.01 * wanted, f"{extra} captions that are not captions"


def test_running_text_that_opens_with_a_float_name_is_no_caption(documents):
    lora = documents["corpus/arxiv_2106.09685v2_lora.pdf"]
    assert not [f for f in lora.floats if f.kind == "table" and f.number == 6 and f.page != 10]
    assert not any(f.caption.startswith("Table 6 shows") for f in lora.floats)
    least = documents["corpus/arxiv_2205.10625v3_least_to_most.pdf"]
    assert not any(f.caption.startswith("Table 14. Concatenation") for f in least.floats)


def test_crops_overlap_the_hand_marked_boxes(documents):
    scores = []
    for path, truth in FIGURES.items():
        for (kind, number), (page, *box) in truth.boxes.items():
            found = next((f for f in documents[path].floats if (f.kind, f.number) == (kind, number)), None)
            scores.append(iou(found.box, tuple(box)) if found and found.page == page else 0.0)
    assert len(scores) >= 40
    share = sum(s >= 0.8 for s in scores) / len(scores)
    assert share >= 0.8, f"{share:.0%} of {len(scores)} crops at IoU >= 0.8"


def test_regions_never_hold_the_title_block_or_running_head(documents):
    # TableFormer's Figure 1 sits in the right column beside the centred author block of page 1
    tableformer = documents["pdf/arxiv_2203.00274v2_tableformer.pdf"]
    page_one = tableformer.pages[0]
    authors = [line for line in page_one.lines if "Georgia Institute" in line.text]
    assert authors and not any(line.in_float for line in authors)
    for document in documents.values():
        for f in document.floats:
            assert f.box[1] >= 20 and f.box[3] <= document.pages[f.page - 1].height - 15


def test_the_text_inside_floats_never_reaches_the_paragraphs(documents):
    for path in ("pdf/arxiv_1810.04805v2_bert.pdf", "corpus/arxiv_2310.05914v2_neftune.pdf", GAN):
        document = documents[path]
        inside = [line.text for page in document.pages for line in page.lines if line.in_float]
        assert inside, path
        text = paper_text_from_document(document, label=path, source=path, sha256="0")
        paragraphs = text.text
        leaked = [line for line in inside if len(line) >= 25 and line in paragraphs]
        assert len(leaked) <= 0.05 * len(inside), leaked[:5]
        captions = [f.caption[:40] for f in document.floats]
        assert sum(1 for c in captions if c[:30] in " ".join(paragraphs.split())) >= 0.5 * len(captions)


def test_words_broken_at_a_captions_line_ends_are_joined_as_the_paragraphs_are(documents):
    # A caption's lines are joined as a paragraph's: a broken word is whole again ("ex- cept", and PDFium's mark of
    # a break on the first line, "Interpola tion"), a compound keeps its hyphen ("least-to-most", from the paper's
    # own spelling), and a suspended hyphen stays ("zero- and few-shot").
    def caption(path: str, ref: tuple[str, int]) -> str:
        text = paper_text_from_document(documents[path], label=path, source=path, sha256="0")
        return next(f.caption for f in text.figures if (f.kind, f.number) == ref)

    assert "Models extended by Position Interpolation comparable" in caption(
        "corpus/arxiv_2306.15595v2_position_interpolation.pdf", ("table", 5))
    deit = caption("corpus/arxiv_2012.12877v2_deit.pdf", ("table", 1))
    assert "vary across models are the embedding" in deit and "mod- els" not in deit
    assert "Unlike the least-to-most prompt in Table 2" in caption(
        "corpus/arxiv_2205.10625v3_least_to_most.pdf", ("table", 3))
    assert "in the zero- and few-shot settings" in caption(
        "corpus/arxiv_2410.05258v1_differential_transformer.pdf", ("table", 8))


def test_small_print_right_of_the_text_block_is_no_running_text(documents):
    # LoRA's Figure 1 is a form XObject that carries a second copy of its labels outside its clip (invisible, at
    # x 560-604 of a text block ending at 504): those lines are not the introduction's text.
    path = "corpus/arxiv_2106.09685v2_lora.pdf"
    document = documents[path]
    first_page = document.pages[0]
    hidden = [line for line in first_page.lines if line.left > 550 and line.size < 9]
    assert hidden and all(line.in_float for line in hidden), [(line.text, line.in_float) for line in hidden]
    introduction = paper_text_from_document(document, label=path, source=path, sha256="0").of_kind(
        SectionKind.INTRODUCTION)[0].text
    assert "Weights" not in introduction.split("Figure 1")[0], introduction[:200]


def test_the_rule_picks_the_overview_and_the_results_of_the_classic_papers(documents):
    transformer = documents["pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf"].floats
    overview = choose_overview(transformer)
    assert (overview.kind, overview.number) == ("figure", 1)
    results = choose_results(transformer, overview)
    assert results.kind == "table"
    chosen, missing = choose_pictures(transformer, 2)
    assert [kind for kind, _f in chosen] == [PictureKind.ARCHITECTURE, PictureKind.RESULTS] and not missing
    only_one, _ = choose_pictures(transformer, 1)
    assert len(only_one) == 1
    none, missing = choose_pictures([], 2)
    assert none == [] and missing == ["no architecture figure found", "no results table or figure found"]
    hand, _ = choose_pictures(transformer, 2, picks={PictureKind.RESULTS: ("table", 3)})
    assert ("table", 3) == (hand[1][1].kind, hand[1][1].number)


@pytest.mark.parametrize(("title", "name", "first"), [
    ("BLIP-2: Bootstrapping Language-Image Pre-training", "BLIP_2", "BLIP_2_1"),
    ("qlora: Efficient Finetuning of Quantized LLMs", "qlora", "qlora1"),
    ("LLaMA-Adapter: Efficient Fine-tuning", "LLaMA_Adapter", "LLaMA_Adapter1"),
    ("BLIP2: Bootstrapping", "BLIP2", "BLIP2_1"),
    ("Attention Is All You Need", "Attention_Is_All", "Attention_Is_All1"),
    ("Generative Adversarial Nets", "Generative_Adversarial_Nets", "Generative_Adversarial_Nets1"),
])
def test_names_as_the_person_names_them(title, name, first):
    assert short_name(title) == name
    assert numbered(name, 1) == first


def test_display_size_keeps_the_aspect_ratio_within_the_persons_widths():
    width, height = display_size((100, 100, 400, 250))
    assert 400 <= width <= 650 and abs(height / width - 0.5) < 0.01
    tall = display_size((0, 0, 100, 1000))
    assert tall[1] <= 800 and abs(tall[1] / tall[0] - 10) < 0.2


def _yellow(image: Image.Image) -> int:
    return sum(1 for r, g, b in image.convert("RGB").get_flattened_data() if r > 200 and g > 200 and b < 150)


def test_crops_are_sharp_without_annotations_and_reused(tmp_path, shared_data):
    import pypdfium2 as pdfium

    settings = load_settings(None).model_copy(update={"output_dir": tmp_path / "output"})
    path = shared_data / "corpus/arxiv_2306.01708v2_ties_merging.pdf"  # a reader highlighted Table 2's RegMean row
    text = extract_pdf(path, settings)
    table = next(f for f in text.figures if (f.kind, f.number) == ("table", 2))
    crops, problems = crop_floats(path, [table], settings, text.sha256)
    assert not problems
    png = crops[("table", 2)]
    left, top, right, bottom = table.box
    with Image.open(png) as image:
        width, height = image.size
        assert abs(width - 2 * (right - left + 4)) <= 4  # 2x, with its 2 pt margin
        assert abs(width / height - (right - left + 4) / (bottom - top + 4)) < 0.05
        ours = _yellow(image)
    document = pdfium.PdfDocument(str(path))
    page = document[table.page - 1]
    page_width, page_height = page.get_size()
    with_annotations = page.render(scale=2, crop=(left, page_height - bottom, page_width - right, top),
                                   draw_annots=True).to_pil()
    document.close()
    assert _yellow(with_annotations) > 500 and ours == 0  # the highlight is there, and not in the crop
    stamp = png.stat().st_mtime_ns
    again, _ = crop_floats(path, [table], settings, text.sha256)
    assert again[("table", 2)].stat().st_mtime_ns == stamp  # reused, not rendered again
    # a float whose region a newer paperflow finds elsewhere is cropped again, not served the old crop
    moved = dataclasses.replace(table, box=(left, top + 10, right, bottom))
    redone, _ = crop_floats(path, [moved], settings, text.sha256)
    assert redone[("table", 2)] != png and png.exists()
    with Image.open(redone[("table", 2)]) as image:
        assert abs(image.size[1] - 2 * (bottom - top - 10 + 4)) <= 4


def _config(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "log.md").write_text(LOG, encoding="utf-8")
    config = tmp_path / "paperflow.toml"
    config.write_text('output_dir = "output"\n\n[log]\npath = "log.md"\n\n[arxiv]\n'
                      'api_url = "http://127.0.0.1:9/api/query"\nretries = 0\ndelay_seconds = 0\n' + extra,
                      encoding="utf-8")
    return config


def _summarize(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), "summarize", *args, "--date", "2024-02-01"])


def test_summarize_puts_the_pictures_beside_the_log_and_in_the_entry(tmp_path, shared_data):
    config = _config(tmp_path)
    existing = tmp_path / "pic" / "Generative_Adversarial_Nets1.png"
    existing.parent.mkdir()
    existing.write_bytes(b"the person's own picture")
    result = _summarize(config, str(shared_data / GAN), "--llm", "none")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "log.md").read_text("utf-8")
    assert existing.read_bytes() == b"the person's own picture"  # never overwritten
    pictures = sorted(p.name for p in (tmp_path / "pic").glob("*.png"))
    assert pictures == ["Generative_Adversarial_Nets1.png", "Generative_Adversarial_Nets2.png",
                        "Generative_Adversarial_Nets3.png"]
    architecture = text.index("模型结构：\n\n<img src=\"pic/Generative_Adversarial_Nets2.png\" width=")
    results = text.index("实验结果：\n\n<img src=\"pic/Generative_Adversarial_Nets3.png\" width=")
    assert text.index("总体上，", text.index("Generative Adversarial")) < architecture < results
    for name in pictures[1:]:
        with Image.open(tmp_path / "pic" / name) as image:
            assert image.format == "PNG" and image.size[0] > 300


def test_the_summary_is_the_same_with_figures_on_or_off(tmp_path, shared_data):
    on, off = tmp_path / "on", tmp_path / "off"
    on.mkdir()
    off.mkdir()
    for folder, extra in ((on, ""), (off, "\n[figures]\nenabled = false\n")):
        result = _summarize(_config(folder, extra), str(shared_data / GAN), "--llm", "none")
        assert result.exit_code == 0, result.output
    with_pictures = (on / "log.md").read_text("utf-8")
    without = (off / "log.md").read_text("utf-8")
    assert "<img " in with_pictures and "<img " not in without and not (off / "pic").exists()

    def words(log: str) -> list[str]:
        return [line for line in log.splitlines()
                if line.strip() and not line.startswith("<img ") and line not in ("模型结构：", "实验结果：")]

    assert words(with_pictures) == words(without)


def test_a_failed_log_write_leaves_no_picture(tmp_path, shared_data, monkeypatch):
    import paperflow.pipeline as pipeline

    def refuse(*_args, **_kwargs):  # a fault that cannot be caused on demand: the write fails after the PNGs
        raise PaperflowError("the log changed on disk meanwhile", paper=None, stage="insert")

    monkeypatch.setattr(pipeline, "insert_entries", refuse)
    config = _config(tmp_path)
    result = _summarize(config, str(shared_data / GAN), "--llm", "none")
    assert result.exit_code == 1
    assert (tmp_path / "log.md").read_text("utf-8") == LOG
    assert not list((tmp_path / "pic").glob("*.png")) if (tmp_path / "pic").exists() else True


def test_a_paper_without_figures_is_drafted_with_one_report_line(tmp_path, shared_data):
    config = _config(tmp_path, "\n[figures]\nmax_per_entry = 2\n")
    result = _summarize(config, str(shared_data / "pdf/arxiv_1111.2011v2_quantum_criticality_bethe.pdf"),
                        "--llm", "none")
    assert result.exit_code == 0, result.output
    assert "no results table or figure found" in result.output or "<img " in (tmp_path / "log.md").read_text()


def test_extract_json_lists_the_floats_and_writes_every_crop(tmp_path, shared_data):
    out = tmp_path / "crops"
    config = _config(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(config), "extract", str(shared_data / GAN), "--json",
                                      "--figures", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    floats = {(f["kind"], f["number"]): f for f in data["figures"]}
    assert set(floats) >= {("figure", 1), ("table", 1)}
    assert floats[("figure", 1)]["page"] == 3 and len(floats[("figure", 1)]["box"]) == 4
    assert sorted(f["picked"] for f in data["figures"] if f["picked"]) == ["architecture", "results"]
    assert sorted(p.name for p in out.glob("*.png")) == sorted(f"{k}-{n}.png" for k, n in floats)


def test_show_lists_every_caption_and_summarize_takes_the_persons_choice(tmp_path, shared_data):
    config = _config(tmp_path)
    pdf = str(shared_data / GAN)
    result = _summarize(config, pdf, "--llm", "none", "--figure", "2", "--table", "2")
    assert result.exit_code == 0, result.output
    log = (tmp_path / "log.md").read_text("utf-8")
    assert "模型结构：" in log and "实验结果：" in log
    shown = CliRunner().invoke(app, ["--config", str(config), "show", pdf])
    assert shown.exit_code == 0, shown.output
    assert "figure 1, p.3: Figure 1: Generative adversarial nets are trained" in shown.output
    assert "table 2, p.7: Table 2: Challenges in generative modeling" in shown.output
    assert log.count("<img ") == 2
    # the entry holds the person's picks, Figure 2 and Table 2 (the rule would take Figure 1 and Table 1)
    (crops,) = list((tmp_path / "output" / "figures").iterdir())
    first, second = (tmp_path / "pic" / "Generative_Adversarial_Nets1.png"), (tmp_path / "pic" / "Generative_Adversarial_Nets2.png")
    assert first.read_bytes() == _cached_crop(crops, "figure-2").read_bytes()
    assert second.read_bytes() == _cached_crop(crops, "table-2").read_bytes()


def _cached_crop(folder, name: str):
    """The cached crop `name` ("figure-2") in the crop cache `folder`: named by its region too."""
    (crop,) = folder.glob(f"{name}-*.png")
    return crop


# A valid answer about GAN (without picks) for the scripted LLM server.
GAN_ANSWER = {"published": "2014.6", "organisations": ["Université de Montréal"], "topic": "对抗生成网络",
              "keywords": ["GAN", "generative model", "adversarial"],
              "points": [{"label": "背景", "text": "生成模型难训练。", "quote": "x"},
                         {"label": "模型", "text": "G 和 D 博弈。", "quote": "x"},
                         {"label": "实验结果", "text": "在 MNIST 上评估。", "quote": "x"}],
              "verdict": "总体上，开创性的工作。", "verdict_quote": "x"}


def test_the_llm_picks_from_the_listed_captions_and_a_wrong_pick_is_re_asked(tmp_path, shared_data):
    from tests.support.llm_server import FaultServer, Reply

    wrong = {**GAN_ANSWER, "picks": {"architecture": "figure 9", "results": "table 2"}}
    right = {**GAN_ANSWER, "picks": {"architecture": "figure 2", "results": "table 2"}}
    script = [Reply.answer(json.dumps(wrong, ensure_ascii=False)), Reply.answer(json.dumps(right, ensure_ascii=False))]
    with FaultServer(script) as server:
        config = _config(tmp_path, f'\n[llm]\nbase_url = "{server.base_url}"\nmodel = "m"\n'
                                   'response_format = "json_object"\n')
        result = _summarize(config, str(shared_data / GAN))
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 2
    prompt = server.requests[0]["messages"][-1]["content"]
    assert "figure 1 (page 3): Figure 1: Generative adversarial nets are trained" in prompt
    assert "table 2 (page 7): Table 2: Challenges in generative modeling" in prompt
    repair = server.requests[1]["messages"][-1]["content"]
    assert "picks.architecture" in repair and "figure 9" in repair
    (crops,) = list((tmp_path / "output" / "figures").iterdir())
    pictures = sorted((tmp_path / "pic").glob("*.png"))
    assert [p.read_bytes() for p in pictures] == [_cached_crop(crops, "figure-2").read_bytes(),
                                                   _cached_crop(crops, "table-2").read_bytes()]
