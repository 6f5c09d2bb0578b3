"""Render a Summary as a log entry through the editable Jinja2 template of the log's layout
(`prompts/entry.md.j2` for the weekly log, `prompts/entry.*.md.j2` for the heading layouts).

Every text field of the summary is escaped first, so whatever a model (or a paper quoted by it)
writes can never open an HTML tag, start a Markdown header, start another 《》 entry, or break out
of its own entry: all line breaks are folded to spaces, so no summary text ever begins a line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

from paperflow.errors import PaperflowError
from paperflow.log.layouts import WEEKLY, Layout
from paperflow.log.weekly_log import DraftEntry, parse_log
from paperflow.models import DraftedBy, Picture, PictureKind, Summary
from paperflow.settings import Settings

ENTRY_TEMPLATE_NAME = "entry.md.j2"

# Labels as the person writes them: 背景 takes a colon, the others a comma (see the format document).
_ZH_LABEL_PUNCT = {"背景": "："}
_EN_LABELS = {"背景": "Background", "数据": "Data", "模型": "Model", "实验结果": "Results", "其他": "Other"}
# The label line the person writes above a picture (the format document, "Pictures from the paper").
PICTURE_LABELS = {
    "zh": {PictureKind.ARCHITECTURE: "模型结构：", PictureKind.RESULTS: "实验结果："},
    "en": {PictureKind.ARCHITECTURE: "Architecture:", PictureKind.RESULTS: "Results:"},
}

# Characters that end a line somewhere: \n, \r, VT, FF, FS/GS/RS, NEL, LS, PS.
_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
# C0 and C1 control characters, and the bidi embeddings, overrides and isolates that make a line
# display differently from what it says (U+202A-202E, U+2066-2069).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class EntryError(PaperflowError):
    """The entry cannot be rendered: a broken template, or a summary that escapes to nothing."""


def escape_text(text: str) -> str:
    """One line of inert Markdown: no line breaks, no control characters, no HTML tags."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def no_mentions(text: str) -> str:
    """Outside text in a pull request or report without @mentions or #references pinging anyone."""
    return text.replace("@", "@\u200b").replace("#", "#\u200b") if text else text


def code_fence(text: str) -> str:
    """A backtick fence longer than any backtick run in `text` (at least three), so the text cannot close it."""
    return "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))


def escape_title(text: str) -> str:
    """A title that cannot close its 《》 early or open another one."""
    return escape_text(text).replace("《", "〈").replace("》", "〉")


def _escaped(summary: Summary) -> Summary:
    # Not re-validated: a valid summary whose field is only spaces or line breaks escapes to "",
    # which must render (visibly empty, for the reviewer) rather than fail the whole paper.
    return summary.model_copy(
        update={
            "title": escape_title(summary.title),
            "topic": escape_text(summary.topic),
            "verdict": escape_text(summary.verdict),
            "organisations": [escape_text(o) for o in summary.organisations if escape_text(o)],
            "keywords": [escape_text(k) for k in summary.keywords],
            "points": [p.model_copy(update={"text": escape_text(p.text)}) for p in summary.points],
        }
    )


def join_organisations(orgs: list[str], language: str) -> str:
    if not orgs:
        return ""
    if language == "zh":
        if len(orgs) == 1:
            return orgs[0] + latin_gap(orgs[0][-1])  # "DeepMind 的", "清华的"
        return "、".join(orgs[:-1]) + f"和{orgs[-1]}合作"
    if len(orgs) == 1:
        return orgs[0]
    return ", ".join(orgs[:-1]) + f" and {orgs[-1]}"


def latin_gap(char: str) -> str:
    """The space the person puts between Chinese and a Latin word or number ("研究 sparse MoE", "研究多模态")."""
    return " " if char.isascii() and char.isalnum() else ""


def arxiv_link(summary: Summary) -> str:
    if not summary.arxiv_id:
        return ""
    return f"[arXiv:{summary.arxiv_id}](https://arxiv.org/abs/{summary.arxiv_id})"


@lru_cache(maxsize=8)
def _load_template(path: Path, mtime_ns: int) -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(path.parent)),
        autoescape=False,  # Markdown, not HTML: escaping is done field by field above
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(path.name)


def template_path(prompts_dir: Path, custom: Path | None = None, layout: Layout | None = None) -> Path:
    """The entry template: the person's own (`log.entry_template`) whatever the layout, else the layout's."""
    if custom:
        return custom
    return prompts_dir / (layout.template_name if layout is not None else ENTRY_TEMPLATE_NAME)


def picture_context(pictures: Sequence[Picture], language: str) -> list[dict[str, object]]:
    """What a template gets of each picture: its label line in the log's language, src, width, height, and the
    paper's caption and page (escaped, for templates that want them). An overview always comes before results."""
    labels = PICTURE_LABELS["zh" if language == "zh" else "en"]
    ordered = sorted(pictures, key=lambda p: p.kind != PictureKind.ARCHITECTURE)
    return [{"label": labels[p.kind], "kind": p.kind.value, "src": escape_text(p.src).replace(" ", "%20"),
             "width": p.width, "height": p.height, "caption": escape_text(p.caption), "page": p.page,
             "number": p.number, "source_kind": p.source_kind} for p in ordered]


def render_entry(summary: Summary, template: Path, language: str = "zh",
                 pictures: Sequence[Picture] = (), layout: Layout | None = None) -> str:
    """The entry text, ending in exactly one newline, with "\\n" line endings; `pictures` (cropped from the
    paper, already written beside the log) go where the template puts them (after the points and verdict in
    the weekly log, as the person pastes them). `layout` gives heading templates their heading level.

    The log engine converts line endings to the file's own when it inserts the text.
    """
    safe = _escaped(summary)
    if not safe.title:
        raise EntryError("the title is empty once control characters are removed", paper=summary.key, stage="entry")

    def label(name: str) -> str:
        if language == "zh":
            return f"{name}{_ZH_LABEL_PUNCT.get(name, '，')}"
        return f"{_EN_LABELS.get(name, name)}: "

    try:
        text = _load_template(template, template.stat().st_mtime_ns).render(
            s=safe,
            link=arxiv_link(safe),
            orgs=join_organisations(safe.organisations, language),
            language=language,
            extractive=summary.drafted_by == DraftedBy.EXTRACTIVE,
            label=label,
            latin_gap=latin_gap,
            pictures=picture_context(pictures, language),
            heading=(layout or WEEKLY).heading or "#",
            part_heading=((layout or WEEKLY).heading or "#") + "#",
            year=safe.published.split(".", 1)[0],  # "" when the paper's date is unknown
        )
    except jinja2.TemplateSyntaxError as exc:
        raise EntryError(f"entry template {template} line {exc.lineno}: {exc.message}", stage="entry") from None
    except jinja2.TemplateError as exc:
        raise EntryError(f"entry template {template}: {exc}", stage="entry") from None
    except OSError as exc:
        raise EntryError(f"entry template {template}: {exc.strerror or exc}", stage="entry") from None
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    # Collapse runs of blank lines a template edit may leave, and trim the ends.
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _layout_of(path: Path | None, setting: str) -> Layout:
    """The layout of the configured log (the weekly one when there is none, or it cannot be read or recognised)."""
    if path is None:
        return WEEKLY
    try:
        stat = path.expanduser().stat()
    except OSError:
        return WEEKLY
    return _recognised(path.expanduser(), stat.st_mtime_ns, stat.st_size, setting)


@lru_cache(maxsize=8)
def _recognised(path: Path, mtime_ns: int, size: int, setting: str) -> Layout:
    try:
        data = path.read_bytes()
    except OSError:
        return WEEKLY
    return parse_log(data, setting).layout or WEEKLY  # type: ignore[arg-type]


def draft_entry(summary: Summary, settings: Settings, pictures: Sequence[Picture] = (),
                layout: Layout | None = None) -> DraftEntry:
    """The summary as a log entry ready for insert_entries: rendered through the entry template of `layout`
    (the log's, when known; else the one set by hand in `[log] layout`, else that of the `[log] path` file) in the log's
    language, with its pictures. The entry renders itself again when the log it is inserted into turns out
    to be in another layout. The one Summary -> entry step of the CLI, the flows and review."""
    configured = settings.log.layout
    chosen = layout or (configured if isinstance(configured, Layout) else _layout_of(settings.log.path, configured))

    def render(target: Layout) -> str:
        template = template_path(settings.prompts_path(), settings.log.entry_template, target)
        return render_entry(summary, template, settings.log.language, pictures, target)

    return DraftEntry(title=summary.title, text=render(chosen), layout=chosen, render=render)
