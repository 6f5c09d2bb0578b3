"""What the real papers in ../shared/data/pdf and pdf-hard are, read by a person from the PDFs and their arXiv
pages: printed title, arXiv id and title, affiliations printed on the first page. Used by the extraction tests
and benchmarks/extract.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Truth:
    printed_title: str
    arxiv_id: str | None = None  # with version, as the file's stamp says (None: no stamp on this copy)
    arxiv_title: str | None = None
    affiliations: tuple[str, ...] = field(default_factory=tuple)  # each must be found (as written)
    # Issue 18: what a reader names. `organisations`: every organisation of the paper as a reader would name it
    # (short forms as written: "Google Research", "DeepSeek-AI", "Meta"), the lead one (first author's, or the
    # team's) first; an extracted organisation must match one of these or of `also_right` (department names and
    # other printed forms that are not wrong). `published`: "YYYY.M" of this copy: the stamp's date, else the
    # date printed in the paper, else None. `arxiv_of_copy`: the arXiv id (no version) a stamp-less copy is the
    # same paper as. `sections`: core kind -> the printed heading of that section as it appears ("3 Method",
    # "4 Experiments"); "abstract" is "Abstract" even when unlabelled; a core kind the paper truly lacks is absent.
    organisations: tuple[str, ...] = field(default_factory=tuple)
    also_right: tuple[str, ...] = field(default_factory=tuple)
    published: str | None = None
    arxiv_of_copy: str | None = None
    sections: dict[str, str] = field(default_factory=dict)


PAPERS: dict[str, Truth] = {
    "pdf/arxiv_1111.2011v2_quantum_criticality_bethe.pdf": Truth(
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit", "1111.2011v2",
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
        ("Johns Hopkins University", "University of Vermont")),
    "pdf/arxiv_1406.2661v1_gan.pdf": Truth(
        "Generative Adversarial Nets", "1406.2661v1", "Generative Adversarial Networks", ("Universite de Montreal",)),
    "pdf/arxiv_1512.03385v1_resnet.pdf": Truth(
        "Deep Residual Learning for Image Recognition", "1512.03385v1", "Deep Residual Learning for Image Recognition",
        ("Microsoft Research",)),
    "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf": Truth(
        "Attention Is All You Need", "1706.03762v5", "Attention Is All You Need",
        ("Google Brain", "Google Research", "University of Toronto")),
    "pdf/arxiv_1810.04805v2_bert.pdf": Truth(
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", "1810.04805v2",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", ("Google AI Language",)),
    "pdf/arxiv_1904.05862v4_wav2vec.pdf": Truth(
        "wav2vec: Unsupervised Pre-training for Speech Recognition", "1904.05862v4",
        "wav2vec: Unsupervised Pre-training for Speech Recognition", ("Facebook AI Research",)),
    "pdf/arxiv_2010.11929v2_vit.pdf": Truth(
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale", "2010.11929v2",
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale", ("Google Research",)),
    "pdf/arxiv_2203.00274v2_tableformer.pdf": Truth(
        "TableFormer: Robust Transformer Modeling for Table-Text Encoding", "2203.00274v2",
        "TableFormer: Robust Transformer Modeling for Table-Text Encoding",
        ("Georgia Institute of Technology", "Google Assistant")),
    "pdf/arxiv_2501.10120v1_pasa.pdf": Truth(
        "PaSa: An LLM Agent for Comprehensive Academic Paper Search", "2501.10120v1",
        "PaSa: An LLM Agent for Comprehensive Academic Paper Search", ("ByteDance Research", "Peking University")),
    "pdf-hard/arxiv_2107.05407v1_pondernet.pdf": Truth(
        "PonderNet: Learning to Ponder", "2107.05407v1", "PonderNet: Learning to Ponder", ("DeepMind",)),
    "pdf-hard/arxiv_2109.08668v1_primer.pdf": Truth(
        "Primer: Searching for Efficient Transformers for Language Modeling", "2109.08668v1",
        "Primer: Searching for Efficient Transformers for Language Modeling", ("Google Research",)),
    "pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf": Truth(
        # affiliations in the first page's footnote: "H. Li is with the Institute for Infocomm Research, …"
        "Spoken Language Recognition: From Fundamentals to Practice", None, None,
        ("Institute for Infocomm Research", "University of New South Wales")),
    "pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf": Truth(
        "wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations", None,
        "wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations", ("Facebook AI",)),
}
