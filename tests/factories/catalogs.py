"""Factories for catalogs (created through catalog_create, so their query index is built too)."""

from __future__ import annotations

from typing import Any

import factory

from catalog.models import Catalog
from catalog.services.catalogs import catalog_create
from tests.factories.base import ModelFactory


class CatalogFactory(ModelFactory[Catalog]):
    title = factory.Sequence(lambda n: f"Catalog {n}")
    query = factory.LazyFunction(lambda: {"org": "edX"})
    include_archived = False

    class Meta:
        model = Catalog

    @classmethod
    def _create(cls, model_class: type[Catalog], *args: Any, **kwargs: Any) -> Catalog:
        return catalog_create(**kwargs)
