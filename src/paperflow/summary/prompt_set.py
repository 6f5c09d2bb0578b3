"""What an LLM is asked, and its hash: the prompt files of the log's language and the answer schema.

Below both summary.summarize (which renders the prompts and checks the answers) and cache_keys (whose
summary key includes the prompts' hash), so neither imports the other for it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from paperflow.errors import PaperflowError
from paperflow.models import POINT_LABELS
from paperflow.settings import Settings

STAGE = "summarize"
PROMPT_NAMES = ("system", "user", "repair")
VERDICT_OPENING = {"zh": "总体上", "en": "Overall"}
_MAX_ORGS = 4
_JSON_OVERHEAD_TOKENS = 150  # keys, labels, brackets, the date
# field: (share of the character budget, how many of them, lowest and highest limit in characters)
_FIELD_SHARES = {
    "point": (0.36, 5, 20, 600),
    "quote": (0.28, 6, 40, 400),  # five points and the verdict
    "verdict": (0.12, 1, 20, 800),
    "topic": (0.04, 1, 10, 160),
    "keyword": (0.12, 6, 8, 60),
    "organisation": (0.08, _MAX_ORGS, 8, 80),
}
# Quotes are in the paper's language, which is mostly English whatever the log's language is.
_QUOTE_CHARS_PER_TOKEN = 3.0


class SummarizeError(PaperflowError):
    """The paper could not be summarized (invalid answers after all repairs, a broken prompt)."""


class PromptError(SummarizeError):
    """A prompt template is missing, broken, or does not fence the paper's text."""


# ----------------------------------------------------------------------------------- schema


def field_limits(max_output_tokens: int, language: str) -> dict[str, int]:
    """Longest allowed string per field, in characters, so that even an answer that fills every
    field to its limit fits in `max_output_tokens` (counting one token per character for Chinese,
    one per three for English, plus the JSON around it). A model that rambles is cut by the schema
    (a constrained decoder cannot exceed it), not by the token limit in the middle of the JSON."""
    chars_per_token = 1.0 if language == "zh" else 3.0
    tokens = max(0, max_output_tokens - _JSON_OVERHEAD_TOKENS)
    limits = {}
    for name, (share, count, low, high) in _FIELD_SHARES.items():
        rate = _QUOTE_CHARS_PER_TOKEN if name == "quote" else chars_per_token
        limits[name] = int(min(high, max(low, tokens * rate * share / count)))
    return limits


def llm_schema(language: str, max_output_tokens: int = 1500) -> dict[str, Any]:
    """The JSON Schema the model must follow: SummaryContent, tightened so that a constrained decoder
    (llama.cpp grammar) can only produce answers pydantic accepts, and bounded to fit the token limit."""
    opening = VERDICT_OPENING.get(language, "总体上")
    limits = field_limits(max_output_tokens, language)

    def text(limit: int, **extra: Any) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": limit, **extra}

    return {
        "type": "object",
        "properties": {
            "published": {"type": "string", "pattern": r"^([12][0-9]{3}[.](1[0-2]|[1-9]))?$",
                          "description": "year.month, e.g. 2023.12"},
            "organisations": {"type": "array", "items": text(limits["organisation"]), "maxItems": _MAX_ORGS},
            "topic": text(limits["topic"], description="one phrase: what the paper studies"),
            "keywords": {"type": "array", "items": text(limits["keyword"]), "minItems": 3, "maxItems": 6},
            "points": {
                "type": "array",
                "minItems": 3,
                "maxItems": 5,
                "items": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string", "enum": list(POINT_LABELS)},
                        "text": text(limits["point"]),
                        "quote": text(limits["quote"], description="a sentence of the paper supporting the point, "
                                                                  "copied verbatim in the paper's language"),
                    },
                    "required": ["label", "text", "quote"],
                    "additionalProperties": False,
                },
            },
            # llama.cpp's converter wants ^...$ and turns "." into any character, quotes included:
            # spell out "no quote, no backslash" so the grammar can only produce valid JSON.
            "verdict": {"type": "string", "pattern": f'^{opening}[^"\\\\]{{1,{limits["verdict"]}}}$',
                        "description": f"starts with {opening}"},
            "verdict_quote": text(limits["quote"], description="the sentence of the paper's conclusion or "
                                                               "limitations the verdict draws on, copied verbatim"),
            # the pictures: names from the paper's list of figures and tables (optional; checked against it)
            "picks": {
                "type": "object",
                "properties": {
                    "architecture": {"type": "string", "pattern": r"^(figure|table) [0-9]{1,3}$",
                                     "description": "the model/method overview, e.g. figure 2"},
                    "results": {"type": "string", "pattern": r"^(figure|table) [0-9]{1,3}$",
                                "description": "the main results, e.g. table 1"},
                },
                "additionalProperties": False,
            },
        },
        "required": ["published", "organisations", "topic", "keywords", "points", "verdict", "verdict_quote"],
        "additionalProperties": False,
    }


# ---------------------------------------------------------------------------------- prompts


def prompt_paths(settings: Settings) -> dict[str, Path]:
    language = settings.log.language
    folder = settings.prompts_path()
    return {name: folder / f"{name}.{language}.md.j2" for name in PROMPT_NAMES}


def prompt_hash(settings: Settings) -> str:
    """sha256 of the prompt files of the log's language and of the answer schema."""
    digest = hashlib.sha256()
    for name, path in prompt_paths(settings).items():
        digest.update(name.encode() + b"\0" + read_template(path).encode() + b"\0")
    schema = llm_schema(settings.log.language, settings.llm.max_output_tokens)
    digest.update(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


EXTRACTIVE_PROMPT = "extractive"  # the prompt version of a draft written without an LLM


def prompt_version(settings: Settings) -> str:
    """A short name of the prompts in use (their hash, schema included), kept with each draft so that
    `paperflow stats` shows what a prompt edit changed."""
    return prompt_hash(settings)[:10]


def read_template(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"prompt template {path} does not exist", stage=STAGE) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"cannot read prompt template {path}: {exc}", stage=STAGE) from None
