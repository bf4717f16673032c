"""If-Match for the rows an editor works on (optimistic concurrency, 412 on a stale tag).

The tag itself is the domain's (``course_metadata.selectors.etags.etag_for``), so the read API hands
editors the very tag checked here.
"""

from __future__ import annotations


def if_match_satisfied(header: str | None, current: str) -> bool:
    """No header means no precondition; ``*`` matches any existing row; weak tags compare by their value."""
    if not header:
        return True
    candidates = [candidate.strip() for candidate in header.split(",")]
    return any(candidate == "*" or candidate.removeprefix("W/") == current for candidate in candidates)
