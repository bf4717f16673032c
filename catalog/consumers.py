"""The catalog membership consumer of the change log (registered in CatalogConfig.ready())."""

from __future__ import annotations

import logging

from django.utils import timezone

from course_metadata.changelog.feed import Change

CONSUMER_NAME = "catalog_membership"

logger = logging.getLogger(__name__)


def handle_changes(changes: list[Change]) -> None:
    """Refresh the documents and membership of what these changes touch (in the consumer's transaction)."""
    from catalog.services.refresh import content_changes_apply

    stats = content_changes_apply(changes=changes, now=timezone.now())
    if stats.documents:
        logger.info(
            "catalog membership: %d documents, %d evaluations, +%d -%d ~%d, %d catalogs bumped",
            stats.documents,
            stats.evaluations,
            stats.added,
            stats.removed,
            stats.updated,
            len(stats.catalogs_bumped),
        )
