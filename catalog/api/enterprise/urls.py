"""Routes of enterprise-catalog's API (mounted at /api/v1/), each with or without its trailing slash."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from catalog.api.enterprise import views

router = SimpleRouter()
# The router writes its trailing slash into each route's pattern: "/?" makes it optional.
router.trailing_slash = "/?"
router.register("enterprise-catalogs", views.EnterpriseCatalogViewSet, basename="enterprise-catalog")

CATALOG = r"^enterprise-catalogs/(?P<uuid>[^/]+)"
CUSTOMER = r"^enterprise-customer/(?P<enterprise_uuid>[^/]+)"

urlpatterns = [
    re_path(
        rf"{CATALOG}/get_content_metadata/?$",
        views.EnterpriseCatalogContentMetadataView.as_view(),
        name="enterprise-catalog-get-content-metadata",
    ),
    re_path(
        rf"{CATALOG}/contains_content_items/?$",
        views.EnterpriseCatalogContainsView.as_view(),
        name="enterprise-catalog-contains-content-items",
    ),
    re_path(
        rf"{CATALOG}/generate_diff/?$",
        views.EnterpriseCatalogDiffView.as_view(),
        name="enterprise-catalog-generate-diff",
    ),
    re_path(
        rf"{CATALOG}/refresh_metadata/?$",
        views.EnterpriseCatalogRefreshView.as_view(),
        name="enterprise-catalog-refresh",
    ),
    re_path(
        rf"{CUSTOMER}/contains_content_items/?$",
        views.EnterpriseCustomerContainsView.as_view(),
        name="enterprise-customer-contains-content-items",
    ),
    re_path(
        rf"{CUSTOMER}/content-metadata/(?P<identifier>[^/]+)/?$",
        views.EnterpriseCustomerContentMetadataView.as_view(),
        name="enterprise-customer-content-metadata",
    ),
    re_path(
        r"^content-metadata/(?P<identifier>[^/]+)/?$",
        views.ContentMetadataDetailView.as_view(),
        name="content-metadata",
    ),
    re_path(
        r"^catalog-queries/get_content_filter_hash/?$",
        views.ContentFilterHashView.as_view(),
        name="catalog-query-content-filter-hash",
    ),
    re_path(r"^catalog-queries/get_query_by_hash/?$", views.QueryByHashView.as_view(), name="catalog-query-by-hash"),
    *router.urls,
]
