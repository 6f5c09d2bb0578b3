"""Property: for random logs and random entries, an insert adds one block under the right headers and nothing else.

The logs are structured (preamble, optional pending list, newest-first months and days, entries in every
style), with random line endings, BOM, trailing newline and bytes that are not UTF-8. The entries are
rendered by the real entry template from summaries whose text tries to break out (newlines, headers,
HTML, 《》).
"""

from __future__ import annotations

import calendar
import html
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from logs.builder import STYLES, Day, Entry, Item, Log, Month, loose_key

from paperflow.log.entry import render_entry
from paperflow.models import POINT_LABELS, Summary
from paperflow.settings import DEFAULT_PROMPTS_DIR
from paperflow.log.weekly_log import DraftEntry, parse_log, plan_insert

TEMPLATE = DEFAULT_PROMPTS_DIR / "entry.md.j2"

WORDS = st.text(alphabet="abcdefgh XYZ研究模型数据-:,'()0123", min_size=1, max_size=16)
BODY_TEXT = st.text(alphabet="abc xyz 要点实验#*_`[]<>《》()1.，：", max_size=30).map(lambda s: "正文" + s)
RAW_BYTES = st.sampled_from([b"caf\xe9 latin-1", b"\xff\xfe\x00 raw", b"broken \xe3\x80 utf8"])
HOSTILE = st.text(alphabet="ab 字\n\r#<>《》*_`\u2028-", min_size=1, max_size=25)


@st.composite
def logs(draw) -> Log:
    counter = iter(range(10_000))
    title = lambda: f"E{next(counter)}Z {draw(WORDS)}".strip()  # noqa: E731 - unique, no markup

    preamble = draw(st.sampled_from([[], ["# papers-weekly"], ["# papers-weekly", "", "读过的论文 《Some Book》"], ["free text first"]]))
    pending = None
    if draw(st.booleans()):
        pending, level = [], 0
        for _ in range(draw(st.integers(0, 6))):
            level = draw(st.integers(0, level + 1)) if pending else 0
            pending.append(
                Item(draw(WORDS), done=draw(st.booleans()), level=level, marker=draw(st.sampled_from("-*")), tick=draw(st.sampled_from("xX")))
            )

    month_keys = sorted(draw(st.sets(st.tuples(st.integers(2019, 2024), st.integers(1, 12)), max_size=4)), reverse=True)
    months = []
    for year, month in month_keys:
        last = calendar.monthrange(year, month)[1]
        day_numbers = sorted(draw(st.sets(st.integers(1, last), max_size=3)), reverse=True)
        days = []
        for d in day_numbers:
            entries = []
            for _ in range(draw(st.integers(0, 3))):
                body = draw(st.lists(st.one_of(BODY_TEXT, RAW_BYTES), max_size=2))
                entries.append(Entry(title(), draw(st.sampled_from(STYLES)), body))
            days.append(Day(date(year, month, d), entries))
        loose = draw(st.lists(BODY_TEXT, max_size=2))
        months.append(Month(year, month, days, loose))

    return Log(
        preamble=preamble,
        pending=pending,
        months=months,
        newlines=draw(st.sampled_from([("\n",), ("\r\n",), ("\n", "\r\n"), ("\r\n", "\n", "\n")])),
        bom=draw(st.booleans()),
        trailing_newline=draw(st.booleans()),
        blank=draw(st.integers(0, 2)),
    )


def summary(title: str, text: str) -> Summary:
    text = "t" + text  # a field of only spaces is refused by Summary itself (tests/test_summary_input.py)
    return Summary(
        title=title,
        arxiv_id="2401.04088",
        published="2024.1",
        organisations=[text, "Google"],
        topic=text,
        keywords=["moe", "x" + text, "scaling"],
        points=[{"label": label, "text": text} for label in POINT_LABELS[:3]],
        verdict="总体上，" + text,
    )


@st.composite
def drafts(draw, log: Log) -> tuple[list[DraftEntry], list[str]]:
    """Fresh entries plus, sometimes, a loosely equal copy of a title already in the log."""
    out, expected_skips = [], []
    for i in range(draw(st.integers(1, 3))):
        title = f"N{i}Z " + draw(HOSTILE)
        out.append(DraftEntry(title, render_entry(summary(title, draw(HOSTILE)), TEMPLATE)))
    existing = [e.title for m in log.months for d in m.days for e in d.entries if e.counted]
    if existing and draw(st.booleans()):
        original = draw(st.sampled_from(existing))
        variant = draw(st.sampled_from([original.upper(), f"  {original}  ", f"**{original}**", f"《{original}》", original + "!", original.replace(" ", "  ")]))
        out.insert(draw(st.integers(0, len(out))), DraftEntry(variant, render_entry(summary(variant, "dup"), TEMPLATE)))
        expected_skips.append(variant)
    if draw(st.booleans()):  # the same paper twice in one batch
        out.append(DraftEntry(out[0].title.lower(), out[0].text))
        expected_skips.append(out[0].title.lower())
    return out, expected_skips


@st.composite
def cases(draw):
    log = draw(logs())
    built = log.build()
    existing_days = list(built.day_lines)
    choices = [st.dates(date(2018, 1, 1), date(2025, 12, 31))]
    if existing_days:
        choices.append(st.sampled_from(existing_days))
        choices.append(st.sampled_from(existing_days).map(lambda d: d.replace(day=1 + (d.day * 7) % 28)))
    day = draw(st.one_of(*choices))
    entries, skips = draw(drafts(log))
    ticks = draw(st.lists(st.sampled_from(list(built.pending_lines)), unique=True)) if built.pending_lines else []
    return log, built, day, entries, skips, ticks


def split_keep(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\n")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_insert_changes_only_one_block_lands_under_its_headers_and_is_idempotent(case):
    log, built, day, entries, expected_skips, ticks = case
    old = built.data
    new, result = plan_insert(old, entries, day, ticks)

    # Skips: exactly the titles already there (or twice in the batch); ticks: exactly the open items.
    assert result.skipped == expected_skips
    assert result.inserted == [e.title for e in entries if e.title not in expected_skips]
    expected_ticks = sorted(line for line in ticks if not built.pending_lines[line].done)
    assert result.ticked == expected_ticks

    # Undo the ticks (only "[ ]" -> "[x]" on those lines), then the rest must be one inserted block.
    new_lines = split_keep(new)
    for line in expected_ticks:
        old_line = split_keep(old)[line]
        ticked = built.lines[line].replace(b"[ ]", b"[x]", 1) + (b"\r" if old_line.endswith(b"\r") else b"")
        # A last line without an ending gets one (the file's own) when the insert follows it: with CRLF
        # the "\r" of that inserted ending sits on this line once the bytes are split on "\n".
        extra = b"\r" if not old.endswith(b"\n") and line == len(split_keep(old)) - 1 and new_lines[line] == ticked + b"\r" else b""
        assert new_lines[line] == ticked + extra
        new_lines[line] = old_line + extra
    unticked = b"\n".join(new_lines)
    p = 0
    while p < len(old) and old[p] == unticked[p]:
        p += 1
    k = len(unticked) - len(old)
    assert k > 0 and unticked[p + k :] == old[p:], "bytes outside the inserted block changed"
    assert new.startswith(b"\xef\xbb\xbf") == log.bom

    # The inserted entries sit under the day header for `day`, inside the month `day` belongs to, after
    # the entries already under that day, in the order given.
    parsed = parse_log(new)
    counts = parsed.counts()
    day_is_new = day not in built.day_lines
    month_is_new = (day.year, day.month) not in built.month_lines
    assert counts["entries"] == built.counts["entries"] + len(result.inserted)
    assert counts["days"] == built.counts["days"] + day_is_new
    assert counts["months"] == built.counts["months"] + month_is_new
    assert counts["pending_open"] == built.counts["pending_open"] - len(expected_ticks)
    assert counts["pending_done"] == built.counts["pending_done"] + len(expected_ticks)
    under_day = [e for e in parsed.entries if e.day == day]
    # (the template writes < as &lt; and 《》 inside a title as 〈〉)
    assert [loose_key(html.unescape(e.title)) for e in under_day[-len(result.inserted) :]] == [loose_key(t) for t in result.inserted]
    old_under_day = [loose_key(t) for _, t, d in built.entries if d == day]
    assert [loose_key(e.title) for e in under_day[: len(old_under_day)]] == old_under_day
    for entry in under_day[-len(result.inserted) :]:
        month = max((m for m in parsed.months if m.line < entry.line), key=lambda m: m.line)
        assert (month.year, month.month) == (day.year, day.month)
    # What was inserted stays its own paragraphs: blank lines around new headers and new entries.
    def blank(index: int) -> bool:
        return index < 0 or index >= len(parsed.lines) or not parsed.lines[index].strip()

    inserted_entries = under_day[-len(result.inserted) :]
    assert all(blank(e.line - 1) for e in inserted_entries)
    assert blank(inserted_entries[-1].end)
    new_headers = ([d.line for d in parsed.days if d.date == day] if day_is_new else []) + (
        [m.line for m in parsed.months if (m.year, m.month) == (day.year, day.month)] if month_is_new else []
    )
    assert all(blank(line - 1) and blank(line + 1) for line in new_headers)
    # The file stays newest first.
    month_order = [(m.year, m.month) for m in parsed.months]
    assert month_order == sorted(month_order, reverse=True) and len(set(month_order)) == len(month_order)
    day_order = [d.date for d in parsed.days]
    assert day_order == sorted(day_order, reverse=True) and len(set(day_order)) == len(day_order)
    # Entries already in the log are all still there, under their own days.
    assert sorted((loose_key(t), d) for _, t, d in built.entries) == sorted(
        (loose_key(e.title), e.day) for e in parsed.entries if e.title not in {e2.title for e2 in under_day[-len(result.inserted) :]}
    )

    # A second identical insert changes nothing.
    again, second = plan_insert(new, entries, day, ticks)
    assert again == new
    assert second.inserted == [] and second.ticked == []
    assert sorted(second.skipped) == sorted(e.title for e in entries)
