"""The catalog models: catalogs and their query index, content documents, and stored membership."""

from catalog.models.catalogs import Catalog, CatalogQueryIndex
from catalog.models.content import ContentDocument, ContentFieldValue, ContentMetadata, ContentType
from catalog.models.membership import CatalogMembership

__all__ = [
    "Catalog",
    "CatalogMembership",
    "CatalogQueryIndex",
    "ContentDocument",
    "ContentFieldValue",
    "ContentMetadata",
    "ContentType",
]
