"""Fetching the next page while the current one is written, and grouping pages into writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from course_metadata.loaders.http import FetchFailed, Page, PageFailure, batched_pages, prefetched


def listing(sizes: list[int], fetched: list[int] | None = None) -> Iterator[Page | PageFailure]:
    for number, size in enumerate(sizes, start=1):
        if fetched is not None:
            fetched.append(number)
        if size < 0:
            yield PageFailure(number, f"/page/{number}", "HTTP 500")
        else:
            yield Page(number, [{"id": f"{number}-{i}"} for i in range(size)], len(sizes), None)


def test_pages_come_in_order_from_the_fetching_thread() -> None:
    seen_in: set[str] = set()

    def pages() -> Iterator[Page | PageFailure]:
        for page in listing([2, 2, 1]):
            seen_in.add(threading.current_thread().name)
            yield page

    assert [page.number for page in prefetched(pages())] == [1, 2, 3]
    assert seen_in == {"loader-prefetch"}


def test_the_fetch_runs_at_most_two_pages_ahead_and_stops_when_the_caller_stops() -> None:
    fetched: list[int] = []
    pages = prefetched(listing([1] * 50, fetched))
    first = next(pages)
    assert first.number == 1
    pages.close()  # the caller gives up (an error while writing page 1)
    assert len(fetched) <= 3
    assert not any(thread.name == "loader-prefetch" for thread in threading.enumerate())


def test_an_error_while_fetching_is_raised_to_the_caller() -> None:
    def pages() -> Iterator[Page | PageFailure]:
        yield from listing([1])
        raise FetchFailed("/token", "HTTP 401")

    got = []
    with pytest.raises(FetchFailed, match="HTTP 401"):
        for page in prefetched(pages()):
            got.append(page.number)
    assert got == [1]


def test_pages_are_grouped_up_to_the_write_size_with_the_failures_met_on_the_way() -> None:
    groups = list(batched_pages(listing([3, -1, 3, 3, 2, -1]), items=5))
    assert [([page.number for page in group], [f.number for f in failures]) for group, failures in groups] == [
        ([1, 3], [2]),
        ([4, 5], []),
        ([], [6]),
    ]
