"""ETags of the rows an editor works on, for optimistic concurrency (If-Match → 412).

The tag is a digest of the row's data as the draft machinery compares it (own fields, ordered links,
tags), of the rows it owns (entitlements, marketing extras; seats for runs) and of a run's status. It
moves exactly when the data moves: a save that changes nothing keeps the tag, so a no-op write never
makes another editor's If-Match fail.

It is a function of the domain's rows and nothing else, so it lives here: the read API gives it to
editors (``?editable=1``) and the Publisher app checks If-Match against the same function.
"""

from __future__ import annotations

import hashlib
from typing import Any

from course_metadata.models import Course, CourseRun
from course_metadata.services.draft_graph import children, node_spec, row_digest


def _tree_digests(row: Any) -> list[str]:
    spec = node_spec(row)
    digests = [row_digest(row)]
    for slot in spec.slots:
        child = getattr(row, slot)
        digests.append(f"{slot}:{'-'.join(_tree_digests(child)) if child is not None else 'none'}")
    for collection in spec.collections:
        digests.append(f"{collection.accessor}:{','.join(sorted(row_digest(c) for c in children(row, collection)))}")
    return digests


def etag_for(row: Course | CourseRun) -> str:
    parts = [type(row).__name__, str(row.uuid), *_tree_digests(row)]
    if isinstance(row, CourseRun):
        parts.append(f"status:{row.status}")
    return '"' + hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest() + '"'
