"""Every cache key paperflow computes, in one place: what makes two pieces of work the same.

- `llm_summary`: an LLM summary (output/summaries/): the paper and version, the text read, the prompts
  and answer schema, the model, endpoint and settings that change the answer, the style examples, the caption
  list the answer's picks are made from;
- `extractive_summary`: an extractive draft: the paper, its text and the language;
- `summary_file`: where a summary with that key is cached;
- `download`, `extract`: the Prefect task caches of the flows (a PDF per paper version or local file; a
  text per PDF file state, paper and extraction settings). A summary task shares the summary's key.

(The extracted text itself is cached by the PDF's content hash in paperflow.text.extract.)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from paperflow.layout import OutputLayout
from paperflow.models import Paper
from paperflow.settings import Settings
from paperflow.summary.prompt_set import prompt_hash

SUMMARY_FORMAT = 1  # bump when a cached summary can no longer be read as is


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def llm_summary(paper: Paper, text: str, settings: Settings, examples: Sequence[str],
                captions: Sequence[str] = ()) -> str:
    """Hash of everything that changes the LLM's answer: paper, its text, prompts, model, settings, examples,
    and the caption list its picks are made from (summarize.caption_list: the prompt shows it)."""
    llm = settings.llm
    parts = {
        "format": SUMMARY_FORMAT,
        "paper": paper.arxiv_id or "",
        "version": paper.version,
        "text": sha256(text),  # also stands for a local PDF's content and the extraction settings
        "prompts": prompt_hash(settings),
        "language": settings.log.language,
        "endpoint": llm.base_url,
        "model": llm.model,
        "temperature": llm.temperature,
        "max_output_tokens": llm.max_output_tokens,
        "examples": sha256("\0".join(examples)),
        "captions": sha256("\0".join(captions)),
    }
    return sha256(json.dumps(parts, sort_keys=True, default=str))


EXTRACTIVE_DRAFTER = 3  # bump when summary/extractive.py picks other sentences, so cached drafts are redone


def extractive_summary(paper: Paper, text_sha256: str, settings: Settings) -> str:
    """An extractive draft depends on the paper, its text and the language (its date is the paper's own, never the
    day it is drafted: the month of the run is no part of it)."""
    parts = ["extractive", str(EXTRACTIVE_DRAFTER), paper.key, paper.versioned_id or "", text_sha256,
             settings.log.language]
    return sha256("\0".join(parts))


def summary_file(settings: Settings, paper: Paper, key: str, *, extractive: bool = False) -> Path:
    """output/summaries/<paper>[-extractive]-<key>.json"""
    stem = paper.versioned_id or f"local-{sha256(str(paper.local_pdf or paper.title))[:12]}"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
    return OutputLayout.of(settings).summaries / f"{stem}{'-extractive' if extractive else ''}-{key[:16]}.json"


def summary_files_of(settings: Settings, arxiv_key: str) -> list[Path]:
    """The summary files `summary_file` wrote for an arXiv id (any version, LLM or extractive), newest first."""
    folder = OutputLayout.of(settings).summaries
    if not folder.is_dir():
        return []
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", arxiv_key)
    found = [*folder.glob(f"{stem}v*.json"), *folder.glob(f"{stem}-*.json")]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def download(paper: Paper) -> str:
    """A PDF per arXiv version, or per local file path."""
    if paper.local_pdf:
        return "download-local-" + sha256(str(paper.local_pdf))[:32]
    return f"download-{(paper.versioned_id or paper.key).replace('/', '_')}"


def extract(paper: Paper, pdf: Path, settings: Settings) -> str:
    """A text per PDF file (path, size, modification time), paper and extraction settings."""
    stat = Path(pdf).stat()
    ident = "|".join([str(Path(pdf).resolve()), str(stat.st_size), str(stat.st_mtime_ns), paper.model_dump_json(),
                      settings.extract.model_dump_json()])
    return "extract-" + sha256(ident)[:40]
