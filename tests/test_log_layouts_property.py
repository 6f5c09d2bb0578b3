"""Property: for random heading logs and hostile entries, an insert only adds lines, where the layout says.

The logs are built from parts (a document title, YAML front matter, a pending-list heading, topic sections,
entries at one heading level with parts below it and text, code blocks holding lines that look like headings),
with random line endings, a BOM and no final newline. The entries are rendered by the real templates from
summaries whose text tries to break out (line breaks, headings, HTML, 《》).
"""

from __future__ import annotations

import difflib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperflow.log.entry import draft_entry
from paperflow.log.weekly_log import normalize_title, parse_log, plan_insert
from paperflow.models import POINT_LABELS, Summary
from paperflow.settings import Settings
from datetime import date

WORDS = st.text(alphabet="abcdefgh XYZ模型数据-:,'0123", min_size=1, max_size=14)
HOSTILE = st.text(alphabet="ab 字\n\r#<>《》*_`()\u2028-", min_size=1, max_size=20)
SETTINGS = Settings()
DAY = date(2026, 12, 2)


@st.composite
def heading_logs(draw):
    """(file bytes, entry level, titles of the entries, names of the topics that hold entries).

    At least two entries, and two topics when there are topics: one heading alone reads as the document's
    title (see paperflow.log.headings), which is what a file of one heading with text most often is."""
    counter = iter(range(10_000))
    level = draw(st.integers(1, 4))
    year_org = level > 1 and draw(st.booleans())
    topics = level > 1 and draw(st.booleans())
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["---", "title: notes", "# not a heading: front matter", "---", ""]
    if level > 1 and not topics and draw(st.booleans()):
        lines += ["#" * (level - 1) + " My paper notes", ""]  # the document's title
    if draw(st.booleans()):
        lines += ["## pending list", "", "- [ ] " + draw(WORDS), ""]
    titles, topic_names = [], []
    for t in range(draw(st.integers(2, 3)) if topics else 1):
        if topics:
            name = " ".join(f"T{t} {draw(WORDS)}".split())
            topic_names.append(name)
            lines += ["#" * (level - 1) + " " + name, ""]
        for _ in range(draw(st.integers(1 if topics else 2, 3))):
            title = " ".join(f"E{next(counter)}Z {draw(WORDS)}".split())  # spacing as a title is read
            titles.append(title)
            shown = f"({draw(st.integers(2015, 2025))} Org{next(counter)}) {title}" if year_org else title
            lines += ["#" * level + " " + shown, "", "note " + draw(WORDS)]
            if level < 6 and draw(st.booleans()):
                lines += ["", "#" * (level + 1) + " Model: " + draw(WORDS), "", "* point"]
            if draw(st.booleans()):
                lines += ["", "```", "#" * level + " not an entry, in a code block", "```"]
            lines += [""] * draw(st.integers(0, 2))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    data = text.encode()
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, level, titles, topic_names


def summary(title: str, text: str) -> Summary:
    text = "t" + text
    return Summary(title=title, arxiv_id="2401.04088", published="2024.1", organisations=[text, "Google"],
                   topic=text, keywords=["moe", "x" + text, "scaling"],
                   points=[{"label": label, "text": text} for label in POINT_LABELS[:4]], verdict="总体上，" + text)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(heading_logs(), st.lists(HOSTILE, min_size=1, max_size=3), st.booleans())
def test_an_insert_into_a_heading_log_only_adds_its_entries(case, texts, duplicate):
    data, level, titles, topic_names = case
    before = parse_log(data)
    assert before.layout is not None and before.layout.entries == level
    assert [e.title for e in before.entries] == titles
    assert [t.name for t in before.topics] == topic_names
    fresh = [f"N{i}Z {text}" for i, text in enumerate(texts)]
    entries = [draft_entry(summary(title, text), SETTINGS) for title, text in zip(fresh, texts, strict=True)]
    if duplicate:
        entries.append(draft_entry(summary(titles[0].upper(), "dup"), SETTINGS))

    new, result = plan_insert(data, entries, DAY)

    assert result.inserted == fresh and result.skipped == ([titles[0].upper()] if duplicate else [])
    # Only insertions: every line of the file is still there, in order, byte for byte. A BOM stays the file's
    # first bytes (an entry inserted on top goes after it), so the lines are compared without it.
    bom = b"\xef\xbb\xbf"
    assert new.startswith(bom) == data.startswith(bom)
    old_lines, new_lines = data.removeprefix(bom).split(b"\n"), new.removeprefix(bom).split(b"\n")
    ops = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    changed = [(tag, old_lines[i1:i2]) for tag, i1, i2, _, _ in ops if tag != "equal"]
    for tag, old in changed:
        # The one allowed change of an old line: the last one, without an ending, gets the file's own.
        assert tag == "insert" or (tag == "replace" and old == [old_lines[-1]] and not data.endswith(b"\n")), ops
    after = parse_log(new)
    assert after.layout == before.layout
    assert len(after.entries) == len(titles) + len(fresh)
    assert {normalize_title(t) for t in fresh} <= after.titles
    old_titles = [e.title for e in after.entries if normalize_title(e.title) in {normalize_title(t) for t in titles}]
    assert old_titles == titles
    if topic_names:
        assert all(e.topic in topic_names for e in after.entries)
    # A second identical insert changes nothing.
    again, second = plan_insert(new, entries, DAY)
    assert again == new and second.inserted == []
