"""Truth for the 13 papers of ../shared/data/pdf and pdf-hard and 5 papers of ../shared/data/corpus (part 1), read
by a person from the PDFs (page text through pypdfium2 and rendered pages): front matter and core sections
(issue 18), captions and picks (issue 19). For pdf/ and pdf-hard/ the printed_title, arxiv_id, arxiv_title and
affiliations are those of paper_truth.PAPERS, unchanged. Section headings are given as the text layer spells them
(small-caps headings of ICLR-style papers come out in capitals, e.g. "1 INTRODUCTION"); boxes are left to the
helper who marks them."""

from __future__ import annotations

from tests.support.figure_truth import FigureTruth
from tests.support.paper_truth import Truth

PAPERS: dict[str, Truth] = {
    "pdf/arxiv_1111.2011v2_quantum_criticality_bethe.pdf": Truth(
        printed_title="Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
        arxiv_id="1111.2011v2",
        arxiv_title="Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
        affiliations=("Johns Hopkins University", "University of Vermont"),
        organisations=("Johns Hopkins University", "University of Vermont"),
        also_right=("Institute for Quantum Matter", "Department of Physics and Astronomy", "Department of Physics",
                    "Institute for Quantum Matter and Department of Physics and Astronomy"),
        published="2012.4",
        # REVTeX physics paper: the abstract is unlabelled; no "method"/"results" by name, the theory sections are
        sections={"abstract": "Abstract", "introduction": "I. INTRODUCTION",
                  "method": "II. SELF-CONSISTENT ACTION IN THE LARGE z LIMIT",
                  "results": "III. CRITICAL POINT IN N → ∞ LIMIT", "conclusion": "V. DISCUSSION"},
    ),
    "pdf/arxiv_1406.2661v1_gan.pdf": Truth(
        printed_title="Generative Adversarial Nets",
        arxiv_id="1406.2661v1",
        arxiv_title="Generative Adversarial Networks",
        affiliations=("Universite de Montreal",),
        # footnotes: Pouget-Abadie visiting from Ecole Polytechnique, Ozair from Indian Institute of Technology
        # Delhi, "Yoshua Bengio is a CIFAR Senior Fellow"
        organisations=("Universite de Montreal", "Ecole Polytechnique", "Indian Institute of Technology Delhi"),
        also_right=("Université de Montréal", "École Polytechnique", "IIT Delhi", "CIFAR",
                    "Departement d'informatique et de recherche operationnelle",
                    "Département d'informatique et de recherche opérationnelle", "DIRO"),
        published="2014.6",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Adversarial nets",
                  "results": "5 Experiments", "conclusion": "7 Conclusions and future work"},
    ),
    "pdf/arxiv_1512.03385v1_resnet.pdf": Truth(
        printed_title="Deep Residual Learning for Image Recognition",
        arxiv_id="1512.03385v1",
        arxiv_title="Deep Residual Learning for Image Recognition",
        affiliations=("Microsoft Research",),
        organisations=("Microsoft Research",),
        also_right=("Microsoft",),
        published="2015.12",
        # no conclusion section: "4. Experiments" runs into the references, then appendices A-C
        sections={"abstract": "Abstract", "introduction": "1. Introduction", "method": "3. Deep Residual Learning",
                  "results": "4. Experiments"},
    ),
    "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf": Truth(
        printed_title="Attention Is All You Need",
        arxiv_id="1706.03762v5",
        arxiv_title="Attention Is All You Need",
        affiliations=("Google Brain", "Google Research", "University of Toronto"),
        organisations=("Google Brain", "Google Research", "University of Toronto"),
        also_right=("Google",),
        published="2017.12",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Model Architecture",
                  "results": "6 Results", "conclusion": "7 Conclusion"},
    ),
    "pdf/arxiv_1810.04805v2_bert.pdf": Truth(
        printed_title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        arxiv_id="1810.04805v2",
        arxiv_title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        affiliations=("Google AI Language",),
        organisations=("Google AI Language",),
        also_right=("Google", "Google AI"),
        published="2019.5",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 BERT",
                  "results": "4 Experiments", "conclusion": "6 Conclusion"},
    ),
    "pdf/arxiv_1904.05862v4_wav2vec.pdf": Truth(
        printed_title="wav2vec: Unsupervised Pre-training for Speech Recognition",
        arxiv_id="1904.05862v4",
        arxiv_title="wav2vec: Unsupervised Pre-training for Speech Recognition",
        affiliations=("Facebook AI Research",),
        organisations=("Facebook AI Research",),
        also_right=("Facebook", "Facebook AI", "FAIR"),
        published="2019.9",
        sections={"abstract": "ABSTRACT", "introduction": "1 INTRODUCTION", "method": "2 PRE-TRAINING APPROACH",
                  "results": "4 RESULTS", "conclusion": "5 CONCLUSIONS"},
    ),
    "pdf/arxiv_2010.11929v2_vit.pdf": Truth(
        printed_title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        arxiv_id="2010.11929v2",
        arxiv_title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        affiliations=("Google Research",),
        organisations=("Google Research",),  # printed "Google Research, Brain Team"
        also_right=("Brain Team", "Google Research, Brain Team", "Google", "Google Brain"),
        published="2021.6",
        sections={"abstract": "ABSTRACT", "introduction": "1 INTRODUCTION", "method": "3 METHOD",
                  "results": "4 EXPERIMENTS", "conclusion": "5 CONCLUSION"},
    ),
    "pdf/arxiv_2203.00274v2_tableformer.pdf": Truth(
        printed_title="TableFormer: Robust Transformer Modeling for Table-Text Encoding",
        arxiv_id="2203.00274v2",
        arxiv_title="TableFormer: Robust Transformer Modeling for Table-Text Encoding",
        affiliations=("Georgia Institute of Technology", "Google Assistant"),
        organisations=("Georgia Institute of Technology", "Google Assistant"),
        also_right=("Google", "Georgia Tech"),  # "∗Work done during an internship at Google."
        published="2022.5",
        sections={"abstract": "Abstract", "introduction": "1 Introduction",
                  "method": "3 TABLEFORMER: Robust Structural Table Encoding",
                  "results": "5 Experiments and Results", "conclusion": "7 Conclusion"},
    ),
    "pdf/arxiv_2501.10120v1_pasa.pdf": Truth(
        printed_title="PaSa: An LLM Agent for Comprehensive Academic Paper Search",
        arxiv_id="2501.10120v1",
        arxiv_title="PaSa: An LLM Agent for Comprehensive Academic Paper Search",
        affiliations=("ByteDance Research", "Peking University"),
        organisations=("ByteDance Research", "Peking University"),
        also_right=("ByteDance", "PKU"),
        published="2025.1",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "4 Methodology",
                  "results": "5 Experiments", "conclusion": "6 Conclusion"},
    ),
    "pdf-hard/arxiv_2107.05407v1_pondernet.pdf": Truth(
        printed_title="PonderNet: Learning to Ponder",
        arxiv_id="2107.05407v1",
        arxiv_title="PonderNet: Learning to Ponder",
        affiliations=("DeepMind",),
        organisations=("DeepMind",),
        also_right=(),
        published="2021.7",
        sections={"abstract": "Abstract", "introduction": "1. Introduction", "method": "2. Methods",
                  "results": "3. Results", "conclusion": "4. Discussion"},
    ),
    "pdf-hard/arxiv_2109.08668v1_primer.pdf": Truth(
        printed_title="Primer: Searching for Efficient Transformers for Language Modeling",
        arxiv_id="2109.08668v1",
        arxiv_title="Primer: Searching for Efficient Transformers for Language Modeling",
        affiliations=("Google Research",),
        organisations=("Google Research",),  # printed "Google Research, Brain Team"
        also_right=("Brain Team", "Google Research, Brain Team", "Google", "Google Brain"),
        published="2021.9",
        # the method is named after the technique ("3 Primer"); "2 Search Space and Search Method" precedes it
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "3 Primer",
                  "results": "4 Results", "conclusion": "5 Conclusion"},
    ),
    "pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf": Truth(
        # affiliations in the first page's footnote: "H. Li is with the Institute for Infocomm Research, …"
        printed_title="Spoken Language Recognition: From Fundamentals to Practice",
        arxiv_id=None,
        arxiv_title=None,
        affiliations=("Institute for Infocomm Research", "University of New South Wales"),
        organisations=("Institute for Infocomm Research", "University of New South Wales"),
        also_right=("Agency for Science, Technology, and Research", "A*STAR",
                    "Agency for Science, Technology, and Research (A*STAR)", "I2R", "UNSW"),
        # footer "Proceedings of the IEEE | Vol. 101, No. 5, May 2013" (footnote: date of publication
        # February 6, 2013, i.e. online first)
        published="2013.5",
        arxiv_of_copy=None,
        # an invited tutorial/review: no method or results of its own; "ABSTRACT |" runs into its first sentence
        sections={"abstract": "ABSTRACT", "introduction": "I. INTRODUCTION",
                  "conclusion": "VII. DISCUSSION AND FUTURE DIRECTIONS"},
    ),
    "pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf": Truth(
        printed_title="wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations",
        arxiv_id=None,
        arxiv_title="wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations",
        affiliations=("Facebook AI",),
        organisations=("Facebook AI",),
        also_right=("Facebook", "Facebook AI Research", "FAIR"),  # emails @fb.com
        published=None,  # only "NeurIPS 2020" is printed, no month
        arxiv_of_copy="2006.11477",
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "2 Model",
                  "results": "5 Results", "conclusion": "6 Conclusion"},
    ),
    "corpus/arxiv_1701.06538v1_sparsely_gated_moe.pdf": Truth(
        printed_title="Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer",
        arxiv_id="1701.06538v1",
        arxiv_title="Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer",
        affiliations=("Google Brain", "Jagiellonian University"),
        # "†Work done as a member of the Google Brain Residency program (g.co/brainresidency)"
        organisations=("Google Brain", "Jagiellonian University"),
        also_right=("Google", "Google Brain Residency program", "Google Brain Residency"),
        published="2017.1",
        sections={"abstract": "ABSTRACT", "introduction": "1 INTRODUCTION AND RELATED WORK",
                  "method": "2 THE STRUCTURE OF THE MIXTURE-OF-EXPERTS LAYER", "results": "5 EXPERIMENTS",
                  "conclusion": "6 CONCLUSION"},
    ),
    "corpus/arxiv_1804.04235v1_adafactor.pdf": Truth(
        printed_title="Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
        arxiv_id="1804.04235v1",
        arxiv_title="Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
        # ICML style: affiliations only in the first column's footnote "1Google Brain, Mountain View, California,
        # USA 2University of California, Berkeley, California, USA."
        affiliations=("Google Brain", "University of California, Berkeley"),
        organisations=("Google Brain", "University of California, Berkeley"),
        also_right=("Google", "UC Berkeley", "Berkeley"),
        published="2018.4",
        # the method is spread over sections 3-8 (factored moments, no momentum, update clipping, decay schedule,
        # relative step size), each with a short "N.M Experiments" subsection; 3 is the core idea; the main
        # experiments (Tables 2, 3) are in "9. Experimental Setup"
        sections={"abstract": "Abstract", "introduction": "1. Introduction and Background",
                  "method": "3. Factored Second Moment Estimation", "results": "9. Experimental Setup",
                  "conclusion": "10. Conclusion"},
    ),
    "corpus/arxiv_2006.16668v1_gshard.pdf": Truth(
        printed_title="GShard: Scaling Giant Models with Conditional Computation and Automatic Sharding",
        arxiv_id="2006.16668v1",
        arxiv_title="GShard: Scaling Giant Models with Conditional Computation and Automatic Sharding",
        affiliations=(),  # no organisation name printed: nine authors, each with a @google.com address only
        organisations=("Google",),
        also_right=("google.com",),
        published="2020.6",
        # "2 Model" (the sparsely-gated MoE Transformer) is the model; "3 Highly Parallel Implementation using
        # GShard" (named after the technique) is the other half of the method. Results sit in "4 Massively
        # Multilingual, Massive Machine Translation (M4)" (its 4.4 is "Results").
        sections={"abstract": "Abstract", "introduction": "1 Introduction", "method": "2 Model",
                  "results": "4 Massively Multilingual, Massive Machine Translation (M4)",
                  "conclusion": "7 Conclusion"},
    ),
    "corpus/arxiv_2012.12877v2_deit.pdf": Truth(
        printed_title="Training data-efficient image transformers & distillation through attention",
        arxiv_id="2012.12877v2",
        arxiv_title="Training data-efficient image transformers & distillation through attention",
        affiliations=("Facebook AI", "Sorbonne University"),
        organisations=("Facebook AI", "Sorbonne University"),
        also_right=("Facebook", "Facebook AI Research", "FAIR", "Sorbonne"),
        published="2021.1",
        # the method is named after the technique; "3 Vision transformer: overview" recalls ViT
        sections={"abstract": "Abstract", "introduction": "1 Introduction",
                  "method": "4 Distillation through attention", "results": "5 Experiments",
                  "conclusion": "7 Conclusion"},
    ),
    "corpus/arxiv_2101.03961v3_switch_transformer.pdf": Truth(
        printed_title="Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity",
        arxiv_id="2101.03961v3",
        arxiv_title="Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity",
        affiliations=("Google",),  # "Google, Mountain View, CA 94043, USA"
        organisations=("Google",),
        also_right=("Google Brain",),
        # stamp 16 Jun 2022 (v3); the JMLR header above the title says "Published 4/22"
        published="2022.6",
        # JMLR banner line above the title; a table of contents on page 2. Results come in two sections,
        # "3. Scaling Properties" (the headline speed-ups) then "4. Downstream Results".
        sections={"abstract": "Abstract", "introduction": "1. Introduction", "method": "2. Switch Transformer",
                  "results": "3. Scaling Properties", "conclusion": "9. Conclusion"},
    ),
}

FIGURES: dict[str, FigureTruth] = {
    "pdf/arxiv_1111.2011v2_quantum_criticality_bethe.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("figure", 2, 6), ("figure", 3, 7)),
        overview=("figure", 1),
        results=None,
        note="REVTeX two-column physics paper, captions in the form 'FIG. 1.'. Figure 1 (schematic of the "
             "self-consistent calculation, three panels (a)-(c)) is the method figure; the results are analytic "
             "(critical exponents), Figure 3 is only a numerical check of one coefficient, so no results pick. "
             "Figure 2 is a small float at the top of page 6's right column (one row of diagrams), body text "
             "beside it in the left column.",
    ),
    "pdf/arxiv_1406.2661v1_gan.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("table", 1, 6), ("figure", 2, 6), ("figure", 3, 7), ("table", 2, 7)),
        overview=("figure", 1),
        results=("table", 1),
        note="Reader highlights on pages 1-7. Figure 1 (the four panels of D, data and generator distributions "
             "during training) is the method illustration; Table 1 (Parzen window log-likelihoods) the only "
             "quantitative result. Table 2 is a wide comparison table of approaches (text cells).",
    ),
    "pdf/arxiv_1512.03385v1_resnet.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("figure", 2, 2), ("figure", 3, 4), ("table", 1, 5), ("figure", 4, 5),
                  ("table", 2, 5), ("table", 3, 6), ("table", 4, 6), ("table", 5, 6), ("figure", 5, 6),
                  ("table", 6, 7), ("figure", 6, 8), ("figure", 7, 8), ("table", 7, 8), ("table", 8, 8),
                  ("table", 9, 11), ("table", 10, 11), ("table", 11, 11), ("table", 12, 11), ("table", 13, 12),
                  ("table", 14, 12)),
        overview=("figure", 2),
        results=("table", 4),
        note="Two-column CVPR. Figure 2 (the residual building block) is what a reader pastes as the method; "
             "Figure 3 (VGG-19 / plain-34 / ResNet-34, a tall figure) is also defensible. Table 4 (single-model "
             "ImageNet validation vs. the state of the art) is the headline comparison; Table 5 (ensembles, "
             "test set, 3.57%) is also defensible. Page 6 stacks Tables 3, 4, 5 in the left column, Figure 5 in "
             "the right. Body lines beginning 'Fig. 3).', 'Fig. 4. First, ...' and 'Table 3 shows' are not "
             "captions. Table 1 is a full-width table.",
    ),
    "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("figure", 2, 4), ("table", 1, 6), ("table", 2, 8), ("table", 3, 9),
                  ("table", 4, 9), ("figure", 3, 13), ("figure", 4, 14), ("figure", 5, 15)),
        overview=("figure", 1),
        results=("table", 2),
        note="Reader ink on pages 3 and 4: red pen strokes (arrows beside Figure 1 and over Figure 2, underlines "
             "in the text) and typed free-text notes ('encodoer', 'decoder' beside Figure 1, 'predict', "
             "'pack:'). Figure 2 is two diagrams side by side under one caption ((left) Scaled Dot-Product, "
             "(right) Multi-Head). Figures 3-5 (attention visualisations) are in the appendix pages 13-15.",
    ),
    "pdf/arxiv_1810.04805v2_bert.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("figure", 2, 5), ("table", 1, 6), ("table", 2, 7), ("table", 3, 7),
                  ("table", 4, 7), ("table", 5, 8), ("table", 6, 9), ("table", 7, 9), ("figure", 3, 13),
                  ("figure", 4, 15), ("figure", 5, 16), ("table", 8, 16)),
        overview=("figure", 1),
        results=("table", 1),
        note="Two-column ACL; reader highlights on pages 1-5. Figure 1 (pre-training and fine-tuning) and "
             "Table 1 (GLUE) are full width. Page 7: Tables 2 and 3 stacked in the left column, Table 4 in the "
             "right. The body line 'Table 6. In this table, we report ...' on page 8 is not a caption (Table 6 "
             "is on page 9).",
    ),
    "pdf/arxiv_1904.05862v4_wav2vec.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 4), ("figure", 2, 5), ("table", 2, 6), ("table", 3, 6),
                  ("table", 4, 7), ("table", 5, 7)),
        overview=("figure", 1),
        results=("table", 1),
        note="One-column ICLR-style. Tables 4 and 5 on page 7 are small side-by-side tables with side-by-side "
             "captions. Table 1 (WSJ WER vs. baselines) is the headline.",
    ),
    "pdf/arxiv_2010.11929v2_vit.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("table", 1, 5), ("table", 2, 6), ("figure", 2, 6), ("figure", 3, 7),
                  ("figure", 4, 7), ("figure", 5, 7), ("figure", 6, 8), ("figure", 7, 9), ("table", 3, 13),
                  ("table", 4, 14), ("table", 5, 15), ("table", 6, 15), ("table", 7, 16), ("figure", 8, 16),
                  ("figure", 9, 17), ("table", 8, 17), ("figure", 10, 18), ("figure", 11, 18), ("figure", 12, 19),
                  ("figure", 13, 20), ("figure", 14, 21), ("table", 9, 22)),
        overview=("figure", 1),
        results=("table", 2),
        note="Reader highlights on most pages and typed free-text notes in the right margin (pages 1, 4-8, e.g. "
             "'Training on subsets of JFT' beside the text of page 7). Page 7: Figures 3 and 4 side by side "
             "with side-by-side captions, Figure 5 (two plots) full width below. Figure 6 on page 8 is a narrow "
             "float at the right with its caption beside body text lines. The body line 'Figure 9.' on page 17 "
             "is not a caption.",
    ),
    "pdf/arxiv_2203.00274v2_tableformer.pdf": FigureTruth(
        captions=(("figure", 1, 1), ("figure", 2, 3), ("table", 1, 5), ("table", 2, 6), ("table", 3, 6),
                  ("table", 4, 7), ("table", 5, 7), ("table", 6, 8), ("table", 7, 8)),
        overview=("figure", 2),
        results=("table", 1),
        note="Two-column ACL. Figure 1 (right column of page 1) shows the limitations of prior models; Figure 2 "
             "(input and attention biases, full width) is the method figure. Tables 1-3 (SQA, TabFact, WTQ) "
             "are the main results; Table 1 (SQA before/after perturbation) comes first. Body line 'Table 1, "
             "2, and 3 shows ...' is not a caption.",
    ),
    "pdf/arxiv_2501.10120v1_pasa.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 4), ("table", 2, 4), ("figure", 2, 5), ("table", 3, 5),
                  ("table", 4, 7), ("table", 5, 8), ("table", 6, 8), ("table", 7, 9), ("figure", 3, 9),
                  ("table", 8, 10), ("table", 9, 10), ("table", 10, 13), ("table", 11, 13), ("table", 12, 14),
                  ("table", 13, 14), ("table", 14, 15), ("table", 15, 15), ("table", 16, 15)),
        overview=("figure", 1),
        results=("table", 5),
        note="Two-column ACL. Figure 1 (Crawler and Selector architecture) is the overview; Table 5 "
             "(AutoScholarQuery test) the headline, Table 6 (RealScholarQuery) full width below it. Tables 10-16 "
             "in the appendix are prompt templates (boxed text). Body lines 'Table 12 in Appendix D provides', "
             "'Table 10. The session trajectory', 'Table 13 exhibits ...' are not captions.",
    ),
    "pdf-hard/arxiv_2107.05407v1_pondernet.pdf": FigureTruth(
        captions=(("figure", 1, 5), ("figure", 2, 5), ("table", 1, 6), ("table", 2, 7), ("table", 3, 12),
                  ("table", 4, 12), ("table", 5, 14), ("table", 6, 14), ("table", 7, 14)),
        overview=None,
        results=("table", 1),
        note="No model/method figure (the method is equations only). Reader highlights on most pages and small "
             "orange free-text margin notes (pages 2, 6, 11, 12). Figure 1 (parity task, panels a-c) and "
             "Figure 2 (hyper-parameter sensitivity, box plots) share page 5. Table 1 (bAbI vs. memory "
             "networks, DNC, Universal Transformer) is the headline comparison; Figure 1 is also defensible. "
             "Body lines 'Table 1 reports ...', 'Table 2 reports ...' are not captions.",
    ),
    "pdf-hard/arxiv_2109.08668v1_primer.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 3), ("figure", 3, 4), ("figure", 4, 5), ("figure", 5, 5),
                  ("figure", 6, 7), ("figure", 7, 7), ("figure", 8, 8), ("figure", 9, 8), ("table", 1, 9),
                  ("figure", 10, 9), ("figure", 11, 10), ("table", 2, 15), ("figure", 12, 17), ("table", 3, 18),
                  ("figure", 13, 19), ("figure", 14, 20), ("figure", 15, 21), ("figure", 16, 21),
                  ("figure", 17, 22), ("figure", 18, 22), ("figure", 19, 23), ("figure", 20, 23),
                  ("figure", 21, 24), ("figure", 22, 24), ("figure", 23, 25), ("figure", 24, 26),
                  ("figure", 25, 27), ("table", 4, 28), ("figure", 26, 29), ("table", 5, 30), ("table", 6, 31),
                  ("figure", 27, 32), ("table", 7, 33), ("table", 8, 34)),
        overview=("figure", 4),
        results=("figure", 6),
        note="Reader highlights (yellow/green/pink/orange) on most pages, also inside captions, and free-text "
             "notes (pages 4, 6). PDFium joins Figure 1's caption to the figure's last label line ('... "
             "subprogram bank. Figure 1: Overview of DNAs ...'). Figure 1 is the search-space overview (DNA -> "
             "subprogram -> TF code); Figure 4 (the two modifications: multi-DConv-head attention and squared "
             "ReLU, with pseudo-code) is the Primer architecture a reader pastes. Results are plots: Figure 6 "
             "(speedup factor on the search task, three bar charts under one caption) is the first headline "
             "comparison; Figures 7 and 9 (scaling, transfer to C4/PG19) also defensible. Figure 8 (page 8) and "
             "Table 1 (page 9) are narrow floats at the right, wrapped by body text. Figures 13-25 are program "
             "listings/graphs.",
    ),
    "pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("figure", 2, 4), ("table", 1, 5), ("figure", 3, 6), ("figure", 4, 7),
                  ("figure", 5, 8), ("figure", 6, 9), ("figure", 7, 9), ("figure", 8, 11), ("table", 2, 17),
                  ("figure", 9, 18), ("figure", 10, 18), ("figure", 11, 19)),
        overview=("figure", 3),
        results=("figure", 11),
        note="Proceedings of the IEEE, two columns, captions 'Fig. N.' and 'Table N' (no colon; table captions "
             "above the tables). Page 18: PDFium joins Fig. 9's caption (bottom of the left column) to the body "
             "line beside it in the right column ('... comparable with other top Fig. 9. DET curve ...'). Body "
             "lines 'Fig. 3. The motivation of score fusion' (page 7), 'Fig. 7, all the F phonotactic', 'Fig. 9 "
             "shows', 'Fig. 10 shows', 'Table 2, which summarizes' are not captions. Fig. 3 (general scheme of "
             "acoustic-phonetic and phonotactic recognition) is the overview; a tutorial, so results are the "
             "NIST LRE 2011 evaluation: Fig. 11 (bar chart of subsystems and fusion), Fig. 9 (DET) also defensible.",
    ),
    "pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("table", 1, 6), ("table", 2, 7), ("table", 3, 8), ("table", 4, 8)),
        overview=("figure", 1),
        results=("table", 1),
        note="One-column NeurIPS camera-ready, no stamp. Table 1 (low-resource Librispeech WER) is the headline; "
             "Table 2 (960 h) also defensible. Body lines 'Table 2 shows', 'Table 4 shows' are not captions.",
    ),
    "corpus/arxiv_1701.06538v1_sparsely_gated_moe.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 6), ("table", 1, 7), ("figure", 3, 7), ("table", 2, 8),
                  ("table", 3, 8), ("table", 4, 8), ("table", 5, 9), ("table", 6, 13), ("table", 7, 15),
                  ("table", 8, 16), ("figure", 4, 18), ("table", 9, 18)),
        overview=("figure", 1),
        results=("table", 1),
        note="One-column ICLR-style; reader highlights on most pages (also over Figure 1's caption). Table "
             "captions are above their tables, figure captions below. Figure 1 (MoE layer inside a recurrent "
             "LM) is the overview. Figure 2 is two plots under one caption. Table 1 (MoE models vs. the best "
             "published 1B-Word LM result) is the first headline comparison; Table 2 (WMT'14 En-Fr) also "
             "defensible. Page 8 stacks Tables 2-4. Body lines 'Table 1 compares ...', 'Table 7. The larger "
             "...', 'Table 8. Perplexity ...' are not captions.",
    ),
    "corpus/arxiv_1804.04235v1_adafactor.pdf": FigureTruth(
        captions=(("table", 1, 4), ("figure", 1, 5), ("table", 2, 7), ("table", 3, 7)),
        overview=None,
        results=("table", 2),
        note="Two-column ICML; reader highlights (and an underline on page 6). No method figure: the method is "
             "given as 'Algorithm N' pseudo-code boxes (Algorithms 1-6, not figures or tables). Page 4: Table 1 "
             "(caption above, top of the right column) is joined by PDFium to the left column's body line "
             "('... estimator is based on gra-Table 1. BLEU scores ...'). Table 2 (all optimizer variants, "
             "BLEU, full width) is the main result. Body lines 'Table 1, first result column.', 'Table 2 lines "
             "(A) vs. ...' are not captions.",
    ),
    "corpus/arxiv_2006.16668v1_gshard.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 4), ("figure", 3, 5), ("figure", 4, 12), ("figure", 5, 13),
                  ("figure", 6, 16), ("table", 1, 17), ("table", 2, 19), ("table", 3, 19), ("figure", 7, 20),
                  ("figure", 8, 21), ("table", 4, 22), ("figure", 9, 23), ("figure", 10, 32), ("figure", 11, 33),
                  ("figure", 12, 33), ("figure", 13, 34)),
        overview=("figure", 3),
        results=("figure", 6),
        note="One-column; reader highlights on pages 1-5 (also over captions of Figures 1 and 3). Figure 3 "
             "(Transformer encoder scaled with MoE layers, three panels) is the architecture; Figure 1 "
             "(quality gain vs. model size) is a teaser plot. Figure 6 (per-language BLEU curves of the MoE "
             "family) holds a plot and a small table under one caption and is the headline result; Table 3 "
             "also defensible. Table 2 on page 19 is a narrow float at the right wrapped by text. Body lines "
             "'Figure 8 shows ...', 'Figure 8. These are ...', 'Figure 12 describes ...', 'Figure 13. Whatever "
             "...' are not captions.",
    ),
    "corpus/arxiv_2012.12877v2_deit.pdf": FigureTruth(
        captions=(("figure", 1, 2), ("figure", 2, 7), ("table", 1, 9), ("table", 2, 9), ("table", 3, 10),
                  ("table", 4, 11), ("table", 5, 12), ("figure", 3, 13), ("table", 6, 14), ("table", 7, 14),
                  ("table", 8, 15), ("table", 9, 16), ("table", 10, 17)),
        overview=("figure", 2),
        results=("table", 5),
        note="One narrow column with wide margins; reader highlights on pages 1-6 (also inside Figure 1's "
             "caption). Figure 2 (class, patch and distillation tokens) is the method figure. Table 5 "
             "(throughput and accuracy vs. convnets and ViT, a tall table filling page 12) is the headline "
             "comparison; Figure 1 (throughput/accuracy plot on page 2) shows the same and is also "
             "defensible. Body lines 'Figure 2. We add a new token ...', 'Table 5 reports ...', 'Table 9 "
             "indicates ...' are not captions.",
    ),
    "corpus/arxiv_2101.03961v3_switch_transformer.pdf": FigureTruth(
        captions=(("figure", 1, 3), ("figure", 2, 5), ("figure", 3, 6), ("table", 1, 9), ("table", 2, 10),
                  ("table", 3, 10), ("table", 4, 11), ("figure", 4, 12), ("figure", 5, 13), ("figure", 6, 14),
                  ("table", 5, 16), ("table", 6, 17), ("table", 7, 18), ("table", 8, 18), ("figure", 7, 19),
                  ("figure", 8, 19), ("figure", 9, 21), ("table", 9, 23), ("figure", 10, 28), ("table", 10, 28),
                  ("figure", 11, 30), ("table", 11, 30), ("figure", 12, 31), ("figure", 13, 32),
                  ("figure", 14, 33), ("figure", 15, 34), ("figure", 16, 35)),
        overview=("figure", 2),
        results=("table", 1),
        note="JMLR one-column, 40 pages; reader highlights on pages 1 and 3-11 (also over Figure 2's caption and "
             "Table 1's). Captions have hanging indents. Figure 2 (Switch encoder block, router to FFN "
             "experts) is the overview. Table 1 (Switch vs. MoE vs. T5, head-to-head) is the headline "
             "comparison; the scaling plots Figure 1 (page 3) and Figure 4 (page 12, the same two plots) are "
             "also defensible. Figures 14-16 are pseudo-code listings. Body lines 'Figure 4 demonstrates ...', "
             "'Table 6, we distill ...', 'Table 10 records ...' are not captions.",
    ),
}
# COMPLETE
