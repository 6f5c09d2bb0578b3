"""Summarize one paper: render the prompt templates, ask the LLM for structured JSON, validate it,
re-ask on invalid output, check the numbers, cache the result.

The prompts are Jinja2 files in the prompts folder (`system.<lang>.md.j2`, `user.<lang>.md.j2`,
`repair.<lang>.md.j2`); their bytes and the answer schema make up the prompt hash, which is part of
the cache key with the paper (id + version, or PDF text), the model, the endpoint, the settings that
change the answer and the style examples. A cached summary costs nothing on a re-run.

Paper text is data. Every piece of it (metadata, text, the person's example entries) sits between
two markers made of a random nonce that the data does not contain, so nothing in a paper can close
the fence; the system prompt says the fenced part holds no instructions; the answer is only ever
parsed as JSON into `SummaryContent` (no extra fields), and the title, id and version of the
summary come from the paper's metadata, never from the model. A paper that says "ignore previous
instructions" can at worst change the words of its own summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import jinja2
from pydantic import BaseModel, ValidationError

from paperflow import cache_keys
from paperflow.errors import PaperflowError
from paperflow.summary.llm import Completion, LLMClient, cost_of
from paperflow.models import POINT_LABELS, DraftedBy, Paper, Summary, SummaryContent
from paperflow.summary.evidence import EvidenceIndex, support_for
from paperflow.summary.numbers import unsupported_numbers
from paperflow.settings import Settings
from paperflow.summary.prompt_set import (  # noqa: F401 - part of this module's interface
    EXTRACTIVE_PROMPT,
    PROMPT_NAMES,
    VERDICT_OPENING,
    PromptError,
    SummarizeError,
    field_limits,
    llm_schema,
    prompt_hash,
    prompt_paths,
    prompt_version,
    read_template,
)

STAGE = "summarize"
SCHEMA_NAME = "paper_summary"
_ECHO_MAX_CHARS = 20_000  # of an invalid answer, quoted back to the model with the re-ask


class CallBudget(Protocol):
    """What summarize needs of the night's LLM budget (paperflow.sources.budget.NightBudget): each call
    reserved from its estimate before it is made (raising when it would cross a cap), then settled."""

    def reserve_call(self, messages: Sequence[dict[str, str]], max_output_tokens: int) -> Any: ...

    def settle(self, reservation: Any, input_tokens: int, output_tokens: int) -> None: ...

    def release(self, reservation: Any) -> None: ...


class CoverageLike(Protocol):
    def describe(self) -> str: ...


class SelectedLike(Protocol):
    """What summarize needs of paperflow.text.extract.SelectedInput."""

    text: str
    coverage: CoverageLike


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    fence_open: str
    fence_close: str

    def messages(self) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


class SummaryResult(BaseModel):
    """A summary and what it cost *this run* (0 tokens and cost when it came from the cache)."""

    summary: Summary
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    cached: bool = False
    llm_seconds: float = 0.0
    attempts: int = 0
    response_format: str | None = None
    path: Path | None = None


# ---------------------------------------------------------------------------------- prompts


@lru_cache(maxsize=32)
def _compile(source: str, name: str) -> jinja2.Template:
    env = jinja2.Environment(
        autoescape=False,  # plain text for a model, not HTML
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise PromptError(f"prompt template {name} line {exc.lineno}: {exc.message}", stage=STAGE) from None


def _render(path: Path, **variables: Any) -> str:
    template = _compile(read_template(path), str(path))
    try:
        return template.render(**variables).strip() + "\n"
    except jinja2.TemplateError as exc:
        raise PromptError(f"prompt template {path}: {exc}", stage=STAGE) from None


def _fence(data: Sequence[str], nonce: str | None) -> tuple[str, str]:
    # A nonce the data does not contain: no text in the paper can write the closing marker.
    while True:
        token = nonce or secrets.token_hex(12)
        if not any(token in piece for piece in data):
            return f"<<<DATA {token}>>>", f"<<<END DATA {token}>>>"
        if nonce:
            raise PromptError("the fence nonce occurs in the paper text", stage=STAGE)


def _fenced_parts(text: str, fence_open: str, fence_close: str) -> list[str]:
    parts: list[str] = []
    position = 0
    while (start := text.find(fence_open, position)) != -1:
        end = text.find(fence_close, start)
        if end == -1:
            break
        parts.append(text[start + len(fence_open) : end])
        position = end + len(fence_close)
    return parts


def paper_metadata(paper: Paper) -> dict[str, Any]:
    """The paper's metadata as the templates see it."""
    published = paper.published or paper.updated
    return {
        "title": paper.title,
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "authors": list(paper.authors),
        "affiliations": list(paper.affiliations),
        "email_domains": list(paper.email_domains),
        "published": f"{published.year}.{published.month}" if published else None,
        "categories": list(paper.categories),
        "comment": paper.comment,
        "abstract": paper.abstract,
    }


def render_prompt(
    paper: Paper,
    text: str,
    coverage: str,
    settings: Settings,
    examples: Sequence[str] = (),
    *,
    nonce: str | None = None,
    missing: Sequence[str] = (),
    captions: Sequence[str] = (),
) -> Prompt:
    """The system and user prompts for one paper.

    Raises PromptError when a template is missing or broken, or when the user template leaves any
    piece of data (title, abstract, text, an example) outside the fence.
    """
    paths = prompt_paths(settings)
    metadata = paper_metadata(paper)
    data = [text, *examples, *(str(v) for v in metadata.values() if v), *paper.authors, *paper.affiliations,
            *captions]
    fence_open, fence_close = _fence(data, nonce)
    common = {"fence_open": fence_open, "fence_close": fence_close, "labels": list(POINT_LABELS),
              "language": settings.log.language}
    schema = json.dumps(llm_schema(settings.log.language, settings.llm.max_output_tokens), ensure_ascii=False)
    system = _render(paths["system"], schema=schema, **common)
    user = _render(paths["user"], paper=metadata, text=text, coverage=coverage, examples=list(examples),
                   missing=[m.replace("_", " ") for m in missing], captions=list(captions), **common)
    inside = "\n".join(_fenced_parts(user, fence_open, fence_close))
    for piece in [text, paper.title, paper.abstract, *examples, *captions]:
        if piece.strip() and piece.strip() not in inside:
            raise PromptError(
                f"{paths['user']} must place the paper's metadata, text and the examples between "
                "{{ fence_open }} and {{ fence_close }}",
                stage=STAGE,
            )
    return Prompt(system=system, user=user, fence_open=fence_open, fence_close=fence_close)


# ------------------------------------------------------------------------------ the pictures' picks


CAPTION_OPENING = 200  # characters of each caption the prompt lists


def caption_list(floats: Sequence[Any]) -> list[str]:
    """One line per figure and table for the prompt: "figure 3 (page 4): Figure 3: The model ..."."""
    return [f"{f.kind} {f.number} (page {f.page}): {' '.join(f.caption.split())[:CAPTION_OPENING]}" for f in floats]


def check_picks(content: SummaryContent, floats: Sequence[Any]) -> None:
    """Raises ValueError (a re-ask) when the answer's picks name a figure or table the paper does not list, or a
    table as the model/method overview (an overview is a figure: the prompt asks for "the figure showing" it)."""
    if content.picks is None:
        return
    listed = {f"{f.kind} {f.number}" for f in floats}
    for name in ("architecture", "results"):
        value = getattr(content.picks, name)
        if value and value not in listed:
            shown = ", ".join(sorted(listed)[:40]) or "none"
            raise ValueError(f"picks.{name}: {value!r} is not in the list of figures and tables ({shown})")
    if content.picks.architecture and not content.picks.architecture.startswith("figure "):
        raise ValueError(f"picks.architecture: {content.picks.architecture!r} is a table; name the figure showing "
                         "the model or method overview, or leave architecture out")


def render_repair(settings: Settings, error: str) -> str:
    return _render(prompt_paths(settings)["repair"], error=error, language=settings.log.language)


# ---------------------------------------------------------------------------------- parsing


_CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S | re.I)


def parse_answer(content: str, language: str, max_output_tokens: int = 1500) -> SummaryContent:
    """The model's answer as SummaryContent. Raises ValueError with a one-line, model-readable reason.

    The answer is held to the lengths and counts of the schema it was asked for (`llm_schema` with
    the same `max_output_tokens`), whether or not the endpoint enforced that schema."""
    text = content.strip()
    fenced = _CODE_FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    if not text:
        raise ValueError("the answer was empty")
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        raise ValueError("the answer contains no JSON object")
    try:
        data = json.loads(text[start : end + 1], strict=False)  # raw newlines inside strings are fine
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    problems = bounds_problems(data, language, max_output_tokens)
    if problems:
        raise ValueError("; ".join(problems))
    try:
        content_model = SummaryContent.model_validate(data)
    except ValidationError as exc:
        raise ValueError(validation_message(exc)) from None
    opening = VERDICT_OPENING.get(language)
    if opening and not content_model.verdict.startswith(opening):
        raise ValueError(f"verdict: must start with {opening}")
    return content_model


def bounds_problems(data: dict[str, Any], language: str, max_output_tokens: int, limit: int = 5) -> list[str]:
    """Where an answer is longer than its schema allows: maxLength, maxItems and the verdict's length
    (stated in its pattern), as `field: problem`, at most `limit` of them. Checked before pydantic,
    which checks the rest of the shape (required fields, minimum counts), so that a runaway answer is
    refused in one short line."""
    problems: list[str] = []
    _walk_bounds(llm_schema(language, max_output_tokens), data, "", problems)
    opening = VERDICT_OPENING.get(language, "总体上")
    verdict, longest = data.get("verdict"), len(opening) + field_limits(max_output_tokens, language)["verdict"]
    if isinstance(verdict, str) and len(verdict.strip()) > longest:
        problems.append(f"verdict: at most {longest} characters, not {len(verdict.strip()):,}")
    return problems[:limit]


def _walk_bounds(schema: dict[str, Any], value: Any, where: str, problems: list[str]) -> None:
    kind = schema.get("type")
    if kind == "string" and isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        problems.append(f"{where}: at most {schema['maxLength']} characters, not {len(value):,}")
    elif kind == "array" and isinstance(value, list):
        high = schema.get("maxItems", len(value))
        if len(value) > high:
            problems.append(f"{where}: at most {high} items, not {len(value):,}")
        for index, item in enumerate(value[:high]):
            _walk_bounds(schema.get("items", {}), item, f"{where}.{index}", problems)
    elif kind == "object" and isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _walk_bounds(sub, value[key], f"{where}.{key}" if where else key, problems)


def validation_message(exc: ValidationError, limit: int = 5) -> str:
    """A pydantic error as one line: `field: problem; field: problem`."""
    parts = []
    for error in exc.errors()[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "answer"
        message = "unknown field (not allowed)" if error["type"] == "extra_forbidden" else error["msg"]
        parts.append(f"{where}: {message}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


# ------------------------------------------------------------------------------------ cache


def load_cached(path: Path) -> SummaryResult | None:
    """The cached result at `path`, or None when absent or unreadable (then it is redone)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        result = SummaryResult.model_validate(stored["result"])
    except (OSError, ValueError, KeyError, TypeError, ValidationError):
        return None
    return result.model_copy(
        update={"cached": True, "input_tokens": 0, "output_tokens": 0, "cost": 0.0 if result.cost is not None else None,
                "llm_seconds": 0.0, "attempts": 0, "path": path}
    )


def save_summary(path: Path, result: SummaryResult, key: str) -> Path:
    """Write the result as JSON atomically (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": cache_keys.SUMMARY_FORMAT, "cache_key": key, "result": result.model_dump(mode="json", exclude={"path"})}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -------------------------------------------------------------------------------- summarize


def paper_label(paper: Paper) -> str:
    """How a person recognises the paper in a one-line error."""
    if paper.arxiv_id:
        return paper.versioned_id or paper.arxiv_id
    if paper.local_pdf:
        return Path(paper.local_pdf).name
    return paper.title


def build_summary(content: SummaryContent, paper: Paper, *, drafted_by: DraftedBy, model: str | None,
                  local_source: str | None, checked_text: str, evidence: EvidenceIndex | None = None) -> Summary:
    """A Summary: the content from the summarizer, identity from the paper, numbers checked, and with
    `evidence` (the paper's text) each point's and the verdict's quote looked up in the paper."""
    return Summary(
        **content.model_dump(),
        title=paper.title,
        arxiv_id=paper.arxiv_id,
        version=paper.version,
        local_source=None if paper.arxiv_id else local_source,
        drafted_by=drafted_by,
        model=model,
        unsupported_numbers=unsupported_numbers(content, checked_text),
        support=support_for(content, evidence) if evidence is not None else [],
    )


def with_support(result: SummaryResult, evidence: EvidenceIndex | None) -> SummaryResult:
    """A cached result made before its claims were checked gets their support now (milliseconds, no LLM)."""
    if evidence is None or result.summary.support:
        return result
    summary = result.summary.model_copy(update={"support": support_for(result.summary, evidence)})
    return result.model_copy(update={"summary": summary})


def local_source_of(paper: Paper, text: str) -> str:
    """The local_source of a paper without an arXiv id: the PDF's content hash when readable."""
    if paper.local_sha256:
        return paper.local_sha256
    if paper.local_pdf:
        try:
            return hashlib.sha256(Path(paper.local_pdf).read_bytes()).hexdigest()
        except OSError:
            pass
    return cache_keys.sha256(text)


def summarize_paper(
    paper: Paper,
    selected: SelectedLike,
    settings: Settings,
    examples: Sequence[str],
    *,
    client: LLMClient | None = None,
    evidence: EvidenceIndex | None = None,
    budget: CallBudget | None = None,
    floats: Sequence[Any] = (),
) -> SummaryResult:
    """Summarize `paper` from its selected text with the configured LLM (or take it from the cache).
    `floats` (paperflow.text.figures.Float): their captions are listed in the prompt and the answer's `picks`
    must name one of them (else it is re-asked like any invalid field); the text inside them (kept out of the
    paragraphs) is where a number the summary cites is the paper's too.
    With a `budget`, every call (repairs too) is counted against it first: a call that would cross
    the night's cap is not made, and its BudgetExceeded carries `spent` like any other error.

    Returns a SummaryResult whose summary has drafted_by=LLM, with the tokens and cost of every call
    made (repairs included), and, given `evidence` (the whole paper's text), the support of each claim. Raises SummarizeError (invalid answers after llm.max_repairs re-asks,
    broken prompt) or LLMError (endpoint failures after retries); both one line naming the paper and
    stage, and carrying `spent` = (input tokens, output tokens, cost) of the calls already paid for.
    """
    label = paper_label(paper)
    captions = caption_list(floats)
    key = cache_keys.llm_summary(paper, selected.text, settings, examples, captions)
    path = cache_keys.summary_file(settings, paper, key)
    cached = load_cached(path)
    if cached is not None:
        return with_support(cached, evidence)
    try:
        prompt = render_prompt(paper, selected.text, selected.coverage.describe(), settings, examples,
                               missing=[str(k) for k in getattr(selected.coverage, "missing", [])],
                               captions=captions)
    except PromptError as exc:
        raise PromptError(exc.message, paper=label, stage=STAGE) from None
    client = client or LLMClient(settings.llm)
    language = settings.log.language
    schema = llm_schema(language, settings.llm.max_output_tokens)
    messages = prompt.messages()
    spent = _Spent()
    error = ""
    without_picks: tuple[SummaryContent, Completion] | None = None  # a valid answer but for its picks

    def accept(content: SummaryContent, completion: Completion) -> SummaryResult:
        summary = build_summary(
            content, paper, drafted_by=DraftedBy.LLM, model=settings.llm.model,
            local_source=local_source_of(paper, selected.text),
            checked_text="\n".join([paper.title, paper.abstract, selected.text,
                                     "\n".join(f.text for f in floats)]), evidence=evidence,
        )
        result = SummaryResult(
            summary=summary, input_tokens=spent.input_tokens, output_tokens=spent.output_tokens,
            cost=cost_of(settings.llm, settings.llm.model, spent.input_tokens, spent.output_tokens),
            llm_seconds=spent.seconds, attempts=spent.calls, response_format=completion.response_format,
        )
        result.path = save_summary(path, result, key)
        return result

    try:
        for _ in range(settings.llm.max_repairs + 1):
            completion = _counted_call(client, messages, schema, settings, budget)
            spent.add(completion)
            try:
                if completion.finish_reason == "length":
                    raise ValueError(
                        f"the answer was cut off at max_output_tokens={settings.llm.max_output_tokens}; answer shorter"
                    )
                content = parse_answer(completion.content, language, settings.llm.max_output_tokens)
                try:
                    check_picks(content, floats)
                except ValueError:
                    without_picks = (content.model_copy(update={"picks": None}), completion)
                    raise
            except ValueError as exc:
                error = str(exc)
                # A runaway answer (megabytes) is not sent back whole with the re-ask.
                said = completion.content[:_ECHO_MAX_CHARS]
                messages = [*messages, {"role": "assistant", "content": said},
                            {"role": "user", "content": render_repair(settings, error)}]
                continue
            return accept(content, completion)
        if without_picks is not None:
            # Pictures are never a reason to fail: the last answer whose only fault was its picks is kept
            # without them, and the rule chooses the pictures.
            return accept(*without_picks)
    except PaperflowError as exc:
        raise spent.on(type(exc)(exc.message, paper=label, stage=STAGE), settings) from None
    raise spent.on(SummarizeError(
        f"no valid summary after {spent.calls} answers ({settings.llm.max_repairs} re-asks): {error}",
        paper=label, stage=STAGE,
    ), settings)


def _counted_call(client: LLMClient, messages: list[dict[str, str]], schema: dict[str, Any], settings: Settings,
                  budget: CallBudget | None) -> Completion:
    """One chat call, reserved against `budget` (when there is one) before it is made."""
    if budget is None:
        return client.complete(messages, schema, SCHEMA_NAME)
    held = budget.reserve_call(messages, settings.llm.max_output_tokens)
    try:
        completion = client.complete(messages, schema, SCHEMA_NAME)
    except BaseException:
        budget.release(held)
        raise
    budget.settle(held, completion.input_tokens, completion.output_tokens)
    return completion


class _Spent:
    def __init__(self) -> None:
        self.input_tokens = 0
        self.output_tokens = 0
        self.seconds = 0.0
        self.calls = 0

    def on(self, error: PaperflowError, settings: Settings) -> PaperflowError:
        """`error` carrying what was paid for before it: `spent` = (input tokens, output tokens, cost)."""
        cost = cost_of(settings.llm, settings.llm.model, self.input_tokens, self.output_tokens) if self.calls else None
        error.spent = (self.input_tokens, self.output_tokens, cost)  # type: ignore[attr-defined]
        return error

    def add(self, completion: Completion) -> None:
        self.input_tokens += completion.input_tokens
        self.output_tokens += completion.output_tokens
        self.seconds += completion.seconds
        self.calls += 1
