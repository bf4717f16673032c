"""E-commerce (``api/v2/courses/``, ``api/v2/products/``) → seats and entitlements; then the course type match."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from course_metadata.loaders.base import ApiLoader, Loader
from course_metadata.loaders.http import batched_pages, join, prefetched, walk_pages
from course_metadata.loaders.lms import date, text
from course_metadata.services.course_types import CourseTypeShape, course_type_shapes
from course_metadata.services.loading import (
    EntitlementInput,
    SeatInput,
    course_entitlements_delete_unlisted,
    course_entitlements_load,
    course_run_seats_load,
    course_types_match_untyped,
)

ENTITLEMENT_PRODUCT_CLASS = "Course Entitlement"


def attributes(product: dict[str, Any]) -> dict[str, Any]:
    values = product.get("attribute_values") or []
    return {item["name"]: item.get("value") for item in values if isinstance(item, dict) and "name" in item}


def stock_record(product: dict[str, Any]) -> tuple[str, Decimal, str]:
    """(currency, price, sku) of a product's first stock record; ValueError when it has none or it is bad."""
    records = product.get("stockrecords") or []
    if not records:
        raise ValueError("no stock record")
    record = records[0]
    price = record.get("price_excl_tax") or record.get("price")
    try:
        amount = Decimal(str(price))
    except InvalidOperation as error:
        raise ValueError(f"price {price!r} is not a number") from error
    return text(record.get("price_currency")), amount, text(record.get("partner_sku"))


class EcommerceSeatsLoader(ApiLoader):
    """Each run's seats are exactly the child products e-commerce sells for it (mobile SKUs are not synced)."""

    name = "ecommerce seats"
    page_size = 50

    def load(self) -> None:
        url = join(self.partner.ecommerce_api_url, "courses/")
        pages = prefetched(walk_pages(self.client, url, {"include_products": "true"}, page_size=self.page_size))
        shapes: list[CourseTypeShape] | None = None
        for group, failures in batched_pages(pages, self.write_batch):
            for failure in failures:
                self.report.fail("page", f"{self.name} page {failure.number}", failure.reason)
            self.progress.update(len(group))
            offers: dict[str, list[SeatInput]] = {}
            for body in (body for page in group for body in page.results):
                key = text(body.get("id"))
                try:
                    offers[key] = list(self.seats(key, body.get("products") or []))
                except (KeyError, TypeError, ValueError) as error:
                    self.report.fail("seat", key or "?", f"unreadable products: {error}")
            if offers:
                shapes = course_type_shapes() if shapes is None else shapes  # the course types, read once
                self.report.record(course_run_seats_load(partner=self.partner, offers=offers, shapes=shapes))

    def seats(self, key: str, products: Iterable[dict[str, Any]]) -> Iterable[SeatInput]:
        for product in products:
            if product.get("structure") != "child":
                continue
            currency, price, sku = stock_record(product)
            if "mobile" in sku:
                self.report.count("seat", "skipped")  # mobile app store products are not catalog seats
                continue
            attrs = attributes(product)
            credit_hours = attrs.get("credit_hours")
            yield SeatInput(
                seat_type=text(attrs.get("certificate_type")) or "audit",
                currency=currency,
                credit_provider=text(attrs.get("credit_provider")),
                price=price,
                sku=sku,
                upgrade_deadline=date(product.get("expires")),
                credit_hours=int(credit_hours) if credit_hours not in (None, "") else None,
            )


class EcommerceEntitlementsLoader(ApiLoader):
    """Course entitlements from the product listing; those no longer listed are deleted, if every page came."""

    name = "ecommerce entitlements"
    page_size = 50

    def load(self) -> None:
        url = join(self.partner.ecommerce_api_url, "products/")
        listed: set[str] = set()
        complete = True
        params = {"product_class": ENTITLEMENT_PRODUCT_CLASS}
        pages = prefetched(walk_pages(self.client, url, params, page_size=self.page_size))
        for group, failures in batched_pages(pages, self.write_batch):
            for failure in failures:
                complete = False
                self.report.fail("page", f"{self.name} page {failure.number}", failure.reason)
            self.progress.update(len(group))
            inputs = []
            for body in (body for page in group for body in page.results):
                title = text(body.get("title")) or "?"
                try:
                    currency, price, sku = stock_record(body)
                    attrs = attributes(body)
                    inputs.append(
                        EntitlementInput(
                            course_uuid=text(attrs.get("UUID")),
                            mode=text(attrs.get("certificate_type")),
                            price=price,
                            currency=currency,
                            sku=sku,
                        )
                    )
                    listed.add(sku)
                except (KeyError, TypeError, ValueError) as error:
                    complete = False
                    self.report.fail("entitlement", title, f"unreadable product: {error}")
            if inputs:
                self.report.record(course_entitlements_load(partner=self.partner, inputs=inputs))
        if complete:
            self.report.record(course_entitlements_delete_unlisted(partner=self.partner, listed_skus=listed))
        else:
            self.report.failures.append("entitlements: not every product was read, so none were deleted")


class CourseTypeLoader(Loader):
    """Content loaded without a type gets the course type and run types its products fit."""

    name = "course types"

    def load(self) -> None:
        self.report.record(course_types_match_untyped(partner=self.partner))
