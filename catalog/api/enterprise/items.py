"""Content items as enterprise-catalog's ``ContentMetadataSerializer`` writes them.

Each item is the read API's representation merged with the catalog document (``catalog.api.payloads``),
plus what enterprise-catalog adds: ``parent_content_key``, ``content_last_modified``, ``active``, the
``normalized_metadata`` of courses, ``image_url`` and ``languages`` (from its search documents), and, read
through a catalog, the customer's ``enrollment_url``, ``xapi_activity_id`` and enterprise UTM parameters on
``marketing_url``. A fixed number of queries per page, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.utils.text import slugify

from catalog.api.payloads import content_payloads
from catalog.models import Catalog, ContentMetadata, ContentType
from catalog.selectors.enterprise import partner_lms_urls
from course_metadata.api.v1.serializers.common import ReadContext
from dbkit.json_values import format_datetime

EXEC_ED_2U_COURSE_TYPE = "executive-education-2u"
PAID_EXECUTIVE_EDUCATION = "paid-executive-education"
# The seat whose upgrade deadline is a run's enroll-by date: the first of these modes the run sells.
BEST_MODE_ORDER = ("verified", "professional", "no-id-professional", "unpaid-executive-education", "audit")
COURSE_TYPES = (ContentType.COURSE, ContentType.COURSE_RUN)


def with_query_parameters(url: str, parameters: dict[str, str]) -> str:
    """``url`` with ``parameters`` set, all parameters sorted, as enterprise-catalog rewrites URLs."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    merged: dict[str, Any] = dict(parse_qs(query))
    merged.update(parameters)
    return urlunsplit((scheme, netloc, path, urlencode(sorted(merged.items()), doseq=True), fragment))


def utm_parameters(catalog: Catalog) -> dict[str, str]:
    parameters = {"utm_medium": "enterprise"}
    if catalog.enterprise_customer_name:
        parameters["utm_source"] = slugify(catalog.enterprise_customer_name)
    return parameters


def is_run_active(run: dict[str, Any]) -> bool:
    """Enrollable, and marketable (published and marketable here, or marketable elsewhere)."""
    published = str(run.get("status") or "").lower() == "published"
    marketable = (published and bool(run.get("is_marketable"))) or bool(run.get("is_marketable_external"))
    return bool(run.get("is_enrollable")) and marketable


def advertised_run(course: dict[str, Any]) -> dict[str, Any] | None:
    wanted = course.get("advertised_course_run_uuid")
    return next((run for run in course.get("course_runs") or [] if wanted and run.get("uuid") == wanted), None)


def _best_seat(seats: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    order = {mode: index for index, mode in enumerate(BEST_MODE_ORDER)}
    return min(seats, key=lambda seat: order.get(str(seat.get("type")), len(order)), default=None)


def normalized_metadata(course: dict[str, Any], run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Dates and price of a course's run (its advertised one unless given), as enterprise-catalog normalizes them."""
    run = run or advertised_run(course)
    exec_ed = course.get("course_type") == EXEC_ED_2U_COURSE_TYPE
    enroll_by: str | None = None
    if run is not None:
        if exec_ed:
            enroll_by = run.get("enrollment_end")
        else:
            seat = _best_seat(run.get("seats") or [])
            deadline = (seat.get("upgrade_deadline_override") or seat.get("upgrade_deadline")) if seat else None
            # Both are API timestamps of one format, so text order is time order.
            enroll_by = min(filter(None, [deadline, run.get("enrollment_end")]), default=None)
    price = 0.0
    if run is not None and run.get("fixed_price_usd"):
        price = float(run["fixed_price_usd"])
    elif exec_ed and (
        paid := next(
            (
                e
                for e in course.get("entitlements") or []
                if e.get("price") and e.get("mode") == PAID_EXECUTIVE_EDUCATION
            ),
            None,
        )
    ):
        price = float(paid["price"])
    elif run is not None and run.get("first_enrollable_paid_seat_price"):
        price = float(run["first_enrollable_paid_seat_price"])
    return {
        "start_date": run.get("start") if run else None,
        "end_date": run.get("end") if run else None,
        "enroll_by_date": enroll_by,
        "enroll_start_date": run.get("enrollment_start") if run else None,
        "content_price": price,
    }


class EnrollmentUrls:
    """The LMS enrollment URLs and xAPI activity ids of one catalog's content (ADR 0100)."""

    def __init__(self, catalog: Catalog, lms_urls: dict[str, str]) -> None:
        self.catalog = catalog
        self.lms_urls = lms_urls
        self.parameters = {**utm_parameters(catalog), "catalog": str(catalog.uuid)}
        if catalog.publish_audit_enrollment_urls:
            self.parameters["audit"] = "true"

    def enrollment_url(self, partner: str | None, run_key: str | None) -> str | None:
        lms = self.lms_urls.get(partner or "")
        if not lms or not run_key or self.catalog.enterprise_customer_uuid is None:
            return None
        url = f"{lms}/enterprise/{self.catalog.enterprise_customer_uuid}/course/{run_key}/enroll/"
        return with_query_parameters(url, self.parameters)

    def xapi_activity_id(self, partner: str | None, content_type: str, key: str | None) -> str | None:
        lms = self.lms_urls.get(partner or "")
        return f"{lms}/xapi/activities/{content_type}/{key}" if lms and key else None


def _modified(content: ContentMetadata, catalog: Catalog | None) -> str | None:
    stamp: dt.datetime = getattr(content, "member_date_updated", None) or content.data_modified_timestamp
    if catalog is not None and catalog.modified > stamp:
        stamp = catalog.modified
    return format_datetime(stamp)


def enterprise_items(
    contents: Sequence[ContentMetadata],
    context: ReadContext,
    *,
    catalog: Catalog | None,
    with_enrollment_urls: bool = True,
) -> list[dict[str, Any]]:
    """One enterprise-catalog item per content row, in order; ``catalog`` adds the customer's URLs."""
    payloads = content_payloads(contents, context)
    urls = None
    if catalog is not None:
        partners = {str(payload.get("partner") or "") for payload in payloads}
        urls = EnrollmentUrls(catalog, partner_lms_urls(partners))
    return [
        _item(content, payload, catalog, urls if with_enrollment_urls else None, urls)
        for content, payload in zip(contents, payloads, strict=True)
    ]


def _item(
    content: ContentMetadata,
    item: dict[str, Any],
    catalog: Catalog | None,
    enrollment: EnrollmentUrls | None,
    urls: EnrollmentUrls | None,
) -> dict[str, Any]:
    content_type = content.content_type
    partner = item.get("partner")
    item["parent_content_key"] = content.parent_key or None
    item["content_last_modified"] = _modified(content, catalog)
    if isinstance(item.get("product_source"), str):
        item["product_source"] = {"name": item["product_source"], "slug": None, "description": None}
    if content_type in COURSE_TYPES:
        image = item.get("image") or {}
        item["image_url"] = image.get("src") if isinstance(image, dict) else None
    if content_type in (ContentType.COURSE, ContentType.PROGRAM):
        item["languages"] = list(content.document.get("language") or [])
    if catalog is not None and item.get("marketing_url"):
        item["marketing_url"] = with_query_parameters(item["marketing_url"], utm_parameters(catalog))
    if content_type == ContentType.COURSE:
        runs = item.get("course_runs") or []
        item["active"] = any(is_run_active(run) for run in runs)
        item["normalized_metadata"] = normalized_metadata(item)
        item["normalized_metadata_by_run"] = {run["key"]: normalized_metadata(item, run) for run in runs}
    if urls is not None and content_type in COURSE_TYPES:
        run_key = content.content_key
        if content_type == ContentType.COURSE:
            run_key = (advertised_run(item) or {}).get("key") or content.content_key
        item["enrollment_url"] = enrollment.enrollment_url(partner, run_key) if enrollment else None
        item["xapi_activity_id"] = urls.xapi_activity_id(partner, content_type, content.content_key)
        if enrollment is not None and content_type == ContentType.COURSE and not _exec_ed(item):
            for run in item.get("course_runs") or []:
                run["parent_content_key"] = content.content_key
                run["enrollment_url"] = enrollment.enrollment_url(partner, run.get("key"))
    elif urls is not None and content_type == ContentType.PROGRAM:
        item["enrollment_url"] = None
    return item


def _exec_ed(item: dict[str, Any]) -> bool:
    return item.get("course_type") == EXEC_ED_2U_COURSE_TYPE
