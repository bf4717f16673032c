"""Organization reads, as rows of plain values (the same fields courses and programs nest)."""

from __future__ import annotations

from django.db.models import QuerySet

from course_metadata.models import Organization
from course_metadata.selectors.nested import organization_fields
from dbkit.rows import values_of


def organization_list() -> QuerySet[Organization]:
    """Dicts with the fields of ``nested.organization_fields`` (and ``pk``)."""
    return values_of(Organization.objects.all(), {"pk": "pk", **organization_fields()})
