"""Truth for 16 papers of ../shared/data/corpus (part 3), read by a person from the PDFs (issues 18 and 19).

Titles and headings set in small caps (ICLR style: NEFTune, Chain-of-Table, Differential Transformer, Muon is
Scalable, Weak-to-Strong) are written as a reader reads them (mixed case); their text layer is upper case
("1 INTRODUCTION", and NEFTune's "NEFTU N E" with a split), so compare titles and headings case-insensitively."""

from __future__ import annotations

from tests.support.figure_truth import FigureTruth
from tests.support.paper_truth import Truth

PAPERS: dict[str, Truth] = {
    "corpus/arxiv_2310.05914v2_neftune.pdf": Truth(
        printed_title="NEFTune: Noisy Embeddings Improve Instruction Finetuning",
        arxiv_id="2310.05914v2",
        arxiv_title="NEFTune: Noisy Embeddings Improve Instruction Finetuning",
        affiliations=("University of Maryland", "Lawrence Livermore National Laboratory", "New York University"),
        organisations=("University of Maryland", "Lawrence Livermore National Laboratory", "New York University"),
        also_right=("UMD", "umd.edu", "LLNL", "NYU"),
        published="2023.10",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "2 NEFTune: Noisy Embedding Instruction Finetuning",
            "results": "4 Results",
            "conclusion": "6 Conclusions and Limitations",
        },
    ),
    "corpus/arxiv_2310.06825v1_mistral_7b.pdf": Truth(
        # the organisation is only in a logo image and in links (mistral.ai, github.com/mistralai)
        printed_title="Mistral 7B",
        arxiv_id="2310.06825v1",
        arxiv_title="Mistral 7B",
        affiliations=(),
        organisations=("Mistral AI",),
        also_right=("Mistral", "mistral.ai", "MistralAI"),
        published="2023.10",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "2 Architectural details",
            "results": "3 Results",
            "conclusion": "6 Conclusion",
        },
    ),
    "corpus/arxiv_2401.04398v2_chain_of_table.pdf": Truth(
        printed_title="Chain-of-Table: Evolving Tables in the Reasoning Chain for Table Understanding",
        arxiv_id="2401.04398v2",
        arxiv_title="Chain-of-Table: Evolving Tables in the Reasoning Chain for Table Understanding",
        affiliations=("University of California, San Diego", "Google Cloud AI Research", "Google Research"),
        organisations=("University of California, San Diego", "Google Cloud AI Research", "Google Research"),
        also_right=("UC San Diego", "UCSD", "ucsd.edu", "Google", "Google Cloud", "google.com"),
        published="2024.1",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "3 Chain-of-Table Reasoning",
            "results": "4 Experiments",
            "conclusion": "5 Conclusion",
        },
    ),
    "corpus/arxiv_2403.03206v1_sd3_rectified_flow.pdf": Truth(
        printed_title="Scaling Rectified Flow Transformers for High-Resolution Image Synthesis",
        arxiv_id="2403.03206v1",
        arxiv_title="Scaling Rectified Flow Transformers for High-Resolution Image Synthesis",
        affiliations=("Stability AI",),
        organisations=("Stability AI",),
        also_right=("stability.ai", "Stability"),
        published="2024.3",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1. Introduction",
            # the paper's own model (MM-DiT); its other contribution, the tailored SNR samplers, is "3. Flow
            # Trajectories" (section 2 is background on flows)
            "method": "4. Text-to-Image Architecture",
            "results": "5. Experiments",
            "conclusion": "6. Conclusion",
        },
    ),
    "corpus/arxiv_2403.10131v1_raft_rag.pdf": Truth(
        printed_title="RAFT: Adapting Language Model to Domain Specific RAG",
        arxiv_id="2403.10131v1",
        arxiv_title="RAFT: Adapting Language Model to Domain Specific RAG",
        affiliations=("UC Berkeley",),
        organisations=("UC Berkeley",),
        also_right=("University of California, Berkeley", "Berkeley", "berkeley.edu"),
        published="2024.3",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1. Introduction",
            "method": "3. RAFT",
            "results": "4. Evaluation",
            "conclusion": "7. Conclusion",
        },
    ),
    "corpus/arxiv_2404.19737v1_multi_token_prediction.pdf": Truth(
        # affiliations only in the first page's footnote: "1FAIR at Meta 2CERMICS Ecole des Ponts ParisTech
        # 3LISN Université Paris-Saclay"
        printed_title="Better & Faster Large Language Models via Multi-token Prediction",
        arxiv_id="2404.19737v1",
        arxiv_title="Better & Faster Large Language Models via Multi-token Prediction",
        affiliations=("FAIR at Meta", "Ecole des Ponts ParisTech", "Université Paris-Saclay"),
        organisations=("Meta", "Ecole des Ponts ParisTech", "Université Paris-Saclay"),
        also_right=("FAIR at Meta", "FAIR", "Meta AI", "Meta FAIR", "meta.com", "CERMICS", "LISN",
                    "CERMICS Ecole des Ponts ParisTech", "LISN Université Paris-Saclay", "École des Ponts ParisTech"),
        published="2024.4",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1. Introduction",
            "method": "2. Method",
            "results": "3. Experiments on real data",
            "conclusion": "7. Conclusion",
        },
    ),
    "corpus/arxiv_2405.04434v5_deepseek_v2.pdf": Truth(
        # team-authored: "DeepSeek-AI" under the title, research@deepseek.com, a deepseek logo image above
        printed_title="DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model",
        arxiv_id="2405.04434v5",
        arxiv_title="DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model",
        affiliations=("DeepSeek-AI",),
        organisations=("DeepSeek-AI",),
        also_right=("DeepSeek", "deepseek.com", "DeepSeek AI"),
        published="2024.6",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1. Introduction",
            "method": "2. Architecture",
            # the base model's results are "3.2. Evaluations" inside it; the chat model's "4.3. Evaluation Results"
            "results": "3. Pre-Training",
            "conclusion": "5. Conclusion, Limitation, and Future Work",
        },
    ),
    "corpus/arxiv_2410.05229v1_gsm_symbolic.pdf": Truth(
        printed_title="GSM-Symbolic: Understanding the Limitations of Mathematical Reasoning in Large Language Models",
        arxiv_id="2410.05229v1",
        arxiv_title="GSM-Symbolic: Understanding the Limitations of Mathematical Reasoning in Large Language Models",
        affiliations=("Apple",),
        organisations=("Apple",),
        also_right=("apple.com", "Apple Inc."),
        published="2024.10",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "3 GSM-Symbolic",
            "results": "4 Experiments & Results",
            "conclusion": "5 Conclusion",
        },
    ),
    "corpus/arxiv_2410.05258v1_differential_transformer.pdf": Truth(
        # title set in small caps ("DIFFERENTIAL TRANSFORMER" in the text layer)
        printed_title="Differential Transformer",
        arxiv_id="2410.05258v1",
        arxiv_title="Differential Transformer",
        affiliations=("Microsoft Research", "Tsinghua University"),
        organisations=("Microsoft Research", "Tsinghua University"),
        also_right=("Microsoft", "aka.ms", "Microsoft Research GeneralAI"),
        published="2024.10",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "2 Differential Transformer",
            "results": "3 Experiments",
            "conclusion": "4 Conclusion",
        },
    ),
    "corpus/arxiv_2503.10622v1_dyt_transformers_without_norm.pdf": Truth(
        # Meta template: the abstract is unlabelled; affiliations "1FAIR, Meta, 2New York University, 3MIT,
        # 4Princeton University"; a Meta logo; "Date: March 14, 2025" printed under the abstract
        printed_title="Transformers without Normalization",
        arxiv_id="2503.10622v1",
        arxiv_title="Transformers without Normalization",
        affiliations=("Meta", "New York University", "MIT", "Princeton University"),
        organisations=("Meta", "New York University", "MIT", "Princeton University"),
        also_right=("FAIR", "FAIR, Meta", "Meta AI", "Meta FAIR", "NYU", "nyu.edu", "princeton.edu", "Princeton",
                    "Massachusetts Institute of Technology"),
        published="2025.3",
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "4 Dynamic Tanh (DyT)",
            "results": "5 Experiments",
            "conclusion": "10 Conclusion",
        },
    ),
    "corpus/nonarxiv_dalle3_better_captions.pdf": Truth(
        # OpenAI's own PDF, not on arXiv; affiliations only as footnote markers "†OpenAI ‡Microsoft" and the
        # openai.com emails; no date printed for the paper ("September 20th, 2023" is a table footnote about
        # DALL-E 2); no conclusion section (the body ends with "5 Limitations & Risk")
        printed_title="Improving Image Generation with Better Captions",
        arxiv_id=None,
        arxiv_title="Improving Image Generation with Better Captions",
        affiliations=("OpenAI", "Microsoft"),
        organisations=("OpenAI", "Microsoft"),
        also_right=("openai.com",),
        published=None,
        arxiv_of_copy=None,
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "2 Dataset Recaptioning",
            # the controlled experiments on recaptioned data; DALL-E 3's own evaluation is "4 DALL-E 3"
            "results": "3 Evaluating the re-captioned datasets",
        },
    ),
    "corpus/nonarxiv_deepseek_r1.pdf": Truth(
        # team-authored, no stamp, no date printed
        printed_title="DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        arxiv_id=None,
        arxiv_title="DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        affiliations=("DeepSeek-AI",),
        organisations=("DeepSeek-AI",),
        also_right=("DeepSeek", "deepseek.com", "DeepSeek AI"),
        published=None,
        arxiv_of_copy="2501.12948",
        sections={
            "abstract": "Abstract",
            "introduction": "1. Introduction",
            "method": "2. Approach",
            "results": "3. Experiment",
            "conclusion": "5. Conclusion, Limitation, and Future Work",
        },
    ),
    "corpus/nonarxiv_janus_pro.pdf": Truth(
        # no stamp, no date printed; "DeepSeek-AI" under the author line, deepseek logo and a Janus icon image
        printed_title="Janus-Pro: Unified Multimodal Understanding and Generation with Data and Model Scaling",
        arxiv_id=None,
        arxiv_title="Janus-Pro: Unified Multimodal Understanding and Generation with Data and Model Scaling",
        affiliations=("DeepSeek-AI",),
        organisations=("DeepSeek-AI",),
        also_right=("DeepSeek", "DeepSeek AI", "deepseek-ai"),
        published=None,
        arxiv_of_copy="2501.17811",
        sections={
            "abstract": "Abstract",
            "introduction": "1. Introduction",
            "method": "2. Method",
            "results": "3. Experiments",
            "conclusion": "4. Conclusion",
        },
    ),
    "corpus/nonarxiv_moonlight_muon_scalable.pdf": Truth(
        # title in small caps ("MUON IS SCALABLE FOR LLM TRAINING" in the text layer; the running head has it in
        # mixed case), "TECHNICAL REPORT" banner under it; no stamp, no date printed (only "visited on
        # 02/18/2025" in a reference); a hidden text line "Created in Master PDF Editor" on page 1
        printed_title="Muon is Scalable for LLM Training",
        arxiv_id=None,
        arxiv_title="Muon is Scalable for LLM Training",
        affiliations=("Moonshot AI", "UCLA"),
        organisations=("Moonshot AI", "UCLA"),
        also_right=("Moonshot", "moonshot.cn", "Kimi", "Kimi Team", "University of California, Los Angeles"),
        published=None,
        arxiv_of_copy="2502.16982",
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "2 Methods",
            "results": "3 Experiments",
            "conclusion": "5 Conclusions",
        },
    ),
    "corpus/nonarxiv_qwen3_tech_report.pdf": Truth(
        # team-authored ("Qwen Team" under the title; links huggingface.co/Qwen, modelscope.cn, github.com/QwenLM:
        # the link hosts are not the organisation); a Qwen logo image; "2025-05-14" printed at the top right
        printed_title="Qwen3 Technical Report",
        arxiv_id=None,
        arxiv_title="Qwen3 Technical Report",
        affiliations=("Qwen Team",),
        organisations=("Qwen Team",),
        also_right=("Qwen", "QwenLM", "Alibaba", "Alibaba Group", "Alibaba Cloud"),
        published="2025.5",
        arxiv_of_copy="2505.09388",
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "2 Architecture",
            # the headline results (Table 11, the flagship thinking model) are in "4.6 Post-training Evaluation";
            # the base models' in "3.3 Pre-training Evaluation" under "3 Pre-training"
            "results": "4 Post-training",
            "conclusion": "5 Conclusion",
        },
    ),
    "corpus/nonarxiv_weak_to_strong.pdf": Truth(
        # OpenAI's own copy: no stamp, no date printed; title and headings in small caps; the footnote names "the
        # Superalignment Generalization team" and generalization@openai.com
        printed_title="Weak-to-Strong Generalization: Eliciting Strong Capabilities With Weak Supervision",
        arxiv_id=None,
        arxiv_title="Weak-to-Strong Generalization: Eliciting Strong Capabilities With Weak Supervision",
        affiliations=("OpenAI",),
        organisations=("OpenAI",),
        also_right=("openai.com", "OpenAI Superalignment", "Superalignment Generalization team"),
        published=None,
        arxiv_of_copy="2312.09390",
        sections={
            "abstract": "Abstract",
            "introduction": "1 Introduction",
            "method": "3 Methodology",
            "results": "4 Main Results",
            # the conclusion is a subsection of "6 Discussion"
            "conclusion": "6.3 Conclusion",
        },
    ),
}

FIGURES: dict[str, FigureTruth] = {
    "corpus/arxiv_2310.05914v2_neftune.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("table", 1, 4), ("figure", 2, 4), ("figure", 3, 5), ("table", 2, 5),
            ("table", 3, 6), ("figure", 4, 7), ("figure", 5, 8), ("table", 4, 8), ("table", 5, 9),
            ("table", 6, 9), ("table", 7, 13), ("table", 8, 13), ("table", 9, 13), ("table", 10, 14),
            ("table", 11, 14), ("figure", 6, 14), ("table", 12, 15), ("table", 13, 15), ("figure", 7, 15),
            ("table", 14, 16), ("figure", 8, 16), ("figure", 9, 16),
        ),
        overview=None,
        results=("table", 1),
        note="No method figure (the method is Algorithm 1). Figure 1 on page 1 is a headline results plot of the "
        "same comparison as Table 1. Reader's yellow highlights throughout and typed margin notes in the right "
        "margin (e.g. page 2). Running text 'Table 6. While longer generations…' (p8) and 'Table 3 shows' (p5) are "
        "not captions.",
    ),
    "corpus/arxiv_2310.06825v1_mistral_7b.pdf": FigureTruth(
        captions=(
            ("figure", 1, 2), ("table", 1, 2), ("figure", 2, 3), ("figure", 3, 3), ("figure", 4, 4),
            ("table", 2, 4), ("table", 3, 4), ("figure", 5, 5), ("table", 4, 5), ("table", 5, 6),
            ("figure", 6, 7),
        ),
        overview=("figure", 1),
        results=("table", 2),
        note="Tables 1, 3 and 4 are narrow floats beside body text (text wraps around them, caption below the "
        "table). Figure 4 is two bar plots side by side under one caption. Reader's orange highlights throughout; "
        "the Mistral AI logo on page 1 is an image.",
    ),
    "corpus/arxiv_2401.04398v2_chain_of_table.pdf": FigureTruth(
        captions=(
            ("figure", 1, 2), ("figure", 2, 5), ("table", 1, 6), ("figure", 3, 7), ("table", 2, 7),
            ("table", 3, 8), ("table", 4, 8), ("figure", 4, 9), ("table", 5, 13), ("table", 6, 14),
            ("figure", 5, 14), ("table", 7, 15), ("table", 8, 15), ("table", 9, 15), ("table", 10, 16),
            ("figure", 6, 17), ("figure", 7, 17), ("figure", 8, 18), ("figure", 9, 18), ("figure", 10, 19),
            ("figure", 11, 19), ("figure", 12, 20), ("figure", 13, 20), ("figure", 14, 20), ("figure", 15, 21),
            ("figure", 16, 22), ("figure", 17, 23), ("figure", 18, 24),
        ),
        overview=("figure", 1),
        results=("table", 1),
        note="Figure 1 (p2, full width) compares generic / program-aided reasoning with (c) Chain-of-Table, the "
        "method overview; Figure 2 (p5) details DynamicPlan and GenerateArgs as two sub-panels. Tables are "
        "captioned above. Lines at a line start that are running text, not captions: 'Table 1 shows that' (p6), "
        "'Table 6 shows that' (p14), 'Figure 9 for more detailed prompts.' (p16). Figures 9-18 are prompt listings "
        "in boxes. Reader's yellow highlights and a few typed notes.",
    ),
    "corpus/arxiv_2403.03206v1_sd3_rectified_flow.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("figure", 2, 5), ("table", 1, 6), ("table", 2, 6), ("figure", 3, 7),
            ("table", 3, 7), ("table", 4, 7), ("figure", 4, 9), ("figure", 5, 9), ("figure", 6, 10),
            ("figure", 7, 10), ("table", 5, 11), ("table", 6, 11), ("figure", 8, 12), ("figure", 9, 12),
            ("figure", 10, 21), ("figure", 11, 22), ("figure", 12, 22), ("figure", 13, 23), ("figure", 14, 24),
            ("table", 7, 24), ("figure", 15, 25), ("figure", 16, 27), ("figure", 17, 28),
        ),
        overview=("figure", 2),
        results=("table", 5),
        note="Two-column ICML style; captions 'Figure N.' / 'Table N.' in italics. The reader's handwriting (red and "
        "blue ink) and yellow highlights are part of the page content, not annotations (the PDF has only link "
        "annotations), so they cannot be switched off: Figure 2 (p5, the MM-DiT architecture) is covered with ink "
        "notes, p1 has ink in the margins. Figures 6 and 7 (p10) sit side by side, one per column; Tables 5 and 6 "
        "(p11) in the right column are captioned below. Figure 7 (human preference vs. SOTA models) is the other "
        "headline result. Running text at a line start ('Figure 5, the additional…' p9, 'Figure 8 are only…' and "
        "'Figure 12 illustrates' p11, 'Figure 11 visualizes' p21, 'Figure 13 shows' p23) is not a caption.",
    ),
    "corpus/arxiv_2403.10131v1_raft_rag.pdf": FigureTruth(
        captions=(
            ("figure", 1, 2), ("figure", 2, 3), ("figure", 3, 5), ("table", 1, 5), ("table", 2, 7),
            ("figure", 4, 7), ("figure", 5, 8), ("figure", 6, 8),
        ),
        overview=("figure", 2),
        results=("table", 1),
        note="On p5 Table 1's caption (above its table) follows directly under Figure 3's caption. Reader's typed "
        "notes in dashed boxes (free-text annotations) in the margins, one beside Table 1 overlapping the page "
        "edge, others at page tops/bottoms with dashed leader lines, plus yellow highlights. 'Fig. 5 presents' (p6) "
        "is running text.",
    ),
    "corpus/arxiv_2404.19737v1_multi_token_prediction.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("figure", 2, 3), ("figure", 3, 3), ("table", 1, 4), ("figure", 4, 5),
            ("figure", 5, 5), ("figure", 6, 6), ("figure", 7, 6), ("figure", 8, 7), ("figure", 9, 8),
            ("figure", 10, 13), ("table", 2, 13), ("table", 3, 13), ("table", 4, 14), ("figure", 11, 15),
            ("table", 5, 15), ("table", 6, 15), ("table", 7, 16), ("figure", 12, 17), ("table", 8, 18),
            ("table", 9, 19), ("table", 10, 19), ("figure", 13, 20), ("figure", 14, 21), ("figure", 15, 22),
            ("table", 11, 23), ("figure", 16, 23), ("table", 12, 24), ("figure", 17, 26), ("table", 13, 28),
            ("table", 14, 29),
        ),
        overview=("figure", 1),
        results=("figure", 3),
        note="Appendix captions are printed with an S prefix ('Figure S10', 'Table S2' … 'Table S14'), numbered on "
        "from the main text; they are listed here by their number. Figure 1 (p1, right column) stacks the "
        "architecture diagram over a results bar plot under one caption. Figure 3 (p3) has rotated axis labels; "
        "Table 1 (p4, full width, caption above) is the other main results candidate. Running text 'Figure 6 shows "
        "that' (p5) and 'Figure S15, we show' (p22) is not a caption. Reader's highlights and typed notes.",
    ),
    "corpus/arxiv_2405.04434v5_deepseek_v2.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("figure", 2, 5), ("figure", 3, 7), ("table", 1, 9), ("figure", 4, 13),
            ("table", 2, 15), ("table", 3, 19), ("table", 4, 19), ("table", 5, 20), ("table", 6, 29),
            ("table", 7, 30), ("table", 8, 32), ("table", 9, 32), ("table", 10, 33), ("table", 11, 33),
            ("figure", 5, 34), ("table", 12, 34), ("table", 13, 35), ("table", 14, 36), ("table", 15, 37),
            ("table", 16, 38), ("table", 17, 38), ("table", 18, 39), ("table", 19, 40), ("table", 20, 41),
            ("table", 21, 41), ("table", 22, 41), ("table", 23, 42), ("table", 24, 43), ("table", 25, 44),
            ("table", 26, 44), ("table", 27, 45), ("table", 28, 46), ("table", 29, 47), ("table", 30, 48),
            ("table", 31, 48), ("table", 32, 48), ("table", 33, 49), ("table", 34, 50), ("table", 35, 50),
            ("table", 36, 51), ("table", 37, 52),
        ),
        overview=("figure", 2),
        results=("table", 2),
        note="Captions written 'Figure N |' / 'Table N |'; tables are captioned below. A reader's red ink tick "
        "(ink annotation) at the top-left of Figure 2 (p5) and ink on p9; highlights in red and yellow. Tables "
        "12-37 are evaluation-format examples. Figure 1 (p1) is two panels (a) and (b) side by side.",
    ),
    "corpus/arxiv_2410.05229v1_gsm_symbolic.pdf": FigureTruth(
        captions=(
            ("figure", 1, 2), ("figure", 2, 6), ("figure", 3, 7), ("figure", 4, 8), ("figure", 5, 9),
            ("figure", 6, 9), ("figure", 7, 10), ("figure", 8, 11), ("figure", 9, 17), ("table", 1, 18),
            ("figure", 10, 19), ("figure", 11, 19), ("figure", 12, 20), ("figure", 13, 21), ("figure", 14, 22),
        ),
        overview=("figure", 1),
        results=("figure", 3),
        note="Results are plots; the only table is Table 1 (full results, appendix p18). Figure 1 (p2) shows the "
        "GSM8K question beside its symbolic template: the benchmark's construction, the overview. The reader's "
        "highlights also lie on figure text (model names inside Figure 3's bars p7, Figure 8's axis label and bar "
        "labels p11) and captions. Running text at a line start: 'Figure 4 demonstrates' (p8), 'Fig. 7 "
        "illustrates' (p10), 'Fig. 8c shows' (p11). Figure 8 is three panels (a)(b)(c) side by side.",
    ),
    "corpus/arxiv_2410.05258v1_differential_transformer.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("figure", 2, 3), ("table", 1, 4), ("figure", 3, 5), ("figure", 4, 5),
            ("figure", 5, 6), ("table", 2, 6), ("table", 3, 7), ("figure", 6, 7), ("figure", 7, 8),
            ("table", 4, 8), ("table", 5, 9), ("figure", 8, 9), ("table", 6, 10), ("table", 7, 14),
            ("table", 8, 15), ("table", 9, 16), ("table", 10, 16), ("figure", 9, 17),
        ),
        overview=("figure", 2),
        results=("table", 1),
        note="Tables captioned below. Wrapped floats beside body text with the caption below: Table 2 (p6), "
        "Figure 4 (p5), Figure 8 (p9); PDFium joins Figure 8's caption to the body line beside it "
        "('…DIFF Transformer Figure 8: Zero-shot accuracy on the Hel-'). Figure 5 (p6) is two heatmaps (a)(b). "
        "Running text at a line start: 'Figure 7 presents' (p8), 'Figure 8, we quantize' (p9), 'Table 6 "
        "reports' (p10), 'Table 8 reports' (p15), 'Table 9 presents' / 'Table 10 reports' (p16), 'Figure 9 "
        "provides' (p17). Reader's orange highlights, some inside tables (the DIFF-3B row of Table 1).",
    ),
    "corpus/arxiv_2503.10622v1_dyt_transformers_without_norm.pdf": FigureTruth(
        captions=(
            ("figure", 1, 2), ("figure", 2, 3), ("figure", 3, 3), ("figure", 4, 4), ("figure", 5, 6),
            ("table", 1, 6), ("table", 2, 6), ("table", 3, 6), ("figure", 6, 7), ("table", 4, 7),
            ("table", 5, 7), ("table", 6, 7), ("table", 7, 8), ("table", 8, 8), ("table", 9, 8),
            ("figure", 7, 9), ("figure", 8, 9), ("table", 10, 9), ("figure", 9, 10), ("figure", 10, 10),
            ("table", 11, 11), ("figure", 11, 11), ("table", 12, 12), ("table", 13, 18), ("table", 14, 18),
            ("table", 15, 19),
        ),
        overview=("figure", 1),
        results=("table", 1),
        note="Meta template: captions are a bold 'Figure N' / 'Table N' label with no colon or period, tables "
        "captioned below. One results table per domain (Tables 1-6); Table 4 (LLaMA) is the other candidate. "
        "Figures 7 and 8 (p9) sit side by side with their own captions. Reader's heavy orange highlights, also on "
        "table header cells (LN / DyT) and captions, and a typed red note on p1. Running text at a line start: "
        "'Table 7 reports' (p8), 'Table 10 summarizes' (p9), 'Table 14. Findings show…' (p18).",
    ),
    "corpus/nonarxiv_dalle3_better_captions.pdf": FigureTruth(
        captions=(
            ("figure", 1, 3), ("figure", 2, 4), ("figure", 3, 6), ("figure", 4, 8), ("figure", 5, 9),
            ("figure", 6, 10), ("table", 1, 11), ("table", 2, 12), ("figure", 7, 13), ("figure", 8, 18),
            ("figure", 9, 19), ("figure", 10, 19),
        ),
        overview=None,
        results=("table", 1),
        note="Captions written 'Figure N –' / 'Table N –' (en dash), centred below the float, tables included. No "
        "model figure (Figure 3 shows caption examples). The reader's handwriting (ink notes in the margins, "
        "brackets, underlines) and highlights are part of the page content, not annotations (only link "
        "annotations in the file), e.g. p1, p11 (highlighted cells in Table 1 and ink under it). 'Table 7' on p9 "
        "is a wrong reference in running text, not a caption; 'Figure 3 shows' (p6) is running text. Figure 7 "
        "(p13) is three images each with its own small text under it, then the caption.",
    ),
    "corpus/nonarxiv_deepseek_r1.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("table", 1, 6), ("table", 2, 7), ("figure", 2, 7), ("figure", 3, 8),
            ("table", 3, 9), ("table", 4, 13), ("table", 5, 14), ("table", 6, 14),
        ),
        overview=None,
        results=("table", 4),
        note="Captions written 'Figure N |' / 'Table N |', tables captioned below. No architecture figure (the "
        "paper is about training); Figure 1 (p1) is the headline benchmark bar plot, the other results candidate. "
        "Table 1 is a prompt template and Table 3 a model output, boxed text. Reader's highlights (also on cells "
        "of Table 4 and inside Figure 1), underlines and typed red notes in the margin (p1). 'Table 2 provides' "
        "(p6) is running text.",
    ),
    "corpus/nonarxiv_janus_pro.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("figure", 2, 2), ("figure", 3, 3), ("table", 1, 5), ("table", 2, 5),
            ("table", 3, 6), ("table", 4, 7), ("table", 5, 7), ("figure", 4, 8),
        ),
        overview=("figure", 3),
        results=("table", 3),
        note="Captions written 'Figure N |' / 'Table N |'; figures captioned below, tables above. Figure 1 (p1) is "
        "two plots (a)(b) side by side, each with a sub-caption, over one caption: the other results candidate. "
        "Figure 2 (p2) is an image grid whose prompts are printed under each pair; the text layer of p2 also holds "
        "a line not visible on the page, '短 prompt ，美感，细节', at the top of Figure 2. Reader's highlights (also "
        "on cells of Table 3) and typed red notes in the margin (p2, p4).",
    ),
    "corpus/nonarxiv_moonlight_muon_scalable.pdf": FigureTruth(
        captions=(
            ("figure", 1, 1), ("figure", 2, 4), ("table", 1, 6), ("table", 2, 7), ("figure", 3, 7),
            ("table", 3, 7), ("table", 4, 8), ("table", 5, 9), ("figure", 4, 10), ("table", 6, 10),
            ("table", 7, 10), ("table", 8, 14), ("table", 9, 14), ("figure", 5, 15), ("figure", 6, 16),
            ("figure", 7, 17), ("table", 10, 17), ("figure", 8, 18), ("figure", 9, 18), ("figure", 10, 19),
        ),
        overview=None,
        results=("table", 5),
        note="An optimizer paper: no model figure (Figure 6 is a code listing). Figure 1 (p1, two panels (a)(b), "
        "the scaling-law and MMLU-frontier plots) is the headline result and the other results candidate. Tables "
        "captioned above. Running text at a line start: 'Figure 1a, Muon only requires' (p6), 'Table 10 presents' "
        "(p16). A text line not visible on the page, 'Created in Master PDF Editor', lies at the left "
        "end of Figure 1's caption on p1.",
    ),
    "corpus/nonarxiv_qwen3_tech_report.pdf": FigureTruth(
        captions=(
            ("table", 1, 3), ("table", 2, 3), ("table", 3, 6), ("table", 4, 6), ("table", 5, 7), ("table", 6, 7),
            ("table", 7, 8), ("table", 8, 8), ("figure", 1, 9), ("table", 9, 11), ("table", 10, 13),
            ("table", 11, 14), ("table", 12, 14), ("table", 13, 16), ("table", 14, 16), ("table", 15, 17),
            ("table", 16, 17), ("table", 17, 18), ("table", 18, 18), ("table", 19, 19), ("table", 20, 19),
            ("figure", 2, 20), ("table", 21, 21), ("table", 22, 21), ("table", 23, 23), ("table", 24, 24),
            ("table", 25, 24), ("table", 26, 25), ("table", 27, 25), ("table", 28, 26), ("table", 29, 26),
            ("table", 30, 27), ("table", 31, 27), ("table", 32, 28), ("table", 33, 28), ("table", 34, 29),
            ("table", 35, 29), ("table", 36, 30), ("table", 37, 30),
        ),
        overview=("figure", 1),
        results=("table", 11),
        note="Only two figures; Figure 1 (p9, the post-training pipeline, a box diagram) is the method overview, "
        "and its box labels ('Stage 1 Long-CoT Cold Start' …) follow the heading '4 Post-training' in the text "
        "layer. Tables captioned above, often two per page stacked (p14: Tables 11 and 12). Table 3 (base model) "
        "is the other results candidate. 'Table 24-35 presents' (p23) is running text, not a caption.",
    ),
    "corpus/nonarxiv_weak_to_strong.pdf": FigureTruth(
        captions=(
            ("figure", 1, 2), ("figure", 2, 3), ("figure", 3, 8), ("figure", 4, 9), ("figure", 5, 10),
            ("figure", 6, 11), ("figure", 7, 12), ("figure", 8, 13), ("figure", 9, 14), ("figure", 10, 15),
            ("figure", 11, 16), ("table", 1, 29), ("figure", 12, 30), ("figure", 13, 31), ("figure", 14, 31),
            ("figure", 15, 32), ("figure", 16, 33), ("figure", 17, 34), ("figure", 18, 34), ("table", 2, 35),
            ("figure", 19, 36), ("figure", 20, 37), ("figure", 21, 38), ("figure", 22, 39), ("table", 3, 40),
            ("figure", 23, 41), ("figure", 24, 42), ("figure", 25, 43), ("figure", 26, 45), ("figure", 27, 46),
        ),
        overview=("figure", 1),
        results=("figure", 2),
        note="Results are plots; the three tables are in the appendix. Figure 1 (p2) illustrates the methodology "
        "(the weak-to-strong analogy). Figure 2 (p3, three bar charts side by side) is the headline summary; "
        "Figure 3 (p8, a 2x3 grid of plots with a colour bar) is the main results section's figure and the other "
        "candidate. Running text at a line start: 'Figure 16.' and 'Figure 16).' (p13), 'Figure 14.' (p29), "
        "'Figure 23.' (p41).",
    ),
}
# COMPLETE
