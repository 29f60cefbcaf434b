"""The 3-way line merge of one file (``pkgforge.scaffold.update.merge``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pkgforge.scaffold.update.merge import is_binary, merge_texts

BASE = b"one\ntwo\nthree\nfour\nfive\n"


def test_changes_on_different_lines_merge_cleanly() -> None:
    ours = BASE.replace(b"two", b"TWO")
    theirs = BASE.replace(b"five", b"FIVE")
    merged = merge_texts(BASE, ours, theirs)
    assert merged == merged.__class__(b"one\nTWO\nthree\nfour\nFIVE\n", 0)


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    both = BASE.replace(b"three", b"3")
    assert merge_texts(BASE, both, both).content == both


def test_overlapping_changes_get_git_markers() -> None:
    merged = merge_texts(BASE, BASE.replace(b"three", b"ours"), BASE.replace(b"three", b"theirs"))
    assert merged.conflicts == 1
    assert merged.content == (
        b"one\ntwo\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\nfour\nfive\n"
    )


def test_diff3_style_shows_the_base_lines() -> None:
    merged = merge_texts(
        BASE, BASE.replace(b"three", b"ours"), BASE.replace(b"three", b"theirs"), style="diff3"
    )
    assert merged.content == (
        b"one\ntwo\n<<<<<<< ours\nours\n||||||| base\nthree\n=======\ntheirs\n"
        b">>>>>>> theirs\nfour\nfive\n"
    )


def test_inline_conflicts_leave_out_the_lines_both_sides_agree_on() -> None:
    ours = b"a\nsame\nmine\n"
    theirs = b"a\nsame\nyours\n"
    merged = merge_texts(b"a\n", ours, theirs)
    assert merged.content == b"a\nsame\n<<<<<<< ours\nmine\n=======\nyours\n>>>>>>> theirs\n"


def test_an_empty_base_merges_two_new_files() -> None:
    merged = merge_texts(b"", b"same\n", b"same\n")
    assert merged == merged.__class__(b"same\n", 0)
    assert merge_texts(b"", b"x\n", b"y\n").conflicts == 1


def test_a_last_line_without_newline_does_not_swallow_the_marker() -> None:
    merged = merge_texts(b"a\nb", b"a\nours", b"a\ntheirs")
    assert merged.content == b"a\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\n"


def test_crlf_files_merge_with_an_lf_template_and_stay_crlf() -> None:
    ours = BASE.replace(b"two", b"TWO").replace(b"\n", b"\r\n")
    theirs = BASE.replace(b"five", b"FIVE")
    merged = merge_texts(BASE, ours, theirs)
    assert merged.content == b"one\r\nTWO\r\nthree\r\nfour\r\nFIVE\r\n"
    conflict = merge_texts(BASE, ours.replace(b"four", b"x"), BASE.replace(b"four", b"y"))
    assert b"<<<<<<< ours\r\nx\r\n=======\r\ny\r\n>>>>>>> theirs\r\n" in conflict.content


def test_repeated_lines_do_not_misalign_the_merge() -> None:
    # difflib's autojunk would ignore "popular" lines in files of 200+ lines
    base = b"".join(b"}\n" if i % 3 else b"x%d\n" % i for i in range(600))
    ours = base.replace(b"x3\n", b"mine\n")
    theirs = base.replace(b"x597\n", b"yours\n")
    merged = merge_texts(base, ours, theirs)
    assert merged.conflicts == 0
    assert merged.content == base.replace(b"x3\n", b"mine\n").replace(b"x597\n", b"yours\n")


def test_binary_detection() -> None:
    assert is_binary(b"\x89PNG\r\n\x1a\n\0\0")
    assert not is_binary("héllo\n".encode())


lines = st.lists(st.sampled_from([b"a\n", b"b\n", b"c\n", b"}\n", b"\n"]), max_size=12)


@given(lines, lines)
def test_one_sided_changes_are_taken_whole(base: list[bytes], other: list[bytes]) -> None:
    base_text, other_text = b"".join(base), b"".join(other)
    assert merge_texts(base_text, base_text, other_text).content == other_text
    assert merge_texts(base_text, other_text, base_text).content == other_text


@given(lines, lines, lines)
def test_a_clean_merge_keeps_every_line_only_one_side_added(
    base: list[bytes], ours: list[bytes], theirs: list[bytes]
) -> None:
    merged = merge_texts(b"".join(base), b"".join(ours), b"".join(theirs))
    if merged.conflicts == 0:
        for line in set(ours) - set(base) - set(theirs):
            assert line in merged.content.splitlines(keepends=True)
