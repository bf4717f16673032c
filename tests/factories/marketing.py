"""Factories for the marketing extras attached to courses."""

from __future__ import annotations

import datetime as dt

import factory

from course_metadata.models import (
    AdditionalMetadata,
    AdditionalPromoArea,
    CertificateInfo,
    CourseLocationRestriction,
    Fact,
    GeoLocation,
    ProductMeta,
    ProductValue,
    TaxiForm,
    Video,
)
from tests.factories.base import ModelFactory


class VideoFactory(ModelFactory[Video]):
    src = factory.Sequence(lambda n: f"https://www.youtube.com/watch?v=demo{n:06d}")
    description = factory.Faker("sentence")
    image_url = factory.Faker("image_url")

    class Meta:
        model = Video


class AdditionalPromoAreaFactory(ModelFactory[AdditionalPromoArea]):
    title = factory.Faker("catch_phrase")
    description = factory.Faker("paragraph")

    class Meta:
        model = AdditionalPromoArea


class TaxiFormFactory(ModelFactory[TaxiForm]):
    form_id = factory.Faker("uuid4")
    grouping = "default"
    title = factory.Faker("sentence", nb_words=4)
    subtitle = factory.Faker("sentence", nb_words=8)
    post_submit_url = factory.Faker("url")

    class Meta:
        model = TaxiForm


class FactFactory(ModelFactory[Fact]):
    heading = factory.Faker("sentence", nb_words=3)
    blurb = factory.Faker("paragraph")

    class Meta:
        model = Fact


class CertificateInfoFactory(ModelFactory[CertificateInfo]):
    heading = factory.Faker("sentence", nb_words=3)
    blurb = factory.Faker("paragraph")

    class Meta:
        model = CertificateInfo


class ProductMetaFactory(ModelFactory[ProductMeta]):
    title = factory.Faker("sentence", nb_words=5)
    description = factory.Faker("sentence", nb_words=15)
    keywords = factory.Faker("words", nb=4)

    class Meta:
        model = ProductMeta


class AdditionalMetadataFactory(ModelFactory[AdditionalMetadata]):
    external_url = factory.Faker("url")
    external_identifier = factory.Sequence(lambda n: f"EXT-{n:05d}")
    lead_capture_form_url = factory.Faker("url")
    organic_url = factory.Faker("url")
    certificate_info = factory.SubFactory(CertificateInfoFactory)
    start_date = factory.Faker("date_time_between", start_date="+1d", end_date="+60d", tzinfo=dt.UTC)
    end_date = factory.LazyAttribute(lambda metadata: metadata.start_date + dt.timedelta(weeks=8))
    registration_deadline = factory.LazyAttribute(lambda metadata: metadata.start_date - dt.timedelta(days=1))
    product_status = "published"
    product_meta = factory.SubFactory(ProductMetaFactory)
    external_course_marketing_type = "short_course"

    class Meta:
        model = AdditionalMetadata
        skip_postgeneration_save = True

    @factory.post_generation
    def facts(self, create: bool, extracted: list[Fact] | None, **kwargs: object) -> None:
        if create and extracted:
            self.facts.set(extracted)


class GeoLocationFactory(ModelFactory[GeoLocation]):
    location_name = factory.Faker("city")
    # The columns keep six decimal places; Faker's latitude/longitude sometimes have seven.
    lat = factory.Faker("pydecimal", left_digits=2, right_digits=6, min_value=-90, max_value=90)
    lng = factory.Faker("pydecimal", left_digits=3, right_digits=6, min_value=-180, max_value=180)

    class Meta:
        model = GeoLocation


class CourseLocationRestrictionFactory(ModelFactory[CourseLocationRestriction]):
    restriction_type = CourseLocationRestriction.BLOCKLIST
    countries = factory.LazyFunction(lambda: ["IR", "KP"])
    states = factory.LazyFunction(list)

    class Meta:
        model = CourseLocationRestriction


class ProductValueFactory(ModelFactory[ProductValue]):
    per_click_usa = factory.Faker("pyint", min_value=1, max_value=50)
    per_click_international = factory.Faker("pyint", min_value=1, max_value=50)
    per_lead_usa = factory.Faker("pyint", min_value=10, max_value=500)
    per_lead_international = factory.Faker("pyint", min_value=10, max_value=500)

    class Meta:
        model = ProductValue
