"""``dbkit.rows.chunked``: the one batching helper, shared by change tracking and the catalog loaders."""

from __future__ import annotations

from dbkit.rows import chunked


def test_splits_in_order_with_a_short_last_batch() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_reads_any_iterable_once_and_yields_nothing_for_nothing() -> None:
    assert list(chunked(iter([5, 1, 4, 2]), 2)) == [[5, 1], [4, 2]]
    assert list(chunked([], 3)) == []
