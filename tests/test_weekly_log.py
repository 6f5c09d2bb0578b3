"""The weekly-log engine on logs written in the documented format and every irregularity it allows.

Expected values come from how each log was built (tests/logs/builder.py) or are written out by hand,
never from the parser itself.
"""

from __future__ import annotations

from datetime import date

import pytest
from logs.builder import Day, Entry, Item, Log, Month, loose_key, sample_log

from paperflow.errors import LogFormatError
from paperflow.log.weekly_log import (
    DraftEntry,
    normalize_title,
    parse_log,
    plan_insert,
    style_examples,
)


def draft(title: str, body: str = "2024.1 一篇文章，要点：\n\n1. 背景：x\n\n总体上，y") -> DraftEntry:
    return DraftEntry(title, f"《{title}》\n\n**keywords:** a, b, c\n\n{body}\n")


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def removed_block(old: bytes, new: bytes) -> bytes:
    """The one contiguous block whose insertion turns `old` into `new` (fails when there is none)."""
    p = 0
    while p < len(old) and old[p] == new[p]:
        p += 1
    k = len(new) - len(old)
    assert k >= 0 and new[p + k :] == old[p:], "new bytes are not the old bytes plus one inserted block"
    # The same block may sit a few bytes earlier (it can begin or end with the bytes around it):
    # prefer the position where it starts a line, which is where the engine puts it.
    candidates = [p]
    while candidates[-1] > 0 and new[candidates[-1] - 1] == new[candidates[-1] - 1 + k]:
        candidates.append(candidates[-1] - 1)
    line_starts = [c for c in candidates if c == 0 or new[c - 1 : c] == b"\n"]
    at = line_starts[0] if line_starts else p
    return new[at : at + k]


def check_counts(data: bytes, expected: dict[str, int]) -> None:
    counts = parse_log(data).counts()
    assert {k: counts[k] for k in expected} == expected


# ----------------------------------------------------------------------------------------- parsing


def test_sample_log_parses_to_the_counts_it_was_built_with():
    built = sample_log().build()
    parsed = parse_log(built.data)
    check_counts(built.data, built.counts)
    assert [(p.line, p.done) for p in parsed.pending] == [(line, item.done) for line, item in built.pending_lines.items()]
    assert [p.level for p in parsed.pending] == [item.level for item in built.pending_lines.values()]
    assert [(e.line, loose_key(e.title), e.day) for e in parsed.entries] == [
        (line, loose_key(title), day) for line, title, day in built.entries
    ]
    assert [m.line for m in parsed.months] == list(built.month_lines.values())
    assert {d.date: d.line for d in parsed.days} == built.day_lines
    assert [line for line, _ in parsed.loose] == built.unclassified


def test_titles_lose_their_markup_and_brackets():
    built = sample_log().build()
    titles = [e.title for e in parse_log(built.data).entries]
    assert "Emu2: Generative Multimodal Models are In-Context Learners" in titles  # 《**...**》
    assert "Gemini: A Family of Highly Capable Multimodal Models" in titles  # **《...》**
    assert "Indented Paper" in titles  # indented older style
    assert not any("*" in t or "《" in t or "》" in t for t in titles)


def test_pending_items_text_state_and_nesting():
    parsed = parse_log(sample_log().build().data)
    by_text = {p.text: p for p in parsed.pending}
    assert by_text["写综述：GNN 论文总结"].done is False  # a to-do, not a paper, still an item
    assert by_text["https://arxiv.org/abs/2106.09685"].level == 0
    assert by_text["通用内容"].level == 0
    grad = next(p for p in parsed.pending if p.text.startswith("Grad-cam"))
    assert grad.level == 1 and not grad.done
    big = next(p for p in parsed.pending if p.text.startswith("Big Transfer"))
    assert big.level == 1 and big.done  # [X] counts as ticked
    assert len(parsed.pending_open) == 5


@pytest.mark.parametrize("unit", ["  ", "    ", "\t"])
def test_nesting_level_does_not_depend_on_the_indent_width(unit):
    items = [Item("a"), Item("b", level=1, indent_unit=unit), Item("c", level=2, indent_unit=unit), Item("d")]
    parsed = parse_log(Log(pending=items).build().data)
    assert [p.level for p in parsed.pending] == [0, 1, 2, 0]


def test_star_and_plus_markers_are_pending_items_too():
    items = [Item("a", marker="*"), Item("b", marker="+", done=True)]
    parsed = parse_log(Log(pending=items).build().data)
    assert [(p.text, p.done) for p in parsed.pending] == [("a", False), ("b", True)]


def test_a_month_with_several_days_and_several_entries_per_day():
    days = [Day(date(2023, 9, d), [Entry(f"Paper {d}-{i}") for i in range(3)]) for d in (30, 12, 7, 1)]
    built = Log(months=[Month(2023, 9, days=days)]).build()
    parsed = parse_log(built.data)
    check_counts(built.data, {"months": 1, "days": 4, "entries": 12})
    assert [e.day for e in parsed.entries] == [d.date for d in days for _ in range(3)]


def test_entry_text_runs_from_title_to_the_last_non_blank_line():
    built = sample_log().build()
    parsed = parse_log(built.data)
    mixtral = next(e for e in parsed.entries if e.title == "Mixtral of Experts")
    text = parsed.entry_text(mixtral)
    assert text.startswith("《Mixtral of Experts》\n")
    assert text.endswith("总体上，……\n")
    assert "A second paper" not in text


def test_drafted_entries_are_not_hand_written():
    parsed = parse_log(sample_log().build().data)
    hand = {e.title: e.hand_written for e in parsed.entries}
    assert hand["A second paper read the same day"] is False
    assert hand["Mixtral of Experts"] is True


def test_style_examples_are_the_most_recent_hand_written_entries():
    parsed = parse_log(sample_log().build().data)
    examples = style_examples(parsed, 2)
    assert len(examples) == 2
    assert examples[0].startswith("《Mixtral of Experts》")  # newest day; the drafted one is left out
    assert examples[1].startswith("《**Emu2")
    assert style_examples(parsed, 0) == []
    assert len(style_examples(parsed, 100)) == 5


def test_style_examples_use_lf_even_in_a_crlf_file():
    parsed = parse_log(sample_log(newlines=("\r\n",)).build().data)
    assert all("\r" not in text for text in style_examples(parsed, 3))


@pytest.mark.parametrize(
    "newlines", [("\n",), ("\r\n",), ("\n", "\r\n"), ("\r\n", "\r\n", "\n")], ids=["lf", "crlf", "mixed", "mixed2"]
)
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("trailing", [False, True])
def test_line_endings_bom_and_trailing_newline_do_not_change_the_counts(newlines, bom, trailing):
    built = sample_log(newlines=newlines, bom=bom, trailing_newline=trailing).build()
    parsed = parse_log(built.data)
    check_counts(built.data, built.counts)
    assert parsed.has_bom is bom
    assert [p.line for p in parsed.pending] == list(built.pending_lines)
    assert "".join(parsed.lines).encode("utf-8", "surrogateescape") == built.data.removeprefix(b"\xef\xbb\xbf")


def test_bytes_that_are_not_utf8_are_tolerated_and_kept():
    bad = [b"caf\xe9 latin-1 \xff\xfe", b"\x80\x81 broken \xe3\x80"]
    log = sample_log()
    log.months[0].days[0].entries[0].body = bad
    log.pending.append(Item("r\xe9sum\xe9 of a paper"))
    built = log.build()
    data = built.data.replace("résumé".encode(), b"r\xe9sum\xe9")  # a latin-1 pending item
    parsed = parse_log(data)
    check_counts(data, built.counts)
    assert "".join(parsed.lines).encode("utf-8", "surrogateescape") == data
    new, _ = plan_insert(data, [draft("New Paper")], date(2024, 1, 3))
    removed_block(data, new)


def test_str_input_with_a_bom_character_parses_like_bytes():
    built = sample_log(bom=True).build()
    parsed = parse_log(built.data.decode("utf-8"))
    assert parsed.has_bom and parsed.counts() == parse_log(built.data).counts()


def test_missing_pending_list():
    built = sample_log(pending=None).build()
    parsed = parse_log(built.data)
    assert parsed.pending == [] and parsed.pending_header is None
    check_counts(built.data, built.counts)


def test_no_dated_part_yet():
    built = Log(pending=[Item("a paper"), Item("done", done=True)]).build()
    parsed = parse_log(built.data)
    check_counts(built.data, {"months": 0, "days": 0, "entries": 0, "pending_open": 1, "pending_done": 1})
    assert parsed.loose == []


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n", b"\r\n\r\n"])
def test_empty_files(data):
    parsed = parse_log(data)
    assert parsed.counts() == {"months": 0, "days": 0, "entries": 0, "pending_open": 0, "pending_done": 0, "unclassified": 0}


def test_loose_lines_under_a_month_before_its_first_day_are_listed_not_entries():
    log = Log(months=[Month(2023, 5, loose=["to read: Scaling laws", "- another one later"], days=[Day(date(2023, 5, 2), [Entry("Real Entry")])])])
    built = log.build()
    parsed = parse_log(built.data)
    assert [line for line, _ in parsed.loose] == built.unclassified
    assert [text for _, text in parsed.loose] == ["to read: Scaling laws", "- another one later"]
    assert [e.title for e in parsed.entries] == ["Real Entry"]


def test_old_entry_without_brackets_is_unclassified_not_an_entry():
    log = Log(months=[Month(2019, 3, days=[Day(date(2019, 3, 1), [Entry("An old plain title", "no_brackets")])])])
    built = log.build()
    parsed = parse_log(built.data)
    assert parsed.entries == []
    assert [line for line, _ in parsed.loose] == built.unclassified
    assert parsed.loose[0][1] == "An old plain title"


def test_pending_items_after_the_dated_part_are_not_pending():
    data = "# 2024.1\n\n## 2024.1.2\n\n# pending list\n\n- [ ] late item\n".encode()
    assert parse_log(data).pending == []


def test_a_header_that_is_not_a_date_ends_the_pending_list():
    data = "# pending list\n\n- [ ] a\n\n# notes\n\n- [ ] not pending\n".encode()
    assert [p.text for p in parse_log(data).pending] == ["a"]


@pytest.mark.parametrize("header", ["# 2024.13", "## 2023.2.30", "# 2024.0"])
def test_impossible_dates_are_not_headers(header):
    parsed = parse_log(f"# 2024.1\n\n{header}\n".encode())
    assert len(parsed.months) + len(parsed.days) == 1


def test_zero_padded_headers_are_still_recognised():
    parsed = parse_log("# 2023.09\n\n## 2023.09.07\n\n《X》\n".encode())
    assert (parsed.months[0].year, parsed.months[0].month) == (2023, 9)
    assert parsed.days[0].date == date(2023, 9, 7)


# --------------------------------------------------------------------------------- loose titles


@pytest.mark.parametrize(
    "variant",
    [
        "mixtral of experts",
        "MIXTRAL OF EXPERTS",
        "Mixtral  of\tExperts",
        "Mixtral of Experts.",
        "Mixtral-of-Experts!",
        "《Mixtral of Experts》",
        "**Mixtral of Experts**",
        "*Mixtral* of _Experts_",
        "Ｍｉｘｔｒａｌ of Experts",  # full-width letters
    ],
)
def test_has_title_compares_loosely(variant):
    parsed = parse_log(sample_log().build().data)
    assert parsed.has_title(variant)


def test_has_title_is_not_too_loose():
    parsed = parse_log(sample_log().build().data)
    assert not parsed.has_title("Mixtral of Experts 2")
    assert not parsed.has_title("Mixtral")
    assert not parsed.has_title("")
    assert not parsed.has_title("!!!")


def test_pending_items_with_brackets_are_not_titles_in_the_log():
    log = sample_log()
    log.pending.append(Item("《Pending Paper Title》 read this"))
    parsed = parse_log(log.build().data)
    assert not parsed.has_title("Pending Paper Title")


def test_normalize_title_decodes_html_escapes():
    assert normalize_title("Scaling &lt;1 bit&gt; models") == normalize_title("Scaling <1 bit> models")
    assert normalize_title("——") == normalize_title(" —— ") != ""
    assert normalize_title("——") != normalize_title("——!")


# ------------------------------------------------------------------------------------------ insert


def test_insert_into_an_existing_day_goes_after_its_entries():
    built = sample_log().build()
    new, result = plan_insert(built.data, [draft("New One"), draft("New Two")], date(2024, 1, 3))
    assert result.inserted == ["New One", "New Two"] and result.skipped == []
    parsed = parse_log(new)
    day_titles = [e.title for e in parsed.entries if e.day == date(2024, 1, 3)]
    assert day_titles == ["Mixtral of Experts", "A second paper read the same day", "New One", "New Two"]
    block = removed_block(built.data, new)
    assert block.count("《".encode()) == 2 and b"## " not in block and b"\n# " not in block
    check_counts(new, {**built.counts, "entries": built.counts["entries"] + 2})


def test_insert_a_new_day_in_an_existing_month_in_date_order():
    built = sample_log().build()
    new, _ = plan_insert(built.data, [draft("Jan Two")], date(2024, 1, 2))
    parsed = parse_log(new)
    assert [d.date for d in parsed.days] == [date(2024, 1, 3), date(2024, 1, 2), date(2024, 1, 1), date(2023, 12, 29), date(2023, 12, 7)]
    entry = next(e for e in parsed.entries if e.title == "Jan Two")
    assert entry.day == date(2024, 1, 2)
    assert b"## 2024.1.2\n" in removed_block(built.data, new)
    check_counts(new, {**built.counts, "days": 5, "entries": 7})


def test_insert_a_newest_day_in_an_existing_month_goes_first_in_it():
    built = sample_log().build()
    new, _ = plan_insert(built.data, [draft("Jan Twenty")], date(2024, 1, 20))
    parsed = parse_log(new)
    assert [d.date for d in parsed.days][:2] == [date(2024, 1, 20), date(2024, 1, 3)]
    assert parsed.months[0].line < parsed.days[0].line


def test_insert_a_day_in_a_month_that_has_only_loose_lines():
    built = Log(pending=[Item("x")], months=[Month(2024, 2, loose=["read later: A", "read later: B"]), Month(2024, 1, days=[Day(date(2024, 1, 5), [Entry("E")])])]).build()
    new, _ = plan_insert(built.data, [draft("Feb")], date(2024, 2, 10))
    parsed = parse_log(new)
    feb = next(e for e in parsed.entries if e.title == "Feb")
    assert feb.day == date(2024, 2, 10)
    assert max(line for line, _ in parsed.loose) < parsed.days[0].line  # loose lines stay before the first day
    removed_block(built.data, new)


def test_insert_a_new_month_newest_first_right_after_the_pending_list():
    built = sample_log().build()
    new, _ = plan_insert(built.data, [draft("March Paper")], date(2024, 3, 5))
    parsed = parse_log(new)
    assert [(m.year, m.month) for m in parsed.months] == [(2024, 3), (2024, 1), (2023, 12)]
    assert parsed.pending_end is not None and parsed.months[0].line == parsed.pending_end
    block = removed_block(built.data, new)
    assert block.startswith(b"# 2024.3\n\n## 2024.3.5\n\n") or block.startswith(b"\n# 2024.3\n\n## 2024.3.5\n\n")
    check_counts(new, {**built.counts, "months": 3, "days": 5, "entries": 7})


@pytest.mark.parametrize(
    ("day", "months", "under"),
    [
        (date(2023, 12, 30), [(2024, 1), (2023, 12)], date(2023, 12, 29)),  # backdated, existing month, newest day there
        (date(2023, 12, 10), [(2024, 1), (2023, 12)], date(2023, 12, 7)),  # between two days
        (date(2023, 12, 1), [(2024, 1), (2023, 12)], None),  # oldest day of the month
        (date(2023, 11, 20), [(2024, 1), (2023, 12), (2023, 11)], None),  # new month older than all
        (date(2022, 6, 1), [(2024, 1), (2023, 12), (2022, 6)], None),
    ],
)
def test_backdated_inserts_land_in_date_order(day, months, under):
    built = sample_log().build()
    new, _ = plan_insert(built.data, [draft("Backdated")], day)
    parsed = parse_log(new)
    assert [(m.year, m.month) for m in parsed.months] == months
    dates = [d.date for d in parsed.days]
    assert dates == sorted(dates, reverse=True) and day in dates
    entry = next(e for e in parsed.entries if e.title == "Backdated")
    assert entry.day == day
    month_above = max((m for m in parsed.months if m.line < entry.line), key=lambda m: m.line)
    assert (month_above.year, month_above.month) == (day.year, day.month)
    if under is not None:
        assert dates[dates.index(day) + 1] == under
    removed_block(built.data, new)


def test_insert_into_a_new_month_between_existing_months():
    built = Log(months=[Month(2024, 3, days=[Day(date(2024, 3, 1), [Entry("A")])]), Month(2023, 12, days=[Day(date(2023, 12, 1), [Entry("B")])])]).build()
    new, _ = plan_insert(built.data, [draft("C")], date(2024, 1, 15))
    parsed = parse_log(new)
    assert [(m.year, m.month) for m in parsed.months] == [(2024, 3), (2024, 1), (2023, 12)]
    assert [e.title for e in parsed.entries] == ["A", "C", "B"]


def test_insert_without_a_pending_list():
    built = sample_log(pending=None).build()
    new, _ = plan_insert(built.data, [draft("No Pending")], date(2024, 2, 1))
    parsed = parse_log(new)
    assert parsed.months[0].year == 2024 and parsed.months[0].month == 2
    assert parsed.entries[0].title == "No Pending"
    assert new.startswith(b"# papers-weekly\n")
    removed_block(built.data, new)


def test_insert_into_a_log_with_only_a_pending_list():
    built = Log(pending=[Item("a"), Item("b")]).build()
    new, _ = plan_insert(built.data, [draft("First")], date(2024, 2, 1))
    block = removed_block(built.data, new)
    assert new.startswith(built.data)  # after the pending list, which ends the file
    assert block.startswith(b"\n# 2024.2\n\n## 2024.2.1\n\n\xe3\x80\x8aFirst")
    assert [p.text for p in parse_log(new).pending] == ["a", "b"]


def test_insert_after_the_pending_list_and_before_other_free_text():
    data = "# pending list\n\n- [ ] a\n\n# notes\n\nsome notes\n".encode()
    new, _ = plan_insert(data, [draft("First")], date(2024, 2, 1))
    assert new.index(b"# 2024.2") < new.index(b"# notes")
    removed_block(data, new)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_insert_into_an_empty_file(data):
    new, result = plan_insert(data, [draft("Only")], date(2024, 1, 3))
    assert result.inserted == ["Only"]
    assert new.startswith(data)
    assert new.removeprefix(b"\xef\xbb\xbf").startswith(b"# 2024.1\n\n## 2024.1.3\n\n\xe3\x80\x8aOnly\xe3\x80\x8b\n")
    parsed = parse_log(new)
    assert parsed.counts()["entries"] == 1 and parsed.entries[0].day == date(2024, 1, 3)


def test_insert_into_a_file_without_trailing_newline():
    built = sample_log(trailing_newline=False).build()
    new, _ = plan_insert(built.data, [draft("Last")], date(2023, 12, 7))  # the last day, at the end of file
    assert new.startswith(built.data)
    assert new[len(built.data) : len(built.data) + 1] == b"\n"  # the old last line gets its ending first
    parsed = parse_log(new)
    assert parsed.entries[-1].title == "Last" and parsed.entries[-2].title == "Indented Paper"


@pytest.mark.parametrize("newlines", [("\r\n",), ("\n", "\r\n", "\r\n")], ids=["crlf", "mostly-crlf"])
def test_inserted_lines_take_the_files_line_ending(newlines):
    built = sample_log(newlines=newlines).build()
    new, _ = plan_insert(built.data, [draft("CRLF Paper")], date(2024, 1, 3))
    block = removed_block(built.data, new)
    assert block.count(b"\n") == block.count(b"\r\n") > 3


def test_insert_keeps_the_bom():
    built = sample_log(bom=True).build()
    new, _ = plan_insert(built.data, [draft("BOM Paper")], date(2024, 1, 3))
    assert new.startswith(b"\xef\xbb\xbf# papers-weekly") and new.count(b"\xef\xbb\xbf") == 1


def test_entry_text_with_crlf_is_normalised_to_the_file():
    built = sample_log().build()
    entry = DraftEntry("Windows Paper", "《Windows Paper》\r\n\r\nbody\r\n")
    new, _ = plan_insert(built.data, [entry], date(2024, 1, 3))
    assert b"\r" not in removed_block(built.data, new)


def test_nothing_to_do_returns_the_same_bytes():
    built = sample_log().build()
    new, result = plan_insert(built.data, [], date(2024, 1, 3))
    assert new is built.data or new == built.data
    assert not result.changed


# ------------------------------------------------------------------------------------ skip titles


@pytest.mark.parametrize("title", ["MIXTRAL of experts", "《Mixtral of Experts》", "**Mixtral** of Experts", "Mixtral  of Experts!"])
def test_titles_already_in_the_log_are_skipped_and_reported(title):
    built = sample_log().build()
    new, result = plan_insert(built.data, [draft(title), draft("Genuinely New")], date(2024, 1, 3))
    assert result.skipped == [title]
    assert result.inserted == ["Genuinely New"]
    assert "Mixtral".encode() not in removed_block(built.data, new)


def test_a_title_twice_in_one_batch_is_inserted_once():
    built = sample_log().build()
    new, result = plan_insert(built.data, [draft("Twice"), draft("twice!")], date(2024, 1, 3))
    assert result.inserted == ["Twice"] and result.skipped == ["twice!"]
    assert parse_log(new).counts()["entries"] == built.counts["entries"] + 1


def test_everything_skipped_changes_nothing():
    built = sample_log().build()
    new, result = plan_insert(built.data, [draft("Mixtral of Experts"), draft("Indented Paper")], date(2024, 1, 3))
    assert new == built.data and result.inserted == [] and len(result.skipped) == 2 and not result.changed


def test_a_paper_in_the_pending_list_is_not_skipped():
    log = sample_log()
    log.pending.append(Item("《Pending Paper》"))
    built = log.build()
    _, result = plan_insert(built.data, [draft("Pending Paper")], date(2024, 1, 3))
    assert result.inserted == ["Pending Paper"]


def test_second_identical_insert_changes_nothing():
    built = sample_log().build()
    once, _ = plan_insert(built.data, [draft("A <b> & c"), draft("——")], date(2024, 1, 9))
    twice, result = plan_insert(once, [draft("A <b> & c"), draft("——")], date(2024, 1, 9))
    assert twice == once and result.inserted == [] and len(result.skipped) == 2


# ------------------------------------------------------------------------------------------- ticks


def test_ticking_changes_only_the_box_of_that_line():
    built = sample_log().build()
    open_lines = [line for line, item in built.pending_lines.items() if not item.done]
    target = open_lines[1]
    new, result = plan_insert(built.data, [], date(2024, 1, 3), tick_lines=[target])
    assert result.ticked == [target] and result.inserted == []
    old_lines, new_lines = lines_of(built.data), lines_of(new)
    assert len(old_lines) == len(new_lines)
    diff = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert diff == [target]
    assert new_lines[target] == old_lines[target].replace(b"[ ]", b"[x]", 1)
    parsed = parse_log(new)
    assert next(p for p in parsed.pending if p.line == target).done


def test_ticking_a_nested_item_with_brackets_in_its_text():
    log = Log(pending=[Item("parent"), Item("child [ ] has a box in its text", level=1)])
    built = log.build()
    line = list(built.pending_lines)[1]
    new, _ = plan_insert(built.data, [], date(2024, 1, 1), tick_lines=[line])
    assert lines_of(new)[line] == b"  - [x] child [ ] has a box in its text"


def test_ticking_keeps_crlf():
    built = sample_log(newlines=("\r\n",)).build()
    line = next(iter(built.pending_lines))
    new, _ = plan_insert(built.data, [], date(2024, 1, 1), tick_lines=[line])
    assert new.replace(b"- [x] Deeper", b"- [ ] Deeper") == built.data
    assert len(new) == len(built.data)


def test_ticking_an_already_ticked_item_is_a_no_op():
    built = sample_log().build()
    done = next(line for line, item in built.pending_lines.items() if item.done)
    new, result = plan_insert(built.data, [], date(2024, 1, 1), tick_lines=[done])
    assert new == built.data and result.ticked == []


@pytest.mark.parametrize("which", ["header", "blank", "note", "entry", "past_end"])
def test_ticking_a_line_that_is_not_a_pending_item_is_an_error(which):
    built = sample_log().build()
    lines = [ln.decode() for ln in built.lines]
    line = {
        "header": lines.index("# pending list"),
        "blank": lines.index("# pending list") + 1,
        "note": lines.index("> free text, quotes, notes"),
        "entry": lines.index("《Mixtral of Experts》"),
        "past_end": len(lines) + 10,
    }[which]
    with pytest.raises(LogFormatError, match=f"line {line + 1} is not a pending-list item"):
        plan_insert(built.data, [draft("X")], date(2024, 1, 1), tick_lines=[line])


def test_tick_and_insert_together():
    built = sample_log().build()
    target = next(iter(built.pending_lines))
    new, result = plan_insert(built.data, [draft("Deeper insights")], date(2024, 1, 3), tick_lines=[target])
    assert result.ticked == [target] and result.inserted == ["Deeper insights"]
    unticked = new.replace(b"- [x] Deeper", b"- [ ] Deeper", 1)
    removed_block(built.data, unticked)
    # The tick and the insert are both stable: doing it again changes nothing.
    again, result2 = plan_insert(new, [draft("Deeper insights")], date(2024, 1, 3), tick_lines=[target])
    assert again == new and not result2.changed


def test_ticking_a_pending_item_read_earlier_finds_it_again_after_the_list_was_edited():
    from paperflow.log.weekly_log import PendingItem

    before = "# pending list\n- [ ] Paper A\n- [ ] Paper B\n\n# 2024.1\n"
    items = parse_log(before).pending
    # The person added an item above, so the old line numbers now point at other items.
    edited = before.replace("- [ ] Paper A\n", "- [ ] Something new\n- [ ] Paper A\n")
    new, result = plan_insert(edited.encode(), [], date(2024, 1, 3), [items[0]])
    assert new.decode() == edited.replace("- [ ] Paper A", "- [x] Paper A")
    assert result.ticked == [2]


def test_an_item_removed_since_it_was_read_is_not_ticked_and_is_reported():
    from paperflow.log.weekly_log import PendingItem

    log = "# pending list\n- [ ] Paper B\n"
    new, result = plan_insert(log.encode(), [], date(2024, 1, 3), [PendingItem(1, "Paper A", False, 0)])
    assert new == log.encode()
    assert result.ticked == [] and result.not_ticked == ["Paper A"]


def test_a_title_followed_by_a_short_parenthetical_is_an_entry_title():
    parsed = parse_log("# 2024.1\n\n## 2024.1.3\n\n《Mixtral of Experts》（CVPR 2023）\n\nbody\n")
    assert [e.title for e in parsed.entries] == ["Mixtral of Experts"]
    assert parsed.has_title("mixtral of experts")
