"""Top-level URL configuration. Each app owns the routes it mounts under /api/v1/."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from course_metadata.api.root import ApiRootView
from search.api.urls import v2_urlpatterns as v2_search_urls
from settings.authentication.usernames import UsernameReplacementView

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include("publisher_api.urls")),
    path("", include("course_metadata.api.changes_urls")),
    path("", include("catalog.api.urls")),
    path("", include("course_metadata.api.v1.urls")),
    path("", include("search.api.urls")),
    path("replace_usernames/", UsernameReplacementView.as_view(), name="replace_usernames"),
]

urlpatterns = [
    # The site has no pages of its own: its address (the admin's "View site") leads to the API root.
    path("", RedirectView.as_view(pattern_name="v1:root"), name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/v2/", include((v2_search_urls, "api_v2"), namespace="v2")),
    path("api-docs/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api-docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    # Sign-in through the LMS: /login/edx-oauth2/ and the callback /complete/edx-oauth2/ (the incumbent's
    # addresses, so the LMS's OAuth2 application keeps its redirect URI).
    path("", include("social_django.urls", namespace="social")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An API path no route matches (``courses/a.b/``, ``course_editors/1.5/``) is answered in JSON like
    every other API error, as the schema documents; other paths keep Django's page."""
    if request.path.startswith(("/api/", "/api-docs/")):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
