"""Truth for 15 papers of ../shared/data/corpus (part 2), read by a person from the PDFs (page text through
pypdfium2 and rendered pages): front matter and core sections (issue 18), captions and picks (issue 19).
Section headings are given as the text layer spells them (small-caps headings of ICLR-style papers come out in
capitals, e.g. "1 INTRODUCTION"); boxes are left to the helper who marks them."""

from __future__ import annotations

from tests.support.figure_truth import FigureTruth
from tests.support.paper_truth import Truth

PAPERS: dict[str, Truth] = {
    "corpus/arxiv_2104.09864v5_roformer.pdf": Truth(
        printed_title="RoFormer: Enhanced Transformer with Rotary Position Embedding",
        arxiv_id="2104.09864v5",
        arxiv_title="RoFormer: Enhanced Transformer with Rotary Position Embedding",
        affiliations=("Zhuiyi Technology Co., Ltd.",),
        organisations=("Zhuiyi Technology",),
        also_right=("Zhuiyi Technology Co., Ltd.", "Zhuiyi"),
        published="2023.11",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Proposed approach",
                  "results": "4 Experiments and Evaluation", "conclusion": "5 Conclusions"},
    ),
    "corpus/arxiv_2106.09685v2_lora.pdf": Truth(
        printed_title="LoRA: Low-Rank Adaptation of Large Language Models",
        arxiv_id="2106.09685v2",
        arxiv_title="LoRA: Low-Rank Adaptation of Large Language Models",
        affiliations=("Microsoft Corporation",),
        # Yuanzhi Li's second address is andrew.cmu.edu, the only sign of Carnegie Mellon
        organisations=("Microsoft", "Carnegie Mellon University"),
        also_right=("Microsoft Corporation", "CMU"),
        published="2021.10",
        sections={"abstract": "Abstract", "introduction": "1 INTRODUCTION", "method": "4 OUR METHOD",
                  "results": "5 EMPIRICAL EXPERIMENTS", "conclusion": "8 CONCLUSION AND FUTURE WORK"},
    ),
    "corpus/arxiv_2205.10625v3_least_to_most.pdf": Truth(
        printed_title="Least-to-Most Prompting Enables Complex Reasoning in Large Language Models",
        arxiv_id="2205.10625v3",
        arxiv_title="Least-to-Most Prompting Enables Complex Reasoning in Large Language Models",
        affiliations=("Google Research",),  # printed "†Google Research, Brain Team"
        organisations=("Google Research",),
        also_right=("Google", "Brain Team", "Google Research, Brain Team", "Google Brain"),
        published="2023.4",
        sections={"abstract": "Abstract", "introduction": "1 INTRODUCTION", "method": "2 LEAST-TO-MOST PROMPTING",
                  "results": "3 RESULTS", "conclusion": "6 CONCLUSION AND DISCUSSION"},
    ),
    "corpus/arxiv_2206.08896v1_evolution_through_large_models.pdf": Truth(
        printed_title="Evolution through Large Models",
        arxiv_id="2206.08896v1",
        arxiv_title="Evolution through Large Models",
        affiliations=("OpenAI", "Anthropic"),
        organisations=("OpenAI", "Anthropic"),  # Ndousse: "Anthropic*", "*Work done at OpenAI."
        also_right=(),
        published="2022.6",
        sections={"abstract": "Abstract", "introduction": "1 Introduction",
                  "method": "3 Approach: Evolution through Large Models", "results": "4 Experiment and Results",
                  "conclusion": "8 Discussion and Conclusion"},
    ),
    "corpus/arxiv_2207.02696v1_yolov7.pdf": Truth(
        printed_title="YOLOv7: Trainable bag-of-freebies sets new state-of-the-art for real-time object detectors",
        arxiv_id="2207.02696v1",
        arxiv_title="YOLOv7: Trainable bag-of-freebies sets new state-of-the-art for real-time object detectors",
        affiliations=("Academia Sinica",),  # printed "1Institute of Information Science, Academia Sinica, Taiwan"
        organisations=("Academia Sinica",),  # Bochkovskiy: no affiliation, a gmail address
        also_right=("Institute of Information Science", "Institute of Information Science, Academia Sinica",
                    "IIS, Academia Sinica"),
        published="2022.7",
        sections={"abstract": "Abstract", "introduction": "1. Introduction", "method": "3. Architecture",
                  "results": "5. Experiments", "conclusion": "6. Conclusions"},
    ),
    "corpus/arxiv_2212.07677v2_icl_gradient_descent.pdf": Truth(
        printed_title="Transformers Learn In-Context by Gradient Descent",
        arxiv_id="2212.07677v2",
        arxiv_title="Transformers learn in-context by gradient descent",
        # ICML footnote: "1Department of Computer Science, ETH Zürich, Zürich, Switzerland 2Google Research."
        affiliations=("ETH Zürich", "Google Research"),
        organisations=("ETH Zürich", "Google Research"),
        also_right=("ETH Zurich", "ETH", "Department of Computer Science, ETH Zürich", "Department of Computer Science",
                    "Google"),
        published="2023.5",
        sections={"abstract": "Abstract", "introduction": "1. Introduction",
                  "method": "2. Linear self-attention can emulate gradient descent on a linear regression task",
                  "results": "3. Trained Transformers do mimic gradient descent on linear regression tasks",
                  "conclusion": "5. Discussion"},
    ),
    "corpus/arxiv_2212.09748v2_dit.pdf": Truth(
        printed_title="Scalable Diffusion Models with Transformers",
        arxiv_id="2212.09748v2",
        arxiv_title="Scalable Diffusion Models with Transformers",
        affiliations=("UC Berkeley", "New York University"),
        # footnote: "* Work done during an internship at Meta AI, FAIR Team."
        organisations=("UC Berkeley", "New York University", "Meta AI"),
        also_right=("NYU", "FAIR", "FAIR Team", "Meta", "Meta AI, FAIR Team", "University of California, Berkeley"),
        published="2023.3",
        sections={"abstract": "Abstract", "introduction": "1. Introduction", "method": "3. Diffusion Transformers",
                  "results": "5. Experiments", "conclusion": "6. Conclusion"},
    ),
    "corpus/arxiv_2212.10496v1_hyde_retrieval.pdf": Truth(
        printed_title="Precise Zero-Shot Dense Retrieval without Relevance Labels",
        arxiv_id="2212.10496v1",
        arxiv_title="Precise Zero-Shot Dense Retrieval without Relevance Labels",
        affiliations=("Carnegie Mellon University", "University of Waterloo"),
        organisations=("Carnegie Mellon University", "University of Waterloo"),
        also_right=("CMU", "Language Technologies Institute", "Language Technologies Institute, Carnegie Mellon University",
                    "David R. Cheriton School of Computer Science",
                    "David R. Cheriton School of Computer Science, University of Waterloo"),
        published="2022.12",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Methodology",
                  "results": "4 Experiments", "conclusion": "6 Conclusion"},
    ),
    "corpus/arxiv_2303.10130v5_gpts_are_gpts.pdf": Truth(
        # a running head "WORKING PAPER" sits above the title on every page
        printed_title="GPTs are GPTs: An Early Look at the Labor Market Impact Potential of Large Language Models",
        arxiv_id="2303.10130v5",
        arxiv_title="GPTs are GPTs: An Early Look at the Labor Market Impact Potential of Large Language Models",
        affiliations=("OpenAI", "OpenResearch", "University of Pennsylvania"),
        organisations=("OpenAI", "OpenResearch", "University of Pennsylvania"),
        also_right=("UPenn",),
        published="2023.8",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Methods and Data Collection",
                  "results": "4 Results", "conclusion": "7 Conclusion"},
    ),
    "corpus/arxiv_2305.02301v1_distilling_step_by_step.pdf": Truth(
        printed_title="Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data and "
                      "Smaller Model Sizes",
        arxiv_id="2305.02301v1",
        arxiv_title="Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data and "
                    "Smaller Model Sizes",
        affiliations=("University of Washington", "Google Cloud AI Research", "Google Research"),
        organisations=("University of Washington", "Google Cloud AI Research", "Google Research"),
        also_right=("Google", "Google Cloud"),
        published="2023.5",
        # no "Conclusion": the paper ends with "5 Discussion" and an unnumbered "Limitations"
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Distilling step-by-step",
                  "results": "4 Experiments", "conclusion": "5 Discussion"},
    ),
    "corpus/arxiv_2305.14705v2_moe_instruction_tuning.pdf": Truth(
        printed_title="Mixture-of-Experts Meets Instruction Tuning: A Winning Combination for Large Language Models",
        arxiv_id="2305.14705v2",
        arxiv_title="Mixture-of-Experts Meets Instruction Tuning: A Winning Combination for Large Language Models",
        affiliations=("Google", "University of California, Berkeley", "Massachusetts Institute of Technology",
                      "University of Massachusetts Amherst", "The University of Texas at Austin"),
        # first author Sheng Shen is Berkeley's; most authors are Google's; "* Work done at Google"
        organisations=("University of California, Berkeley", "Google", "Massachusetts Institute of Technology",
                       "University of Massachusetts Amherst", "The University of Texas at Austin"),
        also_right=("UC Berkeley", "MIT", "UMass Amherst", "University of Texas at Austin", "UT Austin",
                    "Google Research"),
        published="2023.7",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "2 Method",
                  "results": "3 Experiment", "conclusion": "6 Conclusion"},
    ),
    "corpus/arxiv_2306.01708v2_ties_merging.pdf": Truth(
        printed_title="TIES-Merging: Resolving Interference When Merging Models",
        arxiv_id="2306.01708v2",
        arxiv_title="TIES-Merging: Resolving Interference When Merging Models",
        affiliations=("University of North Carolina at Chapel Hill", "IBM Research", "MIT"),
        organisations=("University of North Carolina at Chapel Hill", "IBM Research", "MIT"),
        also_right=("UNC Chapel Hill", "UNC", "IBM", "Massachusetts Institute of Technology"),
        published="2023.10",
        sections={"abstract": "Abstract", "introduction": "1 Introduction",
                  "method": "4 TIES-MERGING: TRIM, ELECT SIGN & MERGE", "results": "6 Main Results",
                  "conclusion": "8 Conclusion"},
    ),
    "corpus/arxiv_2306.15595v2_position_interpolation.pdf": Truth(
        printed_title="Extending Context Window of Large Language Models via Position Interpolation",
        arxiv_id="2306.15595v2",
        # the arXiv listing says "Positional", the PDF "Position"
        arxiv_title="Extending Context Window of Large Language Models via Positional Interpolation",
        affiliations=("Meta Platforms Inc.",),
        organisations=("Meta",),  # printed "Meta Platforms Inc.", emails @meta.com
        also_right=("Meta Platforms Inc.", "Meta Platforms", "Meta AI"),
        published="2023.6",
        sections={"abstract": "Abstract", "introduction": "1 INTRODUCTION", "method": "2 METHOD",
                  "results": "3 EXPERIMENTS", "conclusion": "5 CONCLUSIONS"},
    ),
    "corpus/arxiv_2309.04269v1_chain_of_density.pdf": Truth(
        printed_title="From Sparse to Dense: GPT-4 Summarization with Chain of Density Prompting",
        arxiv_id="2309.04269v1",
        arxiv_title="From Sparse to Dense: GPT-4 Summarization with Chain of Density Prompting",
        # printed "Salesforce AI♢ MIT♡ Columbia University: CS♠, Biomedical Informatics♣"; first author ♠♣
        affiliations=("Salesforce AI", "MIT", "Columbia University"),
        organisations=("Columbia University", "Salesforce AI", "MIT"),
        also_right=("Columbia", "Columbia University: CS", "Biomedical Informatics", "Salesforce",
                    "Salesforce AI Research", "Massachusetts Institute of Technology"),
        published="2023.9",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "2 Chain of Density Prompting",
                  "results": "4 Results", "conclusion": "6 Conclusion"},
    ),
    "corpus/arxiv_2309.11495v2_chain_of_verification.pdf": Truth(
        printed_title="Chain-of-Verification Reduces Hallucination in Large Language Models",
        arxiv_id="2309.11495v2",
        arxiv_title="Chain-of-Verification Reduces Hallucination in Large Language Models",
        affiliations=("Meta AI", "ETH Zürich"),  # first author: "Meta AI & ETH Zürich"
        organisations=("Meta AI", "ETH Zürich"),
        also_right=("Meta", "ETH Zurich", "ETH"),
        published="2023.9",
        sections={"abstract": "Abstract", "introduction": "1 INTRODUCTION", "method": "3 CHAIN-OF-VERIFICATION",
                  "results": "4 EXPERIMENTS", "conclusion": "5 CONCLUSION"},
    ),
}

FIGURES: dict[str, FigureTruth] = {
    "corpus/arxiv_2104.09864v5_roformer.pdf": FigureTruth(
        captions=(("figure", 1, 5), ("figure", 2, 8), ("table", 1, 9), ("figure", 3, 10), ("table", 2, 10),
                  ("table", 3, 11), ("table", 4, 11), ("table", 5, 12)),
        overview=("figure", 1),
        results=("table", 1),
        note="Results spread over several tables (1: translation BLEU, 2: GLUE, 3/5: Chinese); Table 1 is the "
             "first comparison with the baseline. Figure 3 holds two plots side by side under one caption.",
    ),
    "corpus/arxiv_2106.09685v2_lora.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("table", 1, 4), ("table", 2, 6), ("table", 3, 7), ("table", 4, 8),
                  ("figure", 2, 8), ("table", 5, 10), ("table", 6, 10), ("figure", 3, 11), ("figure", 4, 12),
                  ("table", 7, 12), ("table", 8, 17), ("figure", 5, 17), ("table", 9, 19), ("table", 10, 20),
                  ("table", 11, 20), ("table", 12, 21), ("table", 13, 21), ("table", 14, 22), ("table", 15, 23),
                  ("table", 16, 23), ("table", 17, 24), ("figure", 6, 25), ("figure", 7, 26), ("table", 18, 26),
                  ("figure", 8, 26)),
        overview=("figure", 1),
        results=("table", 2),
        note="Reader's yellow highlights on pages 1-2 and a text annotation in the right margin of page 1. Figure 1 "
             "is a small float wrapped beside the introduction's text, caption below it at column width. "
             "Page 10 has the line 'Table 6 shows that, surprisingly, ...' which is running text, not a caption.",
    ),
    "corpus/arxiv_2205.10625v3_least_to_most.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 3), ("table", 2, 3), ("table", 3, 4), ("table", 4, 4),
                  ("table", 5, 5), ("table", 6, 5), ("table", 7, 6), ("table", 8, 6), ("table", 9, 7),
                  ("table", 10, 7), ("table", 11, 7), ("table", 12, 8), ("table", 13, 17), ("table", 14, 17),
                  ("table", 15, 32), ("table", 16, 46), ("table", 17, 47), ("table", 18, 56), ("table", 19, 57)),
        overview=("figure", 1),
        results=("table", 8),
        note="Most tables are prompt exemplars (boxed text), not numbers; results tables are 4 (last letter), "
             "8 (SCAN, the headline) and 11 (GSM8K/DROP). Page 17 has a line starting 'Table 14. Concatenation "
             "errors ...' that is running text, not a caption.",
    ),
    "corpus/arxiv_2206.08896v1_evolution_through_large_models.pdf": FigureTruth(
        captions=(("figure", 1, 8), ("figure", 2, 9), ("figure", 3, 11), ("figure", 4, 13), ("figure", 5, 15),
                  ("figure", 6, 17), ("figure", 7, 18), ("figure", 8, 19), ("figure", 9, 20), ("figure", 10, 21),
                  ("figure", 11, 22), ("figure", 12, 23), ("figure", 13, 24), ("figure", 14, 25),
                  ("figure", 15, 26), ("figure", 16, 28), ("figure", 17, 30), ("figure", 18, 32),
                  ("figure", 19, 33), ("figure", 20, 44), ("figure", 21, 45), ("table", 1, 49)),
        overview=("figure", 3),
        results=("figure", 10),
        note="Single-column preprint; results are plots only (the one table is model sizes in the appendix). "
             "Overview: Figure 3 (MAP-Elites with ELM); Figure 5 (the invention pipeline) is the other method "
             "diagram. Main results: Sodarace plots, Figures 8-10 (niches, max fitness, QD score); Figure 10 "
             "chosen. Page 48 has a line starting 'Table 1. Models are based ...' that is running text.",
    ),
    "corpus/arxiv_2207.02696v1_yolov7.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("figure", 2, 3), ("figure", 3, 4), ("figure", 4, 4), ("figure", 5, 5),
                  ("table", 1, 6), ("table", 2, 7), ("table", 3, 8), ("table", 4, 8), ("figure", 6, 8),
                  ("figure", 7, 8), ("table", 5, 8), ("figure", 8, 9), ("table", 6, 9), ("table", 7, 9),
                  ("table", 8, 9), ("table", 9, 10), ("figure", 9, 11), ("figure", 10, 11), ("table", 10, 11),
                  ("figure", 11, 11)),
        overview=("figure", 2),
        results=("table", 2),
        note="Reader's orange highlights on most pages (also inside captions). PDFium joins the captions of "
             "Figure 1 (page 1) and Figure 6 (page 8) to the last line of the other column. Table 4's rows start "
             "'Figure 6 (a) ...' (cells, not captions); lines like 'Table 3 shows ...' are running text. Table "
             "captions are above their tables. No single overview figure: Figure 2 (E-ELAN) is the architecture "
             "figure. Page 11: Figure 10 is two plots side by side, Table 10 and Figure 11 side by side.",
    ),
    "corpus/arxiv_2212.07677v2_icl_gradient_descent.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 5), ("figure", 3, 7), ("figure", 5, 8), ("figure", 4, 9),
                  ("figure", 6, 14), ("figure", 7, 15), ("figure", 8, 15), ("figure", 9, 16), ("figure", 10, 17),
                  ("figure", 11, 19), ("figure", 12, 20), ("figure", 13, 21), ("figure", 14, 22),
                  ("figure", 15, 23), ("figure", 16, 24)),
        overview=("figure", 1),
        results=("figure", 2),
        note="ICML two-column; no tables. Reader's highlights and a red handwritten-style text note in the right "
             "margin of page 2. Figure 5 (page 8) is printed before Figure 4 (page 9) and is column-wide. Lines "
             "that begin 'Figure 1. For this ...' (page 1), 'Figure 1.' (page 6), 'Figure 4. Experimental "
             "details ...' (page 7), 'Figure 6, where ...' (page 13) are running text.",
    ),
    "corpus/arxiv_2212.09748v2_dit.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("figure", 2, 2), ("figure", 3, 3), ("figure", 4, 4), ("figure", 5, 5),
                  ("table", 1, 5), ("figure", 6, 6), ("figure", 7, 7), ("figure", 8, 8), ("figure", 9, 8),
                  ("table", 2, 9), ("table", 3, 9), ("figure", 10, 9), ("figure", 11, 12), ("table", 4, 13),
                  ("table", 5, 13), ("table", 6, 13), ("figure", 12, 14), ("figure", 13, 15), ("figure", 14, 16),
                  ("figure", 15, 16), ("figure", 16, 17), ("figure", 17, 17), ("figure", 18, 18), ("figure", 19, 18),
                  ("figure", 20, 19), ("figure", 21, 19), ("figure", 22, 20), ("figure", 23, 20), ("figure", 24, 21),
                  ("figure", 25, 21), ("figure", 26, 22), ("figure", 27, 22), ("figure", 28, 23), ("figure", 29, 23),
                  ("figure", 30, 24), ("figure", 31, 24), ("figure", 32, 25), ("figure", 33, 25)),
        overview=("figure", 3),
        results=("table", 2),
        note="Figure 1 (samples) sits above the abstract across the page. Reader's red ink on page 9 (beside "
             "Table 3, underlining its last row) and page 13 (beside Table 4), yellow highlights on page 1. Table "
             "captions are below their tables. Lines such as 'Table 1 gives details ...', 'Figure 5 shows the "
             "results.' are running text. Figures 14-33 are uncurated sample grids, two per page (pages 16-25).",
    ),
    "corpus/arxiv_2212.10496v1_hyde_retrieval.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 5), ("table", 2, 5), ("table", 3, 6), ("table", 4, 6)),
        overview=("figure", 1),
        results=("table", 1),
        note="Reader's highlights on pages 1-2 and a dashed text-box annotation in the left margin of page 1 "
             "(over the title block's side). Figure 1 spans the page width at the top of page 2.",
    ),
    "corpus/arxiv_2303.10130v5_gpts_are_gpts.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 7), ("table", 2, 8), ("figure", 2, 10), ("table", 3, 12),
                  ("figure", 3, 12), ("figure", 4, 13), ("figure", 5, 15), ("table", 4, 16), ("table", 5, 17),
                  ("table", 6, 17), ("table", 7, 18), ("table", 8, 20), ("table", 9, 21), ("table", 10, 27),
                  ("figure", 6, 28), ("figure", 7, 29), ("table", 11, 31)),
        overview=None,
        results=("figure", 3),
        note="Economics paper: no method figure (Figure 1 is a chart taken from the GPT-4 report). Results: "
             "Figure 3 (share of occupations by exposure) is the headline; Table 3 (summary statistics) is the "
             "table form. Figures 6 and 7 are full-page bar charts rotated 90 degrees, captioned only 'Figure 6' "
             "/ 'Figure 7' (no caption text), their labels not in the text layer. 'WORKING PAPER' running head "
             "on every page.",
    ),
    "corpus/arxiv_2305.02301v1_distilling_step_by_step.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("figure", 2, 3), ("figure", 3, 4), ("figure", 4, 5), ("figure", 5, 5),
                  ("figure", 6, 7), ("figure", 7, 7), ("figure", 8, 8), ("figure", 9, 8), ("table", 1, 12)),
        overview=("figure", 2),
        results=("figure", 4),
        note="Results are plotted (the only table is dataset statistics in the appendix): Figure 4 (less "
             "training data, labelled) is the first main comparison; Figure 8 (outperforming PaLM with smaller "
             "models and less data) is the abstract's headline and also defensible. Reader's highlights and a "
             "dashed text annotation in the right margin of page 1. Figure 1 is a column-wide float in the right "
             "column of page 1; Figures 4-9 are page-wide rows of several panels.",
    ),
    "corpus/arxiv_2305.14705v2_moe_instruction_tuning.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("table", 1, 4), ("figure", 2, 5), ("figure", 3, 6), ("figure", 4, 7),
                  ("figure", 5, 7), ("table", 2, 8), ("figure", 6, 9), ("figure", 7, 9), ("table", 3, 14),
                  ("table", 4, 15), ("table", 5, 16), ("table", 6, 17), ("table", 7, 18), ("table", 8, 19),
                  ("table", 9, 20), ("table", 10, 21), ("table", 11, 22), ("table", 12, 23), ("table", 13, 24)),
        overview=None,
        results=("table", 1),
        note="No architecture or method diagram: Figure 1 is a bar chart (instruction tuning helps MoE more). "
             "Page 14 opens the appendix with the paper's title repeated ('Appendix for \"Mixture-of-Experts "
             "...\"'). Appendix tables 3-13 are full-page per-task tables.",
    ),
    "corpus/arxiv_2306.01708v2_ties_merging.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 2), ("figure", 3, 4), ("figure", 4, 4), ("table", 1, 6),
                  ("table", 2, 7), ("figure", 5, 7), ("table", 3, 8), ("table", 4, 8), ("figure", 6, 8),
                  ("figure", 7, 9), ("table", 5, 9), ("table", 6, 10), ("table", 7, 17), ("figure", 8, 18),
                  ("figure", 9, 18), ("figure", 10, 18), ("figure", 11, 19), ("figure", 12, 19), ("table", 8, 19),
                  ("table", 9, 20), ("table", 10, 20), ("table", 11, 20), ("table", 12, 21), ("table", 13, 21),
                  ("table", 14, 22), ("figure", 13, 22)),
        overview=("figure", 1),
        results=("table", 1),
        note="Many reader annotations: dashed-box text notes in both margins (pages 1, 2, 7, 8, ...) and yellow "
             "highlights, some inside tables (Table 2's RegMean row). Side-by-side floats: Figure 3 / Figure 4 "
             "(page 4), Table 2 / Figure 5 (page 7), Table 3 / Table 4 (page 8), Figure 7 / Table 5 (page 9); "
             "Figure 2 is wrapped beside body text (page 2). 'Fig. 2).' on page 2 and 'Table 1 shows ...' on "
             "page 7 are running text. Algorithm 1 (page 4, beside text) is neither a figure nor a table.",
    ),
    "corpus/arxiv_2306.15595v2_position_interpolation.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 4), ("table", 1, 7), ("table", 2, 8), ("table", 3, 8),
                  ("table", 4, 9), ("figure", 3, 9), ("table", 5, 10), ("table", 6, 10), ("figure", 4, 10),
                  ("figure", 5, 16)),
        overview=("figure", 1),
        results=("table", 1),
        note="Single-column ICLR-style preprint, all floats page-wide. Figures 3 and 4 are prompt formats "
             "(monospaced text, no graphics). Table captions below the tables.",
    ),
    "corpus/arxiv_2309.04269v1_chain_of_density.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("figure", 2, 2), ("figure", 3, 3), ("table", 1, 3), ("table", 2, 3),
                  ("table", 3, 4), ("figure", 4, 4), ("table", 4, 7)),
        overview=("figure", 2),
        results=("table", 2),
        note="Heavy reader annotations: dashed-box text notes in the margins (one at the top left of page 1 "
             "beside the title block, others on pages 1-4 with dashed leader lines across the text), yellow "
             "highlights in text and inside Tables 2 and 3. Figure 1 is a column-wide plot in the right column "
             "of page 1; Tables 1 and 2 are column-wide. Figure 2 (prompt and outputs) is the method figure; "
             "Table 2 (human first-place votes) is the headline result, Table 3 (GPT-4 Likert) the other.",
    ),
    "corpus/arxiv_2309.11495v2_chain_of_verification.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 6), ("table", 2, 7), ("table", 3, 7), ("figure", 2, 7),
                  ("table", 4, 8), ("figure", 3, 13), ("table", 5, 14), ("table", 6, 14), ("table", 7, 15),
                  ("table", 8, 15), ("table", 9, 16), ("figure", 4, 17), ("figure", 5, 17), ("figure", 6, 18),
                  ("figure", 7, 18), ("figure", 8, 19)),
        overview=("figure", 1),
        results=("table", 1),
        note="Reader's dashed-box text notes in the right margin (pages 1, 7, ...) with leader lines running "
             "into Tables 2/3 and Figure 2, and yellow highlights inside Tables 2 and 3. The paper names Tables "
             "1-3 together as its main results; Table 1 (Wikidata, Wiki-Category list) comes first, Table 3 "
             "(biographies, FactScore) is also defensible. Figure 2 is two bar charts side by side under one "
             "caption. Tables 5-9 are prompt templates. Figures 4-8 are ChatGPT screenshots (raster). Page 17: "
             "Figure 5's caption wraps onto a line starting 'Figure 4), while ...', which is not a caption.",
    ),
}

# COMPLETE
