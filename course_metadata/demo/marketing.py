"""Seed the marketing extras of some courses: videos, promo areas, external-product metadata, places and values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from course_metadata.demo.bulk import bulk_insert
from course_metadata.demo.context import SeedContext
from course_metadata.demo.vocabulary import COUNTRIES
from course_metadata.models import (
    AdditionalMetadata,
    AdditionalPromoArea,
    CertificateInfo,
    CourseLocationRestriction,
    Fact,
    GeoLocation,
    ProductMeta,
    ProductValue,
    Video,
)

Row = dict[str, Any]

# Course column -> the model its extra row goes into, in insertion order.
COURSE_EXTRAS = {
    "video_id": Video,
    "extra_description_id": AdditionalPromoArea,
    "location_restriction_id": CourseLocationRestriction,
    "additional_metadata_id": AdditionalMetadata,
    "in_year_value_id": ProductValue,
    "geolocation_id": GeoLocation,
}


def attach_marketing_extras(ctx: SeedContext, courses: list[Row]) -> None:
    """Insert the extras of a chunk of course rows (not inserted yet) and point the rows at them."""
    rng = ctx.rng
    pending: dict[str, list[tuple[Row, Row]]] = {column: [] for column in COURSE_EXTRAS}
    certificates: list[tuple[Row, Row]] = []
    metas: list[tuple[Row, Row]] = []
    facts: list[tuple[Row, Row]] = []
    for course in courses:
        if rng.random() < 0.3:
            video = {"src": f"https://www.youtube.com/watch?v={ctx.uuid().hex[:11]}", "description": ctx.text.phrase()}
            pending["video_id"].append((course, video))
        if rng.random() < 0.05:
            promo = {"title": ctx.text.phrase(), "description": ctx.text.paragraph()}
            pending["extra_description_id"].append((course, promo))
        if rng.random() < 0.04:
            countries = sorted(rng.sample(COUNTRIES, k=rng.randint(1, 3)))
            restriction = {"restriction_type": "blocklist", "countries": countries, "states": []}
            pending["location_restriction_id"].append((course, restriction))
        if course["product_source_id"] != ctx.source_ids["external"]:
            continue
        # External executive-education products carry the data the platform does not hold itself.
        certificate = {"heading": "Earn a certificate", "blurb": ctx.text.sentence()}
        meta = {
            "title": course["title"],
            "description": ctx.text.sentence()[:255],
            "keywords": course["title"].lower().split(),
        }
        metadata = _additional_metadata(ctx, course)
        certificates.append((metadata, certificate))
        metas.append((metadata, meta))
        facts += [(metadata, {"heading": ctx.text.phrase()[:255], "blurb": ctx.text.sentence()}) for _ in range(2)]
        pending["additional_metadata_id"].append((course, metadata))
        value = {
            "per_click_usa": rng.randint(1, 40),
            "per_click_international": 5,
            "per_lead_usa": rng.randint(20, 400),
            "per_lead_international": 5,
        }
        pending["in_year_value_id"].append((course, value))
        if rng.random() < 0.5:
            place = {
                "location_name": ctx.fake.city(),
                "lat": Decimal(f"{rng.uniform(-60, 60):.6f}"),
                "lng": Decimal(f"{rng.uniform(-170, 170):.6f}"),
            }
            pending["geolocation_id"].append((course, place))

    # Certificate info and product meta first: additional metadata points at them.
    for model, column, parts in (
        (CertificateInfo, "certificate_info_id", certificates),
        (ProductMeta, "product_meta_id", metas),
    ):
        _insert(ctx, model, [part for _metadata, part in parts])
        for metadata, part in parts:
            metadata[column] = part["id"]
    for column, extra_model in COURSE_EXTRAS.items():
        _insert(ctx, extra_model, [extra for _course, extra in pending[column]])
        for course, extra in pending[column]:
            course[column] = extra["id"]
    _insert(ctx, Fact, [fact for _metadata, fact in facts])
    links = [{"additionalmetadata_id": metadata["id"], "fact_id": fact["id"]} for metadata, fact in facts]
    bulk_insert(AdditionalMetadata.facts.through, links)


def _additional_metadata(ctx: SeedContext, course: Row) -> Row:
    start = ctx.today + dt.timedelta(days=ctx.rng.randint(14, 120))
    url = f"https://exec-ed.example.com/{course['url_slug']}"
    return {
        "external_url": url,
        "external_identifier": f"EXT-{course['number']}",
        "lead_capture_form_url": f"{url}/apply",
        "organic_url": f"{url}?utm_source=organic",
        "start_date": start,
        "end_date": start + dt.timedelta(weeks=8),
        "registration_deadline": start - dt.timedelta(days=7),
        "product_status": "published",
        "external_course_marketing_type": ctx.rng.choice(["short_course", "sprint", "course_stack"]),
        "display_on_org_page": True,
    }


def _insert(ctx: SeedContext, model: type, rows: list[Row]) -> None:
    ctx.seeded.add(model, bulk_insert(model, rows))
