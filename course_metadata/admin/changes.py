"""Read-only admin for the change log and its consumers' cursors (written only by change tracking)."""

from __future__ import annotations

from django.contrib import admin

from course_metadata.admin.base import ReadOnlyAdmin
from course_metadata.models import ChangeLogEntry, ConsumerCursor


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "txid", "action", "object_type", "key", "draft", "timestamp"]
    list_filter = ["action", "object_type", "draft"]
    search_fields = ["key"]
    # A count(*) over a log of millions of rows on every page view is not worth it.
    show_full_result_count = False


@admin.register(ConsumerCursor)
class ConsumerCursorAdmin(ReadOnlyAdmin):
    list_display = [field.name for field in ConsumerCursor._meta.concrete_fields]
    search_fields = ["name"]
