"""Routes of the catalog API (mounted at /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog.api.views import CatalogViewSet, QueryContainsNoSlashView, QueryContainsView

router = SimpleRouter()
router.register("catalogs", CatalogViewSet, basename="catalog")

urlpatterns = [
    path("catalog/query_contains/", QueryContainsView.as_view(), name="catalog-query-contains"),
    # The incumbent's clients call it without the trailing slash too (answered directly, not redirected).
    path("catalog/query_contains", QueryContainsNoSlashView.as_view(), name="catalog-query-contains-no-slash"),
    # enterprise-catalog's API (ADR 0100).
    path("", include("catalog.api.enterprise.urls")),
    *router.urls,
]
